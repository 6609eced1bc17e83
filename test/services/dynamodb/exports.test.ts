// Exports to S3 and imports from S3 through the JS SDK v3, the aws CLI and boto3:
// ExportTableToPointInTime (files and manifests read back through S3, items as of ExportTime,
// incremental exports, FAILED for a missing bucket), DescribeExport, ListExports, ImportTable
// (DynamoDB JSON round trip, CSV with a header list, bad lines counted), DescribeImport,
// ListImports, and the errors.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import {
  type AttributeValue, CreateTableCommand, DeleteItemCommand, DeleteTableCommand, DescribeExportCommand, DescribeImportCommand, DescribeTableCommand,
  DynamoDBClient, ExportTableToPointInTimeCommand, ImportTableCommand, ListExportsCommand, ListImportsCommand, PutItemCommand,
  QueryCommand, ScanCommand, UpdateContinuousBackupsCommand, UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ddb: DynamoDBClient;
let s3: S3Client;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); s3 = new S3Client({ ...sdk(n), forcePathStyle: true }); });
after(async () => { await n.stop(); });

const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders';
const big = '12345678901234567890123456789012345678'; // 38 digits

const items: Record<string, AttributeValue>[] = [
  { pk: { S: 'a' }, sk: { N: '1' }, n: { N: big }, neg: { N: '-0.000000000000000000000000000000000001' }, ss: { SS: ['x', 'y'] } },
  { pk: { S: 'a' }, sk: { N: '2' }, b: { B: Buffer.from([0, 1, 2, 255]) }, bs: { BS: [Buffer.from('one'), Buffer.from([9, 8])] }, ns: { NS: ['1', big] } },
  {
    pk: { S: 'b' }, sk: { N: big }, m: { M: { deep: { L: [{ S: 'x' }, { N: '3.14' }, { M: { z: { BOOL: true }, q: { NULL: true } } }] }, e: { S: '' } } },
    l: { L: [] }, t: { BOOL: false },
  },
  { pk: { S: 'ünï' }, sk: { N: '0' }, s: { S: 'line\nbreak "quoted"' } },
];

async function text(bucket: string, key: string): Promise<Buffer> {
  const o = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await o.Body!.transformToByteArray());
}

/** An SDK attribute value in DynamoDB JSON (binary as base64), for comparison with the files. */
function toJson(v: AttributeValue): unknown {
  if (v.B) return { B: Buffer.from(v.B).toString('base64') };
  if (v.BS) return { BS: v.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (v.M) return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, toJson(x)])) };
  if (v.L) return { L: v.L.map(toJson) };
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
}
const itemJson = (it: Record<string, AttributeValue>) => Object.fromEntries(Object.entries(it).map(([k, v]) => [k, toJson(v)]));
const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) => (JSON.stringify([a.pk, a.sk]) < JSON.stringify([b.pk, b.sk]) ? -1 : 1);
const scanAll = async (table: string) => ((await ddb.send(new ScanCommand({ TableName: table }))).Items ?? []).map(itemJson).sort(byKey);

async function makeTable(pitr: boolean): Promise<void> {
  await ddb.send(new CreateTableCommand({
    TableName: 'orders', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  }));
  for (const Item of items) await ddb.send(new PutItemCommand({ TableName: 'orders', Item }));
  if (pitr) await ddb.send(new UpdateContinuousBackupsCommand({ TableName: 'orders', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
}

const creation = (name: string) => ({
  TableName: name, BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }, { AttributeName: 'sk', AttributeType: 'N' as const }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }, { AttributeName: 'sk', KeyType: 'RANGE' as const }],
});

beforeEach(async () => {
  n.reset();
  await s3.send(new CreateBucketCommand({ Bucket: 'exports' }));
});

