// DynamoDB Streams through @aws-sdk/client-dynamodb-streams, the aws CLI and boto3: records for
// every kind of write (only when the item changed), view types, sequence numbers, iterators of
// every type, 15-minute iterator expiry, 24-hour retention, TTL deletions, and the stream
// lifecycle (disable keeps the old stream readable, re-enable makes a new one).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand, DeleteItemCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient,
  PutItemCommand, TransactWriteItemsCommand, UpdateItemCommand, UpdateTableCommand, UpdateTimeToLiveCommand, type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { streamTable } from './util.js';

let n: Nimbus;
let ddb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); streams = new DynamoDBStreamsClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(() => { n.reset(); });

const table = (name: string, view?: string) => streamTable(ddb, name, view);

async function shardOf(arn: string): Promise<string> {
  const d = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  return d.StreamDescription!.Shards![0].ShardId!;
}

/** Every record of the stream still readable, walking its shards oldest first (parents before children). */
async function readAll(arn: string, type: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON'): Promise<_Record[]> {
  const out: _Record[] = [];
  const d = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  for (const sh of d.StreamDescription!.Shards!) {
    let it = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: sh.ShardId, ShardIteratorType: type }))).ShardIterator;
    while (it) {
      const r = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
      out.push(...r.Records!);
      // An open shard read to its end answers no records (and a next iterator); a closed one no next iterator.
      it = r.Records!.length ? r.NextShardIterator : undefined;
    }
  }
  return out;
}

