// DynamoDB items through the JS SDK v3: Put/Get/Update/Delete, condition, update and projection
// expressions, ReturnValues, exact 38-digit numbers, sets, key checks and size limits, and
// optimistic locking under concurrency. Messages are DynamoDB's (API Reference / Developer Guide).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand,
  type AttributeValue,
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
    TableName: 'items',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
});

type Item = Record<string, AttributeValue>;
const put = (Item: Item, extra: object = {}) => ddb.send(new PutItemCommand({ TableName: 'items', Item, ...extra }));
const get = async (id: string, extra: object = {}) => (await ddb.send(new GetItemCommand({ TableName: 'items', Key: { id: { S: id } }, ...extra }))).Item;
const update = (id: string, UpdateExpression: string, values?: Item, extra: object = {}) =>
  ddb.send(new UpdateItemCommand({ TableName: 'items', Key: { id: { S: id } }, UpdateExpression, ExpressionAttributeValues: values, ...extra }));

test('PutItem / GetItem round trip every type; 38-digit numbers exact and normalised', async () => {
  const item: Item = {
    id: { S: 'a' }, s: { S: 'héllo' }, big: { N: '12345678901234567890123456789012345678' },
    tiny: { N: '0.000000000000000000000000000000000001' }, neg: { N: '-1.500' }, exp: { N: '1.5e3' },
    b: { B: Buffer.from([0, 1, 2]) }, ss: { SS: ['x', 'y'] }, ns: { NS: ['1', '2.50'] }, bs: { BS: [Buffer.from('q')] },
    m: { M: { deep: { L: [{ N: '1' }, { NULL: true }, { BOOL: false }] } } }, empty: { S: '' },
  };
  await put(item);
  const got = (await get('a', { ConsistentRead: true }))!;
  assert.equal(got.big.N, '12345678901234567890123456789012345678');
  assert.equal(got.tiny.N, '0.000000000000000000000000000000000001');
  assert.equal(got.neg.N, '-1.5');
  assert.equal(got.exp.N, '1500');
  assert.deepEqual(got.ns.NS, ['1', '2.5']);
  assert.deepEqual(Buffer.from(got.b.B!), Buffer.from([0, 1, 2]));
  assert.deepEqual(got.m, { M: { deep: { L: [{ N: '1' }, { NULL: true }, { BOOL: false }] } } });
  assert.equal(got.s.S, 'héllo');
  assert.equal(got.empty.S, '');
  // Arithmetic is exact too.
  const r = await update('a', 'SET big = big + :one, tiny = tiny + :one', { ':one': { N: '1' } }, { ReturnValues: 'UPDATED_NEW' });
  assert.equal(r.Attributes!.tiny.N, '1.000000000000000000000000000000000001');
  const over = await rejects(update('a', 'SET big = big + :one', { ':one': { N: '0.1' } }), 'ValidationException', 400);
  assert.equal(over.message, 'Attempting to store more than 38 significant digits in a Number');
});

