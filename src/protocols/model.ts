// The service models under models/ (extracted from AWS's published models by
// scripts/extract-models.mjs) and their lazy loading. Nothing here knows a wire format.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Protocol = 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml' | 'smithy-rpc-v2-cbor';

export interface MemberRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  queryName?: string;
  xmlNamespace?: { prefix?: string; uri: string };
  xmlAttribute?: boolean;
  flattened?: boolean;
  jsonvalue?: boolean;
  timestampFormat?: string;
  idempotencyToken?: boolean;
  hostLabel?: boolean;
  streaming?: boolean;
  eventpayload?: boolean;
  eventheader?: boolean;
  deprecated?: boolean;
}

export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double' | 'boolean'
    | 'timestamp' | 'blob' | 'bigdecimal' | 'biginteger';
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  payload?: string;
  flattened?: boolean;
  locationName?: string;
  xmlNamespace?: { prefix?: string; uri: string };
  timestampFormat?: string;
  streaming?: boolean;
  requiresLength?: boolean;
  exception?: boolean;
  fault?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  union?: boolean;
  document?: boolean;
  event?: boolean;
  eventstream?: boolean;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string; locationName?: string; xmlNamespace?: { uri: string } };
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
  endpoint?: { hostPrefix: string };
  authtype?: string;
  auth?: string[];
  httpChecksum?: Record<string, unknown>;
  httpChecksumRequired?: boolean;
}

export interface Paginator {
  input_token: string | string[];
  output_token: string | string[];
  limit_key?: string;
  more_results?: string;
  result_key?: string | string[];
}

export interface ServiceModel {
  name: string;
  metadata: {
    apiVersion: string;
    protocol: Protocol;
    protocols?: Protocol[];
    targetPrefix?: string;
    jsonVersion?: string;
    xmlNamespace?: string;
    endpointPrefix: string;
    signingName?: string;
    serviceId: string;
    serviceFullName?: string;
    awsQueryCompatible?: Record<string, unknown>;
    globalEndpoint?: string;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
  paginators: Record<string, Paginator>;
}

export interface ModelIndexEntry {
  protocols: Protocol[];
  apiVersion: string;
  signingName: string;
  endpointPrefix: string;
  targetPrefix?: string;
  operations: number;
}

const modelsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models');

let index: Record<string, ModelIndexEntry> | undefined;
export function modelIndex(): Record<string, ModelIndexEntry> {
  return (index ??= JSON.parse(readFileSync(join(modelsDir, 'index.json'), 'utf8')));
}

const loaded = new Map<string, ServiceModel>();
/** Loads a service model on first use; start-up reads only the small index. */
export function loadModel(name: string): ServiceModel {
  let m = loaded.get(name);
  if (!m) {
    m = JSON.parse(readFileSync(join(modelsDir, `${name}.json`), 'utf8')) as ServiceModel;
    m.name = name;
    for (const [opName, op] of Object.entries(m.operations)) op.name ??= opName;
    loaded.set(name, m);
  }
  return m;
}
