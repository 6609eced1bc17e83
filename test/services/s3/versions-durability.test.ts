// S3 versioning state with --data-dir survives kill -9: versions and delete markers (the noncurrent
// collection and the rebuilt per-key stacks), Object Lock retention, bucket configurations, and
// the bodies of old versions. Runs Nimbus from this build's own cli.js in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand, DeleteObjectCommand, GetBucketLifecycleConfigurationCommand, GetObjectCommand, GetObjectRetentionCommand,
  ListObjectVersionsCommand, PutBucketLifecycleConfigurationCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { freePort } from '../../process.js';
import { s3, text } from './util.js';

const cli = new URL('../../../src/cli.js', import.meta.url).href;

async function start(dir: string, port: number): Promise<ChildProcess> {
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
const killHard = (c: ChildProcess) => new Promise<void>((ok) => { c.once('exit', () => ok()); c.kill('SIGKILL'); });

test('versions, markers, retention and configuration survive kill -9 with --data-dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-s3-durable-'));
  const port = await freePort();
  let child = await start(dir, port);
  try {
    const c = s3({ endpoint: `http://127.0.0.1:${port}` });
    const B = 'durable-bucket';
    await c.send(new CreateBucketCommand({ Bucket: B, ObjectLockEnabledForBucket: true }));
    const until = new Date(Date.now() + 5 * 86_400_000);
    const v1 = await c.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'one', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until }));
    const v2 = await c.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'two' }));
    const m = await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'k' }));
    await c.send(new PutBucketLifecycleConfigurationCommand({ Bucket: B, LifecycleConfiguration: { Rules: [{ ID: 'r', Status: 'Enabled', Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 30 } }] } }));
    await killHard(child);

    child = await start(dir, port);
    const l = await c.send(new ListObjectVersionsCommand({ Bucket: B }));
    assert.deepEqual(l.DeleteMarkers?.map((x) => [x.VersionId, x.IsLatest]), [[m.VersionId, true]]);
    assert.deepEqual(l.Versions?.map((x) => x.VersionId), [v2.VersionId, v1.VersionId]);
    assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'k', VersionId: v1.VersionId }))).Body), 'one');
    const r = await c.send(new GetObjectRetentionCommand({ Bucket: B, Key: 'k', VersionId: v1.VersionId }));
    assert.equal(r.Retention?.RetainUntilDate?.getTime(), until.getTime());
    assert.equal((await c.send(new GetBucketLifecycleConfigurationCommand({ Bucket: B }))).Rules?.[0].ID, 'r');
    // The stack continues where it was: deleting the marker makes v2 current again.
    await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'k', VersionId: m.VersionId }));
    assert.equal(await text((await c.send(new GetObjectCommand({ Bucket: B, Key: 'k' }))).Body), 'two');
  } finally {
    await killHard(child);
    rmSync(dir, { recursive: true, force: true });
  }
});
