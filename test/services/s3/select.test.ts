// S3 Select (SelectObjectContent) through the JS SDK v3 and boto3: CSV (headers, delimiters,
// quotes, comments) and JSON (LINES, DOCUMENT paths) input, GZIP, CSV/JSON output, the SQL
// subset (WHERE operators, CAST, string functions, aggregates, LIMIT), ScanRange, the event
// stream (Records, Progress, Stats, End) and errors before and after the 200.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  CreateBucketCommand, PutObjectCommand, SelectObjectContentCommand, type InputSerialization, type OutputSerialization,
  type S3Client, type SelectObjectContentCommandInput,
} from '@aws-sdk/client-s3';
import { boto3, nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3 } from './util.js';

let n: Nimbus;
let c: S3Client;
const B = 'select-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B })); });

const put = (Key: string, Body: string | Buffer) => c.send(new PutObjectCommand({ Bucket: B, Key, Body }));

type Events = { records: string; stats?: { BytesScanned?: number; BytesProcessed?: number; BytesReturned?: number }; progress: boolean; end: boolean; order: string[] };
async function select(Key: string, Expression: string, InputSerialization: InputSerialization, OutputSerialization: OutputSerialization = { CSV: {} },
  extra: Partial<SelectObjectContentCommandInput> = {}): Promise<Events> {
  const r = await c.send(new SelectObjectContentCommand({ Bucket: B, Key, Expression, ExpressionType: 'SQL', InputSerialization, OutputSerialization, ...extra }));
  const ev: Events = { records: '', progress: false, end: false, order: [] };
  for await (const e of r.Payload!) {
    if (e.Records) { ev.records += Buffer.from(e.Records.Payload!).toString('utf8'); ev.order.push('Records'); }
    if (e.Stats) { ev.stats = e.Stats.Details; ev.order.push('Stats'); }
    if (e.Progress) { ev.progress = true; ev.order.push('Progress'); }
    if (e.End) { ev.end = true; ev.order.push('End'); }
  }
  return ev;
}

const PEOPLE = 'name,age,city\n# a comment line\nalice,34,Paris\nbob,27,"Lyon, FR"\ncarol,41,"Nice ""sud"""\ndan,19,Paris\n';

test('CSV with a header row: names, WHERE with CAST, CSV output quoting, the event order', async () => {
  await put('people.csv', PEOPLE);
  const ev = await select('people.csv', "SELECT s.name, s.city FROM S3Object s WHERE CAST(s.age AS INT) > 26 AND s.city <> 'Lyon'",
    { CSV: { FileHeaderInfo: 'USE' } }, { CSV: {} }, { RequestProgress: { Enabled: true } });
  assert.equal(ev.records, 'alice,Paris\nbob,"Lyon, FR"\ncarol,"Nice ""sud"""\n');
  assert.deepEqual(ev.order, ['Records', 'Progress', 'Stats', 'End']);
  assert.equal(ev.stats?.BytesScanned, Buffer.byteLength(PEOPLE));
  assert.equal(ev.stats?.BytesProcessed, Buffer.byteLength(PEOPLE));
  assert.equal(ev.stats?.BytesReturned, Buffer.byteLength(ev.records));

  const star = await select('people.csv', 'SELECT * FROM S3Object LIMIT 2', { CSV: { FileHeaderInfo: 'USE' } }, { JSON: {} });
  assert.deepEqual(star.records.trim().split('\n').map((l) => JSON.parse(l)), [{ name: 'alice', age: '34', city: 'Paris' }, { name: 'bob', age: '27', city: 'Lyon, FR' }]);
  const always = await select('people.csv', 'SELECT s.name FROM S3Object s LIMIT 1', { CSV: { FileHeaderInfo: 'USE' } }, { CSV: { QuoteFields: 'ALWAYS', RecordDelimiter: '\r\n' } });
  assert.equal(always.records, '"alice"\r\n');
});

