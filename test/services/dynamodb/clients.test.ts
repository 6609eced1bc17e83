// DynamoDB through the other real clients: the aws CLI, boto3 (client and the resource layer's
// Table with Key()/Attr() conditions and Decimal numbers) and the JS document client
// (@aws-sdk/lib-dynamodb), including the 38-digit number round trip and error codes.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ddb: DynamoDBClient;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

test('aws CLI: create-table, wait, put-item, get-item, query, conditional failure', async () => {
  const c = await aws(n, ['dynamodb', 'create-table', '--table-name', 'cli', '--attribute-definitions', 'AttributeName=pk,AttributeType=S', 'AttributeName=sk,AttributeType=N',
    '--key-schema', 'AttributeName=pk,KeyType=HASH', 'AttributeName=sk,KeyType=RANGE', '--billing-mode', 'PAY_PER_REQUEST']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(JSON.parse(c.stdout).TableDescription.TableStatus, 'CREATING');
  assert.equal((await aws(n, ['dynamodb', 'wait', 'table-exists', '--table-name', 'cli'])).code, 0);
  const p = await aws(n, ['dynamodb', 'put-item', '--table-name', 'cli', '--item', '{"pk":{"S":"a"},"sk":{"N":"1"},"big":{"N":"12345678901234567890123456789012345678"}}']);
  assert.equal(p.code, 0, p.stderr);
  const g = await aws(n, ['dynamodb', 'get-item', '--table-name', 'cli', '--key', '{"pk":{"S":"a"},"sk":{"N":"1"}}']);
  assert.equal(JSON.parse(g.stdout).Item.big.N, '12345678901234567890123456789012345678');
  const q = await aws(n, ['dynamodb', 'query', '--table-name', 'cli', '--key-condition-expression', 'pk = :p', '--expression-attribute-values', '{":p":{"S":"a"}}']);
  assert.equal(JSON.parse(q.stdout).Count, 1);
  const f = await aws(n, ['dynamodb', 'put-item', '--table-name', 'cli', '--item', '{"pk":{"S":"a"},"sk":{"N":"1"}}', '--condition-expression', 'attribute_not_exists(pk)']);
  assert.notEqual(f.code, 0);
  assert.match(f.stderr, /ConditionalCheckFailedException/);
  assert.match(f.stderr, /The conditional request failed/);
  const lt = await aws(n, ['dynamodb', 'list-tables']);
  assert.deepEqual(JSON.parse(lt.stdout).TableNames, ['cli']);
});

test('boto3: resource Table with Key()/Attr() conditions, Decimal numbers, batch_writer; client errors', async () => {
  const out = await boto3<Record<string, unknown>>(n, `
from decimal import Decimal
from boto3.dynamodb.conditions import Key, Attr
ddb = boto3.resource('dynamodb', endpoint_url=endpoint, region_name='us-east-1')
t = ddb.create_table(TableName='py', KeySchema=[{'AttributeName':'pk','KeyType':'HASH'},{'AttributeName':'sk','KeyType':'RANGE'}],
    AttributeDefinitions=[{'AttributeName':'pk','AttributeType':'S'},{'AttributeName':'sk','AttributeType':'N'}], BillingMode='PAY_PER_REQUEST')
t.wait_until_exists()
with t.batch_writer() as b:
    for i in range(30):
        b.put_item(Item={'pk': 'u', 'sk': i, 'price': Decimal('0.000000000000000000000000000000000001') * i, 'tags': {'a', 'b'}})
r = t.query(KeyConditionExpression=Key('pk').eq('u') & Key('sk').between(5, 9), FilterExpression=Attr('price').gt(Decimal('0.000000000000000000000000000000000006')), ScanIndexForward=False)
t.update_item(Key={'pk':'u','sk':1}, UpdateExpression='ADD tags :t SET price = price + :p', ExpressionAttributeValues={':t': {'c'}, ':p': Decimal('1')})
one = t.get_item(Key={'pk':'u','sk':1})['Item']
client = boto3.client('dynamodb', endpoint_url=endpoint, region_name='us-east-1')
try:
    client.get_item(TableName='py', Key={'pk': {'N': '1'}, 'sk': {'N': '1'}})
    err = None
except botocore.exceptions.ClientError as e:
    err = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps({'sks': [int(i['sk']) for i in r['Items']], 'count': r['Count'], 'scanned': r['ScannedCount'],
  'price': str(one['price']), 'tags': sorted(one['tags']), 'scan': t.scan(Select='COUNT')['Count'], 'err': err}))
`);
  assert.deepEqual(out.sks, [9, 8, 7]);
  assert.equal(out.count, 3);
  assert.equal(out.scanned, 5);
  assert.equal(out.price, '1.000000000000000000000000000000000001');
  assert.deepEqual(out.tags, ['a', 'b', 'c']);
  assert.equal(out.scan, 30);
  assert.deepEqual(out.err, ['ValidationException', 'The provided key element does not match the schema', 400]);
});

test('lib-dynamodb document client: marshalled put/get/update/query and ConditionalCheckFailed', async () => {
  await ddb.send(new CreateTableCommand({ TableName: 'docs', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  const doc = DynamoDBDocumentClient.from(ddb);
  await doc.send(new PutCommand({ TableName: 'docs', Item: { id: 'd1', n: 1, list: ['a', { b: true }], set: new Set(['x']), nested: { deep: null } } }));
  await doc.send(new UpdateCommand({ TableName: 'docs', Key: { id: 'd1' }, UpdateExpression: 'SET n = n + :one, #l = list_append(#l, :more)', ExpressionAttributeNames: { '#l': 'list' }, ExpressionAttributeValues: { ':one': 1, ':more': ['c'] } }));
  const got = (await doc.send(new GetCommand({ TableName: 'docs', Key: { id: 'd1' } }))).Item!;
  assert.equal(got.n, 2);
  assert.deepEqual(got.list, ['a', { b: true }, 'c']);
  assert.deepEqual(got.set, new Set(['x']));
  assert.deepEqual(got.nested, { deep: null });
  const q = await doc.send(new QueryCommand({ TableName: 'docs', KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': 'd1' } }));
  assert.equal(q.Count, 1);
  await rejects(doc.send(new PutCommand({ TableName: 'docs', Item: { id: 'd1' }, ConditionExpression: 'attribute_not_exists(id)' })), 'ConditionalCheckFailedException', 400);
});
