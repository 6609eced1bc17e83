// Delivery: a published message fans out to the topic's confirmed subscriptions whose filter
// policy matches, after the Publish response (on the next microtask for SQS, which is an
// in-process call; Lambda and HTTP/S are asynchronous by nature).
//   SQS     the JSON envelope (or, with RawMessageDelivery, the bare message with the
//           attributes as SQS message attributes), FIFO group and deduplication ids passed on.
//   Lambda  the SNS event record, invoked asynchronously (InvocationType Event).
//   HTTP/S  a POST with the x-amz-sns-* headers, retried by the delivery policy on the virtual
//           clock when the endpoint fails (5xx, no answer); 2xx-4xx counts as delivered
//           ("Prepare your HTTP/S endpoint to receive Amazon SNS messages", Developer Guide).
// Undeliverable messages go to the subscription's dead-letter queue (RedrivePolicy), with the
// RequestID, ErrorCode and ErrorMessage attributes ("Amazon SNS dead-letter queues").
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomUUID } from 'node:crypto';
import { clock } from '../../core/clock-instance.js';
import { log } from '../../core/log.js';
import type { Timer } from '../../core/clock.js';
import { callService, serviceContext } from '../../core/internal-client.js';
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import { parseArn, st } from './common.js';
import { effectivePolicy, retryDelays } from './delivery-policy.js';
import { onSnsReset, type LiveSub, type SubRec, type TopicRec } from './state.js';
import { sign } from './signing.js';
import type { Attr } from './publish.js';

export interface Notification {
  messageId: string;
  message: string;
  /** MessageStructure=json: the message per protocol ("default" for the others). */
  perProtocol?: Record<string, string>;
  subject?: string;
  attrs: Record<string, Attr>;
  timestamp: string;
  groupId?: string;
  dedupId?: string;
  seq?: string;
}

/** Timers of pending retries, dropped on reset. */
const timers = new Set<Timer>();
/** Subscription ARN → the earliest time its next HTTP delivery may start (throttlePolicy). */
const nextSlot = new Map<string, number>();
onSnsReset(() => { for (const t of timers) t.cancel(); timers.clear(); nextSlot.clear(); });

const later = (ms: number, fn: () => void) => {
  const t = clock.after(ms, () => { timers.delete(t); fn(); });
  timers.add(t);
};

export const subscribeUrl = (endpoint: string, topicArn: string, token: string) =>
  `${endpoint}/_nimbus/sns/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}`;
export const unsubscribeUrl = (endpoint: string, subArn: string) =>
  `${endpoint}/_nimbus/sns/?Action=Unsubscribe&SubscriptionArn=${subArn}`;

const messageFor = (n: Notification, protocol: string) => (n.perProtocol ? n.perProtocol[protocol] ?? n.perProtocol.default : n.message);

/** Sends a message to every matching subscription of the topic, after the caller returns. */
export function fanOut(ctx: RequestContext, topic: TopicRec, n: Notification): void {
  const subs = [...(st({ accountId: topic.account, region: topic.region }).byTopic.get(topic.arn)?.values() ?? [])];
  if (!subs.length) return;
  const endpoint = ctx.endpoint;
  queueMicrotask(() => {
    const bodies = new Map<string, unknown>();
    for (const live of subs) {
      if (!live.rec.confirmed) continue;
      try {
        if (live.filter) {
          const text = messageFor(n, live.rec.protocol);
          let body = bodies.get(text);
          if (body === undefined && live.rec.attrs.FilterPolicyScope === 'MessageBody') {
            try { body = JSON.parse(text); } catch { body = null; }
            bodies.set(text, body);
          }
          if (!live.filter({ attributes: n.attrs, body })) continue;
        }
        deliver(endpoint, topic, live, n);
      } catch (e) { log.warn(`sns: delivery to ${live.rec.arn} failed: ${(e as Error).message}`); }
    }
  });
}

