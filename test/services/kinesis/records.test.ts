// Records: partition keys route by MD5 into hash key ranges, sequence numbers only grow, the
// five iterator types, iterator expiry and retention on the virtual clock, PutRecords' partial
// failures (provisioned shard throughput), and the size limits of the API reference.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, IncreaseStreamRetentionPeriodCommand, ListShardsCommand,
  PutRecordCommand, PutRecordsCommand, UpdateMaxRecordSizeCommand, DescribeStreamSummaryCommand, type KinesisClient, type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { ACCOUNT, activeStream, client } from './util.js';

let n: Nimbus;
let k: KinesisClient;
before(async () => { n = await nimbus(); k = client(n); });
after(async () => { k.destroy(); await n.stop(); });
beforeEach(() => n.reset());

const md5 = (s: string) => BigInt('0x' + createHash('md5').update(s, 'utf8').digest('hex'));

async function iterator(StreamName: string, ShardId: string, ShardIteratorType: ShardIteratorType, extra: Record<string, unknown> = {}) {
  return (await k.send(new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType, ...extra }))).ShardIterator!;
}
const text = (d: Uint8Array | undefined) => Buffer.from(d!).toString();

test('partition keys go to the shard whose hash key range holds their MD5; ExplicitHashKey overrides', async () => {
  await activeStream(n, k, { StreamName: 'route', ShardCount: 4 });
  const shards = (await k.send(new ListShardsCommand({ StreamName: 'route' }))).Shards!;
  assert.equal(shards.length, 4);
  // Even split of the 128-bit space, as AWS lays out a new stream.
  assert.equal(shards[0].HashKeyRange!.StartingHashKey, '0');
  assert.equal(shards[0].HashKeyRange!.EndingHashKey, '85070591730234615865843651857942052863');
  assert.equal(shards[3].HashKeyRange!.EndingHashKey, String((1n << 128n) - 1n));
  const owner = (h: bigint) => shards.find((s) => BigInt(s.HashKeyRange!.StartingHashKey!) <= h && h <= BigInt(s.HashKeyRange!.EndingHashKey!))!.ShardId;
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const pk = `key-${i}`;
    const r = await k.send(new PutRecordCommand({ StreamName: 'route', PartitionKey: pk, Data: Buffer.from(pk) }));
    assert.equal(r.ShardId, owner(md5(pk)), pk);
    assert.equal(r.EncryptionType, undefined);
    seen.add(r.ShardId!);
  }
  assert.equal(seen.size, 4);
  const explicit = await k.send(new PutRecordCommand({ StreamName: 'route', PartitionKey: 'x', Data: Buffer.from('e'), ExplicitHashKey: String((1n << 128n) - 1n) }));
  assert.equal(explicit.ShardId, 'shardId-000000000003');
  const batch = await k.send(new PutRecordsCommand({ StreamName: 'route', Records: [
    { PartitionKey: 'a', Data: Buffer.from('1') }, { PartitionKey: 'b', Data: Buffer.from('2'), ExplicitHashKey: '0' },
  ] }));
  assert.equal(batch.FailedRecordCount, 0);
  assert.equal(batch.Records![0].ShardId, owner(md5('a')));
  assert.equal(batch.Records![1].ShardId, 'shardId-000000000000');
  const bad = await rejects(k.send(new PutRecordCommand({ StreamName: 'route', PartitionKey: 'x', Data: Buffer.from('e'), ExplicitHashKey: String(1n << 128n) })), 'InvalidArgumentException', 400);
  assert.match(bad.message, /ExplicitHashKey must be in the range: \[0, 2\^128-1\]/);
});

