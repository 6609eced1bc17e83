// S3 objects through the JS SDK v3: put/get/head with metadata and standard headers, ranges,
// conditional reads and writes, delete, batch delete, copy, tagging, MD5 and checksums.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, DeleteObjectTaggingCommand,
  GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, PutObjectTaggingCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3, text } from './util.js';
import { checksumOf } from '../../../src/services/s3/checksums.js';

let n: Nimbus;
let c: S3Client;
const B = 'objects-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B })); });

const md5 = (s: string | Buffer) => createHash('md5').update(s).digest();

test('checksum functions match the published check values of "123456789"', () => {
  const v = Buffer.from('123456789');
  assert.equal(Buffer.from(checksumOf('CRC32', v), 'base64').toString('hex'), 'cbf43926');
  assert.equal(Buffer.from(checksumOf('CRC32C', v), 'base64').toString('hex'), 'e3069283');
  assert.equal(Buffer.from(checksumOf('CRC64NVME', v), 'base64').toString('hex'), 'ae8b14860a799888');
  assert.equal(checksumOf('SHA256', v), createHash('sha256').update(v).digest('base64'));
});

test('PutObject/GetObject: bytes, ETag, metadata, standard headers, SSE, storage class', async () => {
  const body = 'hello world';
  const p = await c.send(new PutObjectCommand({
    Bucket: B, Key: 'dir/hello.txt', Body: body, ContentType: 'text/plain', Metadata: { Color: 'Red', 'x-thing': 'v' },
    CacheControl: 'max-age=60', ContentDisposition: 'attachment; filename="h.txt"', ContentLanguage: 'en', ContentEncoding: 'identity',
    Expires: new Date('2030-01-01T00:00:00Z'), StorageClass: 'STANDARD_IA',
  }));
  assert.equal(p.ETag, `"${md5(body).toString('hex')}"`);
  assert.equal(p.ServerSideEncryption, 'AES256');
  const g = await c.send(new GetObjectCommand({ Bucket: B, Key: 'dir/hello.txt' }));
  assert.equal(await text(g.Body), body);
  assert.equal(g.ContentLength, 11);
  assert.equal(g.ETag, p.ETag);
  assert.equal(g.ContentType, 'text/plain');
  assert.deepEqual(g.Metadata, { color: 'Red', 'x-thing': 'v' });
  assert.equal(g.CacheControl, 'max-age=60');
  assert.equal(g.ContentDisposition, 'attachment; filename="h.txt"');
  assert.equal(g.ContentLanguage, 'en');
  assert.equal(g.ContentEncoding, 'identity');
  assert.equal(g.ExpiresString, 'Tue, 01 Jan 2030 00:00:00 GMT');
  assert.equal(g.StorageClass, 'STANDARD_IA');
  assert.equal(g.ServerSideEncryption, 'AES256');
  assert.equal(g.AcceptRanges, 'bytes');
  assert.equal(g.LastModified!.getTime() % 1000, 0);
  const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'dir/hello.txt' }));
  assert.equal(h.ContentLength, 11);
  assert.equal(h.ETag, p.ETag);
  assert.deepEqual(h.Metadata, { color: 'Red', 'x-thing': 'v' });
  // Response overrides (response-content-type & co.).
  const o = await c.send(new GetObjectCommand({ Bucket: B, Key: 'dir/hello.txt', ResponseContentType: 'application/json', ResponseCacheControl: 'no-cache' }));
  assert.equal(o.ContentType, 'application/json');
  assert.equal(o.CacheControl, 'no-cache');
  await text(o.Body);
  // SSE-KMS is recorded and echoed.
  const k = await c.send(new PutObjectCommand({ Bucket: B, Key: 'kms', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'my-key-id' }));
  assert.equal(k.ServerSideEncryption, 'aws:kms');
  assert.equal(k.SSEKMSKeyId, 'arn:aws:kms:us-east-1:000000000000:key/my-key-id');
  const kh = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'kms' }));
  assert.equal(kh.ServerSideEncryption, 'aws:kms');
  assert.equal(kh.SSEKMSKeyId, 'arn:aws:kms:us-east-1:000000000000:key/my-key-id');
  await rejects(c.send(new PutObjectCommand({ Bucket: B, Key: 'bad', Body: 'x', StorageClass: 'COLD' as never })), 'InvalidStorageClass', 400);
});