test('Value validation: numbers, sets, empty values, key types, item size', async () => {
  const cases: [Item, string][] = [
    [{ id: { S: 'a' }, n: { N: 'abc' } }, 'A value provided cannot be converted into a number'],
    [{ id: { S: 'a' }, n: { N: '123456789012345678901234567890123456789' } }, 'Attempting to store more than 38 significant digits in a Number'],
    [{ id: { S: 'a' }, n: { N: '1e126' } }, 'Number overflow. Attempting to store a number with magnitude larger than supported range'],
    [{ id: { S: 'a' }, n: { N: '1e-131' } }, 'Number underflow. Attempting to store a number with magnitude smaller than supported range'],
    [{ id: { S: 'a' }, s: { SS: [] } }, 'One or more parameter values were invalid: An string set  may not be empty'],
    [{ id: { S: 'a' }, s: { SS: ['x', 'x'] } }, 'One or more parameter values were invalid: Input collection [x, x] contains duplicates.'],
    [{ id: { N: '1' } }, 'One or more parameter values were invalid: Type mismatch for key id expected: S actual: N'],
    [{ other: { S: 'x' } }, 'One or more parameter values were invalid: Missing the key id in the item'],
    [{ id: { S: '' } }, 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id'],
    [{ id: { S: 'a' }, x: {} as AttributeValue }, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [{ id: { S: 'a' }, big: { S: 'x'.repeat(400 * 1024) } }, 'Item size has exceeded the maximum allowed size'],
  ];
  for (const [item, message] of cases) {
    const e = await rejects(put(item), 'ValidationException', 400);
    assert.equal(e.message, message);
  }
  const k = await rejects(get('x', { Key: { id: { N: '1' } } }), 'ValidationException', 400);
  assert.equal(k.message, 'The provided key element does not match the schema');
  const nf = await rejects(ddb.send(new GetItemCommand({ TableName: 'nope', Key: { id: { S: 'a' } } })), 'ResourceNotFoundException', 400);
  assert.equal(nf.message, 'Requested resource not found');
});

test('Conditions: attribute_not_exists, comparisons, functions; ConditionalCheckFailedException with ALL_OLD', async () => {
  await put({ id: { S: 'a' }, n: { N: '5' }, s: { S: 'hello world' }, tags: { SS: ['x', 'y'] }, l: { L: [{ S: 'p' }] } });
  const e = await rejects(put({ id: { S: 'a' } }, { ConditionExpression: 'attribute_not_exists(id)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }), 'ConditionalCheckFailedException', 400);
  assert.equal(e.message, 'The conditional request failed');
  assert.equal((e as unknown as { Item: Item }).Item.n.N, '5');
  const ok = async (cond: string, values?: Item, names?: Record<string, string>) =>
    update('a', 'SET touched = :t', { ':t': { BOOL: true }, ...values }, { ConditionExpression: cond, ExpressionAttributeNames: names });
  await ok('n = :v', { ':v': { N: '5.0' } });
  await ok('n BETWEEN :lo AND :hi', { ':lo': { N: '1' }, ':hi': { N: '10' } });
  await ok('n IN (:a, :b)', { ':a': { N: '4' }, ':b': { N: '5' } });
  await ok('begins_with(s, :p) AND contains(s, :w)', { ':p': { S: 'hell' }, ':w': { S: 'wor' } });
  await ok('contains(tags, :x) AND size(tags) = :two AND size(s) > :ten', { ':x': { S: 'y' }, ':two': { N: '2' }, ':ten': { N: '10' } });
  await ok('attribute_type(l, :t) AND contains(l, :p)', { ':t': { S: 'L' }, ':p': { S: 'p' } });
  await ok('NOT (n < :v OR absent = :v) AND (#s <> :v)', { ':v': { N: '3' } }, { '#s': 's' });
  await ok('absent <> :v', { ':v': { N: '3' } });
  await rejects(ok('n > :v', { ':v': { S: '3' } }), 'ConditionalCheckFailedException', 400);
  await rejects(ok('attribute_exists(nope)'), 'ConditionalCheckFailedException', 400);
  // Conditions on DeleteItem; ReturnValues ALL_OLD.
  await rejects(ddb.send(new DeleteItemCommand({ TableName: 'items', Key: { id: { S: 'a' } }, ConditionExpression: 'n = :v', ExpressionAttributeValues: { ':v': { N: '6' } } })), 'ConditionalCheckFailedException', 400);
  const d = await ddb.send(new DeleteItemCommand({ TableName: 'items', Key: { id: { S: 'a' } }, ReturnValues: 'ALL_OLD' }));
  assert.equal(d.Attributes?.touched.BOOL, true);
  assert.equal(await get('a'), undefined);
});

test('Expression errors: unused and undefined names/values, syntax, reserved words, key updates', async () => {
  await put({ id: { S: 'a' } });
  const cases: [Promise<unknown>, string][] = [
    [update('a', 'SET x = :x', { ':x': { N: '1' }, ':y': { N: '2' } }), 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}'],
    [update('a', 'SET x = :x', { ':y': { N: '2' } }), 'An expression attribute value used in expression is not defined; attribute value: :x'],
    [update('a', 'SET #x = :x', { ':x': { N: '1' } }), 'An expression attribute name used in the document path is not defined; attribute name: #x'],
    [update('a', 'SET x = :x', { ':x': { N: '1' } }, { ExpressionAttributeNames: { '#q': 'q' } }), 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#q}'],
    [update('a', 'SET status = :x', { ':x': { N: '1' } }), 'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status'],
    [update('a', 'SET x = :x SET y = :x', { ':x': { N: '1' } }), 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'],
    [update('a', 'SET a = :x, a.b = :x', { ':x': { N: '1' } }), 'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]'],
    [update('a', 'SET id = :x', { ':x': { S: 'b' } }), 'One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key'],
    [update('a', 'SET x = :x', { ':x': { N: '1' } }, { ConditionExpression: 'x = ' }), 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "x ="'],
    [update('a', 'SET x = y + :x', { ':x': { N: '1' } }), 'The provided expression refers to an attribute that does not exist in the item'],
    [update('a', 'SET x = :x + :y', { ':x': { N: '1' }, ':y': { S: 's' } }), 'An operand in the update expression has an incorrect data type'],
    [update('a', 'SET x.y = :x', { ':x': { N: '1' } }), 'The document path provided in the update expression is invalid for update'],
    [ddb.send(new GetItemCommand({ TableName: 'items', Key: { id: { S: 'a' } }, ExpressionAttributeNames: { '#a': 'a' } })), 'ExpressionAttributeNames can only be specified when using expressions'],
  ];
  for (const [p, message] of cases) {
    const e = await rejects(p, 'ValidationException', 400);
    assert.equal(e.message, message);
  }
});

test('UpdateExpression: SET arithmetic, if_not_exists, list_append, nested paths, REMOVE, ADD, DELETE; ReturnValues', async () => {
  const r1 = await update('u', 'SET hits = if_not_exists(hits, :zero) + :one, profile = :p, #l = list_append(if_not_exists(#l, :empty), :items)',
    { ':zero': { N: '0' }, ':one': { N: '1' }, ':p': { M: { name: { S: 'Ann' } } }, ':empty': { L: [] }, ':items': { L: [{ S: 'a' }, { S: 'b' }, { S: 'c' }] } },
    { ExpressionAttributeNames: { '#l': 'list' }, ReturnValues: 'ALL_NEW' });
  assert.deepEqual(r1.Attributes, { id: { S: 'u' }, hits: { N: '1' }, profile: { M: { name: { S: 'Ann' } } }, list: { L: [{ S: 'a' }, { S: 'b' }, { S: 'c' }] } });
  const r2 = await update('u', 'SET profile.age = :age, #l[1] = :x, hits = hits - :half REMOVE #l[0] ADD tags :t, n :n',
    { ':age': { N: '30' }, ':x': { S: 'B' }, ':half': { N: '0.5' }, ':t': { SS: ['t1', 't2'] }, ':n': { N: '7' } },
    { ExpressionAttributeNames: { '#l': 'list' }, ReturnValues: 'UPDATED_NEW' });
  assert.deepEqual(r2.Attributes!.hits, { N: '0.5' });
  assert.deepEqual(r2.Attributes!.profile, { M: { age: { N: '30' } } });
  const it = (await get('u'))!;
  assert.deepEqual(it.list, { L: [{ S: 'B' }, { S: 'c' }] });
  assert.deepEqual(it.profile, { M: { name: { S: 'Ann' }, age: { N: '30' } } });
  assert.equal(it.n.N, '7');
  const r3 = await update('u', 'DELETE tags :t ADD n :n REMOVE profile.#nm', { ':t': { SS: ['t1'] }, ':n': { N: '-10' } }, { ReturnValues: 'UPDATED_OLD', ExpressionAttributeNames: { '#nm': 'name' } });
  assert.deepEqual(r3.Attributes!.tags.SS!.sort(), ['t1', 't2']);
  assert.equal(r3.Attributes!.n.N, '7');
  const it2 = (await get('u'))!;
  assert.deepEqual(it2.tags, { SS: ['t2'] });
  assert.equal(it2.n.N, '-3');
  assert.deepEqual(it2.profile, { M: { age: { N: '30' } } });
  await update('u', 'DELETE tags :t', { ':t': { SS: ['t2'] } });
  assert.equal((await get('u'))!.tags, undefined);
  const old = await update('u', 'SET hits = :v', { ':v': { N: '9' } }, { ReturnValues: 'ALL_OLD' });
  assert.equal(old.Attributes!.hits.N, '0.5');
  await rejects(update('u', 'ADD profile :n', { ':n': { N: '1' } }), 'ValidationException', 400);
});

test('ProjectionExpression: nested paths and list indexes', async () => {
  await put({ id: { S: 'p' }, a: { M: { b: { L: [{ S: 'x' }, { M: { c: { N: '1' }, d: { N: '2' } } }, { S: 'z' }] }, e: { S: 'e' } } }, f: { S: 'f' } });
  const it = await get('p', { ProjectionExpression: 'a.b[1].c, a.b[2], #f', ExpressionAttributeNames: { '#f': 'f' } });
  assert.deepEqual(it, { a: { M: { b: { L: [{ M: { c: { N: '1' } } }, { S: 'z' }] } } }, f: { S: 'f' } });
  const e = await rejects(get('p', { ProjectionExpression: 'a, a.b' }), 'ValidationException', 400);
  assert.match(e.message, /^Invalid ProjectionExpression: Two document paths overlap/);
});

test('Optimistic locking: 50 concurrent conditional updates on one version, exactly one wins', async () => {
  await put({ id: { S: 'lock' }, version: { N: '1' } });
  const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) =>
    update('lock', 'SET version = version + :one, winner = :w', { ':one': { N: '1' }, ':v': { N: '1' }, ':w': { N: String(i) } }, { ConditionExpression: 'version = :v' })));
  const ok = results.filter((r) => r.status === 'fulfilled');
  const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
  assert.equal(ok.length, 1);
  assert.equal(failed.length, 49);
  for (const f of failed) assert.equal((f.reason as Error).name, 'ConditionalCheckFailedException');
  assert.equal((await get('lock'))!.version.N, '2');
});

test('ReturnConsumedCapacity: 1 KB write units, 4 KB read units halved when eventually consistent', async () => {
  const w = await put({ id: { S: 'c' }, data: { S: 'x'.repeat(2000) } }, { ReturnConsumedCapacity: 'TOTAL' });
  assert.deepEqual(w.ConsumedCapacity, { TableName: 'items', CapacityUnits: 2, WriteCapacityUnits: 2 });
  const r = await ddb.send(new GetItemCommand({ TableName: 'items', Key: { id: { S: 'c' } }, ReturnConsumedCapacity: 'TOTAL' }));
  assert.equal(r.ConsumedCapacity?.CapacityUnits, 0.5);
  const rc = await ddb.send(new GetItemCommand({ TableName: 'items', Key: { id: { S: 'c' } }, ConsistentRead: true, ReturnConsumedCapacity: 'INDEXES' }));
  assert.equal(rc.ConsumedCapacity?.CapacityUnits, 1);
  assert.deepEqual(rc.ConsumedCapacity?.Table, { CapacityUnits: 1, ReadCapacityUnits: 1 });
});
