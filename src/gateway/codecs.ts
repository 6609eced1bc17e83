// Protocol name -> codec.
import type { Codec } from '../protocols/codec.js';
import type { Protocol } from '../protocols/model.js';
import { jsonCodec } from '../protocols/json.js';
import { ec2Codec, queryCodec } from '../protocols/query.js';
import { restJsonCodec } from '../protocols/rest-json.js';
import { restXmlCodec } from '../protocols/rest-xml.js';

const codecs: Partial<Record<Protocol, Codec>> = {
  json: jsonCodec, query: queryCodec, ec2: ec2Codec, 'rest-json': restJsonCodec, 'rest-xml': restXmlCodec,
};

export const codecFor = (p: Protocol): Codec | undefined => codecs[p];
