// Managed policies (versions, attachments, AWS managed catalog), inline policies and policy
// document validation, through the JS SDK v3, the aws CLI and boto3.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient, CreatePolicyCommand, GetPolicyCommand, CreatePolicyVersionCommand, GetPolicyVersionCommand,
  ListPolicyVersionsCommand, DeletePolicyVersionCommand, SetDefaultPolicyVersionCommand, DeletePolicyCommand,
  ListPoliciesCommand, CreateUserCommand, CreateRoleCommand, CreateGroupCommand, AttachUserPolicyCommand,
  AttachRolePolicyCommand, AttachGroupPolicyCommand, DetachUserPolicyCommand, DetachRolePolicyCommand,
  DetachGroupPolicyCommand, ListAttachedRolePoliciesCommand, ListEntitiesForPolicyCommand, PutUserPolicyCommand,
  GetUserPolicyCommand, ListUserPoliciesCommand, DeleteUserPolicyCommand, PutRolePolicyCommand, GetRolePolicyCommand,
  DeleteRoleCommand, GetRoleCommand, UpdateAssumeRolePolicyCommand, ListRolesCommand, PutGroupPolicyCommand,
  GetGroupPolicyCommand, TagPolicyCommand, ListPolicyTagsCommand, GetAccountAuthorizationDetailsCommand,
  paginateListPolicies,
} from '@aws-sdk/client-iam';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { PY_IAM, cliError, doc, trust } from './util.js';

