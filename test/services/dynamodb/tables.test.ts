// DynamoDB tables through the JS SDK v3: CreateTable validation (DynamoDB's messages), describe
// (CREATING in the create response, ACTIVE after, so waitUntilTableExists works), LSIs/GSIs,
// billing modes, list pagination, update, deletion protection, tags, limits, endpoints, TTL.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteTableCommand, DescribeEndpointsCommand, DescribeLimitsCommand, DescribeTableCommand,
  DescribeTimeToLiveCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, ListTagsOfResourceCommand, PutItemCommand,
  QueryCommand, TagResourceCommand, UntagResourceCommand, UpdateTableCommand, UpdateTimeToLiveCommand, waitUntilTableExists,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ddb: DynamoDBClient;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const simple = (TableName: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput => ({
  TableName,
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
  ...extra,
});

test('CreateTable answers CREATING; DescribeTable ACTIVE with ARN, id, counts; waiter works', async () => {
  const r = await ddb.send(new CreateTableCommand(simple('users', { Tags: [{ Key: 'team', Value: 'a' }] })));
  const d = r.TableDescription!;
  assert.equal(d.TableStatus, 'CREATING');
  assert.equal(d.TableArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/users');
  assert.match(d.TableId!, /^[0-9a-f-]{36}$/);
  assert.equal(d.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  assert.ok(d.CreationDateTime instanceof Date);
  await waitUntilTableExists({ client: ddb, maxWaitTime: 5, minDelay: 1 }, { TableName: 'users' });
  await ddb.send(new PutItemCommand({ TableName: 'users', Item: { id: { S: 'a' }, name: { S: 'Ann' } } }));
  const t = (await ddb.send(new DescribeTableCommand({ TableName: 'users' }))).Table!;
  assert.equal(t.TableStatus, 'ACTIVE');
  assert.equal(t.ItemCount, 1);
  assert.ok(t.TableSizeBytes! > 0);
  assert.equal(t.ProvisionedThroughput?.ReadCapacityUnits, 0);
  assert.equal(t.DeletionProtectionEnabled, false);
  const e = await rejects(ddb.send(new CreateTableCommand(simple('users'))), 'ResourceInUseException', 400);
  assert.equal(e.message, 'Table already exists: users');
  const nf = await rejects(ddb.send(new DescribeTableCommand({ TableName: 'nope' })), 'ResourceNotFoundException', 400);
  assert.equal(nf.message, 'Requested resource not found: Table: nope not found');
});

test('CreateTable validation: key schema, attribute definitions, billing mode', async () => {
  const cases: [Partial<CreateTableCommandInput>, string][] = [
    [{ AttributeDefinitions: [{ AttributeName: 'x', AttributeType: 'S' }] },
      'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [id], AttributeDefinitions: [x]'],
    [{ AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'x', AttributeType: 'S' }] },
      'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions'],
    [{ KeySchema: [{ AttributeName: 'id', KeyType: 'RANGE' }] }, 'Invalid KeySchema: The first KeySchemaElement is not a HASH key type'],
    [{ BillingMode: 'PROVISIONED' }, 'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED'],
    [{ ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
      'One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST'],
    [{ LocalSecondaryIndexes: [{ IndexName: 'lsi', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }] },
      'One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex'],
  ];
  for (const [extra, message] of cases) {
    const e = await rejects(ddb.send(new CreateTableCommand(simple('bad', extra))), 'ValidationException', 400);
    assert.equal(e.message, message);
  }
  // The model's own constraints (ReadCapacityUnits >= 1) come from the gateway.
  const e = await rejects(ddb.send(new CreateTableCommand(simple('bad', { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 1 } }))), 'ValidationException', 400);
  assert.match(e.message, /Member must have value greater than or equal to 1/);
});

test('Indexes, provisioned throughput and UpdateTable (billing mode, throughput, new GSI backfilled)', async () => {
  const d = (await ddb.send(new CreateTableCommand({
    TableName: 'orders',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }, { AttributeName: 'st', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    LocalSecondaryIndexes: [{ IndexName: 'byStatus', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'st', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  }))).TableDescription!;
  assert.equal(d.LocalSecondaryIndexes?.[0].IndexArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/index/byStatus');
  assert.equal(d.ProvisionedThroughput?.ReadCapacityUnits, 5);
  assert.equal(d.StreamSpecification?.StreamViewType, 'NEW_AND_OLD_IMAGES');
  assert.match(d.LatestStreamArn!, /^arn:aws:dynamodb:us-east-1:000000000000:table\/orders\/stream\//);
  await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'c1' }, sk: { N: '1' }, st: { S: 'open' }, total: { N: '10' } } }));
  const same = await rejects(ddb.send(new UpdateTableCommand({ TableName: 'orders', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } })), 'ValidationException');
  assert.match(same.message, /^The provisioned throughput for the table will not change/);
  const up = (await ddb.send(new UpdateTableCommand({ TableName: 'orders', ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 } }))).TableDescription!;
  assert.equal(up.ProvisionedThroughput?.ReadCapacityUnits, 10);
  assert.ok(up.ProvisionedThroughput?.LastIncreaseDateTime instanceof Date);
  await ddb.send(new UpdateTableCommand({
    TableName: 'orders', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'st', AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'gStatus', KeySchema: [{ AttributeName: 'st', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
  }));
  const t = (await ddb.send(new DescribeTableCommand({ TableName: 'orders' }))).Table!;
  assert.equal(t.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  assert.equal(t.GlobalSecondaryIndexes?.[0].IndexStatus, 'ACTIVE');
  assert.equal(t.GlobalSecondaryIndexes?.[0].ItemCount, 1);
  const q = await ddb.send(new QueryCommand({ TableName: 'orders', IndexName: 'gStatus', KeyConditionExpression: 'st = :s', ExpressionAttributeValues: { ':s': { S: 'open' } } }));
  assert.equal(q.Items?.[0].total.N, '10');
});

test('ListTables pages with ExclusiveStartTableName / LastEvaluatedTableName', async () => {
  for (const name of ['tb3', 'tb1', 'tb5', 'tb2', 'tb4']) await ddb.send(new CreateTableCommand(simple(name)));
  const p1 = await ddb.send(new ListTablesCommand({ Limit: 2 }));
  assert.deepEqual(p1.TableNames, ['tb1', 'tb2']);
  assert.equal(p1.LastEvaluatedTableName, 'tb2');
  const p2 = await ddb.send(new ListTablesCommand({ Limit: 2, ExclusiveStartTableName: 'tb2' }));
  assert.deepEqual(p2.TableNames, ['tb3', 'tb4']);
  const p3 = await ddb.send(new ListTablesCommand({ Limit: 2, ExclusiveStartTableName: 'tb4' }));
  assert.deepEqual(p3.TableNames, ['tb5']);
  assert.equal(p3.LastEvaluatedTableName, undefined);
  const e = await rejects(ddb.send(new ListTablesCommand({ Limit: 101 })), 'ValidationException', 400);
  assert.match(e.message, /Member must have value less than or equal to 100/);
});

test('DeleteTable: deletion protection, then DELETING and gone', async () => {
  await ddb.send(new CreateTableCommand(simple('keep', { DeletionProtectionEnabled: true })));
  const e = await rejects(ddb.send(new DeleteTableCommand({ TableName: 'keep' })), 'ValidationException', 400);
  assert.match(e.message, /protected against deletion/);
  await ddb.send(new UpdateTableCommand({ TableName: 'keep', DeletionProtectionEnabled: false }));
  await ddb.send(new PutItemCommand({ TableName: 'keep', Item: { id: { S: 'x' } } }));
  const d = await ddb.send(new DeleteTableCommand({ TableName: 'keep' }));
  assert.equal(d.TableDescription?.TableStatus, 'DELETING');
  await rejects(ddb.send(new DescribeTableCommand({ TableName: 'keep' })), 'ResourceNotFoundException', 400);
  await rejects(ddb.send(new GetItemCommand({ TableName: 'keep', Key: { id: { S: 'x' } } })), 'ResourceNotFoundException', 400);
  // A new table of the same name starts empty.
  await ddb.send(new CreateTableCommand(simple('keep')));
  assert.equal((await ddb.send(new GetItemCommand({ TableName: 'keep', Key: { id: { S: 'x' } } }))).Item, undefined);
});

test('Tags, DescribeLimits, DescribeEndpoints', async () => {
  const arn = (await ddb.send(new CreateTableCommand(simple('tagged', { Tags: [{ Key: 'a', Value: '1' }] })))).TableDescription!.TableArn!;
  await ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'b', Value: '2' }] }));
  await ddb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a'] }));
  const tags = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
  assert.deepEqual(tags.Tags, [{ Key: 'b', Value: '2' }]);
  await rejects(ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn.replace('tagged', 'other') })), 'ResourceNotFoundException', 400);
  const l = await ddb.send(new DescribeLimitsCommand({}));
  assert.equal(l.TableMaxReadCapacityUnits, 40000);
  const ep = await ddb.send(new DescribeEndpointsCommand({}));
  assert.equal(ep.Endpoints?.[0].Address, 'dynamodb.us-east-1.amazonaws.com');
});

