// Browser POST uploads: forms built by @aws-sdk/s3-presigned-post createPresignedPost, sent as
// multipart/form-data; policy conditions, signature, status codes, redirects, size limits.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { nimbus } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3, text } from './util.js';

let n: Nimbus;
let c: S3Client;
const B = 'post-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B })); });

async function post(url: string, fields: Record<string, string>, file: string | Buffer, filename = 'photo.jpg') {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([file], { type: 'image/jpeg' }), filename);
  const r = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  // XML text with its entities decoded, to match messages as clients show them.
  const body = (await r.text()).replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return { status: r.status, headers: r.headers, body };
}

test('createPresignedPost: 204 by default, object stored with Content-Type and metadata; ETag and Location headers', async () => {
  const { url, fields } = await createPresignedPost(c, {
    Bucket: B, Key: 'uploads/a.jpg',
    Fields: { 'Content-Type': 'image/jpeg', 'x-amz-meta-owner': 'ann' },
    Conditions: [['content-length-range', 1, 100]],
  });
  const r = await post(url, fields, 'jpegbytes');
  assert.equal(r.status, 204, r.body);
  assert.equal(r.headers.get('etag'), '"' + (await import('node:crypto')).createHash('md5').update('jpegbytes').digest('hex') + '"');
  assert.match(r.headers.get('location')!, /\/post-bucket\/uploads\/a\.jpg$/);
  const g = await c.send(new GetObjectCommand({ Bucket: B, Key: 'uploads/a.jpg' }));
  assert.equal(await text(g.Body), 'jpegbytes');
  assert.equal(g.ContentType, 'image/jpeg');
  assert.deepEqual(g.Metadata, { owner: 'ann' });
});

test('${filename} keys, success_action_status 201 (PostResponse) and success_action_redirect (303)', async () => {
  const p = await createPresignedPost(c, { Bucket: B, Key: 'user/${filename}', Fields: { success_action_status: '201' } });
  const r = await post(p.url, p.fields, 'x', 'cat.png');
  assert.equal(r.status, 201, r.body);
  assert.equal(r.headers.get('content-type'), 'application/xml');
  assert.match(r.body, /<PostResponse[^>]*><Location>[^<]*\/post-bucket\/user\/cat\.png<\/Location><Bucket>post-bucket<\/Bucket><Key>user\/cat\.png<\/Key><ETag>"[0-9a-f]{32}"<\/ETag><\/PostResponse>/);
  await c.send(new HeadObjectCommand({ Bucket: B, Key: 'user/cat.png' }));
  const p2 = await createPresignedPost(c, { Bucket: B, Key: 'r', Fields: { success_action_redirect: 'https://app.example.com/done' } });
  const r2 = await post(p2.url, p2.fields, 'y');
  assert.equal(r2.status, 303);
  const loc = new URL(r2.headers.get('location')!);
  assert.equal(loc.origin + loc.pathname, 'https://app.example.com/done');
  assert.equal(loc.searchParams.get('key'), 'r');
  assert.equal(loc.searchParams.get('bucket'), B);
});

test('policy failures: condition, extra field, expired, size, signature', async () => {
  const p = await createPresignedPost(c, { Bucket: B, Key: 'fixed', Conditions: [['starts-with', '$Content-Type', 'image/'], ['content-length-range', 2, 5]], Fields: { 'Content-Type': 'image/png' } });
  let r = await post(p.url, { ...p.fields, key: 'other' }, 'abc');
  assert.equal(r.status, 403);
  assert.match(r.body, /<Code>AccessDenied<\/Code><Message>Invalid according to Policy: Policy Condition failed: \["eq", "\$key", "fixed"\]<\/Message>/);
  r = await post(p.url, { ...p.fields, 'Content-Type': 'text/plain' }, 'abc');
  assert.match(r.body, /Policy Condition failed: \["starts-with", "\$Content-Type", "image\/"\]/);
  r = await post(p.url, { ...p.fields, 'x-amz-meta-extra': '1' }, 'abc');
  assert.match(r.body, /Invalid according to Policy: Extra input fields: x-amz-meta-extra/);
  r = await post(p.url, p.fields, 'toolarge');
  assert.equal(r.status, 400);
  assert.match(r.body, /<Code>EntityTooLarge<\/Code>/);
  r = await post(p.url, p.fields, 'a');
  assert.match(r.body, /<Code>EntityTooSmall<\/Code>/);
  r = await post(p.url, { ...p.fields, 'X-Amz-Signature': '0'.repeat(64) }, 'abc');
  assert.equal(r.status, 403);
  assert.match(r.body, /<Code>SignatureDoesNotMatch<\/Code>/);
  n.clock.advance('PT2H');
  r = await post(p.url, p.fields, 'abc');
  assert.match(r.body, /Invalid according to Policy: Policy expired\./);
  // Nothing was stored by the failures.
  await assert.rejects(c.send(new HeadObjectCommand({ Bucket: B, Key: 'fixed' })));
});

test('with --verify-signatures, a policy signed with an unknown access key is refused', async () => {
  const strict = await nimbus({ verifySignatures: true });
  try {
    const sc = s3(strict);
    await sc.send(new CreateBucketCommand({ Bucket: B }));
    const good = await createPresignedPost(sc, { Bucket: B, Key: 'ok' });
    assert.equal((await post(good.url, good.fields, 'x')).status, 204);
    const stranger = s3(strict, 'us-east-1', { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever' });
    const bad = await createPresignedPost(stranger, { Bucket: B, Key: 'no' });
    const r = await post(bad.url, bad.fields, 'x');
    assert.equal(r.status, 403);
    assert.match(r.body, /<Code>InvalidAccessKeyId<\/Code>/);
  } finally {
    await strict.stop();
  }
});
