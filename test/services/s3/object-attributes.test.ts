// GetObjectAttributes through the JS SDK v3 and the aws CLI: selected attributes only, the
// unquoted ETag, checksums (a composite one without its -N suffix), ObjectParts paging for
// multipart objects uploaded with checksums, versions and delete markers.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectAttributesCommand,
  HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { aws, nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3 } from './util.js';

let n: Nimbus;
let c: S3Client;
const B = 'attrs-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B })); });

const attrs = (Key: string, ObjectAttributes: string[], extra: Record<string, unknown> = {}) =>
  c.send(new GetObjectAttributesCommand({ Bucket: B, Key, ObjectAttributes: ObjectAttributes as never, ...extra }));

test('a simple object: only the requested attributes, ETag without quotes, FULL_OBJECT checksum', async () => {
  const p = await c.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'hello world', ChecksumAlgorithm: 'SHA256', StorageClass: 'STANDARD_IA' }));
  const all = await attrs('k', ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);
  assert.equal(all.ETag, p.ETag!.replace(/"/g, ''));
  assert.equal(all.ETag, createHash('md5').update('hello world').digest('hex'));
  assert.equal(all.Checksum?.ChecksumSHA256, createHash('sha256').update('hello world').digest('base64'));
  assert.equal(all.Checksum?.ChecksumType, 'FULL_OBJECT');
  assert.equal(all.ObjectParts, undefined); // not a multipart object
  assert.equal(all.StorageClass, 'STANDARD_IA');
  assert.equal(all.ObjectSize, 11);
  assert.ok(all.LastModified instanceof Date);
  assert.equal(all.VersionId, undefined); // bucket never versioned

  const some = await attrs('k', ['ObjectSize']);
  assert.equal(some.ObjectSize, 11);
  assert.equal(some.ETag, undefined);
  assert.equal(some.StorageClass, undefined);
  assert.equal(some.Checksum, undefined);
});

test('errors: unknown attribute, missing key and bucket', async () => {
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x' }));
  const e = await rejects(attrs('k', ['Size']), 'InvalidArgument', 400);
  assert.equal(e.message, 'Invalid attribute name specified.');
  await rejects(attrs('nope', ['ETag']), 'NoSuchKey', 404);
  await rejects(c.send(new GetObjectAttributesCommand({ Bucket: 'no-such-bucket-x', Key: 'k', ObjectAttributes: ['ETag'] })), 'NoSuchBucket', 404);
});

test('versions: by version id; a current delete marker is 404 with x-amz-delete-marker', async () => {
  await c.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }));
  const v1 = await c.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'one' }));
  const v2 = await c.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'three' }));
  const cur = await attrs('k', ['ObjectSize']);
  assert.equal(cur.VersionId, v2.VersionId);
  assert.equal(cur.ObjectSize, 5);
  const old = await attrs('k', ['ObjectSize', 'ETag'], { VersionId: v1.VersionId });
  assert.equal(old.VersionId, v1.VersionId);
  assert.equal(old.ObjectSize, 3);
  const d = await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'k' }));
  const e = await rejects(attrs('k', ['ETag']), 'NoSuchKey', 404) as Error & { $response?: { headers: Record<string, string> } };
  assert.equal(e.$response?.headers['x-amz-delete-marker'], 'true');
  assert.equal(e.$response?.headers['x-amz-version-id'], d.VersionId);
  await rejects(attrs('k', ['ETag'], { VersionId: d.VersionId }), 'MethodNotAllowed', 405);
  await rejects(attrs('k', ['ETag'], { VersionId: 'A'.repeat(32) }), 'NoSuchVersion', 404);
});

