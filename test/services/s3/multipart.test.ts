// Multipart uploads through the JS SDK v3: parts, the multipart ETag, part size and order
// rules, abort, ListParts, ListMultipartUploads, UploadPartCopy, GetObject partNumber.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListPartsCommand, PutObjectCommand, UploadPartCommand,
  UploadPartCopyCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3 } from './util.js';

let n: Nimbus;
let c: S3Client;
const B = 'multipart-bucket';
const MiB = 1024 * 1024;
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B })); });

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

test('upload in parts, complete: bytes, ETag "<md5 of md5s>-N", metadata, part ranges', async () => {
  const parts = [Buffer.alloc(5 * MiB, 'a'), Buffer.alloc(5 * MiB, 'b'), Buffer.from('tail')];
  const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'big', ContentType: 'text/plain', Metadata: { m: '1' } }));
  assert.ok(UploadId);
  const etags: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const r: { ETag?: string } = await c.send(new UploadPartCommand({ Bucket: B, Key: 'big', UploadId, PartNumber: i + 1, Body: parts[i] }));
    assert.equal(r.ETag, `"${md5(parts[i]).toString('hex')}"`);
    etags.push(r.ETag!);
  }
  const lp = await c.send(new ListPartsCommand({ Bucket: B, Key: 'big', UploadId, MaxParts: 2 }));
  assert.deepEqual(lp.Parts?.map((p) => [p.PartNumber, p.Size]), [[1, 5 * MiB], [2, 5 * MiB]]);
  assert.equal(lp.IsTruncated, true);
  assert.equal(lp.NextPartNumberMarker, '2');
  const lu = await c.send(new ListMultipartUploadsCommand({ Bucket: B }));
  assert.deepEqual(lu.Uploads?.map((u) => [u.Key, u.UploadId]), [['big', UploadId]]);
  const done = await c.send(new CompleteMultipartUploadCommand({
    Bucket: B, Key: 'big', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
  }));
  const expected = `"${md5(Buffer.concat(parts.map(md5))).toString('hex')}-3"`;
  assert.equal(done.ETag, expected);
  const g = await c.send(new GetObjectCommand({ Bucket: B, Key: 'big', ChecksumMode: 'ENABLED' }));
  assert.equal(g.ETag, expected);
  assert.equal(g.ContentType, 'text/plain');
  assert.deepEqual(g.Metadata, { m: '1' });
  assert.ok(Buffer.from(await g.Body!.transformToByteArray()).equals(Buffer.concat(parts)));
  const p3 = await c.send(new GetObjectCommand({ Bucket: B, Key: 'big', PartNumber: 3 }));
  assert.equal(p3.PartsCount, 3);
  assert.equal(p3.ContentRange, `bytes ${10 * MiB}-${10 * MiB + 3}/${10 * MiB + 4}`);
  assert.equal(await p3.Body!.transformToString(), 'tail');
  assert.equal((await c.send(new ListMultipartUploadsCommand({ Bucket: B }))).Uploads?.length ?? 0, 0);
  await rejects(c.send(new ListPartsCommand({ Bucket: B, Key: 'big', UploadId })), 'NoSuchUpload', 404);
});

test('complete errors: EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload; abort', async () => {
  const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'k' }));
  const a = await c.send(new UploadPartCommand({ Bucket: B, Key: 'k', UploadId, PartNumber: 1, Body: 'small' }));
  const b = await c.send(new UploadPartCommand({ Bucket: B, Key: 'k', UploadId, PartNumber: 2, Body: 'last' }));
  const complete = (Parts: { ETag?: string; PartNumber: number }[]) =>
    c.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'k', UploadId, MultipartUpload: { Parts } }));
  const e = await rejects(complete([{ ETag: a.ETag, PartNumber: 1 }, { ETag: b.ETag, PartNumber: 2 }]), 'EntityTooSmall', 400);
  assert.equal(e.message, 'Your proposed upload is smaller than the minimum allowed object size.');
  await rejects(complete([{ ETag: '"0000"', PartNumber: 1 }]), 'InvalidPart', 400);
  await rejects(complete([{ ETag: a.ETag, PartNumber: 3 }]), 'InvalidPart', 400);
  const o = await rejects(complete([{ ETag: b.ETag, PartNumber: 2 }, { ETag: a.ETag, PartNumber: 1 }]), 'InvalidPartOrder', 400);
  assert.equal(o.message, 'The list of parts was not in ascending order. Parts must be ordered by part number.');
  // A single small part is fine (the last part has no minimum).
  await complete([{ ETag: a.ETag, PartNumber: 1 }]);
  assert.equal(await (await c.send(new GetObjectCommand({ Bucket: B, Key: 'k' }))).Body!.transformToString(), 'small');
  const gone = await rejects(complete([{ ETag: a.ETag, PartNumber: 1 }]), 'NoSuchUpload', 404);
  assert.match(gone.message, /^The specified upload does not exist/);
  const u2 = await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'k2' }));
  await rejects(c.send(new UploadPartCommand({ Bucket: B, Key: 'k2', UploadId: u2.UploadId, PartNumber: 10001, Body: 'x' })), 'InvalidArgument', 400);
  const ab = await c.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'k2', UploadId: u2.UploadId }));
  assert.equal(ab.$metadata.httpStatusCode, 204);
  await rejects(c.send(new UploadPartCommand({ Bucket: B, Key: 'k2', UploadId: u2.UploadId, PartNumber: 1, Body: 'x' })), 'NoSuchUpload', 404);
  await rejects(c.send(new HeadObjectCommand({ Bucket: B, Key: 'k2' })), 'NotFound', 404);
});

test('UploadPartCopy with a source range; composite CRC32 checksum', async () => {
  const src = Buffer.alloc(6 * MiB, 'z');
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: src }));
  const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'dst', ChecksumAlgorithm: 'CRC32' }));
  const p1 = await c.send(new UploadPartCopyCommand({ Bucket: B, Key: 'dst', UploadId, PartNumber: 1, CopySource: `${B}/src`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
  const p2 = await c.send(new UploadPartCommand({ Bucket: B, Key: 'dst', UploadId, PartNumber: 2, Body: 'end', ChecksumAlgorithm: 'CRC32' }));
  assert.ok(p2.ChecksumCRC32);
  const done = await c.send(new CompleteMultipartUploadCommand({
    Bucket: B, Key: 'dst', UploadId,
    MultipartUpload: { Parts: [{ ETag: p1.CopyPartResult!.ETag, PartNumber: 1, ChecksumCRC32: p1.CopyPartResult!.ChecksumCRC32 }, { ETag: p2.ETag, PartNumber: 2, ChecksumCRC32: p2.ChecksumCRC32 }] },
  }));
  assert.match(done.ChecksumCRC32!, /-2$/);
  assert.equal(done.ChecksumType, 'COMPOSITE');
  const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'dst' }));
  assert.equal(h.ContentLength, 5 * MiB + 3);
});
