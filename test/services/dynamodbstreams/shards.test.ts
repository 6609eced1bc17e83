// DynamoDB Streams shards as AWS runs them, through @aws-sdk/client-dynamodb-streams and the aws
// CLI: the open shard rolls over every four hours of clock into a child naming it as
// ParentShardId, reading continues across the rollover, closed shards keep their records until
// trimmed and then disappear, DescribeStream pages shards oldest first, stream states move on
// the clock, ListStreams pages, and GetRecords stops at 1000 records or 1 MB.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand, DynamoDBClient, PutItemCommand, UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand,
  type GetRecordsCommandOutput, type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { aws, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { streamTable } from './util.js';

let n: Nimbus;
let ddb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); streams = new DynamoDBStreamsClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(() => { n.reset(); });

const table = (name: string, view?: string) => streamTable(ddb, name, view);

const put = (t: string, pk: string, extra: Record<string, { S: string }> = {}) =>
  ddb.send(new PutItemCommand({ TableName: t, Item: { pk: { S: pk }, ...extra } }));
const shardsOf = async (arn: string, more: { Limit?: number; ExclusiveStartShardId?: string } = {}) =>
  (await streams.send(new DescribeStreamCommand({ StreamArn: arn, ...more }))).StreamDescription!;
const iterator = async (arn: string, shard: string, type: 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER', seq?: string) =>
  (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: type, SequenceNumber: seq }))).ShardIterator!;
const keysOf = (r: { Records?: { dynamodb?: { Keys?: Record<string, { S?: string }> } }[] }) => r.Records!.map((x) => x.dynamodb!.Keys!.pk.S);

test('the open shard rolls over after four hours: lineage, ranges, and reading on across the rollover', async () => {
  const arn = await table('roll');
  await put('roll', 'a');
  await put('roll', 'b');
  n.clock.advance('PT3H55M');
  const [s1] = (await shardsOf(arn)).Shards!;
  const r1 = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, s1.ShardId!, 'TRIM_HORIZON'), Limit: 1 }));
  assert.deepEqual(keysOf(r1), ['a']);
  await put('roll', 'c');
  n.clock.advance('PT5M'); // four hours since the stream was enabled: the shard closes, its child opens
  await put('roll', 'd');
  // The iterator from before the rollover reads the rest of the closed shard; read to its end, it has no next iterator.
  const r2 = await streams.send(new GetRecordsCommand({ ShardIterator: r1.NextShardIterator! }));
  assert.deepEqual(keysOf(r2), ['b', 'c']);
  assert.equal(r2.NextShardIterator, undefined);
  const d = await shardsOf(arn);
  assert.equal(d.Shards!.length, 2);
  const [closed, child] = d.Shards!;
  assert.equal(closed.ShardId, s1.ShardId);
  assert.equal(closed.SequenceNumberRange!.EndingSequenceNumber, r2.Records![1].dynamodb!.SequenceNumber, 'a closed shard ends at its last record');
  assert.equal(child.ParentShardId, s1.ShardId);
  assert.match(child.ShardId!, /^shardId-\d{20}-[0-9a-f]{8}$/);
  assert.ok(child.ShardId! > closed.ShardId!, 'ShardId order is the order shards opened');
  assert.equal(child.SequenceNumberRange!.EndingSequenceNumber, undefined);
  assert.ok(BigInt(child.SequenceNumberRange!.StartingSequenceNumber!) > BigInt(closed.SequenceNumberRange!.EndingSequenceNumber!));
  // Each record lives in exactly one shard; sequence numbers keep increasing across shards.
  const r3 = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, child.ShardId!, 'TRIM_HORIZON') }));
  assert.deepEqual(keysOf(r3), ['d']);
  assert.ok(r3.NextShardIterator, 'the open shard goes on');
  assert.ok(BigInt(r3.Records![0].dynamodb!.SequenceNumber!) > BigInt(closed.SequenceNumberRange!.EndingSequenceNumber!));
  assert.deepEqual(keysOf(await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, s1.ShardId!, 'TRIM_HORIZON') }))), ['a', 'b', 'c']);
  // AT/AFTER_SEQUENCE_NUMBER inside the closed shard; LATEST on it is already at its end.
  const seqB = r2.Records![0].dynamodb!.SequenceNumber!;
  const at = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, s1.ShardId!, 'AT_SEQUENCE_NUMBER', seqB) }));
  assert.deepEqual(keysOf(at), ['b', 'c']);
  assert.equal(at.NextShardIterator, undefined);
  const latest = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, s1.ShardId!, 'LATEST') }));
  assert.deepEqual(latest.Records, []);
  assert.equal(latest.NextShardIterator, undefined);
  // A sequence number from another shard is refused.
  const seqD = r3.Records![0].dynamodb!.SequenceNumber!;
  await rejects(streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: s1.ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: seqD })), 'ValidationException', 400);
  await rejects(streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: child.ShardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: seqB })), 'ValidationException', 400);
  // ShardFilter CHILD_SHARDS lists a shard's children.
  const kids = await streams.send(new DescribeStreamCommand({ StreamArn: arn, ShardFilter: { Type: 'CHILD_SHARDS', ShardId: s1.ShardId } }));
  assert.deepEqual(kids.StreamDescription!.Shards!.map((x) => x.ShardId), [child.ShardId]);
  const none = await streams.send(new DescribeStreamCommand({ StreamArn: arn, ShardFilter: { Type: 'CHILD_SHARDS', ShardId: child.ShardId } }));
  assert.deepEqual(none.StreamDescription!.Shards, []);
});