test('TTL: UpdateTimeToLive / DescribeTimeToLive, expired items deleted when the clock passes', async () => {
  await ddb.send(new CreateTableCommand(simple('sessions')));
  assert.equal((await ddb.send(new DescribeTimeToLiveCommand({ TableName: 'sessions' }))).TimeToLiveDescription?.TimeToLiveStatus, 'DISABLED');
  const now = Math.floor(n.clock.now().getTime() / 1000);
  await ddb.send(new PutItemCommand({ TableName: 'sessions', Item: { id: { S: 'early' }, exp: { N: String(now + 3600) } } }));
  await ddb.send(new UpdateTimeToLiveCommand({ TableName: 'sessions', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
  const e = await rejects(ddb.send(new UpdateTimeToLiveCommand({ TableName: 'sessions', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } })), 'ValidationException', 400);
  assert.equal(e.message, 'TimeToLive is already enabled');
  assert.deepEqual((await ddb.send(new DescribeTimeToLiveCommand({ TableName: 'sessions' }))).TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' });
  await ddb.send(new PutItemCommand({ TableName: 'sessions', Item: { id: { S: 'late' }, exp: { N: String(now + 7200) } } }));
  await ddb.send(new PutItemCommand({ TableName: 'sessions', Item: { id: { S: 'never' }, exp: { S: 'not a number' } } }));
  const get = async (id: string) => (await ddb.send(new GetItemCommand({ TableName: 'sessions', Key: { id: { S: id } } }))).Item;
  n.clock.advance('PT1H1M');
  assert.equal(await get('early'), undefined);
  assert.ok(await get('late'));
  // Extending the expiry moves the deletion.
  await ddb.send(new PutItemCommand({ TableName: 'sessions', Item: { id: { S: 'late' }, exp: { N: String(now + 90000) } } }));
  n.clock.advance('PT2H');
  assert.ok(await get('late'));
  n.clock.advance('PT24H');
  assert.equal(await get('late'), undefined);
  assert.ok(await get('never'));
});
