// S3 versioning through the JS SDK v3, the aws CLI and boto3: version ids, the null version,
// delete markers, reads/deletes/copies by version, ListObjectVersions paging.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketVersioningCommand,
  GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand,
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { aws, boto3, nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3, text } from './util.js';

let n: Nimbus;
let c: S3Client;
const B = 'versioned-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B })); });

const enable = (Status: 'Enabled' | 'Suspended' = 'Enabled') =>
  c.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status } }));
const put = (Key: string, Body: string) => c.send(new PutObjectCommand({ Bucket: B, Key, Body }));

test('GetBucketVersioning: no Status until configured; Enabled, Suspended; the aws CLI', async () => {
  const g0 = await c.send(new GetBucketVersioningCommand({ Bucket: B }));
  assert.equal(g0.Status, undefined);
  assert.equal((await put('a', '1')).VersionId, undefined);
  await enable();
  assert.equal((await c.send(new GetBucketVersioningCommand({ Bucket: B }))).Status, 'Enabled');
  const r = await aws(n, ['s3api', 'put-bucket-versioning', '--bucket', B, '--versioning-configuration', 'Status=Suspended']);
  assert.equal(r.code, 0, r.stderr);
  const g = await aws(n, ['s3api', 'get-bucket-versioning', '--bucket', B]);
  assert.equal(JSON.parse(g.stdout).Status, 'Suspended');
});

test('versions: ids on PUT/GET/HEAD, reads by version, delete markers, 404 and 405', async () => {
  await put('k', 'before');                       // the null version, written unversioned
  await enable();
  const v1 = await put('k', 'one');
  const v2 = await put('k', 'two');
  assert.match(v1.VersionId!, /^[A-Za-z0-9._]{32}$/);
  assert.notEqual(v1.VersionId, v2.VersionId);
  const g = await c.send(new GetObjectCommand({ Bucket: B, Key: 'k' }));
  assert.equal(await text(g.Body), 'two');
  assert.equal(g.VersionId, v2.VersionId);
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: v1.VersionId }))).Body), 'one');
  const hn = await c.send(new HeadObjectCommand({ Bucket: B, Key: 'k', VersionId: 'null' }));
  assert.equal(hn.VersionId, 'null');
  assert.equal(hn.ContentLength, 6);

  const d = await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'k' }));
  assert.equal(d.DeleteMarker, true);
  assert.match(d.VersionId!, /^[A-Za-z0-9._]{32}$/);
  // The current version is a marker: 404 NoSuchKey with x-amz-delete-marker.
  const e = await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'k' })), 'NoSuchKey', 404) as Error & { $response?: { headers: Record<string, string> } };
  assert.equal(e.$response?.headers['x-amz-delete-marker'], 'true');
  assert.equal(e.$response?.headers['x-amz-version-id'], d.VersionId);
  await rejects(c.send(new HeadObjectCommand({ Bucket: B, Key: 'k' })), 'NotFound', 404);
  // The marker by id: 405 MethodNotAllowed.
  await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: d.VersionId })), 'MethodNotAllowed', 405);
  await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: 'A'.repeat(32) })), 'NoSuchVersion', 404);
  await rejects(c.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: 'nope' })), 'InvalidArgument', 400);
  // The key is gone from listings but its versions remain.
  assert.equal((await c.send(new ListObjectsV2Command({ Bucket: B }))).KeyCount, 0);
  // Deleting the marker by id brings the previous version back.
  const dm = await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: d.VersionId }));
  assert.equal(dm.DeleteMarker, true);
  assert.equal(dm.VersionId, d.VersionId);
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'k' }))).Body), 'two');
  // Deleting the current version by id: the next one becomes current.
  await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: v2.VersionId }));
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'k' }))).Body), 'one');
  // A bucket with versions left is not empty.
  await rejects(c.send(new DeleteBucketCommand({ Bucket: B })), 'BucketNotEmpty', 409);
});

