// Global tables version 2019.11.21 through the JS SDK v3 (client and lib-dynamodb), the aws CLI
// and boto3: UpdateTable ReplicaUpdates, the replica table made in the other region with the
// same schema and a copy of the items, CREATING → ACTIVE on the clock, replication both ways
// (puts, updates, deletes, transactions, TTL deletions) with last writer wins, replicated writes
// on the replica's own stream and never replicated back, replica deletion, and the errors.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteItemCommand, DeleteTableCommand, DescribeTableCommand, DescribeTableReplicaAutoScalingCommand, DescribeTimeToLiveCommand, QueryCommand,
  DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand, UpdateItemCommand, UpdateTableCommand,
  UpdateTableReplicaAutoScalingCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let us: DynamoDBClient;
let eu: DynamoDBClient;
before(async () => {
  n = await nimbus();
  us = new DynamoDBClient(sdk(n));
  eu = new DynamoDBClient({ ...sdk(n), region: 'eu-west-1' });
});
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const table = (TableName: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput => ({
  TableName,
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
  BillingMode: 'PAY_PER_REQUEST',
  ...extra,
});

/** A table in us-east-1 replicated to eu-west-1, both ACTIVE. */
async function globalTable(name: string): Promise<void> {
  await us.send(new CreateTableCommand(table(name)));
  await us.send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] }));
  n.clock.advance('PT5S');
}