test('a day of shards: DescribeStream pages oldest first; trimmed records and shards disappear', async () => {
  const arn = await table('day', 'KEYS_ONLY');
  const seqs: string[] = [];
  for (let h = 0; h < 6; h++) {
    await put('day', `h${h}`);
    if (h === 0) {
      const [first] = (await shardsOf(arn)).Shards!;
      seqs.push((await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, first.ShardId!, 'TRIM_HORIZON') }))).Records![0].dynamodb!.SequenceNumber!);
    }
    n.clock.advance('PT4H');
  }
  // Six shards closed (one record each) and the open seventh, each the child of the one before.
  const all: Shard[] = [];
  let page = await shardsOf(arn, { Limit: 3 });
  const sizes = [page.Shards!.length];
  all.push(...page.Shards!);
  while (page.LastEvaluatedShardId) {
    assert.equal(page.LastEvaluatedShardId, all[all.length - 1].ShardId);
    page = await shardsOf(arn, { Limit: 3, ExclusiveStartShardId: page.LastEvaluatedShardId });
    sizes.push(page.Shards!.length);
    all.push(...page.Shards!);
  }
  assert.deepEqual(sizes, [3, 3, 1]);
  assert.deepEqual(all.map((x) => x.ShardId), [...all.map((x) => x.ShardId!)].sort());
  for (let i = 1; i < all.length; i++) assert.equal(all[i].ParentShardId, all[i - 1].ShardId);
  assert.equal(all[0].ParentShardId, undefined);
  assert.deepEqual(all.map((x) => x.SequenceNumberRange!.EndingSequenceNumber === undefined), [false, false, false, false, false, false, true]);
  assert.deepEqual((await shardsOf(arn, { ExclusiveStartShardId: all[6].ShardId })).Shards, []);
  for (const sh of all.slice(1, 6)) {
    const r = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, sh.ShardId!, 'TRIM_HORIZON') }));
    assert.equal(r.Records!.length, 1);
    seqs.push(r.Records![0].dynamodb!.SequenceNumber!);
  }
  assert.deepEqual(seqs.map((x) => BigInt(x)), seqs.map((x) => BigInt(x)).sort((a, b) => (a < b ? -1 : 1)));
  // At 24 h the first record is trimmed, but its shard (closed at 4 h) stays listed until 28 h.
  assert.equal(seqs.length, 6);
  await rejects(streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: all[0].ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: seqs[0] })), 'TrimmedDataAccessException', 400);
  const bare = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, all[0].ShardId!, 'TRIM_HORIZON') }));
  assert.deepEqual(bare.Records, []);
  assert.equal(bare.NextShardIterator, undefined);
  n.clock.advance('PT3H50M');
  const late = await iterator(arn, all[1].ShardId!, 'TRIM_HORIZON'); // h1, written at 4 h
  n.clock.advance('PT10M');
  // 28 h: the first shard is gone; its child names a parent no longer listed, as on AWS.
  const now = (await shardsOf(arn)).Shards!;
  assert.equal(now[0].ShardId, all[1].ShardId);
  assert.equal(now[0].ParentShardId, all[0].ShardId);
  await rejects(streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: all[0].ShardId, ShardIteratorType: 'TRIM_HORIZON' })), 'ResourceNotFoundException', 400);
  // The iterator issued ten minutes ago points at h1, trimmed since.
  await rejects(streams.send(new GetRecordsCommand({ ShardIterator: late })), 'TrimmedDataAccessException', 400);
  // Three quiet days later: only the shards of the last 24 h (and the open one) are listed,
  // still one lineage, and sequence numbers go on increasing.
  n.clock.advance('P3D');
  const quiet = (await shardsOf(arn)).Shards!;
  assert.equal(quiet.length, 7);
  for (let i = 1; i < quiet.length; i++) assert.equal(quiet[i].ParentShardId, quiet[i - 1].ShardId);
  await put('day', 'later');
  const open = quiet[quiet.length - 1];
  const r = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, open.ShardId!, 'TRIM_HORIZON') }));
  assert.deepEqual(keysOf(r), ['later']);
  assert.ok(BigInt(r.Records![0].dynamodb!.SequenceNumber!) > BigInt(seqs[5]));
  await rejects(streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 101 })), 'ValidationException', 400);
  await rejects(streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 0 })), 'ValidationException', 400);
});

