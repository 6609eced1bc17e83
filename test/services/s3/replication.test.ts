// Bucket replication through the JS SDK v3 and the aws CLI: the configuration's checks, and
// replication itself on the virtual clock (PENDING → COMPLETED, REPLICA, same version id,
// metadata and tags, storage class override, delete markers, FAILED destinations).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand, DeleteBucketReplicationCommand, DeleteObjectCommand, GetBucketReplicationCommand, GetObjectCommand,
  GetObjectTaggingCommand, HeadObjectCommand, ListObjectVersionsCommand, PutBucketReplicationCommand, PutBucketVersioningCommand,
  PutObjectCommand, type ReplicationConfiguration, type S3Client,
} from '@aws-sdk/client-s3';
import { aws, nimbus, rejects } from '../../helpers.js';
import { freePort } from '../../process.js';
import type { Nimbus } from '../../../src/index.js';
import { otherAccount, s3, text } from './util.js';

let n: Nimbus;
let c: S3Client;
const SRC = 'repl-source';
const DST = 'repl-dest';
const ROLE = 'arn:aws:iam::000000000000:role/replication';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => {
  n.reset();
  for (const Bucket of [SRC, DST]) await c.send(new CreateBucketCommand({ Bucket }));
});

const version = (Bucket: string, Status: 'Enabled' | 'Suspended' = 'Enabled') =>
  c.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status } }));
const configure = (ReplicationConfiguration: ReplicationConfiguration) =>
  c.send(new PutBucketReplicationCommand({ Bucket: SRC, ReplicationConfiguration }));
const rule = (extra: Record<string, unknown> = {}) => ({
  ID: 'all', Priority: 1, Status: 'Enabled', Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Disabled' },
  Destination: { Bucket: `arn:aws:s3:::${DST}` }, ...extra,
}) as never;

/** Advances the virtual clock past the replication delay and lets the background copies finish. */
async function replicate() {
  n.clock.advance('PT1M');
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 50));
}

test('configuration: versioning required on both buckets, AWS errors, round trip, not found', async () => {
  await rejects(configure({ Role: ROLE, Rules: [rule()] }), 'InvalidRequest', 400); // source not versioned
  await version(SRC);
  const e = await rejects(configure({ Role: ROLE, Rules: [rule()] }), 'InvalidRequest', 400);
  assert.equal(e.message, 'Destination bucket must have versioning enabled.');
  await version(DST);
  await rejects(configure({ Role: ROLE, Rules: [rule({ Destination: { Bucket: 'arn:aws:s3:::no-such-dest-bucket' } })] }), 'InvalidRequest', 400);
  await rejects(configure({ Role: ROLE, Rules: [rule({ DeleteMarkerReplication: undefined })] }), 'InvalidRequest', 400);
  await rejects(configure({ Role: ROLE, Rules: [rule({ Status: 'On' })] }), 'MalformedXML', 400);
  await rejects(configure({ Role: ROLE, Rules: [rule({ Filter: { Tag: { Key: 't', Value: 'v' } }, DeleteMarkerReplication: { Status: 'Enabled' } })] }), 'InvalidRequest', 400);
  await rejects(configure({ Role: ROLE, Rules: [rule(), rule()] }), 'InvalidArgument', 400); // duplicate IDs
  await rejects(c.send(new GetBucketReplicationCommand({ Bucket: SRC })), 'ReplicationConfigurationNotFoundError', 404);

  await configure({ Role: ROLE, Rules: [rule({ ID: undefined, Filter: { And: { Prefix: 'docs/', Tags: [{ Key: 'a', Value: '1' }] } }, Destination: { Bucket: `arn:aws:s3:::${DST}`, StorageClass: 'STANDARD_IA', Account: '000000000000', AccessControlTranslation: { Owner: 'Destination' } } })] });
  const g = await c.send(new GetBucketReplicationCommand({ Bucket: SRC }));
  assert.equal(g.ReplicationConfiguration?.Role, ROLE);
  const r = g.ReplicationConfiguration!.Rules![0];
  assert.ok(r.ID && r.ID.length > 0); // generated
  assert.equal(r.Priority, 1);
  assert.deepEqual(r.Filter?.And, { Prefix: 'docs/', Tags: [{ Key: 'a', Value: '1' }] });
  assert.equal(r.Destination?.StorageClass, 'STANDARD_IA');
  assert.equal(r.Destination?.AccessControlTranslation?.Owner, 'Destination');
  assert.equal(r.DeleteMarkerReplication?.Status, 'Disabled');
  await c.send(new DeleteBucketReplicationCommand({ Bucket: SRC }));
  await rejects(c.send(new GetBucketReplicationCommand({ Bucket: SRC })), 'ReplicationConfigurationNotFoundError', 404);
});

