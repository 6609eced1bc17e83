// Object Lock through the JS SDK v3 and boto3: lock-enabled buckets, default retention,
// retention and legal hold per version, enforcement against the virtual clock, governance
// bypass, compliance that cannot be shortened.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, UploadPartCommand, DeleteObjectsCommand, GetBucketVersioningCommand, GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand, GetObjectRetentionCommand, HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand,
  PutObjectLegalHoldCommand, PutObjectLockConfigurationCommand, PutObjectRetentionCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { boto3, nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3 } from './util.js';

let n: Nimbus;
let c: S3Client;
const B = 'locked-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B, ObjectLockEnabledForBucket: true })); });

const DAY = 86_400_000;
const later = (days: number) => new Date(n.clock.now().getTime() + days * DAY);

test('a lock-enabled bucket is versioned for good; configuration with default retention', async () => {
  assert.equal((await c.send(new GetBucketVersioningCommand({ Bucket: B }))).Status, 'Enabled');
  await rejects(c.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Suspended' } })), 'InvalidBucketState', 409);
  const g = await c.send(new GetObjectLockConfigurationCommand({ Bucket: B }));
  assert.deepEqual(g.ObjectLockConfiguration, { ObjectLockEnabled: 'Enabled' });
  await c.send(new PutObjectLockConfigurationCommand({
    Bucket: B, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 2 } } },
  }));
  const g2 = await c.send(new GetObjectLockConfigurationCommand({ Bucket: B }));
  assert.deepEqual(g2.ObjectLockConfiguration?.Rule?.DefaultRetention, { Mode: 'GOVERNANCE', Days: 2 });
  await rejects(c.send(new PutObjectLockConfigurationCommand({
    Bucket: B, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 2, Years: 1 } } },
  })), 'MalformedXML', 400);
  // New objects get the default retention.
  const p = await c.send(new PutObjectCommand({ Bucket: B, Key: 'd', Body: 'x' }));
  const r = await c.send(new GetObjectRetentionCommand({ Bucket: B, Key: 'd', VersionId: p.VersionId }));
  assert.equal(r.Retention?.Mode, 'GOVERNANCE');
  assert.ok(Math.abs(r.Retention!.RetainUntilDate!.getTime() - later(2).getTime()) < 5000);
  // A bucket without Object Lock answers ObjectLockConfigurationNotFoundError, and refuses lock headers.
  await c.send(new CreateBucketCommand({ Bucket: 'plain-bucket' }));
  await rejects(c.send(new GetObjectLockConfigurationCommand({ Bucket: 'plain-bucket' })), 'ObjectLockConfigurationNotFoundError', 404);
  await rejects(c.send(new PutObjectCommand({ Bucket: 'plain-bucket', Key: 'k', Body: 'x', ObjectLockLegalHoldStatus: 'ON' })), 'InvalidRequest', 400);
});

test('COMPLIANCE retention: version deletes are AccessDenied until the date passes; a plain delete adds a marker', async () => {
  const p = await c.send(new PutObjectCommand({
    Bucket: B, Key: 'c', Body: 'x', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: later(1),
  }));
  const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'c' }));
  assert.equal(h.ObjectLockMode, 'COMPLIANCE');
  const e = await rejects(c.send(new DeleteObjectCommand({ Bucket: B, Key: 'c', VersionId: p.VersionId, BypassGovernanceRetention: true })), 'AccessDenied', 403);
  assert.equal(e.message, 'Access Denied because object protected by object lock.');
  // Compliance can be extended, never shortened or removed.
  await c.send(new PutObjectRetentionCommand({ Bucket: B, Key: 'c', VersionId: p.VersionId, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: later(2) } }));
  await rejects(c.send(new PutObjectRetentionCommand({ Bucket: B, Key: 'c', VersionId: p.VersionId, BypassGovernanceRetention: true, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: later(1) } })), 'AccessDenied', 403);
  await rejects(c.send(new PutObjectRetentionCommand({ Bucket: B, Key: 'c', VersionId: p.VersionId, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: later(3) } })), 'AccessDenied', 403);
  const d = await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'c' }));
  assert.equal(d.DeleteMarker, true);
  const batch = await c.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'c', VersionId: p.VersionId }] } }));
  assert.equal(batch.Errors?.[0].Code, 'AccessDenied');
  n.clock.advance('P2DT1M');
  await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'c', VersionId: p.VersionId }));
});

