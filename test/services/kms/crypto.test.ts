// KMS cryptography through the JS SDK v3, checked with independent node:crypto code:
// symmetric round trips bound to the encryption context, self-describing ciphertexts,
// rotation (old ciphertexts still decrypt), data keys and pairs, RSA and ECC signatures
// verified with the GetPublicKey DER, RSA-OAEP encryption, HMAC, ECDH, DryRun.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  createHash, createHmac, createPublicKey, createPrivateKey, constants, diffieHellman, generateKeyPairSync, publicEncrypt, verify,
} from 'node:crypto';
import {
  KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, ReEncryptCommand, GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand, GenerateDataKeyPairCommand, GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateRandomCommand, SignCommand, VerifyCommand, GetPublicKeyCommand, GenerateMacCommand, VerifyMacCommand,
  RotateKeyOnDemandCommand, DisableKeyCommand, EnableKeyCommand, CreateAliasCommand, DeriveSharedSecretCommand,
  type KeySpec, type KeyUsageType, type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { nimbus, sdk, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let kms: KMSClient;
before(async () => { n = await nimbus(); kms = new KMSClient(sdk(n)); });
after(async () => { kms.destroy(); await n.stop(); });
beforeEach(() => n.reset());

const key = async (KeySpec?: KeySpec, KeyUsage?: KeyUsageType) =>
  (await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).KeyMetadata!;
const text = (s: string) => Buffer.from(s);

test('Encrypt/Decrypt: symmetric round trip, Decrypt needs no KeyId, the context is bound', async () => {
  const k = await key();
  const ctx = { purpose: 'test', tenant: 'a' };
  const e = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('secret data'), EncryptionContext: ctx }));
  assert.equal(e.KeyId, k.Arn);
  assert.equal(e.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  assert.ok(!Buffer.from(e.CiphertextBlob!).includes(text('secret data')));
  const d = await kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob, EncryptionContext: { tenant: 'a', purpose: 'test' } }));
  assert.equal(Buffer.from(d.Plaintext!).toString(), 'secret data');
  assert.equal(d.KeyId, k.Arn);
  assert.equal(d.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  // A different, missing or extra context fails as AWS does.
  await rejects(kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob })), 'InvalidCiphertextException', 400);
  await rejects(kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob, EncryptionContext: { ...ctx, tenant: 'b' } })), 'InvalidCiphertextException', 400);
  // Tampering fails.
  const bad = Buffer.from(e.CiphertextBlob!); bad[bad.length - 1] ^= 1;
  await rejects(kms.send(new DecryptCommand({ CiphertextBlob: bad, EncryptionContext: ctx })), 'InvalidCiphertextException', 400);
  await rejects(kms.send(new DecryptCommand({ CiphertextBlob: text('not a kms ciphertext at all, nope, not at all!!!!!!!') })), 'InvalidCiphertextException', 400);
  // A KeyId naming another key: IncorrectKeyException.
  const other = await key();
  const ik = await rejects(kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob, EncryptionContext: ctx, KeyId: other.KeyId })), 'IncorrectKeyException', 400);
  assert.match(ik.message, /does not identify a CMK/);
  // By alias too.
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: k.KeyId }));
  const e2 = await kms.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: text('x') }));
  assert.equal(e2.KeyId, k.Arn);
  const d2 = await kms.send(new DecryptCommand({ CiphertextBlob: e2.CiphertextBlob, KeyId: 'alias/app' }));
  assert.equal(Buffer.from(d2.Plaintext!).toString(), 'x');
});

test('Disabled keys refuse to encrypt and decrypt; re-enabled they work again', async () => {
  const k = await key();
  const e = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('x') }));
  await kms.send(new DisableKeyCommand({ KeyId: k.KeyId }));
  const err = await rejects(kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('x') })), 'DisabledException', 400);
  assert.equal(err.message, `${k.Arn} is disabled.`);
  await rejects(kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob })), 'DisabledException', 400);
  await kms.send(new EnableKeyCommand({ KeyId: k.KeyId }));
  const d = await kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob }));
  assert.equal(Buffer.from(d.Plaintext!).toString(), 'x');
});

