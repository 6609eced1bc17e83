// Event-stream responses (application/vnd.amazon.eventstream), model-driven like every other
// encoding: S3 SelectObjectContent, Kinesis SubscribeToShard, Lambda InvokeWithResponseStream.
// A handler returns, for the output's event-stream member, an AsyncIterable of events shaped
// `{ EventName: { ...members } }`; each event becomes one binary message. A ServiceError thrown
// by the iterable ends the stream with an exception message (if the stream's union models that
// error) or an error message (otherwise), which is how AWS reports failures after the 200.
//
// Message framing: total length, headers length, prelude CRC32, headers, payload, message CRC32
// (all CRCs are CRC-32 over the preceding bytes). Headers are name-length (1 byte), name, type
// (1 byte), value. https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html
// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html (header types)
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { ServiceModel, Shape } from './model.js';
import { shapeOf } from './shapes.js';
import { ServiceError, internalFailure } from '../core/errors.js';
import { log } from '../core/log.js';

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

/** How the protocol writes an event's structured members: JSON or an XML document. */
export interface EventFormat {
  contentType: string;
  writeStructure(value: Record<string, unknown>, shape: Shape, model: ServiceModel, rootName: string): string;
}

/** The output member that is an event stream, if the output has one (looked up once per shape). */
const streamMembers = new WeakMap<Shape, { name: string; shape: Shape } | null>();
export function eventStreamMember(model: ServiceModel, output: Shape): { name: string; shape: Shape } | undefined {
  let found = streamMembers.get(output);
  if (found === undefined) {
    found = null;
    for (const [name, ref] of Object.entries(output.members ?? {})) {
      const shape = shapeOf(model, ref);
      if (shape.eventstream) { found = { name, shape }; break; }
    }
    streamMembers.set(output, found);
  }
  return found ?? undefined;
}

type HeaderValue = string | number | bigint | boolean | Buffer | Date;
type Header = [name: string, value: HeaderValue, shapeType?: Shape['type']];

function encodeHeaders(headers: Header[]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value, type] of headers) {
    const n = Buffer.from(name, 'utf8');
    let v: Buffer;
    if (typeof value === 'boolean') v = Buffer.from([value ? 0 : 1]);
    else if (value instanceof Date || type === 'timestamp') {
      v = Buffer.alloc(9); v[0] = 8; v.writeBigInt64BE(BigInt(value instanceof Date ? value.getTime() : Number(value)), 1);
    } else if (type === 'long' || typeof value === 'bigint') { v = Buffer.alloc(9); v[0] = 5; v.writeBigInt64BE(BigInt(value as number), 1); }
    else if (typeof value === 'number') { v = Buffer.alloc(5); v[0] = 4; v.writeInt32BE(value, 1); }
    else {
      const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
      v = Buffer.alloc(3 + bytes.length); v[0] = Buffer.isBuffer(value) ? 6 : 7; v.writeUInt16BE(bytes.length, 1); bytes.copy(v, 3);
    }
    parts.push(Buffer.from([n.length]), n, v);
  }
  return Buffer.concat(parts);
}

/** One framed message. */
export function eventMessage(headers: Header[], payload: Buffer): Buffer {
  const h = encodeHeaders(headers);
  const total = 12 + h.length + payload.length + 4;
  const m = Buffer.allocUnsafe(total);
  m.writeUInt32BE(total, 0);
  m.writeUInt32BE(h.length, 4);
  m.writeUInt32BE(crc32(m.subarray(0, 8)), 8);
  h.copy(m, 12);
  payload.copy(m, 12 + h.length);
  m.writeUInt32BE(crc32(m.subarray(0, total - 4)), total - 4);
  return m;
}

/** Frames one event `{ Name: value }` of union `union` by its event shape's bindings. */
function encodeEvent(model: ServiceModel, union: Shape, event: Record<string, unknown>, fmt: EventFormat): Buffer {
  const name = Object.keys(event)[0];
  const ref = union.members?.[name];
  if (!ref) throw new Error(`event ${name} is not a member of the event stream`);
  const shape = shapeOf(model, ref);
  const value = (event[name] ?? {}) as Record<string, unknown>;
  const headers: Header[] = [[':event-type', name]];
  let payload: Buffer | undefined;
  let contentType = fmt.contentType;
  const rest: Record<string, unknown> = {};
  let hasRest = false;
  for (const [m, mref] of Object.entries(shape.members ?? {})) {
    const v = value[m];
    if (v === undefined || v === null) continue;
    const ms = shapeOf(model, mref);
    if (mref.eventpayload) {
      if (ms.type === 'blob') { payload = Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array); contentType = 'application/octet-stream'; }
      else if (ms.type === 'string') { payload = Buffer.from(String(v), 'utf8'); contentType = 'text/plain'; }
      else payload = Buffer.from(fmt.writeStructure(v as Record<string, unknown>, ms, model, mref.locationName ?? mref.shape), 'utf8');
    } else if (mref.eventheader) headers.push([mref.locationName ?? m, v as HeaderValue, ms.type]);
    else { rest[m] = v; hasRest = true; }
  }
  if (!payload && hasRest) payload = Buffer.from(fmt.writeStructure(rest, shape, model, name), 'utf8');
  headers.push([':content-type', contentType], [':message-type', 'event']);
  return eventMessage(headers, payload ?? Buffer.alloc(0));
}

function encodeFailure(model: ServiceModel, union: Shape, err: unknown, fmt: EventFormat): Buffer {
  // Anything but a ServiceError is a bug: logged, and answered as the gateway answers one.
  if (!(err instanceof ServiceError)) log.error(`event stream failed: ${(err as Error)?.stack ?? err}`);
  const e = err instanceof ServiceError ? err : internalFailure();
  if (union.members?.[e.code]) {
    // A modelled exception: its members as the event body, like a JSON/XML error document.
    const body = fmt.contentType === 'application/json'
      ? JSON.stringify({ message: e.message, ...(e.fields ?? {}) })
      : fmt.writeStructure({ Message: e.message, ...(e.fields ?? {}) }, shapeOf(model, union.members[e.code]), model, e.code);
    return eventMessage([[':exception-type', e.code], [':content-type', fmt.contentType], [':message-type', 'exception']], Buffer.from(body, 'utf8'));
  }
  return eventMessage([[':error-code', e.code], [':error-message', e.message], [':message-type', 'error']], Buffer.alloc(0));
}

/**
 * The response body for an event stream: an optional first message (the JSON protocols'
 * `initial-response`, carrying the output's other members), then one message per event.
 * Destroying the body (the client went away) returns the handler's iterator, so a long-lived
 * subscription stops its work.
 */
export function eventStreamBody(model: ServiceModel, union: Shape, events: AsyncIterable<Record<string, unknown>>,
  fmt: EventFormat, initial?: Buffer): Readable {
  async function* frames() {
    if (initial) yield initial;
    try {
      for await (const event of events) yield encodeEvent(model, union, event, fmt);
    } catch (err) {
      yield encodeFailure(model, union, err, fmt);
    }
  }
  return Readable.from(frames(), { objectMode: false });
}

/** The `initial-response` message of the JSON protocols. */
export const initialResponse = (json: string): Buffer =>
  eventMessage([[':event-type', 'initial-response'], [':content-type', 'application/json'], [':message-type', 'event']], Buffer.from(json, 'utf8'));
