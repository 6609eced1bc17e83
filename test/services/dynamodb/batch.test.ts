// Batches and transactions through the JS SDK v3: BatchGetItem/BatchWriteItem limits and
// duplicate keys, TransactWriteItems all-or-nothing with CancellationReasons, ClientRequestToken
// idempotency for 10 minutes of the clock, TransactGetItems, and transactional capacity.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchGetItemCommand, BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand,
  TransactGetItemsCommand, TransactWriteItemsCommand, TransactionCanceledException, type AttributeValue,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ddb: DynamoDBClient;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(async () => {
  n.reset();
  for (const TableName of ['accounts', 'ledger']) {
    await ddb.send(new CreateTableCommand({
      TableName, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST',
    }));
  }
});

type Item = Record<string, AttributeValue>;
const get = async (TableName: string, id: string) => (await ddb.send(new GetItemCommand({ TableName, Key: { id: { S: id } }, ConsistentRead: true }))).Item;

test('BatchWriteItem puts and deletes across tables; BatchGetItem reads them back', async () => {
  await ddb.send(new PutItemCommand({ TableName: 'ledger', Item: { id: { S: 'old' } } }));
  const w = await ddb.send(new BatchWriteItemCommand({
    RequestItems: {
      accounts: Array.from({ length: 20 }, (_, i) => ({ PutRequest: { Item: { id: { S: `a${i}` }, n: { N: String(i) } } } })),
      ledger: [{ DeleteRequest: { Key: { id: { S: 'old' } } } }, { PutRequest: { Item: { id: { S: 'new' } } } }],
    },
    ReturnConsumedCapacity: 'TOTAL',
  }));
  assert.deepEqual(w.UnprocessedItems, {});
  assert.deepEqual(w.ConsumedCapacity?.find((c) => c.TableName === 'accounts')?.CapacityUnits, 20);
  const r = await ddb.send(new BatchGetItemCommand({
    RequestItems: {
      accounts: { Keys: [{ id: { S: 'a3' } }, { id: { S: 'a19' } }, { id: { S: 'zzz' } }], ProjectionExpression: 'n' },
      ledger: { Keys: [{ id: { S: 'old' } }, { id: { S: 'new' } }], ConsistentRead: true },
    },
  }));
  assert.deepEqual(r.Responses!.accounts.map((i) => i.n.N).sort(), ['19', '3']);
  assert.deepEqual(r.Responses!.ledger, [{ id: { S: 'new' } }]);
  assert.deepEqual(r.UnprocessedKeys, {});
});

test('Batch limits and duplicate keys', async () => {
  const tooMany = await rejects(ddb.send(new BatchWriteItemCommand({ RequestItems: {
    accounts: Array.from({ length: 13 }, (_, i) => ({ PutRequest: { Item: { id: { S: `a${i}` } } } })),
    ledger: Array.from({ length: 13 }, (_, i) => ({ PutRequest: { Item: { id: { S: `l${i}` } } } })),
  } })), 'ValidationException', 400);
  assert.equal(tooMany.message, 'Too many items requested for the BatchWriteItem call');
  const dup = await rejects(ddb.send(new BatchWriteItemCommand({ RequestItems: {
    accounts: [{ PutRequest: { Item: { id: { S: 'x' } } } }, { DeleteRequest: { Key: { id: { S: 'x' } } } }],
  } })), 'ValidationException', 400);
  assert.equal(dup.message, 'Provided list of item keys contains duplicates');
  assert.equal(await get('accounts', 'x'), undefined); // nothing written
  const dupGet = await rejects(ddb.send(new BatchGetItemCommand({ RequestItems: { accounts: { Keys: [{ id: { S: 'x' } }, { id: { S: 'x' } }] } } })), 'ValidationException', 400);
  assert.equal(dupGet.message, 'Provided list of item keys contains duplicates');
  const many = await rejects(ddb.send(new BatchGetItemCommand({ RequestItems: {
    accounts: { Keys: Array.from({ length: 60 }, (_, i) => ({ id: { S: `a${i}` } })) },
    ledger: { Keys: Array.from({ length: 41 }, (_, i) => ({ id: { S: `l${i}` } })) },
  } })), 'ValidationException', 400);
  assert.equal(many.message, 'Too many items requested for the BatchGetItem call');
});

