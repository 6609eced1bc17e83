// Sharing Parameter Store parameters with other accounts: through a RAM resource share (an
// invitation the consumer accepts) and through PutResourcePolicy (a RAM share created from the
// policy, promotable). The consumer reads by full ARN, never writes; only Advanced parameters,
// and SecureStrings under a customer managed key, can be shared.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  SSMClient, PutParameterCommand, GetParameterCommand, GetParametersCommand, DeleteParameterCommand, LabelParameterVersionCommand,
  PutResourcePolicyCommand, GetResourcePoliciesCommand, DeleteResourcePolicyCommand, DescribeParametersCommand,
  AddTagsToResourceCommand, GetParameterHistoryCommand,
} from '@aws-sdk/client-ssm';
import {
  RAMClient, CreateResourceShareCommand, GetResourceShareInvitationsCommand, AcceptResourceShareInvitationCommand,
  GetResourceSharesCommand, ListResourcesCommand, PromoteResourceShareCreatedFromPolicyCommand, GetResourceShareAssociationsCommand,
  DisassociateResourceShareCommand,
} from '@aws-sdk/client-ram';
import { KMSClient, CreateKeyCommand } from '@aws-sdk/client-kms';
import { nimbus, sdk, rejects, aws, boto3 } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

const OWNER = '111111111111';
const CONSUMER = '222222222222';
const OTHER = '333333333333';
const as = (account: string) => ({ accessKeyId: account, secretAccessKey: 'test' });

let n: Nimbus;
let ssmOwner: SSMClient, ssmConsumer: SSMClient, ssmOther: SSMClient, ramOwner: RAMClient, ramConsumer: RAMClient, kmsOwner: KMSClient;
before(async () => {
  n = await nimbus();
  ssmOwner = new SSMClient(sdk(n, as(OWNER)));
  ssmConsumer = new SSMClient(sdk(n, as(CONSUMER)));
  ssmOther = new SSMClient(sdk(n, as(OTHER)));
  ramOwner = new RAMClient(sdk(n, as(OWNER)));
  ramConsumer = new RAMClient(sdk(n, as(CONSUMER)));
  kmsOwner = new KMSClient(sdk(n, as(OWNER)));
});
after(async () => { for (const c of [ssmOwner, ssmConsumer, ssmOther, ramOwner, ramConsumer, kmsOwner]) c.destroy(); await n.stop(); });
beforeEach(() => n.reset());

const arnOf = (name: string, account = OWNER) => `arn:aws:ssm:us-east-1:${account}:parameter${name}`;
const sharePolicy = (arn: string, principals: string[], actions = ['ssm:GetParameter', 'ssm:GetParameters']) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Share', Effect: 'Allow', Principal: { AWS: principals }, Action: actions, Resource: arn }],
});

