// KMS through the aws CLI and boto3: encrypt/decrypt round trips (the CLI's base64 blobs),
// a not-found error as the CLI prints it, and boto3 sign/verify and data keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nimbus, aws, boto3 } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
before(async () => { n = await nimbus(); });
after(async () => { await n.stop(); });

test('aws CLI: create-key, encrypt and decrypt with an encryption context', async () => {
  const created = await aws(n, ['kms', 'create-key', '--description', 'cli']);
  assert.equal(created.code, 0, created.stderr);
  const keyId = JSON.parse(created.stdout).KeyMetadata.KeyId as string;
  const dir = mkdtempSync(join(tmpdir(), 'kms-'));
  writeFileSync(join(dir, 'plain.txt'), 'hello from the cli');
  const enc = await aws(n, ['kms', 'encrypt', '--key-id', keyId, '--plaintext', `fileb://${join(dir, 'plain.txt')}`, '--encryption-context', 'app=demo']);
  assert.equal(enc.code, 0, enc.stderr);
  const blob = JSON.parse(enc.stdout).CiphertextBlob as string;
  writeFileSync(join(dir, 'ct.bin'), Buffer.from(blob, 'base64'));
  const dec = await aws(n, ['kms', 'decrypt', '--ciphertext-blob', `fileb://${join(dir, 'ct.bin')}`, '--encryption-context', 'app=demo']);
  assert.equal(dec.code, 0, dec.stderr);
  assert.equal(Buffer.from(JSON.parse(dec.stdout).Plaintext, 'base64').toString(), 'hello from the cli');
  const bad = await aws(n, ['kms', 'decrypt', '--ciphertext-blob', `fileb://${join(dir, 'ct.bin')}`]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /InvalidCiphertextException/);
  const nf = await aws(n, ['kms', 'describe-key', '--key-id', 'alias/none']);
  assert.match(nf.stderr, /NotFoundException.*Alias arn:aws:kms:us-east-1:000000000000:alias\/none is not found\./);
});

test('boto3: sign/verify with an ECC key, data keys, error codes', async () => {
  const r = await boto3<Record<string, unknown>>(n, `
kms = boto3.client('kms', endpoint_url=endpoint, region_name='us-east-1')
k = kms.create_key(KeySpec='ECC_NIST_P256', KeyUsage='SIGN_VERIFY')['KeyMetadata']['KeyId']
sig = kms.sign(KeyId=k, Message=b'data', SigningAlgorithm='ECDSA_SHA_256')['Signature']
ok = kms.verify(KeyId=k, Message=b'data', Signature=sig, SigningAlgorithm='ECDSA_SHA_256')['SignatureValid']
try:
    kms.verify(KeyId=k, Message=b'other', Signature=sig, SigningAlgorithm='ECDSA_SHA_256')
    bad = 'none'
except botocore.exceptions.ClientError as e:
    bad = e.response['Error']['Code']
s = kms.create_key()['KeyMetadata']['KeyId']
dk = kms.generate_data_key(KeyId=s, KeySpec='AES_256')
pt = kms.decrypt(CiphertextBlob=dk['CiphertextBlob'])['Plaintext']
print(json.dumps({'ok': ok, 'bad': bad, 'same': pt == dk['Plaintext'], 'len': len(pt)}))
`);
  assert.deepEqual(r, { ok: true, bad: 'KMSInvalidSignatureException', same: true, len: 32 });
});