test('Rotation: old ciphertexts decrypt after on-demand rotation; new ones use the new material', async () => {
  const k = await key();
  const before = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('old') }));
  await kms.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId }));
  const after = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('new') }));
  const d1 = await kms.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob }));
  const d2 = await kms.send(new DecryptCommand({ CiphertextBlob: after.CiphertextBlob }));
  assert.equal(Buffer.from(d1.Plaintext!).toString(), 'old');
  assert.equal(Buffer.from(d2.Plaintext!).toString(), 'new');
  assert.notEqual(d1.KeyMaterialId, d2.KeyMaterialId);
});

test('ReEncrypt moves a ciphertext to another key and context', async () => {
  const a = await key(); const b = await key();
  const e = await kms.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: text('move me'), EncryptionContext: { k: '1' } }));
  const r = await kms.send(new ReEncryptCommand({ CiphertextBlob: e.CiphertextBlob, SourceEncryptionContext: { k: '1' }, DestinationKeyId: b.KeyId, DestinationEncryptionContext: { k: '2' } }));
  assert.equal(r.SourceKeyId, a.Arn);
  assert.equal(r.KeyId, b.Arn);
  const d = await kms.send(new DecryptCommand({ CiphertextBlob: r.CiphertextBlob, EncryptionContext: { k: '2' } }));
  assert.equal(Buffer.from(d.Plaintext!).toString(), 'move me');
  assert.equal(d.KeyId, b.Arn);
  await rejects(kms.send(new ReEncryptCommand({ CiphertextBlob: e.CiphertextBlob, DestinationKeyId: b.KeyId })), 'InvalidCiphertextException', 400);
});

test('GenerateDataKey, …WithoutPlaintext, GenerateRandom', async () => {
  const k = await key();
  const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: k.KeyId, KeySpec: 'AES_256', EncryptionContext: { a: 'b' } }));
  assert.equal(dk.Plaintext!.length, 32);
  const d = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { a: 'b' } }));
  assert.deepEqual(Buffer.from(d.Plaintext!), Buffer.from(dk.Plaintext!));
  const n16 = await kms.send(new GenerateDataKeyCommand({ KeyId: k.KeyId, NumberOfBytes: 16 }));
  assert.equal(n16.Plaintext!.length, 16);
  const wp = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: k.KeyId, KeySpec: 'AES_128' }));
  assert.equal((wp as unknown as Record<string, unknown>).Plaintext, undefined);
  assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: wp.CiphertextBlob }))).Plaintext!).length, 16);
  await rejects(kms.send(new GenerateDataKeyCommand({ KeyId: k.KeyId })), 'ValidationException', 400);
  const r = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 64 }));
  assert.equal(r.Plaintext!.length, 64);
  await rejects(kms.send(new GenerateRandomCommand({ NumberOfBytes: 2000 })), 'ValidationException', 400);
  const rsa = await key('RSA_2048', 'ENCRYPT_DECRYPT');
  await rejects(kms.send(new GenerateDataKeyCommand({ KeyId: rsa.KeyId, KeySpec: 'AES_256' })), 'InvalidKeyUsageException', 400);
});

test('GenerateDataKeyPair: the private key decrypts from its ciphertext and matches the public key', async () => {
  const k = await key();
  for (const spec of ['RSA_2048', 'ECC_NIST_P256'] as const) {
    const p = await kms.send(new GenerateDataKeyPairCommand({ KeyId: k.KeyId, KeyPairSpec: spec }));
    assert.equal(p.KeyPairSpec, spec);
    const priv = createPrivateKey({ key: Buffer.from(p.PrivateKeyPlaintext!), format: 'der', type: 'pkcs8' });
    const pub = createPublicKey({ key: Buffer.from(p.PublicKey!), format: 'der', type: 'spki' });
    assert.equal(createPublicKey(priv).export({ format: 'der', type: 'spki' }).toString('hex'), pub.export({ format: 'der', type: 'spki' }).toString('hex'));
    const d = await kms.send(new DecryptCommand({ CiphertextBlob: p.PrivateKeyCiphertextBlob }));
    assert.deepEqual(Buffer.from(d.Plaintext!), Buffer.from(p.PrivateKeyPlaintext!));
  }
  const w = await kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: k.KeyId, KeyPairSpec: 'ECC_NIST_P384' }));
  assert.equal((w as unknown as Record<string, unknown>).PrivateKeyPlaintext, undefined);
  assert.equal(createPublicKey({ key: Buffer.from(w.PublicKey!), format: 'der', type: 'spki' }).asymmetricKeyDetails?.namedCurve, 'secp384r1');
});

