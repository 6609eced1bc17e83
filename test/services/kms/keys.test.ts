// KMS key management through the JS SDK v3: create/describe/list, key ids by id, ARN, alias
// name and alias ARN, errors as AWS words them, enable/disable, descriptions, scheduled
// deletion on the clock, rotation (automatic on the clock and on demand), policies, tags,
// aliases, grants, and the AWS managed alias/aws/* keys.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  KMSClient, CreateKeyCommand, DescribeKeyCommand, ListKeysCommand, DisableKeyCommand, EnableKeyCommand,
  UpdateKeyDescriptionCommand, ScheduleKeyDeletionCommand, CancelKeyDeletionCommand, EncryptCommand, DecryptCommand,
  EnableKeyRotationCommand, DisableKeyRotationCommand, GetKeyRotationStatusCommand, RotateKeyOnDemandCommand,
  ListKeyRotationsCommand, GetKeyPolicyCommand, PutKeyPolicyCommand, ListKeyPoliciesCommand, TagResourceCommand,
  UntagResourceCommand, ListResourceTagsCommand, CreateAliasCommand, UpdateAliasCommand, DeleteAliasCommand,
  ListAliasesCommand, CreateGrantCommand, ListGrantsCommand, ListRetirableGrantsCommand, RetireGrantCommand,
  RevokeGrantCommand, paginateListKeys, ReplicateKeyCommand, GetKeyLastUsageCommand,
} from '@aws-sdk/client-kms';
import { nimbus, sdk, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let kms: KMSClient;
before(async () => { n = await nimbus(); kms = new KMSClient(sdk(n)); });
after(async () => { kms.destroy(); await n.stop(); });
beforeEach(() => n.reset());

const DAY = 86_400_000;
const create = async (Description?: string) => (await kms.send(new CreateKeyCommand({ Description }))).KeyMetadata!;

test('CreateKey/DescribeKey: metadata of a symmetric key; any form of key id resolves', async () => {
  const k = await create('my key');
  assert.match(k.KeyId!, /^[0-9a-f-]{36}$/);
  assert.equal(k.Arn, `arn:aws:kms:us-east-1:000000000000:key/${k.KeyId}`);
  assert.equal(k.AWSAccountId, '000000000000');
  assert.equal(k.Description, 'my key');
  assert.equal(k.KeyState, 'Enabled');
  assert.equal(k.Enabled, true);
  assert.equal(k.KeyUsage, 'ENCRYPT_DECRYPT');
  assert.equal(k.KeySpec, 'SYMMETRIC_DEFAULT');
  assert.equal(k.KeyManager, 'CUSTOMER');
  assert.equal(k.Origin, 'AWS_KMS');
  assert.deepEqual(k.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
  assert.ok(k.CreationDate instanceof Date);
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/mine', TargetKeyId: k.Arn }));
  for (const id of [k.KeyId, k.Arn!, 'alias/mine', 'arn:aws:kms:us-east-1:000000000000:alias/mine']) {
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.KeyId, k.KeyId);
  }
  const missing = '11111111-2222-3333-4444-555555555555';
  const e1 = await rejects(kms.send(new DescribeKeyCommand({ KeyId: missing })), 'NotFoundException', 400);
  assert.equal(e1.message, `Key 'arn:aws:kms:us-east-1:000000000000:key/${missing}' does not exist`);
  const e2 = await rejects(kms.send(new DescribeKeyCommand({ KeyId: 'garbage' })), 'NotFoundException', 400);
  assert.equal(e2.message, `Invalid keyId 'garbage'`);
  const e3 = await rejects(kms.send(new DescribeKeyCommand({ KeyId: 'alias/nope' })), 'NotFoundException', 400);
  assert.equal(e3.message, 'Alias arn:aws:kms:us-east-1:000000000000:alias/nope is not found.');
  await rejects(kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'ENCRYPT_DECRYPT' })), 'ValidationException', 400);
  // Only multi-Region keys replicate (multiregion.test.ts has the rest).
  await rejects(kms.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'eu-west-1' })), 'UnsupportedOperationException', 400);
});

test('ListKeys pages with Marker/Truncated', async () => {
  const ids = new Set<string>();
  for (let i = 0; i < 5; i++) ids.add((await create()).KeyId!);
  const p1 = await kms.send(new ListKeysCommand({ Limit: 2 }));
  assert.equal(p1.Keys!.length, 2);
  assert.equal(p1.Truncated, true);
  assert.ok(p1.NextMarker);
  const seen: string[] = [];
  for await (const p of paginateListKeys({ client: kms, pageSize: 2 }, {})) for (const k of p.Keys!) seen.push(k.KeyId!);
  assert.deepEqual(new Set(seen), ids);
  assert.equal(seen.length, 5);
  await rejects(kms.send(new ListKeysCommand({ Marker: 'bogus' })), 'InvalidMarkerException', 400);
});

