// Global tables version 2017.11.29 (Legacy) through the JS SDK v3 and the aws CLI:
// CreateGlobalTable over existing empty same-named tables with NEW_AND_OLD_IMAGES streams,
// UpdateGlobalTable, DescribeGlobalTable, ListGlobalTables paging and region filter, the
// settings calls, replication with the aws:rep:* attributes, and the errors of each.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateGlobalTableCommand, CreateTableCommand, DeleteTableCommand, DescribeGlobalTableCommand, DescribeGlobalTableSettingsCommand,
  DescribeTableCommand, DynamoDBClient, GetItemCommand, ListGlobalTablesCommand, PutItemCommand, UpdateGlobalTableCommand,
  UpdateGlobalTableSettingsCommand, UpdateTableCommand, type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { aws, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
const clients: Record<string, DynamoDBClient> = {};
const c = (region: string) => (clients[region] ??= new DynamoDBClient({ ...sdk(n), region }));
before(async () => { n = await nimbus(); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const spec = (TableName: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput => ({
  TableName,
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  ...extra,
});

async function tables(name: string, regions: string[], extra: Partial<CreateTableCommandInput> = {}): Promise<void> {
  for (const r of regions) await c(r).send(new CreateTableCommand(spec(name, extra)));
}

test('CreateGlobalTable joins the regions; DescribeGlobalTable CREATING then ACTIVE; replication adds aws:rep attributes', async () => {
  await tables('users', ['us-east-1', 'eu-west-1']);
  const d = (await c('us-east-1').send(new CreateGlobalTableCommand({
    GlobalTableName: 'users', ReplicationGroup: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }],
  }))).GlobalTableDescription!;
  assert.equal(d.GlobalTableName, 'users');
  assert.equal(d.GlobalTableArn, 'arn:aws:dynamodb::000000000000:global-table/users');
  assert.equal(d.GlobalTableStatus, 'CREATING');
  assert.ok(d.CreationDateTime instanceof Date);
  assert.deepEqual(d.ReplicationGroup, [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }]);
  n.clock.advance('PT5S');
  // Any regional endpoint describes it.
  const again = (await c('ap-south-1').send(new DescribeGlobalTableCommand({ GlobalTableName: 'users' }))).GlobalTableDescription!;
  assert.equal(again.GlobalTableStatus, 'ACTIVE');
  // A legacy replica has no GlobalTableVersion in DescribeTable (Developer Guide, "Determining the version").
  assert.equal((await c('us-east-1').send(new DescribeTableCommand({ TableName: 'users' }))).Table!.GlobalTableVersion, undefined);

  await c('us-east-1').send(new PutItemCommand({ TableName: 'users', Item: { pk: { S: 'u1' }, name: { S: 'Ann' } } }));
  n.clock.advance('PT1S');
  const there = (await c('eu-west-1').send(new GetItemCommand({ TableName: 'users', Key: { pk: { S: 'u1' } } }))).Item!;
  assert.equal(there.name.S, 'Ann');
  assert.equal(there['aws:rep:updateregion'].S, 'us-east-1');
  assert.deepEqual(there['aws:rep:deleting'], { BOOL: false });
  assert.match(there['aws:rep:updatetime'].N!, /^\d{10}\.\d{6}$/);
  const here = (await c('us-east-1').send(new GetItemCommand({ TableName: 'users', Key: { pk: { S: 'u1' } } }))).Item!;
  assert.deepEqual(here, there, 'the source item carries the same attributes');
  // And back, with the other region's name.
  await c('eu-west-1').send(new PutItemCommand({ TableName: 'users', Item: { pk: { S: 'u2' } } }));
  n.clock.advance('PT1S');
  const u2 = (await c('us-east-1').send(new GetItemCommand({ TableName: 'users', Key: { pk: { S: 'u2' } } }))).Item!;
  assert.equal(u2['aws:rep:updateregion'].S, 'eu-west-1');
  // A legacy replica's stream stays on.
  await rejects(c('us-east-1').send(new UpdateTableCommand({ TableName: 'users', StreamSpecification: { StreamEnabled: false } })), 'ValidationException', 400);
});

test('CreateGlobalTable errors: existing global table, missing table, non-empty table, wrong stream', async () => {
  await tables('aaa', ['us-east-1']);
  const nf = await rejects(c('us-east-1').send(new CreateGlobalTableCommand({
    GlobalTableName: 'aaa', ReplicationGroup: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }],
  })), 'TableNotFoundException', 400);
  assert.ok(nf.message.includes('aaa'));
  await c('eu-west-1').send(new CreateTableCommand(spec('aaa', { StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } })));
  await rejects(c('us-east-1').send(new CreateGlobalTableCommand({
    GlobalTableName: 'aaa', ReplicationGroup: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }],
  })), 'ValidationException', 400);
  await tables('bbb', ['us-east-1', 'eu-west-1']);
  await c('eu-west-1').send(new PutItemCommand({ TableName: 'bbb', Item: { pk: { S: 'x' } } }));
  await rejects(c('us-east-1').send(new CreateGlobalTableCommand({
    GlobalTableName: 'bbb', ReplicationGroup: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }],
  })), 'ValidationException', 400);
  await tables('okk', ['us-east-1', 'eu-west-1']);
  await c('us-east-1').send(new CreateGlobalTableCommand({ GlobalTableName: 'okk', ReplicationGroup: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] }));
  await rejects(c('eu-west-1').send(new CreateGlobalTableCommand({ GlobalTableName: 'okk', ReplicationGroup: [{ RegionName: 'us-east-1' }] })), 'GlobalTableAlreadyExistsException', 400);
  // Nothing half-made by the failures.
  await rejects(c('us-east-1').send(new DescribeGlobalTableCommand({ GlobalTableName: 'aaa' })), 'GlobalTableNotFoundException', 400);
  await rejects(c('us-east-1').send(new DescribeGlobalTableCommand({ GlobalTableName: 'bbb' })), 'GlobalTableNotFoundException', 400);
});

