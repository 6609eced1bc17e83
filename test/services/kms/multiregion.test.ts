// Multi-Region keys through the JS SDK v3 with two clients of one account (us-east-1 and
// eu-west-1), plus the aws CLI and boto3: replication, the shared configuration view, shared
// key material and rotation, UpdatePrimaryRegion, per-key properties, and the deletion rules
// (PendingReplicaDeletion) on the virtual clock.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import {
  KMSClient, CreateKeyCommand, DescribeKeyCommand, ReplicateKeyCommand, UpdatePrimaryRegionCommand, EncryptCommand,
  DecryptCommand, RotateKeyOnDemandCommand, EnableKeyRotationCommand, GetKeyRotationStatusCommand, DisableKeyCommand,
  ScheduleKeyDeletionCommand, CancelKeyDeletionCommand, SignCommand, VerifyCommand, GenerateMacCommand, VerifyMacCommand,
  ListResourceTagsCommand, GetKeyPolicyCommand, CreateAliasCommand, ListAliasesCommand, ReEncryptCommand,
  GenerateDataKeyCommand, GetParametersForImportCommand, ImportKeyMaterialCommand, type KeyMetadata,
} from '@aws-sdk/client-kms';
import { nimbus, sdk, rejects, aws, boto3 } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let east: KMSClient;
let west: KMSClient;
before(async () => {
  n = await nimbus();
  east = new KMSClient(sdk(n));
  west = new KMSClient({ ...sdk(n), region: 'eu-west-1' });
});
after(async () => { east.destroy(); west.destroy(); await n.stop(); });
beforeEach(() => n.reset());

