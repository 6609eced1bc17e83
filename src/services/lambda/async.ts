// The asynchronous invocation queue: InvocationType Event answers 202 at once and the event
// waits here (durably, as a record) until it runs. Errors are retried as AWS documents
// ("How Lambda handles errors and retries with asynchronous invocation",
// docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html): a function
// error is retried twice by default, one minute before the second attempt and two minutes
// before the third; a throttle (429) or system error goes back to the queue with a backoff
// from 1 second up to 5 minutes, until the event is older than its maximum age (6 hours by
// default). Then the outcome goes to the OnSuccess / OnFailure destination with the
// invocation record AWS sends ("Capturing records of Lambda asynchronous invocations").
import { clock } from '../../core/clock-instance.js';
import type { Timer } from '../../core/clock.js';
import { ServiceError } from '../../core/errors.js';
import { callService, serviceContext } from '../../core/internal-client.js';
import { onReset } from '../../core/state.js';
import { log } from '../../core/log.js';
import type { RequestContext } from '../service.js';
import { fnArn, resolveConfig, st } from './common.js';
import { deliver } from './destinations.js';
import { invokeOn } from './instances.js';
import { prepare } from './invoke.js';
import { onRebuild, type AsyncEventRec, type FnRec, type LambdaState } from './state.js';

/** Delays before the retries of a function error (AWS: one minute, then two). */
const RETRY_DELAYS = [60_000, 120_000];
const DEFAULT_MAX_AGE_S = 21600;
const DEFAULT_RETRIES = 2;

const timers = new Map<string, Timer>();

export function enqueue(ctx: RequestContext, f: FnRec, qualifier: string | undefined, payload: Buffer): AsyncEventRec {
  const now = clock.now();
  const ev: AsyncEventRec = { id: ctx.requestId, accountId: ctx.accountId, region: ctx.region, function: f.name,
    ...(qualifier && qualifier !== '$LATEST' ? { qualifier } : {}), payload: payload.toString('base64'), enqueuedAt: now, attempts: 0, dueAt: now };
  st(ctx).asyncEvents.set(ev.id, ev);
  schedule(ev);
  return ev;
}

function schedule(ev: AsyncEventRec): void {
  const key = `${ev.accountId}/${ev.region}/${ev.id}`;
  timers.get(key)?.cancel();
  // A due event still starts after the current request has answered (202 comes first).
  timers.set(key, clock.schedule(Math.max(ev.dueAt, clock.now()), () => { timers.delete(key); void attempt(ev.accountId, ev.region, ev.id); }));
}

/** The event invoke config that applies to an invocation of `name` with this qualifier. */
export function eventConfigFor(s: LambdaState, name: string, qualifier?: string) {
  return s.eventInvokeConfigs.get(`${name}:${qualifier ?? '$LATEST'}`);
}

const asJson = (b: Buffer | string): unknown => {
  const text = Buffer.isBuffer(b) ? b.toString('utf8') : b;
  try { return JSON.parse(text); } catch { return text; }
};