test('missing keys and buckets: NoSuchKey with Key, HEAD 404 without body, DeleteObject of a missing key is 204', async () => {
  const e = await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'nope' })), 'NoSuchKey', 404);
  assert.equal(e.message, 'The specified key does not exist.');
  assert.equal((e as unknown as { Key: string }).Key, 'nope');
  // S3's request ids are 16 upper-case hex digits, the same in the header and the error document.
  const raw = await fetch(`${n.endpoint}/${B}/nope`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' } });
  const id = raw.headers.get('x-amz-request-id')!;
  assert.match(id, /^[0-9A-F]{16}$/);
  assert.match(await raw.text(), new RegExp(`<RequestId>${id}</RequestId>`));
  assert.equal(e.$metadata.requestId?.length, 16);
  await rejects(c.send(new HeadObjectCommand({ Bucket: B, Key: 'nope' })), 'NotFound', 404);
  await rejects(c.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })), 'NoSuchBucket', 404);
  await rejects(c.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' })), 'NoSuchBucket', 404);
  const d = await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'nope' }));
  assert.equal(d.$metadata.httpStatusCode, 204);
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x' }));
  await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'k' }));
  await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'k' })), 'NoSuchKey', 404);
});

test('Range: a-b, open a-, suffix -n (206 + Content-Range), unsatisfiable 416 InvalidRange', async () => {
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'r', Body: '0123456789' }));
  const get = async (Range: string) => {
    const r = await c.send(new GetObjectCommand({ Bucket: B, Key: 'r', Range }));
    return [r.$metadata.httpStatusCode, r.ContentRange, r.ContentLength, await text(r.Body)];
  };
  assert.deepEqual(await get('bytes=2-5'), [206, 'bytes 2-5/10', 4, '2345']);
  assert.deepEqual(await get('bytes=7-'), [206, 'bytes 7-9/10', 3, '789']);
  assert.deepEqual(await get('bytes=-3'), [206, 'bytes 7-9/10', 3, '789']);
  assert.deepEqual(await get('bytes=8-100'), [206, 'bytes 8-9/10', 2, '89']);
  assert.deepEqual(await get('bytes=-100'), [206, 'bytes 0-9/10', 10, '0123456789']);
  // A syntactically invalid range is ignored: the whole object (RFC 7233 §3.1).
  assert.deepEqual(await get('bytes=5-2'), [200, undefined, 10, '0123456789']);
  const e = await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'r', Range: 'bytes=10-' })), 'InvalidRange', 416);
  assert.equal(e.message, 'The requested range is not satisfiable');
  assert.equal((e as unknown as { ActualObjectSize: string }).ActualObjectSize, '10');
  const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'r', Range: 'bytes=0-1' }));
  assert.equal(h.ContentLength, 2);
  assert.equal(h.ContentRange, 'bytes 0-1/10');
});

test('conditional reads: If-Match/If-Unmodified-Since → 412, If-None-Match/If-Modified-Since → 304', async () => {
  const { ETag } = await c.send(new PutObjectCommand({ Bucket: B, Key: 'c', Body: 'x' }));
  const lm = (await c.send(new HeadObjectCommand({ Bucket: B, Key: 'c' }))).LastModified!;
  const ok = await c.send(new GetObjectCommand({ Bucket: B, Key: 'c', IfMatch: ETag, IfModifiedSince: new Date(lm.getTime() - 5000) }));
  assert.equal(await text(ok.Body), 'x');
  const e = await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'c', IfMatch: '"0000"' })), 'PreconditionFailed', 412);
  assert.equal(e.message, 'At least one of the pre-conditions you specified did not hold');
  assert.equal((e as unknown as { Condition: string }).Condition, 'If-Match');
  const e2 = await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'c', IfUnmodifiedSince: new Date(lm.getTime() - 5000) })), 'PreconditionFailed', 412);
  assert.equal((e2 as unknown as { Condition: string }).Condition, 'If-Unmodified-Since');
  // If-Match true wins over If-Unmodified-Since false (S3 GetObject docs).
  await c.send(new GetObjectCommand({ Bucket: B, Key: 'c', IfMatch: ETag, IfUnmodifiedSince: new Date(lm.getTime() - 5000) }));
  // 304 has no body: the SDK sees only the status.
  const status304 = (x: { $metadata: { httpStatusCode: number } }) => x.$metadata.httpStatusCode === 304;
  await assert.rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'c', IfNoneMatch: ETag })), status304);
  await assert.rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'c', IfModifiedSince: lm })), status304);
  await assert.rejects(c.send(new HeadObjectCommand({ Bucket: B, Key: 'c', IfMatch: '"0000"' })), (x: { $metadata: { httpStatusCode: number } }) => x.$metadata.httpStatusCode === 412);
});

