// awsJson1_0 / awsJson1_1: POST /, X-Amz-Target: <targetPrefix>.<Operation>, JSON body.
// Errors: {"__type": "<namespace>#<Shape>", "message": "..."} plus x-amzn-ErrorType, and for
// query-compatible services (SQS) the legacy code in x-amzn-query-error.
import type { Codec, HttpRequest, HttpResponse, ResponseContext } from './codec.js';
import type { Operation, ServiceModel, Shape } from './model.js';
import { ServiceError } from '../core/errors.js';
import { errorShape, errorStatus, isSenderFault, shapeCode, shapeOf } from './shapes.js';
import { fromJson, jsonReady, toJson } from './jsonvalue.js';
import { EVENT_STREAM_CONTENT_TYPE, eventStreamBody, eventStreamMember, initialResponse, type EventFormat } from './eventstream.js';

// awsJson1_0/1_1 name every member by its member name: the XML names (locationName) a model
// carries for a query protocol it also speaks (SQS) are not JSON names. A per-model view
// without them, made once.
const jsonViews = new WeakMap<ServiceModel, ServiceModel>();
export function jsonView(model: ServiceModel): ServiceModel {
  let v = jsonViews.get(model);
  if (v) return v;
  let shapes: ServiceModel['shapes'] | undefined;
  for (const [name, shape] of Object.entries(model.shapes)) {
    if (shape.type !== 'structure' || !shape.members) continue;
    if (!Object.values(shape.members).some((r) => r.locationName !== undefined && !r.location)) continue;
    shapes ??= { ...model.shapes };
    const members: NonNullable<typeof shape.members> = {};
    for (const [m, r] of Object.entries(shape.members)) {
      if (r.locationName === undefined || r.location) { members[m] = r; continue; }
      const { locationName: _ignored, ...rest } = r;
      members[m] = rest;
    }
    shapes[name] = { ...shape, members };
  }
  v = shapes ? { ...model, shapes } : model;
  jsonViews.set(model, v);
  return v;
}

const contentType = (model: ServiceModel) => `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`;

/** The fields of an error shape other than its message, as the handler supplied them. */
export function errorFields(err: ServiceError, model: ServiceModel | undefined): Record<string, unknown> {
  if (model) model = jsonView(model);
  const out: Record<string, unknown> = {};
  const found = errorShape(model, err.code);
  for (const [k, v] of Object.entries(err.fields)) {
    const ref = found?.shape.members?.[k];
    out[ref?.locationName ?? k] = ref && model ? toJson(model, shapeOf(model, ref), v, ref) : v;
  }
  return out;
}

export const jsonCodec: Codec = {
  bodyFirst: true,
  unknownOperation(): ServiceError {
    return new ServiceError('UnknownOperationException', '', 400);
  },

  resolve(req: HttpRequest, model: ServiceModel): Operation | undefined {
    const target = String(req.headers['x-amz-target'] ?? '');
    const dot = target.lastIndexOf('.');
    if (dot < 0 || target.slice(0, dot) !== model.metadata.targetPrefix) return undefined;
    return model.operations[target.slice(dot + 1)];
  },

  decode(req: HttpRequest, op: Operation, model: ServiceModel): Record<string, unknown> {
    if (!op.input) return {};
    model = jsonView(model);
    const text = req.body.length ? req.body.toString('utf8') : '{}';
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch {
      throw new ServiceError('SerializationException', 'Start of structure or map found where not expected.', 400);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ServiceError('SerializationException', 'Start of structure or map found where not expected.', 400);
    return fromJson(model, shapeOf(model, op.input), parsed) as Record<string, unknown>;
  },

  encode(output: unknown, op: Operation, model: ServiceModel, ctx: ResponseContext): HttpResponse {
    model = jsonView(model);
    const shape = op.output && output ? shapeOf(model, op.output) : undefined;
    const stream = shape && eventStreamMember(model, shape);
    if (stream) return encodeEventStream(model, shape!, output as Record<string, unknown>, stream, ctx);
    const body = shape ? JSON.stringify(jsonReady(model, shape, output) ? output : toJson(model, shape, output)) : '{}';
    return { status: 200, headers: { 'content-type': contentType(model), 'x-amzn-requestid': ctx.requestId }, body };
  },

  encodeError(err: ServiceError, _op, model, ctx): HttpResponse {
    const code = shapeCode(err, model);
    const headers: Record<string, string> = {
      'content-type': model ? contentType(model) : 'application/x-amz-json-1.0',
      'x-amzn-requestid': ctx.requestId,
      'x-amzn-errortype': code,
      ...err.headers,
    };
    const found = errorShape(model, err.code);
    if (model?.metadata.awsQueryCompatible !== undefined) {
      // Query-compatible services report the legacy code for SDKs that still speak query.
      headers['x-amzn-query-error'] = `${found?.shape.error?.code ?? err.code};${isSenderFault(err, model) ? 'Sender' : 'Receiver'}`;
    }
    // __type carries the bare shape name; the SDKs strip any namespace before '#'.
    const body = { __type: code, message: err.message, ...errorFields(err, model) };
    return { status: errorStatus(err, model), headers, body: JSON.stringify(body) };
  },
};

/**
 * An output with an event stream (Kinesis SubscribeToShard): the output's other members go in
 * the `initial-response` event the SDKs wait for, then the events follow.
 */
function encodeEventStream(model: ServiceModel, outputShape: Shape, output: Record<string, unknown>,
  stream: { name: string; shape: Shape }, ctx: ResponseContext): HttpResponse {
  const { [stream.name]: events, ...rest } = output;
  const initial = initialResponse(JSON.stringify(toJson(model, outputShape, rest) ?? {}));
  const body = eventStreamBody(model, stream.shape, events as AsyncIterable<Record<string, unknown>>, jsonEvents, initial);
  return { status: 200, headers: { 'content-type': EVENT_STREAM_CONTENT_TYPE, 'x-amzn-requestid': ctx.requestId }, body };
}

const jsonEvents: EventFormat = {
  contentType: 'application/json',
  writeStructure: (value, shape, model) => JSON.stringify(toJson(model, shape, value) ?? {}),
};
