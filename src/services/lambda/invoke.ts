// Invoke: RequestResponse, Event (queued: see async.ts) and DryRun, with qualifiers
// (versions, aliases with weighted routing), LogType Tail and the payload limits;
// InvokeWithResponseStream: the response as an event stream of PayloadChunk events while the
// function writes, then InvokeComplete.
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type { InvocationRequest, InvokeAsyncRequest, InvokeWithResponseStreamRequest } from '../../protocols/types/lambda.js';
import { fnArn, getFn, parseName, resolveConfig, st, versionConfig } from './common.js';
import { ACCOUNT_CONCURRENCY } from './functions.js';
import { invokeOn, type InvokeOptions, type InvokeResult, type StreamSink } from './instances.js';
import { StreamQueue } from './stream-queue.js';
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

/** The target and payload of an invocation, checked as Invoke checks them. */
function request(ctx: RequestContext, input: { FunctionName: string; Qualifier?: string; InvocationType?: string; Payload?: unknown }) {
  const { name, qualifier } = parseName(input.FunctionName, input.Qualifier);
  const f = getFn(ctx, name);
  resolveConfig(ctx, f, qualifier); // the qualifier must exist whatever the invocation type
  const type = input.InvocationType ?? 'RequestResponse';
  const payload = input.Payload === undefined ? Buffer.from('{}') : Buffer.isBuffer(input.Payload) ? input.Payload : Buffer.from(input.Payload as Uint8Array);
  if (type === 'Event' && payload.length > MAX_ASYNC_PAYLOAD) throw tooLarge(MAX_ASYNC_PAYLOAD);
  if (payload.length > MAX_SYNC_PAYLOAD) throw tooLarge(MAX_SYNC_PAYLOAD);
  checkJson(payload);
  return { f, qualifier, type, payload };
}

const tail = (r: InvokeResult) => {
  const text = Buffer.from(r.logs.join('\n') + '\n', 'utf8');
  return text.subarray(Math.max(0, text.length - 4096)).toString('base64');
};

export async function invoke(ctx: RequestContext, input: InvocationRequest) {
  const { f, qualifier, type, payload } = request(ctx, input);
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
  if (input.LogType === 'Tail') out.LogResult = tail(r);
  return out;
}

/** An invocation whose response is delivered as the function writes it. */
export interface StreamedInvocation {
  /** The content type the runtime streams with, or undefined when the function answered buffered. */
  opened: Promise<string | undefined>;
  chunks: StreamQueue<Buffer>;
  done: Promise<InvokeResult>;
}

/** Runs an invocation with a sink for its streamed response (throws at once when throttled). */
export function invokeStreamed(ctx: RequestContext, config: FnConfig, payload: Buffer, opts: InvokeOptions): StreamedInvocation {
  const chunks = new StreamQueue<Buffer>();
  let open!: (ct: string | undefined) => void;
  const opened = new Promise<string | undefined>((ok) => { open = ok; });
  const sink: StreamSink = { open: (ct) => open(ct), chunk: (b) => chunks.push(b) };
  const done = invokeOn(ctx, config, payload, { ...opts, sink });
  done.then(() => { open(undefined); chunks.end(); }, (e) => { open(undefined); chunks.fail(e); });
  return { opened, chunks, done };
}

/**
 * InvokeWithResponseStream (API reference; "Response streaming for Lambda functions",
 * docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html): PayloadChunk
 * events carry the bytes as the function writes them; a function that does not stream sends
 * its whole response as one chunk. InvokeComplete ends the stream, with the error (its type
 * and message) when the function failed, and the log tail with LogType Tail.
 */
export async function invokeWithResponseStream(ctx: RequestContext, input: InvokeWithResponseStreamRequest) {
  const { f, qualifier, type, payload } = request(ctx, input);
  if (type === 'DryRun') return { StatusCode: 204 };
  const { config, opts } = prepare(ctx, f, qualifier);
  const clientContext = input.ClientContext ? Buffer.from(input.ClientContext, 'base64').toString('utf8') : undefined;
  const run = invokeStreamed(ctx, config, payload, { ...opts, clientContext, requestId: ctx.requestId });
  const events = new StreamQueue<Record<string, unknown>>();
  void (async () => {
    try {
      for await (const b of run.chunks) events.push({ PayloadChunk: { Payload: b } });
      const r = await run.done;
      if (!r.streamed && !r.functionError && r.payload.length) events.push({ PayloadChunk: { Payload: r.payload } });
      const complete: Record<string, string> = {};
      if (r.functionError) {
        let err: { errorType?: string; errorMessage?: string } = {};
        try { err = JSON.parse(r.payload.toString('utf8')); } catch { /* not JSON */ }
        complete.ErrorCode = err.errorType ?? r.functionError;
        complete.ErrorDetails = err.errorMessage ?? r.payload.toString('utf8');
      }
      if (input.LogType === 'Tail') complete.LogResult = tail(r);
      events.push({ InvokeComplete: complete });
      events.end();
    } catch (e) { events.fail(e); }
  })();
  // Fail before the 200 when the invocation cannot start (throttled, no runtime).
  await Promise.race([run.opened, run.done]);
  return { StatusCode: 200, ExecutedVersion: config.Version, ResponseStreamContentType: 'application/vnd.amazon.eventstream', EventStream: events };
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
