// Invoke: RequestResponse, Event (queued: see async.ts) and DryRun, with qualifiers
// (versions, aliases with weighted routing), LogType Tail and the payload limits.
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type { InvocationRequest, InvokeAsyncRequest } from '../../protocols/types/lambda.js';
import { fnArn, getFn, parseName, resolveConfig, st, versionConfig } from './common.js';
import { ACCOUNT_CONCURRENCY } from './functions.js';
import { invokeOn, type InvokeOptions } from './instances.js';
import { enqueue } from './async.js';
import type { FnConfig, FnRec } from './state.js';

export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
// Asynchronous payloads: 1 MB since October 2025 (256 KB before); Lambda quotas page,
// "Invocation payload (request and response): 6 MB each for synchronous, 1 MB for asynchronous".
export const MAX_ASYNC_PAYLOAD = 1024 * 1024;

const tooLarge = (limit: number) => new ServiceError('RequestTooLargeException',
  `Request must be smaller than ${limit} bytes for the InvokeFunction operation`, 413);

/** The configuration an invocation runs (alias weights applied) and its concurrency options. */
export function prepare(ctx: RequestContext, f: FnRec, qualifier: string | undefined): { config: FnConfig; opts: InvokeOptions } {
  const { config: primary, alias } = resolveConfig(ctx, f, qualifier);
  // An alias with routing sends a share of its invocations to the additional version.
  let config = primary;
  const weights = alias?.RoutingConfig?.AdditionalVersionWeights;
  if (weights) {
    const [ver, weight] = Object.entries(weights)[0];
    if (Math.random() < weight) config = versionConfig(ctx, f, ver);
  }
  const others = [...st(ctx).functions.values()].reduce((n, x) => n + (x.name !== f.name ? x.reserved ?? 0 : 0), 0);
  return { config, opts: { invokedArn: fnArn(ctx, f.name, qualifier), reserved: f.reserved, unreservedLimit: ACCOUNT_CONCURRENCY - others - (f.reserved ?? 0) } };
}

function checkJson(payload: Buffer): void {
  if (!payload.length) return;
  try { JSON.parse(payload.toString('utf8')); } catch {
    throw new ServiceError('InvalidRequestContentException', 'Could not parse request body into json: Could not parse payload into json: '
      + 'Unexpected character: was expecting a valid JSON value', 400);
  }
}

export async function invoke(ctx: RequestContext, input: InvocationRequest) {
  const { name, qualifier } = parseName(input.FunctionName, input.Qualifier);
  const f = getFn(ctx, name);
  resolveConfig(ctx, f, qualifier); // the qualifier must exist whatever the invocation type
  const type = input.InvocationType ?? 'RequestResponse';
  const payload = input.Payload === undefined ? Buffer.from('{}') : Buffer.isBuffer(input.Payload) ? input.Payload : Buffer.from(input.Payload as Uint8Array);
  if (type === 'Event' && payload.length > MAX_ASYNC_PAYLOAD) throw tooLarge(MAX_ASYNC_PAYLOAD);
  if (payload.length > MAX_SYNC_PAYLOAD) throw tooLarge(MAX_SYNC_PAYLOAD);
  checkJson(payload);
  if (type === 'DryRun') return { StatusCode: 204 };
  if (type === 'Event') {
    enqueue(ctx, f, qualifier, payload.length ? payload : Buffer.from('{}'));
    return { StatusCode: 202 };
  }
  const { config, opts } = prepare(ctx, f, qualifier);
  // ClientContext arrives base64-encoded (X-Amz-Client-Context); the runtime gets the JSON.
  const clientContext = input.ClientContext ? Buffer.from(input.ClientContext, 'base64').toString('utf8') : undefined;
  const r = await invokeOn(ctx, config, payload, { ...opts, clientContext, requestId: ctx.requestId });
  const out: Record<string, unknown> = { StatusCode: 200, Payload: r.payload, ExecutedVersion: config.Version };
  if (r.functionError) out.FunctionError = r.functionError;
  if (input.LogType === 'Tail') {
    const text = Buffer.from(r.logs.join('\n') + '\n', 'utf8');
    out.LogResult = text.subarray(Math.max(0, text.length - 4096)).toString('base64');
  }
  return out;
}

/** The deprecated InvokeAsync: an Event invocation of $LATEST answering {Status: 202}. */
export async function invokeAsync(ctx: RequestContext, input: InvokeAsyncRequest) {
  const { name, qualifier } = parseName(input.FunctionName);
  const f = getFn(ctx, name);
  resolveConfig(ctx, f, qualifier);
  const args = input.InvokeArgs as unknown;
  let payload: Buffer;
  if (Buffer.isBuffer(args)) payload = args;
  else if (args instanceof Uint8Array) payload = Buffer.from(args);
  else if (typeof args === 'string') payload = Buffer.from(args);
  else if (args && typeof (args as AsyncIterable<Buffer>)[Symbol.asyncIterator] === 'function') {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const c of args as AsyncIterable<Buffer>) { size += c.length; if (size > MAX_ASYNC_PAYLOAD) throw tooLarge(MAX_ASYNC_PAYLOAD); parts.push(Buffer.from(c)); }
    payload = Buffer.concat(parts);
  } else payload = Buffer.alloc(0);
  if (payload.length > MAX_ASYNC_PAYLOAD) throw tooLarge(MAX_ASYNC_PAYLOAD);
  checkJson(payload);
  enqueue(ctx, f, qualifier, payload.length ? payload : Buffer.from('{}'));
  return { Status: 202 };
}
