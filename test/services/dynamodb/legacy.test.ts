// The legacy (pre-expression) parameters through the JS SDK v3 and boto3: Expected with
// Exists/Value/ComparisonOperator and ConditionalOperator, AttributesToGet, KeyConditions,
// QueryFilter, ScanFilter and AttributeUpdates; mixing them with expressions is refused with
// DynamoDB's message (Developer Guide, "Legacy conditional parameters").
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ddb: DynamoDBClient;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(async () => {
  n.reset();
  await ddb.send(new CreateTableCommand({
    TableName: 'leg',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  for (let i = 1; i <= 5; i++) {
    await ddb.send(new PutItemCommand({ TableName: 'leg', Item: { pk: { S: 'p' }, sk: { N: String(i) }, color: { S: i % 2 ? 'red' : 'blue' }, n: { N: String(i * 10) }, tags: { SS: [`t${i}`, 'all'] } } }));
  }
});

const key = (sk: number) => ({ pk: { S: 'p' }, sk: { N: String(sk) } });

test('Expected: Exists false / Value / ComparisonOperator, AND and OR', async () => {
  await rejects(ddb.send(new PutItemCommand({ TableName: 'leg', Item: key(1), Expected: { pk: { Exists: false } } })), 'ConditionalCheckFailedException', 400);
  await ddb.send(new PutItemCommand({ TableName: 'leg', Item: { ...key(9), v: { N: '1' } }, Expected: { pk: { Exists: false } } }));
  await ddb.send(new UpdateItemCommand({ TableName: 'leg', Key: key(9), AttributeUpdates: { v: { Value: { N: '2' } } }, Expected: { v: { Value: { N: '1' } } } }));
  await rejects(ddb.send(new UpdateItemCommand({ TableName: 'leg', Key: key(9), AttributeUpdates: { v: { Value: { N: '3' } } }, Expected: { v: { Value: { N: '1' } } } })), 'ConditionalCheckFailedException', 400);
  await rejects(ddb.send(new DeleteItemCommand({ TableName: 'leg', Key: key(9), Expected: { v: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '5' }] } } })), 'ConditionalCheckFailedException', 400);
  // OR: one of two holds.
  await ddb.send(new DeleteItemCommand({ TableName: 'leg', Key: key(9), ConditionalOperator: 'OR', Expected: {
    v: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '5' }] }, nope: { ComparisonOperator: 'NULL' },
  } }));
  assert.equal((await ddb.send(new GetItemCommand({ TableName: 'leg', Key: key(9) }))).Item, undefined);
  // AND (default): both must hold.
  await rejects(ddb.send(new DeleteItemCommand({ TableName: 'leg', Key: key(1), Expected: {
    color: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'red' }] }, n: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '20' }, { N: '30' }] },
  } })), 'ConditionalCheckFailedException', 400);
  await ddb.send(new DeleteItemCommand({ TableName: 'leg', Key: key(1), Expected: {
    color: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'red' }] }, tags: { ComparisonOperator: 'CONTAINS', AttributeValueList: [{ S: 'all' }] },
  } }));
  const bad = await rejects(ddb.send(new DeleteItemCommand({ TableName: 'leg', Key: key(2), Expected: { n: { ComparisonOperator: 'EQ', AttributeValueList: [] } } })), 'ValidationException', 400);
  assert.equal(bad.message, 'One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator');
});

