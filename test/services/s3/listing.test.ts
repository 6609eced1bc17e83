// Listing: the ordered key index (UTF-8 byte order), ListObjectsV2 and ListObjects pages,
// delimiters and common prefixes, StartAfter, continuation tokens, url encoding.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, paginateListObjectsV2, type S3Client,
} from '@aws-sdk/client-s3';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3 } from './util.js';
import { KeyIndex, compareKeys } from '../../../src/services/s3/state.js';

let n: Nimbus;
let c: S3Client;
const B = 'listing-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B })); });

const put = (...keys: string[]) => Promise.all(keys.map((Key) => c.send(new PutObjectCommand({ Bucket: B, Key, Body: Key }))));

test('keys sort in UTF-8 byte order, not UTF-16 order', () => {
  const keys = ['\u{1F600}', '\uFF21', 'b', 'a', 'a/b', 'a0'];
  const sorted = [...keys].sort(compareKeys);
  const bytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual(sorted, bytes);
  const idx = new KeyIndex();
  for (const k of keys) idx.add(k);
  idx.add('a');
  assert.deepEqual(idx.keys, bytes);
  idx.remove('a0');
  assert.equal(idx.keys.length, 5);
  assert.equal(idx.lowerBound('a', true), 1);
});

test('ListObjectsV2: Prefix, Delimiter + CommonPrefixes, KeyCount, pages with ContinuationToken', async () => {
  await put('a.txt', 'dir/x', 'dir/y', 'dir/sub/z', 'other/1', 'other/2', 'z.txt');
  const all = await c.send(new ListObjectsV2Command({ Bucket: B }));
  assert.deepEqual(all.Contents?.map((o) => o.Key), ['a.txt', 'dir/sub/z', 'dir/x', 'dir/y', 'other/1', 'other/2', 'z.txt']);
  assert.equal(all.KeyCount, 7);
  assert.equal(all.MaxKeys, 1000);
  assert.equal(all.IsTruncated, false);
  assert.equal(all.Contents![0].Size, 5);
  assert.equal(all.Contents![0].Owner, undefined);
  const d = await c.send(new ListObjectsV2Command({ Bucket: B, Delimiter: '/' }));
  assert.deepEqual(d.Contents?.map((o) => o.Key), ['a.txt', 'z.txt']);
  assert.deepEqual(d.CommonPrefixes?.map((p) => p.Prefix), ['dir/', 'other/']);
  assert.equal(d.KeyCount, 4);
  const sub = await c.send(new ListObjectsV2Command({ Bucket: B, Delimiter: '/', Prefix: 'dir/' }));
  assert.deepEqual(sub.Contents?.map((o) => o.Key), ['dir/x', 'dir/y']);
  assert.deepEqual(sub.CommonPrefixes?.map((p) => p.Prefix), ['dir/sub/']);
  // Pages of 2 with a delimiter: common prefixes count toward MaxKeys and are not repeated.
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const p = await c.send(new ListObjectsV2Command({ Bucket: B, Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
    seen.push(...(p.Contents ?? []).map((o) => o.Key!), ...(p.CommonPrefixes ?? []).map((x) => x.Prefix!));
    assert.equal(p.KeyCount, (p.Contents?.length ?? 0) + (p.CommonPrefixes?.length ?? 0));
    token = p.NextContinuationToken;
    assert.equal(p.IsTruncated, token !== undefined);
    pages++;
  } while (token);
  assert.deepEqual(seen.sort(), ['a.txt', 'dir/', 'other/', 'z.txt']);
  assert.equal(pages, 2);
  const sa = await c.send(new ListObjectsV2Command({ Bucket: B, StartAfter: 'dir/x' }));
  assert.deepEqual(sa.Contents?.map((o) => o.Key), ['dir/y', 'other/1', 'other/2', 'z.txt']);
  assert.equal(sa.StartAfter, 'dir/x');
  const owner = await c.send(new ListObjectsV2Command({ Bucket: B, FetchOwner: true, MaxKeys: 1 }));
  assert.match(owner.Contents![0].Owner!.ID!, /^[0-9a-f]{64}$/);
  await rejects(c.send(new ListObjectsV2Command({ Bucket: B, ContinuationToken: 'garbage' })), 'InvalidArgument', 400);
  await rejects(c.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })), 'NoSuchBucket', 404);
});

test('ListObjectsV2 paginator over 1,050 keys; EncodingType=url round-trips odd keys', async () => {
  const keys = Array.from({ length: 1050 }, (_, i) => `k/${String(i).padStart(5, '0')}`);
  for (let i = 0; i < keys.length; i += 50) await put(...keys.slice(i, i + 50));
  const got: string[] = [];
  for await (const p of paginateListObjectsV2({ client: c }, { Bucket: B, Prefix: 'k/' })) got.push(...(p.Contents ?? []).map((o) => o.Key!));
  assert.deepEqual(got, keys);
  await put('odd key+plus&amp%.txt');
  const r = await c.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'odd', EncodingType: 'url' }));
  assert.equal(r.EncodingType, 'url');
  assert.equal(decodeURIComponent(r.Contents![0].Key!), 'odd key+plus&amp%.txt');
});

test('ListObjects (v1): Marker; NextMarker only with a delimiter', async () => {
  await put('a', 'b/1', 'b/2', 'c', 'd');
  const p1 = await c.send(new ListObjectsCommand({ Bucket: B, MaxKeys: 2 }));
  assert.deepEqual(p1.Contents?.map((o) => o.Key), ['a', 'b/1']);
  assert.equal(p1.IsTruncated, true);
  assert.equal(p1.NextMarker, undefined);
  assert.ok(p1.Contents![0].Owner?.ID);
  const p2 = await c.send(new ListObjectsCommand({ Bucket: B, Marker: 'b/1' }));
  assert.deepEqual(p2.Contents?.map((o) => o.Key), ['b/2', 'c', 'd']);
  const d1 = await c.send(new ListObjectsCommand({ Bucket: B, Delimiter: '/', MaxKeys: 2 }));
  assert.deepEqual([d1.Contents?.map((o) => o.Key), d1.CommonPrefixes?.map((x) => x.Prefix)], [['a'], ['b/']]);
  assert.equal(d1.NextMarker, 'b/');
  const d2 = await c.send(new ListObjectsCommand({ Bucket: B, Delimiter: '/', Marker: d1.NextMarker }));
  assert.deepEqual(d2.Contents?.map((o) => o.Key), ['c', 'd']);
  assert.equal(d2.CommonPrefixes, undefined);
});
