// KMS and SSM state across kill -9 with --data-dir: key material (every rotation) survives so
// old ciphertexts and SecureString parameters still decrypt, and the clock timers (scheduled
// key deletion, parameter expiration) are rebuilt after the restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand, DescribeKeyCommand,
  ReplicateKeyCommand, CreateCustomKeyStoreCommand, DescribeCustomKeyStoresCommand,
} from '@aws-sdk/client-kms';
import { SSMClient, PutParameterCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import { sdk, rejects } from '../../helpers.js';
import { startProcess, kill9 } from '../../process.js';

test('kill -9 and restart: ciphertexts decrypt, SecureStrings read, deletion and expiration timers fire', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-kms-'));
  try {
    let p = await startProcess(['--data-dir', dir, '--services', 'kms,ssm']);
    let kms = new KMSClient(sdk(p));
    let ssm = new SSMClient(sdk(p));
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const ct1 = (await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('one'), EncryptionContext: { a: 'b' } }))).CiphertextBlob!;
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId }));
    const ct2 = (await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('two') }))).CiphertextBlob!;
    const doomed = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
    await ssm.send(new PutParameterCommand({ Name: '/d/secret', Value: 'kept', Type: 'SecureString' }));
    const exp = new Date(Date.now() + 2 * 86_400_000).toISOString();
    await ssm.send(new PutParameterCommand({ Name: '/d/temp', Value: 't', Type: 'String', Tier: 'Advanced', Policies: JSON.stringify([{ Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: exp } }]) }));
    kms.destroy(); ssm.destroy();
    await kill9(p);

    p = await startProcess(['--data-dir', dir, '--services', 'kms,ssm']);
    kms = new KMSClient(sdk(p));
    ssm = new SSMClient(sdk(p));
    try {
      assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: ct1, EncryptionContext: { a: 'b' } }))).Plaintext!).toString(), 'one');
      assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: ct2 }))).Plaintext!).toString(), 'two');
      assert.equal((await ssm.send(new GetParameterCommand({ Name: '/d/secret', WithDecryption: true }))).Parameter!.Value, 'kept');
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: doomed.KeyId }))).KeyMetadata!.KeyState, 'PendingDeletion');
      const r = await fetch(`${p.endpoint}/_nimbus/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: 'P8D' }) });
      assert.equal(r.status, 200);
      await rejects(kms.send(new DescribeKeyCommand({ KeyId: doomed.KeyId })), 'NotFoundException', 400);
      await rejects(ssm.send(new GetParameterCommand({ Name: '/d/temp' })), 'ParameterNotFound', 400);
      assert.equal((await ssm.send(new GetParameterCommand({ Name: '/d/secret', WithDecryption: true }))).Parameter!.Value, 'kept');
    } finally {
      kms.destroy(); ssm.destroy();
      await kill9(p);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9 and restart: multi-Region keys keep their replicas, shared material and deletion rules; key stores stay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-kms-mrk-'));
  const clients = (endpoint: string) => [new KMSClient(sdk({ endpoint })), new KMSClient({ ...sdk({ endpoint }), region: 'eu-west-1' })];
  try {
    let p = await startProcess(['--data-dir', dir, '--services', 'kms']);
    let [east, west] = clients(p.endpoint);
    const k = (await east.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!;
    await east.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'eu-west-1' }));
    await east.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId }));
    const ct = (await east.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('mrk') }))).CiphertextBlob!;
    await east.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    await west.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    const { CustomKeyStoreId } = await east.send(new CreateCustomKeyStoreCommand({
      CustomKeyStoreName: 'kept', CustomKeyStoreType: 'EXTERNAL_KEY_STORE', XksProxyUriEndpoint: 'https://xks.example.com',
      XksProxyUriPath: '/kms/xks/v1', XksProxyConnectivity: 'PUBLIC_ENDPOINT',
      XksProxyAuthenticationCredential: { AccessKeyId: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', RawSecretAccessKey: 'K6m5JNgKXN0WnBNWzSx0lNU1i2ZBvqn8KS9G0PxcQ8w=' },
    }));
    east.destroy(); west.destroy();
    await kill9(p);

    p = await startProcess(['--data-dir', dir, '--services', 'kms']);
    [east, west] = clients(p.endpoint);
    try {
      const rep = (await west.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
      assert.equal(rep.MultiRegionConfiguration!.MultiRegionKeyType, 'REPLICA');
      assert.equal(rep.KeyState, 'PendingDeletion');
      assert.equal((await east.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!.KeyState, 'PendingReplicaDeletion');
      assert.equal((await east.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId }))).CustomKeyStores![0].CustomKeyStoreName, 'kept');
      // The replica's deletion timer was rebuilt; its deletion starts the primary's window.
      const r = await fetch(`${p.endpoint}/_nimbus/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: 'P8D' }) });
      assert.equal(r.status, 200);
      await rejects(west.send(new DecryptCommand({ CiphertextBlob: ct })), 'NotFoundException', 400);
      const prim = (await east.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
      assert.equal(prim.KeyState, 'PendingDeletion');
      assert.deepEqual(prim.MultiRegionConfiguration!.ReplicaKeys, []);
    } finally {
      east.destroy(); west.destroy();
      await kill9(p);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
