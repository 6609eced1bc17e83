// The in-process client: one service calling another's handlers (or its internal-only
// handlers) with an internal context, never touching the other service's state directly.
import type { RequestContext, Service } from '../services/service.js';
import { randomUUID } from 'node:crypto';
import { ServiceError } from './errors.js';
import { rootIdentity } from './identity.js';
import { s3RequestId } from './ids.js';

// The registry hands its loader in at start-up (core depends on no service).
let lookup: (name: string) => Promise<Service | undefined> = async () => undefined;
export function setServiceLookup(fn: (name: string) => Promise<Service | undefined>): void { lookup = fn; }

export async function callService<T = Record<string, unknown>>(from: RequestContext, service: string, operation: string,
  input: Record<string, unknown>, scope: { accountId?: string; region?: string } = {}): Promise<T> {
  const svc = await lookup(service);
  const handler = svc?.internal?.[operation] ?? svc?.handlers[operation];
  if (!handler) throw new ServiceError('InternalFailure', `${service}.${operation} is not available in-process`, 500);
  const ctx: RequestContext = { ...from, service, operation, http: undefined, ...scope };
  return (await handler(ctx, input)) as T;
}

// Where clients reach this Nimbus (set once it listens): URLs built outside a request (queue
// URLs in an S3 event, SubscribeURL in an SNS confirmation) use it.
let publicEndpoint = 'http://localhost:4566';
export function setPublicEndpoint(e: string): void { publicEndpoint = e; }

/**
 * The context for work a service does on its own, not for a client: a scheduled delivery, a
 * poller, a lifecycle sweep. It acts as the account's root, as AWS's service principals act
 * with the resource owner's authority.
 */
export function serviceContext(service: string, scope: { accountId: string; region: string }, operation = 'Background'): RequestContext {
  return {
    service, operation, accountId: scope.accountId, region: scope.region, requestId: service === 's3' ? s3RequestId() : randomUUID(),
    caller: rootIdentity(scope.accountId, ''), protocol: 'json', endpoint: publicEndpoint,
  };
}
