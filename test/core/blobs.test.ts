// Large payloads are files under DIR/blobs/<service>; resetting a service removes its files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { nimbus, sdk } from '../helpers.js';

test('object bodies live in blob files named by id, and reset removes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-blobs-test-'));
  const n = await nimbus({ dataDir: dir });
  try {
    const s3 = new S3Client({ ...sdk(n), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'files' }));
    await s3.send(new PutObjectCommand({ Bucket: 'files', Key: '../../etc/passwd', Body: 'not a path' }));
    const files = readdirSync(join(dir, 'blobs', 's3'));
    assert.equal(files.length, 1);
    assert.match(files[0], /^[0-9a-f-]{36}$/); // named by id, never by the key
    const got = await s3.send(new GetObjectCommand({ Bucket: 'files', Key: '../../etc/passwd' }));
    assert.equal(await got.Body!.transformToString(), 'not a path');
    assert.equal((await fetch(`${n.endpoint}/_nimbus/reset?service=s3`, { method: 'POST' })).status, 200);
    assert.equal(existsSync(join(dir, 'blobs', 's3')), false);
  } finally {
    await n.stop();
  }
});