const transfer = (amount: string, token?: string): TransactWriteItemsCommandInput => ({
  ClientRequestToken: token,
  TransactItems: [
    { Update: { TableName: 'accounts', Key: { id: { S: 'alice' } }, UpdateExpression: 'SET balance = balance - :a', ConditionExpression: 'balance >= :a', ExpressionAttributeValues: { ':a': { N: amount } } } },
    { Update: { TableName: 'accounts', Key: { id: { S: 'bob' } }, UpdateExpression: 'SET balance = balance + :a', ExpressionAttributeValues: { ':a': { N: amount } } } },
    { Put: { TableName: 'ledger', Item: { id: { S: `t-${amount}-${token ?? ''}` }, amount: { N: amount } }, ConditionExpression: 'attribute_not_exists(id)' } },
    { ConditionCheck: { TableName: 'accounts', Key: { id: { S: 'bank' } }, ConditionExpression: 'attribute_exists(id)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
  ],
});

test('TransactWriteItems: all-or-nothing with one CancellationReason per item', async () => {
  for (const [id, balance] of [['alice', '100'], ['bob', '0'], ['bank', '0']]) {
    await ddb.send(new PutItemCommand({ TableName: 'accounts', Item: { id: { S: id }, balance: { N: balance } } }));
  }
  const ok = await ddb.send(new TransactWriteItemsCommand({ ...transfer('60'), ReturnConsumedCapacity: 'TOTAL' }));
  assert.equal((await get('accounts', 'alice'))!.balance.N, '40');
  assert.equal((await get('accounts', 'bob'))!.balance.N, '60');
  // Transactions cost double: 3 writes of 1 KB and one read → 2 + 2 + 2 + 2.
  assert.equal(ok.ConsumedCapacity!.reduce((a, c) => a + c.CapacityUnits!, 0), 8);
  const e = await rejects(ddb.send(new TransactWriteItemsCommand(transfer('50'))), 'TransactionCanceledException', 400) as unknown as TransactionCanceledException;
  assert.equal(e.message, 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None, None]');
  assert.deepEqual(e.CancellationReasons?.map((r) => r.Code), ['ConditionalCheckFailed', 'None', 'None', 'None']);
  assert.equal(e.CancellationReasons?.[0].Message, 'The conditional request failed');
  // Nothing of the cancelled transaction happened.
  assert.equal((await get('accounts', 'bob'))!.balance.N, '60');
  assert.equal(await get('ledger', 't-50-'), undefined);
  const same = await rejects(ddb.send(new TransactWriteItemsCommand({ TransactItems: [
    { Put: { TableName: 'accounts', Item: { id: { S: 'x' } } } },
    { Delete: { TableName: 'accounts', Key: { id: { S: 'x' } } } },
  ] })), 'ValidationException', 400);
  assert.equal(same.message, 'Transaction request cannot include multiple operations on one item');
});

test('TransactWriteItems: ClientRequestToken is idempotent for 10 minutes', async () => {
  for (const [id, balance] of [['alice', '100'], ['bob', '0'], ['bank', '0']]) {
    await ddb.send(new PutItemCommand({ TableName: 'accounts', Item: { id: { S: id }, balance: { N: balance } } }));
  }
  await ddb.send(new TransactWriteItemsCommand(transfer('10', 'tok-1')));
  await ddb.send(new TransactWriteItemsCommand(transfer('10', 'tok-1'))); // replay: no second transfer
  assert.equal((await get('accounts', 'alice'))!.balance.N, '90');
  const e = await rejects(ddb.send(new TransactWriteItemsCommand(transfer('20', 'tok-1'))), 'IdempotentParameterMismatchException', 400);
  assert.match(e.message, /same client token/);
  n.clock.advance('PT11M');
  // After 10 minutes the token is forgotten; the write (its ledger Put) now conflicts.
  await rejects(ddb.send(new TransactWriteItemsCommand(transfer('10', 'tok-1'))), 'TransactionCanceledException', 400);
  assert.equal((await get('accounts', 'alice'))!.balance.N, '90');
});

test('TransactGetItems returns items in order, empty entries for missing ones', async () => {
  await ddb.send(new PutItemCommand({ TableName: 'accounts', Item: { id: { S: 'a' }, x: { N: '1' }, y: { N: '2' } } }));
  const r = await ddb.send(new TransactGetItemsCommand({ TransactItems: [
    { Get: { TableName: 'accounts', Key: { id: { S: 'a' } }, ProjectionExpression: 'y' } },
    { Get: { TableName: 'ledger', Key: { id: { S: 'missing' } } } },
  ], ReturnConsumedCapacity: 'TOTAL' }));
  assert.deepEqual(r.Responses?.map((x) => x.Item as Item | undefined), [{ y: { N: '2' } }, undefined]);
  assert.equal(r.ConsumedCapacity!.reduce((a, c) => a + c.CapacityUnits!, 0), 4);
});