async function attempt(accountId: string, region: string, id: string): Promise<void> {
  const ctx = serviceContext('lambda', { accountId, region }, 'Invoke');
  const s = st(ctx);
  const ev = s.asyncEvents.get(id);
  if (!ev) return;
  const f = s.functions.get(ev.function);
  if (!f) { s.asyncEvents.delete(id); return; }
  const cfg = eventConfigFor(s, ev.function, ev.qualifier);
  const maxAge = (cfg?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
  const maxRetries = cfg?.MaximumRetryAttempts ?? DEFAULT_RETRIES;
  const payload = Buffer.from(ev.payload, 'base64');
  if (clock.now() - ev.enqueuedAt > maxAge) return finish(s, ev, 'EventAgeExceeded');
  let prepared;
  try { prepared = prepare(ctx, f, ev.qualifier); } catch { s.asyncEvents.delete(id); return; } // the version or alias is gone
  let r;
  try {
    r = await invokeOn(ctx, prepared.config, payload, { ...prepared.opts, requestId: ev.id });
  } catch (e) {
    // Throttled or a system error: back to the queue, not counted as an attempt.
    const cur = s.asyncEvents.get(id);
    if (!cur) return;
    const n = (cur as AsyncEventRec & { throttles?: number }).throttles ?? 0;
    const next = { ...cur, throttles: n + 1, dueAt: clock.now() + Math.min(1000 * 2 ** n, 300_000) };
    if (!(e instanceof ServiceError && e.status === 429)) log.debug(`lambda: async invocation of ${ev.function}: ${(e as Error).message}`);
    s.asyncEvents.set(id, next);
    schedule(next);
    return;
  }
  const cur = s.asyncEvents.get(id);
  if (!cur) return;
  const done: AsyncEventRec = { ...cur, attempts: cur.attempts + 1,
    last: { executedVersion: prepared.config.Version, payload: r.payload.toString('utf8'), ...(r.functionError ? { functionError: r.functionError } : {}) } };
  if (!r.functionError) return finish(s, done, 'Success');
  if (done.attempts > maxRetries) return finish(s, done, 'RetriesExhausted');
  done.dueAt = clock.now() + RETRY_DELAYS[Math.min(done.attempts - 1, RETRY_DELAYS.length - 1)];
  s.asyncEvents.set(id, done);
  schedule(done);
}

function finish(s: LambdaState, ev: AsyncEventRec, condition: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded'): void {
  s.asyncEvents.delete(ev.id);
  const cfg = eventConfigFor(s, ev.function, ev.qualifier);
  const target = condition === 'Success' ? cfg?.DestinationConfig.OnSuccess.Destination : cfg?.DestinationConfig.OnFailure.Destination;
  if (condition !== 'Success') {
    log.debug(`lambda: async invocation ${ev.id} of ${ev.function} discarded (${condition})`);
    const fn = s.functions.get(ev.function);
    let dlq: string | undefined;
    try { dlq = fn && prepareConfig(ev, fn)?.DeadLetterConfig?.TargetArn; } catch { dlq = undefined; }
    if (dlq) void toDeadLetter(dlq, ev);
  }
  if (!target) return;
  const functionArn = fnArn(ev, ev.function, ev.qualifier ?? '$LATEST');
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: clock.date().toISOString(),
    requestContext: { requestId: ev.id, functionArn, condition, approximateInvokeCount: ev.attempts },
    requestPayload: asJson(Buffer.from(ev.payload, 'base64')),
  };
  if (ev.last) {
    record.responseContext = { statusCode: 200, executedVersion: ev.last.executedVersion, ...(ev.last.functionError ? { functionError: ev.last.functionError } : {}) };
    record.responsePayload = asJson(ev.last.payload);
  }
  void deliver(target, record, { functionArn, success: condition === 'Success' });
}

function prepareConfig(ev: AsyncEventRec, f: FnRec) {
  const ctx = serviceContext('lambda', ev, 'Invoke');
  return resolveConfig(ctx, f, ev.qualifier).config;
}

/**
 * The function's dead-letter queue gets the event itself, with RequestID, ErrorCode and
 * ErrorMessage attributes ("Adding a dead-letter queue", invocation-async-retain-records.html).
 */
async function toDeadLetter(arn: string, ev: AsyncEventRec): Promise<void> {
  const [, , service, region, accountId, name] = arn.split(':');
  const scope = { accountId, region };
  const ctx = serviceContext('lambda', scope, 'DeadLetter');
  let message = ev.last?.payload ?? '';
  try { message = String((JSON.parse(message) as { errorMessage?: unknown }).errorMessage ?? message); } catch { /* not JSON */ }
  const attrs = { RequestID: { DataType: 'String', StringValue: ev.id }, ErrorCode: { DataType: 'Number', StringValue: '200' },
    ErrorMessage: { DataType: 'String', StringValue: message.slice(0, 1024) || 'Event discarded' } };
  const body = Buffer.from(ev.payload, 'base64').toString('utf8');
  try {
    if (service === 'sqs') {
      const { QueueUrl } = await callService<{ QueueUrl: string }>(ctx, 'sqs', 'GetQueueUrl', { QueueName: name, QueueOwnerAWSAccountId: accountId }, scope);
      await callService(ctx, 'sqs', 'SendMessage', { QueueUrl, MessageBody: body, MessageAttributes: attrs }, scope);
    } else {
      await callService(ctx, 'sns', 'Publish', { TopicArn: arn, Message: body, MessageAttributes: attrs }, scope);
    }
  } catch (e) { log.warn(`lambda: could not send to the dead-letter target ${arn}: ${(e as Error).message}`); }
}

// After a restart (journal replay) or a snapshot load, queued events run again.
onRebuild((s) => { for (const ev of s.asyncEvents.values()) schedule(ev); });
onReset((service) => {
  if (service && service !== 'lambda') return;
  for (const t of timers.values()) t.cancel();
  timers.clear();
});