const get = async (c: DynamoDBClient, TableName: string, pk: string) =>
  (await c.send(new GetItemCommand({ TableName, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;

async function streamRecords(region: string, arn: string) {
  const s = new DynamoDBStreamsClient({ ...sdk(n), region });
  const d = await s.send(new DescribeStreamCommand({ StreamArn: arn }));
  const it = await s.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: d.StreamDescription!.Shards![0].ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
  return (await s.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }))).Records ?? [];
}

test('UpdateTable ReplicaUpdates Create: replica CREATING then ACTIVE, same schema, items copied, stream enabled', async () => {
  await us.send(new CreateTableCommand(table('music')));
  await us.send(new PutItemCommand({ TableName: 'music', Item: { pk: { S: 'a' }, g: { S: 'rock' }, n: { N: '1' } } }));
  const r = (await us.send(new UpdateTableCommand({ TableName: 'music', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] }))).TableDescription!;
  assert.equal(r.TableStatus, 'UPDATING');
  assert.equal(r.GlobalTableVersion, '2019.11.21');
  assert.equal(r.Replicas?.length, 1);
  assert.equal(r.Replicas![0].RegionName, 'eu-west-1');
  assert.equal(r.Replicas![0].ReplicaStatus, 'CREATING');
  // Adding a replica turns the stream on with both images (the replication source).
  assert.deepEqual(r.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  assert.ok(r.LatestStreamArn);

  // The replica is CREATING: DescribeTable says so, item reads are refused as on AWS.
  const creating = (await eu.send(new DescribeTableCommand({ TableName: 'music' }))).Table!;
  assert.equal(creating.TableStatus, 'CREATING');
  await rejects(get(eu, 'music', 'a'), 'ResourceNotFoundException', 400);

  n.clock.advance('PT5S');
  const src = (await us.send(new DescribeTableCommand({ TableName: 'music' }))).Table!;
  assert.equal(src.TableStatus, 'ACTIVE');
  assert.equal(src.Replicas![0].ReplicaStatus, 'ACTIVE');
  const rep = (await eu.send(new DescribeTableCommand({ TableName: 'music' }))).Table!;
  assert.equal(rep.TableStatus, 'ACTIVE');
  assert.equal(rep.TableArn, 'arn:aws:dynamodb:eu-west-1:000000000000:table/music');
  assert.notEqual(rep.TableId, src.TableId);
  assert.equal(rep.GlobalTableVersion, '2019.11.21');
  assert.deepEqual(rep.Replicas!.map((x) => [x.RegionName, x.ReplicaStatus]), [['us-east-1', 'ACTIVE']]);
  assert.deepEqual(rep.KeySchema, src.KeySchema);
  assert.deepEqual(rep.AttributeDefinitions, src.AttributeDefinitions);
  assert.equal(rep.GlobalSecondaryIndexes![0].IndexName, 'byG');
  assert.equal(rep.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  assert.deepEqual(rep.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  assert.equal(rep.ItemCount, 1);
  assert.deepEqual(await get(eu, 'music', 'a'), { pk: { S: 'a' }, g: { S: 'rock' }, n: { N: '1' } });
});

test('writes replicate both ways after a short delay on the clock: put, update, delete, transactions, lib-dynamodb', async () => {
  await globalTable('t');
  await us.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'x' }, g: { S: 'a' }, v: { N: '1' } } }));
  assert.equal(await get(eu, 't', 'x'), undefined, 'replication is asynchronous');
  n.clock.advance('PT1S');
  assert.deepEqual(await get(eu, 't', 'x'), { pk: { S: 'x' }, g: { S: 'a' }, v: { N: '1' } });

  // The other way, and an update.
  await eu.send(new UpdateItemCommand({ TableName: 't', Key: { pk: { S: 'x' } }, UpdateExpression: 'SET v = v + :one', ExpressionAttributeValues: { ':one': { N: '1' } } }));
  n.clock.advance('PT1S');
  assert.equal((await get(us, 't', 'x'))!.v.N, '2');

  // Transactions replicate item by item.
  await us.send(new TransactWriteItemsCommand({
    TransactItems: [
      { Put: { TableName: 't', Item: { pk: { S: 'y' }, g: { S: 'b' } } } },
      { Delete: { TableName: 't', Key: { pk: { S: 'x' } } } },
    ],
  }));
  n.clock.advance('PT1S');
  assert.equal(await get(eu, 't', 'x'), undefined);
  assert.deepEqual(await get(eu, 't', 'y'), { pk: { S: 'y' }, g: { S: 'b' } });

  // The document client sees plain values in both regions; GSIs are maintained on the replica.
  const doc = DynamoDBDocumentClient.from(eu);
  await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'z', g: 'c', tags: new Set(['p', 'q']) } }));
  n.clock.advance('PT1S');
  const back = (await DynamoDBDocumentClient.from(us).send(new GetCommand({ TableName: 't', Key: { pk: 'z' } }))).Item!;
  assert.deepEqual(back, { pk: 'z', g: 'c', tags: new Set(['p', 'q']) });
  const byG = await us.send(new DescribeTableCommand({ TableName: 't' }));
  assert.equal(byG.Table!.GlobalSecondaryIndexes![0].ItemCount, 2);
  await eu.send(new DeleteItemCommand({ TableName: 't', Key: { pk: { S: 'z' } } }));
  n.clock.advance('PT1S');
  assert.equal(await get(us, 't', 'z'), undefined);
});

test('conflicting writes: last writer wins by write time, in every region', async () => {
  await globalTable('t');
  await us.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'k' }, who: { S: 'us' } } }));
  n.clock.advance(100);
  // eu-west-1 writes later, before the us-east-1 write reaches it.
  await eu.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'k' }, who: { S: 'eu' } } }));
  n.clock.advance('PT2S');
  assert.equal((await get(us, 't', 'k'))!.who.S, 'eu');
  assert.equal((await get(eu, 't', 'k'))!.who.S, 'eu');

  // A delete later than an update arriving from elsewhere wins too.
  await eu.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'd' }, v: { N: '1' } } }));
  n.clock.advance('PT1S');
  await eu.send(new UpdateItemCommand({ TableName: 't', Key: { pk: { S: 'd' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '2' } } }));
  n.clock.advance(100);
  await us.send(new DeleteItemCommand({ TableName: 't', Key: { pk: { S: 'd' } } }));
  n.clock.advance('PT2S');
  assert.equal(await get(us, 't', 'd'), undefined);
  assert.equal(await get(eu, 't', 'd'), undefined);
});