test('sequence numbers are long decimals that grow within a shard; GetRecords returns records in order', async () => {
  await activeStream(n, k, { StreamName: 'seq', ShardCount: 1 });
  const seqs: bigint[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await k.send(new PutRecordCommand({ StreamName: 'seq', PartitionKey: `p${i}`, Data: Buffer.from(`d${i}`) }));
    assert.match(r.SequenceNumber!, /^\d{56}$/);
    seqs.push(BigInt(r.SequenceNumber!));
  }
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1]);
  const shard = (await k.send(new ListShardsCommand({ StreamName: 'seq' }))).Shards![0];
  assert.ok(BigInt(shard.SequenceNumberRange!.StartingSequenceNumber!) < seqs[0]);
  assert.equal(shard.SequenceNumberRange!.EndingSequenceNumber, undefined);
  const it = await iterator('seq', 'shardId-000000000000', 'TRIM_HORIZON');
  const out = await k.send(new GetRecordsCommand({ ShardIterator: it }));
  assert.deepEqual(out.Records!.map((r) => BigInt(r.SequenceNumber!)), seqs);
  assert.deepEqual(out.Records!.map((r) => text(r.Data)), ['d0', 'd1', 'd2', 'd3', 'd4']);
  assert.deepEqual(out.Records!.map((r) => r.PartitionKey), ['p0', 'p1', 'p2', 'p3', 'p4']);
  assert.ok(out.Records![0].ApproximateArrivalTimestamp instanceof Date);
  assert.ok(Math.abs(out.Records![0].ApproximateArrivalTimestamp!.getTime() - n.clock.now().getTime()) < 5000);
  assert.equal(out.MillisBehindLatest, 0);
  assert.ok(out.NextShardIterator);
  assert.equal(out.ChildShards, undefined);
  // Reading on from NextShardIterator: nothing new, then the next record.
  const empty = await k.send(new GetRecordsCommand({ ShardIterator: out.NextShardIterator }));
  assert.equal(empty.Records!.length, 0);
  await k.send(new PutRecordCommand({ StreamName: 'seq', PartitionKey: 'p5', Data: Buffer.from('d5') }));
  const more = await k.send(new GetRecordsCommand({ ShardIterator: empty.NextShardIterator }));
  assert.deepEqual(more.Records!.map((r) => text(r.Data)), ['d5']);
});