let n: Nimbus;
let iam: IAMClient;
before(async () => { n = await nimbus(); iam = new IAMClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const S3_READ = { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' };
const ACCT = '000000000000';

test('CreatePolicy / GetPolicy / GetPolicyVersion: the document comes back URL-encoded (RFC 3986)', async () => {
  const text = doc({ Sid: 'Read it', ...S3_READ, Condition: { StringLike: { 's3:prefix': ["home/*'s"] } } });
  const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'read', Path: '/app/', PolicyDocument: text, Description: 'reads', Tags: [{ Key: 'a', Value: 'b' }] }));
  assert.equal(Policy!.Arn, `arn:aws:iam::${ACCT}:policy/app/read`);
  assert.match(Policy!.PolicyId!, /^ANPA[A-Z2-7]{17}$/);
  assert.equal(Policy!.DefaultVersionId, 'v1');
  assert.equal(Policy!.AttachmentCount, 0);
  assert.equal(Policy!.IsAttachable, true);
  const got = await iam.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }));
  assert.equal(got.Policy!.Description, 'reads');
  assert.deepEqual(got.Policy!.Tags, [{ Key: 'a', Value: 'b' }]);

  const v = await iam.send(new GetPolicyVersionCommand({ PolicyArn: Policy!.Arn, VersionId: 'v1' }));
  assert.equal(v.PolicyVersion!.IsDefaultVersion, true);
  // The JS SDK hands over the encoded text: spaces as %20, quotes and the apostrophe escaped.
  assert.ok(v.PolicyVersion!.Document!.startsWith('%7B%22Version%22%3A%222012-10-17%22'));
  assert.ok(v.PolicyVersion!.Document!.includes('Read%20it'));
  assert.ok(v.PolicyVersion!.Document!.includes('%27s'));
  assert.equal(decodeURIComponent(v.PolicyVersion!.Document!), text);

  // botocore decodes it into a dict.
  const py = await boto3<unknown>(n, `${PY_IAM}
print(json.dumps(c.get_policy_version(PolicyArn='${Policy!.Arn}', VersionId='v1')['PolicyVersion']['Document']))`);
  assert.deepEqual(py, JSON.parse(text));

  const dup = await rejects(iam.send(new CreatePolicyCommand({ PolicyName: 'READ', PolicyDocument: text })), 'EntityAlreadyExistsException', 409);
  assert.equal(dup.message, 'A policy called READ already exists. Duplicate names are not allowed.');
  const missing = await rejects(iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCT}:policy/nope` })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, `Policy arn:aws:iam::${ACCT}:policy/nope was not found.`);
});

test('MalformedPolicyDocument: IAM-worded messages for identity and trust policies', async () => {
  const cases: [string, string][] = [
    ['{not json', 'Syntax errors in policy.'],
    [JSON.stringify({ Version: '2012-10-17', Statement: [] }), 'Syntax errors in policy.'],
    [JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] }), 'Syntax errors in policy.'],
    [JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Bogus: 1 }] }), 'Syntax errors in policy.'],
    [JSON.stringify({ Statement: [S3_READ] }), 'Policy document must be version 2012-10-17 or greater.'],
    [doc({ Effect: 'Allow', Action: 's3:*' }), 'Policy statement must contain resources.'],
    [doc({ Effect: 'Allow', Resource: '*' }), 'Policy statement must contain actions.'],
    [doc({ ...S3_READ, Principal: '*' }), 'Policy document should not specify a principal.'],
    [doc({ ...S3_READ, Sid: 'a' }, { ...S3_READ, Sid: 'a' }), 'Statement IDs (SID) in a single policy must be unique.'],
    [doc({ Effect: 'Allow', Action: 'GetObject', Resource: '*' }), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
    [doc({ Effect: 'Allow', Action: 's3:*', Resource: 'bucket' }), 'Resource bucket must be in ARN format or "*".'],
  ];
  for (const [PolicyDocument, message] of cases) {
    const e = await rejects(iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument })), 'MalformedPolicyDocumentException', 400);
    assert.equal(e.message, message, PolicyDocument);
  }
  // Inline policies may leave Version out (it defaults to 2008-10-17).
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'old', PolicyDocument: JSON.stringify({ Statement: [S3_READ] }) }));

  // Trust policies.
  const role = (AssumeRolePolicyDocument: string) => iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument }));
  const trustCases: [string, string][] = [
    ['{', 'This policy contains invalid Json'],
    [doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' }), 'Has prohibited field Resource'],
    [doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'Missing required field Principal'],
    [doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 's3:GetObject' }), 'AssumeRole policy may only specify STS AssumeRole actions.'],
    [doc({ Effect: 'Allow', Principal: { AWS: 'not-an-arn' }, Action: 'sts:AssumeRole' }), 'Invalid principal in policy: "AWS":"not-an-arn"'],
  ];
  for (const [d, message] of trustCases) {
    const e = await rejects(role(d), 'MalformedPolicyDocumentException', 400);
    assert.equal(e.message, message, d);
  }

  // The aws CLI and boto3 see the same.
  const cli = await aws(n, ['iam', 'create-policy', '--policy-name', 'p', '--policy-document', doc({ ...S3_READ, Principal: '*' })]);
  assert.deepEqual(cliError(cli), { code: 'MalformedPolicyDocument', operation: 'CreatePolicy', message: 'Policy document should not specify a principal.' });
  const py = await boto3<unknown>(n, `${PY_IAM}