test('conditional writes: If-None-Match: * and If-Match', async () => {
  const first = await c.send(new PutObjectCommand({ Bucket: B, Key: 'w', Body: 'one', IfNoneMatch: '*' }));
  const e = await rejects(c.send(new PutObjectCommand({ Bucket: B, Key: 'w', Body: 'two', IfNoneMatch: '*' })), 'PreconditionFailed', 412);
  assert.equal((e as unknown as { Condition: string }).Condition, 'If-None-Match');
  await rejects(c.send(new PutObjectCommand({ Bucket: B, Key: 'w', Body: 'two', IfMatch: '"abc"' })), 'PreconditionFailed', 412);
  await rejects(c.send(new PutObjectCommand({ Bucket: B, Key: 'absent', Body: 'two', IfMatch: first.ETag })), 'NoSuchKey', 404);
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'w', Body: 'two', IfMatch: first.ETag }));
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'w' }))).Body), 'two');
});

test('DeleteObjects: per-key results, Quiet mode', async () => {
  for (const k of ['a', 'b', 'c']) await c.send(new PutObjectCommand({ Bucket: B, Key: k, Body: k }));
  const r = await c.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'a' }, { Key: 'missing' }, { Key: 'b', VersionId: 'v1' }] } }));
  assert.deepEqual(r.Deleted?.map((d) => d.Key), ['a', 'missing']);
  assert.deepEqual(r.Errors?.map((x) => [x.Key, x.Code]), [['b', 'NoSuchVersion']]);
  const q = await c.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'b' }, { Key: 'c' }], Quiet: true } }));
  assert.equal(q.Deleted, undefined);
  await rejects(c.send(new HeadObjectCommand({ Bucket: B, Key: 'c' })), 'NotFound', 404);
});

test('CopyObject: URL-encoded source, COPY and REPLACE directives, copy onto itself', async () => {
  const key = 'dir/ünïcode key+plus.txt';
  await c.send(new PutObjectCommand({ Bucket: B, Key: key, Body: 'copy me', ContentType: 'text/plain', Metadata: { a: '1' }, Tagging: 't=1' }));
  const src = `${B}/${encodeURIComponent(key)}`;
  const r = await c.send(new CopyObjectCommand({ Bucket: B, Key: 'copy1', CopySource: src }));
  assert.equal(r.CopyObjectResult?.ETag, `"${md5('copy me').toString('hex')}"`);
  assert.ok(r.CopyObjectResult?.LastModified instanceof Date);
  const g = await c.send(new GetObjectCommand({ Bucket: B, Key: 'copy1' }));
  assert.equal(await text(g.Body), 'copy me');
  assert.equal(g.ContentType, 'text/plain');
  assert.deepEqual(g.Metadata, { a: '1' });
  assert.equal(g.TagCount, 1);
  await c.send(new CopyObjectCommand({ Bucket: B, Key: 'copy2', CopySource: src, MetadataDirective: 'REPLACE', Metadata: { b: '2' }, ContentType: 'text/csv' }));
  const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'copy2' }));
  assert.deepEqual(h.Metadata, { b: '2' });
  assert.equal(h.ContentType, 'text/csv');
  const e = await rejects(c.send(new CopyObjectCommand({ Bucket: B, Key: key, CopySource: src })), 'InvalidRequest', 400);
  assert.equal(e.message, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  await c.send(new CopyObjectCommand({ Bucket: B, Key: key, CopySource: src, MetadataDirective: 'REPLACE', Metadata: { c: '3' } }));
  assert.deepEqual((await c.send(new HeadObjectCommand({ Bucket: B, Key: key }))).Metadata, { c: '3' });
  await rejects(c.send(new CopyObjectCommand({ Bucket: B, Key: 'x', CopySource: `${B}/missing` })), 'NoSuchKey', 404);
  await rejects(c.send(new CopyObjectCommand({ Bucket: B, Key: 'x', CopySource: src, CopySourceIfMatch: '"nope"' })), 'PreconditionFailed', 412);
});

