// /_nimbus routes: health, reset (all or one service), clock, snapshots, and the CLI on top.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, CreateUserCommand, ListUsersCommand, CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { nimbus, sdk } from '../helpers.js';
import type { Nimbus } from '../../src/index.js';

const run = promisify(execFile);
let n: Nimbus;
before(async () => { n = await nimbus(); });
after(async () => { await n.stop(); });

const call = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(n.endpoint + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: await r.json() as Record<string, unknown> };
};

test('health lists every enabled service as running', async () => {
  const { status, json } = await call('GET', '/_nimbus/health');
  assert.equal(status, 200);
  assert.equal(json.version, '0.1.0');
  assert.equal(typeof json.uptime, 'number');
  const services = json.services as Record<string, string>;
  assert.equal(services.sts, 'running');
  assert.equal(services.iam, 'running');
});

test('reset empties one service or everything', async () => {
  const iam = new IAMClient(sdk(n));
  await iam.send(new CreateUserCommand({ UserName: 'keep-me' }));
  assert.equal((await call('POST', '/_nimbus/reset?service=sts')).status, 200);
  assert.equal((await iam.send(new ListUsersCommand({}))).Users!.length, 1);
  assert.deepEqual((await call('POST', '/_nimbus/reset?service=iam')).json, { reset: 'iam' });
  assert.equal((await iam.send(new ListUsersCommand({}))).Users!.length, 0);
  assert.equal((await call('POST', '/_nimbus/reset?service=nope')).status, 400);
});

test('the clock can be read, advanced and set', async () => {
  const before = Date.parse((await call('GET', '/_nimbus/clock')).json.now as string);
  const adv = await call('POST', '/_nimbus/clock', { advance: 'PT5M' });
  assert.equal(adv.status, 200);
  const after = Date.parse(adv.json.now as string);
  assert.ok(after - before >= 300_000 && after - before < 310_000, `${after - before}`);
  const set = await call('POST', '/_nimbus/clock', { set: '2030-01-01T00:00:00Z' });
  assert.ok(Date.parse(set.json.now as string) - Date.UTC(2030, 0, 1) < 5000);
  assert.equal((await call('POST', '/_nimbus/clock', { advance: 'soon' })).status, 400);
  await call('POST', '/_nimbus/reset');
  assert.ok(Math.abs(Date.parse((await call('GET', '/_nimbus/clock')).json.now as string) - Date.now()) < 5000);
});

test('snapshot save and load round-trip all state through the CLI', async () => {
  const iam = new IAMClient(sdk(n));
  await iam.send(new CreateUserCommand({ UserName: 'snap-a', Tags: [{ Key: 'team', Value: 'x' }] }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'snap-a' }));
  // Object bodies are blobs, outside the records: the snapshot carries them too.
  const s3 = new S3Client({ ...sdk(n), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'snap-bucket' }));
  const large = Buffer.alloc(300_000, 7);
  await s3.send(new PutObjectCommand({ Bucket: 'snap-bucket', Key: 'small', Body: 'small body' }));
  await s3.send(new PutObjectCommand({ Bucket: 'snap-bucket', Key: 'large', Body: large }));
  const file = join(mkdtempSync(join(tmpdir(), 'nimbus-')), 'snap.json');
  const bin = join(process.cwd(), 'bin', 'nimbus.js');
  const saved = await run(process.execPath, [bin, 'snapshot', 'save', file, '--endpoint', n.endpoint]);
  assert.match(saved.stdout, /^saved \d+ records/);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).format, 'nimbus-snapshot');
  await call('POST', '/_nimbus/reset');
  assert.equal((await iam.send(new ListUsersCommand({}))).Users!.length, 0);
  const loaded = await run(process.execPath, [bin, 'snapshot', 'load', file, '--endpoint', n.endpoint]);
  assert.match(loaded.stdout, /^loaded \d+ records/);
  const users = (await iam.send(new ListUsersCommand({}))).Users!;
  assert.deepEqual(users.map((u) => u.UserName), ['snap-a']);
  // The access key came back too: it still identifies the user.
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const me = await new STSClient(sdk(n, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! })).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Arn, 'arn:aws:iam::000000000000:user/snap-a');
  const small = await s3.send(new GetObjectCommand({ Bucket: 'snap-bucket', Key: 'small' }));
  assert.equal(await small.Body!.transformToString(), 'small body');
  const big = await s3.send(new GetObjectCommand({ Bucket: 'snap-bucket', Key: 'large' }));
  assert.deepEqual(Buffer.from(await big.Body!.transformToByteArray()), large);
  const status = await run(process.execPath, [bin, 'status', '--endpoint', n.endpoint]);
  assert.equal(JSON.parse(status.stdout).services.iam, 'running');
});