print(json.dumps(err(lambda: c.create_role(RoleName='r', AssumeRolePolicyDocument=${JSON.stringify(doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' }))}))))`);
  assert.deepEqual(py, { code: 'MalformedPolicyDocument', status: 400, message: 'Has prohibited field Resource' });
});

test('policy versions: at most five, SetAsDefault, the default cannot be deleted, newest listed first', async () => {
  const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: doc(S3_READ) }));
  const arn = Policy!.Arn!;
  for (let i = 2; i <= 5; i++) {
    const { PolicyVersion } = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc({ ...S3_READ, Sid: `v${i}` }), SetAsDefault: i === 3 }));
    assert.equal(PolicyVersion!.VersionId, `v${i}`);
    assert.equal(PolicyVersion!.IsDefaultVersion, i === 3);
    assert.equal(PolicyVersion!.Document, undefined);
  }
  const limit = await rejects(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc(S3_READ) })), 'LimitExceededException', 409);
  assert.equal(limit.message, 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');

  assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.DefaultVersionId, 'v3');
  const listed = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
  assert.deepEqual(listed.Versions!.map((v) => [v.VersionId, v.IsDefaultVersion]), [['v5', false], ['v4', false], ['v3', true], ['v2', false], ['v1', false]]);

  const def = await rejects(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' })), 'DeleteConflictException', 409);
  assert.equal(def.message, 'Cannot delete the default version of a policy.');
  const nov = await rejects(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v9' })), 'NoSuchEntityException', 404);
  assert.equal(nov.message, `Policy ${arn} version v9 does not exist or is not attachable.`);

  await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
  await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' }));
  const { PolicyVersion } = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc(S3_READ) }));
  assert.equal(PolicyVersion!.VersionId, 'v6');

  const many = await rejects(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), 'DeleteConflictException', 409);
  assert.match(many.message, /^This policy has more than one version\. Before you delete a policy, you must delete the policy's versions\./);
  for (const v of ['v2', 'v3', 'v4', 'v6']) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
  await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  await rejects(iam.send(new GetPolicyCommand({ PolicyArn: arn })), 'NoSuchEntityException', 404);

  // boto3: the limit error.
  const py = await boto3<unknown>(n, `${PY_IAM}
arn = c.create_policy(PolicyName='q', PolicyDocument=${JSON.stringify(doc(S3_READ))})['Policy']['Arn']
for i in range(4):
    c.create_policy_version(PolicyArn=arn, PolicyDocument=${JSON.stringify(doc(S3_READ))})
print(json.dumps(err(lambda: c.create_policy_version(PolicyArn=arn, PolicyDocument=${JSON.stringify(doc(S3_READ))}))))`);
  assert.deepEqual(py, { code: 'LimitExceeded', status: 409, message: 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.' });
});

test('attachments: AttachmentCount, ListEntitiesForPolicy, detach, DeletePolicy and DeleteRole conflicts', async () => {
  const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: doc(S3_READ) }));
  const arn = Policy!.Arn!;
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn })); // again: no-op
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: arn }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
  assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount, 3);

  const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
  assert.deepEqual(entities.PolicyUsers!.map((u) => u.UserName), ['alice']);
  assert.deepEqual(entities.PolicyGroups!.map((g) => g.GroupName), ['devs']);
  assert.deepEqual(entities.PolicyRoles!.map((r) => r.RoleName), ['app']);
  const onlyRoles = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'Role' }));
  assert.deepEqual([onlyRoles.PolicyUsers, onlyRoles.PolicyGroups, onlyRoles.PolicyRoles!.length], [[], [], 1]);

  const attached = await rejects(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), 'DeleteConflictException', 409);
  assert.equal(attached.message, 'Cannot delete a policy attached to entities.');
  const role = await rejects(iam.send(new DeleteRoleCommand({ RoleName: 'app' })), 'DeleteConflictException', 409);
  assert.equal(role.message, 'Cannot delete entity, must detach all policies first.');

  const nope = `arn:aws:iam::${ACCT}:policy/nope`;
  const missing = await rejects(iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: nope })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, `Policy ${nope} does not exist or is not attachable.`);
  const notAttached = await rejects(iam.send(new DetachRolePolicyCommand({ RoleName: 'app', PolicyArn: nope })), 'NoSuchEntityException', 404);
  assert.equal(notAttached.message, `Policy ${nope} was not found.`);

  await iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
  await iam.send(new DetachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: arn }));
  await iam.send(new DetachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
  assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount, 0);
  await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  await iam.send(new DeleteRoleCommand({ RoleName: 'app' }));
});

