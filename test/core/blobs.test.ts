// Payloads are blobs: small ones whole (in memory, or one file write with --data-dir), large ones
// streamed to files under DIR/blobs/<service>; resetting a service removes its files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

test('small and large blobs: whole, by range, seen by observers, deleted, in memory and on disk', async () => {
  const { putBlob, readBlob, blobSize, deleteBlob, BufferStream } = await import('../../src/core/blobs.js');
  const { Readable } = await import('node:stream');
  const read = async (s: NodeJS.ReadableStream) => { const parts: Buffer[] = []; for await (const c of s) parts.push(c as Buffer); return Buffer.concat(parts); };
  const small = await putBlob(Buffer.from('small body'), [], 'test');
  assert.equal(small.size, 10);
  assert.equal(small.md5, createHash('md5').update('small body').digest('hex'));
  assert.ok(readBlob(small.id) instanceof BufferStream, 'a small blob reads back whole');
  assert.equal((await read(readBlob(small.id, { start: 6, end: 9 }))).toString(), 'body');
  let seen = 0;
  const counter = (c: Buffer) => { seen += c.length; };
  const chunks = [Buffer.alloc(40_000, 1), Buffer.alloc(40_000, 2), Buffer.alloc(40_000, 3)];
  const large = await putBlob(Readable.from(chunks), [counter], 'test');
  assert.equal(seen, 120_000, 'the observer saw every byte');
  // An observer that throws (a size limit) stores nothing and surfaces its error.
  // (Observers see the bytes in order, in pieces of their own size: not the source's chunks.)
  const limit = (c: Buffer) => { if (c.includes(3)) throw new Error('too large'); };
  await assert.rejects(putBlob(Readable.from(chunks), [limit], 'test'), /too large/);
  await assert.rejects(putBlob(Buffer.from([3]), [limit], 'test'), /too large/);
  assert.equal(large.size, 120_000);
  assert.equal(blobSize(large.id), 120_000);
  assert.ok(!(readBlob(large.id) instanceof BufferStream), 'a large blob streams from its file');
  assert.deepEqual(await read(readBlob(large.id)), Buffer.concat(chunks));
  assert.deepEqual(await read(readBlob(large.id, { start: 39_999, end: 40_000 })), Buffer.from([1, 2]));
  const failing = new Readable({ read() { this.destroy(new Error('client went away')); } });
  await assert.rejects(putBlob(failing, [], 'test'), /client went away/);
  deleteBlob(small.id);
  deleteBlob(large.id);
  assert.throws(() => blobSize(large.id));
});

test('a blob of many slabs: every byte written and hashed in order, observers see them all, uploads side by side', async () => {
  const { putBlob, readBlob, deleteBlob } = await import('../../src/core/blobs.js');
  const { Readable } = await import('node:stream');
  // 5 MiB + 123 bytes in 64 KiB reads with a pattern that shows any byte out of place.
  const total = 5 * 1024 * 1024 + 123;
  const data = Buffer.alloc(total);
  for (let i = 0; i < total; i++) data[i] = (i * 7 + (i >> 16)) & 0xff;
  const source = () => Readable.from((function* () { for (let o = 0; o < total; o += 65_536) yield data.subarray(o, Math.min(total, o + 65_536)); })());
  const read = async (s: NodeJS.ReadableStream) => { const parts: Buffer[] = []; for await (const c of s) parts.push(c as Buffer); return Buffer.concat(parts); };
  const seen = createHash('sha256');
  // Two uploads at once share the MD5 worker and the slab pool.
  const [a, b] = await Promise.all([putBlob(source(), [(c) => { seen.update(c); }], 'test'), putBlob(source(), [], 'test')]);
  for (const blob of [a, b]) {
    assert.equal(blob.size, total);
    assert.equal(blob.md5, createHash('md5').update(data).digest('hex'));
    assert.ok((await read(readBlob(blob.id))).equals(data));
  }
  assert.equal(seen.digest('hex'), createHash('sha256').update(data).digest('hex'));
  // Direct I/O reads whole blocks from aligned offsets: ranges starting and ending anywhere,
  // across blocks and slabs, up to the file's unaligned end, come back exact.
  const MiB = 1024 * 1024;
  for (const [start, end] of [[0, 0], [1, 4096], [4095, 4097], [MiB - 1, MiB], [MiB - 5000, 3 * MiB + 17], [total - 1, total - 1], [total - 200, total - 1], [12_345, total - 1]]) {
    assert.ok((await read(readBlob(a.id, { start, end }))).equals(data.subarray(start, end + 1)), `bytes ${start}-${end}`);
  }
  // A reader dropped part way (a client that went away) leaves the next reads intact.
  const dropped = readBlob(a.id);
  await new Promise<void>((resolve) => dropped.once('data', () => { dropped.destroy(); resolve(); }));
  await new Promise((r) => setTimeout(r, 20));
  assert.ok((await read(readBlob(b.id))).equals(data));
  deleteBlob(a.id);
  deleteBlob(b.id);
});

test('direct writes pad the last block and cut the file to the blob\'s exact size', async () => {
  const { putBlob, deleteBlob } = await import('../../src/core/blobs.js');
  const { Readable } = await import('node:stream');
  const { statSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-blobs-direct-'));
  const n = await nimbus({ dataDir: dir });
  try {
    for (const size of [65_537, 1024 * 1024, 1024 * 1024 + 1, 2 * 1024 * 1024 - 4095]) {
      const blob = await putBlob(Readable.from([Buffer.alloc(size, 9)]), [], 'test');
      assert.equal(statSync(join(dir, 'blobs', blob.id)).size, size);
      deleteBlob(blob.id);
    }
  } finally {
    await n.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
