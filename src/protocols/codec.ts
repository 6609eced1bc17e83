// What a protocol codec is. A codec knows nothing about any service: given a service model it
// finds the operation a request names, decodes the request into the operation's typed input,
// and encodes typed output or a ServiceError as the protocol's response.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Operation, ServiceModel } from './model.js';
import type { ServiceError } from '../core/errors.js';

export interface HttpRequest {
  method: string;
  /** Raw (still percent-encoded) path, without the query string. */
  path: string;
  /** Decoded query string parameters, in order; a key may repeat. */
  query: [string, string][];
  /** Lower-cased header names. */
  headers: IncomingHttpHeaders;
  /** The buffered body; empty until read, and for streaming payloads. */
  body: Buffer;
  /** The body as a stream, for operations whose payload streams (S3 PutObject, UploadPart). */
  stream?: Readable;
  /** Trailing headers of an aws-chunked body (e.g. x-amz-checksum-crc32), once the stream ended. */
  trailers?: () => Record<string, string>;
  /** Bucket taken from a virtual-hosted S3 host name, prepended to the path for routing. */
  hostBucket?: string;
  /** URI labels of the route a REST request resolved to, kept for decoding it. */
  labels?: { op: Operation; path: string; values: Record<string, string> };
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body?: Buffer | string | Readable;
}

export interface ResponseContext {
  requestId: string;
  service: string;
}

export interface Codec {
  /** Whether the body must be read before the operation is known (query, json). */
  readonly bodyFirst: boolean;
  /**
   * The operation a request names. Returns undefined when it names none of the model's
   * operations; `unknownOperation` then gives the protocol's error for that.
   */
  resolve(req: HttpRequest, model: ServiceModel): Operation | undefined;
  unknownOperation(req: HttpRequest, model: ServiceModel): ServiceError;
  /** Whether this operation's request body streams to the handler instead of being buffered. */
  streamsInput?(op: Operation, model: ServiceModel): boolean;
  /** Decodes the request into the operation's input (structure of member names). */
  decode(req: HttpRequest, op: Operation, model: ServiceModel): Record<string, unknown>;
  encode(output: unknown, op: Operation, model: ServiceModel, ctx: ResponseContext): HttpResponse;
  encodeError(err: ServiceError, op: Operation | undefined, model: ServiceModel | undefined, ctx: ResponseContext): HttpResponse;
}
