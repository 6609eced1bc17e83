// Lifecycle configuration through the JS SDK v3 and boto3: validation, and the daily sweep on
// the virtual clock (expiration, transitions, noncurrent versions, incomplete uploads).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketLifecycleCommand, DeleteObjectCommand, GetBucketLifecycleConfigurationCommand,
  HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand, PutObjectCommand, type LifecycleRule, type S3Client,
} from '@aws-sdk/client-s3';
import { boto3, nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3 } from './util.js';

let n: Nimbus;
let c: S3Client;
const B = 'lifecycle-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => {
  n.reset();
  n.clock.set('2030-01-15T10:30:00Z');
  await c.send(new CreateBucketCommand({ Bucket: B }));
});

const putRules = (Rules: LifecycleRule[]) => c.send(new PutBucketLifecycleConfigurationCommand({ Bucket: B, LifecycleConfiguration: { Rules } }));
const keys = async () => ((await c.send(new ListObjectsV2Command({ Bucket: B }))).Contents ?? []).map((o) => o.Key);

test('configuration: NoSuchLifecycleConfiguration, round trip, delete, validation errors', async () => {
  await rejects(c.send(new GetBucketLifecycleConfigurationCommand({ Bucket: B })), 'NoSuchLifecycleConfiguration', 404);
  await putRules([
    { ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 3 } },
    { ID: 'big', Status: 'Disabled', Filter: { And: { Prefix: 'x/', Tags: [{ Key: 't', Value: 'v' }], ObjectSizeGreaterThan: 10 } }, Transitions: [{ Days: 30, StorageClass: 'GLACIER' }] },
  ]);
  const g = await c.send(new GetBucketLifecycleConfigurationCommand({ Bucket: B }));
  assert.deepEqual(g.Rules?.map((r) => [r.ID, r.Status, r.Filter?.Prefix ?? r.Filter?.And?.Prefix]), [['logs', 'Enabled', 'logs/'], ['big', 'Disabled', 'x/']]);
  assert.equal(g.Rules?.[1].Filter?.And?.ObjectSizeGreaterThan, 10);
  await rejects(putRules([
    { ID: 'same', Status: 'Enabled', Filter: {}, Expiration: { Days: 1 } },
    { ID: 'same', Status: 'Enabled', Filter: {}, Expiration: { Days: 2 } },
  ]), 'InvalidArgument', 400);
  await rejects(putRules([{ ID: 'none', Status: 'Enabled', Filter: {} }]), 'InvalidRequest', 400);
  await rejects(putRules([{ ID: 'zero', Status: 'Enabled', Filter: {}, Expiration: { Days: 0 } }]), 'InvalidArgument', 400);
  await rejects(putRules([{ ID: 'ia', Status: 'Enabled', Filter: {}, Transitions: [{ Days: 5, StorageClass: 'STANDARD_IA' }] }]), 'InvalidArgument', 400);
  await c.send(new DeleteBucketLifecycleCommand({ Bucket: B }));
  await rejects(c.send(new GetBucketLifecycleConfigurationCommand({ Bucket: B })), 'NoSuchLifecycleConfiguration', 404);
});

test('Expiration Days: eligible at midnight UTC after creation + Days (1/15 10:30 + 3 days → 1/19 00:00); x-amz-expiration', async () => {
  await putRules([{ ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 3 } }]);
  const p = await c.send(new PutObjectCommand({ Bucket: B, Key: 'logs/a', Body: 'x' }));
  assert.equal(p.Expiration, 'expiry-date="Sat, 19 Jan 2030 00:00:00 GMT", rule-id="logs"');
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'keep', Body: 'x' }));
  const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'logs/a' }));
  assert.equal(h.Expiration, 'expiry-date="Sat, 19 Jan 2030 00:00:00 GMT", rule-id="logs"');
  n.clock.set('2030-01-18T23:59:00Z');
  assert.deepEqual(await keys(), ['keep', 'logs/a']);
  n.clock.set('2030-01-19T00:00:01Z');
  assert.deepEqual(await keys(), ['keep']);
});

test('versioned bucket: expiration adds a marker; noncurrent versions expire after NoncurrentDays keeping NewerNoncurrentVersions; transitions', async () => {
  await c.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }));
  await putRules([
    { ID: 'exp', Status: 'Enabled', Filter: { Prefix: 'e' }, Expiration: { Days: 1 } },
    { ID: 'nc', Status: 'Enabled', Filter: { Prefix: 'v' }, NoncurrentVersionExpiration: { NoncurrentDays: 1, NewerNoncurrentVersions: 1 } },
    { ID: 'cold', Status: 'Enabled', Filter: { Prefix: 't' }, Transitions: [{ Days: 2, StorageClass: 'GLACIER' }] },
  ]);
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'e', Body: 'x' }));
  for (let i = 0; i < 4; i++) await c.send(new PutObjectCommand({ Bucket: B, Key: 'v', Body: String(i) }));
  await c.send(new PutObjectCommand({ Bucket: B, Key: 't', Body: 'x' }));
  n.clock.advance('P3D');
  const l = await c.send(new ListObjectVersionsCommand({ Bucket: B }));
  assert.deepEqual(l.DeleteMarkers?.map((m) => [m.Key, m.IsLatest]), [['e', true]]);
  // 'v': the current version and one newer noncurrent version are kept.
  assert.equal(l.Versions?.filter((v) => v.Key === 'v').length, 2);
  assert.equal(l.Versions?.find((v) => v.Key === 't')?.StorageClass, 'GLACIER');
  assert.deepEqual(await keys(), ['t', 'v']);
});

test('ExpiredObjectDeleteMarker and AbortIncompleteMultipartUpload', async () => {
  await c.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }));
  await putRules([
    { ID: 'nc', Status: 'Enabled', Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
    { ID: 'dm', Status: 'Enabled', Filter: {}, Expiration: { ExpiredObjectDeleteMarker: true } },
  ]);
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'm', Body: 'x' }));
  await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'm' }));
  await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'up' }));
  n.clock.advance('P4D');
  const l = await c.send(new ListObjectVersionsCommand({ Bucket: B }));
  assert.equal(l.Versions, undefined);
  assert.equal(l.DeleteMarkers, undefined);
  assert.equal((await c.send(new ListMultipartUploadsCommand({ Bucket: B }))).Uploads, undefined);
});

test('boto3: put_bucket_lifecycle_configuration and get', async () => {
  const out = await boto3<string[]>(n, `
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1')
s3.put_bucket_lifecycle_configuration(Bucket='${B}', LifecycleConfiguration={'Rules': [
  {'ID': 'r1', 'Status': 'Enabled', 'Filter': {'Tag': {'Key': 'k', 'Value': 'v'}}, 'Expiration': {'Date': '2031-01-01T00:00:00Z'}},
]})
r = s3.get_bucket_lifecycle_configuration(Bucket='${B}')['Rules'][0]
print(json.dumps([r['ID'], r['Filter']['Tag']['Key'], r['Expiration']['Date'].isoformat()]))
`);
  assert.deepEqual(out, ['r1', 'k', '2031-01-01T00:00:00+00:00']);
});
