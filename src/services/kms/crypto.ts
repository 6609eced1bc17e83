// KMS cryptographic operations: Encrypt, Decrypt, ReEncrypt, data keys and key pairs,
// GenerateRandom, Sign/Verify, GenerateMac/VerifyMac, DeriveSharedSecret.
import { diffieHellman } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/kms.js';
import {
  SPECS, generatePair, hmac, invalidCiphertext, macEqual, openBlob, parseBlob, privKey, pubKey, randomBytes, rsaDecrypt,
  rsaEncrypt, sealBlob, signMessage, verifyMessage,
} from './material.js';
import { assertUsable, findKey, keyArn, kmsState, notFound, type KeyRec } from './state.js';

const buf = (b: T.Blob | undefined): Buffer => (Buffer.isBuffer(b) ? b : b === undefined ? Buffer.alloc(0) : Buffer.from(b as Uint8Array));

// AWS's wording, e.g. "arn:… key usage is SIGN_VERIFY which is not valid for Encrypt."
// (Unsure of the exact text; the error name is what clients branch on.)
const badUsage = (k: KeyRec, op: string) =>
  new ServiceError('InvalidKeyUsageException', `${k.arn} key usage is ${k.usage} which is not valid for ${op}.`);

function usableFor(k: KeyRec, usage: string, op: string): void {
  assertUsable(k);
  if (k.usage !== usage) throw badUsage(k, op);
}

const current = (k: KeyRec) => k.materials[k.materials.length - 1];

function noRecipient(input: { Recipient?: unknown }): void {
  if (input.Recipient) throw new ServiceError('UnsupportedOperationException', 'Recipient (Nitro Enclaves attestation) is not supported by Nimbus.');
}

/** Encrypts with a symmetric key's current material, or an RSA key's public key. */
function encryptWith(k: KeyRec, op: string, plaintext: Buffer, alg: string, context?: Record<string, string>): Buffer {
  usableFor(k, 'ENCRYPT_DECRYPT', op);
  const info = SPECS[k.spec];
  if (!info.encryption!.includes(alg)) {
    throw new ServiceError('InvalidKeyUsageException', `Algorithm ${alg} is incompatible with key spec ${k.spec}.`);
  }
  if (info.kind === 'symmetric') return sealBlob(k.id, k.materials.length - 1, current(k).secret!, plaintext, context);
  if (context && Object.keys(context).length) {
    // Asymmetric KMS keys do not take an encryption context (AWS documents this for Encrypt).
    throw new ServiceError('ValidationException', 'EncryptionContext is not supported with asymmetric KMS keys.');
  }
  return rsaEncrypt(current(k).pub!, alg, plaintext);
}

interface Decrypted { k: KeyRec; plaintext: Buffer; alg: string; materialId?: string }

/** Decrypts a symmetric blob (which names its key) or, given an RSA KeyId, an RSA ciphertext. */
function decryptWith(ctx: RequestContext, op: string, blob: Buffer, keyRef: string | undefined, alg: string | undefined,
  context: Record<string, string> | undefined): Decrypted {
  const named = keyRef !== undefined ? findKey(ctx, keyRef) : undefined;
  if (named && SPECS[named.spec].kind === 'rsa') {
    usableFor(named, 'ENCRYPT_DECRYPT', op);
    const a = alg ?? 'SYMMETRIC_DEFAULT';
    if (!SPECS[named.spec].encryption!.includes(a)) {
      throw new ServiceError('InvalidKeyUsageException', `Algorithm ${a} is incompatible with key spec ${named.spec}.`);
    }
    return { k: named, plaintext: rsaDecrypt(current(named).priv!, a, blob), alg: a };
  }
  if (named && named.usage !== 'ENCRYPT_DECRYPT') throw badUsage(named, op);
  const parsed = parseBlob(blob);
  if (!parsed) throw invalidCiphertext();
  if (named && named.id !== parsed.keyId) {
    throw new ServiceError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
  }
  const k = named ?? kmsState(ctx).keys.get(parsed.keyId);
  if (!k) throw notFound(`Key '${keyArn(ctx, parsed.keyId)}' does not exist`);
  assertUsable(k);
  if (alg !== undefined && alg !== 'SYMMETRIC_DEFAULT') throw invalidCiphertext();
  const m = k.materials[parsed.materialIndex];
  if (!m?.secret || k.spec !== 'SYMMETRIC_DEFAULT') throw invalidCiphertext();
  return { k, plaintext: openBlob(blob, m.secret, context), alg: 'SYMMETRIC_DEFAULT', materialId: m.id };
}

export function encrypt(ctx: RequestContext, input: T.EncryptRequest): T.EncryptResponse {
  const k = findKey(ctx, input.KeyId);
  const alg = input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
  const CiphertextBlob = encryptWith(k, 'Encrypt', buf(input.Plaintext), alg, input.EncryptionContext);
  return { CiphertextBlob, KeyId: k.arn, EncryptionAlgorithm: alg };
}