test('object tagging: x-amz-tagging on put, Get/Put/DeleteObjectTagging, limits', async () => {
  await c.send(new PutObjectCommand({ Bucket: B, Key: 't', Body: 'x', Tagging: 'env=dev&team=a%20b' }));
  assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: B, Key: 't' }))).TagSet, [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'a b' }]);
  assert.equal((await c.send(new GetObjectCommand({ Bucket: B, Key: 't' }))).TagCount, 2);
  await c.send(new PutObjectTaggingCommand({ Bucket: B, Key: 't', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }));
  assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: B, Key: 't' }))).TagSet, [{ Key: 'k', Value: 'v' }]);
  await c.send(new DeleteObjectTaggingCommand({ Bucket: B, Key: 't' }));
  assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: B, Key: 't' }))).TagSet ?? [], []);
  const many = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await rejects(c.send(new PutObjectTaggingCommand({ Bucket: B, Key: 't', Tagging: { TagSet: many } })), 'BadRequest', 400);
  await rejects(c.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'missing' })), 'NoSuchKey', 404);
});

test('Content-MD5: checked (BadDigest), malformed (InvalidDigest)', async () => {
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'm', Body: 'abc', ContentMD5: md5('abc').toString('base64') }));
  const e = await rejects(c.send(new PutObjectCommand({ Bucket: B, Key: 'm2', Body: 'abc', ContentMD5: md5('abd').toString('base64') })), 'BadDigest', 400);
  assert.equal(e.message, 'The Content-MD5 you specified did not match what we received.');
  await rejects(c.send(new PutObjectCommand({ Bucket: B, Key: 'm2', Body: 'abc', ContentMD5: 'bm90LW1kNQ==' })), 'InvalidDigest', 400);
  await rejects(c.send(new HeadObjectCommand({ Bucket: B, Key: 'm2' })), 'NotFound', 404);
});

test('checksums: the SDK trailer (CRC32 by default, CRC32C, SHA256), header mismatch, ChecksumMode', async () => {
  const body = 'checksummed body';
  const p = await c.send(new PutObjectCommand({ Bucket: B, Key: 'crc', Body: body }));
  assert.equal(p.ChecksumCRC32, checksumOf('CRC32', Buffer.from(body)));
  const g = await c.send(new GetObjectCommand({ Bucket: B, Key: 'crc', ChecksumMode: 'ENABLED' }));
  assert.equal(g.ChecksumCRC32, p.ChecksumCRC32);
  assert.equal(g.ChecksumType, 'FULL_OBJECT');
  assert.equal(await text(g.Body), body);
  for (const algo of ['CRC32C', 'SHA256', 'SHA1'] as const) {
    const r = await c.send(new PutObjectCommand({ Bucket: B, Key: algo, Body: body, ChecksumAlgorithm: algo }));
    assert.equal((r as unknown as Record<string, unknown>)[`Checksum${algo}`], checksumOf(algo, Buffer.from(body)));
    const h = await c.send(new HeadObjectCommand({ Bucket: B, Key: algo, ChecksumMode: 'ENABLED' }));
    assert.equal((h as unknown as Record<string, unknown>)[`Checksum${algo}`], checksumOf(algo, Buffer.from(body)));
  }
  const e = await rejects(c.send(new PutObjectCommand({ Bucket: B, Key: 'bad', Body: body, ChecksumSHA256: createHash('sha256').update('other').digest('base64') })),
    'BadDigest', 400);
  assert.equal(e.message, 'The SHA256 you specified did not match the calculated checksum.');
  await rejects(c.send(new HeadObjectCommand({ Bucket: B, Key: 'bad' })), 'NotFound', 404);
  // Without the mode, no checksum headers.
  assert.equal((await c.send(new HeadObjectCommand({ Bucket: B, Key: 'crc' }))).ChecksumCRC32, undefined);
});

test('raw PUT without checksum or Content-Type: binary/octet-stream, CRC64NVME computed (SDK validates it on GET)', async () => {
  const body = Buffer.from('raw body bytes \u00ff');
  // Unsigned: the default account, as the SDK client's 'test' key.
  const r = await fetch(`${n.endpoint}/${B}/raw`, { method: 'PUT', body });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-amz-checksum-crc64nvme'), checksumOf('CRC64NVME', body));
  const g = await c.send(new GetObjectCommand({ Bucket: B, Key: 'raw', ChecksumMode: 'ENABLED' }));
  assert.equal(g.ContentType, 'binary/octet-stream');
  assert.equal(g.ChecksumCRC64NVME, checksumOf('CRC64NVME', body));
  assert.deepEqual(Buffer.from(await g.Body!.transformToByteArray()), body);
});