test('replication: PENDING then COMPLETED, the replica keeps version id, metadata and tags, shows REPLICA', async () => {
  await version(SRC); await version(DST);
  await configure({ Role: ROLE, Rules: [rule({ Filter: { Prefix: 'logs/' }, Destination: { Bucket: `arn:aws:s3:::${DST}`, StorageClass: 'GLACIER_IR' } })] });
  const p = await c.send(new PutObjectCommand({ Bucket: SRC, Key: 'logs/a.txt', Body: 'payload', ContentType: 'text/plain', Metadata: { owner: 'me' }, Tagging: 'x=1' }));
  await c.send(new PutObjectCommand({ Bucket: SRC, Key: 'other.txt', Body: 'not selected' }));
  const h0 = await c.send(new HeadObjectCommand({ Bucket: SRC, Key: 'logs/a.txt' }));
  assert.equal(h0.ReplicationStatus, 'PENDING');
  assert.equal((await c.send(new HeadObjectCommand({ Bucket: SRC, Key: 'other.txt' }))).ReplicationStatus, undefined);
  await rejects(c.send(new HeadObjectCommand({ Bucket: DST, Key: 'logs/a.txt' })), 'NotFound', 404);

  await replicate();
  const h1 = await c.send(new HeadObjectCommand({ Bucket: SRC, Key: 'logs/a.txt' }));
  assert.equal(h1.ReplicationStatus, 'COMPLETED');
  const g = await c.send(new GetObjectCommand({ Bucket: DST, Key: 'logs/a.txt' }));
  assert.equal(await text(g.Body), 'payload');
  assert.equal(g.ReplicationStatus, 'REPLICA');
  assert.equal(g.VersionId, p.VersionId);
  assert.equal(g.ETag, p.ETag);
  assert.equal(g.ContentType, 'text/plain');
  assert.deepEqual(g.Metadata, { owner: 'me' });
  assert.equal(g.StorageClass, 'GLACIER_IR');
  assert.equal(g.LastModified?.getTime(), h1.LastModified?.getTime());
  const t = await c.send(new GetObjectTaggingCommand({ Bucket: DST, Key: 'logs/a.txt' }));
  assert.deepEqual(t.TagSet, [{ Key: 'x', Value: '1' }]);
  await rejects(c.send(new HeadObjectCommand({ Bucket: DST, Key: 'other.txt' })), 'NotFound', 404);

  // A second version replicates in order; the destination holds both, newest current.
  const p2 = await c.send(new PutObjectCommand({ Bucket: SRC, Key: 'logs/a.txt', Body: 'v2' }));
  await replicate();
  const vs = await c.send(new ListObjectVersionsCommand({ Bucket: DST }));
  assert.deepEqual(vs.Versions?.map((v) => [v.VersionId, v.IsLatest]), [[p2.VersionId, true], [p.VersionId, false]]);
});

test('delete markers: replicated only with DeleteMarkerReplication Enabled; replicas are not re-replicated', async () => {
  await version(SRC); await version(DST);
  await configure({ Role: ROLE, Rules: [rule({ ID: 'off', Filter: { Prefix: 'keep/' } }), rule({ ID: 'on', Filter: { Prefix: 'mirror/' }, DeleteMarkerReplication: { Status: 'Enabled' } })] });
  // The destination replicates back to the source: replicas must not bounce.
  await c.send(new PutBucketReplicationCommand({ Bucket: DST, ReplicationConfiguration: { Role: ROLE, Rules: [rule({ Destination: { Bucket: `arn:aws:s3:::${SRC}` } })] } }));
  await c.send(new PutObjectCommand({ Bucket: SRC, Key: 'keep/k', Body: '1' }));
  await c.send(new PutObjectCommand({ Bucket: SRC, Key: 'mirror/m', Body: '2' }));
  await replicate();
  const d1 = await c.send(new DeleteObjectCommand({ Bucket: SRC, Key: 'keep/k' }));
  const d2 = await c.send(new DeleteObjectCommand({ Bucket: SRC, Key: 'mirror/m' }));
  await replicate();
  assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: DST, Key: 'keep/k' }))).Body), '1');
  const e = await rejects(c.send(new GetObjectCommand({ Bucket: DST, Key: 'mirror/m' })), 'NoSuchKey', 404) as Error & { $response?: { headers: Record<string, string> } };
  assert.equal(e.$response?.headers['x-amz-version-id'], d2.VersionId);
  assert.ok(d1.VersionId);
  const src = await c.send(new ListObjectVersionsCommand({ Bucket: SRC }));
  assert.equal(src.Versions?.length, 2); // nothing came back from the destination
  assert.equal(src.DeleteMarkers?.length, 2);
});

test('a V1 rule (Prefix, no Filter) replicates delete markers; a removed rule leaves the version FAILED', async () => {
  await version(SRC); await version(DST);
  await configure({ Role: ROLE, Rules: [{ ID: 'v1', Prefix: 'old/', Status: 'Enabled', Destination: { Bucket: `arn:aws:s3:::${DST}` } }] });
  await c.send(new PutObjectCommand({ Bucket: SRC, Key: 'old/a', Body: 'x' }));
  await replicate();
  const d = await c.send(new DeleteObjectCommand({ Bucket: SRC, Key: 'old/a' }));
  await replicate();
  const vs = await c.send(new ListObjectVersionsCommand({ Bucket: DST }));
  assert.deepEqual(vs.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [[d.VersionId, true]]);
  // A write whose rule is gone by the time it would replicate.
  await c.send(new PutObjectCommand({ Bucket: SRC, Key: 'old/b', Body: 'y' }));
  await c.send(new DeleteBucketReplicationCommand({ Bucket: SRC }));
  await replicate();
  assert.equal((await c.send(new HeadObjectCommand({ Bucket: SRC, Key: 'old/b' }))).ReplicationStatus, 'FAILED');
});