test('UpdateGlobalTable adds and removes replicas; its errors', async () => {
  await tables('ggg', ['us-east-1', 'eu-west-1', 'ap-south-1']);
  await c('us-east-1').send(new CreateGlobalTableCommand({ GlobalTableName: 'ggg', ReplicationGroup: [{ RegionName: 'us-east-1' }] }));
  await rejects(c('us-east-1').send(new UpdateGlobalTableCommand({ GlobalTableName: 'ggg', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] })), 'ResourceInUseException', 400);
  n.clock.advance('PT5S');
  const u = (await c('us-east-1').send(new UpdateGlobalTableCommand({
    GlobalTableName: 'ggg', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }, { Create: { RegionName: 'ap-south-1' } }],
  }))).GlobalTableDescription!;
  assert.equal(u.GlobalTableStatus, 'UPDATING');
  assert.deepEqual(u.ReplicationGroup!.map((x) => x.RegionName), ['us-east-1', 'eu-west-1', 'ap-south-1']);
  n.clock.advance('PT5S');
  await c('ap-south-1').send(new PutItemCommand({ TableName: 'ggg', Item: { pk: { S: 'p' } } }));
  n.clock.advance('PT1S');
  assert.ok((await c('eu-west-1').send(new GetItemCommand({ TableName: 'ggg', Key: { pk: { S: 'p' } } }))).Item);

  await rejects(c('us-east-1').send(new UpdateGlobalTableCommand({ GlobalTableName: 'ggg', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] })), 'ReplicaAlreadyExistsException', 400);
  await rejects(c('us-east-1').send(new UpdateGlobalTableCommand({ GlobalTableName: 'ggg', ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-2' } }] })), 'ReplicaNotFoundException', 400);
  await rejects(c('us-east-1').send(new UpdateGlobalTableCommand({ GlobalTableName: 'nope', ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-2' } }] })), 'GlobalTableNotFoundException', 400);

  await c('us-east-1').send(new UpdateGlobalTableCommand({ GlobalTableName: 'ggg', ReplicaUpdates: [{ Delete: { RegionName: 'ap-south-1' } }] }));
  n.clock.advance('PT5S');
  await c('us-east-1').send(new PutItemCommand({ TableName: 'ggg', Item: { pk: { S: 'after' } } }));
  n.clock.advance('PT1S');
  assert.equal((await c('ap-south-1').send(new GetItemCommand({ TableName: 'ggg', Key: { pk: { S: 'after' } } }))).Item, undefined);
  assert.ok((await c('eu-west-1').send(new GetItemCommand({ TableName: 'ggg', Key: { pk: { S: 'after' } } }))).Item);
  // The removed table is a plain table again: its stream can be turned off.
  await c('ap-south-1').send(new UpdateTableCommand({ TableName: 'ggg', StreamSpecification: { StreamEnabled: false } }));
  // Deleting a member's table takes its region out of the group.
  await c('eu-west-1').send(new DeleteTableCommand({ TableName: 'ggg' }));
  const left = (await c('us-east-1').send(new DescribeGlobalTableCommand({ GlobalTableName: 'ggg' }))).GlobalTableDescription!;
  assert.deepEqual(left.ReplicationGroup, [{ RegionName: 'us-east-1' }]);
});

test('ListGlobalTables: sorted, RegionName filter, Limit and ExclusiveStartGlobalTableName', async () => {
  for (const name of ['tb3', 'tb1', 'tb2']) {
    await tables(name, ['us-east-1', ...(name === 'tb2' ? ['eu-west-1'] : [])]);
    await c('us-east-1').send(new CreateGlobalTableCommand({
      GlobalTableName: name, ReplicationGroup: [{ RegionName: 'us-east-1' }, ...(name === 'tb2' ? [{ RegionName: 'eu-west-1' }] : [])],
    }));
  }
  const all = await c('eu-west-1').send(new ListGlobalTablesCommand({}));
  assert.deepEqual(all.GlobalTables!.map((g) => g.GlobalTableName), ['tb1', 'tb2', 'tb3']);
  assert.equal(all.LastEvaluatedGlobalTableName, undefined);
  const p1 = await c('us-east-1').send(new ListGlobalTablesCommand({ Limit: 2 }));
  assert.deepEqual(p1.GlobalTables!.map((g) => g.GlobalTableName), ['tb1', 'tb2']);
  assert.equal(p1.LastEvaluatedGlobalTableName, 'tb2');
  const p2 = await c('us-east-1').send(new ListGlobalTablesCommand({ Limit: 2, ExclusiveStartGlobalTableName: 'tb2' }));
  assert.deepEqual(p2.GlobalTables!.map((g) => g.GlobalTableName), ['tb3']);
  const eu = await c('us-east-1').send(new ListGlobalTablesCommand({ RegionName: 'eu-west-1' }));
  assert.deepEqual(eu.GlobalTables, [{ GlobalTableName: 'tb2', ReplicationGroup: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] }]);
});

test('DescribeGlobalTableSettings and UpdateGlobalTableSettings', async () => {
  const prov: Partial<CreateTableCommandInput> = {
    BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'ggg', AttributeType: 'S' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'ggg', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }],
  };
  await tables('set', ['us-east-1', 'eu-west-1'], prov);
  await c('us-east-1').send(new CreateGlobalTableCommand({ GlobalTableName: 'set', ReplicationGroup: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] }));
  const d = await c('us-east-1').send(new DescribeGlobalTableSettingsCommand({ GlobalTableName: 'set' }));
  assert.equal(d.GlobalTableName, 'set');
  assert.equal(d.ReplicaSettings!.length, 2);
  const us = d.ReplicaSettings![0];
  assert.equal(us.RegionName, 'us-east-1');
  assert.equal(us.ReplicaStatus, 'ACTIVE');
  assert.equal(us.ReplicaBillingModeSummary!.BillingMode, 'PROVISIONED');
  assert.equal(us.ReplicaProvisionedReadCapacityUnits, 5);
  assert.equal(us.ReplicaProvisionedWriteCapacityUnits, 5);
  assert.deepEqual(us.ReplicaGlobalSecondaryIndexSettings, [{ IndexName: 'byG', IndexStatus: 'ACTIVE', ProvisionedReadCapacityUnits: 5, ProvisionedWriteCapacityUnits: 5 }]);

  const u = await c('us-east-1').send(new UpdateGlobalTableSettingsCommand({
    GlobalTableName: 'set',
    GlobalTableProvisionedWriteCapacityUnits: 8,
    GlobalTableGlobalSecondaryIndexSettingsUpdate: [{ IndexName: 'byG', ProvisionedWriteCapacityUnits: 7 }],
    ReplicaSettingsUpdate: [{ RegionName: 'eu-west-1', ReplicaProvisionedReadCapacityUnits: 12, ReplicaGlobalSecondaryIndexSettingsUpdate: [{ IndexName: 'byG', ProvisionedReadCapacityUnits: 4 }] }],
  }));
  const euS = u.ReplicaSettings!.find((x) => x.RegionName === 'eu-west-1')!;
  assert.equal(euS.ReplicaProvisionedReadCapacityUnits, 12);
  assert.equal(euS.ReplicaProvisionedWriteCapacityUnits, 8);
  assert.equal(euS.ReplicaGlobalSecondaryIndexSettings![0].ProvisionedReadCapacityUnits, 4);
  assert.equal(euS.ReplicaGlobalSecondaryIndexSettings![0].ProvisionedWriteCapacityUnits, 7);
  const euT = (await c('eu-west-1').send(new DescribeTableCommand({ TableName: 'set' }))).Table!;
  assert.equal(euT.ProvisionedThroughput!.ReadCapacityUnits, 12);
  assert.equal(euT.ProvisionedThroughput!.WriteCapacityUnits, 8);
  assert.equal((await c('us-east-1').send(new DescribeTableCommand({ TableName: 'set' }))).Table!.ProvisionedThroughput!.WriteCapacityUnits, 8);

  await rejects(c('us-east-1').send(new UpdateGlobalTableSettingsCommand({ GlobalTableName: 'set', ReplicaSettingsUpdate: [{ RegionName: 'ap-south-1', ReplicaProvisionedReadCapacityUnits: 1 }] })), 'ReplicaNotFoundException', 400);
  await rejects(c('us-east-1').send(new UpdateGlobalTableSettingsCommand({ GlobalTableName: 'set', GlobalTableGlobalSecondaryIndexSettingsUpdate: [{ IndexName: 'nope', ProvisionedWriteCapacityUnits: 1 }] })), 'IndexNotFoundException', 400);
  await rejects(c('us-east-1').send(new DescribeGlobalTableSettingsCommand({ GlobalTableName: 'nope' })), 'GlobalTableNotFoundException', 400);

  // On demand for all replicas at once.
  const od = await c('us-east-1').send(new UpdateGlobalTableSettingsCommand({ GlobalTableName: 'set', GlobalTableBillingMode: 'PAY_PER_REQUEST' }));
  assert.deepEqual(od.ReplicaSettings!.map((x) => x.ReplicaBillingModeSummary!.BillingMode), ['PAY_PER_REQUEST', 'PAY_PER_REQUEST']);
  assert.equal((await c('eu-west-1').send(new DescribeTableCommand({ TableName: 'set' }))).Table!.BillingModeSummary!.BillingMode, 'PAY_PER_REQUEST');
});

test('a version 2019.11.21 table is not a legacy global table (GlobalTableNotFoundException)', async () => {
  await c('us-east-1').send(new CreateTableCommand(spec('ver2')));
  await c('us-east-1').send(new UpdateTableCommand({ TableName: 'ver2', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] }));
  await rejects(c('us-east-1').send(new DescribeGlobalTableCommand({ GlobalTableName: 'ver2' })), 'GlobalTableNotFoundException', 400);
  n.clock.advance('PT5S');
  // And its tables cannot join a legacy one.
  await rejects(c('us-east-1').send(new CreateGlobalTableCommand({ GlobalTableName: 'ver2', ReplicationGroup: [{ RegionName: 'us-east-1' }] })), 'ValidationException', 400);
});

test('aws CLI create-global-table and describe-global-table', async () => {
  await tables('cli', ['us-east-1', 'us-west-2']);
  const r = await aws(n, ['dynamodb', 'create-global-table', '--region', 'us-east-1', '--global-table-name', 'cli',
    '--replication-group', 'RegionName=us-east-1', 'RegionName=us-west-2']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout).GlobalTableDescription;
  assert.equal(out.GlobalTableStatus, 'CREATING');
  assert.deepEqual(out.ReplicationGroup, [{ RegionName: 'us-east-1' }, { RegionName: 'us-west-2' }]);
  const e = await aws(n, ['dynamodb', 'describe-global-table', '--region', 'us-west-2', '--global-table-name', 'missing']);
  assert.notEqual(e.code, 0);
  assert.match(e.stderr, /GlobalTableNotFoundException/);
});
