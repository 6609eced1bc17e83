// Resharding: SplitShard, MergeShards and UpdateShardCount close parents (EndingSequenceNumber,
// records kept until retention) and open children naming their parents; the stream is UPDATING
// for a moment; a reader that follows ChildShards reads every parent before its children.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, MergeShardsCommand, PutRecordCommand,
  SplitShardCommand, UpdateShardCountCommand, type KinesisClient, type Shard,
} from '@aws-sdk/client-kinesis';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { ACCOUNT, activeStream, client } from './util.js';

let n: Nimbus;
let k: KinesisClient;
before(async () => { n = await nimbus(); k = client(n); });
after(async () => { k.destroy(); await n.stop(); });
beforeEach(() => n.reset());

const HALF = String(1n << 127n);
const shards = async (StreamName: string) => (await k.send(new ListShardsCommand({ StreamName }))).Shards!;
const put = async (StreamName: string, PartitionKey: string, d: string) =>
  k.send(new PutRecordCommand({ StreamName, PartitionKey, Data: Buffer.from(d) }));

/** Reads a shard to its end, then its children (once all their parents are done), as the KCL does. */
async function readAll(StreamName: string): Promise<{ order: string[]; data: Map<string, string[]> }> {
  const all = await shards(StreamName);
  const byId = new Map(all.map((s) => [s.ShardId!, s]));
  const done = new Set<string>();
  const order: string[] = [];
  const data = new Map<string, string[]>();
  const ready = (s: Shard) => [s.ParentShardId, s.AdjacentParentShardId].every((p) => !p || !byId.has(p) || done.has(p));
  let queue = all.filter(ready);
  while (queue.length) {
    const s = queue.shift()!;
    if (done.has(s.ShardId!)) continue;
    let it: string | undefined = (await k.send(new GetShardIteratorCommand({ StreamName, ShardId: s.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    const got: string[] = [];
    let children: string[] = [];
    while (it) {
      const page = await k.send(new GetRecordsCommand({ ShardIterator: it }));
      got.push(...page.Records!.map((r) => Buffer.from(r.Data!).toString()));
      it = page.NextShardIterator;
      if (!it) children = page.ChildShards!.map((c) => c.ShardId!);
      else if (page.Records!.length === 0) break; // an open shard: caught up
    }
    done.add(s.ShardId!);
    order.push(s.ShardId!);
    data.set(s.ShardId!, got);
    for (const c of children) { const cs = byId.get(c)!; if (ready(cs) && !queue.includes(cs)) queue.push(cs); }
  }
  return { order, data };
}

test('SplitShard: parent closes with an EndingSequenceNumber, children name it; reading goes parent then children', async () => {
  await activeStream(n, k, { StreamName: 'sp', ShardCount: 1 });
  for (let i = 0; i < 3; i++) await put('sp', `before-${i}`, `b${i}`);
  await k.send(new SplitShardCommand({ StreamName: 'sp', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: HALF }));
  const sum = (await k.send(new DescribeStreamSummaryCommand({ StreamName: 'sp' }))).StreamDescriptionSummary!;
  assert.equal(sum.StreamStatus, 'UPDATING');
  assert.equal(sum.OpenShardCount, 2);
  const e = await rejects(k.send(new SplitShardCommand({ StreamName: 'sp', ShardToSplit: 'shardId-000000000001', NewStartingHashKey: '12345' })), 'ResourceInUseException', 400);
  assert.equal(e.message, `Stream sp under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`);
  n.clock.advance('PT2S');
  const [p, c1, c2] = await shards('sp');
  assert.equal(p.ShardId, 'shardId-000000000000');
  assert.ok(p.SequenceNumberRange!.EndingSequenceNumber);
  assert.deepEqual([c1.ShardId, c1.ParentShardId, c1.AdjacentParentShardId], ['shardId-000000000001', 'shardId-000000000000', undefined]);
  assert.deepEqual([c1.HashKeyRange!.StartingHashKey, c1.HashKeyRange!.EndingHashKey], ['0', String((1n << 127n) - 1n)]);
  assert.deepEqual([c2.ShardId, c2.HashKeyRange!.StartingHashKey, c2.HashKeyRange!.EndingHashKey], ['shardId-000000000002', HALF, String((1n << 128n) - 1n)]);
  assert.ok(BigInt(c1.SequenceNumberRange!.StartingSequenceNumber!) > BigInt(p.SequenceNumberRange!.EndingSequenceNumber!));
  const after: string[] = [];
  for (let i = 0; i < 6; i++) { const r = await put('sp', `after-${i}`, `a${i}`); assert.notEqual(r.ShardId, 'shardId-000000000000'); after.push(r.SequenceNumber!); }
  for (const s of after) assert.ok(BigInt(s) > BigInt(p.SequenceNumberRange!.EndingSequenceNumber!));

  // The closed parent still has its records; at its end GetRecords names the children.
  const it = (await k.send(new GetShardIteratorCommand({ StreamName: 'sp', ShardId: p.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
  const page = await k.send(new GetRecordsCommand({ ShardIterator: it }));
  assert.deepEqual(page.Records!.map((r) => Buffer.from(r.Data!).toString()), ['b0', 'b1', 'b2']);
  assert.equal(page.NextShardIterator, undefined);
  assert.deepEqual(page.ChildShards!.map((c) => [c.ShardId, c.ParentShards]), [['shardId-000000000001', ['shardId-000000000000']], ['shardId-000000000002', ['shardId-000000000000']]]);
  const { order, data } = await readAll('sp');
  assert.equal(order[0], 'shardId-000000000000');
  assert.equal([...data.values()].flat().length, 9);

  // A closed shard can't be split again; a key outside the shard is refused.
  await rejects(k.send(new SplitShardCommand({ StreamName: 'sp', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '5' })), 'InvalidArgumentException', 400);
  const bad = await rejects(k.send(new SplitShardCommand({ StreamName: 'sp', ShardToSplit: 'shardId-000000000001', NewStartingHashKey: HALF })), 'InvalidArgumentException', 400);
  assert.match(bad.message, /^NewStartingHashKey .* used in SplitShard\(\) on shard shardId-000000000001 in stream sp under account 000000000000 is not both greater than one plus the shard's StartingHashKey/);
  // LATEST on a closed shard reads nothing and ends there.
  const latest = (await k.send(new GetShardIteratorCommand({ StreamName: 'sp', ShardId: p.ShardId, ShardIteratorType: 'LATEST' }))).ShardIterator!;
  const end = await k.send(new GetRecordsCommand({ ShardIterator: latest }));
  assert.equal(end.Records!.length, 0);
  assert.equal(end.NextShardIterator, undefined);
  assert.equal(end.ChildShards!.length, 2);
});

test('MergeShards: adjacent shards only; the child names both parents; closed shards go once retention passes', async () => {
  await activeStream(n, k, { StreamName: 'mg', ShardCount: 3 });
  const e = await rejects(k.send(new MergeShardsCommand({ StreamName: 'mg', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000002' })), 'InvalidArgumentException', 400);
  assert.equal(e.message, `Shards shardId-000000000000 and shardId-000000000002 in stream mg under account ${ACCOUNT} are not an adjacent pair of shards eligible for merging`);
  await put('mg', 'x', 'old');
  n.clock.advance('PT1M');
  const beforeMerge = n.clock.now();
  n.clock.advance('PT1M');
  await k.send(new MergeShardsCommand({ StreamName: 'mg', ShardToMerge: 'shardId-000000000001', AdjacentShardToMerge: 'shardId-000000000000' }));
  n.clock.advance('PT1M');
  const afterMerge = n.clock.now();
  const filtered = async (Type: 'AT_TIMESTAMP' | 'FROM_TIMESTAMP', Timestamp: Date) =>
    (await k.send(new ListShardsCommand({ StreamName: 'mg', ShardFilter: { Type, Timestamp } }))).Shards!.map((s) => s.ShardId);
  assert.deepEqual(await filtered('AT_TIMESTAMP', beforeMerge), ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']);
  assert.deepEqual(await filtered('AT_TIMESTAMP', afterMerge), ['shardId-000000000002', 'shardId-000000000003']);
  assert.deepEqual(await filtered('FROM_TIMESTAMP', beforeMerge), ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003']);
  assert.deepEqual(await filtered('FROM_TIMESTAMP', afterMerge), ['shardId-000000000002', 'shardId-000000000003']);
  const all = await shards('mg');
  const child = all.find((s) => s.ShardId === 'shardId-000000000003')!;
  assert.equal(child.ParentShardId, 'shardId-000000000001');
  assert.equal(child.AdjacentParentShardId, 'shardId-000000000000');
  assert.equal(child.HashKeyRange!.StartingHashKey, '0');
  assert.equal(child.HashKeyRange!.EndingHashKey, all[1].HashKeyRange!.EndingHashKey);
  const open = (await k.send(new ListShardsCommand({ StreamName: 'mg', ShardFilter: { Type: 'AT_LATEST' } }))).Shards!.map((s) => s.ShardId);
  assert.deepEqual(open, ['shardId-000000000002', 'shardId-000000000003']);
  // 24 hours on, the closed parents and their records are gone; the trim horizon is the child now.
  n.clock.advance('PT25H');
  assert.deepEqual((await shards('mg')).map((s) => s.ShardId), ['shardId-000000000002', 'shardId-000000000003']);
  const th = (await k.send(new ListShardsCommand({ StreamName: 'mg', ShardFilter: { Type: 'AT_TRIM_HORIZON' } }))).Shards!.map((s) => s.ShardId);
  assert.deepEqual(th, ['shardId-000000000002', 'shardId-000000000003']);
});

test('UpdateShardCount: uniform scaling up and down through splits and merges, keeping order', async () => {
  await activeStream(n, k, { StreamName: 'up', ShardCount: 2 });
  // Ten partition keys, each written four times before the reshard and four times after.
  for (let j = 0; j < 4; j++) for (let i = 0; i < 10; i++) await put('up', `k${i}`, `k${i}:${j}`);
  const out = await k.send(new UpdateShardCountCommand({ StreamName: 'up', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }));
  assert.deepEqual([out.StreamName, out.CurrentShardCount, out.TargetShardCount], ['up', 2, 3]);
  n.clock.advance('PT2S');
  const open = (await k.send(new ListShardsCommand({ StreamName: 'up', ShardFilter: { Type: 'AT_LATEST' } }))).Shards!
    .sort((a, b) => (BigInt(a.HashKeyRange!.StartingHashKey!) < BigInt(b.HashKeyRange!.StartingHashKey!) ? -1 : 1));
  assert.equal(open.length, 3);
  // Uniform: the space in three equal ranges.
  const third = (1n << 128n) / 3n;
  assert.deepEqual(open.map((s) => s.HashKeyRange!.StartingHashKey), ['0', String(third), String(2n * third)]);
  for (let j = 4; j < 8; j++) for (let i = 0; i < 10; i++) await put('up', `k${i}`, `k${i}:${j}`);
  const { order, data } = await readAll('up');
  const seen = [...data.values()].flat();
  assert.equal(seen.length, 80);
  assert.equal(new Set(seen).size, 80);
  assert.ok(order.indexOf('shardId-000000000000') < order.indexOf(open[0].ShardId!));
  // Each partition key's records come out in the order they were written, across the reshard.
  const perKey = new Map<string, number[]>();
  for (const shard of order) for (const d of data.get(shard)!) {
    const [key, i] = d.split(':');
    perKey.set(key, [...(perKey.get(key) ?? []), Number(i)]);
  }
  assert.equal(perKey.size, 10);
  for (const [key, seq] of perKey) assert.deepEqual(seq, [0, 1, 2, 3, 4, 5, 6, 7], key);

  await rejects(k.send(new UpdateShardCountCommand({ StreamName: 'up', TargetShardCount: 7, ScalingType: 'UNIFORM_SCALING' })), 'LimitExceededException', 400);
  await rejects(k.send(new UpdateShardCountCommand({ StreamName: 'up', TargetShardCount: 1, ScalingType: 'UNIFORM_SCALING' })), 'LimitExceededException', 400);
  await k.send(new UpdateShardCountCommand({ StreamName: 'up', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }));
  n.clock.advance('PT2S');
  const two = (await k.send(new ListShardsCommand({ StreamName: 'up', ShardFilter: { Type: 'AT_LATEST' } }))).Shards!
    .sort((a, b) => (BigInt(a.HashKeyRange!.StartingHashKey!) < BigInt(b.HashKeyRange!.StartingHashKey!) ? -1 : 1));
  assert.deepEqual(two.map((s) => s.HashKeyRange!.StartingHashKey), ['0', HALF]);
  assert.equal((await readAll('up')).order.length, (await shards('up')).length);
});
