// SubscribeToShard over HTTP/2: an event stream that starts with what is readable, then pushes
// records as they arrive; ContinuationSequenceNumber resumes; ChildShards at a closed shard's
// end; 5 minutes on the clock end it; the consumer must be ACTIVE, one subscription per shard.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  PutRecordCommand, RegisterStreamConsumerCommand, SplitShardCommand, SubscribeToShardCommand, DeregisterStreamConsumerCommand,
  type KinesisClient, type SubscribeToShardEvent, type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { ACCOUNT, activeStream, client } from './util.js';

let n: Nimbus;
let k: KinesisClient;
before(async () => { n = await nimbus(); k = client(n); });
after(async () => { k.destroy(); await n.stop(); });
beforeEach(() => n.reset());

const arn = (name: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;
const text = (e: SubscribeToShardEvent) => e.Records!.map((r) => Buffer.from(r.Data!).toString());

async function consumer(stream: string, name = 'efo'): Promise<string> {
  const c = (await k.send(new RegisterStreamConsumerCommand({ StreamARN: arn(stream), ConsumerName: name }))).Consumer!;
  n.clock.advance('PT2S');
  return c.ConsumerARN!;
}

/** Reads events one at a time from a subscription. */
function reader(events: AsyncIterable<SubscribeToShardEventStream>) {
  const it = events[Symbol.asyncIterator]();
  return {
    async next(): Promise<SubscribeToShardEvent | undefined> {
      const r = await it.next();
      if (r.done) return undefined;
      assert.ok(r.value.SubscribeToShardEvent, JSON.stringify(r.value));
      return r.value.SubscribeToShardEvent;
    },
    stop: () => it.return?.(),
  };
}

test('records are pushed as they arrive; ContinuationSequenceNumber resumes after them; 5 minutes end it', async () => {
  await activeStream(n, k, { StreamName: 'push', ShardCount: 1 });
  await k.send(new PutRecordCommand({ StreamName: 'push', PartitionKey: 'k', Data: Buffer.from('before') }));
  const ConsumerARN = await consumer('push');
  const out = await k.send(new SubscribeToShardCommand({ ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }));
  const r = reader(out.EventStream!);
  const first = (await r.next())!;
  assert.deepEqual(text(first), ['before']);
  assert.equal(first.MillisBehindLatest, 0);
  assert.equal(first.ContinuationSequenceNumber, first.Records![0].SequenceNumber);
  // A record written now arrives as the next event, with nothing polling.
  const pending = r.next();
  const put = await k.send(new PutRecordCommand({ StreamName: 'push', PartitionKey: 'k', Data: Buffer.from('live') }));
  const second = (await pending)!;
  assert.deepEqual(text(second), ['live']);
  assert.equal(second.ContinuationSequenceNumber, put.SequenceNumber);
  assert.ok(second.Records![0].ApproximateArrivalTimestamp instanceof Date);
  // Five minutes on the clock end the subscription.
  const ending = r.next();
  n.clock.advance('PT5M');
  assert.equal(await ending, undefined);

  // Resuming after the continuation number reads only what came later.
  await k.send(new PutRecordCommand({ StreamName: 'push', PartitionKey: 'k', Data: Buffer.from('later') }));
  const again = await k.send(new SubscribeToShardCommand({ ConsumerARN, ShardId: 'shardId-000000000000',
    StartingPosition: { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: second.ContinuationSequenceNumber } }));
  const r2 = reader(again.EventStream!);
  assert.deepEqual(text((await r2.next())!), ['later']);
  await r2.stop();
});

test('LATEST starts empty; a closed shard ends with ChildShards; the consumer must be ACTIVE; one subscription per shard', async () => {
  await activeStream(n, k, { StreamName: 'split', ShardCount: 1 });
  const c = (await k.send(new RegisterStreamConsumerCommand({ StreamARN: arn('split'), ConsumerName: 'young' }))).Consumer!;
  const notYet = await rejects(k.send(new SubscribeToShardCommand({ ConsumerARN: c.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } })), 'ResourceInUseException', 400);
  assert.match(notYet.message, /not in ACTIVE state/);
  n.clock.advance('PT2S');
  await k.send(new PutRecordCommand({ StreamName: 'split', PartitionKey: 'k', Data: Buffer.from('old') }));
  const out = await k.send(new SubscribeToShardCommand({ ConsumerARN: c.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } }));
  const r = reader(out.EventStream!);
  const first = (await r.next())!;
  assert.deepEqual(first.Records, []);
  assert.ok(first.ContinuationSequenceNumber);
  // The same consumer on the same shard within 5 seconds is refused.
  const dup = await rejects(k.send(new SubscribeToShardCommand({ ConsumerARN: c.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } })), 'ResourceInUseException', 400);
  assert.match(dup.message, /^Another active subscription exists for this consumer/);
  await rejects(k.send(new SubscribeToShardCommand({ ConsumerARN: c.ConsumerARN, ShardId: 'shardId-000000000009', StartingPosition: { Type: 'LATEST' } })), 'ResourceNotFoundException', 400);

  const pending = r.next();
  await k.send(new SplitShardCommand({ StreamName: 'split', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: String(1n << 127n) }));
  const last = (await pending)!;
  assert.deepEqual(last.Records, []);
  assert.equal(last.ContinuationSequenceNumber, undefined);
  assert.deepEqual(last.ChildShards!.map((x) => x.ShardId), ['shardId-000000000001', 'shardId-000000000002']);
  assert.equal(await r.next(), undefined);
});

test('deregistering the consumer ends its subscriptions', async () => {
  await activeStream(n, k, { StreamName: 'dereg', ShardCount: 1 });
  const ConsumerARN = await consumer('dereg');
  const out = await k.send(new SubscribeToShardCommand({ ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }));
  const r = reader(out.EventStream!);
  assert.deepEqual((await r.next())!.Records, []);
  const ending = r.next();
  await k.send(new DeregisterStreamConsumerCommand({ ConsumerARN }));
  assert.equal(await ending, undefined);
});

test('after 5 seconds a new subscription of the same consumer and shard takes over; the old one ends', async () => {
  await activeStream(n, k, { StreamName: 'over', ShardCount: 1 });
  const ConsumerARN = await consumer('over');
  const sub = () => k.send(new SubscribeToShardCommand({ ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }));
  const old = reader((await sub()).EventStream!);
  assert.deepEqual((await old.next())!.Records, []);
  const oldEnds = old.next();
  n.clock.advance('PT6S');
  const fresh = reader((await sub()).EventStream!);
  assert.equal(await oldEnds, undefined);
  assert.deepEqual((await fresh.next())!.Records, []);
  const pending = fresh.next();
  await k.send(new PutRecordCommand({ StreamName: 'over', PartitionKey: 'k', Data: Buffer.from('to the new one') }));
  assert.deepEqual(text((await pending)!), ['to the new one']);
  await fresh.stop();
});