test('Enable/Disable, UpdateKeyDescription', async () => {
  const k = await create();
  await kms.send(new DisableKeyCommand({ KeyId: k.KeyId }));
  let m = (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
  assert.equal(m.KeyState, 'Disabled');
  assert.equal(m.Enabled, false);
  await kms.send(new EnableKeyCommand({ KeyId: k.KeyId }));
  await kms.send(new UpdateKeyDescriptionCommand({ KeyId: k.KeyId, Description: 'new words' }));
  m = (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
  assert.equal(m.KeyState, 'Enabled');
  assert.equal(m.Description, 'new words');
});

test('ScheduleKeyDeletion: 7–30 day window, pending state, cancel, and deletion on the clock', async () => {
  const k = await create();
  await rejects(kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 6 })), 'ValidationException', 400);
  await rejects(kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 31 })), 'ValidationException', 400);
  const ct = (await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') }))).CiphertextBlob;
  const s = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
  assert.equal(s.KeyId, k.Arn);
  assert.equal(s.KeyState, 'PendingDeletion');
  assert.equal(s.PendingWindowInDays, 7);
  assert.ok(Math.abs(s.DeletionDate!.getTime() - (n.clock.now().getTime() + 7 * DAY)) < 5000);
  const m = (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
  assert.equal(m.KeyState, 'PendingDeletion');
  assert.equal(m.PendingDeletionWindowInDays, 7);
  const e = await rejects(kms.send(new DecryptCommand({ CiphertextBlob: ct })), 'KMSInvalidStateException', 400);
  assert.equal(e.message, `${k.Arn} is pending deletion.`);
  await rejects(kms.send(new EnableKeyCommand({ KeyId: k.KeyId })), 'KMSInvalidStateException', 400);
  // Cancel: the key comes back Disabled, as in AWS.
  await kms.send(new CancelKeyDeletionCommand({ KeyId: k.KeyId }));
  assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!.KeyState, 'Disabled');
  await rejects(kms.send(new CancelKeyDeletionCommand({ KeyId: k.KeyId })), 'KMSInvalidStateException', 400);
  // Schedule again and let the clock run out.
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: k.KeyId }));
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
  n.clock.advance(6 * DAY);
  assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!.KeyState, 'PendingDeletion');
  n.clock.advance(DAY + 1000);
  await rejects(kms.send(new DescribeKeyCommand({ KeyId: k.KeyId })), 'NotFoundException', 400);
  assert.equal((await kms.send(new ListAliasesCommand({}))).Aliases!.length, 0);
});

test('Rotation: automatic on the clock, on demand, status and ListKeyRotations', async () => {
  const k = await create();
  let st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }));
  assert.equal(st.KeyRotationEnabled, false);
  await rejects(kms.send(new EnableKeyRotationCommand({ KeyId: k.KeyId, RotationPeriodInDays: 30 })), 'ValidationException', 400);
  await kms.send(new EnableKeyRotationCommand({ KeyId: k.KeyId, RotationPeriodInDays: 90 }));
  st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }));
  assert.equal(st.KeyRotationEnabled, true);
  assert.equal(st.RotationPeriodInDays, 90);
  const next = st.NextRotationDate!.getTime();
  const old = (await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('before') }))).CiphertextBlob;
  n.clock.advance(91 * DAY);
  const r = await kms.send(new ListKeyRotationsCommand({ KeyId: k.KeyId }));
  assert.equal(r.Rotations!.length, 1);
  assert.equal(r.Rotations![0].RotationType, 'AUTOMATIC');
  assert.equal(r.Rotations![0].KeyMaterialState, 'CURRENT');
  assert.equal(r.Rotations![0].RotationDate!.getTime(), next);
  st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }));
  assert.equal(st.NextRotationDate!.getTime(), next + 90 * DAY);
  await kms.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId }));
  const all = await kms.send(new ListKeyRotationsCommand({ KeyId: k.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }));
  assert.deepEqual(all.Rotations!.map((x) => [x.RotationType, x.KeyMaterialState]),
    [[undefined, 'NON_CURRENT'], ['AUTOMATIC', 'NON_CURRENT'], ['ON_DEMAND', 'CURRENT']]);
  assert.ok((await kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }))).OnDemandRotationStartDate);
  const d = await kms.send(new DecryptCommand({ CiphertextBlob: old }));
  assert.equal(Buffer.from(d.Plaintext!).toString(), 'before');
  await kms.send(new DisableKeyRotationCommand({ KeyId: k.KeyId }));
  assert.equal((await kms.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }))).KeyRotationEnabled, false);
  const rsa = (await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
  await rejects(kms.send(new EnableKeyRotationCommand({ KeyId: rsa.KeyId })), 'UnsupportedOperationException', 400);
  await rejects(kms.send(new RotateKeyOnDemandCommand({ KeyId: rsa.KeyId })), 'UnsupportedOperationException', 400);
});

