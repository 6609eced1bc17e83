// S3 through the aws CLI and boto3 (high-level transfers: multipart with threads, ranged
// downloads, paginators), presigned URLs, and virtual-hosted-style requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nimbus, aws, boto3 } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let dir: string;
before(async () => { n = await nimbus(); dir = mkdtempSync(join(tmpdir(), 'nimbus-s3-test-')); });
after(async () => { await n.stop(); rmSync(dir, { recursive: true, force: true }); });

test('aws CLI: mb, cp up and down, ls, s3api put-object/get-object/list-objects-v2, presign', async () => {
  assert.equal((await aws(n, ['s3', 'mb', 's3://cli-bucket'])).code, 0);
  const file = join(dir, 'hello.txt');
  writeFileSync(file, 'hello from the cli\n');
  let r = await aws(n, ['s3', 'cp', file, 's3://cli-bucket/docs/hello.txt']);
  assert.equal(r.code, 0, r.stderr);
  r = await aws(n, ['s3', 'ls', 's3://cli-bucket/docs/']);
  assert.match(r.stdout, /\s19 hello\.txt/);
  r = await aws(n, ['s3', 'ls', 's3://cli-bucket']);
  assert.match(r.stdout, /PRE docs\//);
  const back = join(dir, 'back.txt');
  r = await aws(n, ['s3', 'cp', 's3://cli-bucket/docs/hello.txt', back]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(back, 'utf8'), 'hello from the cli\n');
  r = await aws(n, ['s3api', 'put-object', '--bucket', 'cli-bucket', '--key', 'api.txt', '--body', file, '--metadata', 'k=v']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).ETag, /^"[0-9a-f]{32}"$/);
  const out = join(dir, 'api-out.txt');
  r = await aws(n, ['s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'api.txt', out]);
  const got = JSON.parse(r.stdout);
  assert.equal(got.ContentLength, 19);
  assert.deepEqual(got.Metadata, { k: 'v' });
  assert.equal(readFileSync(out, 'utf8'), 'hello from the cli\n');
  r = await aws(n, ['s3api', 'list-objects-v2', '--bucket', 'cli-bucket']);
  assert.deepEqual(JSON.parse(r.stdout).Contents.map((o: { Key: string }) => o.Key), ['api.txt', 'docs/hello.txt']);
  r = await aws(n, ['s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'missing', join(dir, 'x')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /NoSuchKey/);
  r = await aws(n, ['s3', 'presign', 's3://cli-bucket/api.txt', '--expires-in', '300']);
  const res = await fetch(r.stdout.trim());
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'hello from the cli\n');
});

test('boto3: upload_file of 12 MB (threaded multipart), download_file, paginator, head_object', async () => {
  const file = join(dir, 'big.bin');
  const data = Buffer.alloc(12 * 1024 * 1024);
  for (let i = 0; i < data.length; i += 4096) data.writeUInt32BE(i, i);
  writeFileSync(file, data);
  const down = join(dir, 'big.down');
  const r = await boto3<{ etag: string; len: number; keys: number; pages: number }>(n, `
c = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1')
c.create_bucket(Bucket='boto-bucket')
c.upload_file(${JSON.stringify(file)}, 'boto-bucket', 'big.bin')
c.download_file('boto-bucket', 'big.bin', ${JSON.stringify(down)})
for i in range(7):
    c.put_object(Bucket='boto-bucket', Key='p/%d' % i, Body=b'x')
pages = list(c.get_paginator('list_objects_v2').paginate(Bucket='boto-bucket', Prefix='p/', PaginationConfig={'PageSize': 3}))
h = c.head_object(Bucket='boto-bucket', Key='big.bin')
print(json.dumps({'etag': h['ETag'], 'len': h['ContentLength'], 'keys': sum(p['KeyCount'] for p in pages), 'pages': len(pages)}))`);
  assert.match(r.etag, /^"[0-9a-f]{32}-2"$/); // 8 MB default chunks: two parts
  assert.equal(r.len, data.length);
  assert.equal(r.keys, 7);
  assert.equal(r.pages, 3);
  assert.ok(readFileSync(down).equals(data));
});

test('boto3: errors and defaults (Content-Type binary/octet-stream, 404 ClientError)', async () => {
  const r = await boto3<{ ct: string; code: string; status: number }>(n, `
c = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1')
c.create_bucket(Bucket='boto-two')
c.put_object(Bucket='boto-two', Key='k', Body=b'data')
ct = c.get_object(Bucket='boto-two', Key='k')['ContentType']
try:
    c.get_object(Bucket='boto-two', Key='nope')
except botocore.exceptions.ClientError as e:
    print(json.dumps({'ct': ct, 'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}))`);
  assert.deepEqual(r, { ct: 'binary/octet-stream', code: 'NoSuchKey', status: 404 });
});

test('virtual-hosted style: bucket.s3.localhost and bucket.localhost Host headers', async () => {
  const port = new URL(n.endpoint).port;
  const send = (host: string, method: string, path: string, body?: string) => new Promise<{ status: number; body: string }>((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `${host}:${port}` } }, (res) => {
      let b = '';
      res.setEncoding('utf8').on('data', (x) => { b += x; }).on('end', () => ok({ status: res.statusCode!, body: b }));
    });
    req.on('error', fail);
    req.end(body);
  });
  assert.equal((await send('vhost-bucket.s3.localhost', 'PUT', '/')).status, 200);
  assert.equal((await send('vhost-bucket.s3.localhost', 'PUT', '/dir/file.txt', 'virtual')).status, 200);
  assert.deepEqual(await send('vhost-bucket.localhost', 'GET', '/dir/file.txt'), { status: 200, body: 'virtual' });
  const list = await send('vhost-bucket.s3.localhost', 'GET', '/?list-type=2');
  assert.match(list.body, /<Key>dir\/file\.txt<\/Key>/);
  const missing = await send('vhost-bucket.s3.localhost', 'GET', '/nope');
  assert.equal(missing.status, 404);
  assert.match(missing.body, /<Code>NoSuchKey<\/Code>/);
});