function deliver(endpoint: string, topic: TopicRec, live: LiveSub, n: Notification): void {
  const sub = live.rec;
  switch (sub.protocol) {
    case 'sqs': void toSqs(endpoint, topic, sub, n); break;
    case 'lambda': void toLambda(endpoint, topic, sub, n); break;
    case 'http': case 'https': toHttp(endpoint, topic, sub, n); break;
    // email, sms, application and firehose endpoints are stored, but Nimbus sends nothing there
    // (no mail, text, push or Firehose stream): say so rather than pretend.
    default: log.warn(`sns: ${sub.protocol} delivery is not implemented by Nimbus; message ${n.messageId} for ${sub.arn} was not sent`);
  }
}

// ---- message shapes ----------------------------------------------------------------------

/** The notification as SNS signs and sends it (field order as AWS's). */
function envelope(endpoint: string, topic: TopicRec, sub: SubRec, n: Notification): Record<string, unknown> {
  const m: Record<string, unknown> = { Type: 'Notification', MessageId: n.messageId };
  if (n.seq) m.SequenceNumber = n.seq;
  m.TopicArn = topic.arn;
  if (n.subject !== undefined) m.Subject = n.subject;
  m.Message = messageFor(n, sub.protocol);
  m.Timestamp = n.timestamp;
  sign(m, topic.attrs.SignatureVersion === '2' ? '2' : '1', endpoint);
  m.UnsubscribeURL = unsubscribeUrl(endpoint, sub.arn);
  const attrs = Object.entries(n.attrs);
  if (attrs.length) m.MessageAttributes = Object.fromEntries(attrs.map(([k, a]) => [k, { Type: a.type, Value: a.value }]));
  return m;
}

/** AWS's layout of the JSON it sends: `"Name" : value` lines, two-space indent. */
function render(m: Record<string, unknown>): string {
  const lines = Object.entries(m).map(([k, v]) => {
    if (k === 'MessageAttributes' && v && typeof v === 'object') {
      const inner = Object.entries(v).map(([a, x]) => `    ${JSON.stringify(a)} : ${JSON.stringify(x)}`).join(',\n');
      return `  "MessageAttributes" : {\n${inner}\n  }`;
    }
    return `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`;
  });
  return `{\n${lines.join(',\n')}\n}`;
}

const raw = (sub: SubRec) => sub.attrs.RawMessageDelivery === 'true';

// ---- SQS ---------------------------------------------------------------------------------

const queueUrlOf = (endpoint: string, arn: string) => {
  const p = parseArn(arn)!;
  return { url: `${endpoint}/${p.account}/${p.resource}`, scope: { accountId: p.account, region: p.region }, fifo: p.resource.endsWith('.fifo') };
};

function sqsAttributes(attrs: Record<string, Attr>): Record<string, unknown> | undefined {
  const e = Object.entries(attrs);
  if (!e.length) return undefined;
  return Object.fromEntries(e.map(([k, a]) => [k, a.binary ? { DataType: a.type, BinaryValue: a.binary } : { DataType: a.type, StringValue: a.value }]));
}

async function toSqs(endpoint: string, topic: TopicRec, sub: SubRec, n: Notification): Promise<void> {
  const body = raw(sub) ? messageFor(n, 'sqs') : render(envelope(endpoint, topic, sub, n));
  const input: Record<string, unknown> = { MessageBody: body };
  if (raw(sub)) { const ma = sqsAttributes(n.attrs); if (ma) input.MessageAttributes = ma; }
  try {
    await sendToQueue(endpoint, sub, sub.endpoint, input, n);
  } catch (e) {
    await deadLetter(endpoint, topic, sub, n, e);
  }
}

async function sendToQueue(endpoint: string, sub: SubRec, arn: string, input: Record<string, unknown>, n: Notification): Promise<void> {
  const q = queueUrlOf(endpoint, arn);
  if (q.fifo) {
    input.MessageGroupId = n.groupId ?? '';
    if (n.dedupId !== undefined) input.MessageDeduplicationId = n.dedupId;
  } else if (n.groupId !== undefined) input.MessageGroupId = n.groupId;
  const ctx = serviceContext('sns', { accountId: sub.account, region: sub.region }, 'Deliver');
  ctx.endpoint = endpoint;
  await callService(ctx, 'sqs', 'SendMessage', { QueueUrl: q.url, ...input }, q.scope);
}

