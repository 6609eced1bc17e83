// Key specs, their algorithms, and the cryptography KMS performs (node:crypto only):
// AES-256-GCM for symmetric keys, RSA-OAEP, RSASSA-PSS / PKCS#1 v1.5, ECDSA (DER signatures,
// as KMS returns), Ed25519, HMAC. Symmetric ciphertexts use a self-describing blob format:
//
//   "NK" | version 1 | key id (16 bytes) | material index (uint32 BE) | iv (12) | tag (16) | ciphertext
//
// The header and the canonical encryption context are the GCM additional authenticated data,
// so a changed context or a tampered header fails to decrypt.
import {
  createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync,
  privateDecrypt, privateEncrypt, publicDecrypt, publicEncrypt, randomBytes, randomInt, sign, timingSafeEqual, verify,
  constants, type KeyObject,
} from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { ecdsaSignDigest, ecdsaVerifyDigest } from './ecdsa.js';

export interface SpecInfo {
  kind: 'symmetric' | 'rsa' | 'ec' | 'ed25519' | 'hmac';
  usages: string[];
  encryption?: string[];
  signing?: string[];
  mac?: string[];
  agreement?: string[];
  curve?: string;
  bits?: number;
}

const RSA_SIGN = ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512'];
const RSA_ENC = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];

export const SPECS: Record<string, SpecInfo> = {
  SYMMETRIC_DEFAULT: { kind: 'symmetric', usages: ['ENCRYPT_DECRYPT'], encryption: ['SYMMETRIC_DEFAULT'] },
  RSA_2048: { kind: 'rsa', bits: 2048, usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], encryption: RSA_ENC, signing: RSA_SIGN },
  RSA_3072: { kind: 'rsa', bits: 3072, usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], encryption: RSA_ENC, signing: RSA_SIGN },
  RSA_4096: { kind: 'rsa', bits: 4096, usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], encryption: RSA_ENC, signing: RSA_SIGN },
  ECC_NIST_P256: { kind: 'ec', curve: 'prime256v1', usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'], signing: ['ECDSA_SHA_256'], agreement: ['ECDH'] },
  ECC_NIST_P384: { kind: 'ec', curve: 'secp384r1', usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'], signing: ['ECDSA_SHA_384'], agreement: ['ECDH'] },
  ECC_NIST_P521: { kind: 'ec', curve: 'secp521r1', usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'], signing: ['ECDSA_SHA_512'], agreement: ['ECDH'] },
  ECC_SECG_P256K1: { kind: 'ec', curve: 'secp256k1', usages: ['SIGN_VERIFY'], signing: ['ECDSA_SHA_256'] },
  ECC_NIST_EDWARDS25519: { kind: 'ed25519', usages: ['SIGN_VERIFY'], signing: ['ED25519_SHA_512'] },
  HMAC_224: { kind: 'hmac', bits: 224, usages: ['GENERATE_VERIFY_MAC'], mac: ['HMAC_SHA_224'] },
  HMAC_256: { kind: 'hmac', bits: 256, usages: ['GENERATE_VERIFY_MAC'], mac: ['HMAC_SHA_256'] },
  HMAC_384: { kind: 'hmac', bits: 384, usages: ['GENERATE_VERIFY_MAC'], mac: ['HMAC_SHA_384'] },
  HMAC_512: { kind: 'hmac', bits: 512, usages: ['GENERATE_VERIFY_MAC'], mac: ['HMAC_SHA_512'] },
};

/** Fresh key material for a spec (without `created`). */
export function generateMaterial(spec: string): { id: string; secret?: Buffer; priv?: Buffer; pub?: Buffer } {
  const info = SPECS[spec];
  const id = randomBytes(32).toString('hex');
  if (!info) throw new Error(`unsupported key spec ${spec}`);
  if (info.kind === 'symmetric') return { id, secret: randomBytes(32) };
  if (info.kind === 'hmac') return { id, secret: randomBytes(info.bits! / 8) };
  const { privateKey, publicKey } = info.kind === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: info.bits! })
    : info.kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: info.curve! }) : generateKeyPairSync('ed25519');
  return { id, priv: privateKey.export({ format: 'der', type: 'pkcs8' }), pub: publicKey.export({ format: 'der', type: 'spki' }) };
}

