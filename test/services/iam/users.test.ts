// IAM users and groups through the JS SDK v3, the aws CLI and boto3: CRUD, pagination with
// MaxItems/Marker, the errors IAM answers (codes, HTTP statuses, messages) and the caller's
// own user.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient, CreateUserCommand, GetUserCommand, ListUsersCommand, UpdateUserCommand, DeleteUserCommand,
  CreateGroupCommand, AddUserToGroupCommand, GetGroupCommand, ListGroupsForUserCommand, RemoveUserFromGroupCommand,
  DeleteGroupCommand, UpdateGroupCommand, ListGroupsCommand, CreateAccessKeyCommand, DeleteAccessKeyCommand,
  CreateLoginProfileCommand, GetLoginProfileCommand, DeleteLoginProfileCommand, TagUserCommand, UntagUserCommand,
  ListUserTagsCommand, paginateListUsers, PutUserPermissionsBoundaryCommand, CreatePolicyCommand, CreateRoleCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { cliError } from './util.js';

let n: Nimbus;
let iam: IAMClient;
before(async () => { n = await nimbus(); iam = new IAMClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const names = ['carol', 'alice', 'erin', 'bob', 'dave'];
async function fiveUsers() {
  for (const UserName of names) await iam.send(new CreateUserCommand({ UserName }));
}

test('CreateUser / GetUser: ids, ARNs with paths, dates; names are case-insensitive', async () => {
  const { User } = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/engineering/', Tags: [{ Key: 'team', Value: 'core' }] }));
  assert.match(User!.UserId!, /^AIDA[A-Z2-7]{17}$/);
  assert.equal(User!.Arn, 'arn:aws:iam::000000000000:user/engineering/alice');
  assert.equal(User!.Path, '/engineering/');
  assert.ok(User!.CreateDate instanceof Date);
  assert.deepEqual(User!.Tags, [{ Key: 'team', Value: 'core' }]);

  const got = await iam.send(new GetUserCommand({ UserName: 'ALICE' }));
  assert.equal(got.User!.UserName, 'alice');
  assert.equal(got.User!.UserId, User!.UserId);
  assert.equal(got.$metadata.httpStatusCode, 200);

  // "User names are not distinguished by case" (IAM User Guide, IAM identifiers).
  const dup = await rejects(iam.send(new CreateUserCommand({ UserName: 'Alice' })), 'EntityAlreadyExistsException', 409);
  assert.equal(dup.message, 'User with name Alice already exists.');
});

test('errors: NoSuchEntity 404, EntityAlreadyExists 409, ValidationError for a 65-character name', async () => {
  const missing = await rejects(iam.send(new GetUserCommand({ UserName: 'nobody' })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, 'The user with name nobody cannot be found.');

  const long = 'a'.repeat(65);
  const v = await rejects(iam.send(new CreateUserCommand({ UserName: long })), 'ValidationError', 400);
  assert.equal(v.message, `1 validation error detected: Value '${long}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64`);

  // The same through the aws CLI and boto3.
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const cli = await aws(n, ['iam', 'create-user', '--user-name', 'alice']);
  assert.notEqual(cli.code, 0);
  assert.deepEqual(cliError(cli), { code: 'EntityAlreadyExists', operation: 'CreateUser', message: 'User with name alice already exists.' });
  const cliMissing = await aws(n, ['iam', 'get-user', '--user-name', 'nobody']);
  assert.deepEqual(cliError(cliMissing), { code: 'NoSuchEntity', operation: 'GetUser', message: 'The user with name nobody cannot be found.' });

  const py = await boto3<{ code: string; status: number; message: string }[]>(n, `
c = boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1')
out = []
for call in (lambda: c.get_user(UserName='nobody'), lambda: c.create_user(UserName='alice'), lambda: c.create_user(UserName='${long}')):
    try:
        call()
        out.append(None)
    except botocore.exceptions.ClientError as e:
        out.append({'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'message': e.response['Error']['Message']})
print(json.dumps(out))`);
  assert.deepEqual(py[0], { code: 'NoSuchEntity', status: 404, message: 'The user with name nobody cannot be found.' });
  assert.deepEqual(py[1], { code: 'EntityAlreadyExists', status: 409, message: 'User with name alice already exists.' });
  assert.equal(py[2].code, 'ValidationError');
  assert.equal(py[2].status, 400);
  assert.match(py[2].message, /at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64$/);
});

test('ListUsers pages with MaxItems/Marker through the SDK paginator, sorted by name', async () => {
  await fiveUsers();
  const first = await iam.send(new ListUsersCommand({ MaxItems: 2 }));
  assert.deepEqual(first.Users!.map((u) => u.UserName), ['alice', 'bob']);
  assert.equal(first.IsTruncated, true);
  assert.ok(first.Marker);
  const pages: string[][] = [];
  for await (const p of paginateListUsers({ client: iam, pageSize: 2 }, {})) pages.push(p.Users!.map((u) => u.UserName!));
  assert.deepEqual(pages, [['alice', 'bob'], ['carol', 'dave'], ['erin']]);
  const last = await iam.send(new ListUsersCommand({ MaxItems: 2, Marker: first.Marker }));
  assert.deepEqual(last.Users!.map((u) => u.UserName), ['carol', 'dave']);
  // A marker Nimbus did not issue.
  await rejects(iam.send(new ListUsersCommand({ Marker: 'garbage' })), 'ValidationError', 400);
  // List operations leave tags out (IAM returns a subset of the attributes).
  await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'k', Value: 'v' }] }));
  const all = await iam.send(new ListUsersCommand({}));
  assert.equal(all.IsTruncated, false);
  assert.equal(all.Users![0].Tags, undefined);
});