test('CSV positional columns (IGNORE / NONE), JSON output names, string functions, LIKE, IN, BETWEEN', async () => {
  await put('people.csv', PEOPLE);
  const ev = await select('people.csv', "SELECT _1, UPPER(_3) AS town, CHAR_LENGTH(_1) FROM S3Object WHERE _1 LIKE '%o%' OR _3 IN ('Nowhere', 'Paris')",
    { CSV: { FileHeaderInfo: 'IGNORE' } }, { JSON: {} });
  assert.deepEqual(ev.records.trim().split('\n').map((l) => JSON.parse(l)), [
    { _1: 'alice', town: 'PARIS', _3: 5 }, { _1: 'bob', town: 'LYON, FR', _3: 3 }, { _1: 'carol', town: 'NICE "SUD"', _3: 5 }, { _1: 'dan', town: 'PARIS', _3: 3 },
  ]);
  // NONE: the header line is data.
  const none = await select('people.csv', "SELECT LOWER(_1), SUBSTRING(_1, 2, 3), TRIM(LEADING 'a' FROM _1) FROM S3Object WHERE _2 = 'age' OR CAST(_2 AS INT) BETWEEN 20 AND 40", { CSV: {} });
  assert.equal(none.records, 'name,ame,name\nalice,lic,lice\nbob,ob,bob\n');
  const notLike = await select('people.csv', "SELECT _1 FROM S3Object WHERE _1 NOT LIKE 'a!_%' ESCAPE '!' AND NOT _1 = 'name' AND _3 IS NOT NULL AND _9 IS MISSING", { CSV: {} });
  assert.equal(notLike.records, 'alice\nbob\ncarol\ndan\n');
});

test('CSV delimiters, quotes, comments and quoted record delimiters', async () => {
  await put('semi.csv', "id;note\n1;'a;b'\n// skipped\n2;'multi\nline'\n3;plain\n");
  const ev = await select('semi.csv', 'SELECT s.id, s.note FROM S3Object s', {
    CSV: { FileHeaderInfo: 'USE', FieldDelimiter: ';', QuoteCharacter: "'", Comments: '/', AllowQuotedRecordDelimiter: true },
  }, { CSV: { FieldDelimiter: '|' } });
  assert.equal(ev.records, '1|a;b\n2|"multi\nline"\n3|plain\n');
});

test('aggregates: COUNT, SUM, AVG, MIN, MAX over a filtered CSV', async () => {
  await put('people.csv', PEOPLE);
  const ev = await select('people.csv', "SELECT COUNT(*), SUM(CAST(s.age AS INT)), AVG(CAST(s.age AS INT)), MIN(s.name), MAX(CAST(s.age AS INT)) FROM S3Object s WHERE s.city = 'Paris'",
    { CSV: { FileHeaderInfo: 'USE' } }, { JSON: {} });
  assert.deepEqual(JSON.parse(ev.records), { _1: 2, _2: 53, _3: 26.5, _4: 'alice', _5: 34 });
  const none = await select('people.csv', "SELECT COUNT(*) FROM S3Object s WHERE s.city = 'Mars'", { CSV: { FileHeaderInfo: 'USE' } });
  assert.equal(none.records, '0\n');
});

test('JSON LINES and DOCUMENT input, nested paths, FROM S3Object[*].path, GZIP', async () => {
  const lines = [
    { user: { name: 'ann', tags: ['x', 'y'] }, score: 7, tag: 'a' },
    { user: { name: 'ben' }, score: 12, tag: 'b', extra: null },
    { user: { name: 'cid' }, score: 9, tag: 'c' },
  ].map((x) => JSON.stringify(x)).join('\n') + '\n';
  await put('events.jsonl', lines);
  const ev = await select('events.jsonl', "SELECT s.user.name AS who, s.user.tags[1] AS second FROM S3Object s WHERE s.score BETWEEN 5 AND 10 AND s.tag IN ('a', 'c')",
    { JSON: { Type: 'LINES' } }, { JSON: {} });
  assert.deepEqual(ev.records.trim().split('\n').map((l) => JSON.parse(l)), [{ who: 'ann', second: 'y' }, { who: 'cid' }]);
  const nulls = await select('events.jsonl', 'SELECT s.user.name FROM S3Object s WHERE s.extra IS NULL AND s.extra IS NOT MISSING', { JSON: { Type: 'LINES' } }, { CSV: {} });
  assert.equal(nulls.records, 'ben\n');

  await put('doc.json', JSON.stringify({ items: [{ id: 1, v: 'one' }, { id: 2, v: 'two' }, { id: 3, v: 'three' }] }, null, 2));
  const doc = await select('doc.json', 'SELECT i.v FROM S3Object[*].items[*] i WHERE i.id >= 2', { JSON: { Type: 'DOCUMENT' } }, { JSON: {} });
  assert.equal(doc.records, '{"v":"two"}\n{"v":"three"}\n');
  const whole = await select('doc.json', 'SELECT * FROM S3Object[*].items[*] i LIMIT 1', { JSON: { Type: 'DOCUMENT' } }, { JSON: { RecordDelimiter: ';' } });
  assert.equal(whole.records, '{"id":1,"v":"one"};');

  const gz = gzipSync(Buffer.from(PEOPLE));
  await put('people.csv.gz', gz);
  const z = await select('people.csv.gz', "SELECT s.name FROM S3Object s WHERE s.city = 'Paris'", { CSV: { FileHeaderInfo: 'USE' }, CompressionType: 'GZIP' });
  assert.equal(z.records, 'alice\ndan\n');
  assert.equal(z.stats?.BytesScanned, gz.length);
  assert.equal(z.stats?.BytesProcessed, Buffer.byteLength(PEOPLE));
});