/** A data key pair, as GenerateDataKeyPair returns it: PKCS#8 DER private, SPKI DER public. */
export function generatePair(spec: string): { priv: Buffer; pub: Buffer } {
  const m = generateMaterial(spec);
  return { priv: m.priv!, pub: m.pub! };
}

export const privKey = (der: Buffer): KeyObject => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
export const pubKey = (der: Buffer): KeyObject => createPublicKey({ key: der, format: 'der', type: 'spki' });

// ---- symmetric blobs ----

const MAGIC = Buffer.from('NK');
const HEADER = 2 + 1 + 16 + 4;
const MIN_BLOB = HEADER + 12 + 16;

/** Encryption context in a canonical form (sorted by key), bound as additional data. */
function canonicalContext(ctx: Record<string, string> | undefined): Buffer {
  const entries = Object.entries(ctx ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries));
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const bytesUuid = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

// Version byte: 1 for key ids that are UUIDs, 2 for multi-Region ids ("mrk-" + 32 hex), so a
// blob names the key id exactly and any related multi-Region key can open it.
export function sealBlob(keyId: string, materialIndex: number, secret: Buffer, plaintext: Buffer, context?: Record<string, string>): Buffer {
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  const mrk = keyId.startsWith('mrk-');
  header[2] = mrk ? 2 : 1;
  (mrk ? Buffer.from(keyId.slice(4), 'hex') : uuidBytes(keyId)).copy(header, 3);
  header.writeUInt32BE(materialIndex, 19);
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', secret, iv);
  c.setAAD(Buffer.concat([header, canonicalContext(context)]));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([header, iv, c.getAuthTag(), ct]);
}

/** The key id and material a symmetric blob names, or undefined when it is not one of ours. */
export function parseBlob(blob: Buffer): { keyId: string; materialIndex: number } | undefined {
  if (blob.length < MIN_BLOB || !blob.subarray(0, 2).equals(MAGIC) || (blob[2] !== 1 && blob[2] !== 2)) return undefined;
  const id = blob.subarray(3, 19);
  return { keyId: blob[2] === 2 ? `mrk-${id.toString('hex')}` : bytesUuid(id), materialIndex: blob.readUInt32BE(19) };
}

export const invalidCiphertext = () => new ServiceError('InvalidCiphertextException', '');

export function openBlob(blob: Buffer, secret: Buffer, context?: Record<string, string>): Buffer {
  const header = blob.subarray(0, HEADER);
  const iv = blob.subarray(HEADER, HEADER + 12);
  const tag = blob.subarray(HEADER + 12, HEADER + 28);
  try {
    const d = createDecipheriv('aes-256-gcm', secret, iv);
    d.setAAD(Buffer.concat([header, canonicalContext(context)]));
    d.setAuthTag(tag);
    return Buffer.concat([d.update(blob.subarray(HEADER + 28)), d.final()]);
  } catch {
    // A wrong encryption context or a tampered blob: AWS answers InvalidCiphertextException.
    throw invalidCiphertext();
  }
}

// ---- RSA encryption ----

const oaepHash = (alg: string) => (alg === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256');

export function rsaEncrypt(pub: Buffer, alg: string, plaintext: Buffer): Buffer {
  try {
    return publicEncrypt({ key: pubKey(pub), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(alg) }, plaintext);
  } catch {
    throw new ServiceError('ValidationException', `Plaintext is too large for the key spec and the encryption algorithm ${alg}.`);
  }
}

export function rsaDecrypt(priv: Buffer, alg: string, ct: Buffer): Buffer {
  try {
    return privateDecrypt({ key: privKey(priv), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(alg) }, ct);
  } catch {
    throw invalidCiphertext();
  }
}

// ---- signatures ----

const HASH: Record<string, string> = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };
export function signingHash(alg: string): string {
  if (alg === 'ED25519_SHA_512') return 'sha512';
  return HASH[/(\d+)$/.exec(alg)![1]];
}
const HASH_LEN: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

// DigestInfo prefixes (RFC 8017 §9.2 note 1) for PKCS#1 v1.5 signatures over a given digest.
const DIGEST_INFO: Record<string, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

