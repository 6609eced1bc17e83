// What a service is: a name, a table of handlers by operation name, and optionally
// in-process-only handlers other services may call. Operations without a handler answer
// 501 NotImplemented.
import type { HttpRequest, HttpResponse } from '../protocols/codec.js';
import type { Credential } from '../core/identity.js';
import type { Violation } from '../protocols/validate.js';
import type { ServiceError } from '../core/errors.js';
import type { Protocol } from '../protocols/model.js';

export interface RequestContext {
  service: string;
  operation: string;
  accountId: string;
  region: string;
  requestId: string;
  /** Who is calling: a registered credential, or the account root for unknown keys. */
  caller: Credential;
  /** The protocol the request came in (SQS answers json and query). */
  protocol: Protocol;
  /** The HTTP request (headers, host), absent for in-process calls. */
  http?: HttpRequest;
  /**
   * Runs `fn` if the client goes away before the response is sent (a long poll stops
   * waiting instead of taking messages nobody will read). Absent for in-process calls.
   */
  onClientGone?(fn: () => void): void;
  /** Nimbus runs with --verify-signatures (signatures inside payloads, e.g. S3 POST policies, are checked then too). */
  verifySignatures?: boolean;
  /** The endpoint clients reach Nimbus at, e.g. http://localhost:4566 (queue URLs use it). */
  endpoint: string;
}

// Handlers are typed per operation through the generated types (src/protocols/types/*).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (ctx: RequestContext, input: any) => unknown | Promise<unknown>;

export interface Service {
  name: string;
  handlers: Record<string, Handler>;
  /** Handlers only other services can call, through core/internal-client. */
  internal?: Record<string, Handler>;
  /**
   * Plain-HTTP endpoints under /_nimbus/<service>/ (paths here start after that prefix), for
   * what AWS serves outside its APIs: certificates, confirmation links, downloads. Answer
   * undefined for a path the service does not serve (404).
   */
  http?(req: ServiceHttpRequest): Promise<HttpResponse | undefined> | HttpResponse | undefined;
  /**
   * The CORS headers for a browser request (one with an Origin header) to this service, when
   * the service decides them itself (S3: the bucket's CORS rules; none when nothing matches).
   * Without it the gateway allows every origin.
   */
  cors?(req: HttpRequest, input: Record<string, unknown> | undefined): Record<string, string>;
  /** Shapes the service validates itself (model validation does not enter them). */
  validatesItself?: ReadonlySet<string>;
  /** How this service reports model validation failures (defaults by protocol). */
  validationError?(violations: Violation[], protocol: Protocol): ServiceError;
}

export interface ServiceHttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