const DAY = 86_400_000;
const ACCOUNT = '000000000000';
const arn = (region: string, id: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;

async function primary(extra: Record<string, unknown> = {}): Promise<KeyMetadata> {
  return (await east.send(new CreateKeyCommand({ MultiRegion: true, Description: 'primary', ...extra }))).KeyMetadata!;
}
const describe = async (c: KMSClient, id: string) => (await c.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!;

test('CreateKey MultiRegion: mrk- id and a PRIMARY configuration', async () => {
  const k = await primary();
  assert.match(k.KeyId!, /^mrk-[0-9a-f]{32}$/);
  assert.equal(k.Arn, arn('us-east-1', k.KeyId!));
  assert.equal(k.MultiRegion, true);
  assert.deepEqual(k.MultiRegionConfiguration, {
    MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: k.Arn, Region: 'us-east-1' }, ReplicaKeys: [],
  });
  const single = (await east.send(new CreateKeyCommand({}))).KeyMetadata!;
  assert.equal(single.MultiRegion, false);
  assert.equal(single.MultiRegionConfiguration, undefined);
});

test('ReplicateKey: replica with the same id, its own policy/tags/description; one view from both keys', async () => {
  const k = await primary({ Tags: [{ TagKey: 'side', TagValue: 'primary' }] });
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
  const r = await east.send(new ReplicateKeyCommand({
    KeyId: k.KeyId, ReplicaRegion: 'eu-west-1', Description: 'replica', Policy: policy, Tags: [{ TagKey: 'side', TagValue: 'replica' }],
  }));
  const m = r.ReplicaKeyMetadata!;
  assert.equal(m.KeyId, k.KeyId);
  assert.equal(m.Arn, arn('eu-west-1', k.KeyId!));
  assert.equal(m.KeyState, 'Creating');
  assert.equal(r.ReplicaPolicy, policy);
  assert.deepEqual(r.ReplicaTags, [{ TagKey: 'side', TagValue: 'replica' }]);
  const expected = {
    PrimaryKey: { Arn: arn('us-east-1', k.KeyId!), Region: 'us-east-1' },
    ReplicaKeys: [{ Arn: arn('eu-west-1', k.KeyId!), Region: 'eu-west-1' }],
  };
  const p = await describe(east, k.KeyId!);
  const rep = await describe(west, k.KeyId!);
  assert.deepEqual(p.MultiRegionConfiguration, { MultiRegionKeyType: 'PRIMARY', ...expected });
  assert.deepEqual(rep.MultiRegionConfiguration, { MultiRegionKeyType: 'REPLICA', ...expected });
  assert.equal(rep.KeyState, 'Enabled');
  assert.equal(rep.Description, 'replica');
  assert.equal(p.Description, 'primary');
  assert.equal(rep.KeySpec, 'SYMMETRIC_DEFAULT');
  // Tags and policies are each key's own.
  assert.deepEqual((await west.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags, [{ TagKey: 'side', TagValue: 'replica' }]);
  assert.deepEqual((await east.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags, [{ TagKey: 'side', TagValue: 'primary' }]);
  assert.equal((await west.send(new GetKeyPolicyCommand({ KeyId: k.KeyId }))).Policy, policy);
  assert.notEqual((await east.send(new GetKeyPolicyCommand({ KeyId: k.KeyId }))).Policy, policy);
  // A third region joins the same view.
  await east.send(new ReplicateKeyCommand({ KeyId: k.Arn, ReplicaRegion: 'ap-southeast-2' }));
  assert.deepEqual((await describe(west, k.KeyId!)).MultiRegionConfiguration!.ReplicaKeys!.map((x) => x.Region), ['eu-west-1', 'ap-southeast-2']);
});

test('ReplicateKey errors: single-Region key, replica, existing region, disabled and pending-deletion primaries', async () => {
  const single = (await east.send(new CreateKeyCommand({}))).KeyMetadata!;
  await rejects(east.send(new ReplicateKeyCommand({ KeyId: single.KeyId, ReplicaRegion: 'eu-west-1' })), 'UnsupportedOperationException', 400);
  const k = await primary();
  await rejects(east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'us-east-1' })), 'AlreadyExistsException', 400);
  await east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'eu-west-1' }));
  await rejects(east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'eu-west-1' })), 'AlreadyExistsException', 400);
  // Only the primary replicates.
  const notPrimary = await rejects(west.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'us-west-2' })), 'UnsupportedOperationException', 400);
  assert.equal(notPrimary.message, `${arn('eu-west-1', k.KeyId!)} is not a multi-Region primary key.`);
  const off = await primary();
  await east.send(new DisableKeyCommand({ KeyId: off.KeyId }));
  await rejects(east.send(new ReplicateKeyCommand({ KeyId: off.KeyId, ReplicaRegion: 'eu-west-1' })), 'KMSInvalidStateException', 400);
  const gone = await primary();
  await east.send(new ScheduleKeyDeletionCommand({ KeyId: gone.KeyId, PendingWindowInDays: 7 }));
  await rejects(east.send(new ReplicateKeyCommand({ KeyId: gone.KeyId, ReplicaRegion: 'eu-west-1' })), 'KMSInvalidStateException', 400);
  // The replica does not exist until ReplicateKey made it.
  await rejects(west.send(new DescribeKeyCommand({ KeyId: off.KeyId })), 'NotFoundException', 400);
  // Model validation of the region name.
  await rejects(east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'Nowhere' })), 'ValidationException', 400);
});

