// Query and Scan through the JS SDK v3: key conditions on every operator, DynamoDB's ordering
// (numbers numerically, strings by UTF-8 bytes), direction, Limit/ExclusiveStartKey pages,
// the 1 MB page, filters, Select, LSI/GSI queries with KEYS_ONLY/INCLUDE/ALL projections,
// sparse GSIs kept up to date on every write, and parallel Scan segments.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand, CreateTableCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand,
  UpdateItemCommand, type AttributeValue, type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ddb: DynamoDBClient;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(async () => {
  n.reset();
  await ddb.send(new CreateTableCommand({
    TableName: 'events',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'kind', AttributeType: 'S' }, { AttributeName: 'at', AttributeType: 'S' }, { AttributeName: 'label', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    LocalSecondaryIndexes: [{ IndexName: 'byLabel', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'label', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    GlobalSecondaryIndexes: [
      { IndexName: 'byKind', KeySchema: [{ AttributeName: 'kind', KeyType: 'HASH' }, { AttributeName: 'at', KeyType: 'RANGE' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['size'] } },
      { IndexName: 'allKind', KeySchema: [{ AttributeName: 'kind', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  }));
});

type Item = Record<string, AttributeValue>;
const put = (Item: Item) => ddb.send(new PutItemCommand({ TableName: 'events', Item }));
const q = (input: Partial<QueryCommandInput>) => ddb.send(new QueryCommand({ TableName: 'events', ...input } as QueryCommandInput));
const sks = (items: Item[] | undefined) => (items ?? []).map((i) => i.sk.N);

async function seed(count: number, pk = 'p'): Promise<void> {
  for (let i = 0; i < count; i += 25) {
    const reqs = [];
    for (let j = i; j < Math.min(count, i + 25); j++) reqs.push({ PutRequest: { Item: { pk: { S: pk }, sk: { N: String(j) }, v: { N: String(j % 3) } } } });
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { events: reqs } }));
  }
}

test('Key conditions: every range operator, numeric order, direction', async () => {
  for (const sk of ['10', '9', '-1', '2.5', '100']) await put({ pk: { S: 'p' }, sk: { N: sk } });
  await put({ pk: { S: 'other' }, sk: { N: '1' } });
  const run = async (cond: string, values: Item, forward = true) =>
    sks((await q({ KeyConditionExpression: `pk = :p${cond}`, ExpressionAttributeValues: { ':p': { S: 'p' }, ...values }, ScanIndexForward: forward })).Items);
  assert.deepEqual(await run('', {}), ['-1', '2.5', '9', '10', '100']);
  assert.deepEqual(await run('', {}, false), ['100', '10', '9', '2.5', '-1']);
  assert.deepEqual(await run(' AND sk = :v', { ':v': { N: '9' } }), ['9']);
  assert.deepEqual(await run(' AND sk < :v', { ':v': { N: '9' } }), ['-1', '2.5']);
  assert.deepEqual(await run(' AND sk <= :v', { ':v': { N: '9' } }), ['-1', '2.5', '9']);
  assert.deepEqual(await run(' AND sk > :v', { ':v': { N: '9' } }), ['10', '100']);
  assert.deepEqual(await run(' AND sk >= :v', { ':v': { N: '9' } }, false), ['100', '10', '9']);
  assert.deepEqual(await run(' AND sk BETWEEN :a AND :b', { ':a': { N: '0' }, ':b': { N: '10' } }), ['2.5', '9', '10']);
  const e = await rejects(run(' AND sk BETWEEN :a AND :b', { ':a': { N: '10' }, ':b': { N: '0' } }), 'ValidationException', 400);
  assert.match(e.message, /BETWEEN operator requires upper bound to be greater than or equal to lower bound/);
});

test('Strings sort by UTF-8 bytes; begins_with on a string range key (LSI)', async () => {
  const labels = ['b', 'a', 'ab', '\u{1F600}', '\uFF5E', 'Z'];
  for (const [i, label] of labels.entries()) await put({ pk: { S: 'p' }, sk: { N: String(i) }, label: { S: label } });
  const r = await q({ IndexName: 'byLabel', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } });
  // U+FF5E (EF BD 9E) sorts before U+1F600 (F0 9F 98 80) in UTF-8, though not in UTF-16.
  assert.deepEqual(r.Items!.map((i) => i.label.S), ['Z', 'a', 'ab', 'b', '\uFF5E', '\u{1F600}']);
  assert.deepEqual(Object.keys(r.Items![0]).sort(), ['label', 'pk', 'sk']);
  const b = await q({ IndexName: 'byLabel', KeyConditionExpression: 'pk = :p AND begins_with(label, :a)', ExpressionAttributeValues: { ':p': { S: 'p' }, ':a': { S: 'a' } } });
  assert.deepEqual(b.Items!.map((i) => i.label.S), ['a', 'ab']);
  // LSI with ALL_ATTRIBUTES fetches the whole item.
  const all = await q({ IndexName: 'byLabel', Select: 'ALL_ATTRIBUTES', KeyConditionExpression: 'pk = :p AND label = :l', ExpressionAttributeValues: { ':p': { S: 'p' }, ':l': { S: 'Z' } } });
  assert.equal(all.Items![0].sk.N, '5');
});

test('Pagination: Limit and ExclusiveStartKey, forward and backward; filters count scanned items', async () => {
  await seed(30);
  const pages: string[][] = [];
  let start: Item | undefined;
  do {
    const r = await q({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, Limit: 7, ExclusiveStartKey: start, ScanIndexForward: false });
    pages.push(sks(r.Items) as string[]);
    start = r.LastEvaluatedKey;
  } while (start);
  assert.deepEqual(pages.map((p) => p.length), [7, 7, 7, 7, 2]);
  assert.deepEqual(pages.flat(), Array.from({ length: 30 }, (_, i) => String(29 - i)));
  const f = await q({ KeyConditionExpression: 'pk = :p', FilterExpression: 'v = :z', ExpressionAttributeValues: { ':p': { S: 'p' }, ':z': { N: '0' } }, Limit: 10 });
  assert.equal(f.ScannedCount, 10);
  assert.equal(f.Count, 4);
  assert.deepEqual(f.LastEvaluatedKey, { pk: { S: 'p' }, sk: { N: '9' } });
  const c = await q({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, Select: 'COUNT' });
  assert.equal(c.Count, 30);
  assert.equal(c.Items, undefined);
  const p = await q({ KeyConditionExpression: 'pk = :p AND sk = :s', ProjectionExpression: 'v', ExpressionAttributeValues: { ':p': { S: 'p' }, ':s': { N: '4' } } });
  assert.deepEqual(p.Items, [{ v: { N: '1' } }]);
  const e = await rejects(q({ KeyConditionExpression: 'pk = :p', FilterExpression: 'sk > :z', ExpressionAttributeValues: { ':p': { S: 'p' }, ':z': { N: '0' } } }), 'ValidationException', 400);
  assert.equal(e.message, 'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk');
});

test('Query validation messages', async () => {
  const cases: [Partial<QueryCommandInput>, string][] = [
    [{ KeyConditionExpression: 'sk = :s', ExpressionAttributeValues: { ':s': { N: '1' } } }, 'Query condition missed key schema element: pk'],
    [{ KeyConditionExpression: 'pk > :p', ExpressionAttributeValues: { ':p': { S: 'x' } } }, 'Query key condition not supported'],
    [{ KeyConditionExpression: 'pk = :p OR sk = :s', ExpressionAttributeValues: { ':p': { S: 'x' }, ':s': { N: '1' } } }, 'Invalid operator used in KeyConditionExpression: OR'],
    [{ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { N: '1' } } }, 'One or more parameter values were invalid: Condition parameter type does not match schema type'],
    [{ IndexName: 'nope', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'x' } } }, 'The table does not have the specified index: nope'],
    [{ IndexName: 'byKind', ConsistentRead: true, KeyConditionExpression: 'kind = :k', ExpressionAttributeValues: { ':k': { S: 'x' } } }, 'Consistent reads are not supported on global secondary indexes'],
    [{ IndexName: 'byKind', Select: 'ALL_ATTRIBUTES', KeyConditionExpression: 'kind = :k', ExpressionAttributeValues: { ':k': { S: 'x' } } },
      'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index byKind because its projection type is not ALL'],
  ];
  for (const [input, message] of cases) {
    const e = await rejects(q(input), 'ValidationException', 400);
    assert.equal(e.message, message);
  }
});