test('CreateTable with a stream: LatestStreamArn/Label, DescribeStream and ListStreams', async () => {
  const arn = await table('orders');
  const d = (await ddb.send(new DescribeTableCommand({ TableName: 'orders' }))).Table!;
  assert.match(d.LatestStreamLabel!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
  assert.equal(d.LatestStreamArn, `arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/${d.LatestStreamLabel}`);
  assert.equal(arn, d.LatestStreamArn);
  assert.deepEqual(d.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  const s = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!;
  // ENABLING for a few seconds of clock, then ENABLED.
  assert.equal(s.StreamStatus, 'ENABLING');
  n.clock.advance('PT5S');
  assert.equal((await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.StreamStatus, 'ENABLED');
  assert.equal(s.StreamViewType, 'NEW_AND_OLD_IMAGES');
  assert.equal(s.TableName, 'orders');
  assert.equal(s.StreamLabel, d.LatestStreamLabel);
  assert.ok(s.CreationRequestDateTime instanceof Date);
  assert.deepEqual(s.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
  assert.equal(s.Shards!.length, 1);
  assert.match(s.Shards![0].ShardId!, /^shardId-\d{20}-[0-9a-f]{8}$/);
  assert.match(s.Shards![0].SequenceNumberRange!.StartingSequenceNumber!, /^\d{21,}$/);
  assert.equal(s.Shards![0].SequenceNumberRange!.EndingSequenceNumber, undefined);
  assert.equal(s.Shards![0].ParentShardId, undefined);
  assert.equal(s.LastEvaluatedShardId, undefined);
  await table('other', 'KEYS_ONLY');
  const all = await streams.send(new ListStreamsCommand({}));
  assert.deepEqual(all.Streams!.map((x) => x.TableName).sort(), ['orders', 'other']);
  const one = await streams.send(new ListStreamsCommand({ TableName: 'orders' }));
  assert.deepEqual(one.Streams, [{ StreamArn: arn, TableName: 'orders', StreamLabel: d.LatestStreamLabel }]);
  const p1 = await streams.send(new ListStreamsCommand({ Limit: 1 }));
  assert.equal(p1.Streams!.length, 1);
  assert.ok(p1.LastEvaluatedStreamArn);
  const p2 = await streams.send(new ListStreamsCommand({ Limit: 1, ExclusiveStartStreamArn: p1.LastEvaluatedStreamArn }));
  assert.equal(p2.Streams!.length, 1);
  assert.notEqual(p2.Streams![0].StreamArn, p1.Streams![0].StreamArn);
  assert.equal(p2.LastEvaluatedStreamArn, undefined);
  await rejects(streams.send(new DescribeStreamCommand({ StreamArn: `${arn}x` })), 'ResourceNotFoundException', 400);
});

test('every write kind appends INSERT/MODIFY/REMOVE records; no-op writes append nothing', async () => {
  const arn = await table('t');
  const put = (Item: Record<string, AttributeValue>) => ddb.send(new PutItemCommand({ TableName: 't', Item }));
  await put({ pk: { S: 'a' }, v: { N: '1' } });
  await put({ pk: { S: 'a' }, v: { N: '1' } }); // same item: no record
  await ddb.send(new UpdateItemCommand({ TableName: 't', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '2' } } }));
  await ddb.send(new UpdateItemCommand({ TableName: 't', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '2.0' } } })); // same value
  await ddb.send(new DeleteItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }));
  await ddb.send(new DeleteItemCommand({ TableName: 't', Key: { pk: { S: 'missing' } } })); // nothing deleted
  await ddb.send(new BatchWriteItemCommand({ RequestItems: { t: [{ PutRequest: { Item: { pk: { S: 'b' } } } }, { DeleteRequest: { Key: { pk: { S: 'nope' } } } }] } }));
  await ddb.send(new TransactWriteItemsCommand({ TransactItems: [
    { Put: { TableName: 't', Item: { pk: { S: 'c' }, x: { S: 'y' } } } },
    { Update: { TableName: 't', Key: { pk: { S: 'b' } }, UpdateExpression: 'SET w = :w', ExpressionAttributeValues: { ':w': { BOOL: true } } } },
    { ConditionCheck: { TableName: 't', Key: { pk: { S: 'c2' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
  ] }));
  // A cancelled transaction writes nothing, so streams nothing.
  await rejects(ddb.send(new TransactWriteItemsCommand({ TransactItems: [
    { Put: { TableName: 't', Item: { pk: { S: 'd' } } } },
    { ConditionCheck: { TableName: 't', Key: { pk: { S: 'b' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
  ] })), 'TransactionCanceledException', 400);
  const recs = await readAll(arn);
  assert.deepEqual(recs.map((r) => `${r.eventName}:${r.dynamodb!.Keys!.pk.S}`),
    ['INSERT:a', 'MODIFY:a', 'REMOVE:a', 'INSERT:b', 'INSERT:c', 'MODIFY:b']);
  const [ins, mod, rem] = recs;
  assert.equal(ins.eventVersion, '1.1');
  assert.equal(ins.eventSource, 'aws:dynamodb');
  assert.equal(ins.awsRegion, 'us-east-1');
  assert.match(ins.eventID!, /^[0-9a-f]{32}$/);
  assert.equal(ins.userIdentity, undefined);
  assert.deepEqual(ins.dynamodb!.NewImage, { pk: { S: 'a' }, v: { N: '1' } });
  assert.equal(ins.dynamodb!.OldImage, undefined);
  assert.deepEqual(mod.dynamodb!.OldImage, { pk: { S: 'a' }, v: { N: '1' } });
  assert.deepEqual(mod.dynamodb!.NewImage, { pk: { S: 'a' }, v: { N: '2' } });
  assert.deepEqual(rem.dynamodb!.OldImage, { pk: { S: 'a' }, v: { N: '2' } });
  assert.equal(rem.dynamodb!.NewImage, undefined);
  assert.equal(ins.dynamodb!.StreamViewType, 'NEW_AND_OLD_IMAGES');
  assert.ok(ins.dynamodb!.SizeBytes! > 0);
  assert.ok(ins.dynamodb!.ApproximateCreationDateTime instanceof Date);
  assert.equal(ins.dynamodb!.ApproximateCreationDateTime!.getTime() % 1000, 0);
  const seqs = recs.map((r) => r.dynamodb!.SequenceNumber!);
  for (const s of seqs) assert.match(s, /^\d{21,}$/);
  for (let i = 1; i < seqs.length; i++) assert.ok(BigInt(seqs[i]) > BigInt(seqs[i - 1]));
});

test('view types: KEYS_ONLY, NEW_IMAGE, OLD_IMAGE', async () => {
  for (const view of ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE']) {
    const arn = await table(`v-${view}`, view);
    await ddb.send(new PutItemCommand({ TableName: `v-${view}`, Item: { pk: { S: 'k' }, a: { S: '1' } } }));
    await ddb.send(new PutItemCommand({ TableName: `v-${view}`, Item: { pk: { S: 'k' }, a: { S: '2' } } }));
    const [, m] = await readAll(arn);
    assert.equal(m.dynamodb!.StreamViewType, view);
    assert.deepEqual(m.dynamodb!.Keys, { pk: { S: 'k' } });
    assert.deepEqual(m.dynamodb!.NewImage, view === 'NEW_IMAGE' ? { pk: { S: 'k' }, a: { S: '2' } } : undefined);
    assert.deepEqual(m.dynamodb!.OldImage, view === 'OLD_IMAGE' ? { pk: { S: 'k' }, a: { S: '1' } } : undefined);
  }
});

test('iterators: LATEST, AT/AFTER_SEQUENCE_NUMBER, Limit and NextShardIterator paging', async () => {
  const arn = await table('it');
  const shard = await shardOf(arn);
  const latest = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'LATEST' }))).ShardIterator!;
  for (let i = 0; i < 5; i++) await ddb.send(new PutItemCommand({ TableName: 'it', Item: { pk: { S: `k${i}` } } }));
  // Records are visible at once after the write's 2xx.
  const r1 = await streams.send(new GetRecordsCommand({ ShardIterator: latest, Limit: 2 }));
  assert.deepEqual(r1.Records!.map((r) => r.dynamodb!.Keys!.pk.S), ['k0', 'k1']);
  const r2 = await streams.send(new GetRecordsCommand({ ShardIterator: r1.NextShardIterator! }));
  assert.deepEqual(r2.Records!.map((r) => r.dynamodb!.Keys!.pk.S), ['k2', 'k3', 'k4']);
  const r3 = await streams.send(new GetRecordsCommand({ ShardIterator: r2.NextShardIterator! }));
  assert.deepEqual(r3.Records, []);
  assert.ok(r3.NextShardIterator, 'an open shard always has a next iterator');
  await ddb.send(new PutItemCommand({ TableName: 'it', Item: { pk: { S: 'k5' } } }));
  const r4 = await streams.send(new GetRecordsCommand({ ShardIterator: r3.NextShardIterator! }));
  assert.deepEqual(r4.Records!.map((r) => r.dynamodb!.Keys!.pk.S), ['k5']);
  const seq2 = r2.Records![0].dynamodb!.SequenceNumber!;
  const at = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: seq2 }))).ShardIterator!;
  assert.equal((await streams.send(new GetRecordsCommand({ ShardIterator: at, Limit: 1 }))).Records![0].dynamodb!.Keys!.pk.S, 'k2');
  const aft = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: seq2 }))).ShardIterator!;
  assert.equal((await streams.send(new GetRecordsCommand({ ShardIterator: aft, Limit: 1 }))).Records![0].dynamodb!.Keys!.pk.S, 'k3');
  await rejects(streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: 'shardId-00000000000000000000-00000000', ShardIteratorType: 'LATEST' })), 'ResourceNotFoundException', 400);
  await rejects(streams.send(new GetRecordsCommand({ ShardIterator: latest, Limit: 1001 })), 'ValidationException', 400);
  await rejects(streams.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })), 'ValidationException', 400);
  // Observed on AWS: LATEST/TRIM_HORIZON refuse a SequenceNumber, the *_SEQUENCE_NUMBER types need one.
  await rejects(streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'LATEST', SequenceNumber: seq2 })), 'ValidationException', 400);
  await rejects(streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' })), 'ValidationException', 400);
  // A malformed stream ARN is a ValidationException, an unknown one ResourceNotFoundException.
  await rejects(streams.send(new GetShardIteratorCommand({ StreamArn: 'x'.repeat(40), ShardId: shard, ShardIteratorType: 'LATEST' })), 'ValidationException', 400);
  await rejects(streams.send(new DescribeStreamCommand({ StreamArn: 'x'.repeat(40) })), 'ValidationException', 400);
  const after = await streams.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: shard }));
  assert.deepEqual(after.StreamDescription!.Shards, []);
});