test('replicated writes reach the replica stream once and are not replicated back', async () => {
  await globalTable('t');
  const usArn = (await us.send(new DescribeTableCommand({ TableName: 't' }))).Table!.LatestStreamArn!;
  const euArn = (await eu.send(new DescribeTableCommand({ TableName: 't' }))).Table!.LatestStreamArn!;
  assert.match(euArn, /^arn:aws:dynamodb:eu-west-1:000000000000:table\/t\/stream\//);
  await us.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' }, v: { N: '1' } } }));
  await us.send(new UpdateItemCommand({ TableName: 't', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '2' } } }));
  n.clock.advance('PT1M');
  const euRecs = await streamRecords('eu-west-1', euArn);
  assert.deepEqual(euRecs.map((r) => r.eventName), ['INSERT', 'MODIFY']);
  assert.equal(euRecs[0].awsRegion, 'eu-west-1');
  assert.deepEqual(euRecs[1].dynamodb!.OldImage, { pk: { S: 'a' }, v: { N: '1' } });
  assert.deepEqual(euRecs[1].dynamodb!.NewImage, { pk: { S: 'a' }, v: { N: '2' } });
  // No echo: the source stream holds only the two client writes.
  const usRecs = await streamRecords('us-east-1', usArn);
  assert.equal(usRecs.length, 2);
});

test('TTL deletions replicate', async () => {
  await globalTable('t');
  await us.send(new UpdateTimeToLiveCommand({ TableName: 't', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
  const exp = Math.floor(n.clock.now().getTime() / 1000) + 60;
  await us.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'e' }, exp: { N: String(exp) } } }));
  n.clock.advance('PT1S');
  assert.ok(await get(eu, 't', 'e'));
  n.clock.advance('PT2M');
  assert.equal(await get(us, 't', 'e'), undefined);
  // The expiry happened when the clock reached it; its replication follows the usual delay.
  n.clock.advance('PT1S');
  assert.equal(await get(eu, 't', 'e'), undefined);
});

