// Table-level extras through the JS SDK v3 and boto3: resource-based policies (tables and
// streams, revision ids), Contributor Insights settings, UpdateTable GSI create (backfilled) and
// delete, and ReturnConsumedCapacity INDEXES across a table with an LSI and a GSI.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteResourcePolicyCommand, DescribeContributorInsightsCommand, DescribeTableCommand, DynamoDBClient,
  GetResourcePolicyCommand, ListContributorInsightsCommand, PutItemCommand, PutResourcePolicyCommand, QueryCommand,
  UpdateContributorInsightsCommand, UpdateItemCommand, UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ddb: DynamoDBClient;
let arn: string;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(async () => {
  n.reset();
  const t = await ddb.send(new CreateTableCommand({
    TableName: 'ex',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }, { AttributeName: 'l', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    LocalSecondaryIndexes: [{ IndexName: 'byL', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
  }));
  arn = t.TableDescription!.TableArn!;
});

const policy = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: action, Resource: '*' }] });

test('resource policies: put/get/delete on a table and its stream, ExpectedRevisionId', async () => {
  await rejects(ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), 'PolicyNotFoundException', 400);
  const p1 = await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy('dynamodb:GetItem') }));
  assert.match(p1.RevisionId!, /^\d+$/);
  const g = await ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn }));
  assert.deepEqual(g, { ...g, Policy: policy('dynamodb:GetItem'), RevisionId: p1.RevisionId });
  await rejects(ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy('dynamodb:Query'), ExpectedRevisionId: '1' })), 'PolicyNotFoundException', 400);
  const p2 = await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy('dynamodb:Query'), ExpectedRevisionId: p1.RevisionId }));
  assert.ok(BigInt(p2.RevisionId!) > BigInt(p1.RevisionId!));
  const stream = (await ddb.send(new DescribeTableCommand({ TableName: 'ex' }))).Table!.LatestStreamArn!;
  await ddb.send(new PutResourcePolicyCommand({ ResourceArn: stream, Policy: policy('dynamodb:GetRecords') }));
  assert.equal((await ddb.send(new GetResourcePolicyCommand({ ResourceArn: stream }))).Policy, policy('dynamodb:GetRecords'));
  await rejects(ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, ExpectedRevisionId: p1.RevisionId })), 'PolicyNotFoundException', 400);
  const d = await ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn }));
  assert.equal(d.RevisionId, p2.RevisionId);
  await rejects(ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), 'PolicyNotFoundException', 400);
  await rejects(ddb.send(new PutResourcePolicyCommand({ ResourceArn: `${arn}x`, Policy: policy('x') })), 'ResourceNotFoundException', 400);
  await rejects(ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: '{not json' })), 'ValidationException', 400);
});

test('Contributor Insights: update answers ENABLING, describe ENABLED with rules; per GSI; list', async () => {
  const d0 = await ddb.send(new DescribeContributorInsightsCommand({ TableName: 'ex' }));
  assert.equal(d0.ContributorInsightsStatus, 'DISABLED');
  const u = await ddb.send(new UpdateContributorInsightsCommand({ TableName: 'ex', ContributorInsightsAction: 'ENABLE' }));
  assert.equal(u.ContributorInsightsStatus, 'ENABLING');
  const d = await ddb.send(new DescribeContributorInsightsCommand({ TableName: 'ex' }));
  assert.equal(d.ContributorInsightsStatus, 'ENABLED');
  assert.equal(d.ContributorInsightsRuleList!.length, 4);
  assert.match(d.ContributorInsightsRuleList![0], /^DynamoDBContributorInsights-PKC-ex-\d+$/);
  await ddb.send(new UpdateContributorInsightsCommand({ TableName: 'ex', IndexName: 'byG', ContributorInsightsAction: 'ENABLE' }));
  const dg = await ddb.send(new DescribeContributorInsightsCommand({ TableName: 'ex', IndexName: 'byG' }));
  assert.equal(dg.ContributorInsightsRuleList!.length, 2);
  await rejects(ddb.send(new UpdateContributorInsightsCommand({ TableName: 'ex', IndexName: 'nope', ContributorInsightsAction: 'ENABLE' })), 'ResourceNotFoundException', 400);
  const off = await ddb.send(new UpdateContributorInsightsCommand({ TableName: 'ex', ContributorInsightsAction: 'DISABLE' }));
  assert.equal(off.ContributorInsightsStatus, 'DISABLING');
  const l = await ddb.send(new ListContributorInsightsCommand({ TableName: 'ex' }));
  assert.deepEqual(l.ContributorInsightsSummaries!.map((x) => `${x.IndexName ?? '-'}:${x.ContributorInsightsStatus}`), ['-:DISABLED', 'byG:ENABLED']);
});