const MiB = 1024 * 1024;
async function multipart(Key: string, sizes: number[], ChecksumAlgorithm?: 'SHA256' | 'CRC32', ChecksumType?: 'FULL_OBJECT' | 'COMPOSITE', numbers?: number[]) {
  const u = await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key, ChecksumAlgorithm, ChecksumType }));
  const parts = [];
  for (let i = 0; i < sizes.length; i++) {
    const PartNumber = numbers?.[i] ?? i + 1;
    const r = await c.send(new UploadPartCommand({ Bucket: B, Key, UploadId: u.UploadId, PartNumber, Body: Buffer.alloc(sizes[i], 97 + i), ChecksumAlgorithm }));
    parts.push({ PartNumber, ETag: r.ETag, ChecksumSHA256: r.ChecksumSHA256, ChecksumCRC32: r.ChecksumCRC32 });
  }
  const done = await c.send(new CompleteMultipartUploadCommand({ Bucket: B, Key, UploadId: u.UploadId, MultipartUpload: { Parts: parts }, ChecksumType }));
  return { parts, done };
}

test('multipart with a composite checksum: parts with sizes and checksums, paged by MaxParts/PartNumberMarker', async () => {
  const { parts, done } = await multipart('mp', [5 * MiB, 5 * MiB, 10], 'SHA256', undefined, [1, 3, 7]);
  assert.match(done.ChecksumSHA256!, /-3$/);
  const a = await attrs('mp', ['Checksum', 'ObjectParts', 'ObjectSize', 'ETag']);
  assert.equal(a.ETag, done.ETag!.replace(/"/g, ''));
  assert.match(a.ETag!, /-3$/);
  // GetObjectAttributes answers the composite checksum without the -N suffix.
  assert.equal(a.Checksum?.ChecksumSHA256, done.ChecksumSHA256!.replace(/-3$/, ''));
  assert.equal(a.Checksum?.ChecksumType, 'COMPOSITE');
  assert.equal(a.ObjectSize, 10 * MiB + 10);
  const op = a.ObjectParts!;
  assert.equal(op.TotalPartsCount, 3);
  assert.equal(op.IsTruncated, false);
  assert.deepEqual(op.Parts?.map((p) => [p.PartNumber, p.Size, p.ChecksumSHA256]),
    [[1, 5 * MiB, parts[0].ChecksumSHA256], [3, 5 * MiB, parts[1].ChecksumSHA256], [7, 10, parts[2].ChecksumSHA256]]);

  const p1 = await attrs('mp', ['ObjectParts'], { MaxParts: 2 });
  assert.equal(p1.ObjectParts?.IsTruncated, true);
  assert.equal(p1.ObjectParts?.MaxParts, 2);
  // The JS SDK types the markers as strings.
  assert.equal(Number(p1.ObjectParts?.NextPartNumberMarker), 3);
  assert.deepEqual(p1.ObjectParts?.Parts?.map((p) => p.PartNumber), [1, 3]);
  const p2 = await attrs('mp', ['ObjectParts'], { MaxParts: 2, PartNumberMarker: p1.ObjectParts!.NextPartNumberMarker });
  assert.equal(p2.ObjectParts?.IsTruncated, false);
  assert.equal(Number(p2.ObjectParts?.PartNumberMarker), 3);
  assert.deepEqual(p2.ObjectParts?.Parts?.map((p) => p.PartNumber), [7]);
});

test('multipart without a composite checksum: only the part count; the aws CLI', async () => {
  await multipart('plain', [5 * MiB, 3]);
  const a = await attrs('plain', ['ObjectParts', 'Checksum']);
  assert.equal(a.ObjectParts?.TotalPartsCount, 2);
  assert.equal(a.ObjectParts?.Parts, undefined);
  assert.equal(a.Checksum?.ChecksumType, 'FULL_OBJECT');
  assert.ok(a.Checksum?.ChecksumCRC64NVME);
  const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'plain' }));
  const r = await aws(n, ['s3api', 'get-object-attributes', '--bucket', B, '--key', 'plain', '--object-attributes', 'ETag', 'ObjectSize', 'ObjectParts', 'StorageClass']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ETag, h.ETag!.replace(/"/g, ''));
  assert.equal(out.ObjectSize, 5 * MiB + 3);
  assert.equal(out.StorageClass, 'STANDARD');
  assert.equal(out.ObjectParts.TotalPartsCount, 2);
  assert.ok(out.LastModified);
  const bad = await aws(n, ['s3api', 'get-object-attributes', '--bucket', B, '--key', 'plain', '--object-attributes', 'Bogus']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /InvalidArgument/);
});
