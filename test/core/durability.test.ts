// --data-dir: every write answered 2xx survives kill -9 and a restart; deletes stay deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, CreateUserCommand, DeleteUserCommand, ListUsersCommand, CreateAccessKeyCommand, paginateListUsers } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { sdk } from '../helpers.js';
import { kill9, startProcess } from '../process.js';

async function allUsers(iam: IAMClient): Promise<string[]> {
  const names: string[] = [];
  for await (const p of paginateListUsers({ client: iam }, {})) names.push(...p.Users!.map((u) => u.UserName!));
  return names.sort();
}

test('acknowledged writes survive kill -9; acknowledged deletes are not resurrected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-data-'));
  const first = await startProcess(['--data-dir', dir, '--log-level', 'info']);
  assert.match(first.output(), new RegExp(`state in ${dir}`));
  const iam = new IAMClient(sdk(first));
  const acked = new Set<string>();
  // Writes in flight while the process dies: only the acknowledged ones must survive.
  const writes = Array.from({ length: 300 }, (_, i) => `u${String(i).padStart(3, '0')}`).map((name) =>
    iam.send(new CreateUserCommand({ UserName: name })).then(() => acked.add(name), () => undefined));
  // Kill while later writes are still in flight: once 100 of the 300 are acknowledged.
  for (let i = 0; i < 4000 && acked.size < 100; i++) await new Promise((r) => setTimeout(r, 5));
  if (acked.size < 100) { await kill9(first); assert.fail(`only ${acked.size} writes acknowledged`); }
  const [keyUser, ...rest] = [...acked];
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: keyUser }));
  const deleted = rest.slice(0, 10);
  for (const name of deleted) {
    await iam.send(new DeleteUserCommand({ UserName: name }));
    acked.delete(name);
  }
  // A pagination token from before the crash still works after it (the secret is on disk).
  const firstPage = await iam.send(new ListUsersCommand({ MaxItems: 5 }));
  assert.equal(firstPage.IsTruncated, true);
  // A last burst still in flight when the process dies.
  const burst = Array.from({ length: 100 }, (_, i) => `v${String(i).padStart(3, '0')}`).map((name) =>
    iam.send(new CreateUserCommand({ UserName: name })).then(() => acked.add(name), () => undefined));
  await new Promise((r) => setTimeout(r, 20));
  const ackedNow = new Set(acked);
  await kill9(first);
  await Promise.allSettled([...writes, ...burst]);

  const second = await startProcess(['--data-dir', dir]);
  try {
    const iam2 = new IAMClient(sdk(second));
    const names = await allUsers(iam2);
    for (const name of ackedNow) assert.ok(names.includes(name), `acknowledged user ${name} lost`);
    for (const name of deleted) assert.ok(!names.includes(name), `deleted user ${name} came back`);
    // The access key came back with its user and still identifies it.
    const me = await new STSClient(sdk(second, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! })).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:iam::000000000000:user/${AccessKey!.UserName}`);
    assert.ok((await iam2.send(new ListUsersCommand({}))).Users!.length > 0);
    const next = await iam2.send(new ListUsersCommand({ MaxItems: 5, Marker: firstPage.Marker }));
    assert.ok(next.Users!.length > 0);
    assert.ok(next.Users![0].UserName! > firstPage.Users![4].UserName!, 'the token resumes after the last user of page one');
  } finally {
    await kill9(second);
  }
});
