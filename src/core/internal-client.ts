// The in-process client: one service calling another's handlers (or its internal-only
// handlers) with an internal context, never touching the other service's state directly.
import type { RequestContext } from '../services/service.js';
import { serviceByName } from '../services/registry.js';
import { ServiceError } from './errors.js';

export async function callService<T = Record<string, unknown>>(from: RequestContext, service: string, operation: string,
  input: Record<string, unknown>, scope: { accountId?: string; region?: string } = {}): Promise<T> {
  const svc = serviceByName(service);
  const handler = svc?.internal?.[operation] ?? svc?.handlers[operation];
  if (!handler) throw new ServiceError('InternalFailure', `${service}.${operation} is not available in-process`, 500);
  const ctx: RequestContext = { ...from, service, operation, http: undefined, ...scope };
  return (await handler(ctx, input)) as T;
}