test('Key policies and tags', async () => {
  const k = await create();
  const p = await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId }));
  assert.equal(p.PolicyName, 'default');
  assert.equal(JSON.parse(p.Policy!).Statement[0].Principal.AWS, 'arn:aws:iam::000000000000:root');
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' }] });
  await kms.send(new PutKeyPolicyCommand({ KeyId: k.KeyId, Policy: policy }));
  assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId, PolicyName: 'default' }))).Policy, policy);
  await rejects(kms.send(new PutKeyPolicyCommand({ KeyId: k.KeyId, Policy: 'not json' })), 'MalformedPolicyDocumentException', 400);
  assert.deepEqual((await kms.send(new ListKeyPoliciesCommand({ KeyId: k.KeyId }))).PolicyNames, ['default']);
  await kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'env', TagValue: 'dev' }, { TagKey: 'team', TagValue: 'a' }] }));
  await kms.send(new UntagResourceCommand({ KeyId: k.KeyId, TagKeys: ['team'] }));
  assert.deepEqual((await kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags, [{ TagKey: 'env', TagValue: 'dev' }]);
  await rejects(kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: 'y' }] })), 'TagException', 400);
  const t = (await kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'a', TagValue: 'b' }] }))).KeyMetadata!;
  assert.deepEqual((await kms.send(new ListResourceTagsCommand({ KeyId: t.KeyId }))).Tags, [{ TagKey: 'a', TagValue: 'b' }]);
});

test('Aliases: create, duplicate, update, list by key, delete, reserved prefix', async () => {
  const a = await create(); const b = await create();
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/one', TargetKeyId: a.KeyId }));
  const dup = await rejects(kms.send(new CreateAliasCommand({ AliasName: 'alias/one', TargetKeyId: b.KeyId })), 'AlreadyExistsException', 400);
  assert.equal(dup.message, 'An alias with the name arn:aws:kms:us-east-1:000000000000:alias/one already exists');
  await rejects(kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: a.KeyId })), 'NotAuthorizedException', 400);
  await rejects(kms.send(new CreateAliasCommand({ AliasName: 'nope', TargetKeyId: a.KeyId })), 'ValidationException', 400);
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/two', TargetKeyId: a.KeyId }));
  await kms.send(new UpdateAliasCommand({ AliasName: 'alias/two', TargetKeyId: b.KeyId }));
  const list = (await kms.send(new ListAliasesCommand({}))).Aliases!;
  assert.deepEqual(list.map((x) => [x.AliasName, x.TargetKeyId]), [['alias/one', a.KeyId], ['alias/two', b.KeyId]]);
  assert.equal(list[0].AliasArn, 'arn:aws:kms:us-east-1:000000000000:alias/one');
  assert.deepEqual((await kms.send(new ListAliasesCommand({ KeyId: b.KeyId }))).Aliases!.map((x) => x.AliasName), ['alias/two']);
  await kms.send(new DeleteAliasCommand({ AliasName: 'alias/one' }));
  await rejects(kms.send(new DeleteAliasCommand({ AliasName: 'alias/one' })), 'NotFoundException', 400);
  await rejects(kms.send(new EncryptCommand({ KeyId: 'alias/one', Plaintext: Buffer.from('x') })), 'NotFoundException', 400);
});

test('AWS managed keys: alias/aws/<service> is created on first use', async () => {
  const e = await kms.send(new EncryptCommand({ KeyId: 'alias/aws/ssm', Plaintext: Buffer.from('x') }));
  const m = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ssm' }))).KeyMetadata!;
  assert.equal(m.KeyManager, 'AWS');
  assert.equal(e.KeyId, m.Arn);
  assert.equal((await kms.send(new GetKeyRotationStatusCommand({ KeyId: m.KeyId }))).KeyRotationEnabled, true);
  await rejects(kms.send(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId })), 'UnsupportedOperationException', 400);
  assert.deepEqual((await kms.send(new ListAliasesCommand({}))).Aliases!.map((a) => a.AliasName), ['alias/aws/ssm']);
});