test('the five iterator types', async () => {
  await activeStream(n, k, { StreamName: 'its', ShardCount: 1 });
  const sh = 'shardId-000000000000';
  const put = async (d: string) => (await k.send(new PutRecordCommand({ StreamName: 'its', PartitionKey: 'k', Data: Buffer.from(d) }))).SequenceNumber!;
  const read = async (it: string) => (await k.send(new GetRecordsCommand({ ShardIterator: it }))).Records!.map((r) => text(r.Data));
  const s1 = await put('one');
  await put('two');
  n.clock.advance('PT1M');
  const mark = n.clock.now();
  n.clock.advance('PT1S');
  const latest = await iterator('its', sh, 'LATEST');
  const s3 = await put('three');
  await put('four');
  assert.deepEqual(await read(await iterator('its', sh, 'TRIM_HORIZON')), ['one', 'two', 'three', 'four']);
  assert.deepEqual(await read(latest), ['three', 'four']);
  assert.deepEqual(await read(await iterator('its', sh, 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: s1 })), ['one', 'two', 'three', 'four']);
  assert.deepEqual(await read(await iterator('its', sh, 'AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: s1 })), ['two', 'three', 'four']);
  assert.deepEqual(await read(await iterator('its', sh, 'AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: s3 })), ['four']);
  assert.deepEqual(await read(await iterator('its', sh, 'AT_TIMESTAMP', { Timestamp: mark })), ['three', 'four']);
  assert.deepEqual(await read(await iterator('its', sh, 'AT_TIMESTAMP', { Timestamp: new Date(0) })), ['one', 'two', 'three', 'four']);

  // Wrong combinations and numbers from elsewhere are InvalidArgumentException.
  await rejects(k.send(new GetShardIteratorCommand({ StreamName: 'its', ShardId: sh, ShardIteratorType: 'AT_SEQUENCE_NUMBER' })), 'InvalidArgumentException', 400);
  await rejects(k.send(new GetShardIteratorCommand({ StreamName: 'its', ShardId: sh, ShardIteratorType: 'AT_TIMESTAMP' })), 'InvalidArgumentException', 400);
  const junk = await rejects(k.send(new GetShardIteratorCommand({ StreamName: 'its', ShardId: sh, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: '12345' })), 'InvalidArgumentException', 400);
  assert.equal(junk.message, `StartingSequenceNumber 12345 used in GetShardIterator on shard ${sh} in stream its under account ${ACCOUNT} is invalid.`);
  await activeStream(n, k, { StreamName: 'other', ShardCount: 1 });
  const foreign = (await k.send(new PutRecordCommand({ StreamName: 'other', PartitionKey: 'k', Data: Buffer.from('x') }))).SequenceNumber!;
  const e = await rejects(k.send(new GetShardIteratorCommand({ StreamName: 'its', ShardId: sh, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: foreign })), 'InvalidArgumentException', 400);
  assert.match(e.message, /did not come from this stream/);
  const missing = await rejects(k.send(new GetShardIteratorCommand({ StreamName: 'its', ShardId: 'shardId-000000000007', ShardIteratorType: 'LATEST' })), 'ResourceNotFoundException', 400);
  assert.equal(missing.message, `Shard shardId-000000000007 in stream its under account ${ACCOUNT} does not exist`);
  await rejects(k.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })), 'InvalidArgumentException', 400);
});

test('iterators expire after 5 minutes on the clock; each NextShardIterator starts a new 5 minutes', async () => {
  await activeStream(n, k, { StreamName: 'exp', ShardCount: 1 });
  await k.send(new PutRecordCommand({ StreamName: 'exp', PartitionKey: 'k', Data: Buffer.from('a') }));
  const it = await iterator('exp', 'shardId-000000000000', 'TRIM_HORIZON');
  n.clock.advance('PT4M');
  const page = await k.send(new GetRecordsCommand({ ShardIterator: it }));
  assert.equal(page.Records!.length, 1);
  n.clock.advance('PT2M'); // the first iterator is 6 minutes old now, the next one 2
  const e = await rejects(k.send(new GetRecordsCommand({ ShardIterator: it })), 'ExpiredIteratorException', 400);
  assert.match(e.message, /^Iterator expired\. The iterator was created at time \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} while right now it is .* which is further in the future than the tolerated delay of 300000 milliseconds\.$/);
  const next = await k.send(new GetRecordsCommand({ ShardIterator: page.NextShardIterator }));
  assert.equal(next.Records!.length, 0);
});

test('records past the retention period disappear on the clock, TRIM_HORIZON moves', async () => {
  await activeStream(n, k, { StreamName: 'ret', ShardCount: 1 });
  await activeStream(n, k, { StreamName: 'ret48', ShardCount: 1 });
  await k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'ret48', RetentionPeriodHours: 48 }));
  for (const s of ['ret', 'ret48']) await k.send(new PutRecordCommand({ StreamName: s, PartitionKey: 'k', Data: Buffer.from('old') }));
  n.clock.advance('PT12H');
  for (const s of ['ret', 'ret48']) await k.send(new PutRecordCommand({ StreamName: s, PartitionKey: 'k', Data: Buffer.from('new') }));
  const all = async (s: string) => (await k.send(new GetRecordsCommand({ ShardIterator: await iterator(s, 'shardId-000000000000', 'TRIM_HORIZON') }))).Records!.map((r) => text(r.Data));
  assert.deepEqual(await all('ret'), ['old', 'new']);
  n.clock.advance('PT13H');
  assert.deepEqual(await all('ret'), ['new']);
  assert.deepEqual(await all('ret48'), ['old', 'new']);
  n.clock.advance('PT24H'); // 49 hours after 'old', 37 after 'new'
  assert.deepEqual(await all('ret'), []);
  assert.deepEqual(await all('ret48'), ['new']);
});