test('stream states: ENABLING → ENABLED, disabling closes the open shard, DISABLING → DISABLED, no rollover after', async () => {
  const arn = await table('states', 'NEW_IMAGE');
  assert.equal((await shardsOf(arn)).StreamStatus, 'ENABLING');
  n.clock.advance('PT4S');
  assert.equal((await shardsOf(arn)).StreamStatus, 'ENABLING');
  n.clock.advance('PT1S');
  assert.equal((await shardsOf(arn)).StreamStatus, 'ENABLED');
  await put('states', 'a');
  n.clock.advance('PT4H');
  await put('states', 'b');
  const [s1, s2] = (await shardsOf(arn)).Shards!;
  const it = await iterator(arn, s2.ShardId!, 'TRIM_HORIZON');
  await ddb.send(new UpdateTableCommand({ TableName: 'states', StreamSpecification: { StreamEnabled: false } }));
  const off = await shardsOf(arn);
  assert.equal(off.StreamStatus, 'DISABLING');
  // Every shard is closed now, the open one at its last record.
  assert.deepEqual(off.Shards!.map((x) => x.ShardId), [s1.ShardId, s2.ShardId]);
  for (const x of off.Shards!) assert.match(x.SequenceNumberRange!.EndingSequenceNumber!, /^\d{21,}$/);
  const r = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
  assert.deepEqual(keysOf(r), ['b']);
  assert.equal(r.Records![0].dynamodb!.SequenceNumber, off.Shards![1].SequenceNumberRange!.EndingSequenceNumber);
  assert.equal(r.NextShardIterator, undefined);
  n.clock.advance('PT5S');
  assert.equal((await shardsOf(arn)).StreamStatus, 'DISABLED');
  // A disabled stream no longer rolls over.
  n.clock.advance('PT5H');
  assert.equal((await shardsOf(arn)).Shards!.length, 2);
  // Re-enabling makes a new stream (new ARN and label, ENABLING again); the old one stays readable.
  const u = await ddb.send(new UpdateTableCommand({ TableName: 'states', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }));
  const second = u.TableDescription!.LatestStreamArn!;
  assert.notEqual(second, arn);
  assert.notEqual(u.TableDescription!.LatestStreamLabel, arn.split('/').pop());
  const d2 = await shardsOf(second);
  assert.equal(d2.StreamStatus, 'ENABLING');
  assert.equal(d2.StreamViewType, 'KEYS_ONLY');
  assert.equal(d2.Shards!.length, 1);
  assert.equal(d2.Shards![0].ParentShardId, undefined);
  assert.equal((await shardsOf(arn)).StreamStatus, 'DISABLED');
  // The old stream goes 24 h after it was disabled; the new one keeps rolling over.
  n.clock.advance('PT19H');
  assert.deepEqual((await streams.send(new ListStreamsCommand({ TableName: 'states' }))).Streams!.map((x) => x.StreamArn), [second]);
  await rejects(streams.send(new DescribeStreamCommand({ StreamArn: arn })), 'ResourceNotFoundException', 400);
  assert.equal((await shardsOf(second)).Shards!.length, 5);
});