test('suspended: writes replace the null version; a delete adds a null marker', async () => {
  await enable();
  const v1 = await put('s', 'v1');
  await enable('Suspended');
  const p = await put('s', 'n1');
  assert.equal(p.VersionId, 'null');
  await put('s', 'n2');
  let l = await c.send(new ListObjectVersionsCommand({ Bucket: B }));
  assert.deepEqual(l.Versions?.map((v) => [v.VersionId, v.IsLatest, v.Size]), [['null', true, 2], [v1.VersionId, false, 2]]);
  const d = await c.send(new DeleteObjectCommand({ Bucket: B, Key: 's' }));
  assert.equal(d.VersionId, 'null');
  assert.equal(d.DeleteMarker, true);
  l = await c.send(new ListObjectVersionsCommand({ Bucket: B }));
  assert.deepEqual(l.Versions?.map((v) => v.VersionId), [v1.VersionId]);
  assert.deepEqual(l.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [['null', true]]);
});

test('copy by version (x-amz-copy-source ?versionId=), multipart completes with a version id', async () => {
  await enable();
  const v1 = await put('src', 'first');
  await put('src', 'second');
  const cp = await c.send(new CopyObjectCommand({ Bucket: B, Key: 'dst', CopySource: `${B}/src?versionId=${v1.VersionId}` }));
  assert.equal(cp.CopySourceVersionId, v1.VersionId);
  assert.match(cp.VersionId!, /^[A-Za-z0-9._]{32}$/);
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'dst' }))).Body), 'first');
  const m = await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'src' }));
  await rejects(c.send(new CopyObjectCommand({ Bucket: B, Key: 'x', CopySource: `${B}/src?versionId=${m.VersionId}` })), 'InvalidRequest', 400);
  await rejects(c.send(new CopyObjectCommand({ Bucket: B, Key: 'x', CopySource: `${B}/src` })), 'NoSuchKey', 404);

  const u = await c.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp' }));
  const part = await c.send(new UploadPartCommand({ Bucket: B, Key: 'mp', UploadId: u.UploadId, PartNumber: 1, Body: 'abc' }));
  const done = await c.send(new CompleteMultipartUploadCommand({
    Bucket: B, Key: 'mp', UploadId: u.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
  }));
  assert.match(done.VersionId!, /^[A-Za-z0-9._]{32}$/);
  assert.equal((await c.send(new HeadObjectCommand({ Bucket: B, Key: 'mp' }))).VersionId, done.VersionId);
});

test('ListObjectVersions: key order, newest first, markers, prefix/delimiter, paging by KeyMarker/VersionIdMarker', async () => {
  await enable();
  const ids: Record<string, string[]> = {};
  for (const k of ['b', 'a', 'dir/x', 'dir/y', 'c']) {
    ids[k] = [];
    for (let i = 0; i < 2; i++) ids[k].unshift((await put(k, `${k}${i}`)).VersionId!);
  }
  const mk = (await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'c' }))).VersionId!;
  const all = await c.send(new ListObjectVersionsCommand({ Bucket: B }));
  assert.deepEqual(all.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest]), [
    ['a', ids.a[0], true], ['a', ids.a[1], false], ['b', ids.b[0], true], ['b', ids.b[1], false],
    ['c', ids.c[0], false], ['c', ids.c[1], false],
    ['dir/x', ids['dir/x'][0], true], ['dir/x', ids['dir/x'][1], false], ['dir/y', ids['dir/y'][0], true], ['dir/y', ids['dir/y'][1], false],
  ]);
  assert.deepEqual(all.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest]), [['c', mk, true]]);
  // On the wire the elements interleave in key, then newest-first order, as S3 writes them.
  const raw = await (await fetch(`${n.endpoint}/${B}?versions`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' } })).text();
  const sequence = [...raw.matchAll(/<(Version|DeleteMarker)>(?:(?!<\/\1>).)*?<Key>([^<]*)<\/Key>/g)].map((m) => `${m[1]}:${m[2]}`);
  assert.deepEqual(sequence.slice(3, 6), ['Version:b', 'DeleteMarker:c', 'Version:c']);

  assert.ok(all.Versions![0].Owner?.ID);
  const d = await c.send(new ListObjectVersionsCommand({ Bucket: B, Delimiter: '/' }));
  assert.deepEqual(d.CommonPrefixes?.map((p) => p.Prefix), ['dir/']);
  const pre = await c.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 'dir/' }));
  assert.equal(pre.Versions?.length, 4);
  // Pages of 3 walk everything once, in order, resuming inside a key.
  const seen: string[] = [];
  let km: string | undefined, vm: string | undefined;
  for (let i = 0; i < 10; i++) {
    const p = await c.send(new ListObjectVersionsCommand({ Bucket: B, MaxKeys: 3, KeyMarker: km, VersionIdMarker: vm }));
    const page = [...(p.Versions ?? []), ...(p.DeleteMarkers ?? [])];
    assert.ok(page.length <= 3);
    seen.push(...page.map((v) => `${v.Key}#${v.VersionId}`));
    if (!p.IsTruncated) break;
    km = p.NextKeyMarker; vm = p.NextVersionIdMarker;
  }
  assert.equal(seen.length, 11);
  assert.equal(new Set(seen).size, 11);
});