test('mixing expression and non-expression parameters is refused with AWS\'s message', async () => {
  const e = await rejects(ddb.send(new PutItemCommand({ TableName: 'leg', Item: key(1), Expected: { pk: { Exists: false } }, ConditionExpression: 'attribute_not_exists(pk)' })), 'ValidationException', 400);
  assert.equal(e.message, 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}');
  const u = await rejects(ddb.send(new UpdateItemCommand({ TableName: 'leg', Key: key(1), AttributeUpdates: { a: { Value: { S: 'x' } } }, UpdateExpression: 'SET b = :b', ExpressionAttributeValues: { ':b': { S: 'y' } } })), 'ValidationException', 400);
  assert.equal(u.message, 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}');
  // Each operation lists the parameters in its own order (observed against AWS).
  const q = await rejects(ddb.send(new QueryCommand({ TableName: 'leg', KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p' }] } }, QueryFilter: { n: { ComparisonOperator: 'NOT_NULL' } },
    KeyConditionExpression: 'pk = :p', FilterExpression: 'n > :n', ProjectionExpression: 'n', ExpressionAttributeValues: { ':p': { S: 'p' }, ':n': { N: '1' } } })), 'ValidationException', 400);
  assert.equal(q.message, 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter, KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}');
  const s = await rejects(ddb.send(new ScanCommand({ TableName: 'leg', AttributesToGet: ['n'], ScanFilter: { n: { ComparisonOperator: 'NOT_NULL' } }, FilterExpression: 'n > :n', ProjectionExpression: 'pk', ExpressionAttributeValues: { ':n': { N: '1' } } })), 'ValidationException', 400);
  assert.equal(s.message, 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, ScanFilter} Expression parameters: {ProjectionExpression, FilterExpression}');
  // KeyConditions is not "mixed" with a FilterExpression or ProjectionExpression: AWS accepts that.
  const ok = await ddb.send(new QueryCommand({ TableName: 'leg', KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p' }] } }, FilterExpression: 'n > :n', ProjectionExpression: 'sk', ExpressionAttributeValues: { ':n': { N: '30' } } }));
  assert.deepEqual(ok.Items, [{ sk: { N: '4' } }, { sk: { N: '5' } }]);
});

test('ConditionalOperator needs two or more conditions', async () => {
  const none = await rejects(ddb.send(new ScanCommand({ TableName: 'leg', ConditionalOperator: 'AND' })), 'ValidationException', 400);
  assert.equal(none.message, 'ConditionalOperator cannot be used without Filter or Expected');
  const q = await rejects(ddb.send(new QueryCommand({ TableName: 'leg', ConditionalOperator: 'OR' })), 'ValidationException', 400);
  assert.equal(q.message, 'ConditionalOperator cannot be used without Filter or Expected');
  const one = await rejects(ddb.send(new PutItemCommand({ TableName: 'leg', Item: key(1), ConditionalOperator: 'AND', Expected: { a: { ComparisonOperator: 'NULL' } } })), 'ValidationException', 400);
  assert.equal(one.message, 'ConditionalOperator can only be used when Filter or Expected has two or more elements');
});

test('AttributeUpdates: PUT, ADD (number and set), DELETE (attribute and set members)', async () => {
  const r = await ddb.send(new UpdateItemCommand({ TableName: 'leg', Key: key(2), ReturnValues: 'ALL_NEW', AttributeUpdates: {
    color: { Action: 'PUT', Value: { S: 'green' } }, n: { Action: 'ADD', Value: { N: '5' } }, tags: { Action: 'DELETE', Value: { SS: ['all'] } },
    extra: { Action: 'ADD', Value: { SS: ['x'] } },
  } }));
  assert.deepEqual(r.Attributes, { pk: { S: 'p' }, sk: { N: '2' }, color: { S: 'green' }, n: { N: '25' }, tags: { SS: ['t2'] }, extra: { SS: ['x'] } });
  const d = await ddb.send(new UpdateItemCommand({ TableName: 'leg', Key: key(2), ReturnValues: 'ALL_NEW', AttributeUpdates: { color: { Action: 'DELETE' }, extra: { Action: 'DELETE' } } }));
  assert.deepEqual(Object.keys(d.Attributes!).sort(), ['n', 'pk', 'sk', 'tags']);
  const k = await rejects(ddb.send(new UpdateItemCommand({ TableName: 'leg', Key: key(2), AttributeUpdates: { sk: { Value: { N: '3' } } } })), 'ValidationException', 400);
  assert.equal(k.message, 'One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key');
  // An update of a missing item creates it.
  await ddb.send(new UpdateItemCommand({ TableName: 'leg', Key: key(7), AttributeUpdates: { a: { Value: { S: 'new' } } } }));
  assert.deepEqual((await ddb.send(new GetItemCommand({ TableName: 'leg', Key: key(7), AttributesToGet: ['a'] }))).Item, { a: { S: 'new' } });
});

test('Query with KeyConditions, QueryFilter, AttributesToGet; Scan with ScanFilter', async () => {
  const q = await ddb.send(new QueryCommand({ TableName: 'leg', KeyConditions: {
    pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p' }] }, sk: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '2' }, { N: '4' }] },
  }, QueryFilter: { color: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'blue' }] } }, AttributesToGet: ['sk', 'color'], ScanIndexForward: false }));
  assert.deepEqual(q.Items, [{ sk: { N: '4' }, color: { S: 'blue' } }, { sk: { N: '2' }, color: { S: 'blue' } }]);
  assert.equal(q.ScannedCount, 3);
  const bw = await ddb.send(new QueryCommand({ TableName: 'leg', KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p' }] }, sk: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '3' }] } } }));
  assert.deepEqual(bw.Items!.map((i) => i.sk.N), ['4', '5']);
  const kf = await rejects(ddb.send(new QueryCommand({ TableName: 'leg', KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p' }] } }, QueryFilter: { sk: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '1' }] } } })), 'ValidationException', 400);
  assert.equal(kf.message, 'QueryFilter can only contain non-primary key attributes: Primary key attribute: sk');
  await rejects(ddb.send(new QueryCommand({ TableName: 'leg', KeyConditions: { pk: { ComparisonOperator: 'NE', AttributeValueList: [{ S: 'p' }] } } })), 'ValidationException', 400);
  const s = await ddb.send(new ScanCommand({ TableName: 'leg', ConditionalOperator: 'OR', ScanFilter: {
    n: { ComparisonOperator: 'GE', AttributeValueList: [{ N: '50' }] }, color: { ComparisonOperator: 'IN', AttributeValueList: [{ S: 'blue' }] },
  } }));
  assert.deepEqual(s.Items!.map((i) => i.sk.N).sort(), ['2', '4', '5']);
  const nc = await ddb.send(new ScanCommand({ TableName: 'leg', ScanFilter: { tags: { ComparisonOperator: 'NOT_CONTAINS', AttributeValueList: [{ S: 't3' }] }, n: { ComparisonOperator: 'NOT_NULL' } } }));
  assert.equal(nc.Count, 4);
});

test('boto3: Table resource with legacy Expected, KeyConditions and ScanFilter', async () => {
  const out = await boto3<{ q: number[]; s: number; err: string }>(n, `
from boto3.dynamodb.conditions import Key
t = boto3.resource('dynamodb', endpoint_url=endpoint).Table('leg')
c = t.meta.client
q = c.query(TableName='leg', KeyConditions={'pk': {'ComparisonOperator': 'EQ', 'AttributeValueList': ['p']}, 'sk': {'ComparisonOperator': 'LE', 'AttributeValueList': [2]}})
s = c.scan(TableName='leg', ScanFilter={'color': {'ComparisonOperator': 'BEGINS_WITH', 'AttributeValueList': ['re']}})
err = ''
try:
    t.put_item(Item={'pk': 'p', 'sk': 1}, Expected={'pk': {'Exists': False}})
except c.exceptions.ConditionalCheckFailedException as e:
    err = e.response['Error']['Code']
print(json.dumps({'q': [int(i['sk']) for i in q['Items']], 's': s['Count'], 'err': err}))
`);
  assert.deepEqual(out, { q: [1, 2], s: 3, err: 'ConditionalCheckFailedException' });
});
