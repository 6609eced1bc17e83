// restJson1 (Lambda, API Gateway, X-Ray, FIS): HTTP bindings (rest.ts) with a JSON body.
// Body timestamps are epoch seconds. Errors carry the shape name in `x-amzn-errortype` and
// `{"message": ...}` in the body (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html);
// Lambda's error shapes also declare `Type` (User/Service) and `Message`, which we fill.
import type { Codec, HttpRequest, HttpResponse, ResponseContext } from './codec.js';
import type { Operation, ServiceModel, Shape } from './model.js';
import { ServiceError } from '../core/errors.js';
import { errorShape, errorStatus, isSenderFault, shapeCode } from './shapes.js';
import { fromJson, toJson } from './jsonvalue.js';
import { decodeRest, encodeRest, resolveRoute, streamsInput, writeHeaders, type RestFormat } from './rest.js';

const serialization = (msg: string) => new ServiceError('SerializationException', msg, 400);

export const jsonFormat: RestFormat = {
  contentType: 'application/json',
  invalid: serialization,
  readStructure(body: Buffer, shape: Shape, model: ServiceModel): Record<string, unknown> {
    let parsed: unknown;
    try { parsed = JSON.parse(body.toString('utf8')); } catch {
      throw serialization('Could not parse request body into json: Unexpected character in the request body.');
    }
    return (fromJson(model, shape, parsed) ?? {}) as Record<string, unknown>;
  },
  writeStructure(value, shape, model): string {
    return JSON.stringify(toJson(model, shape, value) ?? {});
  },
};

export const restJsonCodec: Codec = {
  bodyFirst: false,
  resolve: (req: HttpRequest, model: ServiceModel) => resolveRoute(req, model),
  unknownOperation(): ServiceError {
    return new ServiceError('UnknownOperationException', 'Unknown operation', 404);
  },
  streamsInput,
  decode: (req: HttpRequest, op: Operation, model: ServiceModel) => decodeRest(req, op, model, jsonFormat),

  encode(output: unknown, op: Operation, model: ServiceModel, ctx: ResponseContext): HttpResponse {
    const r = encodeRest(output, op, model, jsonFormat);
    r.headers['x-amzn-requestid'] = ctx.requestId;
    return r;
  },

  encodeError(err: ServiceError, _op, model, ctx): HttpResponse {
    const found = errorShape(model, err.code);
    const headers: Record<string, string | string[]> = {
      'content-type': 'application/json',
      'x-amzn-requestid': ctx.requestId,
      'x-amzn-errortype': shapeCode(err, model),
    };
    let fields: Record<string, unknown> = {};
    if (found && model) {
      const members = found.shape.members ?? {};
      const values: Record<string, unknown> = { ...err.fields };
      // Shapes that model the message or the fault type as members (Lambda: Message, Type).
      for (const name of Object.keys(members)) {
        if (name.toLowerCase() === 'message' && values[name] === undefined) values[name] = err.message;
        if (name === 'Type' && values[name] === undefined) values[name] = isSenderFault(err, model) ? 'User' : 'Service';
      }
      writeHeaders(model, found.shape, values, headers);
      for (const [k, v] of Object.entries(values)) if (!members[k]) fields[k] = v;
      Object.assign(fields, toJson(model, found.shape, values));
    } else fields = { ...err.fields };
    Object.assign(headers, err.headers);
    return { status: errorStatus(err, model), headers, body: JSON.stringify({ message: err.message, ...fields }) };
  },
};