test('ScanRange: records that start inside the range; End alone is the last bytes', async () => {
  const body = 'r1,a\nr2,b\nr3,c\nr4,d\n'; // each record is 5 bytes: starts at 0, 5, 10, 15
  await put('r.csv', body);
  const mid = await select('r.csv', 'SELECT _1 FROM S3Object', { CSV: {} }, { CSV: {} }, { ScanRange: { Start: 3, End: 10 } });
  assert.equal(mid.records, 'r2\nr3\n');
  const from = await select('r.csv', 'SELECT _1 FROM S3Object', { CSV: {} }, { CSV: {} }, { ScanRange: { Start: 11 } });
  assert.equal(from.records, 'r4\n');
  const last = await select('r.csv', 'SELECT _1 FROM S3Object', { CSV: {} }, { CSV: {} }, { ScanRange: { End: 6 } });
  assert.equal(last.records, 'r4\n');
});

test('errors: SQL, serialization conflicts, scan range on GZIP, missing key; data errors arrive in the stream', async () => {
  await put('people.csv', PEOPLE);
  await rejects(select('people.csv', 'SELECT _1 S3Object', { CSV: {} }), 'ParseSelectMissingFrom', 400);
  await rejects(select('people.csv', 'SELECT _1, FROM S3Object', { CSV: {} }), 'ParseUnexpectedToken', 400);
  await rejects(select('people.csv', 'SELECT * FROM mytable', { CSV: {} }), 'InvalidDataSource', 400);
  await rejects(select('people.csv', 'SELECT FOO(_1) FROM S3Object', { CSV: {} }), 'UnsupportedFunction', 400);
  await rejects(select('people.csv', 'SELECT _1, COUNT(*) FROM S3Object', { CSV: {} }), 'ParseUnsupportedSelect', 400);
  await rejects(select('people.csv', 'SELECT * FROM S3Object', { CSV: {}, JSON: { Type: 'LINES' } }), 'ObjectSerializationConflict', 400);
  await rejects(select('people.csv', 'SELECT * FROM S3Object', { CSV: {}, CompressionType: 'GZIP' }, { CSV: {} }, { ScanRange: { Start: 0, End: 5 } }), 'UnsupportedScanRangeInput', 400);
  await rejects(select('nope.csv', 'SELECT * FROM S3Object', { CSV: {} }), 'NoSuchKey', 404);
  // A CAST that fails on a row: the 200 is already sent, the error comes as an event.
  await assert.rejects(select('people.csv', 'SELECT CAST(_2 AS INT) FROM S3Object', { CSV: {} }), (e: Error) => /CastFailed|cast/i.test(`${e.name} ${e.message}`));
});

test('boto3 select_object_content', async () => {
  await put('people.csv', PEOPLE);
  const out = await boto3<{ records: string; stats: Record<string, number>; end: boolean }>(n, `
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1')
r = s3.select_object_content(Bucket=${JSON.stringify(B)}, Key='people.csv', ExpressionType='SQL',
  Expression="SELECT s.name, s.age FROM S3Object s WHERE s.city LIKE 'P%'",
  InputSerialization={'CSV': {'FileHeaderInfo': 'USE'}}, OutputSerialization={'JSON': {}})
records, stats, end = '', {}, False
for e in r['Payload']:
    if 'Records' in e: records += e['Records']['Payload'].decode()
    if 'Stats' in e: stats = e['Stats']['Details']
    if 'End' in e: end = True
print(json.dumps({'records': records, 'stats': stats, 'end': end}))
`);
  assert.equal(out.records, '{"name":"alice","age":"34"}\n{"name":"dan","age":"19"}\n');
  assert.equal(out.end, true);
  assert.equal(out.stats.BytesScanned, Buffer.byteLength(PEOPLE));
});