test('PutRecords: a provisioned shard over 1 MiB/s fails those records alone, with ErrorCode and ErrorMessage', async () => {
  await activeStream(n, k, { StreamName: 'thr', ShardCount: 1 });
  // Capacity counts per second: start at the beginning of one so the calls below share it.
  n.clock.set(new Date(Math.ceil(n.clock.now().getTime() / 1000) * 1000 + 1));
  const big = Buffer.alloc(400 * 1024, 7);
  const r = await k.send(new PutRecordsCommand({ StreamName: 'thr', Records: [
    { PartitionKey: 'a', Data: big }, { PartitionKey: 'b', Data: big }, { PartitionKey: 'c', Data: big }, { PartitionKey: 'd', Data: Buffer.from('small') },
  ] }));
  assert.equal(r.FailedRecordCount, 1);
  assert.ok(r.Records![0].SequenceNumber && r.Records![1].SequenceNumber && r.Records![3].SequenceNumber);
  assert.equal(r.Records![2].ErrorCode, 'ProvisionedThroughputExceededException');
  assert.equal(r.Records![2].ErrorMessage, `Rate exceeded for shard shardId-000000000000 in stream thr under account ${ACCOUNT}.`);
  assert.equal(r.Records![2].SequenceNumber, undefined);
  // PutRecord in the same second is throttled as a whole; the next second has capacity again.
  await rejects(k.send(new PutRecordCommand({ StreamName: 'thr', PartitionKey: 'e', Data: big })), 'ProvisionedThroughputExceededException', 400);
  n.clock.advance('PT1S');
  const retry = await k.send(new PutRecordsCommand({ StreamName: 'thr', Records: [{ PartitionKey: 'c', Data: big }] }));
  assert.equal(retry.FailedRecordCount, 0);
  const got = await k.send(new GetRecordsCommand({ ShardIterator: await iterator('thr', 'shardId-000000000000', 'TRIM_HORIZON') }));
  assert.deepEqual(got.Records!.map((x) => x.PartitionKey), ['a', 'b', 'd', 'c']);
  assert.equal(got.Records![0].Data!.length, big.length);
});

