// Enhanced fan-out consumers: registered on a stream, CREATING then ACTIVE on the clock, with
// ARNs `<stream ARN>/consumer/<name>:<creation epoch seconds>`.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { decodeToken, encodeToken } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, findStream, invalidArgument, st, toMs } from './common.js';
import type { ConsumerRec, Stream } from './state.js';

/** How long a new consumer is CREATING (AWS: seconds). */
export const CONSUMER_DELAY_MS = 1000;
/** Consumers per stream ("Quotas and limits", Developer Guide: 20 enhanced fan-out consumers). */
export const MAX_CONSUMERS = 20;

export function consumersOf(ctx: RequestContext, s: Stream): ConsumerRec[] {
  const out: ConsumerRec[] = [];
  for (const c of st(ctx).consumers.values()) if (c.streamArn === s.rec.arn && c.stream === s.name && c.created >= s.rec.created) out.push(c);
  return out.sort((a, b) => a.created - b.created || (a.name < b.name ? -1 : 1));
}

export function deleteConsumer(ctx: RequestContext, c: ConsumerRec): void {
  st(ctx).consumers.delete(c.arn);
  for (const l of [...(consumerListeners.get(c.arn) ?? [])]) l();
}

/** Subscriptions of a consumer end when it is deregistered. */
export const consumerListeners = new Map<string, Set<() => void>>();

const consumerStatus = (c: ConsumerRec) => (clock.now() < c.activeAt ? 'CREATING' : 'ACTIVE');

const consumerOut = (c: ConsumerRec) => ({
  ConsumerName: c.name, ConsumerARN: c.arn, ConsumerStatus: consumerStatus(c), ConsumerCreationTimestamp: c.created,
});

const consumerNotFound = (name: string, stream: string, account: string) =>
  new ServiceError('ResourceNotFoundException', `Consumer ${name} under stream ${stream} under account ${account} not found.`, 400);

const CONSUMER_ARN = /^(arn:aws[\w-]*:kinesis:[^:]*:\d{12}:stream\/[a-zA-Z0-9_.-]+)\/consumer\/([a-zA-Z0-9_.-]+):(\d+)$/;

export function parseConsumerArn(arn: string): { streamArn: string; name: string } | undefined {
  const m = CONSUMER_ARN.exec(arn);
  return m ? { streamArn: m[1], name: m[2] } : undefined;
}

/** A consumer by ConsumerARN, or by StreamARN and ConsumerName. */
export function findConsumer(ctx: RequestContext, input: { StreamARN?: string; ConsumerName?: string; ConsumerARN?: string }): ConsumerRec {
  if (input.ConsumerARN !== undefined) {
    const p = parseConsumerArn(input.ConsumerARN);
    if (!p) throw invalidArgument(`Invalid ConsumerARN ${input.ConsumerARN}.`);
    const c = st(ctx).consumers.get(input.ConsumerARN);
    if (!c) throw consumerNotFound(p.name, p.streamArn.slice(p.streamArn.indexOf('/') + 1), ctx.accountId);
    return c;
  }
  if (input.StreamARN === undefined || input.ConsumerName === undefined) {
    throw invalidArgument('Either ConsumerARN or both StreamARN and ConsumerName must be provided.');
  }
  const s = findStream(ctx, { StreamARN: input.StreamARN });
  const c = consumersOf(ctx, s).find((x) => x.name === input.ConsumerName);
  if (!c) throw consumerNotFound(input.ConsumerName, s.name, ctx.accountId);
  return c;
}

export function registerStreamConsumer(ctx: RequestContext, input: In<'RegisterStreamConsumer'>): Out<'RegisterStreamConsumer'> {
  const s = findStream(ctx, { StreamARN: input.StreamARN });
  const existing = consumersOf(ctx, s);
  if (existing.some((c) => c.name === input.ConsumerName)) {
    throw new ServiceError('ResourceInUseException', `Consumer ${input.ConsumerName} under stream ${s.name} under account ${ctx.accountId} already exists.`, 400);
  }
  if (existing.length >= MAX_CONSUMERS) {
    throw new ServiceError('LimitExceededException', `Stream ${s.name} under account ${ctx.accountId} already has ${MAX_CONSUMERS} registered consumers, the most a stream can have.`, 400);
  }
  const t = clock.now();
  const created = Math.floor(t / 1000);
  const c: ConsumerRec = {
    name: input.ConsumerName, arn: `${s.rec.arn}/consumer/${input.ConsumerName}:${created}`, stream: s.name, streamArn: s.rec.arn,
    created: created * 1000, activeAt: t + CONSUMER_DELAY_MS, tags: { ...(input.Tags ?? {}) },
  };
  st(ctx).consumers.set(c.arn, c);
  return { Consumer: consumerOut(c) };
}

export function describeStreamConsumer(ctx: RequestContext, input: In<'DescribeStreamConsumer'>): Out<'DescribeStreamConsumer'> {
  const c = findConsumer(ctx, input);
  return { ConsumerDescription: { ...consumerOut(c), StreamARN: c.streamArn } };
}

export function deregisterStreamConsumer(ctx: RequestContext, input: In<'DeregisterStreamConsumer'>): Out<'DeregisterStreamConsumer'> {
  const c = findConsumer(ctx, input);
  // AWS shows the consumer DELETING for a moment; here it is gone at once.
  deleteConsumer(ctx, c);
  return undefined;
}

export function listStreamConsumers(ctx: RequestContext, input: In<'ListStreamConsumers'>): Out<'ListStreamConsumers'> {
  const s = findStream(ctx, { StreamARN: input.StreamARN });
  if (input.StreamCreationTimestamp !== undefined
    && Math.floor(toMs(input.StreamCreationTimestamp) / 1000) !== Math.floor(s.rec.created / 1000)) {
    throw new ServiceError('ResourceNotFoundException', `Stream ${s.name} under account ${ctx.accountId} not found.`, 400);
  }
  const all = consumersOf(ctx, s);
  let start = 0;
  if (input.NextToken !== undefined) {
    const pos = decodeToken('ListStreamConsumers', input.NextToken);
    if (!pos || pos.i === undefined) throw invalidArgument('Invalid NextToken.');
    start = pos.i;
  }
  const limit = input.MaxResults ?? 100;
  const pageOf = all.slice(start, start + limit);
  return {
    Consumers: pageOf.map(consumerOut),
    ...(start + limit < all.length ? { NextToken: encodeToken('ListStreamConsumers', { i: start + limit }) } : {}),
  };
}