test('GSIs: sparse, INCLUDE projection, kept current on put/update/delete; capacity on the index', async () => {
  await put({ pk: { S: 'a' }, sk: { N: '1' }, kind: { S: 'click' }, at: { S: '2024-01-02' }, size: { N: '5' }, secret: { S: 's' } });
  await put({ pk: { S: 'b' }, sk: { N: '1' }, kind: { S: 'click' }, at: { S: '2024-01-01' } });
  await put({ pk: { S: 'c' }, sk: { N: '1' }, kind: { S: 'view' } }); // not in byKind (no `at`), in allKind
  await put({ pk: { S: 'd' }, sk: { N: '1' } }); // in neither
  const kq = (kind: string, index = 'byKind') => q({ IndexName: index, KeyConditionExpression: 'kind = :k', ExpressionAttributeValues: { ':k': { S: kind } }, ReturnConsumedCapacity: 'INDEXES' });
  const r = await kq('click');
  assert.deepEqual(r.Items, [
    { pk: { S: 'b' }, sk: { N: '1' }, kind: { S: 'click' }, at: { S: '2024-01-01' } },
    { pk: { S: 'a' }, sk: { N: '1' }, kind: { S: 'click' }, at: { S: '2024-01-02' }, size: { N: '5' } },
  ]);
  assert.equal(r.ConsumedCapacity?.GlobalSecondaryIndexes?.byKind.CapacityUnits, 0.5);
  assert.equal(r.ConsumedCapacity?.Table?.CapacityUnits, 0);
  assert.equal((await kq('view')).Count, 0);
  assert.equal((await kq('view', 'allKind')).Items![0].pk.S, 'c');
  // Update moves an item between GSI partitions; delete removes it.
  const w = await ddb.send(new UpdateItemCommand({ TableName: 'events', Key: { pk: { S: 'a' }, sk: { N: '1' } }, UpdateExpression: 'SET kind = :v', ExpressionAttributeValues: { ':v': { S: 'view' } }, ReturnConsumedCapacity: 'INDEXES' }));
  assert.deepEqual(w.ConsumedCapacity?.GlobalSecondaryIndexes, { byKind: { CapacityUnits: 2, WriteCapacityUnits: 2 }, allKind: { CapacityUnits: 2, WriteCapacityUnits: 2 } });
  assert.equal(w.ConsumedCapacity?.CapacityUnits, 5);
  assert.equal((await kq('click')).Count, 1);
  assert.equal((await kq('view')).Items![0].pk.S, 'a');
  await ddb.send(new DeleteItemCommand({ TableName: 'events', Key: { pk: { S: 'a' }, sk: { N: '1' } } }));
  assert.equal((await kq('view')).Count, 0);
  // GSI pages carry the index key and the table key.
  const p = await q({ IndexName: 'allKind', KeyConditionExpression: 'kind = :k', ExpressionAttributeValues: { ':k': { S: 'click' } }, Limit: 1 });
  assert.deepEqual(p.LastEvaluatedKey, { pk: { S: 'b' }, sk: { N: '1' }, kind: { S: 'click' } });
  const wrong = await rejects(put({ pk: { S: 'x' }, sk: { N: '1' }, kind: { N: '1' } }), 'ValidationException', 400);
  assert.equal(wrong.message, 'One or more parameter values were invalid: Type mismatch for Index Key kind Expected: S Actual: N IndexName: byKind');
});