test('the StartingSequenceNumber reads the shard from its start, even before the first record', async () => {
  const arn = await table('start');
  const d = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards![0];
  const start = d.SequenceNumberRange!.StartingSequenceNumber!;
  const at = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: d.ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: start }))).ShardIterator!;
  const aft = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: d.ShardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: start }))).ShardIterator!;
  await ddb.send(new PutItemCommand({ TableName: 'start', Item: { pk: { S: 'first' } } }));
  for (const it of [at, aft]) {
    const r = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
    assert.deepEqual(r.Records!.map((x) => x.dynamodb!.Keys!.pk.S), ['first']);
    assert.ok(BigInt(r.Records![0].dynamodb!.SequenceNumber!) > BigInt(start));
  }
});

test('iterators expire after 15 minutes; records are trimmed after 24 hours', async () => {
  const arn = await table('exp');
  const shard = await shardOf(arn);
  await ddb.send(new PutItemCommand({ TableName: 'exp', Item: { pk: { S: 'old' } } }));
  const it = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
  n.clock.advance('PT14M');
  const ok = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
  assert.equal(ok.Records!.length, 1);
  n.clock.advance('PT2M');
  await rejects(streams.send(new GetRecordsCommand({ ShardIterator: it })), 'ExpiredIteratorException', 400);
  const oldSeq = ok.Records![0].dynamodb!.SequenceNumber!;
  const stale = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
  n.clock.advance('PT23H');
  await ddb.send(new PutItemCommand({ TableName: 'exp', Item: { pk: { S: 'new' } } }));
  n.clock.advance('PT1H');
  // The first record is now 24 h old: trimmed; TRIM_HORIZON starts after it.
  assert.deepEqual((await readAll(arn)).map((r) => r.dynamodb!.Keys!.pk.S), ['new']);
  await rejects(streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: oldSeq })), 'TrimmedDataAccessException', 400);
  void stale;
});