test('export as of ExportTime: files and manifests in S3, then ImportTable of its data into a new table, item for item', async () => {
  await makeTable(true);
  const expected = await scanAll('orders');
  const size = (await ddb.send(new DescribeTableCommand({ TableName: 'orders' }))).Table!.TableSizeBytes!;
  const asOf = new Date(n.clock.now().getTime());
  n.clock.advance('PT1M');
  // Changed after ExportTime: not in the export.
  await ddb.send(new DeleteItemCommand({ TableName: 'orders', Key: { pk: { S: 'a' }, sk: { N: '1' } } }));
  await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'late' }, sk: { N: '9' } } }));

  const out = (await ddb.send(new ExportTableToPointInTimeCommand({
    TableArn: ARN, S3Bucket: 'exports', S3Prefix: 'snap/2026', ExportTime: asOf, ExportFormat: 'DYNAMODB_JSON',
  }))).ExportDescription!;
  assert.match(out.ExportArn!, /^arn:aws:dynamodb:us-east-1:000000000000:table\/orders\/export\/\d{14}-[0-9a-f]{8}$/);
  assert.equal(out.ExportStatus, 'IN_PROGRESS');
  assert.equal(out.ExportType, 'FULL_EXPORT');
  assert.equal(out.ExportFormat, 'DYNAMODB_JSON');
  assert.equal(out.S3SseAlgorithm, 'AES256');
  assert.equal(out.ExportTime!.getTime(), asOf.getTime());
  assert.equal(out.ItemCount, undefined);
  const exportId = out.ExportArn!.split('/').pop()!;

  n.clock.advance('PT2M');
  const d = (await ddb.send(new DescribeExportCommand({ ExportArn: out.ExportArn }))).ExportDescription!;
  assert.equal(d.ExportStatus, 'COMPLETED');
  assert.equal(d.ItemCount, items.length);
  assert.ok(size > 0);
  assert.equal(d.BilledSizeBytes, size); // the table's data as of ExportTime
  assert.ok(d.EndTime!.getTime() > d.StartTime!.getTime());
  const base = `snap/2026/AWSDynamoDB/${exportId}`;
  assert.equal(d.ExportManifest, `${base}/manifest-summary.json`);

  const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: 'exports', Prefix: 'snap/2026/' }))).Contents ?? []).map((o) => o.Key!).sort();
  const dataKeys = keys.filter((k) => k.startsWith(`${base}/data/`));
  assert.equal(dataKeys.length, 1);
  assert.match(dataKeys[0], /\/data\/[a-z2-7]{26}\.json\.gz$/);
  assert.deepEqual(keys.filter((k) => !k.includes('/data/')), [
    `${base}/_started`, `${base}/manifest-files.json`, `${base}/manifest-files.md5`, `${base}/manifest-summary.json`, `${base}/manifest-summary.md5`,
  ]);

  const summaryRaw = await text('exports', `${base}/manifest-summary.json`);
  const summary = JSON.parse(summaryRaw.toString());
  assert.equal(summary.version, '2020-06-30');
  assert.equal(summary.exportArn, out.ExportArn);
  assert.equal(summary.tableArn, ARN);
  assert.equal(summary.tableId, out.TableId);
  assert.equal(summary.exportTime, d.ExportTime!.toISOString());
  assert.equal(summary.startTime, d.StartTime!.toISOString());
  assert.equal(summary.endTime, d.EndTime!.toISOString());
  assert.equal(summary.s3Bucket, 'exports');
  assert.equal(summary.s3Prefix, 'snap/2026');
  assert.equal(summary.s3SseAlgorithm, 'AES256');
  assert.equal(summary.manifestFilesS3Key, `${base}/manifest-files.json`);
  assert.equal(summary.itemCount, items.length);
  assert.equal(summary.billedSizeBytes, d.BilledSizeBytes);
  assert.equal(summary.outputFormat, 'DYNAMODB_JSON');
  assert.equal(summary.exportType, 'FULL_EXPORT');
  assert.equal((await text('exports', `${base}/manifest-summary.md5`)).toString(), createHash('md5').update(summaryRaw).digest('base64'));

  const files = (await text('exports', `${base}/manifest-files.json`)).toString().trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(files.length, 1);
  assert.equal(files[0].dataFileS3Key, dataKeys[0]);
  assert.equal(files[0].itemCount, items.length);
  const gz = await text('exports', dataKeys[0]);
  assert.equal(files[0].md5Checksum, createHash('md5').update(gz).digest('base64'));
  const lines = gunzipSync(gz).toString().trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.every((l) => Object.keys(l).length === 1 && l.Item));
  assert.deepEqual(lines.map((l) => l.Item).sort(byKey), expected);

  // Import that export's data into a new table.
  const imp = (await ddb.send(new ImportTableCommand({
    S3BucketSource: { S3Bucket: 'exports', S3KeyPrefix: `${base}/data/` }, InputFormat: 'DYNAMODB_JSON', InputCompressionType: 'GZIP',
    TableCreationParameters: creation('orders2'),
  }))).ImportTableDescription!;
  assert.match(imp.ImportArn!, /^arn:aws:dynamodb:us-east-1:000000000000:table\/orders2\/import\/\d{14}-[0-9a-f]{8}$/);
  assert.equal(imp.ImportStatus, 'IN_PROGRESS');
  assert.equal(imp.TableArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/orders2');
  assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'orders2' }))).Table!.TableStatus, 'CREATING');
  // A CREATING table takes no reads, writes or changes yet.
  await rejects(ddb.send(new ScanCommand({ TableName: 'orders2' })), 'ResourceNotFoundException', 400);
  await rejects(ddb.send(new PutItemCommand({ TableName: 'orders2', Item: { pk: { S: 'x' }, sk: { N: '1' } } })), 'ResourceNotFoundException', 400);
  await rejects(ddb.send(new DeleteTableCommand({ TableName: 'orders2' })), 'ResourceInUseException', 400);
  await rejects(ddb.send(new UpdateTableCommand({ TableName: 'orders2', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })), 'ResourceInUseException', 400);
  n.clock.advance('PT2M');
  assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'orders2' }))).Table!.TableStatus, 'ACTIVE');
  const di = (await ddb.send(new DescribeImportCommand({ ImportArn: imp.ImportArn }))).ImportTableDescription!;
  assert.equal(di.ImportStatus, 'COMPLETED');
  assert.equal(di.ProcessedItemCount, items.length);
  assert.equal(di.ImportedItemCount, items.length);
  assert.equal(di.ErrorCount, 0);
  assert.equal(di.ProcessedSizeBytes, gz.length);
  assert.equal(di.InputCompressionType, 'GZIP');
  assert.equal(di.TableCreationParameters!.TableName, 'orders2');
  assert.deepEqual(await scanAll('orders2'), expected);
});