test('UpdateTable creates a GSI backfilled from existing items, and deletes one', async () => {
  for (let i = 0; i < 4; i++) await ddb.send(new PutItemCommand({ TableName: 'ex', Item: { pk: { S: 'p' }, sk: { N: String(i) }, color: { S: i % 2 ? 'red' : 'blue' } } }));
  await ddb.send(new UpdateTableCommand({
    TableName: 'ex', AttributeDefinitions: [{ AttributeName: 'color', AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byColor', KeySchema: [{ AttributeName: 'color', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
  }));
  const q = await ddb.send(new QueryCommand({ TableName: 'ex', IndexName: 'byColor', KeyConditionExpression: 'color = :c', ExpressionAttributeValues: { ':c': { S: 'red' } } }));
  assert.deepEqual(q.Items!.map((i) => i.sk.N), ['1', '3']);
  await ddb.send(new UpdateTableCommand({ TableName: 'ex', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byColor' } }] }));
  await rejects(ddb.send(new QueryCommand({ TableName: 'ex', IndexName: 'byColor', KeyConditionExpression: 'color = :c', ExpressionAttributeValues: { ':c': { S: 'red' } } })), 'ValidationException', 400);
});

test('ReturnConsumedCapacity INDEXES names the table, the LSI and the GSI separately', async () => {
  const w = await ddb.send(new PutItemCommand({ TableName: 'ex', Item: { pk: { S: 'a' }, sk: { N: '1' }, l: { S: 'x' }, g: { S: 'y' } }, ReturnConsumedCapacity: 'INDEXES' }));
  assert.deepEqual(w.ConsumedCapacity, {
    TableName: 'ex', CapacityUnits: 3, WriteCapacityUnits: 3, Table: { CapacityUnits: 1, WriteCapacityUnits: 1 },
    LocalSecondaryIndexes: { byL: { CapacityUnits: 1, WriteCapacityUnits: 1 } }, GlobalSecondaryIndexes: { byG: { CapacityUnits: 1, WriteCapacityUnits: 1 } },
  });
  // Changing only the LSI key: the LSI entry moves (delete + put), the GSI entry is rewritten.
  const u = await ddb.send(new UpdateItemCommand({ TableName: 'ex', Key: { pk: { S: 'a' }, sk: { N: '1' } }, UpdateExpression: 'SET l = :l', ExpressionAttributeValues: { ':l': { S: 'z' } }, ReturnConsumedCapacity: 'INDEXES' }));
  assert.deepEqual(u.ConsumedCapacity!.LocalSecondaryIndexes, { byL: { CapacityUnits: 2, WriteCapacityUnits: 2 } });
  assert.deepEqual(u.ConsumedCapacity!.GlobalSecondaryIndexes, { byG: { CapacityUnits: 1, WriteCapacityUnits: 1 } });
  const q = await ddb.send(new QueryCommand({ TableName: 'ex', IndexName: 'byL', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } }, ConsistentRead: true, ReturnConsumedCapacity: 'INDEXES' }));
  assert.deepEqual(q.ConsumedCapacity, { TableName: 'ex', CapacityUnits: 1, ReadCapacityUnits: 1, Table: { CapacityUnits: 0, ReadCapacityUnits: 0 }, LocalSecondaryIndexes: { byL: { CapacityUnits: 1, ReadCapacityUnits: 1 } } });
});

test('boto3: resource policy round trip', async () => {
  const out = await boto3<{ rev: boolean; policy: string; code: string }>(n, `
c = boto3.client('dynamodb', endpoint_url=endpoint)
arn = c.describe_table(TableName='ex')['Table']['TableArn']
r = c.put_resource_policy(ResourceArn=arn, Policy='{"Version":"2012-10-17","Statement":[]}')
g = c.get_resource_policy(ResourceArn=arn)
c.delete_resource_policy(ResourceArn=arn)
code = ''
try:
    c.get_resource_policy(ResourceArn=arn)
except c.exceptions.PolicyNotFoundException as e:
    code = e.response['Error']['Code']
print(json.dumps({'rev': r['RevisionId'] == g['RevisionId'], 'policy': g['Policy'], 'code': code}))
`);
  assert.deepEqual(out, { rev: true, policy: '{"Version":"2012-10-17","Statement":[]}', code: 'PolicyNotFoundException' });
});