test('RAM share: invitation, accept, then the consumer reads by full ARN and cannot write', async () => {
  await ssmOwner.send(new PutParameterCommand({ Name: '/shared/db-url', Value: 'postgres://db', Type: 'String', Tier: 'Advanced' }));
  const arn = arnOf('/shared/db-url');
  // Before sharing: access denied (not "not found": the consumer may not learn what exists).
  const denied = await rejects(ssmConsumer.send(new GetParameterCommand({ Name: arn })), 'AccessDeniedException', 400);
  assert.match(denied.message, /^User: arn:aws:iam::222222222222:root is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:us-east-1:111111111111:parameter\/shared\/db-url/);

  const share = (await ramOwner.send(new CreateResourceShareCommand({ name: 'db', resourceArns: [arn], principals: [CONSUMER] }))).resourceShare!;
  assert.equal(share.status, 'ACTIVE');
  // Outside an organization: pending invitation, no access yet.
  await rejects(ssmConsumer.send(new GetParameterCommand({ Name: arn })), 'AccessDeniedException', 400);
  const invs = (await ramConsumer.send(new GetResourceShareInvitationsCommand({}))).resourceShareInvitations!;
  assert.equal(invs.length, 1);
  assert.deepEqual([invs[0].status, invs[0].senderAccountId, invs[0].receiverAccountId, invs[0].resourceShareArn], ['PENDING', OWNER, CONSUMER, share.resourceShareArn]);
  await ramConsumer.send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: invs[0].resourceShareInvitationArn }));

  const p = (await ssmConsumer.send(new GetParameterCommand({ Name: arn }))).Parameter!;
  assert.deepEqual([p.Value, p.ARN, p.Version, p.Type], ['postgres://db', arn, 1, 'String']);
  // Versions and labels select as for one's own parameters.
  await ssmOwner.send(new PutParameterCommand({ Name: '/shared/db-url', Value: 'postgres://db2', Overwrite: true }));
  assert.equal((await ssmConsumer.send(new GetParameterCommand({ Name: `${arn}:1` }))).Parameter!.Value, 'postgres://db');
  assert.equal((await ssmConsumer.send(new GetParameterCommand({ Name: arn }))).Parameter!.Value, 'postgres://db2');
  const many = await ssmConsumer.send(new GetParametersCommand({ Names: [arn, `${arn}:9`] }));
  assert.deepEqual(many.Parameters!.map((x) => x.Value), ['postgres://db2']);
  assert.deepEqual(many.InvalidParameters, [`${arn}:9`]);
  // The RAM managed permission (read-only) includes the history.
  const hist = await ssmConsumer.send(new GetParameterHistoryCommand({ Name: arn }));
  assert.deepEqual(hist.Parameters!.map((h) => h.Value), ['postgres://db', 'postgres://db2']);
  // By name, the consumer reads its own account: nothing there.
  await rejects(ssmConsumer.send(new GetParameterCommand({ Name: '/shared/db-url' })), 'ParameterNotFound', 400);
  // Read-only.
  await rejects(ssmConsumer.send(new PutParameterCommand({ Name: arn, Value: 'x', Overwrite: true })), 'AccessDeniedException', 400);
  await rejects(ssmConsumer.send(new DeleteParameterCommand({ Name: arn })), 'AccessDeniedException', 400);
  await rejects(ssmConsumer.send(new LabelParameterVersionCommand({ Name: arn, Labels: ['mine'] })), 'AccessDeniedException', 400);
  await rejects(ssmConsumer.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: arn, Tags: [{ Key: 'a', Value: 'b' }] })), 'AccessDeniedException', 400);
  // An account it was not shared with.
  await rejects(ssmOther.send(new GetParameterCommand({ Name: arn })), 'AccessDeniedException', 400);
  // DescribeParameters Shared lists it for the consumer.
  const d = await ssmConsumer.send(new DescribeParametersCommand({ Shared: true }));
  assert.deepEqual(d.Parameters!.map((x) => x.ARN), [arn]);
  assert.equal((await ssmConsumer.send(new DescribeParametersCommand({}))).Parameters!.length, 0);

  // Removing the consumer ends access.
  await ramOwner.send(new DisassociateResourceShareCommand({ resourceShareArn: share.resourceShareArn, principals: [CONSUMER] }));
  await rejects(ssmConsumer.send(new GetParameterCommand({ Name: arn })), 'AccessDeniedException', 400);
});

