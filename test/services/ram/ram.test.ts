// AWS RAM through the JS SDK v3, the aws CLI and boto3: resource shares with principals and
// resources, invitations (accept, reject, expiry on the clock), associations, idempotent
// clientTokens, SELF / OTHER-ACCOUNTS views, resource types and managed permissions, tags,
// errors.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  RAMClient, CreateResourceShareCommand, GetResourceSharesCommand, UpdateResourceShareCommand, DeleteResourceShareCommand,
  AssociateResourceShareCommand, DisassociateResourceShareCommand, GetResourceShareAssociationsCommand, ListResourcesCommand,
  ListPrincipalsCommand, GetResourceShareInvitationsCommand, AcceptResourceShareInvitationCommand, RejectResourceShareInvitationCommand,
  ListResourceTypesCommand, ListPermissionsCommand, GetPermissionCommand, TagResourceCommand, UntagResourceCommand,
  ListResourceSharePermissionsCommand, paginateGetResourceShares, ListPendingInvitationResourcesCommand,
} from '@aws-sdk/client-ram';
import { SSMClient, PutParameterCommand } from '@aws-sdk/client-ssm';
import { nimbus, sdk, rejects, aws, boto3 } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

const OWNER = '111111111111';
const CONSUMER = '222222222222';
const as = (account: string) => ({ accessKeyId: account, secretAccessKey: 'test' });
const CR = `arn:aws:ec2:us-east-1:${OWNER}:capacity-reservation/cr-0123456789abcdef0`;
const PARAM = `arn:aws:ssm:us-east-1:${OWNER}:parameter/shared/x`;

let n: Nimbus;
let owner: RAMClient, consumer: RAMClient, ssm: SSMClient;
before(async () => {
  n = await nimbus();
  owner = new RAMClient(sdk(n, as(OWNER)));
  consumer = new RAMClient(sdk(n, as(CONSUMER)));
  ssm = new SSMClient(sdk(n, as(OWNER)));
});
after(async () => { owner.destroy(); consumer.destroy(); ssm.destroy(); await n.stop(); });
beforeEach(async () => {
  n.reset();
  await ssm.send(new PutParameterCommand({ Name: '/shared/x', Value: 'v', Type: 'String', Tier: 'Advanced' }));
});

test('CreateResourceShare: ARN format, tags, default permission, clientToken idempotency', async () => {
  const r = await owner.send(new CreateResourceShareCommand({
    name: 'caps', resourceArns: [CR], principals: [CONSUMER], tags: [{ key: 'team', value: 'infra' }], clientToken: 'tok-1',
  }));
  const sh = r.resourceShare!;
  assert.match(sh.resourceShareArn!, /^arn:aws:ram:us-east-1:111111111111:resource-share\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.deepEqual([sh.name, sh.owningAccountId, sh.allowExternalPrincipals, sh.status, sh.featureSet], ['caps', OWNER, true, 'ACTIVE', 'STANDARD']);
  assert.deepEqual(sh.tags, [{ key: 'team', value: 'infra' }]);
  assert.ok(sh.creationTime instanceof Date);
  assert.equal(r.clientToken, 'tok-1');
  // Same token, same request: the same share.
  const again = await owner.send(new CreateResourceShareCommand({
    name: 'caps', resourceArns: [CR], principals: [CONSUMER], tags: [{ key: 'team', value: 'infra' }], clientToken: 'tok-1',
  }));
  assert.equal(again.resourceShare!.resourceShareArn, sh.resourceShareArn);
  await rejects(owner.send(new CreateResourceShareCommand({ name: 'other', clientToken: 'tok-1' })), 'IdempotentParameterMismatchException', 400);
  assert.equal((await owner.send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }))).resourceShares!.length, 1);

  const perms = (await owner.send(new ListResourceSharePermissionsCommand({ resourceShareArn: sh.resourceShareArn }))).permissions!;
  assert.deepEqual(perms.map((p) => p.arn), ['arn:aws:ram::aws:permission/AWSRAMDefaultPermissionCapacityReservation']);

  await rejects(owner.send(new CreateResourceShareCommand({ name: 'bad', principals: ['not-a-principal'] })), 'MalformedArnException', 400);
  await rejects(owner.send(new CreateResourceShareCommand({ name: 'bad', resourceArns: ['nope'] })), 'MalformedArnException', 400);
  await rejects(owner.send(new CreateResourceShareCommand({ name: 'bad', resourceArns: [`arn:aws:ssm:us-east-1:${OWNER}:parameter/missing`] })),
    'UnknownResourceException', 400);
  await rejects(owner.send(new CreateResourceShareCommand({ name: 'bad', principals: [CONSUMER], allowExternalPrincipals: false })),
    'OperationNotPermittedException', 400);
  // Nothing half-written by the failures.
  assert.equal((await owner.send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }))).resourceShares!.length, 1);
});

