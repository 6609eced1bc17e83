// PartiQL through the JS SDK v3, lib-dynamodb, the aws CLI and boto3: ExecuteStatement
// (SELECT with key and non-key conditions, projections, indexes, Limit/NextToken; INSERT,
// UPDATE, DELETE with parameters), BatchExecuteStatement with per-statement errors, and
// ExecuteTransaction all-or-nothing with CancellationReasons.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchExecuteStatementCommand, CreateTableCommand, DynamoDBClient, ExecuteStatementCommand, ExecuteTransactionCommand,
  GetItemCommand, TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ExecuteStatementCommand as DocExecute } from '@aws-sdk/lib-dynamodb';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ddb: DynamoDBClient;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(async () => {
  n.reset();
  await ddb.send(new CreateTableCommand({
    TableName: 'Music',
    AttributeDefinitions: [{ AttributeName: 'Artist', AttributeType: 'S' }, { AttributeName: 'Song', AttributeType: 'S' }, { AttributeName: 'Genre', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'Artist', KeyType: 'HASH' }, { AttributeName: 'Song', KeyType: 'RANGE' }],
    GlobalSecondaryIndexes: [{ IndexName: 'ByGenre', KeySchema: [{ AttributeName: 'Genre', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
});

const exec = (Statement: string, Parameters?: object[], extra: object = {}) =>
  ddb.send(new ExecuteStatementCommand({ Statement, Parameters: Parameters as never, ...extra }));

async function seed(): Promise<void> {
  await exec(`INSERT INTO "Music" VALUE {'Artist': 'Acme', 'Song': 'One', 'Genre': 'rock', 'Year': 1999, 'Tags': <<'a', 'b'>>}`);
  await exec(`INSERT INTO Music VALUE {'Artist': ?, 'Song': ?, 'Genre': 'pop', 'Year': ?}`, [{ S: 'Acme' }, { S: 'Two' }, { N: '2005' }]);
  await exec(`INSERT INTO "Music" VALUE {'Artist': 'Band', 'Song': 'Three', 'Genre': 'rock', 'Year': 2010, 'Info': {'live': true, 'chart': [1, 2]}}`);
}

test('INSERT, then SELECT by key, by non-key condition, projection and index', async () => {
  await seed();
  const dup = await rejects(exec(`INSERT INTO "Music" VALUE {'Artist': 'Acme', 'Song': 'One'}`), 'DuplicateItemException', 400);
  assert.equal(dup.message, 'Duplicate primary key exists in table');
  const one = await exec(`SELECT * FROM "Music" WHERE Artist = 'Acme' AND Song = 'One'`);
  assert.deepEqual(one.Items, [{ Artist: { S: 'Acme' }, Song: { S: 'One' }, Genre: { S: 'rock' }, Year: { N: '1999' }, Tags: { SS: ['a', 'b'] } }]);
  const acme = await exec(`SELECT Song, "Year" FROM "Music" WHERE "Artist" = ? AND "Year" > ?`, [{ S: 'Acme' }, { N: '2000' }]);
  assert.deepEqual(acme.Items, [{ Song: { S: 'Two' }, Year: { N: '2005' } }]);
  const scan = await exec(`SELECT Song FROM Music WHERE Genre = 'rock' AND begins_with(Song, 'T')`);
  assert.deepEqual(scan.Items, [{ Song: { S: 'Three' } }]);
  const nested = await exec(`SELECT Info.chart[1] FROM Music WHERE Artist = 'Band' AND Info.live = true`);
  assert.deepEqual(nested.Items, [{ Info: { M: { chart: { L: [{ N: '2' }] } } } }]);
  const idx = await exec(`SELECT Artist, Song FROM "Music"."ByGenre" WHERE Genre = 'rock'`);
  assert.deepEqual(idx.Items!.map((i) => i.Song.S).sort(), ['One', 'Three']);
  const inList = await exec(`SELECT Song FROM Music WHERE Song IN ['One', 'Three'] AND Year BETWEEN 1990 AND 2000`);
  assert.deepEqual(inList.Items, [{ Song: { S: 'One' } }]);
  const missing = await exec(`SELECT Song FROM Music WHERE Info IS MISSING AND Artist <> 'Zed'`);
  assert.equal(missing.Items!.length, 2);
  await rejects(exec(`SELECT * FROM "Nope" WHERE Artist = 'x'`), 'ResourceNotFoundException', 400);
  await rejects(exec(`SELEKT * FROM Music`), 'ValidationException', 400);
  await rejects(exec(`SELECT * FROM Music WHERE Artist = ?`, []), 'ValidationException', 400);
});

test('SELECT pages with Limit and NextToken', async () => {
  for (let i = 0; i < 7; i++) await exec(`INSERT INTO Music VALUE {'Artist': 'A', 'Song': ?}`, [{ S: `s${i}` }]);
  const seen: string[] = [];
  let NextToken: string | undefined;
  let pages = 0;
  do {
    const r = await exec(`SELECT Song FROM Music WHERE Artist = 'A'`, undefined, { Limit: 3, NextToken });
    seen.push(...r.Items!.map((i) => i.Song.S!));
    NextToken = r.NextToken;
    pages++;
  } while (NextToken);
  assert.deepEqual(seen, ['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
  assert.equal(pages, 3);
});

test('UPDATE SET/REMOVE with conditions; missing item fails the condition; DELETE', async () => {
  await seed();
  await exec(`UPDATE "Music" SET Year = Year + 1 SET Plays = ? REMOVE Tags WHERE Artist = 'Acme' AND Song = 'One'`, [{ N: '5' }]);
  const it = (await ddb.send(new GetItemCommand({ TableName: 'Music', Key: { Artist: { S: 'Acme' }, Song: { S: 'One' } } }))).Item!;
  assert.equal(it.Year.N, '2000');
  assert.equal(it.Plays.N, '5');
  assert.equal(it.Tags, undefined);
  const miss = await rejects(exec(`UPDATE Music SET Plays = 1 WHERE Artist = 'Ghost' AND Song = 'None'`), 'ConditionalCheckFailedException', 400);
  assert.equal(miss.message, 'The conditional request failed');
  await rejects(exec(`UPDATE Music SET Plays = 1 WHERE Artist = 'Acme' AND Song = 'One' AND Plays > 10`), 'ConditionalCheckFailedException', 400);
  const nokey = await rejects(exec(`UPDATE Music SET Plays = 1 WHERE Artist = 'Acme'`), 'ValidationException', 400);
  assert.equal(nokey.message, 'Where clause does not contain a mandatory equality on all key attributes');
  await exec(`DELETE FROM Music WHERE Artist = 'Acme' AND Song = 'One'`);
  assert.equal((await exec(`SELECT * FROM Music WHERE Artist = 'Acme' AND Song = 'One'`)).Items!.length, 0);
  await exec(`DELETE FROM Music WHERE Artist = 'Acme' AND Song = 'One'`); // already gone: no error
  await rejects(exec(`DELETE FROM Music WHERE Artist = 'Acme' AND Song = 'Two' AND Year = 1`), 'ConditionalCheckFailedException', 400);
});

test('BatchExecuteStatement: per-statement results and errors', async () => {
  await seed();
  const w = await ddb.send(new BatchExecuteStatementCommand({ Statements: [
    { Statement: `INSERT INTO Music VALUE {'Artist': 'New', 'Song': 'S'}` },
    { Statement: `INSERT INTO Music VALUE {'Artist': 'Acme', 'Song': 'One'}` },
    { Statement: `UPDATE Music SET Plays = 1 WHERE Artist = 'Band' AND Song = 'Three'` },
    { Statement: `DELETE FROM Nope WHERE Artist = 'x' AND Song = 'y'` },
  ] }));
  assert.deepEqual(w.Responses!.map((r) => r.Error?.Code ?? 'ok'), ['ok', 'DuplicateItem', 'ok', 'ResourceNotFound']);
  assert.equal(w.Responses![0].TableName, 'Music');
  const r = await ddb.send(new BatchExecuteStatementCommand({ Statements: [
    { Statement: `SELECT * FROM Music WHERE Artist = ? AND Song = ?`, Parameters: [{ S: 'New' }, { S: 'S' }] },
    { Statement: `SELECT Plays FROM Music WHERE Artist = 'Band' AND Song = 'Three'` },
    { Statement: `SELECT * FROM Music WHERE Artist = 'Nobody' AND Song = 'x'` },
    { Statement: `SELECT * FROM Music WHERE Artist = 'Acme'` },
  ] }));
  assert.deepEqual(r.Responses![0].Item, { Artist: { S: 'New' }, Song: { S: 'S' } });
  assert.deepEqual(r.Responses![1].Item, { Plays: { N: '1' } });
  assert.equal(r.Responses![2].Item, undefined);
  assert.equal(r.Responses![2].Error, undefined);
  assert.equal(r.Responses![3].Error!.Code, 'ValidationError');
});

test('ExecuteTransaction: all or nothing, CancellationReasons; reads', async () => {
  await seed();
  const err = await rejects(ddb.send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: `INSERT INTO Music VALUE {'Artist': 'T', 'Song': '1'}` },
    { Statement: `UPDATE Music SET Plays = 1 WHERE Artist = 'Acme' AND Song = 'One' AND Year = 1` },
    { Statement: `INSERT INTO Music VALUE {'Artist': 'Band', 'Song': 'Three'}` },
  ] })), 'TransactionCanceledException', 400) as unknown as TransactionCanceledException;
  assert.deepEqual(err.CancellationReasons!.map((r) => r.Code), ['None', 'ConditionalCheckFailed', 'DuplicateItem']);
  assert.equal((await exec(`SELECT * FROM Music WHERE Artist = 'T' AND Song = '1'`)).Items!.length, 0);
  await ddb.send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: `INSERT INTO Music VALUE {'Artist': 'T', 'Song': '1'}` },
    { Statement: `UPDATE Music SET Plays = 9 WHERE Artist = 'Acme' AND Song = 'One'` },
    { Statement: `DELETE FROM Music WHERE Artist = 'Band' AND Song = 'Three'` },
  ] }));
  const reads = await ddb.send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: `SELECT Plays FROM Music WHERE Artist = 'Acme' AND Song = 'One'` },
    { Statement: `SELECT * FROM Music WHERE Artist = 'Band' AND Song = 'Three'` },
    { Statement: `SELECT * FROM Music WHERE Artist = ? AND Song = ?`, Parameters: [{ S: 'T' }, { S: '1' }] },
  ] }));
  assert.deepEqual(reads.Responses, [{ Item: { Plays: { N: '9' } } }, {}, { Item: { Artist: { S: 'T' }, Song: { S: '1' } } }]);
});