test('Only Advanced parameters, and SecureStrings under a customer managed key, can be shared', async () => {
  await ssmOwner.send(new PutParameterCommand({ Name: '/std', Value: 'v', Type: 'String' }));
  const e = await rejects(ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arnOf('/std'), Policy: sharePolicy(arnOf('/std'), [CONSUMER]) })),
    'ResourcePolicyInvalidParameterException', 400);
  assert.match(e.message, /advanced/i);
  // Through RAM the resource association fails, and nothing is shared.
  const share = (await ramOwner.send(new CreateResourceShareCommand({ name: 'std', resourceArns: [arnOf('/std')], principals: [CONSUMER] }))).resourceShare!;
  const assoc = (await ramOwner.send(new GetResourceShareAssociationsCommand({ associationType: 'RESOURCE', resourceShareArns: [share.resourceShareArn!] }))).resourceShareAssociations!;
  assert.equal(assoc[0].status, 'FAILED');
  assert.match(assoc[0].statusMessage!, /advanced/i);

  await ssmOwner.send(new PutParameterCommand({ Name: '/sec/default', Value: 'v', Type: 'SecureString', Tier: 'Advanced' }));
  const e2 = await rejects(ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arnOf('/sec/default'), Policy: sharePolicy(arnOf('/sec/default'), [CONSUMER]) })),
    'ResourcePolicyInvalidParameterException', 400);
  assert.match(e2.message, /alias\/aws\/ssm/);

  const key = (await kmsOwner.send(new CreateKeyCommand({}))).KeyMetadata!;
  await ssmOwner.send(new PutParameterCommand({ Name: '/sec/cmk', Value: 's3cret', Type: 'SecureString', Tier: 'Advanced', KeyId: key.KeyId }));
  await ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arnOf('/sec/cmk'), Policy: sharePolicy(arnOf('/sec/cmk'), [CONSUMER]) }));
  const enc = (await ssmConsumer.send(new GetParameterCommand({ Name: arnOf('/sec/cmk') }))).Parameter!;
  assert.notEqual(enc.Value, 's3cret');
  assert.equal((await ssmConsumer.send(new GetParameterCommand({ Name: arnOf('/sec/cmk'), WithDecryption: true }))).Parameter!.Value, 's3cret');
  await rejects(ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arnOf('/nope'), Policy: sharePolicy(arnOf('/nope'), [CONSUMER]) })),
    'ResourceNotFoundException', 400);
});

test('PutResourcePolicy: validation, PolicyId/PolicyHash concurrency, RAM share created from policy, promote, delete', async () => {
  await ssmOwner.send(new PutParameterCommand({ Name: '/cfg', Value: 'one', Type: 'String', Tier: 'Advanced' }));
  const arn = arnOf('/cfg');
  await rejects(ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: '{not json' })), 'MalformedResourcePolicyDocumentException', 400);
  await rejects(ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: sharePolicy(arn, [CONSUMER], ['ssm:PutParameter']) })),
    'MalformedResourcePolicyDocumentException', 400);
  await rejects(ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: sharePolicy(arnOf('/other'), [CONSUMER]) })),
    'MalformedResourcePolicyDocumentException', 400);

  const put = await ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: sharePolicy(arn, [CONSUMER]) }));
  assert.ok(put.PolicyId && put.PolicyHash);
  // A resource policy grants access at once (no invitation).
  assert.equal((await ssmConsumer.send(new GetParameterCommand({ Name: arn }))).Parameter!.Value, 'one');
  await rejects(ssmOther.send(new GetParameterCommand({ Name: arn })), 'AccessDeniedException', 400);
  const got = (await ssmOwner.send(new GetResourcePoliciesCommand({ ResourceArn: arn }))).Policies!;
  assert.deepEqual(got, [{ PolicyId: put.PolicyId, PolicyHash: put.PolicyHash, Policy: sharePolicy(arn, [CONSUMER]) }]);

  // Update: needs the current hash.
  await rejects(ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: sharePolicy(arn, [OTHER]), PolicyId: put.PolicyId, PolicyHash: 'stale' })),
    'ResourcePolicyConflictException', 400);
  await rejects(ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: sharePolicy(arn, [OTHER]), PolicyId: 'nope', PolicyHash: put.PolicyHash })),
    'ResourcePolicyNotFoundException', 400);
  // The policy grants GetParameter and GetParameters only: not the history.
  await rejects(ssmConsumer.send(new GetParameterHistoryCommand({ Name: arn })), 'AccessDeniedException', 400);
  const upd = await ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: sharePolicy(arn, [OTHER], ['ssm:GetParameter']), PolicyId: put.PolicyId, PolicyHash: put.PolicyHash }));
  assert.equal(upd.PolicyId, put.PolicyId);
  assert.notEqual(upd.PolicyHash, put.PolicyHash);
  await rejects(ssmConsumer.send(new GetParameterCommand({ Name: arn })), 'AccessDeniedException', 400);
  assert.equal((await ssmOther.send(new GetParameterCommand({ Name: arn }))).Parameter!.Value, 'one');
  await rejects(ssmOther.send(new GetParametersCommand({ Names: [arn] })), 'AccessDeniedException', 400);

  // The RAM side: a share CREATED_FROM_POLICY, seen by the owner and by the consumer.
  const shares = (await ramOwner.send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }))).resourceShares!;
  assert.equal(shares.length, 1);
  assert.equal(shares[0].featureSet, 'CREATED_FROM_POLICY');
  const ramOther = new RAMClient(sdk(n, as(OTHER)));
  const seen = (await ramOther.send(new ListResourcesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }))).resources!;
  assert.deepEqual(seen.map((r) => [r.arn, r.type, r.resourceShareArn]), [[arn, 'ssm:Parameter', shares[0].resourceShareArn]]);
  // DescribeParameters Shared lists policy shares only once promoted.
  assert.equal((await ssmOther.send(new DescribeParametersCommand({ Shared: true }))).Parameters!.length, 0);
  assert.equal((await ramOwner.send(new PromoteResourceShareCreatedFromPolicyCommand({ resourceShareArn: shares[0].resourceShareArn }))).returnValue, true);
  assert.equal((await ramOwner.send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }))).resourceShares![0].featureSet, 'STANDARD');
  assert.deepEqual((await ssmOther.send(new DescribeParametersCommand({ Shared: true }))).Parameters!.map((p) => p.Name), ['/cfg']);
  ramOther.destroy();

  await rejects(ssmOwner.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, PolicyId: put.PolicyId, PolicyHash: put.PolicyHash })), 'ResourcePolicyConflictException', 400);
  await ssmOwner.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, PolicyId: upd.PolicyId, PolicyHash: upd.PolicyHash }));
  assert.deepEqual((await ssmOwner.send(new GetResourcePoliciesCommand({ ResourceArn: arn }))).Policies, []);
  await rejects(ssmOther.send(new GetParameterCommand({ Name: arn })), 'AccessDeniedException', 400);
  await rejects(ssmOwner.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, PolicyId: upd.PolicyId, PolicyHash: upd.PolicyHash })), 'ResourcePolicyNotFoundException', 400);
});