test('Invitations: pending until accepted, then OTHER-ACCOUNTS views; reject; errors', async () => {
  const sh = (await owner.send(new CreateResourceShareCommand({ name: 'p', resourceArns: [PARAM], principals: [CONSUMER] }))).resourceShare!;
  let assoc = (await owner.send(new GetResourceShareAssociationsCommand({ associationType: 'PRINCIPAL' }))).resourceShareAssociations!;
  assert.deepEqual(assoc.map((a) => [a.associatedEntity, a.status, a.external]), [[CONSUMER, 'ASSOCIATING', true]]);
  assert.equal((await consumer.send(new GetResourceSharesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }))).resourceShares!.length, 0);
  assert.equal((await consumer.send(new ListResourcesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }))).resources!.length, 0);

  const [inv] = (await consumer.send(new GetResourceShareInvitationsCommand({}))).resourceShareInvitations!;
  assert.match(inv.resourceShareInvitationArn!, /^arn:aws:ram:us-east-1:111111111111:resource-share-invitation\/[0-9a-f-]{36}$/);
  assert.equal(inv.resourceShareName, 'p');
  // The owner receives no invitation.
  assert.equal((await owner.send(new GetResourceShareInvitationsCommand({}))).resourceShareInvitations!.length, 0);
  await rejects(owner.send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn })),
    'ResourceShareInvitationArnNotFoundException', 400);
  await rejects(consumer.send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: 'bad' })), 'MalformedArnException', 400);

  const pend = (await consumer.send(new ListPendingInvitationResourcesCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn }))).resources!;
  assert.deepEqual(pend.map((r) => [r.arn, r.type]), [[PARAM, 'ssm:Parameter']]);
  const acc = (await consumer.send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn }))).resourceShareInvitation!;
  assert.equal(acc.status, 'ACCEPTED');
  await rejects(consumer.send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn })),
    'ResourceShareInvitationAlreadyAcceptedException', 400);
  await rejects(consumer.send(new RejectResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn })),
    'ResourceShareInvitationAlreadyAcceptedException', 400);
  await rejects(consumer.send(new ListPendingInvitationResourcesCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn })),
    'ResourceShareInvitationAlreadyAcceptedException', 400);

  assoc = (await owner.send(new GetResourceShareAssociationsCommand({ associationType: 'PRINCIPAL' }))).resourceShareAssociations!;
  assert.equal(assoc[0].status, 'ASSOCIATED');
  const theirs = (await consumer.send(new GetResourceSharesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }))).resourceShares!;
  assert.deepEqual(theirs.map((s) => [s.resourceShareArn, s.owningAccountId]), [[sh.resourceShareArn, OWNER]]);
  assert.equal((await consumer.send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }))).resourceShares!.length, 0);
  const res = (await consumer.send(new ListResourcesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }))).resources!;
  assert.deepEqual(res.map((r) => [r.arn, r.type, r.status, r.resourceRegionScope]), [[PARAM, 'ssm:Parameter', 'AVAILABLE', 'REGIONAL']]);
  assert.deepEqual((await owner.send(new ListResourcesCommand({ resourceOwner: 'SELF', resourceType: 'ssm:Parameter' }))).resources!.map((r) => r.arn), [PARAM]);
  assert.deepEqual((await owner.send(new ListResourcesCommand({ resourceOwner: 'SELF', resourceType: 'ec2:CapacityReservation' }))).resources, []);
  const prin = (await owner.send(new ListPrincipalsCommand({ resourceOwner: 'SELF', resourceArn: PARAM }))).principals!;
  assert.deepEqual(prin.map((p) => [p.id, p.resourceShareArn, p.external]), [[CONSUMER, sh.resourceShareArn, true]]);

  // A second share, rejected.
  await owner.send(new CreateResourceShareCommand({ name: 'q', resourceArns: [CR], principals: [CONSUMER] }));
  const pending = (await consumer.send(new GetResourceShareInvitationsCommand({}))).resourceShareInvitations!.filter((i) => i.status === 'PENDING');
  assert.equal(pending.length, 1);
  const rej = (await consumer.send(new RejectResourceShareInvitationCommand({ resourceShareInvitationArn: pending[0].resourceShareInvitationArn }))).resourceShareInvitation!;
  assert.equal(rej.status, 'REJECTED');
  await rejects(consumer.send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: pending[0].resourceShareInvitationArn })),
    'ResourceShareInvitationAlreadyRejectedException', 400);
  assert.deepEqual((await consumer.send(new ListResourcesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }))).resources!.map((r) => r.arn), [PARAM]);
});