function mgf1(seed: Buffer, len: number, hash: string): Buffer {
  const out: Buffer[] = [];
  for (let i = 0, n = 0; n < len; i++) {
    const c = Buffer.alloc(4); c.writeUInt32BE(i);
    const h = createHash(hash).update(seed).update(c).digest();
    out.push(h); n += h.length;
  }
  return Buffer.concat(out).subarray(0, len);
}

/** EMSA-PSS encoding (RFC 8017 §9.1.1) of a digest, salt length = digest length, as KMS uses. */
function pssEncode(mHash: Buffer, hash: string, modBits: number): Buffer {
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = mHash.length;
  const salt = randomBytes(hLen);
  const h = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([1]), salt]);
  const mask = mgf1(h, emLen - hLen - 1, hash);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

function pssVerify(mHash: Buffer, em: Buffer, hash: string, modBits: number): boolean {
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = mHash.length;
  if (em.length > emLen) em = em.subarray(em.length - emLen);
  if (em.length !== emLen || em[emLen - 1] !== 0xbc) return false;
  const db = Buffer.from(em.subarray(0, emLen - hLen - 1));
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const mask = mgf1(h, db.length, hash);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const ps = emLen - 2 * hLen - 2;
  for (let i = 0; i < ps; i++) if (db[i] !== 0) return false;
  if (db[ps] !== 1) return false;
  const salt = db.subarray(ps + 1);
  const h2 = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return h2.equals(h);
}

const pad = (b: Buffer, len: number) => (b.length >= len ? b : Buffer.concat([Buffer.alloc(len - b.length), b]));

function checkDigest(msg: Buffer, hash: string): void {
  if (msg.length !== HASH_LEN[hash]) {
    throw new ServiceError('ValidationException', `Digest is invalid length for algorithm ${hash.toUpperCase().replace('SHA', 'SHA_')}.`);
  }
}

export function signMessage(spec: SpecInfo, priv: Buffer, alg: string, msg: Buffer, digest: boolean): Buffer {
  const key = privKey(priv);
  const hash = signingHash(alg);
  if (spec.kind === 'ed25519') return sign(null, msg, key);
  if (spec.kind === 'ec') {
    if (!digest) return sign(hash, msg, { key, dsaEncoding: 'der' });
    checkDigest(msg, hash);
    return ecdsaSignDigest(key, msg);
  }
  const pss = alg.startsWith('RSASSA_PSS');
  if (!digest) {
    return sign(hash, msg, pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LEN[hash] } : key);
  }
  checkDigest(msg, hash);
  if (!pss) return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(DIGEST_INFO[hash], 'hex'), msg]));
  const bits = spec.bits!;
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, pad(pssEncode(msg, hash, bits), bits / 8));
}

export function verifyMessage(spec: SpecInfo, pub: Buffer, alg: string, msg: Buffer, sig: Buffer, digest: boolean): boolean {
  const key = pubKey(pub);
  const hash = signingHash(alg);
  try {
    if (spec.kind === 'ed25519') return verify(null, msg, key, sig);
    if (spec.kind === 'ec') {
      if (!digest) return verify(hash, msg, { key, dsaEncoding: 'der' }, sig);
      checkDigest(msg, hash);
      return ecdsaVerifyDigest(key, msg, sig);
    }
    const pss = alg.startsWith('RSASSA_PSS');
    if (!digest) return verify(hash, msg, pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LEN[hash] } : key, sig);
    checkDigest(msg, hash);
    if (sig.length !== spec.bits! / 8) return false;
    if (!pss) {
      const em = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, sig);
      return em.equals(Buffer.concat([Buffer.from(DIGEST_INFO[hash], 'hex'), msg]));
    }
    return pssVerify(msg, publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, sig), hash, spec.bits!);
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    return false;
  }
}

// ---- HMAC ----

export const macHash = (alg: string) => `sha${alg.slice('HMAC_SHA_'.length)}`;
export const hmac = (secret: Buffer, alg: string, msg: Buffer): Buffer => createHmac(macHash(alg), secret).update(msg).digest();
export const macEqual = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

export { randomBytes, randomInt };
