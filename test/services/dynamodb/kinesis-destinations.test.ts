// Kinesis Data Streams for DynamoDB through the JS SDK v3 (DynamoDB and Kinesis clients) and
// boto3: Enable/Describe/Update/DisableKinesisStreamingDestination with their statuses on the
// clock, and every item change written to the Kinesis stream in AWS's record format, read back
// with GetShardIterator/GetRecords.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteItemCommand, DescribeKinesisStreamingDestinationCommand, DisableKinesisStreamingDestinationCommand,
  DynamoDBClient, EnableKinesisStreamingDestinationCommand, PutItemCommand, UpdateItemCommand, UpdateKinesisStreamingDestinationCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ddb: DynamoDBClient;
let kin: KinesisClient;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); kin = new KinesisClient(sdk(n)); });
after(async () => { kin.destroy(); await n.stop(); });
beforeEach(() => n.reset());

async function setup(table: string, stream: string): Promise<string> {
  await ddb.send(new CreateTableCommand({
    TableName: table,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await kin.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
  n.clock.advance('PT1M');
  return (await kin.send(new DescribeStreamSummaryCommand({ StreamName: stream }))).StreamDescriptionSummary!.StreamARN!;
}

/** Every record on the stream's shards so far, parsed; waits for the background delivery (no AWS timeout involved). */
async function records(stream: string, want: number): Promise<{ data: Record<string, any>; key: string }[]> {
  let out: { data: Record<string, any>; key: string }[] = [];
  for (let i = 0; i < 100; i++) {
    out = [];
    const shards = (await kin.send(new ListShardsCommand({ StreamName: stream }))).Shards!;
    for (const sh of shards) {
      const it = await kin.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: sh.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
      const r = await kin.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
      for (const x of r.Records ?? []) out.push({ data: JSON.parse(Buffer.from(x.Data!).toString()), key: x.PartitionKey! });
    }
    if (out.length >= want) return out;
    await new Promise((res) => setTimeout(res, 20));
  }
  return out;
}

test('Enable: ENABLING then ACTIVE on the clock; Describe lists it; the errors', async () => {
  const arn = await setup('orders', 'cdc');
  await rejects(ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: 'nope', StreamArn: arn })), 'ResourceNotFoundException', 400);
  await rejects(ddb.send(new EnableKinesisStreamingDestinationCommand({
    TableName: 'orders', StreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/missing',
  })), 'ResourceNotFoundException', 400);
  const e = await ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn }));
  assert.equal(e.TableName, 'orders');
  assert.equal(e.StreamArn, arn);
  assert.equal(e.DestinationStatus, 'ENABLING');
  assert.deepEqual(e.EnableKinesisStreamingConfiguration, { ApproximateCreationDateTimePrecision: 'MILLISECOND' });
  const d1 = await ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: 'orders' }));
  assert.deepEqual(d1.KinesisDataStreamDestinations, [{ StreamArn: arn, DestinationStatus: 'ENABLING', ApproximateCreationDateTimePrecision: 'MILLISECOND' }]);
  await rejects(ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn })), 'ResourceInUseException', 400);
  n.clock.advance('PT5S');
  // The table's ARN works as TableName too.
  const d2 = await ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders' }));
  assert.equal(d2.TableName, 'orders');
  assert.equal(d2.KinesisDataStreamDestinations![0].DestinationStatus, 'ACTIVE');
  const none = await ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: 'orders' }));
  assert.equal(none.KinesisDataStreamDestinations!.length, 1);
  await rejects(ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: 'nope' })), 'ResourceNotFoundException', 400);
});