// ---- Lambda ------------------------------------------------------------------------------

/** The event a function subscribed to a topic receives ("Using AWS Lambda with Amazon SNS"). */
function lambdaEvent(endpoint: string, topic: TopicRec, sub: SubRec, n: Notification): unknown {
  const m = envelope(endpoint, topic, sub, n);
  return {
    Records: [{
      EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: sub.arn,
      Sns: {
        Type: m.Type, MessageId: m.MessageId, ...(n.seq ? { SequenceNumber: n.seq } : {}), TopicArn: m.TopicArn,
        Subject: m.Subject ?? null, Message: m.Message, Timestamp: m.Timestamp, SignatureVersion: m.SignatureVersion,
        Signature: m.Signature, SigningCertUrl: m.SigningCertURL, UnsubscribeUrl: m.UnsubscribeURL,
        MessageAttributes: m.MessageAttributes ?? {},
      },
    }],
  };
}

async function toLambda(endpoint: string, topic: TopicRec, sub: SubRec, n: Notification): Promise<void> {
  const p = parseArn(sub.endpoint)!;
  const ctx = serviceContext('sns', { accountId: sub.account, region: sub.region }, 'Deliver');
  ctx.endpoint = endpoint;
  try {
    await callService(ctx, 'lambda', 'Invoke', {
      FunctionName: sub.endpoint, InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify(lambdaEvent(endpoint, topic, sub, n))),
    }, { accountId: p.account, region: p.region });
  } catch (e) {
    await deadLetter(endpoint, topic, sub, n, e);
  }
}

// ---- HTTP/S ------------------------------------------------------------------------------

interface HttpOutcome { ok: boolean; status?: number; error?: string }

const HTTP_TIMEOUT_MS = 15_000;

/** One POST; resolves how it went (never rejects). */
function post(url: string, headers: Record<string, string>, body: string): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let u: URL;
    try { u = new URL(url); } catch { resolve({ ok: false, error: 'invalid URL' }); return; }
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
      method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: HTTP_TIMEOUT_MS,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ok: (res.statusCode ?? 0) < 500, status: res.statusCode }));
      res.on('error', () => resolve({ ok: false, status: res.statusCode, error: 'response error' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ ok: false, error: e.message }));
    req.end(body);
  });
}

function httpHeaders(type: string, messageId: string, topicArn: string, subArn: string | undefined, contentType: string | undefined): Record<string, string> {
  return {
    'x-amz-sns-message-type': type,
    'x-amz-sns-message-id': messageId,
    'x-amz-sns-topic-arn': topicArn,
    ...(subArn ? { 'x-amz-sns-subscription-arn': subArn } : {}),
    'content-type': contentType ?? 'text/plain; charset=UTF-8',
    'user-agent': 'Amazon Simple Notification Service Agent',
  };
}

function toHttp(endpoint: string, topic: TopicRec, sub: SubRec, n: Notification): void {
  const policy = effectivePolicy(topic.attrs.DeliveryPolicy, sub.attrs.DeliveryPolicy);
  const body = raw(sub) ? messageFor(n, sub.protocol) : render(envelope(endpoint, topic, sub, n));
  const headers = httpHeaders('Notification', n.messageId, topic.arn, sub.arn, policy.contentType);
  if (raw(sub)) headers['x-amz-sns-rawdelivery'] = 'true';
  const delays = retryDelays(policy.retry);
  const attempt = (i: number) => {
    // The subscription may be gone by the time a retry is due.
    const s = st({ accountId: sub.account, region: sub.region });
    if (!s.subs.has(sub.arn)) return;
    void post(sub.endpoint, headers, body).then((r) => {
      if (r.ok) return;
      if (i < delays.length) later(delays[i] * 1000, () => throttled(i + 1));
      else void deadLetter(endpoint, topic, sub, n, new ServiceError('EndpointUnavailable', r.status ? `HTTP status ${r.status}` : r.error ?? 'unreachable')); // (?)
    });
  };
  // throttlePolicy.maxReceivesPerSecond spaces the subscription's deliveries.
  const throttled = (i: number) => {
    if (!policy.maxPerSecond) { attempt(i); return; }
    const now = clock.now();
    const slot = Math.max(now, nextSlot.get(sub.arn) ?? 0);
    nextSlot.set(sub.arn, slot + 1000 / policy.maxPerSecond);
    if (slot <= now) attempt(i); else later(slot - now, () => attempt(i));
  };
  throttled(0);
}

