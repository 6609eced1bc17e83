// Archive tiers and restores through the JS SDK v3 and the aws CLI, on the virtual clock.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CopyObjectCommand, CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, RestoreObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { aws, nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3, text } from './util.js';

let n: Nimbus;
let c: S3Client;
const B = 'archive-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => {
  n.reset();
  n.clock.set('2030-03-10T10:30:00Z');
  await c.send(new CreateBucketCommand({ Bucket: B }));
});

test('GLACIER: 403 InvalidObjectState until restored; 202, 409 while ongoing, readable, 200 extends, expires after Days', async () => {
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'g', Body: 'cold', StorageClass: 'GLACIER' }));
  const e = await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'g' })), 'InvalidObjectState', 403);
  assert.equal(e.message, "The operation is not valid for the object's storage class");
  await rejects(c.send(new CopyObjectCommand({ Bucket: B, Key: 'copy', CopySource: `${B}/g` })), 'InvalidObjectState', 403);
  const h0 = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'g' }));
  assert.equal(h0.StorageClass, 'GLACIER');
  assert.equal(h0.Restore, undefined);

  const r = await c.send(new RestoreObjectCommand({ Bucket: B, Key: 'g', RestoreRequest: { Days: 2, GlacierJobParameters: { Tier: 'Standard' } } }));
  assert.equal(r.$metadata.httpStatusCode, 202);
  assert.equal((await c.send(new HeadObjectCommand({ Bucket: B, Key: 'g' }))).Restore, 'ongoing-request="true"');
  await rejects(c.send(new RestoreObjectCommand({ Bucket: B, Key: 'g', RestoreRequest: { Days: 2 } })), 'RestoreAlreadyInProgress', 409);
  n.clock.advance('PT4H59M');
  await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'g' })), 'InvalidObjectState', 403);
  n.clock.advance('PT2M');  // Standard: 5 hours, done at 15:30
  const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'g' }));
  // 15:30 on 3/10 + 2 days, rounded up to the next midnight UTC.
  assert.equal(h.Restore, 'ongoing-request="false", expiry-date="Wed, 13 Mar 2030 00:00:00 GMT"');
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'g' }))).Body), 'cold');
  const again = await c.send(new RestoreObjectCommand({ Bucket: B, Key: 'g', RestoreRequest: { Days: 5 } }));
  assert.equal(again.$metadata.httpStatusCode, 200);
  assert.match((await c.send(new HeadObjectCommand({ Bucket: B, Key: 'g' }))).Restore!, /expiry-date="Sat, 16 Mar 2030 00:00:00 GMT"/);
  n.clock.set('2030-03-16T00:00:01Z');
  await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'g' })), 'InvalidObjectState', 403);
});

test('tiers: Expedited GLACIER in 5 minutes; DEEP_ARCHIVE refuses Expedited, Bulk takes 48 hours; GLACIER_IR reads directly', async () => {
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'e', Body: 'x', StorageClass: 'GLACIER' }));
  await c.send(new RestoreObjectCommand({ Bucket: B, Key: 'e', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Expedited' } } }));
  n.clock.advance('PT5M');
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'e' }))).Body), 'x');

  await c.send(new PutObjectCommand({ Bucket: B, Key: 'd', Body: 'deep', StorageClass: 'DEEP_ARCHIVE' }));
  await rejects(c.send(new RestoreObjectCommand({ Bucket: B, Key: 'd', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Expedited' } } })), 'InvalidArgument', 400);
  await c.send(new RestoreObjectCommand({ Bucket: B, Key: 'd', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } }));
  n.clock.advance('PT47H');
  await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'd' })), 'InvalidObjectState', 403);
  n.clock.advance('PT1H');
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'd' }))).Body), 'deep');

  await c.send(new PutObjectCommand({ Bucket: B, Key: 'ir', Body: 'instant', StorageClass: 'GLACIER_IR' }));
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'ir' }))).Body), 'instant');
  await rejects(c.send(new RestoreObjectCommand({ Bucket: B, Key: 'ir', RestoreRequest: { Days: 1 } })), 'InvalidObjectState', 403);
});

test('aws CLI: restore-object and head-object', async () => {
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'cli', Body: 'x', StorageClass: 'GLACIER' }));
  const r = await aws(n, ['s3api', 'restore-object', '--bucket', B, '--key', 'cli', '--restore-request', '{"Days":1,"GlacierJobParameters":{"Tier":"Bulk"}}']);
  assert.equal(r.code, 0, r.stderr);
  const h = await aws(n, ['s3api', 'head-object', '--bucket', B, '--key', 'cli']);
  assert.equal(JSON.parse(h.stdout).Restore, 'ongoing-request="true"');
});