test('size limits: 1 MiB per record, 5 MiB per request, 500 records; GetRecords Limit and MillisBehindLatest', async () => {
  await activeStream(n, k, { StreamName: 'lim' });
  const v = await rejects(k.send(new PutRecordCommand({ StreamName: 'lim', PartitionKey: 'k', Data: Buffer.alloc(1024 * 1024 + 1) })), 'ValidationException', 400);
  assert.match(v.message, /at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576/);
  // Raised to 2 MiB, the stream takes a 1.5 MiB record (the first of a second on a shard always fits).
  await k.send(new UpdateMaxRecordSizeCommand({ StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/lim`, MaxRecordSizeInKiB: 2048 }));
  n.clock.advance('PT2S');
  assert.equal((await k.send(new DescribeStreamSummaryCommand({ StreamName: 'lim' }))).StreamDescriptionSummary!.MaxRecordSizeInKiB, 2048);
  const large = await k.send(new PutRecordCommand({ StreamName: 'lim', PartitionKey: 'large', Data: Buffer.alloc(1536 * 1024, 1) }));
  await rejects(k.send(new UpdateMaxRecordSizeCommand({ StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/lim`, MaxRecordSizeInKiB: 10241 })), 'ValidationException', 400);
  await rejects(k.send(new PutRecordCommand({ StreamName: 'lim', PartitionKey: 'k', Data: Buffer.alloc(2048 * 1024 + 1) })), 'ValidationException', 400);
  const vb = await rejects(k.send(new PutRecordsCommand({ StreamName: 'lim', Records: [{ PartitionKey: 'k', Data: Buffer.from('x') }, { PartitionKey: 'k', Data: Buffer.alloc(2048 * 1024 + 1) }] })), 'ValidationException', 400);
  assert.match(vb.message, /at 'records\.2\.member\.data' failed to satisfy constraint: Member must have length less than or equal to 2097152$/);
  const six = Array.from({ length: 6 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(1_000_000) }));
  const big = await rejects(k.send(new PutRecordsCommand({ StreamName: 'lim', Records: six })), 'InvalidArgumentException', 400);
  assert.equal(big.message, 'Records size exceeds 5 MB limit');
  const many = Array.from({ length: 501 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from('x') }));
  await rejects(k.send(new PutRecordsCommand({ StreamName: 'lim', Records: many })), 'ValidationException', 400);
  // Nothing of the rejected requests was written.
  const shards = (await k.send(new ListShardsCommand({ StreamName: 'lim' }))).Shards!;
  assert.equal(shards.length, 4); // an on-demand stream starts with 4 shards
  let total = 0;
  for (const s of shards) {
    for (const r of (await k.send(new GetRecordsCommand({ ShardIterator: await iterator('lim', s.ShardId!, 'TRIM_HORIZON') }))).Records!) {
      assert.equal(r.SequenceNumber, large.SequenceNumber);
      assert.equal(r.Data!.length, 1536 * 1024);
      total++;
    }
  }
  assert.equal(total, 1);

  const recs = Array.from({ length: 5 }, (_, i) => ({ PartitionKey: 'same', Data: Buffer.from(String(i)) }));
  const put = await k.send(new PutRecordsCommand({ StreamName: 'lim', Records: recs }));
  const shard = put.Records![0].ShardId!;
  n.clock.advance('PT10S');
  const first = await k.send(new GetRecordsCommand({ ShardIterator: await iterator('lim', shard, 'TRIM_HORIZON'), Limit: 2 }));
  assert.deepEqual(first.Records!.map((r) => text(r.Data)), ['0', '1']);
  assert.ok(first.MillisBehindLatest! >= 10_000, String(first.MillisBehindLatest));
  const rest = await k.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator, Limit: 10 }));
  assert.deepEqual(rest.Records!.map((r) => text(r.Data)), ['2', '3', '4']);
  assert.equal(rest.MillisBehindLatest, 0);
});

test('a stream is not there for records while CREATING; missing streams are ResourceNotFoundException', async () => {
  await k.send(new CreateStreamCommand({ StreamName: 'young', ShardCount: 1 }));
  const e = await rejects(k.send(new PutRecordCommand({ StreamName: 'young', PartitionKey: 'k', Data: Buffer.from('x') })), 'ResourceNotFoundException', 400);
  assert.equal(e.message, `Stream young under account ${ACCOUNT} not found.`);
  n.clock.advance('PT2S');
  await k.send(new PutRecordCommand({ StreamName: 'young', PartitionKey: 'k', Data: Buffer.from('x') }));
  const m = await rejects(k.send(new PutRecordsCommand({ StreamName: 'nope', Records: [{ PartitionKey: 'k', Data: Buffer.from('x') }] })), 'ResourceNotFoundException', 400);
  assert.equal(m.message, `Stream nope under account ${ACCOUNT} not found.`);
  // By ARN, including the reads.
  const arn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/young`;
  const r = await k.send(new PutRecordCommand({ StreamARN: arn, PartitionKey: 'k', Data: Buffer.from('y') }));
  const it = (await k.send(new GetShardIteratorCommand({ StreamARN: arn, ShardId: r.ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: r.SequenceNumber }))).ShardIterator!;
  const got = await k.send(new GetRecordsCommand({ StreamARN: arn, ShardIterator: it }));
  assert.deepEqual(got.Records!.map((x) => text(x.Data)), ['y']);
  await rejects(k.send(new PutRecordCommand({ StreamARN: `arn:aws:kinesis:us-east-1:111122223333:stream/young`, PartitionKey: 'k', Data: Buffer.from('y') })), 'ResourceNotFoundException', 400);
});
