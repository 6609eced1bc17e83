// Imported key material (Origin EXTERNAL) through the JS SDK v3: the key waits in
// PendingImport, the material is wrapped outside KMS with the GetPublicKey-style wrapping key
// (RSA-OAEP SHA-256, and RSA + AES key wrap), re-imports must bring the same material, old
// ciphertexts decrypt again after a delete and re-import, and material expires on the clock.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createCipheriv, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes, sign } from 'node:crypto';
import {
  KMSClient, CreateKeyCommand, DescribeKeyCommand, GetParametersForImportCommand, ImportKeyMaterialCommand,
  DeleteImportedKeyMaterialCommand, EncryptCommand, DecryptCommand, VerifyCommand, EnableKeyRotationCommand,
  type AlgorithmSpec,
} from '@aws-sdk/client-kms';
import { nimbus, sdk, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let kms: KMSClient;
before(async () => { n = await nimbus(); kms = new KMSClient(sdk(n)); });
after(async () => { kms.destroy(); await n.stop(); });
beforeEach(() => n.reset());

async function wrapFor(KeyId: string, material: Buffer, WrappingAlgorithm: AlgorithmSpec = 'RSAES_OAEP_SHA_256') {
  const p = await kms.send(new GetParametersForImportCommand({ KeyId, WrappingAlgorithm, WrappingKeySpec: 'RSA_2048' }));
  const pub = createPublicKey({ key: Buffer.from(p.PublicKey!), format: 'der', type: 'spki' });
  let wrapped: Buffer;
  if (WrappingAlgorithm === 'RSA_AES_KEY_WRAP_SHA_256') {
    const aes = randomBytes(32);
    const c = createCipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
    wrapped = Buffer.concat([publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, aes), c.update(material), c.final()]);
  } else {
    wrapped = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
  }
  return { token: p.ImportToken!, wrapped, validTo: p.ParametersValidTo! };
}

test('symmetric import: PendingImport, import, encrypt/decrypt, delete, same-material re-import, expiry', async () => {
  const k = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
  assert.equal(k.KeyState, 'PendingImport');
  assert.equal(k.Origin, 'EXTERNAL');
  await rejects(kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') })), 'KMSInvalidStateException', 400);
  const material = randomBytes(32);
  let w = await wrapFor(k.KeyId!, material);
  assert.ok(Math.abs(w.validTo.getTime() - (n.clock.now().getTime() + 86_400_000)) < 5000);
  await rejects(kms.send(new ImportKeyMaterialCommand({ KeyId: k.KeyId, ImportToken: w.token, EncryptedKeyMaterial: w.wrapped })), 'ValidationException', 400);
  await rejects(kms.send(new ImportKeyMaterialCommand({ KeyId: k.KeyId, ImportToken: Buffer.from('bad'), EncryptedKeyMaterial: w.wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })), 'InvalidImportTokenException', 400);
  await kms.send(new ImportKeyMaterialCommand({ KeyId: k.KeyId, ImportToken: w.token, EncryptedKeyMaterial: w.wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
  let m = (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
  assert.equal(m.KeyState, 'Enabled');
  assert.equal(m.ExpirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
  const ct = (await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('imported') }))).CiphertextBlob!;
  await rejects(kms.send(new EnableKeyRotationCommand({ KeyId: k.KeyId })), 'UnsupportedOperationException', 400);
  await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.KeyId }));
  assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!.KeyState, 'PendingImport');
  await rejects(kms.send(new DecryptCommand({ CiphertextBlob: ct })), 'KMSInvalidStateException', 400);
  // Different material is refused; the same (wrapped with AES key wrap this time) is accepted.
  w = await wrapFor(k.KeyId!, randomBytes(32), 'RSA_AES_KEY_WRAP_SHA_256');
  await rejects(kms.send(new ImportKeyMaterialCommand({ KeyId: k.KeyId, ImportToken: w.token, EncryptedKeyMaterial: w.wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })), 'IncorrectKeyMaterialException', 400);
  w = await wrapFor(k.KeyId!, material, 'RSA_AES_KEY_WRAP_SHA_256');
  const validTo = new Date(n.clock.now().getTime() + 3_600_000);
  await kms.send(new ImportKeyMaterialCommand({ KeyId: k.KeyId, ImportToken: w.token, EncryptedKeyMaterial: w.wrapped, ValidTo: validTo }));
  m = (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
  assert.equal(m.ExpirationModel, 'KEY_MATERIAL_EXPIRES');
  assert.equal(m.ValidTo!.getTime(), validTo.getTime());
  assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!).toString(), 'imported');
  n.clock.advance(3_600_000 + 1000);
  assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!.KeyState, 'PendingImport');
  await rejects(kms.send(new DecryptCommand({ CiphertextBlob: ct })), 'KMSInvalidStateException', 400);
  // Import parameters expire after 24 hours.
  w = await wrapFor(k.KeyId!, material);
  n.clock.advance(86_400_000 + 1000);
  await rejects(kms.send(new ImportKeyMaterialCommand({ KeyId: k.KeyId, ImportToken: w.token, EncryptedKeyMaterial: w.wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })), 'ExpiredImportTokenException', 400);
  const own = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  await rejects(kms.send(new GetParametersForImportCommand({ KeyId: own.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })), 'UnsupportedOperationException', 400);
});

test('asymmetric import: an ECC private key signs in KMS, verifiable with our own key', async () => {
  const k = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
  const mine = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const w = await wrapFor(k.KeyId!, mine.privateKey.export({ format: 'der', type: 'pkcs8' }), 'RSA_AES_KEY_WRAP_SHA_256');
  await kms.send(new ImportKeyMaterialCommand({ KeyId: k.KeyId, ImportToken: w.token, EncryptedKeyMaterial: w.wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
  const sig = sign('sha256', Buffer.from('msg'), { key: mine.privateKey, dsaEncoding: 'der' });
  const v = await kms.send(new VerifyCommand({ KeyId: k.KeyId, Message: Buffer.from('msg'), Signature: sig, SigningAlgorithm: 'ECDSA_SHA_256' }));
  assert.equal(v.SignatureValid, true);
});