test('ciphertexts cross regions: encrypt in one, decrypt (without KeyId) in the other; ReEncrypt and data keys', async () => {
  const k = await primary();
  await east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'eu-west-1' }));
  const ctx = { purpose: 'test' };
  const ct = (await east.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('from east'), EncryptionContext: ctx }))).CiphertextBlob!;
  const d = await west.send(new DecryptCommand({ CiphertextBlob: ct, EncryptionContext: ctx }));
  assert.equal(Buffer.from(d.Plaintext!).toString(), 'from east');
  assert.equal(d.KeyId, arn('eu-west-1', k.KeyId!));
  await rejects(west.send(new DecryptCommand({ CiphertextBlob: ct })), 'InvalidCiphertextException', 400);
  const back = (await west.send(new EncryptCommand({ KeyId: arn('eu-west-1', k.KeyId!), Plaintext: Buffer.from('from west') }))).CiphertextBlob!;
  assert.equal(Buffer.from((await east.send(new DecryptCommand({ CiphertextBlob: back, KeyId: k.KeyId }))).Plaintext!).toString(), 'from west');
  // A data key made in one region opens in the other.
  const dk = await west.send(new GenerateDataKeyCommand({ KeyId: k.KeyId, KeySpec: 'AES_256' }));
  assert.deepEqual(Buffer.from((await east.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }))).Plaintext!), Buffer.from(dk.Plaintext!));
  const re = await west.send(new ReEncryptCommand({ CiphertextBlob: ct, SourceEncryptionContext: ctx, DestinationKeyId: k.KeyId }));
  assert.equal(Buffer.from((await east.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob }))).Plaintext!).toString(), 'from east');
  // The replica's own state gates its use; the primary is unaffected.
  await west.send(new DisableKeyCommand({ KeyId: k.KeyId }));
  await rejects(west.send(new DecryptCommand({ CiphertextBlob: ct, EncryptionContext: ctx })), 'DisabledException', 400);
  assert.equal(Buffer.from((await east.send(new DecryptCommand({ CiphertextBlob: ct, EncryptionContext: ctx }))).Plaintext!).toString(), 'from east');
  // Aliases are per region.
  await west.send(new CreateAliasCommand({ AliasName: 'alias/shared', TargetKeyId: k.KeyId }));
  assert.equal((await east.send(new ListAliasesCommand({}))).Aliases!.some((a) => a.AliasName === 'alias/shared'), false);
});

test('asymmetric and HMAC multi-Region keys share their key material', async () => {
  const sig = await primary({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  assert.match(sig.KeyId!, /^mrk-/);
  await east.send(new ReplicateKeyCommand({ KeyId: sig.KeyId, ReplicaRegion: 'eu-west-1' }));
  const s = (await east.send(new SignCommand({ KeyId: sig.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }))).Signature!;
  assert.equal((await west.send(new VerifyCommand({ KeyId: sig.KeyId, Message: Buffer.from('m'), Signature: s, SigningAlgorithm: 'ECDSA_SHA_256' }))).SignatureValid, true);
  const mac = await primary({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  await east.send(new ReplicateKeyCommand({ KeyId: mac.KeyId, ReplicaRegion: 'eu-west-1' }));
  const tag = (await west.send(new GenerateMacCommand({ KeyId: mac.KeyId, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' }))).Mac!;
  assert.equal((await east.send(new VerifyMacCommand({ KeyId: mac.KeyId, Message: Buffer.from('m'), Mac: tag, MacAlgorithm: 'HMAC_SHA_256' }))).MacValid, true);
});

test('rotation is shared: on-demand and automatic rotations on the primary reach the replica; replicas cannot rotate', async () => {
  const k = await primary();
  await east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'eu-west-1' }));
  const old = (await east.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('old') }))).CiphertextBlob!;
  await east.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId }));
  const fresh = (await east.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('new') }))).CiphertextBlob!;
  for (const [blob, text] of [[old, 'old'], [fresh, 'new']] as const) {
    const d = await west.send(new DecryptCommand({ CiphertextBlob: blob }));
    assert.equal(Buffer.from(d.Plaintext!).toString(), text);
  }
  assert.equal((await describe(west, k.KeyId!)).CurrentKeyMaterialId, (await describe(east, k.KeyId!)).CurrentKeyMaterialId);
  await rejects(west.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId })), 'UnsupportedOperationException', 400);
  await rejects(west.send(new EnableKeyRotationCommand({ KeyId: k.KeyId })), 'UnsupportedOperationException', 400);
  // Automatic rotation: enabled on the primary, visible on the replica, rotates on the clock.
  await east.send(new EnableKeyRotationCommand({ KeyId: k.KeyId, RotationPeriodInDays: 90 }));
  const status = await west.send(new GetKeyRotationStatusCommand({ KeyId: k.KeyId }));
  assert.equal(status.KeyRotationEnabled, true);
  assert.equal(status.RotationPeriodInDays, 90);
  const before = (await describe(west, k.KeyId!)).CurrentKeyMaterialId;
  n.clock.advance('P91D');
  const afterWest = (await describe(west, k.KeyId!)).CurrentKeyMaterialId;
  assert.notEqual(afterWest, before);
  assert.equal(afterWest, (await describe(east, k.KeyId!)).CurrentKeyMaterialId);
  const newest = (await west.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('newest') }))).CiphertextBlob!;
  assert.equal(Buffer.from((await east.send(new DecryptCommand({ CiphertextBlob: newest }))).Plaintext!).toString(), 'newest');
  assert.equal(Buffer.from((await west.send(new DecryptCommand({ CiphertextBlob: old }))).Plaintext!).toString(), 'old');
});

