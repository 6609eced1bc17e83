// Kinesis through the other clients: the aws CLI (v1 base64-encodes the Data it is given) and
// boto3, over the JSON 1.1 protocol, errors included.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { aws, boto3, nimbus } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { ACCOUNT } from './util.js';

let n: Nimbus;
before(async () => { n = await nimbus(); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, r.stderr); return r.stdout ? JSON.parse(r.stdout) : {}; };

test('aws CLI: create-stream, put-record, get-shard-iterator, get-records, errors', async () => {
  ok(await aws(n, ['kinesis', 'create-stream', '--stream-name', 'cli', '--shard-count', '1']));
  n.clock.advance('PT2S');
  const d = ok(await aws(n, ['kinesis', 'describe-stream-summary', '--stream-name', 'cli']));
  assert.equal(d.StreamDescriptionSummary.StreamStatus, 'ACTIVE');
  // JSON 1.1 timestamps are epoch seconds; the CLI (with no config) prints them as received.
  assert.ok(Math.abs(d.StreamDescriptionSummary.StreamCreationTimestamp - n.clock.now().getTime() / 1000) < 10);
  const put = ok(await aws(n, ['kinesis', 'put-record', '--stream-name', 'cli', '--partition-key', 'pk', '--data', 'hello cli']));
  assert.equal(put.ShardId, 'shardId-000000000000');
  assert.match(put.SequenceNumber, /^\d{56}$/);
  const it = ok(await aws(n, ['kinesis', 'get-shard-iterator', '--stream-name', 'cli', '--shard-id', 'shardId-000000000000',
    '--shard-iterator-type', 'AT_SEQUENCE_NUMBER', '--starting-sequence-number', put.SequenceNumber]));
  const got = ok(await aws(n, ['kinesis', 'get-records', '--shard-iterator', it.ShardIterator]));
  assert.equal(got.Records.length, 1);
  // The CLI prints blobs base64-encoded.
  assert.equal(Buffer.from(got.Records[0].Data, 'base64').toString(), 'hello cli');
  assert.equal(got.Records[0].PartitionKey, 'pk');
  assert.equal(got.Records[0].SequenceNumber, put.SequenceNumber);
  assert.equal(got.MillisBehindLatest, 0);
  const missing = await aws(n, ['kinesis', 'describe-stream', '--stream-name', 'nope']);
  assert.equal(missing.code, 255); // CLI v1 exits 255 on a service error
  assert.match(missing.stderr, new RegExp(`\\(ResourceNotFoundException\\) when calling the DescribeStream operation(?: \\(reached max retries: \\d+\\))?: Stream nope under account ${ACCOUNT} not found\\.`));
});

test('boto3: put_records, iterators, get_records, list_shards, errors', async () => {
  const created = await boto3<string>(n, `
k = boto3.client('kinesis', endpoint_url=endpoint, region_name='us-east-1')
k.create_stream(StreamName='py', ShardCount=2)
print(json.dumps(k.describe_stream(StreamName='py')['StreamDescription']['StreamStatus']))
`);
  assert.equal(created, 'CREATING');
  n.clock.advance('PT2S');
  const out = await boto3<{ failed: number; shards: string[]; data: string[]; summary: string; err: string; msg: string; more: boolean }>(n, `
k = boto3.client('kinesis', endpoint_url=endpoint, region_name='us-east-1')
r = k.put_records(StreamName='py', Records=[{'Data': b'one', 'PartitionKey': 'a'}, {'Data': b'two', 'PartitionKey': 'a'}, {'Data': b'\\x00\\xff', 'PartitionKey': 'a'}])
shard = r['Records'][0]['ShardId']
it = k.get_shard_iterator(StreamName='py', ShardId=shard, ShardIteratorType='TRIM_HORIZON')['ShardIterator']
g = k.get_records(ShardIterator=it, Limit=10)
try:
    k.get_shard_iterator(StreamName='py', ShardId='shardId-000000000009', ShardIteratorType='LATEST')
    err, msg = '', ''
except botocore.exceptions.ClientError as e:
    err, msg = e.response['Error']['Code'], e.response['Error']['Message']
print(json.dumps({
  'failed': r['FailedRecordCount'],
  'shards': [s['ShardId'] for s in k.list_shards(StreamName='py')['Shards']],
  'data': [x['Data'].hex() for x in g['Records']],
  'summary': k.describe_stream_summary(StreamName='py')['StreamDescriptionSummary']['StreamStatus'],
  'err': err, 'msg': msg, 'more': 'NextShardIterator' in g,
}))
`);
  assert.equal(out.failed, 0);
  assert.deepEqual(out.shards, ['shardId-000000000000', 'shardId-000000000001']);
  assert.deepEqual(out.data, [Buffer.from('one').toString('hex'), Buffer.from('two').toString('hex'), '00ff']);
  assert.equal(out.summary, 'ACTIVE');
  assert.equal(out.err, 'ResourceNotFoundException');
  assert.equal(out.msg, `Shard shardId-000000000009 in stream py under account ${ACCOUNT} does not exist`);
  assert.equal(out.more, true);

  // SubscribeToShard's event stream over HTTP/1.1, as botocore reads it.
  const consumerArn = await boto3<string>(n, `
k = boto3.client('kinesis', endpoint_url=endpoint, region_name='us-east-1')
arn = k.describe_stream_summary(StreamName='py')['StreamDescriptionSummary']['StreamARN']
print(json.dumps(k.register_stream_consumer(StreamARN=arn, ConsumerName='py-efo')['Consumer']['ConsumerARN']))
`);
  n.clock.advance('PT2S');
  const events = await boto3<{ data: string[]; cont: boolean; behind: number }[]>(n, `
k = boto3.client('kinesis', endpoint_url=endpoint, region_name='us-east-1')
shard = [s['ShardId'] for s in k.list_shards(StreamName='py')['Shards']]
out = []
for sid in shard:
    r = k.subscribe_to_shard(ConsumerARN=${JSON.stringify(consumerArn)}, ShardId=sid, StartingPosition={'Type': 'TRIM_HORIZON'})
    for event in r['EventStream']:
        e = event['SubscribeToShardEvent']
        out.append({'data': [x['Data'].hex() for x in e['Records']], 'cont': 'ContinuationSequenceNumber' in e, 'behind': e['MillisBehindLatest']})
        break
    r['EventStream'].close()
print(json.dumps(out))
`);
  assert.equal(events.length, 2);
  assert.deepEqual(events.flatMap((e) => e.data).sort(), [Buffer.from('one').toString('hex'), Buffer.from('two').toString('hex'), '00ff'].sort());
  assert.ok(events.every((e) => e.cont && e.behind === 0));
});