test('ListStreams pages with Limit, ExclusiveStartStreamArn and LastEvaluatedStreamArn, with and without TableName', async () => {
  const arns = [await table('lsa'), await table('lsb'), await table('lsc')];
  await ddb.send(new UpdateTableCommand({ TableName: 'lsb', StreamSpecification: { StreamEnabled: false } }));
  n.clock.advance('PT1S');
  await ddb.send(new UpdateTableCommand({ TableName: 'lsb', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }));
  const seen: string[] = [];
  let start: string | undefined;
  for (;;) {
    const p = await streams.send(new ListStreamsCommand({ Limit: 1, ExclusiveStartStreamArn: start }));
    assert.ok(p.Streams!.length <= 1);
    seen.push(...p.Streams!.map((x) => x.StreamArn!));
    if (!p.LastEvaluatedStreamArn) break;
    assert.equal(p.LastEvaluatedStreamArn, p.Streams![0].StreamArn);
    start = p.LastEvaluatedStreamArn;
  }
  assert.equal(seen.length, 4);
  assert.equal(new Set(seen).size, 4);
  for (const a of arns) assert.ok(seen.includes(a));
  const lb = await streams.send(new ListStreamsCommand({ TableName: 'lsb', Limit: 1 }));
  assert.equal(lb.Streams!.length, 1);
  assert.equal(lb.Streams![0].TableName, 'lsb');
  const lb2 = await streams.send(new ListStreamsCommand({ TableName: 'lsb', Limit: 1, ExclusiveStartStreamArn: lb.LastEvaluatedStreamArn }));
  assert.equal(lb2.Streams!.length, 1);
  assert.equal(lb2.LastEvaluatedStreamArn, undefined);
  assert.notEqual(lb2.Streams![0].StreamArn, lb.Streams![0].StreamArn);
  assert.deepEqual((await streams.send(new ListStreamsCommand({ TableName: 'nope' }))).Streams, []);
  await rejects(streams.send(new ListStreamsCommand({ Limit: 101 })), 'ValidationException', 400);
  await rejects(streams.send(new ListStreamsCommand({ Limit: 0 })), 'ValidationException', 400);
  await rejects(streams.send(new ListStreamsCommand({ ExclusiveStartStreamArn: 'k'.repeat(40) })), 'ValidationException', 400);
});

test('GetRecords stops at 1 MB (before the record that would pass it) and at 1000 records', async () => {
  const big = 'x'.repeat(400_000); // ~400 KB items, the largest DynamoDB allows
  const arn = await table('mb', 'NEW_IMAGE');
  for (const k of ['a', 'b', 'c']) await put('mb', k, { v: { S: big } });
  const [sh] = (await shardsOf(arn)).Shards!;
  const p1 = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, sh.ShardId!, 'TRIM_HORIZON') }));
  assert.deepEqual(keysOf(p1), ['a', 'b'], 'two 400 KB records fit in 1 MB, a third would not');
  assert.ok(p1.Records!.every((r) => r.dynamodb!.SizeBytes! > 400_000));
  const p2 = await streams.send(new GetRecordsCommand({ ShardIterator: p1.NextShardIterator! }));
  assert.deepEqual(keysOf(p2), ['c']);
  assert.equal(p2.Records![0].dynamodb!.NewImage!.v.S!.length, 400_000);
  // Both images of a 400 KB item make a record of ~800 KB: one per call.
  const arn2 = await table('mb2', 'NEW_AND_OLD_IMAGES');
  await put('mb2', 'k', { v: { S: big } });
  await put('mb2', 'k', { v: { S: big.replace(/^x/, 'y') } });
  await put('mb2', 'k', { v: { S: big.replace(/^x/, 'z') } });
  const [sh2] = (await shardsOf(arn2)).Shards!;
  let it: string | undefined = await iterator(arn2, sh2.ShardId!, 'TRIM_HORIZON');
  const sizes: number[] = [];
  for (let i = 0; i < 4 && it; i++) {
    const r: GetRecordsCommandOutput = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
    sizes.push(r.Records!.length);
    it = r.NextShardIterator;
  }
  // The INSERT (~400 KB) and the first MODIFY (~800 KB) would pass 1 MB together.
  assert.deepEqual(sizes, [1, 1, 1, 0]);
  assert.ok(it, 'the open shard still hands out an iterator');
});