test('IAM role principals: an invitation naming the role; the owner account is not a principal', async () => {
  const ROLE = `arn:aws:iam::${CONSUMER}:role/reader`;
  await owner.send(new CreateResourceShareCommand({ name: 'role', resourceArns: [PARAM], principals: [ROLE] }));
  const [inv] = (await consumer.send(new GetResourceShareInvitationsCommand({}))).resourceShareInvitations!;
  assert.deepEqual([inv.receiverAccountId, inv.receiverArn, inv.status], [CONSUMER, ROLE, 'PENDING']);
  await consumer.send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn }));
  const prin = (await owner.send(new ListPrincipalsCommand({ resourceOwner: 'SELF' }))).principals!;
  assert.deepEqual(prin.map((p) => [p.id, p.external]), [[ROLE, true]]);
  assert.deepEqual((await consumer.send(new ListPrincipalsCommand({ resourceOwner: 'OTHER-ACCOUNTS' }))).principals!.map((p) => p.id), [ROLE]);
  await rejects(owner.send(new CreateResourceShareCommand({ name: 'self', principals: [OWNER] })), 'InvalidParameterException', 400);
  await rejects(owner.send(new CreateResourceShareCommand({ name: 'self', principals: [`arn:aws:iam::${OWNER}:role/me`] })), 'InvalidParameterException', 400);
});

test('Invitations expire after 7 days on the clock', async () => {
  await owner.send(new CreateResourceShareCommand({ name: 'late', resourceArns: [PARAM], principals: [CONSUMER] }));
  const [inv] = (await consumer.send(new GetResourceShareInvitationsCommand({}))).resourceShareInvitations!;
  n.clock.advance('P8D');
  const [later] = (await consumer.send(new GetResourceShareInvitationsCommand({}))).resourceShareInvitations!;
  assert.equal(later.status, 'EXPIRED');
  await rejects(consumer.send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn })),
    'ResourceShareInvitationExpiredException', 400);
});