test('Deleting a shared parameter ends the share: a new one of the same name is not shared', async () => {
  await ssmOwner.send(new PutParameterCommand({ Name: '/gone', Value: 'v', Type: 'String', Tier: 'Advanced' }));
  await ssmOwner.send(new PutResourcePolicyCommand({ ResourceArn: arnOf('/gone'), Policy: sharePolicy(arnOf('/gone'), [CONSUMER]) }));
  assert.equal((await ssmConsumer.send(new GetParameterCommand({ Name: arnOf('/gone') }))).Parameter!.Value, 'v');
  await ssmOwner.send(new DeleteParameterCommand({ Name: '/gone' }));
  await ssmOwner.send(new PutParameterCommand({ Name: '/gone', Value: 'new', Type: 'String', Tier: 'Advanced' }));
  await rejects(ssmConsumer.send(new GetParameterCommand({ Name: arnOf('/gone') })), 'AccessDeniedException', 400);
});

test('aws CLI and boto3: put-resource-policy, then the consumer reads by ARN and is refused a write', async () => {
  await ssmOwner.send(new PutParameterCommand({ Name: '/cli/shared', Value: 'hello', Type: 'String', Tier: 'Advanced' }));
  const arn = arnOf('/cli/shared');
  const r = await aws(n, ['ssm', 'put-resource-policy', '--resource-arn', arn, '--policy', sharePolicy(arn, [CONSUMER])], as(OWNER));
  assert.equal(r.code, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).PolicyHash);
  const out = await boto3<{ value: string; code: string }>(n, `
ssm = boto3.client('ssm', endpoint_url=endpoint, region_name='us-east-1')
value = ssm.get_parameter(Name=${JSON.stringify(arn)})['Parameter']['Value']
try:
    ssm.put_parameter(Name=${JSON.stringify(arn)}, Value='x', Type='String', Overwrite=True)
    code = 'none'
except botocore.exceptions.ClientError as e:
    code = e.response['Error']['Code']
print(json.dumps({'value': value, 'code': code}))
`, as(CONSUMER));
  assert.deepEqual(out, { value: 'hello', code: 'AccessDeniedException' });
});