test('shared settings follow to every replica: new GSIs (filled from the replica\'s items), billing mode, TTL', async () => {
  await globalTable('t');
  await us.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' }, g: { S: 'x' }, h: { S: 'one' } } }));
  n.clock.advance('PT1S');
  await us.send(new UpdateTableCommand({
    TableName: 't', AttributeDefinitions: [{ AttributeName: 'h', AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byH', KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
  }));
  const q = await eu.send(new QueryCommand({ TableName: 't', IndexName: 'byH', KeyConditionExpression: 'h = :h', ExpressionAttributeValues: { ':h': { S: 'one' } } }));
  assert.deepEqual(q.Items, [{ pk: { S: 'a' }, h: { S: 'one' } }]);
  await us.send(new UpdateTimeToLiveCommand({ TableName: 't', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
  assert.deepEqual((await eu.send(new DescribeTimeToLiveCommand({ TableName: 't' }))).TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' });
  await eu.send(new UpdateTableCommand({ TableName: 't', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byH' } }] }));
  const usT = (await us.send(new DescribeTableCommand({ TableName: 't' }))).Table!;
  assert.deepEqual(usT.GlobalSecondaryIndexes!.map((x) => x.IndexName), ['byG']);
  // Provisioned capacity needs write auto scaling on a replicated table.
  const prov = { BillingMode: 'PROVISIONED' as const, ProvisionedThroughput: { ReadCapacityUnits: 4, WriteCapacityUnits: 6 }, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 4, WriteCapacityUnits: 6 } } }] };
  const e = await rejects(us.send(new UpdateTableCommand({ TableName: 't', ...prov })), 'ValidationException', 400);
  assert.equal(e.message, 'Table write capacity should either be Pay-Per-Request or AutoScaled.');
});

test('ReplicaUpdates errors as DynamoDB words them', async () => {
  await us.send(new CreateTableCommand(table('t')));
  const local = await rejects(us.send(new UpdateTableCommand({ TableName: 't', ReplicaUpdates: [{ Create: { RegionName: 'us-east-1' } }] })), 'ValidationException', 400);
  assert.equal(local.message, 'Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.');
  await rejects(us.send(new UpdateTableCommand({ TableName: 't', ReplicaUpdates: [{ Create: { RegionName: 'moon-east-1' } }] })), 'ValidationException', 400);
  await rejects(us.send(new UpdateTableCommand({ TableName: 't', ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-1' } }] })), 'ValidationException', 400);
  // A table of that name already in the target region.
  await eu.send(new CreateTableCommand(table('t')));
  const exists = await rejects(us.send(new UpdateTableCommand({ TableName: 't', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] })), 'ValidationException', 400);
  assert.equal(exists.message, "Failed to create a the new replica of table with name: 't' because one or more replicas already existed as tables.");
  // Nothing was written by the failed calls.
  const d = (await us.send(new DescribeTableCommand({ TableName: 't' }))).Table!;
  assert.equal(d.Replicas, undefined);
  assert.equal(d.GlobalTableVersion, undefined);
  assert.equal(d.StreamSpecification, undefined);
  await rejects(us.send(new UpdateTableCommand({ TableName: 'nope', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-2' } }] })), 'ResourceNotFoundException', 400);

  // PROVISIONED tables need write auto scaling first.
  await us.send(new CreateTableCommand(table('p', {
    BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }],
  })));
  const prov = await rejects(us.send(new UpdateTableCommand({ TableName: 'p', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-2' } }] })), 'ValidationException', 400);
  assert.equal(prov.message, 'Table write capacity should either be Pay-Per-Request or AutoScaled.');

  // A replica's stream cannot be turned off.
  await us.send(new UpdateTableCommand({ TableName: 't', ReplicaUpdates: [{ Create: { RegionName: 'ap-south-1' } }] }));
  n.clock.advance('PT5S');
  const off = await rejects(us.send(new UpdateTableCommand({ TableName: 't', StreamSpecification: { StreamEnabled: false } })), 'ValidationException', 400);
  assert.equal(off.message, 'One or more parameter values were invalid: Disabling Stream is not allowed for a Global Table replica.');
});

test('replica auto scaling settings are stored and shaped as AWS returns them; a PROVISIONED table then takes a replica with overrides', async () => {
  await us.send(new CreateTableCommand(table('p', {
    BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }],
  })));
  const policy = { TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, ScaleInCooldown: 60, ScaleOutCooldown: 60 } };
  const u = (await us.send(new UpdateTableReplicaAutoScalingCommand({
    TableName: 'p',
    ProvisionedWriteCapacityAutoScalingUpdate: { MinimumUnits: 5, MaximumUnits: 100, ScalingPolicyUpdate: policy },
    GlobalSecondaryIndexUpdates: [{ IndexName: 'byG', ProvisionedWriteCapacityAutoScalingUpdate: { MinimumUnits: 5, MaximumUnits: 50 } }],
    ReplicaUpdates: [{ RegionName: 'us-east-1', ReplicaProvisionedReadCapacityAutoScalingUpdate: { MinimumUnits: 1, MaximumUnits: 20, ScalingPolicyUpdate: policy } }],
  }))).TableAutoScalingDescription!;
  assert.equal(u.TableName, 'p');
  assert.equal(u.Replicas!.length, 1);
  const me = u.Replicas![0];
  assert.equal(me.RegionName, 'us-east-1');
  assert.equal(me.ReplicaStatus, 'ACTIVE');
  assert.equal(me.ReplicaProvisionedWriteCapacityAutoScalingSettings!.MaximumUnits, 100);
  assert.equal(me.ReplicaProvisionedWriteCapacityAutoScalingSettings!.ScalingPolicies![0].TargetTrackingScalingPolicyConfiguration!.TargetValue, 70);
  assert.equal(me.ReplicaProvisionedReadCapacityAutoScalingSettings!.MinimumUnits, 1);
  assert.equal(me.GlobalSecondaryIndexes![0].IndexName, 'byG');
  assert.equal(me.GlobalSecondaryIndexes![0].ProvisionedWriteCapacityAutoScalingSettings!.MaximumUnits, 50);
  await rejects(us.send(new UpdateTableReplicaAutoScalingCommand({ TableName: 'p', ReplicaUpdates: [{ RegionName: 'eu-west-3', ReplicaProvisionedReadCapacityAutoScalingUpdate: { MinimumUnits: 1 } }] })), 'ValidationException', 400);
  await rejects(us.send(new UpdateTableReplicaAutoScalingCommand({ TableName: 'p', GlobalSecondaryIndexUpdates: [{ IndexName: 'nope', ProvisionedWriteCapacityAutoScalingUpdate: { MinimumUnits: 1 } }] })), 'ResourceNotFoundException', 400);
  await rejects(us.send(new DescribeTableReplicaAutoScalingCommand({ TableName: 'nope' })), 'ResourceNotFoundException', 400);

  // Now auto scaled, the table takes a replica; overrides show in Replicas and in the replica itself.
  const r = (await us.send(new UpdateTableCommand({
    TableName: 'p',
    ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1', KMSMasterKeyId: 'alias/mine', ProvisionedThroughputOverride: { ReadCapacityUnits: 9 }, TableClassOverride: 'STANDARD_INFREQUENT_ACCESS', GlobalSecondaryIndexes: [{ IndexName: 'byG', ProvisionedThroughputOverride: { ReadCapacityUnits: 3 } }] } }],
  }))).TableDescription!;
  const rep = r.Replicas![0];
  assert.equal(rep.KMSMasterKeyId, 'alias/mine');
  assert.deepEqual(rep.ProvisionedThroughputOverride, { ReadCapacityUnits: 9 });
  assert.deepEqual(rep.GlobalSecondaryIndexes, [{ IndexName: 'byG', ProvisionedThroughputOverride: { ReadCapacityUnits: 3 } }]);
  assert.equal(rep.ReplicaTableClassSummary?.TableClass, 'STANDARD_INFREQUENT_ACCESS');
  n.clock.advance('PT5S');
  const euT = (await eu.send(new DescribeTableCommand({ TableName: 'p' }))).Table!;
  assert.equal(euT.ProvisionedThroughput!.ReadCapacityUnits, 9);
  assert.equal(euT.ProvisionedThroughput!.WriteCapacityUnits, 5);
  assert.equal(euT.GlobalSecondaryIndexes![0].ProvisionedThroughput!.ReadCapacityUnits, 3);
  assert.equal(euT.TableClassSummary?.TableClass, 'STANDARD_INFREQUENT_ACCESS');
  // Both replicas report the same settings, each with its own region's read settings.
  const all = (await eu.send(new DescribeTableReplicaAutoScalingCommand({ TableName: 'p' }))).TableAutoScalingDescription!;
  assert.deepEqual(all.Replicas!.map((x) => x.RegionName).sort(), ['eu-west-1', 'us-east-1']);
  assert.equal(all.Replicas!.find((x) => x.RegionName === 'us-east-1')!.ReplicaProvisionedReadCapacityAutoScalingSettings!.MaximumUnits, 20);
  assert.equal(all.Replicas!.find((x) => x.RegionName === 'eu-west-1')!.ReplicaProvisionedReadCapacityAutoScalingSettings, undefined);

  // Update a replica's override.
  await us.send(new UpdateTableCommand({ TableName: 'p', ReplicaUpdates: [{ Update: { RegionName: 'eu-west-1', ProvisionedThroughputOverride: { ReadCapacityUnits: 11 } } }] }));
  assert.equal((await eu.send(new DescribeTableCommand({ TableName: 'p' }))).Table!.ProvisionedThroughput!.ReadCapacityUnits, 11);
  const src = (await us.send(new DescribeTableCommand({ TableName: 'p' }))).Table!;
  assert.deepEqual(src.Replicas![0].ProvisionedThroughputOverride, { ReadCapacityUnits: 11 });
});

test('deleting a replica: ReplicaUpdates Delete, or DeleteTable in its region; replication stops', async () => {
  await globalTable('t');
  await us.send(new UpdateTableCommand({ TableName: 't', ReplicaUpdates: [{ Create: { RegionName: 'ap-south-1' } }] }));
  n.clock.advance('PT5S');
  const ap = new DynamoDBClient({ ...sdk(n), region: 'ap-south-1' });
  // Three regions, each listing the other two.
  const euReps = (await eu.send(new DescribeTableCommand({ TableName: 't' }))).Table!.Replicas!.map((x) => x.RegionName).sort();
  assert.deepEqual(euReps, ['ap-south-1', 'us-east-1']);
  await eu.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'from-eu' } } }));
  n.clock.advance('PT1S');
  assert.ok(await get(ap, 't', 'from-eu'));

  const r = (await us.send(new UpdateTableCommand({ TableName: 't', ReplicaUpdates: [{ Delete: { RegionName: 'ap-south-1' } }] }))).TableDescription!;
  assert.equal(r.Replicas!.find((x) => x.RegionName === 'ap-south-1')!.ReplicaStatus, 'DELETING');
  await rejects(ap.send(new DescribeTableCommand({ TableName: 't' })), 'ResourceNotFoundException', 400);
  assert.equal((await eu.send(new DescribeTableCommand({ TableName: 't' }))).Table!.Replicas!.find((x) => x.RegionName === 'ap-south-1')!.ReplicaStatus, 'DELETING');
  n.clock.advance('PT5S');
  assert.deepEqual((await us.send(new DescribeTableCommand({ TableName: 't' }))).Table!.Replicas!.map((x) => x.RegionName), ['eu-west-1']);

  // DeleteTable on the eu-west-1 replica: us-east-1 is a single-region table again.
  await eu.send(new DeleteTableCommand({ TableName: 't' }));
  n.clock.advance('PT5S');
  const alone = (await us.send(new DescribeTableCommand({ TableName: 't' }))).Table!;
  assert.equal(alone.Replicas, undefined);
  assert.equal(alone.GlobalTableVersion, undefined);
  await us.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'after' } } }));
  n.clock.advance('PT1S');
  assert.equal(await get(ap, 't', 'after').catch(() => undefined), undefined);
  // With no replica left the stream can be turned off again.
  await us.send(new UpdateTableCommand({ TableName: 't', StreamSpecification: { StreamEnabled: false } }));
});

test('aws CLI update-table --replica-updates and boto3 see the replica', async () => {
  await us.send(new CreateTableCommand(table('cli')));
  const r = await aws(n, ['dynamodb', 'update-table', '--region', 'us-east-1', '--table-name', 'cli', '--replica-updates', '[{"Create":{"RegionName":"us-west-2"}}]']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout).TableDescription;
  assert.equal(out.Replicas[0].RegionName, 'us-west-2');
  assert.equal(out.Replicas[0].ReplicaStatus, 'CREATING');
  n.clock.advance('PT5S');
  const seen = await boto3<{ status: string; version: string; replicas: string[] }>(n, `
c = boto3.client('dynamodb', endpoint_url=endpoint, region_name='us-west-2')
t = c.describe_table(TableName='cli')['Table']
c.put_item(TableName='cli', Item={'pk': {'S': 'boto'}})
print(json.dumps({'status': t['TableStatus'], 'version': t['GlobalTableVersion'], 'replicas': [x['RegionName'] for x in t['Replicas']]}))
`);
  assert.deepEqual(seen, { status: 'ACTIVE', version: '2019.11.21', replicas: ['us-east-1'] });
  n.clock.advance('PT1S');
  assert.ok(await get(us, 'cli', 'boto'));
});