async function importInto(c: KMSClient, KeyId: string, material: Buffer): Promise<void> {
  const p = await c.send(new GetParametersForImportCommand({ KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
  const pub = createPublicKey({ key: Buffer.from(p.PublicKey!), format: 'der', type: 'spki' });
  const EncryptedKeyMaterial = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
  await c.send(new ImportKeyMaterialCommand({ KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
}

test('imported material (Origin EXTERNAL): each replica waits for its own import of the same material', async () => {
  const k = await primary({ Origin: 'EXTERNAL' });
  assert.equal(k.KeyState, 'PendingImport');
  const r = await east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'eu-west-1' }));
  assert.equal(r.ReplicaKeyMetadata!.KeyState, 'PendingImport');
  assert.equal(r.ReplicaKeyMetadata!.Origin, 'EXTERNAL');
  const material = randomBytes(32);
  await importInto(east, k.KeyId!, material);
  const ct = (await east.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('imported') }))).CiphertextBlob!;
  await rejects(west.send(new DecryptCommand({ CiphertextBlob: ct })), 'KMSInvalidStateException', 400);
  // Other material is refused in a related key.
  await assert.rejects(importInto(west, k.KeyId!, randomBytes(32)), (e: Error) => e.name === 'IncorrectKeyMaterialException');
  await importInto(west, k.KeyId!, material);
  assert.equal((await describe(west, k.KeyId!)).KeyState, 'Enabled');
  assert.equal(Buffer.from((await west.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!).toString(), 'imported');
  assert.equal((await describe(west, k.KeyId!)).CurrentKeyMaterialId, (await describe(east, k.KeyId!)).CurrentKeyMaterialId);
});

test('UpdatePrimaryRegion swaps the roles in every related key', async () => {
  const k = await primary();
  await east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'eu-west-1' }));
  await east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'us-west-2' }));
  await rejects(east.send(new UpdatePrimaryRegionCommand({ KeyId: k.KeyId, PrimaryRegion: 'ap-south-1' })), 'NotFoundException', 400);
  await rejects(west.send(new UpdatePrimaryRegionCommand({ KeyId: k.KeyId, PrimaryRegion: 'us-west-2' })), 'UnsupportedOperationException', 400);
  await east.send(new UpdatePrimaryRegionCommand({ KeyId: k.KeyId, PrimaryRegion: 'eu-west-1' }));
  const oregon = new KMSClient({ ...sdk(n), region: 'us-west-2' });
  try {
    for (const [c, type] of [[east, 'REPLICA'], [west, 'PRIMARY'], [oregon, 'REPLICA']] as const) {
      const conf = (await describe(c, k.KeyId!)).MultiRegionConfiguration!;
      assert.equal(conf.MultiRegionKeyType, type);
      assert.deepEqual(conf.PrimaryKey, { Arn: arn('eu-west-1', k.KeyId!), Region: 'eu-west-1' });
      assert.deepEqual(conf.ReplicaKeys!.map((r) => r.Region).sort(), ['us-east-1', 'us-west-2']);
    }
  } finally { oregon.destroy(); }
  // Now the new primary replicates and rotates; the old one cannot.
  await rejects(east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'ap-south-1' })), 'UnsupportedOperationException', 400);
  await rejects(east.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId })), 'UnsupportedOperationException', 400);
  await west.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId }));
  const ct = (await west.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('after swap') }))).CiphertextBlob!;
  assert.equal(Buffer.from((await east.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!).toString(), 'after swap');
});

