// SubscribeToShard (enhanced fan-out): records pushed to an ACTIVE consumer over an event
// stream. The first event carries what is readable from the starting position at once; after
// that an event goes out whenever records arrive on the shard (the shard wakes the subscription;
// nothing polls). A subscription lasts 5 minutes on the virtual clock, then the stream ends; at
// the end of a closed shard the last event names the child shards and the stream ends.
// API reference, SubscribeToShard and SubscribeToShardEvent.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, invalidArgument, parseStreamArn, sequenceNumber, st } from './common.js';
import { consumerListeners, findConsumer } from './consumers.js';
import { childShards, positionOf, readShard, recordOut, shardOf } from './records.js';

/** How long one subscription lasts. */
export const SUBSCRIPTION_MS = 5 * 60_000;
/** A consumer may subscribe to the same shard again only this long after its last call. */
const RESUBSCRIBE_MS = 5_000;
/** Records per event. */
const EVENT_RECORDS = 10_000;

interface Live { started: number; end(): void }
/** Subscriptions by consumer ARN and shard id. */
const active = new Map<string, Live>();

export function subscribeToShard(ctx: RequestContext, input: In<'SubscribeToShard'>): Out<'SubscribeToShard'> {
  const consumer = findConsumer(ctx, { ConsumerARN: input.ConsumerARN });
  const streamName = parseStreamArn(consumer.streamArn)!.name;
  const state = st(ctx);
  const s = state.live.get(streamName);
  if (!s) throw new ServiceError('ResourceNotFoundException', `Stream ${streamName} under account ${ctx.accountId} not found.`, 400);
  if (clock.now() < consumer.activeAt) {
    throw new ServiceError('ResourceInUseException', `Consumer ${consumer.arn} is not in ACTIVE state.`, 400);
  }
  const sh = shardOf(ctx, s, input.ShardId);
  const sp = input.StartingPosition;
  if ((sp.Type === 'TRIM_HORIZON' || sp.Type === 'LATEST') && sp.SequenceNumber !== undefined) {
    throw invalidArgument(`SequenceNumber cannot be specified with StartingPosition type ${sp.Type}.`);
  }
  let pos = positionOf(ctx, s, sh, sp.Type, sp.SequenceNumber, sp.Timestamp, 'SubscribeToShard');
  const key = `${consumer.arn}\0${sh.id}`;
  const t0 = clock.now();
  const prior = active.get(key);
  if (prior && t0 - prior.started < RESUBSCRIBE_MS) {
    throw new ServiceError('ResourceInUseException',
      `Another active subscription exists for this consumer: ${ctx.accountId}:${streamName}:${sh.id}:${consumer.name}`, 400);
  }
  prior?.end(); // a newer subscription takes over the shard for this consumer

  // Everything a subscription waits on wakes it: new records, the shard closing, the stream
  // or consumer going away, its 5 minutes running out. Listeners are added once the body is
  // read (a body nobody reads never starts its generator, so could never remove them).
  let dirty = false;
  let wake: (() => void) | undefined;
  let stopped = false;
  let running = false;
  const poke = () => { dirty = true; const w = wake; wake = undefined; w?.(); };
  const release = () => {
    timer.cancel();
    sh.listeners.delete(poke);
    const set = consumerListeners.get(consumer.arn);
    if (set) { set.delete(poke); if (!set.size) consumerListeners.delete(consumer.arn); }
    if (active.get(key) === me) active.delete(key);
  };
  const me: Live = { started: t0, end: () => { stopped = true; if (running) poke(); else release(); } };
  active.set(key, me);
  const timer = clock.schedule(t0 + SUBSCRIPTION_MS, () => me.end());
  // A client that hangs up ends it at once (the body's iterator only returns at its next event).
  ctx.onClientGone?.(() => me.end());
  const gone = () => stopped || state.live.get(streamName) !== s || !state.consumers.has(consumer.arn);

  async function* events() {
    if (stopped) return;
    running = true;
    sh.listeners.add(poke);
    let perConsumer = consumerListeners.get(consumer.arn);
    if (!perConsumer) consumerListeners.set(consumer.arn, perConsumer = new Set());
    perConsumer.add(poke);
    try {
      let first = true;
      while (!gone()) {
        dirty = false;
        const page = readShard(sh, pos, EVENT_RECORDS);
        if (first || page.recs.length || page.ended) {
          first = false;
          pos = page.next;
          yield {
            SubscribeToShardEvent: {
              Records: page.recs.map((r) => recordOut(s!, r)),
              // Where to resume with AFTER_SEQUENCE_NUMBER; none once the shard is read to its end.
              ...(page.ended ? { ChildShards: childShards(s!, sh) } : { ContinuationSequenceNumber: sequenceNumber(s!, pos, sh.rec.i) }),
              MillisBehindLatest: page.behind,
            },
          };
          if (page.ended) return;
          continue;
        }
        if (!dirty) await new Promise<void>((ok) => { wake = ok; });
      }
    } finally {
      running = false;
      release();
    }
  }
  return { EventStream: events() as unknown as Out<'SubscribeToShard'>['EventStream'] };
}