test('GOVERNANCE retention: bypass header deletes and shortens; legal hold blocks even the bypass', async () => {
  const p = await c.send(new PutObjectCommand({ Bucket: B, Key: 'g', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: later(5) }));
  await rejects(c.send(new DeleteObjectCommand({ Bucket: B, Key: 'g', VersionId: p.VersionId })), 'AccessDenied', 403);
  await rejects(c.send(new PutObjectRetentionCommand({ Bucket: B, Key: 'g', VersionId: p.VersionId, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: later(1) } })), 'AccessDenied', 403);
  await c.send(new PutObjectRetentionCommand({ Bucket: B, Key: 'g', VersionId: p.VersionId, BypassGovernanceRetention: true, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: later(1) } }));
  await rejects(c.send(new GetObjectLegalHoldCommand({ Bucket: B, Key: 'g' })), 'NoSuchObjectLockConfiguration', 404);
  await c.send(new PutObjectLegalHoldCommand({ Bucket: B, Key: 'g', VersionId: p.VersionId, LegalHold: { Status: 'ON' } }));
  assert.equal((await c.send(new GetObjectLegalHoldCommand({ Bucket: B, Key: 'g' }))).LegalHold?.Status, 'ON');
  await rejects(c.send(new DeleteObjectCommand({ Bucket: B, Key: 'g', VersionId: p.VersionId, BypassGovernanceRetention: true })), 'AccessDenied', 403);
  await c.send(new PutObjectLegalHoldCommand({ Bucket: B, Key: 'g', VersionId: p.VersionId, LegalHold: { Status: 'OFF' } }));
  await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'g', VersionId: p.VersionId, BypassGovernanceRetention: true }));
});

test('lock headers need a future date, both mode and date, and Content-MD5 or a checksum (raw HTTP)', async () => {
  await rejects(c.send(new PutObjectCommand({ Bucket: B, Key: 'p', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: later(-1) })), 'InvalidArgument', 400);
  await rejects(c.send(new PutObjectCommand({ Bucket: B, Key: 'p', Body: 'x', ObjectLockMode: 'GOVERNANCE' })), 'InvalidArgument', 400);
  // Unsigned raw request without Content-MD5 or a checksum (signatures are not verified by default).
  const url = `${n.endpoint}/${B}/raw`;
  const headers = { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': later(1).toISOString() };
  const r = await fetch(url, { method: 'PUT', body: 'x', headers });
  assert.equal(r.status, 400);
  assert.match(await r.text(), /Content-MD5 OR x-amz-checksum- HTTP header is required/);
  const ok = await fetch(url, { method: 'PUT', body: 'x', headers: { ...headers, 'content-md5': createHash('md5').update('x').digest('base64') } });
  assert.equal(ok.status, 200);
});

test('boto3: put_object_retention and get_object_retention', async () => {
  const until = later(3).toISOString();
  const out = await boto3<{ mode: string; held: string }>(n, `
import datetime
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1')
v = s3.put_object(Bucket='${B}', Key='b', Body=b'x')['VersionId']
s3.put_object_retention(Bucket='${B}', Key='b', VersionId=v, Retention={'Mode': 'GOVERNANCE', 'RetainUntilDate': datetime.datetime.fromisoformat('${until}'.replace('Z', '+00:00'))})
s3.put_object_legal_hold(Bucket='${B}', Key='b', LegalHold={'Status': 'ON'})
r = s3.get_object_retention(Bucket='${B}', Key='b')
h = s3.get_object_legal_hold(Bucket='${B}', Key='b')
print(json.dumps({'mode': r['Retention']['Mode'], 'held': h['LegalHold']['Status']}))
`);
  assert.deepEqual(out, { mode: 'GOVERNANCE', held: 'ON' });
});

test('lock headers on CopyObject and CreateMultipartUpload apply to the new version', async () => {
  const src = await c.send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: 'x' }));
  const cp = await c.send(new CopyObjectCommand({ Bucket: B, Key: 'copy', CopySource: `${B}/src`, ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: later(1) }));
  assert.equal((await c.send(new GetObjectRetentionCommand({ Bucket: B, Key: 'copy', VersionId: cp.VersionId }))).Retention?.Mode, 'COMPLIANCE');
  await rejects(c.send(new GetObjectRetentionCommand({ Bucket: B, Key: 'src', VersionId: src.VersionId })), 'NoSuchObjectLockConfiguration', 404);
  const u = await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp', ObjectLockLegalHoldStatus: 'ON' }));
  const part = await c.send(new UploadPartCommand({ Bucket: B, Key: 'mp', UploadId: u.UploadId, PartNumber: 1, Body: 'abc' }));
  const done = await c.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'mp', UploadId: u.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
  assert.equal((await c.send(new GetObjectLegalHoldCommand({ Bucket: B, Key: 'mp', VersionId: done.VersionId }))).LegalHold?.Status, 'ON');
  await rejects(c.send(new DeleteObjectCommand({ Bucket: B, Key: 'mp', VersionId: done.VersionId })), 'AccessDenied', 403);
});