test('item changes arrive on the Kinesis stream in the documented record format', async () => {
  const arn = await setup('orders', 'cdc');
  // Writes before the destination is ACTIVE are not sent.
  await ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn }));
  await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'early' }, sk: { N: '0' } } }));
  n.clock.advance('PT5S');
  const t0 = n.clock.now().getTime();
  await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'o1' }, sk: { N: '1' }, qty: { N: '2' }, blob: { B: Buffer.from('hi') } } }));
  await ddb.send(new UpdateItemCommand({ TableName: 'orders', Key: { pk: { S: 'o1' }, sk: { N: '1' } }, UpdateExpression: 'SET qty = :q', ExpressionAttributeValues: { ':q': { N: '3' } } }));
  await ddb.send(new DeleteItemCommand({ TableName: 'orders', Key: { pk: { S: 'o1' }, sk: { N: '1' } } }));
  const got = await records('cdc', 3);
  assert.equal(got.length, 3);
  assert.deepEqual(got.map((r) => r.data.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
  const [ins, mod, rem] = got.map((r) => r.data);
  assert.equal(ins.awsRegion, 'us-east-1');
  assert.equal(ins.eventSource, 'aws:dynamodb');
  assert.equal(ins.recordFormat, 'application/json');
  assert.equal(ins.tableName, 'orders');
  assert.equal(ins.userIdentity, null);
  assert.match(ins.eventID, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.deepEqual(ins.dynamodb.Keys, { pk: { S: 'o1' }, sk: { N: '1' } });
  assert.deepEqual(ins.dynamodb.NewImage, { pk: { S: 'o1' }, sk: { N: '1' }, qty: { N: '2' }, blob: { B: Buffer.from('hi').toString('base64') } });
  assert.equal(ins.dynamodb.OldImage, undefined);
  assert.equal(ins.dynamodb.ApproximateCreationDateTimePrecision, 'MILLISECOND');
  assert.ok(ins.dynamodb.ApproximateCreationDateTime >= t0 && ins.dynamodb.ApproximateCreationDateTime < t0 + 60_000);
  assert.ok(ins.dynamodb.SizeBytes > 0);
  assert.equal(mod.dynamodb.OldImage.qty.N, '2');
  assert.equal(mod.dynamodb.NewImage.qty.N, '3');
  assert.equal(rem.dynamodb.NewImage, undefined);
  assert.equal(rem.dynamodb.OldImage.qty.N, '3');
  // One item's changes share a partition key (so they stay in order on one shard).
  assert.equal(new Set(got.map((r) => r.key)).size, 1);
  assert.match(got[0].key, /^[0-9A-F]{32}$/);
});

test('Update precision to MICROSECOND (UPDATING then ACTIVE), TTL deletions with the service identity, Disable stops delivery', async () => {
  const arn = await setup('orders', 'cdc');
  await ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn, EnableKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: 'MILLISECOND' } }));
  await rejects(ddb.send(new UpdateKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn, UpdateKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: 'MICROSECOND' } })), 'ResourceInUseException', 400);
  n.clock.advance('PT5S');
  const u = await ddb.send(new UpdateKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn, UpdateKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: 'MICROSECOND' } }));
  assert.equal(u.DestinationStatus, 'UPDATING');
  assert.deepEqual(u.UpdateKinesisStreamingConfiguration, { ApproximateCreationDateTimePrecision: 'MICROSECOND' });
  n.clock.advance('PT5S');
  const d = await ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: 'orders' }));
  assert.deepEqual(d.KinesisDataStreamDestinations, [{ StreamArn: arn, DestinationStatus: 'ACTIVE', ApproximateCreationDateTimePrecision: 'MICROSECOND' }]);
  await rejects(ddb.send(new UpdateKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn, UpdateKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: 'MICROSECOND' } })), 'ValidationException', 400);

  await ddb.send(new UpdateTimeToLiveCommand({ TableName: 'orders', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
  const now = n.clock.now().getTime();
  await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 't' }, sk: { N: '1' }, exp: { N: String(Math.floor(now / 1000) + 30) } } }));
  n.clock.advance('PT1M');
  const got = await records('cdc', 2);
  assert.deepEqual(got.map((r) => r.data.eventName), ['INSERT', 'REMOVE']);
  assert.equal(got[0].data.dynamodb.ApproximateCreationDateTimePrecision, 'MICROSECOND');
  assert.ok(got[0].data.dynamodb.ApproximateCreationDateTime > now * 999, 'epoch microseconds');
  assert.deepEqual(got[1].data.userIdentity, { type: 'Service', principalId: 'dynamodb.amazonaws.com' });

  const off = await ddb.send(new DisableKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn }));
  assert.equal(off.DestinationStatus, 'DISABLING');
  await rejects(ddb.send(new DisableKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn })), 'ResourceNotFoundException', 400);
  n.clock.advance('PT5S');
  assert.equal((await ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: 'orders' }))).KinesisDataStreamDestinations![0].DestinationStatus, 'DISABLED');
  await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'late' }, sk: { N: '1' } } }));
  n.clock.advance('PT1S');
  assert.equal((await records('cdc', 3)).length, 2, 'nothing after Disable');
  // It can be enabled again.
  assert.equal((await ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn }))).DestinationStatus, 'ENABLING');
});

test('a replicated global table streams its replicated writes to its own destination; boto3 describes it', async () => {
  const arn = await setup('orders', 'cdc');
  const eu = new DynamoDBClient({ ...sdk(n), region: 'eu-west-1' });
  await ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: 'orders', StreamArn: arn }));
  await ddb.send(new (await import('@aws-sdk/client-dynamodb')).UpdateTableCommand({ TableName: 'orders', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] }));
  n.clock.advance('PT5S');
  await eu.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'from-eu' }, sk: { N: '1' } } }));
  n.clock.advance('PT1S');
  const got = await records('cdc', 1);
  assert.equal(got.length, 1);
  assert.equal(got[0].data.awsRegion, 'us-east-1');
  assert.equal(got[0].data.dynamodb.Keys.pk.S, 'from-eu');
  const seen = await boto3<{ status: string; precision: string }>(n, `
c = boto3.client('dynamodb', endpoint_url=endpoint, region_name='us-east-1')
d = c.describe_kinesis_streaming_destination(TableName='orders')['KinesisDataStreamDestinations'][0]
print(json.dumps({'status': d['DestinationStatus'], 'precision': d['ApproximateCreationDateTimePrecision']}))
`);
  assert.deepEqual(seen, { status: 'ACTIVE', precision: 'MILLISECOND' });
});