test('GetRecords returns at most 1000 records by default, Limit fewer; Limit outside 1–1000 is refused', async () => {
  const arn = await table('many', 'KEYS_ONLY');
  for (let b = 0; b < 41; b++) {
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { many: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `k${b * 25 + i}` } } } })) } }));
  }
  const [sh] = (await shardsOf(arn)).Shards!;
  const it = await iterator(arn, sh.ShardId!, 'TRIM_HORIZON');
  const p1 = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
  assert.equal(p1.Records!.length, 1000);
  const p2 = await streams.send(new GetRecordsCommand({ ShardIterator: p1.NextShardIterator! }));
  assert.equal(p2.Records!.length, 25);
  assert.equal(p2.Records![24].dynamodb!.Keys!.pk.S, 'k1024');
  const p3 = await streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: 7 }));
  assert.equal(p3.Records!.length, 7);
  assert.equal(p3.Records![6].dynamodb!.Keys!.pk.S, 'k6');
  await rejects(streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: 0 })), 'ValidationException', 400);
  const tooMany = await rejects(streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1001 })), 'ValidationException', 400);
  assert.match(tooMany.message, /less than or equal to 1000/);
});

test('aws CLI: describe-stream shows the lineage, get-records ends a closed shard without NextShardIterator', async () => {
  const arn = await table('cli', 'NEW_IMAGE');
  await put('cli', 'first');
  n.clock.advance('PT4H');
  await put('cli', 'second');
  const ds = await aws(n, ['dynamodbstreams', 'describe-stream', '--stream-arn', arn]);
  assert.equal(ds.code, 0, ds.stderr);
  const desc = JSON.parse(ds.stdout).StreamDescription;
  assert.equal(desc.StreamStatus, 'ENABLED');
  assert.equal(desc.Shards.length, 2);
  assert.equal(desc.Shards[1].ParentShardId, desc.Shards[0].ShardId);
  assert.match(desc.Shards[0].SequenceNumberRange.EndingSequenceNumber, /^\d{21,}$/);
  const page = await aws(n, ['dynamodbstreams', 'describe-stream', '--stream-arn', arn, '--limit', '1']);
  assert.equal(JSON.parse(page.stdout).StreamDescription.LastEvaluatedShardId, desc.Shards[0].ShardId);
  const gi = await aws(n, ['dynamodbstreams', 'get-shard-iterator', '--stream-arn', arn, '--shard-id', desc.Shards[0].ShardId, '--shard-iterator-type', 'TRIM_HORIZON']);
  const gr = await aws(n, ['dynamodbstreams', 'get-records', '--shard-iterator', JSON.parse(gi.stdout).ShardIterator]);
  assert.equal(gr.code, 0, gr.stderr);
  const out = JSON.parse(gr.stdout);
  assert.deepEqual(out.Records.map((r: { dynamodb: { Keys: { pk: { S: string } } } }) => r.dynamodb.Keys.pk.S), ['first']);
  assert.equal(out.NextShardIterator, undefined);
  const gi2 = await aws(n, ['dynamodbstreams', 'get-shard-iterator', '--stream-arn', arn, '--shard-id', desc.Shards[1].ShardId, '--shard-iterator-type', 'TRIM_HORIZON']);
  const gr2 = JSON.parse((await aws(n, ['dynamodbstreams', 'get-records', '--shard-iterator', JSON.parse(gi2.stdout).ShardIterator])).stdout);
  assert.equal(gr2.Records[0].dynamodb.Keys.pk.S, 'second');
  assert.ok(gr2.NextShardIterator);
});
