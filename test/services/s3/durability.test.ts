// S3 with --data-dir under kill -9: every object whose PUT was answered 200 is there after a
// restart, whole; nothing half-written is ever listed or readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { sdk } from '../../helpers.js';
import { kill9, startProcess } from '../../process.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

test('kill -9 during uploads: acknowledged objects survive whole, half-written ones never appear', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-s3-kill-'));
  try {
    let p = await startProcess(['--data-dir', dir]);
    let s3 = new S3Client({ ...sdk(p), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'durable' }));
    const acked = new Map<string, string>(); // key -> md5 of the body
    let stop = false;
    let n = 0;
    // Small bodies (held whole) and large ones (streamed to files) alike.
    const writer = async (w: number) => {
      while (!stop) {
        const key = `w${w}/obj-${n++}`;
        const body = randomBytes(n % 3 === 0 ? 300_000 + (n % 7) * 10_000 : 1 + (n % 2000));
        try {
          await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: key, Body: body }));
          acked.set(key, md5(body));
        } catch { /* the server died mid-request: not acknowledged */ }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (acked.size < 150) await new Promise((r) => setTimeout(r, 10));
    await kill9(p);
    stop = true;
    await Promise.all(writers);
    s3.destroy();

    p = await startProcess(['--data-dir', dir]);
    s3 = new S3Client({ ...sdk(p), forcePathStyle: true });
    try {
      const listed = new Map<string, number>();
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: 'durable', ContinuationToken: token }));
        for (const o of page.Contents ?? []) listed.set(o.Key!, o.Size!);
        token = page.NextContinuationToken;
      } while (token);
      for (const key of acked.keys()) assert.ok(listed.has(key), `acknowledged ${key} survived`);
      // Everything listed (acknowledged or caught between its write and its answer) is whole.
      for (const [key, size] of listed) {
        const got = await s3.send(new GetObjectCommand({ Bucket: 'durable', Key: key }));
        const bytes = await got.Body!.transformToByteArray();
        assert.equal(bytes.length, size, `${key} is whole`);
        if (acked.has(key)) assert.equal(md5(bytes), acked.get(key), `${key} has its content`);
      }
      console.log(`# ${acked.size} acknowledged PUTs before kill -9; ${listed.size} objects after restart, all whole`);
    } finally {
      s3.destroy();
      await kill9(p);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