/**
 * SubscriptionConfirmation (after Subscribe) and UnsubscribeConfirmation (after Unsubscribe)
 * to an HTTP/S endpoint, or to an SQS queue of another account.
 */
export function sendControlMessage(ctx: RequestContext, topic: TopicRec, sub: SubRec, type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation'): void {
  const endpoint = ctx.endpoint;
  const messageId = randomUUID();
  const url = subscribeUrl(endpoint, topic.arn, sub.token!);
  const m: Record<string, unknown> = {
    Type: type, MessageId: messageId, Token: sub.token, TopicArn: topic.arn,
    Message: type === 'SubscriptionConfirmation'
      ? `You have chosen to subscribe to the topic ${topic.arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
      : `You have chosen to deactivate subscription ${sub.arn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: url, Timestamp: new Date(clock.now()).toISOString(),
  };
  sign(m, topic.attrs.SignatureVersion === '2' ? '2' : '1', endpoint);
  const body = render(m);
  setImmediate(() => {
    if (sub.protocol === 'sqs') {
      const q = queueUrlOf(endpoint, sub.endpoint);
      const c = serviceContext('sns', { accountId: sub.account, region: sub.region }, 'Deliver');
      callService(c, 'sqs', 'SendMessage', { QueueUrl: q.url, MessageBody: body }, q.scope)
        .catch((e) => log.debug(`sns: confirmation to ${sub.endpoint} failed: ${(e as Error).message}`));
      return;
    }
    const headers = httpHeaders(type, messageId, topic.arn, type === 'UnsubscribeConfirmation' ? sub.arn : undefined, undefined);
    void post(sub.endpoint, headers, body).then((r) => {
      if (!r.ok) log.debug(`sns: ${type} to ${sub.endpoint} failed: ${r.status ?? r.error}`);
    });
  });
}

// ---- dead-letter queues ------------------------------------------------------------------

async function deadLetter(endpoint: string, topic: TopicRec, sub: SubRec, n: Notification, err: unknown): Promise<void> {
  const policy = sub.attrs.RedrivePolicy;
  const reason = err instanceof ServiceError ? err : new ServiceError('InternalError', (err as Error)?.message ?? String(err));
  if (!policy) { log.debug(`sns: message ${n.messageId} to ${sub.arn} dropped: ${reason.code}`); return; }
  let dlq: string;
  try { dlq = (JSON.parse(policy) as { deadLetterTargetArn: string }).deadLetterTargetArn; } catch { return; }
  const body = raw(sub) ? messageFor(n, sub.protocol) : render(envelope(endpoint, topic, sub, n));
  const attrs: Record<string, unknown> = {
    ...(raw(sub) ? sqsAttributes(n.attrs) : {}),
    RequestID: { DataType: 'String', StringValue: randomUUID() },
    ErrorCode: { DataType: 'String', StringValue: reason.code },
    ErrorMessage: { DataType: 'String', StringValue: reason.message || reason.code },
  };
  try {
    await sendToQueue(endpoint, sub, dlq, { MessageBody: body, MessageAttributes: attrs }, n);
  } catch (e) {
    log.debug(`sns: dead-letter queue ${dlq} of ${sub.arn} failed: ${(e as Error).message}`);
  }
}
