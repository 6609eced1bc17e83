// One request on its way through the gateway: what each stage found so far.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRequest, HttpResponse, Codec } from '../protocols/codec.js';
import type { Operation, Protocol, ServiceModel } from '../protocols/model.js';
import type { RequestContext, Service } from '../services/service.js';
import type { SigV4Auth } from './sigv4.js';

export interface GatewayOptions {
  version: string;
  verifySignatures: boolean;
  /** Largest body buffered in memory; streaming payloads (S3 objects) are not buffered. */
  maxBodyBytes: number;
  enabled: Set<string>;
  startedAt: number;
  /** Where state lives, for health: 'memory' or the data directory. */
  stateLocation: string;
}

export interface Exchange {
  raw: IncomingMessage;
  res: ServerResponse;
  opts: GatewayOptions;
  req: HttpRequest;
  requestId: string;
  started: number;
  auth?: SigV4Auth;
  service?: Service;
  model?: ServiceModel;
  protocol?: Protocol;
  codec?: Codec;
  op?: Operation;
  ctx?: RequestContext;
  input?: Record<string, unknown>;
  output?: unknown;
  bodyRead?: boolean;
  /** Set by a stage that answers the request itself (internal routes, CORS preflight). */
  response?: HttpResponse;
  /** The answer carries its own CORS headers (S3 bucket rules, function URLs): add none. */
  ownCors?: boolean;
  /** Name of the service.Operation for the log line. */
  label?: string;
}
