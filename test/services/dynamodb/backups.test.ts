// Backups and point-in-time recovery through the JS SDK v3 and the aws CLI: CreateBackup /
// DescribeBackup / ListBackups / DeleteBackup, RestoreTableFromBackup (keys, indexes, items),
// UpdateContinuousBackups / DescribeContinuousBackups on the clock, RestoreTableToPointInTime.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBackupCommand, CreateTableCommand, DeleteBackupCommand, DeleteItemCommand, DescribeBackupCommand,
  DescribeContinuousBackupsCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, ListBackupsCommand, PutItemCommand,
  QueryCommand, RestoreTableFromBackupCommand, RestoreTableToPointInTimeCommand, ScanCommand, UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { aws, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ddb: DynamoDBClient;
before(async () => { n = await nimbus(); ddb = new DynamoDBClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(async () => {
  n.reset();
  await ddb.send(new CreateTableCommand({
    TableName: 'src',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  for (const pk of ['a', 'b', 'c']) await ddb.send(new PutItemCommand({ TableName: 'src', Item: { pk: { S: pk }, g: { S: 'x' }, v: { N: '1' } } }));
});

test('CreateBackup, DescribeBackup, ListBackups, RestoreTableFromBackup, DeleteBackup', async () => {
  const c = await ddb.send(new CreateBackupCommand({ TableName: 'src', BackupName: 'snap1' }));
  const arn = c.BackupDetails!.BackupArn!;
  assert.match(arn, /^arn:aws:dynamodb:us-east-1:000000000000:table\/src\/backup\/\d{14}-[0-9a-f]{8}$/);
  assert.equal(c.BackupDetails!.BackupType, 'USER');
  assert.equal(c.BackupDetails!.BackupName, 'snap1');
  // Later writes are not in the backup.
  await ddb.send(new PutItemCommand({ TableName: 'src', Item: { pk: { S: 'late' } } }));
  const d = (await ddb.send(new DescribeBackupCommand({ BackupArn: arn }))).BackupDescription!;
  assert.equal(d.BackupDetails!.BackupStatus, 'AVAILABLE');
  assert.equal(d.SourceTableDetails!.TableName, 'src');
  assert.equal(d.SourceTableDetails!.ItemCount, 3);
  assert.equal(d.SourceTableFeatureDetails!.GlobalSecondaryIndexes![0].IndexName, 'byG');
  n.clock.advance('PT1M');
  await ddb.send(new CreateBackupCommand({ TableName: 'arn:aws:dynamodb:us-east-1:000000000000:table/src', BackupName: 'snap2' }));
  const l = await ddb.send(new ListBackupsCommand({ TableName: 'src' }));
  assert.deepEqual(l.BackupSummaries!.map((b) => b.BackupName), ['snap1', 'snap2']);
  const p1 = await ddb.send(new ListBackupsCommand({ Limit: 1 }));
  assert.equal(p1.LastEvaluatedBackupArn, arn);
  const p2 = await ddb.send(new ListBackupsCommand({ Limit: 1, ExclusiveStartBackupArn: p1.LastEvaluatedBackupArn }));
  assert.deepEqual(p2.BackupSummaries!.map((b) => b.BackupName), ['snap2']);
  assert.equal((await ddb.send(new ListBackupsCommand({ BackupType: 'SYSTEM' }))).BackupSummaries!.length, 0);
  const r = await ddb.send(new RestoreTableFromBackupCommand({ BackupArn: arn, TargetTableName: 'restored' }));
  assert.equal(r.TableDescription!.TableName, 'restored');
  assert.equal(r.TableDescription!.RestoreSummary!.SourceBackupArn, arn);
  assert.equal(r.TableDescription!.RestoreSummary!.RestoreInProgress, true);
  assert.equal(r.TableDescription!.TableStatus, 'CREATING');
  const t = (await ddb.send(new DescribeTableCommand({ TableName: 'restored' }))).Table!;
  assert.equal(t.RestoreSummary!.RestoreInProgress, false);
  assert.equal(t.RestoreSummary!.RestoreDateTime!.getTime(), r.TableDescription!.RestoreSummary!.RestoreDateTime!.getTime());
  assert.equal(t.ItemCount, 3);
  assert.equal(t.GlobalSecondaryIndexes![0].IndexName, 'byG');
  assert.equal(t.BillingModeSummary!.BillingMode, 'PAY_PER_REQUEST');
  const q = await ddb.send(new QueryCommand({ TableName: 'restored', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'x' } } }));
  assert.equal(q.Count, 3);
  await rejects(ddb.send(new RestoreTableFromBackupCommand({ BackupArn: arn, TargetTableName: 'restored' })), 'TableAlreadyExistsException', 400);
  await rejects(ddb.send(new CreateBackupCommand({ TableName: 'nope', BackupName: 'xyz' })), 'TableNotFoundException', 400);
  const del = await ddb.send(new DeleteBackupCommand({ BackupArn: arn }));
  assert.equal(del.BackupDescription!.BackupDetails!.BackupStatus, 'DELETED');
  await rejects(ddb.send(new DescribeBackupCommand({ BackupArn: arn })), 'BackupNotFoundException', 400);
});

test('PITR: UpdateContinuousBackups, restorable window on the clock, RestoreTableToPointInTime', async () => {
  const off = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'src' }));
  assert.deepEqual(off.ContinuousBackupsDescription, { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } });
  await rejects(ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: 'src', TargetTableName: 'xyz', UseLatestRestorableTime: true })), 'PointInTimeRecoveryUnavailableException', 400);
  const on = await ddb.send(new UpdateContinuousBackupsCommand({ TableName: 'src', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  const since = on.ContinuousBackupsDescription!.PointInTimeRecoveryDescription!.EarliestRestorableDateTime!;
  assert.equal(on.ContinuousBackupsDescription!.PointInTimeRecoveryDescription!.PointInTimeRecoveryStatus, 'ENABLED');
  assert.equal(on.ContinuousBackupsDescription!.PointInTimeRecoveryDescription!.RecoveryPeriodInDays, 35);
  n.clock.advance('PT10M');
  const t1 = n.clock.now();
  n.clock.advance('PT10M');
  await ddb.send(new DeleteItemCommand({ TableName: 'src', Key: { pk: { S: 'a' } } }));
  await ddb.send(new PutItemCommand({ TableName: 'src', Item: { pk: { S: 'b' }, g: { S: 'x' }, v: { N: '2' } } }));
  await ddb.send(new PutItemCommand({ TableName: 'src', Item: { pk: { S: 'd' }, g: { S: 'x' } } }));
  n.clock.advance('PT10M');
  const d = (await ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'src' }))).ContinuousBackupsDescription!.PointInTimeRecoveryDescription!;
  assert.equal(d.EarliestRestorableDateTime!.getTime(), since.getTime());
  // LatestRestorableDateTime trails the clock by five minutes, as AWS's.
  assert.ok(Math.abs(d.LatestRestorableDateTime!.getTime() - (n.clock.now().getTime() - 5 * 60_000)) < 1000);
  await ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: 'src', TargetTableName: 'then', RestoreDateTime: t1 }));
  const then = await ddb.send(new ScanCommand({ TableName: 'then' }));
  assert.deepEqual(then.Items!.map((i) => `${i.pk.S}:${i.v.N}`).sort(), ['a:1', 'b:1', 'c:1']);
  const r = await ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: 'src', TargetTableName: 'latest', UseLatestRestorableTime: true }));
  assert.equal(r.TableDescription!.RestoreSummary!.SourceTableArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/src');
  const latest = await ddb.send(new ScanCommand({ TableName: 'latest' }));
  assert.deepEqual(latest.Items!.map((i) => i.pk.S).sort(), ['b', 'c', 'd']);
  assert.equal((await ddb.send(new GetItemCommand({ TableName: 'latest', Key: { pk: { S: 'b' } } }))).Item!.v.N, '2');
  await rejects(ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: 'src', TargetTableName: 'early', RestoreDateTime: new Date(since.getTime() - 1000) })), 'InvalidRestoreTimeException', 400);
  await ddb.send(new UpdateContinuousBackupsCommand({ TableName: 'src', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } }));
  assert.equal((await ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'src' }))).ContinuousBackupsDescription!.PointInTimeRecoveryDescription!.PointInTimeRecoveryStatus, 'DISABLED');
  await rejects(ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'nope' })), 'TableNotFoundException', 400);
  await rejects(ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: 'nope', TargetTableName: 'xyz', UseLatestRestorableTime: true })), 'TableNotFoundException', 400);
});

test('aws CLI: create-backup and restore-table-from-backup', async () => {
  const c = await aws(n, ['dynamodb', 'create-backup', '--table-name', 'src', '--backup-name', 'cli']);
  assert.equal(c.code, 0, c.stderr);
  const arn = JSON.parse(c.stdout).BackupDetails.BackupArn;
  const r = await aws(n, ['dynamodb', 'restore-table-from-backup', '--backup-arn', arn, '--target-table-name', 'fromcli']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).TableDescription.RestoreSummary.SourceBackupArn, arn);
  const l = await aws(n, ['dynamodb', 'list-backups']);
  assert.deepEqual(JSON.parse(l.stdout).BackupSummaries.map((b: { BackupName: string }) => b.BackupName), ['cli']);
});