test('AWS managed policies: attach, read the document, list with Scope and OnlyAttached', async () => {
  const basic = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
  await iam.send(new CreateRoleCommand({ RoleName: 'fn', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'fn', PolicyArn: basic }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'fn', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
  const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'fn' }));
  assert.deepEqual(AttachedPolicies, [
    { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: basic },
    { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  ]);
  const filtered = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'fn', PathPrefix: '/service-role/' }));
  assert.deepEqual(filtered.AttachedPolicies!.map((p) => p.PolicyName), ['AWSLambdaBasicExecutionRole']);

  const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: basic }));
  assert.equal(Policy!.Path, '/service-role/');
  assert.equal(Policy!.AttachmentCount, 1);
  const v = await iam.send(new GetPolicyVersionCommand({ PolicyArn: basic, VersionId: Policy!.DefaultVersionId }));
  const d = JSON.parse(decodeURIComponent(v.PolicyVersion!.Document!));
  assert.equal(d.Version, '2012-10-17');
  assert.ok(JSON.stringify(d.Statement).includes('logs:PutLogEvents'));

  const nope = await rejects(iam.send(new AttachRolePolicyCommand({ RoleName: 'fn', PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicyAtAll' })), 'NoSuchEntityException', 404);
  assert.equal(nope.message, 'Policy arn:aws:iam::aws:policy/NoSuchPolicyAtAll does not exist or is not attachable.');

  await iam.send(new CreatePolicyCommand({ PolicyName: 'mine', Path: '/team/', PolicyDocument: doc(S3_READ) }));
  const local = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
  assert.deepEqual(local.Policies!.map((p) => p.PolicyName), ['mine']);
  const attached = await iam.send(new ListPoliciesCommand({ OnlyAttached: true }));
  assert.deepEqual(attached.Policies!.map((p) => p.PolicyName), ['AWSLambdaBasicExecutionRole', 'ReadOnlyAccess']);
  const byPath = await iam.send(new ListPoliciesCommand({ PathPrefix: '/team/' }));
  assert.deepEqual(byPath.Policies!.map((p) => p.PolicyName), ['mine']);
  // The AWS catalog is long: page through it with the SDK paginator.
  let count = 0, pages = 0;
  for await (const p of paginateListPolicies({ client: iam, pageSize: 500 }, { Scope: 'AWS' })) { count += p.Policies!.length; pages++; }
  assert.ok(count > 1000, `only ${count} AWS managed policies`);
  assert.ok(pages >= 3);
});

test('inline policies of users, groups and roles', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const text = doc(S3_READ);
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'b', PolicyDocument: text }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'a', PolicyDocument: text }));
  assert.deepEqual((await iam.send(new ListUserPoliciesCommand({ UserName: 'alice' }))).PolicyNames, ['a', 'b']);
  const got = await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'a' }));
  assert.equal(got.UserName, 'alice');
  assert.equal(decodeURIComponent(got.PolicyDocument!), text);
  await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'a' }));
  const missing = await rejects(iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'a' })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, 'The user policy with name a cannot be found.');

  // The aggregate size quota of a user's inline policies (2,048 characters).
  const big = doc({ Effect: 'Allow', Action: Array.from({ length: 200 }, (_, i) => `s3:Action${i}`), Resource: '*' });
  const size = await rejects(iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'big', PolicyDocument: big })), 'LimitExceededException', 409);
  assert.equal(size.message, 'Maximum policy size of 2048 bytes exceeded for user alice');

  await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'g', PolicyDocument: text }));
  assert.equal((await iam.send(new GetGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'g' }))).GroupName, 'devs');

  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trust({ Service: 'ecs-tasks.amazonaws.com' }) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'r', PolicyDocument: big }));
  const py = await boto3<{ doc: unknown; missing: unknown }>(n, `${PY_IAM}
print(json.dumps({'doc': c.get_role_policy(RoleName='app', PolicyName='r')['PolicyDocument'], 'missing': err(lambda: c.get_role_policy(RoleName='app', PolicyName='zz'))}))`);
  assert.deepEqual(py.doc, JSON.parse(big));
  assert.deepEqual(py.missing, { code: 'NoSuchEntity', status: 404, message: 'The role policy with name zz cannot be found.' });
  const conflict = await rejects(iam.send(new DeleteRoleCommand({ RoleName: 'app' })), 'DeleteConflictException', 409);
  assert.equal(conflict.message, 'Cannot delete entity, must delete policies first.');
  const cli = await aws(n, ['iam', 'get-role-policy', '--role-name', 'app', '--policy-name', 'r']);
  assert.deepEqual(JSON.parse(cli.stdout).PolicyDocument, JSON.parse(big));
});