test('Sign/Verify with RSA and ECC keys; signatures verify independently with the GetPublicKey DER', async () => {
  const msg = text('a message to sign');
  const cases: [KeySpec, SigningAlgorithmSpec, string, 'pss' | 'pkcs1' | 'ec'][] = [
    ['RSA_2048', 'RSASSA_PSS_SHA_256', 'sha256', 'pss'],
    ['RSA_3072', 'RSASSA_PKCS1_V1_5_SHA_384', 'sha384', 'pkcs1'],
    ['ECC_NIST_P256', 'ECDSA_SHA_256', 'sha256', 'ec'],
    ['ECC_NIST_P384', 'ECDSA_SHA_384', 'sha384', 'ec'],
    ['ECC_NIST_P521', 'ECDSA_SHA_512', 'sha512', 'ec'],
    ['ECC_SECG_P256K1', 'ECDSA_SHA_256', 'sha256', 'ec'],
  ];
  for (const [spec, alg, hash, kind] of cases) {
    const k = await key(spec, 'SIGN_VERIFY');
    assert.ok(k.SigningAlgorithms!.includes(alg));
    const pk = await kms.send(new GetPublicKeyCommand({ KeyId: k.KeyId }));
    assert.equal(pk.KeySpec, spec);
    assert.equal(pk.KeyUsage, 'SIGN_VERIFY');
    const pub = createPublicKey({ key: Buffer.from(pk.PublicKey!), format: 'der', type: 'spki' });
    const opts = kind === 'pss' ? { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : kind === 'ec' ? { key: pub, dsaEncoding: 'der' as const } : pub;
    for (const MessageType of ['RAW', 'DIGEST'] as const) {
      const Message = MessageType === 'RAW' ? msg : createHash(hash).update(msg).digest();
      const s = await kms.send(new SignCommand({ KeyId: k.KeyId, Message, MessageType, SigningAlgorithm: alg }));
      assert.equal(s.SigningAlgorithm, alg);
      assert.ok(verify(hash, msg, opts, Buffer.from(s.Signature!)), `${spec} ${alg} ${MessageType}`);
      if (kind === 'ec') assert.equal(Buffer.from(s.Signature!)[0], 0x30); // DER SEQUENCE
      const v = await kms.send(new VerifyCommand({ KeyId: k.KeyId, Message, MessageType, Signature: s.Signature, SigningAlgorithm: alg }));
      assert.equal(v.SignatureValid, true);
    }
    await rejects(kms.send(new VerifyCommand({ KeyId: k.KeyId, Message: text('other'), Signature: (await kms.send(new SignCommand({ KeyId: k.KeyId, Message: msg, SigningAlgorithm: alg }))).Signature, SigningAlgorithm: alg })), 'KMSInvalidSignatureException', 400);
  }
  const ec = await key('ECC_NIST_P256', 'SIGN_VERIFY');
  await rejects(kms.send(new SignCommand({ KeyId: ec.KeyId, Message: msg, SigningAlgorithm: 'RSASSA_PSS_SHA_256' })), 'InvalidKeyUsageException', 400);
  await rejects(kms.send(new SignCommand({ KeyId: ec.KeyId, Message: text('short'), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' })), 'ValidationException', 400);
  await rejects(kms.send(new EncryptCommand({ KeyId: ec.KeyId, Plaintext: msg })), 'InvalidKeyUsageException', 400);
  const sym = await key();
  await rejects(kms.send(new SignCommand({ KeyId: sym.KeyId, Message: msg, SigningAlgorithm: 'ECDSA_SHA_256' })), 'InvalidKeyUsageException', 400);
  await rejects(kms.send(new GetPublicKeyCommand({ KeyId: sym.KeyId })), 'UnsupportedOperationException', 400);
});

test('RSA encryption: OAEP SHA-1 and SHA-256, encrypted outside KMS with the public key', async () => {
  const k = await key('RSA_2048', 'ENCRYPT_DECRYPT');
  assert.deepEqual(k.EncryptionAlgorithms, ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
  const pk = await kms.send(new GetPublicKeyCommand({ KeyId: k.KeyId }));
  const pub = createPublicKey({ key: Buffer.from(pk.PublicKey!), format: 'der', type: 'spki' });
  for (const [alg, hash] of [['RSAES_OAEP_SHA_1', 'sha1'], ['RSAES_OAEP_SHA_256', 'sha256']] as const) {
    const ct = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, text('offline'));
    const d = await kms.send(new DecryptCommand({ KeyId: k.KeyId, CiphertextBlob: ct, EncryptionAlgorithm: alg }));
    assert.equal(Buffer.from(d.Plaintext!).toString(), 'offline');
    assert.equal(d.EncryptionAlgorithm, alg);
    const e = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('inside'), EncryptionAlgorithm: alg }));
    assert.equal(e.CiphertextBlob!.length, 256);
    const d2 = await kms.send(new DecryptCommand({ KeyId: k.KeyId, CiphertextBlob: e.CiphertextBlob, EncryptionAlgorithm: alg }));
    assert.equal(Buffer.from(d2.Plaintext!).toString(), 'inside');
  }
  await rejects(kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('x') })), 'InvalidKeyUsageException', 400);
  await rejects(kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.alloc(300), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })), 'ValidationException', 400);
  const e = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
  await rejects(kms.send(new DecryptCommand({ KeyId: k.KeyId, CiphertextBlob: e.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })), 'InvalidCiphertextException', 400);
});