test('ListUsers through the aws CLI: --page-size, --max-items and --starting-token', async () => {
  await fiveUsers();
  const all = await aws(n, ['iam', 'list-users', '--page-size', '2']);
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(JSON.parse(all.stdout).Users.map((u: { UserName: string }) => u.UserName), ['alice', 'bob', 'carol', 'dave', 'erin']);

  const p1 = await aws(n, ['iam', 'list-users', '--max-items', '3', '--page-size', '2']);
  assert.equal(p1.code, 0, p1.stderr);
  const one = JSON.parse(p1.stdout);
  assert.deepEqual(one.Users.map((u: { UserName: string }) => u.UserName), ['alice', 'bob', 'carol']);
  assert.ok(one.NextToken);
  const p2 = await aws(n, ['iam', 'list-users', '--max-items', '3', '--page-size', '2', '--starting-token', one.NextToken]);
  assert.equal(p2.code, 0, p2.stderr);
  const two = JSON.parse(p2.stdout);
  assert.deepEqual(two.Users.map((u: { UserName: string }) => u.UserName), ['dave', 'erin']);
  assert.equal(two.NextToken, undefined);

  const prefix = await aws(n, ['iam', 'list-users', '--path-prefix', '/nope/']);
  assert.deepEqual(JSON.parse(prefix.stdout).Users, []);
});

test('ListUsers through a boto3 paginator', async () => {
  await fiveUsers();
  const pages = await boto3<string[][]>(n, `
c = boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1')
pages = [[u['UserName'] for u in p['Users']] for p in c.get_paginator('list_users').paginate(PaginationConfig={'PageSize': 2})]
print(json.dumps(pages))`);
  assert.deepEqual(pages, [['alice', 'bob'], ['carol', 'dave'], ['erin']]);
});

test('GetUser without UserName answers the caller: a user by its key, the root, not a role session', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  const asAlice = new IAMClient(sdk(n, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }));
  const me = await asAlice.send(new GetUserCommand({}));
  assert.equal(me.User!.UserName, 'alice');
  assert.equal(me.User!.Arn, 'arn:aws:iam::000000000000:user/alice');

  const root = await iam.send(new GetUserCommand({}));
  assert.equal(root.User!.Arn, 'arn:aws:iam::000000000000:root');
  assert.equal(root.User!.UserId, '000000000000');

  // The CLI signs with the user's key too.
  const cli = await aws(n, ['iam', 'get-user'], { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! });
  assert.equal(JSON.parse(cli.stdout).User.UserName, 'alice');

  // A role session has no user of its own.
  await iam.send(new CreateRoleCommand({ RoleName: 'ops', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] }) }));
  const { Credentials } = await new STSClient(sdk(n)).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/ops', RoleSessionName: 'session' }));
  const asRole = new IAMClient(sdk(n, { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! }));
  const e = await rejects(asRole.send(new GetUserCommand({})), 'ValidationError', 400);
  assert.equal(e.message, 'Must specify userName when calling with non-User credentials');
  await rejects(asRole.send(new CreateAccessKeyCommand({})), 'ValidationError', 400);
});

test('UpdateUser renames and moves; DeleteUser refuses while the user still has things', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new CreateUserCommand({ UserName: 'bob' }));
  const taken = await rejects(iam.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'BOB' })), 'EntityAlreadyExistsException', 409);
  assert.equal(taken.message, 'User with name BOB already exists.');
  await iam.send(new UpdateUserCommand({ UserName: 'alice', NewUserName: 'alicia', NewPath: '/ops/' }));
  await rejects(iam.send(new GetUserCommand({ UserName: 'alice' })), 'NoSuchEntityException', 404);
  const { User } = await iam.send(new GetUserCommand({ UserName: 'alicia' }));
  assert.equal(User!.Arn, 'arn:aws:iam::000000000000:user/ops/alicia');

  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alicia' }));
  const keys = await rejects(iam.send(new DeleteUserCommand({ UserName: 'alicia' })), 'DeleteConflictException', 409);
  assert.equal(keys.message, 'Cannot delete entity, must delete access keys first.');
  await iam.send(new DeleteAccessKeyCommand({ UserName: 'alicia', AccessKeyId: AccessKey!.AccessKeyId }));

  await iam.send(new CreateLoginProfileCommand({ UserName: 'alicia', Password: 'Sup3r-secret!', PasswordResetRequired: true }));
  const profile = await iam.send(new GetLoginProfileCommand({ UserName: 'alicia' }));
  assert.equal(profile.LoginProfile!.PasswordResetRequired, true);
  const login = await rejects(iam.send(new DeleteUserCommand({ UserName: 'alicia' })), 'DeleteConflictException', 409);
  assert.equal(login.message, 'Cannot delete entity, must delete login profile first.');
  await iam.send(new DeleteLoginProfileCommand({ UserName: 'alicia' }));
  const gone = await rejects(iam.send(new GetLoginProfileCommand({ UserName: 'alicia' })), 'NoSuchEntityException', 404);
  assert.equal(gone.message, 'Login Profile for User alicia cannot be found.');

  await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alicia' }));
  const group = await rejects(iam.send(new DeleteUserCommand({ UserName: 'alicia' })), 'DeleteConflictException', 409);
  assert.equal(group.message, 'Cannot delete entity, must remove user from all groups first.');
  await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'alicia' }));
  await iam.send(new DeleteUserCommand({ UserName: 'alicia' }));
  await rejects(iam.send(new GetUserCommand({ UserName: 'alicia' })), 'NoSuchEntityException', 404);
});

