// Access keys through the JS SDK v3, the aws CLI and boto3: the two-key quota, the caller's
// own keys, deactivation (a deactivated key no longer signs), last use.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient, CreateUserCommand, CreateAccessKeyCommand, ListAccessKeysCommand, UpdateAccessKeyCommand,
  DeleteAccessKeyCommand, GetAccessKeyLastUsedCommand, GetUserCommand, ListUsersCommand,
} from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { PY_IAM, cliError } from './util.js';

let n: Nimbus;
let iam: IAMClient;
before(async () => { n = await nimbus(); iam = new IAMClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const QUOTA = 'Cannot exceed quota for AccessKeysPerUser: 2';

test('CreateAccessKey: AKIA ids, 40-character secrets, a third key is LimitExceeded (409)', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const a = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  assert.equal(a.AccessKey!.UserName, 'alice');
  assert.match(a.AccessKey!.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(a.AccessKey!.SecretAccessKey!.length, 40);
  assert.equal(a.AccessKey!.Status, 'Active');
  assert.ok(a.AccessKey!.CreateDate instanceof Date);
  await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  const third = await rejects(iam.send(new CreateAccessKeyCommand({ UserName: 'alice' })), 'LimitExceededException', 409);
  assert.equal(third.message, QUOTA);

  const cli = await aws(n, ['iam', 'create-access-key', '--user-name', 'alice']);
  assert.deepEqual(cliError(cli), { code: 'LimitExceeded', operation: 'CreateAccessKey', message: QUOTA });
  const py = await boto3<unknown>(n, `${PY_IAM}
print(json.dumps(err(lambda: c.create_access_key(UserName='alice'))))`);
  assert.deepEqual(py, { code: 'LimitExceeded', status: 409, message: QUOTA });

  const missing = await rejects(iam.send(new CreateAccessKeyCommand({ UserName: 'nobody' })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, 'The user with name nobody cannot be found.');
});

test('a user manages its own keys without naming itself; the key signs as the user', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  const creds = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  const asAlice = new IAMClient(sdk(n, creds));
  const second = await asAlice.send(new CreateAccessKeyCommand({}));
  assert.equal(second.AccessKey!.UserName, 'alice');
  const listed = await asAlice.send(new ListAccessKeysCommand({}));
  assert.deepEqual(listed.AccessKeyMetadata!.map((k) => k.AccessKeyId).sort(), [AccessKey!.AccessKeyId, second.AccessKey!.AccessKeyId].sort());
  assert.ok(listed.AccessKeyMetadata!.every((k) => k.UserName === 'alice' && k.Status === 'Active'));
  const who = await new STSClient(sdk(n, creds)).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, 'arn:aws:iam::000000000000:user/alice');

  // Paging: one key per page.
  const p1 = await asAlice.send(new ListAccessKeysCommand({ MaxItems: 1 }));
  assert.equal(p1.AccessKeyMetadata!.length, 1);
  assert.equal(p1.IsTruncated, true);
  const p2 = await asAlice.send(new ListAccessKeysCommand({ MaxItems: 1, Marker: p1.Marker }));
  assert.equal(p2.IsTruncated, false);
  assert.notEqual(p2.AccessKeyMetadata![0].AccessKeyId, p1.AccessKeyMetadata![0].AccessKeyId);
});

test('the root creates root keys; temporary-less non-user callers must name the user', async () => {
  // "you can use this operation to manage AWS account root user credentials" (CreateAccessKey).
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({}));
  assert.equal(AccessKey!.UserName, undefined);
  const who = await new STSClient(sdk(n, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! })).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, 'arn:aws:iam::000000000000:root');
  const listed = await iam.send(new ListAccessKeysCommand({}));
  assert.deepEqual(listed.AccessKeyMetadata!.map((k) => k.AccessKeyId), [AccessKey!.AccessKeyId]);
});

test('UpdateAccessKey Inactive: the key stops signing; DeleteAccessKey forgets it', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  const creds = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  await new IAMClient(sdk(n, creds)).send(new GetUserCommand({}));
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: AccessKey!.AccessKeyId, Status: 'Inactive' }));
  const meta = await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }));
  assert.equal(meta.AccessKeyMetadata![0].Status, 'Inactive');
  await rejects(new IAMClient(sdk(n, creds)).send(new ListUsersCommand({})), 'InvalidClientTokenId', 403);
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: AccessKey!.AccessKeyId, Status: 'Active' }));
  await new IAMClient(sdk(n, creds)).send(new ListUsersCommand({}));

  const wrongUser = await rejects(iam.send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA' })), 'NoSuchEntityException', 404);
  assert.equal(wrongUser.message, 'The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.');
  await iam.send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: AccessKey!.AccessKeyId }));
  assert.deepEqual((await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))).AccessKeyMetadata, []);
  // A forgotten key is again "a key Nimbus never issued": the root of the default account.
  const who = await new STSClient(sdk(n, creds)).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, 'arn:aws:iam::000000000000:root');
});

test('GetAccessKeyLastUsed: N/A until used, then the service, region and time of the last call', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  const r = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: AccessKey!.AccessKeyId }));
  assert.equal(r.UserName, 'alice');
  assert.deepEqual(r.AccessKeyLastUsed, { ServiceName: 'N/A', Region: 'N/A' });
  const creds = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  await new STSClient({ ...sdk(n, creds), region: 'eu-west-1' }).send(new GetCallerIdentityCommand({}));
  const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: AccessKey!.AccessKeyId }));
  assert.equal(used.AccessKeyLastUsed!.ServiceName, 'sts');
  assert.equal(used.AccessKeyLastUsed!.Region, 'eu-west-1');
  assert.ok(Math.abs(used.AccessKeyLastUsed!.LastUsedDate!.getTime() - n.clock.now().getTime()) < 5000);
});

test('access keys through the aws CLI', async () => {
  assert.equal((await aws(n, ['iam', 'create-user', '--user-name', 'bob'])).code, 0);
  const created = await aws(n, ['iam', 'create-access-key', '--user-name', 'bob']);
  assert.equal(created.code, 0, created.stderr);
  const id = JSON.parse(created.stdout).AccessKey.AccessKeyId;
  const upd = await aws(n, ['iam', 'update-access-key', '--user-name', 'bob', '--access-key-id', id, '--status', 'Inactive']);
  assert.equal(upd.code, 0, upd.stderr);
  const listed = await aws(n, ['iam', 'list-access-keys', '--user-name', 'bob']);
  assert.deepEqual(JSON.parse(listed.stdout).AccessKeyMetadata.map((k: { Status: string }) => k.Status), ['Inactive']);
});