test('Grants: create (idempotent by name), list, retirable, retire by token, revoke', async () => {
  const k = await create();
  const g = await kms.send(new CreateGrantCommand({
    KeyId: k.KeyId, GranteePrincipal: 'arn:aws:iam::000000000000:role/app', RetiringPrincipal: 'arn:aws:iam::000000000000:role/admin',
    Operations: ['Encrypt', 'Decrypt'], Name: 'g1', Constraints: { EncryptionContextSubset: { app: 'x' } },
  }));
  assert.match(g.GrantId!, /^[0-9a-f]{64}$/);
  assert.ok(g.GrantToken);
  const again = await kms.send(new CreateGrantCommand({ KeyId: k.KeyId, GranteePrincipal: 'arn:aws:iam::000000000000:role/app', Operations: ['Decrypt', 'Encrypt'], Name: 'g1', Constraints: { EncryptionContextSubset: { app: 'x' } } }));
  assert.equal(again.GrantId, g.GrantId);
  const g2 = await kms.send(new CreateGrantCommand({ KeyId: k.KeyId, GranteePrincipal: 'arn:aws:iam::000000000000:role/other', Operations: ['Sign'] }));
  const list = (await kms.send(new ListGrantsCommand({ KeyId: k.KeyId }))).Grants!;
  assert.equal(list.length, 2);
  const one = list.find((x) => x.GrantId === g.GrantId)!;
  assert.equal(one.KeyId, k.Arn);
  assert.equal(one.Name, 'g1');
  assert.deepEqual(one.Operations, ['Encrypt', 'Decrypt']);
  assert.deepEqual(one.Constraints, { EncryptionContextSubset: { app: 'x' } });
  assert.equal((await kms.send(new ListGrantsCommand({ KeyId: k.KeyId, GranteePrincipal: 'arn:aws:iam::000000000000:role/other' }))).Grants!.length, 1);
  const ret = await kms.send(new ListRetirableGrantsCommand({ RetiringPrincipal: 'arn:aws:iam::000000000000:role/admin' }));
  assert.deepEqual(ret.Grants!.map((x) => x.GrantId), [g.GrantId]);
  await kms.send(new RetireGrantCommand({ GrantToken: g.GrantToken }));
  await rejects(kms.send(new RetireGrantCommand({ GrantToken: g.GrantToken })), 'InvalidGrantTokenException', 400);
  await kms.send(new RevokeGrantCommand({ KeyId: k.KeyId, GrantId: g2.GrantId }));
  await rejects(kms.send(new RevokeGrantCommand({ KeyId: k.KeyId, GrantId: g2.GrantId })), 'NotFoundException', 400);
  assert.equal((await kms.send(new ListGrantsCommand({ KeyId: k.KeyId }))).Grants!.length, 0);
  await rejects(kms.send(new CreateGrantCommand({ KeyId: k.KeyId, GranteePrincipal: 'x', Operations: ['Decrypt'], DryRun: true })), 'DryRunOperationException', 412);
});

test('GetKeyLastUsage: nothing before use, then the last successful cryptographic operation', async () => {
  const k = await create();
  const before = await kms.send(new GetKeyLastUsageCommand({ KeyId: k.KeyId }));
  assert.equal(before.KeyLastUsage, undefined);
  assert.equal(before.KeyId, k.Arn);
  assert.equal(before.KeyCreationDate!.getTime(), k.CreationDate!.getTime());
  const e = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') }));
  await kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob }));
  const u = (await kms.send(new GetKeyLastUsageCommand({ KeyId: k.KeyId }))).KeyLastUsage!;
  assert.equal(u.Operation, 'Decrypt');
  assert.ok(u.Timestamp instanceof Date);
  assert.match(u.KmsRequestId!, /^[0-9a-f-]{36}$/);
  // A failed call is not a use.
  await rejects(kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob, EncryptionContext: { no: 'pe' } })), 'InvalidCiphertextException', 400);
  await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x'), DryRun: true })).catch(() => undefined);
  assert.equal((await kms.send(new GetKeyLastUsageCommand({ KeyId: k.KeyId }))).KeyLastUsage!.Operation, 'Decrypt');
});