test('CSV import with a header list, a delimiter and a header row; bad rows and lines are counted and skipped', async () => {
  await s3.send(new PutObjectCommand({ Bucket: 'exports', Key: 'csv/part-1.csv', Body: 'a;1;red;"x;y"\nb;2.50;blue;\nc;notanumber;green;z\n' }));
  await s3.send(new PutObjectCommand({ Bucket: 'exports', Key: 'csv/part-2.csv', Body: gzipSync('d;3;"say ""hi""";w\r\n') }));
  const gzipped = await ddb.send(new ImportTableCommand({
    S3BucketSource: { S3Bucket: 'exports', S3KeyPrefix: 'csv/part-2' }, InputFormat: 'CSV', InputCompressionType: 'GZIP',
    InputFormatOptions: { Csv: { Delimiter: ';', HeaderList: ['pk', 'sk', 'colour', 'note'] } }, TableCreationParameters: creation('gzt'),
  }));
  const imp = (await ddb.send(new ImportTableCommand({
    S3BucketSource: { S3Bucket: 'exports', S3KeyPrefix: 'csv/part-1' }, InputFormat: 'CSV',
    InputFormatOptions: { Csv: { Delimiter: ';', HeaderList: ['pk', 'sk', 'colour', 'note'] } }, TableCreationParameters: creation('fromcsv'),
  }))).ImportTableDescription!;
  assert.equal(imp.InputCompressionType, 'NONE');
  n.clock.advance('PT2M');
  const d = (await ddb.send(new DescribeImportCommand({ ImportArn: imp.ImportArn }))).ImportTableDescription!;
  assert.equal(d.ImportStatus, 'COMPLETED');
  assert.equal(d.ProcessedItemCount, 3);
  assert.equal(d.ImportedItemCount, 2);
  assert.equal(d.ErrorCount, 1);
  assert.deepEqual(d.InputFormatOptions, { Csv: { Delimiter: ';', HeaderList: ['pk', 'sk', 'colour', 'note'] } });
  // Keys typed by AttributeDefinitions (2.50 normalised as a number), every other column a string.
  assert.deepEqual(await scanAll('fromcsv'), [
    { pk: { S: 'a' }, sk: { N: '1' }, colour: { S: 'red' }, note: { S: 'x;y' } },
    { pk: { S: 'b' }, sk: { N: '2.5' }, colour: { S: 'blue' }, note: { S: '' } },
  ]);
  assert.deepEqual(await scanAll('gzt'), [{ pk: { S: 'd' }, sk: { N: '3' }, colour: { S: 'say "hi"' }, note: { S: 'w' } }]);
  assert.equal(gzipped.ImportTableDescription!.ImportStatus, 'IN_PROGRESS');

  // Without a header list the first row of each file is the header.
  // A GSI key column is typed by AttributeDefinitions too, and the index is filled.
  await s3.send(new PutObjectCommand({ Bucket: 'exports', Key: 'hdr/1.csv', Body: 'sk,pk,v,rank\n7,k,hello,10\n8,k,bye,2\n' }));
  const base = creation('hdr');
  const h = (await ddb.send(new ImportTableCommand({
    S3BucketSource: { S3Bucket: 'exports', S3KeyPrefix: 'hdr/' }, InputFormat: 'CSV', TableCreationParameters: {
      ...base, AttributeDefinitions: [...base.AttributeDefinitions, { AttributeName: 'rank', AttributeType: 'N' }],
      GlobalSecondaryIndexes: [{ IndexName: 'byRank', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'rank', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    },
  }))).ImportTableDescription!;
  n.clock.advance('PT2M');
  assert.equal((await ddb.send(new DescribeImportCommand({ ImportArn: h.ImportArn }))).ImportTableDescription!.ImportedItemCount, 2);
  assert.deepEqual(await scanAll('hdr'), [
    { pk: { S: 'k' }, sk: { N: '7' }, v: { S: 'hello' }, rank: { N: '10' } },
    { pk: { S: 'k' }, sk: { N: '8' }, v: { S: 'bye' }, rank: { N: '2' } },
  ]);
  const q = await ddb.send(new QueryCommand({ TableName: 'hdr', IndexName: 'byRank', KeyConditionExpression: 'pk = :k', ExpressionAttributeValues: { ':k': { S: 'k' } } }));
  assert.deepEqual(q.Items!.map((i) => i.v.S), ['bye', 'hello']); // numeric order: 2 before 10

  // DynamoDB JSON: a line that is not JSON, one without Item, one missing the sort key.
  await s3.send(new PutObjectCommand({
    Bucket: 'exports', Key: 'json/x.json',
    Body: '{"Item":{"pk":{"S":"ok"},"sk":{"N":"1"}}}\nnot json\n{"Other":{}}\n{"Item":{"pk":{"S":"nosk"}}}\n\n{"Item":{"pk":{"S":"ok2"},"sk":{"N":"2"},"ns":{"NS":["1","1"]}}}\n',
  }));
  const j = (await ddb.send(new ImportTableCommand({
    S3BucketSource: { S3Bucket: 'exports', S3KeyPrefix: 'json/' }, InputFormat: 'DYNAMODB_JSON', TableCreationParameters: creation('fromjson'),
  }))).ImportTableDescription!;
  n.clock.advance('PT2M');
  const dj = (await ddb.send(new DescribeImportCommand({ ImportArn: j.ImportArn }))).ImportTableDescription!;
  assert.deepEqual([dj.ProcessedItemCount, dj.ImportedItemCount, dj.ErrorCount], [5, 1, 4]);
  assert.deepEqual(await scanAll('fromjson'), [{ pk: { S: 'ok' }, sk: { N: '1' } }]);
});

test('errors: no PITR, ExportTime outside the window, missing bucket (FAILED), existing table, ION, ZSTD, unknown ARNs', async () => {
  await makeTable(false);
  await rejects(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: ARN, S3Bucket: 'exports' })), 'PointInTimeRecoveryUnavailableException', 400);
  await rejects(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: `${ARN}x`, S3Bucket: 'exports' })), 'TableNotFoundException', 400);
  const before = new Date(n.clock.now().getTime() - 60_000);
  await ddb.send(new UpdateContinuousBackupsCommand({ TableName: 'orders', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  await rejects(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: ARN, S3Bucket: 'exports', ExportTime: before })), 'InvalidExportTimeException', 400);
  await rejects(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: ARN, S3Bucket: 'exports', ExportTime: new Date(n.clock.now().getTime() + 3600_000) })), 'InvalidExportTimeException', 400);
  const ion = await rejects(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: ARN, S3Bucket: 'exports', ExportFormat: 'ION' })), 'ValidationException', 400);
  assert.match(ion.message, /DYNAMODB_JSON only/);

  const failed = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: ARN, S3Bucket: 'no-such-bucket' }))).ExportDescription!;
  assert.equal(failed.ExportStatus, 'IN_PROGRESS');
  n.clock.advance('PT2M');
  const f = (await ddb.send(new DescribeExportCommand({ ExportArn: failed.ExportArn }))).ExportDescription!;
  assert.equal(f.ExportStatus, 'FAILED');
  assert.equal(f.FailureCode, 'S3NoSuchBucket');
  assert.match(f.FailureMessage!, /bucket does not exist/);
  assert.equal(f.ItemCount, undefined);
  await rejects(ddb.send(new DescribeExportCommand({ ExportArn: `${ARN}/export/01700000000000-abcdef12` })), 'ExportNotFoundException', 400);

  const src = { S3Bucket: 'exports', S3KeyPrefix: 'x/' };
  await rejects(ddb.send(new ImportTableCommand({ S3BucketSource: src, InputFormat: 'CSV', TableCreationParameters: creation('orders') })), 'ResourceInUseException', 400);
  const ionIn = await rejects(ddb.send(new ImportTableCommand({ S3BucketSource: src, InputFormat: 'ION', TableCreationParameters: creation('tab1') })), 'ValidationException', 400);
  assert.match(ionIn.message, /ION is not supported/);
  const z = await rejects(ddb.send(new ImportTableCommand({ S3BucketSource: src, InputFormat: 'CSV', InputCompressionType: 'ZSTD', TableCreationParameters: creation('tab1') })), 'ValidationException', 400);
  assert.match(z.message, /ZSTD/);
  await rejects(ddb.send(new ImportTableCommand({ S3BucketSource: src, InputFormat: 'DYNAMODB_JSON', InputFormatOptions: { Csv: { Delimiter: ';' } }, TableCreationParameters: creation('tab1') })), 'ValidationException', 400);
  // Bad TableCreationParameters get CreateTable's error and no table.
  await rejects(ddb.send(new ImportTableCommand({
    S3BucketSource: src, InputFormat: 'CSV', TableCreationParameters: { ...creation('tab1'), BillingMode: 'PROVISIONED' },
  })), 'ValidationException', 400);
  await rejects(ddb.send(new DescribeTableCommand({ TableName: 'tab1' })), 'ResourceNotFoundException', 400);
  // A missing source bucket: the import fails and leaves no table.
  const gone = (await ddb.send(new ImportTableCommand({ S3BucketSource: { S3Bucket: 'nope-bucket' }, InputFormat: 'CSV', TableCreationParameters: creation('tab2') }))).ImportTableDescription!;
  n.clock.advance('PT2M');
  const g = (await ddb.send(new DescribeImportCommand({ ImportArn: gone.ImportArn }))).ImportTableDescription!;
  assert.equal(g.ImportStatus, 'FAILED');
  assert.equal(g.FailureCode, 'S3NoSuchBucket');
  await rejects(ddb.send(new DescribeTableCommand({ TableName: 'tab2' })), 'ResourceNotFoundException', 400);
  await rejects(ddb.send(new DescribeImportCommand({ ImportArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/x/import/01700000000000-abcdef12' })), 'ImportNotFoundException', 400);
});

test('ClientToken idempotency; ListExports and ListImports filter by table and page', async () => {
  await makeTable(true);
  const a = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: ARN, S3Bucket: 'exports', ClientToken: 'tok-1' }))).ExportDescription!;
  const again = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: ARN, S3Bucket: 'exports', ClientToken: 'tok-1' }))).ExportDescription!;
  assert.equal(again.ExportArn, a.ExportArn);
  assert.equal(again.ClientToken, 'tok-1');
  await rejects(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: ARN, S3Bucket: 'exports', S3Prefix: 'other', ClientToken: 'tok-1' })), 'ExportConflictException', 400);
  n.clock.advance('PT1S');
  await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: ARN, S3Bucket: 'exports' }));
  n.clock.advance('PT1S');
  await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: ARN, S3Bucket: 'exports' }));

  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const p = await ddb.send(new ListExportsCommand({ TableArn: ARN, MaxResults: 2, NextToken: token }));
    for (const s of p.ExportSummaries ?? []) { seen.push(s.ExportArn!); assert.equal(s.ExportStatus, 'IN_PROGRESS'); assert.equal(s.ExportType, 'FULL_EXPORT'); }
    token = p.NextToken; pages++;
  } while (token);
  assert.equal(pages, 2);
  assert.equal(seen.length, 3);
  assert.equal(seen[0], a.ExportArn);
  assert.equal(new Set(seen).size, 3);
  assert.deepEqual((await ddb.send(new ListExportsCommand({ TableArn: `${ARN}-other` }))).ExportSummaries, []);
  n.clock.advance('PT2M');
  assert.ok((await ddb.send(new ListExportsCommand({}))).ExportSummaries!.every((s) => s.ExportStatus === 'COMPLETED'));

  await s3.send(new PutObjectCommand({ Bucket: 'exports', Key: 'in/1.csv', Body: 'pk,sk\nx,1\n' }));
  const req = { S3BucketSource: { S3Bucket: 'exports', S3KeyPrefix: 'in/' }, InputFormat: 'CSV' as const, ClientToken: 'imp-1', TableCreationParameters: creation('imp1') };
  const i1 = (await ddb.send(new ImportTableCommand(req))).ImportTableDescription!;
  assert.equal((await ddb.send(new ImportTableCommand(req))).ImportTableDescription!.ImportArn, i1.ImportArn);
  await rejects(ddb.send(new ImportTableCommand({ ...req, InputCompressionType: 'GZIP' })), 'ImportConflictException', 400);
  await ddb.send(new ImportTableCommand({ ...req, ClientToken: undefined, TableCreationParameters: creation('imp2') }));
  const l1 = await ddb.send(new ListImportsCommand({ PageSize: 1 }));
  assert.equal(l1.ImportSummaryList!.length, 1);
  assert.equal(l1.ImportSummaryList![0].ImportArn, i1.ImportArn);
  assert.equal(l1.ImportSummaryList![0].InputFormat, 'CSV');
  assert.ok(l1.NextToken);
  const l2 = await ddb.send(new ListImportsCommand({ PageSize: 1, NextToken: l1.NextToken }));
  assert.match(l2.ImportSummaryList![0].ImportArn!, /table\/imp2\/import\//);
  assert.equal(l2.NextToken, undefined);
  const only = await ddb.send(new ListImportsCommand({ TableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/imp2' }));
  assert.equal(only.ImportSummaryList!.length, 1);
});

test('INCREMENTAL_EXPORT writes the changes of a period from the PITR log', async () => {
  await makeTable(true);
  n.clock.advance('PT1S');
  const from = new Date(n.clock.now().getTime());
  n.clock.advance('PT1M');
  await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'changed' } } }));
  await ddb.send(new DeleteItemCommand({ TableName: 'orders', Key: { pk: { S: 'a' }, sk: { N: '2' } } }));
  await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'new' }, sk: { N: '5' } } }));
  n.clock.advance('PT20M');
  await rejects(ddb.send(new ExportTableToPointInTimeCommand({
    TableArn: ARN, S3Bucket: 'exports', ExportType: 'INCREMENTAL_EXPORT',
    IncrementalExportSpecification: { ExportFromTime: from, ExportToTime: new Date(from.getTime() + 60_000) },
  })), 'ValidationException', 400);
  const e = (await ddb.send(new ExportTableToPointInTimeCommand({
    TableArn: ARN, S3Bucket: 'exports', S3Prefix: 'inc', ExportType: 'INCREMENTAL_EXPORT',
    IncrementalExportSpecification: { ExportFromTime: from, ExportToTime: new Date(n.clock.now().getTime()), ExportViewType: 'NEW_AND_OLD_IMAGES' },
  }))).ExportDescription!;
  assert.equal(e.ExportType, 'INCREMENTAL_EXPORT');
  assert.equal(e.IncrementalExportSpecification!.ExportViewType, 'NEW_AND_OLD_IMAGES');
  n.clock.advance('PT2M');
  const d = (await ddb.send(new DescribeExportCommand({ ExportArn: e.ExportArn }))).ExportDescription!;
  assert.equal(d.ExportStatus, 'COMPLETED');
  assert.equal(d.ItemCount, 3);
  const files = (await text('exports', d.ExportManifest!.replace('manifest-summary.json', 'manifest-files.json'))).toString().trim().split('\n').map((l) => JSON.parse(l));
  const lines = gunzipSync(await text('exports', files[0].dataFileS3Key)).toString().trim().split('\n').map((l) => JSON.parse(l));
  const byPk = new Map(lines.map((l) => [`${l.Keys.pk.S}/${l.Keys.sk.N}`, l]));
  assert.deepEqual(byPk.get('a/1').NewImage, { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'changed' } });
  assert.equal(byPk.get('a/1').OldImage.n.N, big);
  assert.equal(byPk.get('a/2').NewImage, undefined);
  assert.deepEqual(byPk.get('a/2').OldImage.b, { B: Buffer.from([0, 1, 2, 255]).toString('base64') });
  assert.equal(byPk.get('new/5').OldImage, undefined);
  assert.match(byPk.get('new/5').Metadata.WriteTimestampMicros.N, /^\d{16}$/);
});