test('Associate/Disassociate, Update, Delete (status DELETED), tags, unknown shares', async () => {
  const sh = (await owner.send(new CreateResourceShareCommand({ name: 'a' }))).resourceShare!;
  const arn = sh.resourceShareArn!;
  const as1 = (await owner.send(new AssociateResourceShareCommand({ resourceShareArn: arn, resourceArns: [PARAM, CR], principals: [CONSUMER] }))).resourceShareAssociations!;
  assert.deepEqual(as1.map((a) => [a.associationType, a.associatedEntity, a.status]).sort(),
    [['PRINCIPAL', CONSUMER, 'ASSOCIATING'], ['RESOURCE', CR, 'ASSOCIATING'], ['RESOURCE', PARAM, 'ASSOCIATING']]);
  let res = (await owner.send(new GetResourceShareAssociationsCommand({ associationType: 'RESOURCE', resourceShareArns: [arn] }))).resourceShareAssociations!;
  assert.deepEqual(res.map((a) => a.status), ['ASSOCIATED', 'ASSOCIATED']);
  const perms = (await owner.send(new ListResourceSharePermissionsCommand({ resourceShareArn: arn }))).permissions!.map((p) => p.name).sort();
  assert.deepEqual(perms, ['AWSRAMDefaultPermissionCapacityReservation', 'AWSRAMDefaultPermissionSSMParameterReadOnly']);
  const dis = (await owner.send(new DisassociateResourceShareCommand({ resourceShareArn: arn, resourceArns: [CR] }))).resourceShareAssociations!;
  assert.deepEqual(dis.map((a) => [a.associatedEntity, a.status]), [[CR, 'DISASSOCIATING']]);
  res = (await owner.send(new GetResourceShareAssociationsCommand({ associationType: 'RESOURCE', resourceShareArns: [arn], associationStatus: 'ASSOCIATED' }))).resourceShareAssociations!;
  assert.deepEqual(res.map((a) => a.associatedEntity), [PARAM]);
  await rejects(owner.send(new DisassociateResourceShareCommand({ resourceShareArn: arn, resourceArns: [CR] })), 'UnknownResourceException', 400);
  await rejects(owner.send(new GetResourceShareAssociationsCommand({ associationType: 'PRINCIPAL', resourceArn: PARAM })), 'InvalidParameterException', 400);

  const up = (await owner.send(new UpdateResourceShareCommand({ resourceShareArn: arn, name: 'renamed', allowExternalPrincipals: false }))).resourceShare!;
  assert.deepEqual([up.name, up.allowExternalPrincipals], ['renamed', false]);

  await owner.send(new TagResourceCommand({ resourceShareArn: arn, tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] }));
  await owner.send(new UntagResourceCommand({ resourceShareArn: arn, tagKeys: ['a'] }));
  const filtered = (await owner.send(new GetResourceSharesCommand({ resourceOwner: 'SELF', tagFilters: [{ tagKey: 'b', tagValues: ['2'] }] }))).resourceShares!;
  assert.deepEqual(filtered.map((s) => [s.name, s.tags]), [['renamed', [{ key: 'b', value: '2' }]]]);
  assert.equal((await owner.send(new GetResourceSharesCommand({ resourceOwner: 'SELF', name: 'nope' }))).resourceShares!.length, 0);

  assert.equal((await owner.send(new DeleteResourceShareCommand({ resourceShareArn: arn }))).returnValue, true);
  const after = (await owner.send(new GetResourceSharesCommand({ resourceOwner: 'SELF', resourceShareArns: [arn] }))).resourceShares!;
  assert.equal(after[0].status, 'DELETED');
  await rejects(owner.send(new DeleteResourceShareCommand({ resourceShareArn: arn })), 'UnknownResourceException', 400);
  await rejects(owner.send(new UpdateResourceShareCommand({ resourceShareArn: 'arn:aws:ram:us-east-1:111111111111:resource-share/00000000-0000-0000-0000-000000000000', name: 'x' })),
    'UnknownResourceException', 400);
  await rejects(owner.send(new UpdateResourceShareCommand({ resourceShareArn: 'not-an-arn', name: 'x' })), 'MalformedArnException', 400);
  // Another account can't change the owner's share.
  await rejects(consumer.send(new TagResourceCommand({ resourceShareArn: arn, tags: [{ key: 'x', value: 'y' }] })), 'UnknownResourceException', 400);
});

test('GetResourceShares pages with nextToken', async () => {
  for (let i = 0; i < 5; i++) await owner.send(new CreateResourceShareCommand({ name: `s${i}` }));
  const names: string[] = [];
  for await (const p of paginateGetResourceShares({ client: owner, pageSize: 2 }, { resourceOwner: 'SELF' })) {
    assert.ok(p.resourceShares!.length <= 2);
    names.push(...p.resourceShares!.map((s) => s.name!));
  }
  assert.deepEqual(names, ['s0', 's1', 's2', 's3', 's4']);
  await rejects(owner.send(new GetResourceSharesCommand({ resourceOwner: 'SELF', nextToken: 'garbage' })), 'InvalidNextTokenException', 400);
});

