// Invoke: RequestResponse, Event (asynchronous, retried twice on error) and DryRun, with
// qualifiers (versions, aliases with weighted routing), LogType Tail and the payload limits.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { log } from '../../core/log.js';
import type { RequestContext } from '../service.js';
import type { InvocationRequest } from '../../protocols/types/lambda.js';
import { fnArn, getFn, parseName, resolveConfig, st, versionConfig } from './common.js';
import { ACCOUNT_CONCURRENCY } from './functions.js';
import { invokeOn, type InvokeResult } from './instances.js';

export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD = 1024 * 1024;
/** Delays before the two retries of a failed asynchronous invocation (AWS: about 1 and 2 minutes). */
const RETRY_DELAYS = [60_000, 120_000];

const tooLarge = (limit: number) => new ServiceError('RequestTooLargeException',
  `Request must be smaller than ${limit} bytes for the InvokeFunction operation`, 413);

export async function invoke(ctx: RequestContext, input: InvocationRequest) {
  const { name, qualifier } = parseName(input.FunctionName, input.Qualifier);
  const f = getFn(ctx, name);
  const { config: primary, alias } = resolveConfig(ctx, f, qualifier);
  const type = input.InvocationType ?? 'RequestResponse';
  const payload = input.Payload === undefined ? Buffer.from('{}') : Buffer.isBuffer(input.Payload) ? input.Payload : Buffer.from(input.Payload as Uint8Array);
  if (type === 'Event' && payload.length > MAX_ASYNC_PAYLOAD) throw tooLarge(MAX_ASYNC_PAYLOAD);
  if (payload.length > MAX_SYNC_PAYLOAD) throw tooLarge(MAX_SYNC_PAYLOAD);
  if (payload.length) {
    try { JSON.parse(payload.toString('utf8')); } catch {
      throw new ServiceError('InvalidRequestContentException', 'Could not parse request body into json: Could not parse payload into json: '
        + 'Unexpected character: was expecting a valid JSON value', 400);
    }
  }
  // An alias with routing sends a share of its invocations to the additional version.
  let config = primary;
  const weights = alias?.RoutingConfig?.AdditionalVersionWeights;
  if (weights) {
    const [ver, weight] = Object.entries(weights)[0];
    if (Math.random() < weight) config = versionConfig(ctx, f, ver);
  }
  const invokedArn = fnArn(ctx, name, qualifier);
  if (type === 'DryRun') return { StatusCode: 204 };
  const others = [...st(ctx).functions.values()].reduce((n, x) => n + (x.name !== name ? x.reserved ?? 0 : 0), 0);
  // ClientContext arrives base64-encoded (X-Amz-Client-Context); the runtime gets the JSON.
  const clientContext = input.ClientContext ? Buffer.from(input.ClientContext, 'base64').toString('utf8') : undefined;
  const opts = { invokedArn, clientContext, reserved: f.reserved, unreservedLimit: ACCOUNT_CONCURRENCY - others - (f.reserved ?? 0) };
  if (type === 'Event') {
    const attempt = (n: number) => {
      let p: Promise<InvokeResult>;
      try { p = invokeOn(ctx, config, payload, opts); } catch (e) { p = Promise.reject(e); }
      p.then((r) => r.functionError ? Promise.reject(new Error(r.payload.toString('utf8'))) : undefined)
        .catch((e) => {
          if (n < RETRY_DELAYS.length && st(ctx).functions.get(name)) clock.after(RETRY_DELAYS[n], () => attempt(n + 1));
          else log.debug(`lambda: async invocation of ${name} failed: ${(e as Error).message}`);
        });
    };
    attempt(0);
    return { StatusCode: 202 };
  }
  const r = await invokeOn(ctx, config, payload, { ...opts, requestId: ctx.requestId });
  const out: Record<string, unknown> = { StatusCode: 200, Payload: r.payload, ExecutedVersion: config.Version };
  if (r.functionError) out.FunctionError = r.functionError;
  if (input.LogType === 'Tail') {
    const text = Buffer.from(r.logs.join('\n') + '\n', 'utf8');
    out.LogResult = text.subarray(Math.max(0, text.length - 4096)).toString('base64');
  }
  return out;
}
