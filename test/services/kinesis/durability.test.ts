// Kinesis across kill -9 with --data-dir: streams, their shard map (after a split), every
// acknowledged record with its sequence number, the sequence counter (new records sort after
// old ones), iterators issued before the crash, and retention timers, which are set again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KinesisClient, CreateStreamCommand, PutRecordsCommand, PutRecordCommand, SplitShardCommand, ListShardsCommand, GetShardIteratorCommand,
  GetRecordsCommand, RegisterStreamConsumerCommand, ListStreamConsumersCommand,
} from '@aws-sdk/client-kinesis';
import { sdk } from '../../helpers.js';
import { startProcess, kill9 } from '../../process.js';

const advance = async (endpoint: string, by: string) => {
  const r = await fetch(`${endpoint}/_nimbus/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: by }) });
  assert.equal(r.status, 200);
};
const kinesis = (endpoint: string) => new KinesisClient(sdk({ endpoint }));

test('kill -9 and restart: shards, records, sequence numbers, iterators and retention survive', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-kinesis-'));
  try {
    let p = await startProcess(['--data-dir', dir, '--services', 'kinesis']);
    let k = kinesis(p.endpoint);
    await k.send(new CreateStreamCommand({ StreamName: 'durable', ShardCount: 2 }));
    await advance(p.endpoint, 'PT2S');
    const put = await k.send(new PutRecordsCommand({ StreamName: 'durable', Records: Array.from({ length: 20 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(`v${i}`) })) }));
    assert.equal(put.FailedRecordCount, 0);
    await k.send(new SplitShardCommand({ StreamName: 'durable', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: String(1n << 126n) }));
    await advance(p.endpoint, 'PT2S');
    const late = await k.send(new PutRecordCommand({ StreamName: 'durable', PartitionKey: 'late', Data: Buffer.from([0, 1, 2, 255]) }));
    await k.send(new RegisterStreamConsumerCommand({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/durable', ConsumerName: 'c1' }));
    const shardsBefore = (await k.send(new ListShardsCommand({ StreamName: 'durable' }))).Shards!;
    const it = (await k.send(new GetShardIteratorCommand({ StreamName: 'durable', ShardId: 'shardId-000000000001', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
    k.destroy();
    await kill9(p);

    p = await startProcess(['--data-dir', dir, '--services', 'kinesis']);
    k = kinesis(p.endpoint);
    try {
      assert.deepEqual((await k.send(new ListShardsCommand({ StreamName: 'durable' }))).Shards, shardsBefore);
      // Every record is there with the sequence number it was acknowledged with.
      const seen = new Map<string, string>();
      for (const s of shardsBefore) {
        const i = (await k.send(new GetShardIteratorCommand({ StreamName: 'durable', ShardId: s.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        for (const r of (await k.send(new GetRecordsCommand({ ShardIterator: i }))).Records!) seen.set(r.SequenceNumber!, Buffer.from(r.Data!).toString('hex'));
      }
      assert.equal(seen.size, 21);
      for (const [i, r] of put.Records!.entries()) assert.equal(seen.get(r.SequenceNumber!), Buffer.from(`v${i}`).toString('hex'));
      assert.equal(seen.get(late.SequenceNumber!), '000102ff');
      // An iterator issued before the crash still reads (within its 5 minutes).
      const old = await k.send(new GetRecordsCommand({ ShardIterator: it }));
      assert.equal(old.Records!.length, [...put.Records!, late].filter((r) => r.ShardId === 'shardId-000000000001').length);
      // The counter carried on: a new record on the same shard sorts after the old ones.
      const next = await k.send(new PutRecordCommand({ StreamName: 'durable', PartitionKey: 'late', Data: Buffer.from('after') }));
      assert.equal(next.ShardId, late.ShardId);
      assert.ok(BigInt(next.SequenceNumber!) > BigInt(late.SequenceNumber!));
      assert.equal((await k.send(new ListStreamConsumersCommand({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/durable' }))).Consumers!.length, 1);
      // Retention timers were set again: a day on, the records and the split parent are gone.
      await advance(p.endpoint, 'PT25H');
      const th = (await k.send(new GetShardIteratorCommand({ StreamName: 'durable', ShardId: late.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      assert.equal((await k.send(new GetRecordsCommand({ ShardIterator: th }))).Records!.length, 0);
      assert.deepEqual((await k.send(new ListShardsCommand({ StreamName: 'durable' }))).Shards!.map((s) => s.ShardId),
        ['shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003']);
    } finally {
      k.destroy();
      await kill9(p);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