export function decrypt(ctx: RequestContext, input: T.DecryptRequest): T.DecryptResponse {
  noRecipient(input);
  if (input.CiphertextBlob === undefined) throw new ServiceError('ValidationException', 'CiphertextBlob is required');
  const d = decryptWith(ctx, 'Decrypt', buf(input.CiphertextBlob), input.KeyId, input.EncryptionAlgorithm, input.EncryptionContext);
  return { KeyId: d.k.arn, Plaintext: d.plaintext, EncryptionAlgorithm: d.alg, ...(d.materialId ? { KeyMaterialId: d.materialId } : {}) };
}

export function reEncrypt(ctx: RequestContext, input: T.ReEncryptRequest): T.ReEncryptResponse {
  if (input.CiphertextBlob === undefined) throw new ServiceError('ValidationException', 'CiphertextBlob is required');
  const d = decryptWith(ctx, 'ReEncrypt', buf(input.CiphertextBlob), input.SourceKeyId, input.SourceEncryptionAlgorithm, input.SourceEncryptionContext);
  const dest = findKey(ctx, input.DestinationKeyId);
  const alg = input.DestinationEncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
  const CiphertextBlob = encryptWith(dest, 'ReEncrypt', d.plaintext, alg, input.DestinationEncryptionContext);
  return {
    CiphertextBlob, SourceKeyId: d.k.arn, KeyId: dest.arn, SourceEncryptionAlgorithm: d.alg, DestinationEncryptionAlgorithm: alg,
    ...(d.materialId ? { SourceKeyMaterialId: d.materialId } : {}),
    ...(dest.spec === 'SYMMETRIC_DEFAULT' ? { DestinationKeyMaterialId: current(dest).id } : {}),
  };
}

