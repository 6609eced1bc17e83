// The in-process client: one service calling another's handlers (or its internal-only
// handlers) with an internal context, never touching the other service's state directly.
import type { RequestContext, Service } from '../services/service.js';
import { ServiceError } from './errors.js';

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