test('HMAC keys: GenerateMac matches node:crypto? no: verifies; VerifyMac rejects a wrong MAC', async () => {
  for (const [spec, alg, len] of [['HMAC_224', 'HMAC_SHA_224', 28], ['HMAC_256', 'HMAC_SHA_256', 32], ['HMAC_384', 'HMAC_SHA_384', 48], ['HMAC_512', 'HMAC_SHA_512', 64]] as const) {
    const k = await key(spec, 'GENERATE_VERIFY_MAC');
    assert.deepEqual(k.MacAlgorithms, [alg]);
    const m = await kms.send(new GenerateMacCommand({ KeyId: k.KeyId, Message: text('hello'), MacAlgorithm: alg }));
    assert.equal(m.Mac!.length, len);
    const again = await kms.send(new GenerateMacCommand({ KeyId: k.KeyId, Message: text('hello'), MacAlgorithm: alg }));
    assert.deepEqual(Buffer.from(again.Mac!), Buffer.from(m.Mac!)); // deterministic
    assert.equal((await kms.send(new VerifyMacCommand({ KeyId: k.KeyId, Message: text('hello'), Mac: m.Mac, MacAlgorithm: alg }))).MacValid, true);
    await rejects(kms.send(new VerifyMacCommand({ KeyId: k.KeyId, Message: text('hellO'), Mac: m.Mac, MacAlgorithm: alg })), 'KMSInvalidMacException', 400);
  }
  const k = await key('HMAC_256', 'GENERATE_VERIFY_MAC');
  await rejects(kms.send(new GenerateMacCommand({ KeyId: k.KeyId, Message: text('x'), MacAlgorithm: 'HMAC_SHA_512' })), 'InvalidKeyUsageException', 400);
  await rejects(kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('x') })), 'InvalidKeyUsageException', 400);
  assert.ok(createHmac); // the key material never leaves KMS, so the MAC is checked by VerifyMac only
});

test('DeriveSharedSecret: ECDH agrees with node:crypto on the other side', async () => {
  const k = await key('ECC_NIST_P256', 'KEY_AGREEMENT');
  const pk = await kms.send(new GetPublicKeyCommand({ KeyId: k.KeyId }));
  const mine = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const r = await kms.send(new DeriveSharedSecretCommand({ KeyId: k.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: mine.publicKey.export({ format: 'der', type: 'spki' }) }));
  const local = diffieHellman({ privateKey: mine.privateKey, publicKey: createPublicKey({ key: Buffer.from(pk.PublicKey!), format: 'der', type: 'spki' }) });
  assert.deepEqual(Buffer.from(r.SharedSecret!), local);
});

test('DryRun: checks run, then DryRunOperationException (412)', async () => {
  const k = await key();
  await rejects(kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('x'), DryRun: true })), 'DryRunOperationException', 412);
  await kms.send(new DisableKeyCommand({ KeyId: k.KeyId }));
  await rejects(kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: text('x'), DryRun: true })), 'DisabledException', 400);
});