test('Scan: pages cover every item once, parallel segments partition the table, 1 MB page limit', async () => {
  for (const pk of ['a', 'b', 'c', 'd', 'e', 'f']) await seed(10, pk);
  const seen: string[] = [];
  let start: Item | undefined;
  let pages = 0;
  do {
    const r: { Items?: Item[]; LastEvaluatedKey?: Item } = await ddb.send(new ScanCommand({ TableName: 'events', Limit: 8, ExclusiveStartKey: start }));
    for (const i of r.Items!) seen.push(`${i.pk.S}/${i.sk.N}`);
    start = r.LastEvaluatedKey;
    pages++;
  } while (start);
  assert.equal(seen.length, 60);
  assert.equal(new Set(seen).size, 60);
  assert.equal(pages, 8);
  const segs = await Promise.all([0, 1, 2].map((Segment) => ddb.send(new ScanCommand({ TableName: 'events', Segment, TotalSegments: 3 }))));
  assert.equal(segs.reduce((a, r) => a + r.Count!, 0), 60);
  const f = await ddb.send(new ScanCommand({ TableName: 'events', FilterExpression: 'v = :v AND pk IN (:a, :b)', ExpressionAttributeValues: { ':v': { N: '1' }, ':a': { S: 'a' }, ':b': { S: 'b' } } }));
  assert.equal(f.Count, 6);
  assert.equal(f.ScannedCount, 60);
  const e = await rejects(ddb.send(new ScanCommand({ TableName: 'events', Segment: 3, TotalSegments: 3 })), 'ValidationException', 400);
  assert.equal(e.message, 'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 3');
  // 1 MB pages: 30 items of ~100 KB are read in pages that stop once a page passes 1 MB.
  n.reset();
  await ddb.send(new CreateTableCommand({ TableName: 'big', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  const blob = 'x'.repeat(100_000);
  await Promise.all(Array.from({ length: 30 }, (_, i) => ddb.send(new PutItemCommand({ TableName: 'big', Item: { id: { N: String(i) }, blob: { S: blob } } }))));
  const counts: number[] = [];
  start = undefined;
  do {
    const r: { Count?: number; LastEvaluatedKey?: Item } = await ddb.send(new ScanCommand({ TableName: 'big', ExclusiveStartKey: start, Select: 'COUNT', ReturnConsumedCapacity: 'TOTAL' }));
    counts.push(r.Count!);
    start = r.LastEvaluatedKey;
  } while (start);
  assert.deepEqual(counts, [11, 11, 8]);
});