test('roles: trust policy updates, MaxSessionDuration, list subset', async () => {
  const first = trust({ Service: 'ec2.amazonaws.com' });
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'web', Path: '/svc/', AssumeRolePolicyDocument: first, MaxSessionDuration: 7200, Description: 'web tier', Tags: [{ Key: 't', Value: '1' }] }));
  assert.match(Role!.RoleId!, /^AROA[A-Z2-7]{17}$/);
  assert.equal(Role!.Arn, `arn:aws:iam::${ACCT}:role/svc/web`);
  assert.equal(decodeURIComponent(Role!.AssumeRolePolicyDocument!), first);
  const dup = await rejects(iam.send(new CreateRoleCommand({ RoleName: 'WEB', AssumeRolePolicyDocument: first })), 'EntityAlreadyExistsException', 409);
  assert.equal(dup.message, 'Role with name WEB already exists.');

  const second = trust({ AWS: `arn:aws:iam::${ACCT}:root` });
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'web', PolicyDocument: second }));
  const got = await iam.send(new GetRoleCommand({ RoleName: 'web' }));
  assert.equal(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!), second);
  assert.equal(got.Role!.MaxSessionDuration, 7200);
  assert.equal(got.Role!.Description, 'web tier');
  assert.deepEqual(got.Role!.Tags, [{ Key: 't', Value: '1' }]);
  assert.deepEqual(got.Role!.RoleLastUsed, {});
  const missing = await rejects(iam.send(new GetRoleCommand({ RoleName: 'nope' })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, 'The role with name nope cannot be found.');

  // MaxSessionDuration is 3600…43200 (model constraint, checked before the handler).
  const range = await rejects(iam.send(new CreateRoleCommand({ RoleName: 'x', AssumeRolePolicyDocument: first, MaxSessionDuration: 60 })), 'ValidationError', 400);
  assert.match(range.message, /at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600$/);

  const listed = await iam.send(new ListRolesCommand({}));
  assert.equal(listed.Roles!.length, 1);
  assert.equal(listed.Roles![0].Tags, undefined);
  assert.equal(listed.Roles![0].MaxSessionDuration, 7200);
});

test('policy tags and GetAccountAuthorizationDetails', async () => {
  const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: doc(S3_READ) }));
  await iam.send(new TagPolicyCommand({ PolicyArn: Policy!.Arn, Tags: [{ Key: 'Env', Value: 'a' }, { Key: 'env', Value: 'b' }] }));
  assert.deepEqual((await iam.send(new ListPolicyTagsCommand({ PolicyArn: Policy!.Arn }))).Tags, [{ Key: 'Env', Value: 'a' }, { Key: 'env', Value: 'b' }]);
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: Policy!.Arn }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  const details = await iam.send(new GetAccountAuthorizationDetailsCommand({}));
  assert.deepEqual(details.UserDetailList!.map((u) => [u.UserName, u.AttachedManagedPolicies!.length]), [['alice', 2]]);
  assert.deepEqual(details.Policies!.map((p) => p.PolicyName).sort(), ['AdministratorAccess', 'p']);
  const onlyUsers = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'] }));
  assert.deepEqual(onlyUsers.Policies, []);
});
