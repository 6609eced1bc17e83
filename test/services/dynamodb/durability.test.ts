// DynamoDB with --data-dir: tables, items (binary, exact numbers) and the ordered indexes they
// feed (table order, GSIs, TTL timers) come back after kill -9 and a restart; so do exports
// and imports, which finish on the restarted process's clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand, CreateTableCommand, DescribeExportCommand, DescribeImportCommand, DescribeTableCommand, DynamoDBClient,
  ExportTableToPointInTimeCommand, GetItemCommand, ImportTableCommand, ListExportsCommand, PutItemCommand, QueryCommand, ScanCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { sdk } from '../../helpers.js';
import { kill9, startProcess } from '../../process.js';

test('tables, items and indexes survive kill -9', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-ddb-'));
  const first = await startProcess(['--data-dir', dir, '--services', 'dynamodb']);
  let ddb = new DynamoDBClient(sdk(first));
  await ddb.send(new CreateTableCommand({
    TableName: 'durable',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }, { AttributeName: 'g', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await ddb.send(new BatchWriteItemCommand({ RequestItems: { durable: Array.from({ length: 20 }, (_, i) => ({ PutRequest: { Item: {
    pk: { S: 'p' }, sk: { N: String(19 - i) }, g: { S: i % 2 ? 'odd' : 'even' }, b: { B: Buffer.from([i]) }, big: { N: `1234567890123456789012345678901234567${i % 10}` },
  } } })) } }));
  await kill9(first);
  const second = await startProcess(['--data-dir', dir, '--services', 'dynamodb']);
  try {
    ddb = new DynamoDBClient(sdk(second));
    const t = (await ddb.send(new DescribeTableCommand({ TableName: 'durable' }))).Table!;
    assert.equal(t.ItemCount, 20);
    const q = await ddb.send(new QueryCommand({ TableName: 'durable', KeyConditionExpression: 'pk = :p AND sk < :s', ExpressionAttributeValues: { ':p': { S: 'p' }, ':s': { N: '3' } } }));
    assert.deepEqual(q.Items!.map((i) => i.sk.N), ['0', '1', '2']);
    const g = await ddb.send(new QueryCommand({ TableName: 'durable', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'odd' } } }));
    assert.equal(g.Count, 10);
    const it = (await ddb.send(new GetItemCommand({ TableName: 'durable', Key: { pk: { S: 'p' }, sk: { N: '0' } } }))).Item!;
    assert.deepEqual(Buffer.from(it.b.B!), Buffer.from([19]));
    assert.equal(it.big.N, '12345678901234567890123456789012345679');
  } finally {
    await kill9(second);
  }
});

test('stream records and their sequence survive kill -9', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-ddbs-'));
  const first = await startProcess(['--data-dir', dir, '--services', 'dynamodb,dynamodbstreams']);
  let ddb = new DynamoDBClient(sdk(first));
  const arn = (await ddb.send(new CreateTableCommand({
    TableName: 's', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST', StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  }))).TableDescription!.LatestStreamArn!;
  await ddb.send(new PutItemCommand({ TableName: 's', Item: { pk: { S: 'a' }, b: { B: Buffer.from([7]) } } }));
  await kill9(first);
  const second = await startProcess(['--data-dir', dir, '--services', 'dynamodb,dynamodbstreams']);
  try {
    ddb = new DynamoDBClient(sdk(second));
    await ddb.send(new PutItemCommand({ TableName: 's', Item: { pk: { S: 'b' } } }));
    const streams = new DynamoDBStreamsClient(sdk(second));
    const shard = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards![0].ShardId!;
    const it = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
    const recs = (await streams.send(new GetRecordsCommand({ ShardIterator: it }))).Records!;
    assert.deepEqual(recs.map((r) => r.dynamodb!.Keys!.pk.S), ['a', 'b']);
    assert.deepEqual(Buffer.from(recs[0].dynamodb!.NewImage!.b.B!), Buffer.from([7]));
    assert.ok(recs[0].dynamodb!.ApproximateCreationDateTime instanceof Date);
    assert.ok(BigInt(recs[1].dynamodb!.SequenceNumber!) > BigInt(recs[0].dynamodb!.SequenceNumber!));
  } finally {
    await kill9(second);
  }
});

test('exports and imports survive kill -9 and complete on the clock after the restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-ddbx-'));
  const first = await startProcess(['--data-dir', dir, '--services', 'dynamodb,s3']);
  let ddb = new DynamoDBClient(sdk(first));
  const s3 = new S3Client({ ...sdk(first), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'dump' }));
  const tableArn = (await ddb.send(new CreateTableCommand({
    TableName: 'src', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }))).TableDescription!.TableArn!;
  for (const pk of ['a', 'b', 'c']) await ddb.send(new PutItemCommand({ TableName: 'src', Item: { pk: { S: pk }, n: { N: '12345678901234567890123456789012345678' } } }));
  await ddb.send(new UpdateContinuousBackupsCommand({ TableName: 'src', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  const exportArn = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: 'dump', S3Prefix: 'p' }))).ExportDescription!.ExportArn!;
  const importArn = (await ddb.send(new ImportTableCommand({
    S3BucketSource: { S3Bucket: 'dump', S3KeyPrefix: `p/AWSDynamoDB/${exportArn.split('/').pop()}/data/` }, InputFormat: 'DYNAMODB_JSON',
    InputCompressionType: 'GZIP', TableCreationParameters: {
      TableName: 'copy', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
  }))).ImportTableDescription!.ImportArn!;
  await kill9(first);
  const second = await startProcess(['--data-dir', dir, '--services', 'dynamodb,s3']);
  try {
    ddb = new DynamoDBClient(sdk(second));
    assert.equal((await ddb.send(new DescribeExportCommand({ ExportArn: exportArn }))).ExportDescription!.ExportStatus, 'IN_PROGRESS');
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'copy' }))).Table!.TableStatus, 'CREATING');
    const r = await fetch(`${second.endpoint}/_nimbus/clock`, { method: 'POST', body: JSON.stringify({ advance: 'PT5M' }) });
    assert.equal(r.status, 200);
    const e = (await ddb.send(new DescribeExportCommand({ ExportArn: exportArn }))).ExportDescription!;
    assert.equal(e.ExportStatus, 'COMPLETED');
    assert.equal(e.ItemCount, 3);
    assert.deepEqual((await ddb.send(new ListExportsCommand({ TableArn: tableArn }))).ExportSummaries!.map((x) => x.ExportArn), [exportArn]);
    const i = (await ddb.send(new DescribeImportCommand({ ImportArn: importArn }))).ImportTableDescription!;
    assert.deepEqual([i.ImportStatus, i.ImportedItemCount, i.ErrorCount], ['COMPLETED', 3, 0]);
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'copy' }))).Table!.TableStatus, 'ACTIVE');
    const items = (await ddb.send(new ScanCommand({ TableName: 'copy' }))).Items!;
    assert.deepEqual(items.map((x) => x.pk.S).sort(), ['a', 'b', 'c']);
    assert.ok(items.every((x) => x.n.N === '12345678901234567890123456789012345678'));
  } finally {
    await kill9(second);
  }
});
