// Round trips through the official SDK's own (de)serializers, without a network: an SDK
// client gets a custom requestHandler that captures the request it serialized (converted to
// Nimbus's HttpRequest the way the gateway builds one) and answers with whatever response
// the test prepared (a Nimbus HttpResponse, converted the way Node's HTTP client delivers it).
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { HttpResponse as SdkHttpResponse } from '@smithy/core/transport';
import type { Codec, HttpRequest, HttpResponse } from '../../src/protocols/codec.js';
import type { Operation, ServiceModel } from '../../src/protocols/model.js';
import { loadModel } from '../../src/protocols/model.js';
import type { ServiceError } from '../../src/core/errors.js';
import { decodeAwsChunked, isAwsChunked } from '../../src/gateway/chunked.js';

/** The parts of @smithy's HttpRequest we read. */
interface SdkRequest {
  method: string;
  hostname: string;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

export async function bytesOf(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof (body as Readable)[Symbol.asyncIterator] === 'function') {
    const parts: Buffer[] = [];
    for await (const c of body as Readable) parts.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array));
    return Buffer.concat(parts);
  }
  throw new Error(`unexpected request body ${Object.prototype.toString.call(body)}`);
}

// @smithy/querystring-builder's encoding: RFC 3986 unreserved characters only.
const escapeUri = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function queryString(query: SdkRequest['query']): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (Array.isArray(v)) for (const x of v) parts.push(`${escapeUri(k)}=${escapeUri(x)}`);
    else parts.push(v === null || v === undefined ? escapeUri(k) : `${escapeUri(k)}=${escapeUri(v)}`);
  }
  return parts.join('&');
}

/**
 * The request as the gateway would hand it to a codec: lower-cased headers, raw path, query
 * pairs parsed from the query string the SDK's HTTP handler would send, the body bytes
 * (aws-chunked framing removed, as the gateway does) and, for streaming payloads, a stream.
 */
export async function toNimbusRequest(r: SdkRequest): Promise<HttpRequest> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
  let body = await bytesOf(r.body);
  let trailers: Record<string, string> | undefined;
  if (isAwsChunked(headers)) {
    const d = decodeAwsChunked(Readable.from([body]));
    body = await bytesOf(d.body);
    trailers = d.trailers();
  }
  const qs = queryString(r.query);
  return {
    method: r.method, path: r.path, query: qs ? [...new URLSearchParams(qs)] : [], headers, body,
    stream: Readable.from(body.length ? [body] : []), trailers: trailers && (() => trailers!),
  };
}

/** A Nimbus response as the SDK receives it from Node's HTTP client: lower-case headers, a stream body. */
export function toSdkResponse(r: HttpResponse): SdkHttpResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  const body = r.body instanceof Readable ? r.body : Readable.from(r.body === undefined ? [] : [Buffer.from(r.body)]);
  return new SdkHttpResponse({ statusCode: r.status, headers, body });
}

export const ctx = { requestId: 'req-0123456789abcdef', service: 'test' };

/** One SDK client's transport: captures requests, answers with the prepared response. */
export class Wire {
  captured?: HttpRequest;
  raw?: SdkRequest;
  reply: () => HttpResponse = () => ({ status: 200, headers: {}, body: '' });
  readonly requestHandler = {
    handle: async (request: SdkRequest) => {
      this.raw = request;
      this.captured = await toNimbusRequest(request);
      return { response: toSdkResponse(this.reply()) };
    },
  };
  config() {
    return {
      region: 'us-east-1', endpoint: 'http://localhost:4566', maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, requestHandler: this.requestHandler,
    };
  }
}

interface Sendable { send(command: unknown): Promise<unknown> }

/** A codec, a model and an SDK client wired together. */
export class Harness<C extends Sendable> {
  readonly model: ServiceModel;
  readonly wire = new Wire();
  readonly client: C;
  constructor(readonly codec: Codec, service: string, make: (config: ReturnType<Wire['config']>) => C) {
    this.model = loadModel(service);
    this.client = make(this.wire.config());
  }

  op(name: string): Operation {
    const op = this.model.operations[name];
    if (!op) throw new Error(`no operation ${name}`);
    return op;
  }

  /** Sends `command` through the SDK; returns the operation and input Nimbus decodes from it. */
  async request(command: unknown): Promise<{ op: Operation | undefined; input: Record<string, unknown>; req: HttpRequest }> {
    const prev = this.wire.reply;
    // The answer does not matter here; a bodiless 200 may not parse for every protocol.
    await this.client.send(command).catch(() => undefined);
    this.wire.reply = prev;
    const req = this.wire.captured!;
    const op = this.codec.resolve(req, this.model);
    const input = op ? this.codec.decode(req, op, this.model) : {};
    return { op, input, req };
  }

  /** Encodes `output` as operation `opName`'s response and returns what the SDK parses from it. */
  async response(opName: string, output: unknown, command: unknown): Promise<Record<string, unknown>> {
    this.wire.reply = () => this.codec.encode(output, this.op(opName), this.model, ctx);
    return await this.client.send(command) as Record<string, unknown>;
  }

  /** Encodes `err` as operation `opName`'s error response and returns what the SDK throws. */
  async error(opName: string, err: ServiceError, command: unknown): Promise<Error & Record<string, unknown>> {
    this.wire.reply = () => this.codec.encodeError(err, this.op(opName), this.model, ctx);
    try { await this.client.send(command); } catch (e) { return e as Error & Record<string, unknown>; }
    throw new Error('the SDK accepted an error response');
  }
}

/**
 * A comparable form: Dates as ISO strings, bytes as base64 tagged strings, undefined members
 * and the SDK's $metadata dropped.
 */
export function plain(v: unknown): unknown {
  if (v === undefined || v === null) return v;
  if (v instanceof Date) return `date:${v.toISOString()}`;
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('base64')}`;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x !== undefined && k !== '$metadata') out[k] = plain(x);
    }
    return out;
  }
  return v;
}

let table: Int32Array | undefined;
/** CRC-32 (the x-amz-checksum-crc32 algorithm) as base64 of its big-endian bytes; zlib's when Node has it. */
export function crc32Base64(b: Buffer): string {
  const native = (zlib as unknown as { crc32?: (b: Buffer) => number }).crc32;
  let c: number;
  if (native) c = native(b);
  else {
    table ??= Int32Array.from({ length: 256 }, (_, n) => {
      for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
      return n;
    });
    c = -1;
    for (const x of b) c = table[(c ^ x) & 0xff] ^ (c >>> 8);
    c = (c ^ -1) >>> 0;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE(c >>> 0);
  return out.toString('base64');
}