function dataKeyLength(input: { NumberOfBytes?: number; KeySpec?: string }): number {
  if (input.NumberOfBytes !== undefined && input.KeySpec !== undefined) {
    throw new ServiceError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  if (input.NumberOfBytes !== undefined) return input.NumberOfBytes;
  if (input.KeySpec === 'AES_256') return 32;
  if (input.KeySpec === 'AES_128') return 16;
  throw new ServiceError('ValidationException', 'Please specify either number of bytes or key spec.');
}

function symmetricKey(ctx: RequestContext, ref: string, op: string): KeyRec {
  const k = findKey(ctx, ref);
  usableFor(k, 'ENCRYPT_DECRYPT', op);
  if (k.spec !== 'SYMMETRIC_DEFAULT') throw badUsage(k, op);
  return k;
}

export function generateDataKey(ctx: RequestContext, input: T.GenerateDataKeyRequest): T.GenerateDataKeyResponse {
  noRecipient(input);
  const n = dataKeyLength(input);
  const k = symmetricKey(ctx, input.KeyId, 'GenerateDataKey');
  const Plaintext = randomBytes(n);
  const CiphertextBlob = encryptWith(k, 'GenerateDataKey', Plaintext, 'SYMMETRIC_DEFAULT', input.EncryptionContext);
  return { CiphertextBlob, Plaintext, KeyId: k.arn, KeyMaterialId: current(k).id };
}

export function generateDataKeyWithoutPlaintext(ctx: RequestContext, input: T.GenerateDataKeyWithoutPlaintextRequest): T.GenerateDataKeyWithoutPlaintextResponse {
  const { Plaintext: _drop, ...rest } = generateDataKey(ctx, input);
  return rest;
}

function pairSpec(spec: string): void {
  const info = SPECS[spec];
  if (!info || info.kind === 'symmetric' || info.kind === 'hmac') {
    throw new ServiceError('UnsupportedOperationException', `KeyPairSpec ${spec} is not supported by Nimbus.`);
  }
}

export function generateDataKeyPair(ctx: RequestContext, input: T.GenerateDataKeyPairRequest): T.GenerateDataKeyPairResponse {
  noRecipient(input);
  pairSpec(input.KeyPairSpec);
  const k = symmetricKey(ctx, input.KeyId, 'GenerateDataKeyPair');
  const { priv, pub } = generatePair(input.KeyPairSpec);
  return {
    PrivateKeyCiphertextBlob: encryptWith(k, 'GenerateDataKeyPair', priv, 'SYMMETRIC_DEFAULT', input.EncryptionContext),
    PrivateKeyPlaintext: priv, PublicKey: pub, KeyId: k.arn, KeyPairSpec: input.KeyPairSpec, KeyMaterialId: current(k).id,
  };
}

export function generateDataKeyPairWithoutPlaintext(ctx: RequestContext, input: T.GenerateDataKeyPairWithoutPlaintextRequest): T.GenerateDataKeyPairWithoutPlaintextResponse {
  const { PrivateKeyPlaintext: _drop, ...rest } = generateDataKeyPair(ctx, input);
  return rest;
}

export function generateRandom(_ctx: RequestContext, input: T.GenerateRandomRequest): T.GenerateRandomResponse {
  noRecipient(input);
  if (input.CustomKeyStoreId) throw new ServiceError('CustomKeyStoreNotFoundException', `Custom key store ${input.CustomKeyStoreId} does not exist.`);
  if (input.NumberOfBytes === undefined) throw new ServiceError('ValidationException', 'NumberOfBytes is required.');
  return { Plaintext: randomBytes(input.NumberOfBytes) };
}

function signingKey(ctx: RequestContext, ref: string, alg: string, op: string): KeyRec {
  const k = findKey(ctx, ref);
  usableFor(k, 'SIGN_VERIFY', op);
  if (!SPECS[k.spec].signing!.includes(alg)) {
    throw new ServiceError('InvalidKeyUsageException', `Algorithm ${alg} is incompatible with key spec ${k.spec}.`);
  }
  return k;
}

function messageType(t: string | undefined, k: KeyRec): boolean {
  const type = t ?? 'RAW';
  if (type === 'RAW') return false;
  if (type === 'DIGEST' && SPECS[k.spec].kind !== 'ed25519') return true;
  throw new ServiceError('ValidationException', `MessageType ${type} is not supported for key spec ${k.spec}.`);
}

export function signOp(ctx: RequestContext, input: T.SignRequest): T.SignResponse {
  const k = signingKey(ctx, input.KeyId, input.SigningAlgorithm, 'Sign');
  const digest = messageType(input.MessageType, k);
  const Signature = signMessage(SPECS[k.spec], current(k).priv!, input.SigningAlgorithm, buf(input.Message), digest);
  return { KeyId: k.arn, Signature, SigningAlgorithm: input.SigningAlgorithm };
}

export function verifyOp(ctx: RequestContext, input: T.VerifyRequest): T.VerifyResponse {
  const k = signingKey(ctx, input.KeyId, input.SigningAlgorithm, 'Verify');
  const digest = messageType(input.MessageType, k);
  if (!verifyMessage(SPECS[k.spec], current(k).pub!, input.SigningAlgorithm, buf(input.Message), buf(input.Signature), digest)) {
    // AWS answers an invalid signature with this error rather than SignatureValid: false.
    throw new ServiceError('KMSInvalidSignatureException', '');
  }
  return { KeyId: k.arn, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
}

function macKey(ctx: RequestContext, ref: string, alg: string, op: string): KeyRec {
  const k = findKey(ctx, ref);
  usableFor(k, 'GENERATE_VERIFY_MAC', op);
  if (!SPECS[k.spec].mac!.includes(alg)) {
    throw new ServiceError('InvalidKeyUsageException', `Algorithm ${alg} is incompatible with key spec ${k.spec}.`);
  }
  return k;
}

export function generateMac(ctx: RequestContext, input: T.GenerateMacRequest): T.GenerateMacResponse {
  const k = macKey(ctx, input.KeyId, input.MacAlgorithm, 'GenerateMac');
  return { KeyId: k.arn, Mac: hmac(current(k).secret!, input.MacAlgorithm, buf(input.Message)), MacAlgorithm: input.MacAlgorithm };
}

export function verifyMac(ctx: RequestContext, input: T.VerifyMacRequest): T.VerifyMacResponse {
  const k = macKey(ctx, input.KeyId, input.MacAlgorithm, 'VerifyMac');
  if (!macEqual(hmac(current(k).secret!, input.MacAlgorithm, buf(input.Message)), buf(input.Mac))) {
    throw new ServiceError('KMSInvalidMacException', '');
  }
  return { KeyId: k.arn, MacValid: true, MacAlgorithm: input.MacAlgorithm };
}

export function deriveSharedSecret(ctx: RequestContext, input: T.DeriveSharedSecretRequest): T.DeriveSharedSecretResponse {
  noRecipient(input);
  const k = findKey(ctx, input.KeyId);
  usableFor(k, 'KEY_AGREEMENT', 'DeriveSharedSecret');
  if (input.KeyAgreementAlgorithm !== 'ECDH') {
    throw new ServiceError('InvalidKeyUsageException', `Algorithm ${input.KeyAgreementAlgorithm} is incompatible with key spec ${k.spec}.`);
  }
  let peer;
  try { peer = pubKey(buf(input.PublicKey)); } catch { throw new ServiceError('ValidationException', 'PublicKey is not a valid DER-encoded SubjectPublicKeyInfo.'); }
  const own = privKey(current(k).priv!);
  if (peer.asymmetricKeyDetails?.namedCurve !== own.asymmetricKeyDetails?.namedCurve) {
    throw new ServiceError('ValidationException', `The public key's curve does not match key spec ${k.spec}.`);
  }
  return { KeyId: k.arn, SharedSecret: diffieHellman({ privateKey: own, publicKey: peer }), KeyAgreementAlgorithm: 'ECDH', KeyOrigin: k.origin };
}