test('deletion: a primary with replicas waits in PendingReplicaDeletion until the last replica is deleted', async () => {
  const k = await primary();
  await east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'eu-west-1' }));
  const sched = await east.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
  assert.equal(sched.KeyState, 'PendingReplicaDeletion');
  assert.equal(sched.DeletionDate, undefined);
  assert.equal(sched.PendingWindowInDays, 7);
  let p = await describe(east, k.KeyId!);
  assert.equal(p.KeyState, 'PendingReplicaDeletion');
  assert.equal(p.PendingDeletionWindowInDays, 7);
  assert.equal(p.DeletionDate, undefined);
  await rejects(east.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') })), 'KMSInvalidStateException', 400);
  // Cancel returns it to Disabled, as for any key; schedule again.
  await east.send(new CancelKeyDeletionCommand({ KeyId: k.KeyId }));
  assert.equal((await describe(east, k.KeyId!)).KeyState, 'Disabled');
  await east.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
  // Time alone does not delete it.
  n.clock.advance('P40D');
  assert.equal((await describe(east, k.KeyId!)).KeyState, 'PendingReplicaDeletion');
  // The replica is deleted on its own schedule; then the primary's 7 days begin.
  const rs = await west.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
  assert.equal(rs.KeyState, 'PendingDeletion');
  n.clock.advance('P7DT1M');
  await rejects(west.send(new DescribeKeyCommand({ KeyId: k.KeyId })), 'NotFoundException', 400);
  p = await describe(east, k.KeyId!);
  assert.equal(p.KeyState, 'PendingDeletion');
  assert.deepEqual(p.MultiRegionConfiguration!.ReplicaKeys, []);
  // The primary's 7 days start when the replica was deleted.
  assert.equal(p.DeletionDate!.getTime(), rs.DeletionDate!.getTime() + 7 * DAY);
  n.clock.advance('P7D');
  await rejects(east.send(new DescribeKeyCommand({ KeyId: k.KeyId })), 'NotFoundException', 400);
});

test('aws CLI and boto3: replicate-key, describe-key in the replica region, cross-region decrypt', async () => {
  const created = await aws(n, ['kms', 'create-key', '--multi-region', '--description', 'cli mrk']);
  assert.equal(created.code, 0, created.stderr);
  const id = JSON.parse(created.stdout).KeyMetadata.KeyId as string;
  assert.match(id, /^mrk-[0-9a-f]{32}$/);
  const rep = await aws(n, ['kms', 'replicate-key', '--key-id', id, '--replica-region', 'eu-west-1']);
  assert.equal(rep.code, 0, rep.stderr);
  assert.equal(JSON.parse(rep.stdout).ReplicaKeyMetadata.Arn, arn('eu-west-1', id));
  const desc = await aws(n, ['kms', 'describe-key', '--key-id', id, '--region', 'eu-west-1']);
  assert.equal(desc.code, 0, desc.stderr);
  assert.equal(JSON.parse(desc.stdout).KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType, 'REPLICA');
  const again = await aws(n, ['kms', 'replicate-key', '--key-id', id, '--replica-region', 'eu-west-1']);
  assert.match(again.stderr, /AlreadyExistsException/);
  const r = await boto3<Record<string, unknown>>(n, `
east = boto3.client('kms', endpoint_url=endpoint, region_name='us-east-1')
west = boto3.client('kms', endpoint_url=endpoint, region_name='eu-west-1')
k = east.create_key(MultiRegion=True, KeySpec='SYMMETRIC_DEFAULT')['KeyMetadata']['KeyId']
rep = east.replicate_key(KeyId=k, ReplicaRegion='eu-west-1', Description='py')
ct = east.encrypt(KeyId=k, Plaintext=b'boto3')['CiphertextBlob']
pt = west.decrypt(CiphertextBlob=ct)['Plaintext']
d = west.describe_key(KeyId=k)['KeyMetadata']
print(json.dumps({'pt': pt.decode(), 'type': d['MultiRegionConfiguration']['MultiRegionKeyType'],
  'primary': d['MultiRegionConfiguration']['PrimaryKey']['Region'], 'desc': d['Description'], 'same': rep['ReplicaKeyMetadata']['KeyId'] == k}))
`);
  assert.deepEqual(r, { pt: 'boto3', type: 'REPLICA', primary: 'us-east-1', desc: 'py', same: true });
});
