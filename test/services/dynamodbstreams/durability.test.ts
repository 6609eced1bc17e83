// DynamoDB Streams shards survive kill -9 with --data-dir: the shards, their lineage and
// sequence number ranges, the records in each, and the rollover schedule (the open shard still
// closes four hours after it opened, counted from before the restart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { streamTable } from './util.js';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type Shard } from '@aws-sdk/client-dynamodb-streams';
import { sdk } from '../../helpers.js';
import { kill9, startProcess, type NimbusProcess } from '../../process.js';

const advance = async (p: NimbusProcess, by: string) => {
  const r = await fetch(`${p.endpoint}/_nimbus/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: by }) });
  assert.equal(r.status, 200);
};

async function readShard(c: DynamoDBStreamsClient, arn: string, shard: string) {
  const it = (await c.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
  const r = await c.send(new GetRecordsCommand({ ShardIterator: it }));
  return { keys: r.Records!.map((x) => x.dynamodb!.Keys!.pk.S), seqs: r.Records!.map((x) => BigInt(x.dynamodb!.SequenceNumber!)), next: r.NextShardIterator };
}

test('shards, lineage, ranges, records and the rollover schedule survive kill -9', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-ddbs-shards-'));
  const args = ['--data-dir', dir, '--services', 'dynamodb,dynamodbstreams'];
  const first = await startProcess(args);
  let arn: string;
  let before: Shard[];
  try {
    const ddb = new DynamoDBClient(sdk(first));
    arn = await streamTable(ddb, 'kept', 'NEW_IMAGE');
    await ddb.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'a' } } }));
    await advance(first, 'PT4H');
    await ddb.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'b' } } }));
    before = (await new DynamoDBStreamsClient(sdk(first)).send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards!;
    assert.equal(before.length, 2);
  } finally {
    await kill9(first);
  }
  const second = await startProcess(args);
  try {
    const ddb = new DynamoDBClient(sdk(second));
    const c = new DynamoDBStreamsClient(sdk(second));
    // The restarted clock is back at real time, before the second shard opened: nothing rolls yet.
    const after = (await c.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards!;
    assert.deepEqual(after, before);
    assert.equal(after[1].ParentShardId, after[0].ShardId);
    const s1 = await readShard(c, arn, after[0].ShardId!);
    assert.deepEqual(s1.keys, ['a']);
    assert.equal(s1.next, undefined);
    assert.equal(String(s1.seqs[0]), after[0].SequenceNumberRange!.EndingSequenceNumber);
    await ddb.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'c' } } }));
    const s2 = await readShard(c, arn, after[1].ShardId!);
    assert.deepEqual(s2.keys, ['b', 'c']);
    assert.ok(s2.seqs[0] > s1.seqs[0] && s2.seqs[1] > s2.seqs[0]);
    // Eight hours on, the second shard (opened four hours after the first, before the restart) has rolled over.
    await advance(second, 'PT8H');
    await ddb.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'd' } } }));
    const now = (await c.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards!;
    assert.deepEqual(now.map((x) => x.ShardId).slice(0, 2), after.map((x) => x.ShardId));
    assert.equal(now.length, 3);
    assert.equal(now[2].ParentShardId, after[1].ShardId);
    assert.equal(BigInt(now[1].SequenceNumberRange!.EndingSequenceNumber!), s2.seqs[1]);
    const s3 = await readShard(c, arn, now[2].ShardId!);
    assert.deepEqual(s3.keys, ['d']);
    assert.ok(s3.seqs[0] > s2.seqs[1]);
  } finally {
    await kill9(second);
  }
  // And once more: the third shard and its record were journalled too.
  const third = await startProcess(args);
  try {
    const c = new DynamoDBStreamsClient(sdk(third));
    const shards = (await c.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards!;
    assert.equal(shards.length, 3);
    assert.deepEqual((await readShard(c, arn, shards[2].ShardId!)).keys, ['d']);
    assert.deepEqual((await readShard(c, arn, shards[1].ShardId!)).keys, ['b', 'c']);
  } finally {
    await kill9(third);
  }
});