test('FAILED when the destination is no longer versioning-enabled; cross-account destination; the aws CLI', async () => {
  await version(SRC); await version(DST);
  const o = s3(n, 'eu-west-1', otherAccount);
  await o.send(new CreateBucketCommand({ Bucket: 'repl-other-account', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await o.send(new PutBucketVersioningCommand({ Bucket: 'repl-other-account', VersioningConfiguration: { Status: 'Enabled' } }));
  const cfg = {
    Role: ROLE,
    Rules: [
      { ID: 'a', Priority: 1, Status: 'Enabled', Filter: { Prefix: 'a/' }, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: `arn:aws:s3:::${DST}` } },
      { ID: 'x', Priority: 2, Status: 'Enabled', Filter: { Prefix: 'x/' }, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: 'arn:aws:s3:::repl-other-account', Account: '111122223333' } },
    ],
  };
  const file = `/tmp/repl-${process.pid}.json`;
  writeFileSync(file, JSON.stringify(cfg));
  const r = await aws(n, ['s3api', 'put-bucket-replication', '--bucket', SRC, '--replication-configuration', `file://${file}`]);
  rmSync(file, { force: true });
  assert.equal(r.code, 0, r.stderr);
  const g = await aws(n, ['s3api', 'get-bucket-replication', '--bucket', SRC]);
  assert.equal(g.code, 0, g.stderr);
  assert.deepEqual(JSON.parse(g.stdout).ReplicationConfiguration.Rules.map((x: { ID: string }) => x.ID), ['a', 'x']);

  await c.send(new PutObjectCommand({ Bucket: SRC, Key: 'x/cross', Body: 'far' }));
  await version(DST, 'Suspended');
  await c.send(new PutObjectCommand({ Bucket: SRC, Key: 'a/fails', Body: 'no' }));
  await replicate();
  assert.equal((await c.send(new HeadObjectCommand({ Bucket: SRC, Key: 'a/fails' }))).ReplicationStatus, 'FAILED');
  assert.equal((await c.send(new HeadObjectCommand({ Bucket: SRC, Key: 'x/cross' }))).ReplicationStatus, 'COMPLETED');
  const far = await o.send(new GetObjectCommand({ Bucket: 'repl-other-account', Key: 'x/cross' }));
  assert.equal(await text(far.Body), 'far');
  assert.equal(far.ReplicationStatus, 'REPLICA');
  const h = await aws(n, ['s3api', 'head-object', '--bucket', SRC, '--key', 'x/cross']);
  assert.equal(JSON.parse(h.stdout).ReplicationStatus, 'COMPLETED');
});

// --- durability: a PENDING replication survives kill -9 and completes after the restart -----

const cli = new URL('../../../src/cli.js', import.meta.url).href;
async function startChild(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--input-type=module', '-e',
    `import(${JSON.stringify(cli)}).then((m) => m.main(['start', '--port', '${port}', '--data-dir', ${JSON.stringify(dir)}, '--log-level', 'error']))`],
  { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 500; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/_nimbus/health`)).ok) return child; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  throw new Error('nimbus did not start');
}
const killHard = (ch: ChildProcess) => new Promise<void>((ok) => { ch.once('exit', () => ok()); ch.kill('SIGKILL'); });

test('a PENDING replication survives kill -9 with --data-dir and completes after the restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-s3-repl-'));
  const port = await freePort();
  let child = await startChild(dir, port);
  try {
    const d = s3({ endpoint: `http://127.0.0.1:${port}` });
    for (const Bucket of [SRC, DST]) {
      await d.send(new CreateBucketCommand({ Bucket }));
      await d.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    }
    await d.send(new PutBucketReplicationCommand({ Bucket: SRC, ReplicationConfiguration: { Role: ROLE, Rules: [rule()] } }));
    const p = await d.send(new PutObjectCommand({ Bucket: SRC, Key: 'k', Body: 'survives' }));
    assert.equal((await d.send(new HeadObjectCommand({ Bucket: SRC, Key: 'k' }))).ReplicationStatus, 'PENDING');
    await killHard(child);

    child = await startChild(dir, port);
    let status: string | undefined;
    for (let i = 0; i < 100 && status !== 'COMPLETED'; i++) {
      status = (await d.send(new HeadObjectCommand({ Bucket: SRC, Key: 'k' }))).ReplicationStatus;
      if (status !== 'COMPLETED') await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 'COMPLETED');
    const g = await d.send(new GetObjectCommand({ Bucket: DST, Key: 'k' }));
    assert.equal(await text(g.Body), 'survives');
    assert.equal(g.VersionId, p.VersionId);
    assert.equal(g.ReplicationStatus, 'REPLICA');
  } finally {
    await killHard(child);
    rmSync(dir, { recursive: true, force: true });
  }
});