test('aws CLI export-table-to-point-in-time / describe-export; boto3 import_table / describe_import', async () => {
  await makeTable(true);
  const r = await aws(n, ['dynamodb', 'export-table-to-point-in-time', '--table-arn', ARN, '--s3-bucket', 'exports', '--s3-prefix', 'cli']);
  assert.equal(r.code, 0, r.stderr);
  const arn = JSON.parse(r.stdout).ExportDescription.ExportArn as string;
  assert.match(arn, /\/export\/\d{14}-[0-9a-f]{8}$/);
  n.clock.advance('PT2M');
  const d = await aws(n, ['dynamodb', 'describe-export', '--export-arn', arn]);
  assert.equal(d.code, 0, d.stderr);
  const desc = JSON.parse(d.stdout).ExportDescription;
  assert.equal(desc.ExportStatus, 'COMPLETED');
  assert.equal(desc.ItemCount, items.length);
  const bad = await aws(n, ['dynamodb', 'describe-export', '--export-arn', `${ARN}/export/01700000000000-abcdef12`]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /ExportNotFoundException/);

  const exportId = arn.split('/').pop();
  const out = await boto3<{ status: string; imported: number; table: string; scan: string }>(n, `
c = boto3.client('dynamodb', endpoint_url=endpoint, region_name='us-east-1')
r = c.import_table(S3BucketSource={'S3Bucket': 'exports', 'S3KeyPrefix': 'cli/AWSDynamoDB/${exportId}/data/'}, InputFormat='DYNAMODB_JSON',
  InputCompressionType='GZIP', TableCreationParameters={'TableName': 'viaboto', 'BillingMode': 'PAY_PER_REQUEST',
  'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', 'AttributeType': 'N'}],
  'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}]})
d = c.describe_import(ImportArn=r['ImportTableDescription']['ImportArn'])['ImportTableDescription']
try:
  c.scan(TableName='viaboto')
  scan = 'ok'
except botocore.exceptions.ClientError as e:
  scan = e.response['Error']['Code']
print(json.dumps({'status': d['ImportStatus'], 'imported': d.get('ImportedItemCount', 0), 'table': c.describe_table(TableName='viaboto')['Table']['TableStatus'], 'scan': scan}))
`);
  assert.deepEqual(out, { status: 'IN_PROGRESS', imported: 0, table: 'CREATING', scan: 'ResourceNotFoundException' });
  n.clock.advance('PT2M');
  assert.deepEqual(await scanAll('viaboto'), await scanAll('orders'));
});