test('DeleteObjects with versions: markers, version deletes, DeleteMarkerVersionId', async () => {
  await enable();
  const v = await put('a', '1');
  await put('b', '1');
  const r = await c.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'a', VersionId: v.VersionId }, { Key: 'b' }] } }));
  const byKey = Object.fromEntries((r.Deleted ?? []).map((d) => [d.Key, d]));
  assert.equal(byKey.a.VersionId, v.VersionId);
  assert.equal(byKey.a.DeleteMarker, undefined);
  assert.equal(byKey.b.DeleteMarker, true);
  assert.match(byKey.b.DeleteMarkerVersionId!, /^[A-Za-z0-9._]{32}$/);
  const l = await c.send(new ListObjectVersionsCommand({ Bucket: B }));
  assert.deepEqual(l.Versions?.map((x) => x.Key), ['b']);
  assert.deepEqual(l.DeleteMarkers?.map((x) => x.Key), ['b']);
});

test('boto3: list_object_versions paginator and delete_object by VersionId', async () => {
  await enable();
  for (let i = 0; i < 5; i++) await put('p', String(i));
  const out = await boto3<{ n: number; latest: number; left: number }>(n, `
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1')
vs = []
for page in s3.get_paginator('list_object_versions').paginate(Bucket='${B}', PaginationConfig={'PageSize': 2}):
    vs += page.get('Versions', [])
s3.delete_object(Bucket='${B}', Key='p', VersionId=vs[0]['VersionId'])
left = len(s3.list_object_versions(Bucket='${B}')['Versions'])
print(json.dumps({'n': len(vs), 'latest': sum(1 for v in vs if v['IsLatest']), 'left': left}))
`);
  assert.deepEqual(out, { n: 5, latest: 1, left: 4 });
});

test('arbitrary keys never name files; versions survive a snapshot round trip (rebuilt indexes)', async () => {
  await enable();
  const keys = ['../../etc/passwd', 'dir/trailing/', 'ünïcødé/😀', 'k'.repeat(1024)];
  const ids: Record<string, string[]> = {};
  for (const k of keys) {
    ids[k] = [(await put(k, `${k.length}-1`)).VersionId!, (await put(k, `${k.length}-2`)).VersionId!];
  }
  await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'dir/trailing/' }));
  for (const k of keys) {
    assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: k, VersionId: ids[k][0] }))).Body), `${k.length}-1`);
  }
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: '../../etc/passwd' }))).Body), '16-2');
  // Loading a snapshot replaces every record with a parsed copy and rebuilds the derived
  // indexes (key index, per-key version stacks). Snapshots carry no blobs, so only metadata
  // is read back below.
  const snap = await (await fetch(`${n.endpoint}/_nimbus/snapshot`)).text();
  const r = await fetch(`${n.endpoint}/_nimbus/snapshot`, { method: 'POST', body: snap, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 200, await r.text());
  const l = await c.send(new ListObjectVersionsCommand({ Bucket: B }));
  assert.equal(l.Versions?.length, 8);
  assert.deepEqual(l.DeleteMarkers?.map((m) => m.Key), ['dir/trailing/']);
  for (const k of keys) {
    assert.equal((await c.send(new HeadObjectCommand({ Bucket: B, Key: k, VersionId: ids[k][0] }))).ContentLength, `${k.length}-1`.length);
  }
  // Writes after the load continue each key's stack in order.
  const v3 = await put('../../etc/passwd', 'three');
  const after = await c.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: '../' }));
  assert.deepEqual(after.Versions?.map((v) => v.VersionId), [v3.VersionId, ids['../../etc/passwd'][1], ids['../../etc/passwd'][0]]);
  assert.deepEqual((await c.send(new ListObjectsV2Command({ Bucket: B }))).Contents?.map((o) => o.Key),
    ['../../etc/passwd', 'k'.repeat(1024), 'ünïcødé/😀']);
});