test('Resource types and AWS managed permissions', async () => {
  const types = (await owner.send(new ListResourceTypesCommand({}))).resourceTypes!;
  assert.deepEqual(types.find((t) => t.resourceType === 'ssm:Parameter'), { resourceType: 'ssm:Parameter', serviceName: 'ssm', resourceRegionScope: 'REGIONAL' });
  assert.ok(types.some((t) => t.resourceType === 'ec2:CapacityReservation'));
  const perms = (await owner.send(new ListPermissionsCommand({ resourceType: 'ssm:Parameter' }))).permissions!;
  assert.deepEqual(perms.map((p) => [p.name, p.permissionType, p.isResourceTypeDefault, p.version]),
    [['AWSRAMDefaultPermissionSSMParameterReadOnly', 'AWS_MANAGED', true, '1']]);
  const p = (await owner.send(new GetPermissionCommand({ permissionArn: perms[0].arn }))).permission!;
  assert.deepEqual(JSON.parse(p.permission!).Action.sort(), ['ssm:DescribeParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:GetParameters']);
  await rejects(owner.send(new GetPermissionCommand({ permissionArn: 'arn:aws:ram::aws:permission/Nope' })), 'UnknownResourceException', 400);
  await rejects(owner.send(new ListPermissionsCommand({ resourceType: 'foo:Bar' })), 'InvalidParameterException', 400);
  await rejects(owner.send(new ListResourcesCommand({ resourceOwner: 'SELF', resourceType: 'foo:Bar' })), 'InvalidResourceTypeException', 400);
  // Model violations in RAM's own words.
  await rejects(owner.send(new GetResourceSharesCommand({ resourceOwner: 'SELF', maxResults: 0 })), 'InvalidMaxResultsException', 400);
  await rejects(owner.send(new GetResourceSharesCommand({ resourceOwner: 'NOBODY' as 'SELF' })), 'InvalidParameterException', 400);
  await rejects(owner.send(new CreateResourceShareCommand({} as never)), 'MissingRequiredParameterException', 400);
});

test('aws CLI and boto3', async () => {
  let r = await aws(n, ['ram', 'create-resource-share', '--name', 'cli', '--resource-arns', PARAM, '--principals', CONSUMER], as(OWNER));
  assert.equal(r.code, 0, r.stderr);
  const arn = JSON.parse(r.stdout).resourceShare.resourceShareArn;
  r = await aws(n, ['ram', 'get-resource-share-invitations'], as(CONSUMER));
  assert.equal(r.code, 0, r.stderr);
  const inv = JSON.parse(r.stdout).resourceShareInvitations[0];
  assert.equal(inv.resourceShareArn, arn);
  r = await aws(n, ['ram', 'accept-resource-share-invitation', '--resource-share-invitation-arn', inv.resourceShareInvitationArn], as(CONSUMER));
  assert.equal(r.code, 0, r.stderr);
  r = await aws(n, ['ram', 'get-resource-shares', '--resource-owner', 'BOGUS'], as(OWNER));
  assert.notEqual(r.code, 0);
  const out = await boto3<{ arns: string[]; code: string }>(n, `
ram = boto3.client('ram', endpoint_url=endpoint, region_name='us-east-1')
arns = [r['arn'] for r in ram.list_resources(resourceOwner='OTHER-ACCOUNTS')['resources']]
try:
    ram.accept_resource_share_invitation(resourceShareInvitationArn=${JSON.stringify(inv.resourceShareInvitationArn)})
    code = 'none'
except botocore.exceptions.ClientError as e:
    code = e.response['Error']['Code']
print(json.dumps({'arns': arns, 'code': code}))
`, as(CONSUMER));
  assert.deepEqual(out, { arns: [PARAM], code: 'ResourceShareInvitationAlreadyAcceptedException' });
});