test('an iterator pointing at records trimmed since it was issued gets TrimmedDataAccessException', async () => {
  const arn = await table('trim');
  const shard = await shardOf(arn);
  await ddb.send(new PutItemCommand({ TableName: 'trim', Item: { pk: { S: 'a' } } }));
  n.clock.advance('PT23H59M');
  const it = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
  n.clock.advance('PT2M');
  await rejects(streams.send(new GetRecordsCommand({ ShardIterator: it })), 'TrimmedDataAccessException', 400);
});

test('TTL deletions stream a REMOVE with the DynamoDB service as userIdentity; non-Number TTL never expires', async () => {
  const arn = await table('ttl');
  await ddb.send(new UpdateTimeToLiveCommand({ TableName: 'ttl', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
  const soon = Math.floor(n.clock.now().getTime() / 1000) + 60;
  await ddb.send(new PutItemCommand({ TableName: 'ttl', Item: { pk: { S: 'gone' }, exp: { N: String(soon) } } }));
  await ddb.send(new PutItemCommand({ TableName: 'ttl', Item: { pk: { S: 'text' }, exp: { S: String(soon) } } }));
  n.clock.advance('PT2M');
  const recs = await readAll(arn);
  assert.deepEqual(recs.map((r) => `${r.eventName}:${r.dynamodb!.Keys!.pk.S}`), ['INSERT:gone', 'INSERT:text', 'REMOVE:gone']);
  assert.deepEqual(recs[2].userIdentity, { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' });
  assert.deepEqual(recs[2].dynamodb!.OldImage, { pk: { S: 'gone' }, exp: { N: String(soon) } });
  assert.equal(recs[0].userIdentity, undefined);
  const d = await ddb.send(new DescribeTableCommand({ TableName: 'ttl' }));
  assert.equal(d.Table!.ItemCount, 1);
});

test('disabling keeps the old stream readable (shard closed); re-enabling makes a new stream', async () => {
  const first = await table('life');
  await ddb.send(new PutItemCommand({ TableName: 'life', Item: { pk: { S: 'a' } } }));
  const it = (await streams.send(new GetShardIteratorCommand({ StreamArn: first, ShardId: await shardOf(first), ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
  await ddb.send(new UpdateTableCommand({ TableName: 'life', StreamSpecification: { StreamEnabled: false } }));
  await rejects(ddb.send(new UpdateTableCommand({ TableName: 'life', StreamSpecification: { StreamEnabled: false } })), 'ValidationException', 400);
  const d = (await ddb.send(new DescribeTableCommand({ TableName: 'life' }))).Table!;
  assert.equal(d.StreamSpecification, undefined);
  assert.equal(d.LatestStreamArn, first);
  await ddb.send(new PutItemCommand({ TableName: 'life', Item: { pk: { S: 'b' } } })); // not streamed
  const s = (await streams.send(new DescribeStreamCommand({ StreamArn: first }))).StreamDescription!;
  assert.equal(s.StreamStatus, 'DISABLING');
  assert.ok(s.Shards![0].SequenceNumberRange!.EndingSequenceNumber);
  const r = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
  assert.deepEqual(r.Records!.map((x) => x.dynamodb!.Keys!.pk.S), ['a']);
  assert.equal(r.NextShardIterator, undefined, 'a closed shard read to its end has no next iterator');
  n.clock.advance('PT5S');
  assert.equal((await streams.send(new DescribeStreamCommand({ StreamArn: first }))).StreamDescription!.StreamStatus, 'DISABLED');
  const u = await ddb.send(new UpdateTableCommand({ TableName: 'life', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }));
  const second = u.TableDescription!.LatestStreamArn!;
  assert.notEqual(second, first);
  await ddb.send(new PutItemCommand({ TableName: 'life', Item: { pk: { S: 'c' } } }));
  assert.deepEqual((await readAll(second)).map((x) => x.dynamodb!.Keys!.pk.S), ['c']);
  assert.deepEqual((await streams.send(new ListStreamsCommand({ TableName: 'life' }))).Streams!.length, 2);
  // Deleting the table disables its stream, which stays readable until retention ends.
  await ddb.send(new DeleteTableCommand({ TableName: 'life' }));
  assert.equal((await streams.send(new DescribeStreamCommand({ StreamArn: second }))).StreamDescription!.StreamStatus, 'DISABLING');
  n.clock.advance('PT5S');
  assert.equal((await streams.send(new DescribeStreamCommand({ StreamArn: second }))).StreamDescription!.StreamStatus, 'DISABLED');
  assert.deepEqual((await readAll(second)).map((x) => x.dynamodb!.Keys!.pk.S), ['c']);
  n.clock.advance('P1DT1M');
  assert.deepEqual((await streams.send(new ListStreamsCommand({ TableName: 'life' }))).Streams, []);
  await rejects(streams.send(new DescribeStreamCommand({ StreamArn: second })), 'ResourceNotFoundException', 400);
});

test('aws CLI and boto3 read the stream', async () => {
  const arn = await table('cli');
  await ddb.send(new PutItemCommand({ TableName: 'cli', Item: { pk: { S: 'x' }, b: { B: Buffer.from([1, 2, 3]) } } }));
  const ls = await aws(n, ['dynamodbstreams', 'list-streams', '--table-name', 'cli']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(JSON.parse(ls.stdout).Streams[0].StreamArn, arn);
  const ds = await aws(n, ['dynamodbstreams', 'describe-stream', '--stream-arn', arn]);
  const shard = JSON.parse(ds.stdout).StreamDescription.Shards[0].ShardId;
  const gi = await aws(n, ['dynamodbstreams', 'get-shard-iterator', '--stream-arn', arn, '--shard-id', shard, '--shard-iterator-type', 'TRIM_HORIZON']);
  const gr = await aws(n, ['dynamodbstreams', 'get-records', '--shard-iterator', JSON.parse(gi.stdout).ShardIterator]);
  assert.equal(gr.code, 0, gr.stderr);
  const rec = JSON.parse(gr.stdout).Records[0];
  assert.equal(rec.eventName, 'INSERT');
  assert.equal(rec.dynamodb.NewImage.b.B, 'AQID');
  const out = await boto3<{ names: string[]; keys: string[]; err: string }>(n, `
c = boto3.client('dynamodbstreams', endpoint_url=endpoint)
arn = c.list_streams(TableName='cli')['Streams'][0]['StreamArn']
shard = c.describe_stream(StreamArn=arn)['StreamDescription']['Shards'][0]['ShardId']
it = c.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType='TRIM_HORIZON')['ShardIterator']
r = c.get_records(ShardIterator=it)
err = ''
try:
    c.get_shard_iterator(StreamArn=arn + 'nope', ShardId=shard, ShardIteratorType='LATEST')
except c.exceptions.ResourceNotFoundException as e:
    err = e.response['Error']['Code']
print(json.dumps({'names': [x['eventName'] for x in r['Records']], 'keys': [x['dynamodb']['Keys']['pk']['S'] for x in r['Records']], 'err': err}))
`);
  assert.deepEqual(out, { names: ['INSERT'], keys: ['x'], err: 'ResourceNotFoundException' });
});
