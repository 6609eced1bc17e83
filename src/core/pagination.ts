// One pagination mechanism for every list and describe operation, driven by the model's
// paginator definitions (input_token, output_token, limit_key, result_key, more_results).
// Tokens are opaque and tamper-checked: base64url(JSON position) + "." + HMAC. A page starts
// after the last key it returned, so items added or removed between pages don't shift it.
import { createHmac, randomBytes } from 'node:crypto';
import { ServiceError } from './errors.js';
import { loadModel, type Paginator } from '../protocols/model.js';

// Random per process; with --data-dir it is kept there, so tokens outlive a restart as
// AWS's do.
let secret: Buffer = randomBytes(32);
export function setTokenSecret(s: Buffer): void { secret = s; }
const mac = (s: string) => createHmac('sha256', secret).update(s).digest('base64url').slice(0, 22);

interface Position { o: string; k?: string; i?: number }

export function encodeToken(op: string, pos: { k?: string; i?: number }): string {
  const body = Buffer.from(JSON.stringify({ o: op, ...pos })).toString('base64url');
  return `${body}.${mac(body)}`;
}

export function decodeToken(op: string, token: string): Position | undefined {
  const dot = token.lastIndexOf('.');
  if (dot < 0) return undefined;
  const body = token.slice(0, dot);
  if (mac(body) !== token.slice(dot + 1)) return undefined;
  try {
    const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Position;
    return p.o === op ? p : undefined;
  } catch { return undefined; }
}

export interface PageOptions<T> {
  /** Sort key of an item; items must be sorted by it. Without it, pages go by position. */
  key?: (item: T) => string;
  /** Page size when the request names none. */
  defaultLimit?: number;
  /** The largest page the service allows. */
  maxLimit?: number;
  /** The error a bad token gets (services word it differently). */
  invalidToken?: () => ServiceError;
}

const firstSingle = (x: string | string[] | undefined) => (Array.isArray(x) ? x[0] : x);

/** The model paginator of an operation; throws if the operation has none. */
export function paginatorOf(service: string, operation: string): Paginator {
  const p = loadModel(service).paginators[operation];
  if (!p) throw new Error(`${service}.${operation} has no paginator in the model`);
  return p;
}

/**
 * One page of `items` for the operation in `ctx`, as the output members its paginator names:
 * { [result_key]: page, [output_token]: token?, [more_results]: bool? }.
 */
export function page<T>(ctx: { service: string; operation: string }, input: Record<string, unknown>, items: readonly T[],
  opts: PageOptions<T> = {}): Record<string, unknown> {
  const p = paginatorOf(ctx.service, ctx.operation);
  const inTok = firstSingle(p.input_token)!;
  const outTok = firstSingle(p.output_token)!;
  const resultKey = firstSingle(p.result_key)!;
  const limitIn = p.limit_key ? input[p.limit_key] : undefined;
  const limit = Math.min(typeof limitIn === 'number' && limitIn > 0 ? limitIn : opts.defaultLimit ?? 100, opts.maxLimit ?? Infinity);

  let start = 0;
  const token = input[inTok];
  if (typeof token === 'string' && token !== '') {
    const pos = decodeToken(ctx.operation, token);
    if (!pos) throw (opts.invalidToken ?? (() => new ServiceError('InvalidParameterValue', 'Invalid pagination token', 400)))();
    if (pos.k !== undefined && opts.key) {
      // Binary search: first item whose key sorts after the last one returned.
      let lo = 0, hi = items.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (opts.key(items[mid]) <= pos.k) lo = mid + 1; else hi = mid; }
      start = lo;
    } else start = pos.i ?? 0;
  }
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  const out: Record<string, unknown> = { [resultKey]: slice };
  if (p.more_results) out[p.more_results] = more;
  if (more) {
    const last = slice[slice.length - 1];
    out[outTok] = encodeToken(ctx.operation, opts.key ? { k: opts.key(last) } : { i: start + limit });
  }
  return out;
}