test('lib-dynamodb, aws CLI execute-statement and boto3', async () => {
  const doc = DynamoDBDocumentClient.from(ddb);
  await doc.send(new DocExecute({ Statement: `INSERT INTO Music VALUE {'Artist': ?, 'Song': ?, 'n': ?}`, Parameters: ['Doc', 'D', 12345678901234567890n] }));
  const got = await doc.send(new DocExecute({ Statement: `SELECT * FROM Music WHERE Artist = ?`, Parameters: ['Doc'] }));
  assert.equal(got.Items![0].Song, 'D');
  const cli = await aws(n, ['dynamodb', 'execute-statement', '--statement', `SELECT Song FROM Music WHERE Artist = 'Doc'`]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).Items, [{ Song: { S: 'D' } }]);
  const bad = await aws(n, ['dynamodb', 'execute-statement', '--statement', `INSERT INTO Music VALUE {'Artist': 'Doc', 'Song': 'D'}`]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /DuplicateItemException/);
  const out = await boto3<{ items: string[]; codes: string[] }>(n, `
c = boto3.client('dynamodb', endpoint_url=endpoint)
r = c.execute_statement(Statement="SELECT Song FROM Music WHERE Artist = ?", Parameters=[{'S': 'Doc'}])
codes = []
try:
    c.execute_transaction(TransactStatements=[{'Statement': "INSERT INTO Music VALUE {'Artist': 'Doc', 'Song': 'D'}"}])
except c.exceptions.TransactionCanceledException as e:
    codes = [x['Code'] for x in e.response['CancellationReasons']]
print(json.dumps({'items': [i['Song']['S'] for i in r['Items']], 'codes': codes}))
`);
  assert.deepEqual(out, { items: ['D'], codes: ['DuplicateItem'] });
});