test('a weak password is refused by the default password policy', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const weak = await rejects(iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'password' })), 'PasswordPolicyViolationException', 400);
  assert.match(weak.message, /password policy/);
});

test('groups: membership, GetGroup users, ListGroupsForUser, rename, delete conflicts', async () => {
  await fiveUsers();
  const { Group } = await iam.send(new CreateGroupCommand({ GroupName: 'devs', Path: '/eng/' }));
  assert.match(Group!.GroupId!, /^AGPA[A-Z2-7]{17}$/);
  assert.equal(Group!.Arn, 'arn:aws:iam::000000000000:group/eng/devs');
  const dup = await rejects(iam.send(new CreateGroupCommand({ GroupName: 'DEVS' })), 'EntityAlreadyExistsException', 409);
  assert.equal(dup.message, 'Group with name DEVS already exists.');
  for (const UserName of ['erin', 'alice', 'carol']) await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' })); // again: no-op

  const page1 = await iam.send(new GetGroupCommand({ GroupName: 'devs', MaxItems: 2 }));
  assert.equal(page1.Group!.GroupName, 'devs');
  assert.deepEqual(page1.Users!.map((u) => u.UserName), ['alice', 'carol']);
  assert.equal(page1.IsTruncated, true);
  const page2 = await iam.send(new GetGroupCommand({ GroupName: 'devs', MaxItems: 2, Marker: page1.Marker }));
  assert.deepEqual(page2.Users!.map((u) => u.UserName), ['erin']);

  const forUser = await iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }));
  assert.deepEqual(forUser.Groups!.map((g) => g.GroupName), ['devs']);

  const missing = await rejects(iam.send(new AddUserToGroupCommand({ GroupName: 'nope', UserName: 'alice' })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, 'The group with name nope cannot be found.');

  const conflict = await rejects(iam.send(new DeleteGroupCommand({ GroupName: 'devs' })), 'DeleteConflictException', 409);
  assert.equal(conflict.message, 'Cannot delete entity, must remove users from group first.');

  await iam.send(new UpdateGroupCommand({ GroupName: 'devs', NewGroupName: 'developers' }));
  const renamed = await iam.send(new ListGroupsForUserCommand({ UserName: 'erin' }));
  assert.deepEqual(renamed.Groups!.map((g) => [g.GroupName, g.Arn]), [['developers', 'arn:aws:iam::000000000000:group/eng/developers']]);
  for (const UserName of ['erin', 'alice', 'carol']) await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'developers', UserName }));
  await iam.send(new DeleteGroupCommand({ GroupName: 'developers' }));
  assert.deepEqual((await iam.send(new ListGroupsCommand({}))).Groups, []);
});

test('user tags: merge case-insensitively, at most 50, untag, list', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'Env', Value: 'dev' }] }));
  await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'a' }] }));
  const { Tags } = await iam.send(new ListUserTagsCommand({ UserName: 'alice' }));
  assert.deepEqual(Tags, [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'a' }]);
  const dup = await rejects(iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'x', Value: '1' }, { Key: 'X', Value: '2' }] })), 'InvalidInputException', 400);
  assert.equal(dup.message, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  const many = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  const limit = await rejects(iam.send(new TagUserCommand({ UserName: 'alice', Tags: many })), 'LimitExceededException', 409);
  assert.equal(limit.message, 'The number of tags has reached the maximum limit.');
  await iam.send(new UntagUserCommand({ UserName: 'alice', TagKeys: ['ENV'] }));
  assert.deepEqual((await iam.send(new ListUserTagsCommand({ UserName: 'alice' }))).Tags, [{ Key: 'team', Value: 'a' }]);
});

test('permissions boundaries must name an existing managed policy', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const arn = 'arn:aws:iam::000000000000:policy/boundary';
  const missing = await rejects(iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: arn })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, `Scope ARN: ${arn} does not exist or is not attachable.`);
  await iam.send(new CreatePolicyCommand({ PolicyName: 'boundary', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }));
  await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: arn }));
  const { User } = await iam.send(new GetUserCommand({ UserName: 'alice' }));
  assert.deepEqual(User!.PermissionsBoundary, { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn });
});
