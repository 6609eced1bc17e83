// Imported key material (keys with Origin EXTERNAL): GetParametersForImport hands out an RSA
// wrapping key and an import token, ImportKeyMaterial unwraps the material (RSA-OAEP, PKCS#1
// v1.5, or RSA + AES key wrap with padding, RFC 5649), DeleteImportedKeyMaterial removes it.
// Material can expire on the clock (KEY_MATERIAL_EXPIRES). A re-import must bring the same
// material, so old ciphertexts decrypt again. Importing new material (ImportType
// NEW_KEY_MATERIAL, rotation of imported keys) is not supported.
import {
  constants, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, randomBytes,
} from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/kms.js';
import { SPECS } from './material.js';
import { DAY, armTimers, findKey, kmsState, relatedKeys, type KeyRec } from './state.js';

const buf = (b: T.Blob): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b as Uint8Array));

function external(k: KeyRec): void {
  if (k.origin !== 'EXTERNAL') {
    throw new ServiceError('UnsupportedOperationException', `${k.arn} origin is ${k.origin} which is not valid for this operation.`);
  }
  if (k.state === 'PendingDeletion' || k.state === 'PendingReplicaDeletion') throw new ServiceError('KMSInvalidStateException', `${k.arn} is pending deletion.`);
}

export function getParametersForImport(ctx: RequestContext, input: T.GetParametersForImportRequest): T.GetParametersForImportResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  external(k);
  const bits = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 }[input.WrappingKeySpec as string];
  if (!bits) throw new ServiceError('UnsupportedOperationException', `WrappingKeySpec ${input.WrappingKeySpec} is not supported by Nimbus.`);
  if (!['RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'].includes(input.WrappingAlgorithm)) {
    throw new ServiceError('UnsupportedOperationException', `WrappingAlgorithm ${input.WrappingAlgorithm} is not supported by Nimbus.`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const token = randomBytes(64);
  const validTo = clock.now() + DAY; // import parameters are valid for 24 hours
  k.importParams = { token, wrappingPriv: privateKey.export({ format: 'der', type: 'pkcs8' }), alg: input.WrappingAlgorithm, validTo };
  kmsState(ctx).keys.set(k.id, k);
  return { KeyId: k.arn, ImportToken: token, PublicKey: publicKey.export({ format: 'der', type: 'spki' }), ParametersValidTo: new Date(validTo) };
}

function unwrap(params: NonNullable<KeyRec['importParams']>, ct: Buffer): Buffer {
  const key = createPrivateKey({ key: params.wrappingPriv, format: 'der', type: 'pkcs8' });
  const oaep = (hash: string, data: Buffer) => privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
  try {
    switch (params.alg) {
      case 'RSAES_OAEP_SHA_1': return oaep('sha1', ct);
      case 'RSAES_OAEP_SHA_256': return oaep('sha256', ct);
      case 'RSAES_PKCS1_V1_5': return privateDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, ct);
      default: {
        // RSA_AES_KEY_WRAP_*: an RSA-OAEP-wrapped AES-256 key, then the material under AES-KWP.
        const n = (key.asymmetricKeyDetails!.modulusLength!) / 8;
        const aes = oaep(params.alg.endsWith('SHA_1') ? 'sha1' : 'sha256', ct.subarray(0, n));
        const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
        return Buffer.concat([d.update(ct.subarray(n)), d.final()]);
      }
    }
  } catch {
    throw new ServiceError('InvalidCiphertextException', 'The EncryptedKeyMaterial could not be decrypted with the import parameters.');
  }
}

const incorrect = () => new ServiceError('IncorrectKeyMaterialException',
  'The key material in the request is, expired, invalid, or is not the same key material that was previously imported into this customer master key (CMK).');

/** Key material for the key's spec from the unwrapped bytes. */
function materialFor(k: KeyRec, raw: Buffer): { secret?: Buffer; priv?: Buffer; pub?: Buffer } {
  const info = SPECS[k.spec];
  if (info.kind === 'symmetric') {
    if (raw.length !== 32) throw incorrect();
    return { secret: raw };
  }
  if (info.kind === 'hmac') {
    if (raw.length < info.bits! / 8 || raw.length > 64) throw incorrect();
    return { secret: raw };
  }
  let priv;
  try { priv = createPrivateKey({ key: raw, format: 'der', type: 'pkcs8' }); } catch { throw incorrect(); }
  const d = priv.asymmetricKeyDetails ?? {};
  const ok = info.kind === 'rsa' ? priv.asymmetricKeyType === 'rsa' && d.modulusLength === info.bits
    : info.kind === 'ec' ? priv.asymmetricKeyType === 'ec' && d.namedCurve === info.curve : priv.asymmetricKeyType === 'ed25519';
  if (!ok) throw incorrect();
  return { priv: priv.export({ format: 'der', type: 'pkcs8' }), pub: createPublicKey(priv).export({ format: 'der', type: 'spki' }) };
}

export function importKeyMaterial(ctx: RequestContext, input: T.ImportKeyMaterialRequest): T.ImportKeyMaterialResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  external(k);
  const p = k.importParams;
  if (!p || !p.token.equals(buf(input.ImportToken))) {
    throw new ServiceError('InvalidImportTokenException', 'The import token is not valid for this KMS key.');
  }
  if (clock.now() > p.validTo) throw new ServiceError('ExpiredImportTokenException', 'The import token has expired. Call GetParametersForImport for a new one.');
  if (input.ImportType === 'NEW_KEY_MATERIAL' && k.importedDigest) {
    throw new ServiceError('UnsupportedOperationException', 'Importing new key material into a key (rotation of imported keys) is not supported by Nimbus.');
  }
  const model = input.ExpirationModel ?? 'KEY_MATERIAL_EXPIRES';
  let expires: number | undefined;
  if (model === 'KEY_MATERIAL_EXPIRES') {
    if (input.ValidTo === undefined) throw new ServiceError('ValidationException', 'A ValidTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
    expires = new Date(input.ValidTo as string | number | Date).getTime();
    if (!(expires > clock.now())) throw new ServiceError('ValidationException', 'ValidTo must be in the future.');
  } else if (input.ValidTo !== undefined) {
    throw new ServiceError('ValidationException', 'A ValidTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE');
  }
  const raw = unwrap(p, buf(input.EncryptedKeyMaterial));
  const mat = materialFor(k, raw);
  const digest = createHash('sha256').update(raw).digest('hex');
  // Related multi-Region keys must hold the same imported material (AWS: "Importing key
  // material into multi-Region keys"), whichever of them received it first.
  const expected = k.importedDigest ?? relatedKeys(k).find((r) => r.k.importedDigest)?.k.importedDigest;
  if (expected && expected !== digest) throw incorrect();
  k.importedDigest = digest;
  // The KeyMaterialId of imported material is derived from it, so a re-import keeps it.
  const id = createHash('sha256').update(k.id).update(digest).digest('hex');
  k.materials = [{ id, created: clock.now(), ...mat }];
  k.materialExpires = expires;
  if (k.state === 'PendingImport') k.state = 'Enabled';
  kmsState(ctx).keys.set(k.id, k);
  armTimers(kmsState(ctx), k);
  return { KeyId: k.arn, KeyMaterialId: id };
}

export function deleteImportedKeyMaterial(ctx: RequestContext, input: T.DeleteImportedKeyMaterialRequest): T.DeleteImportedKeyMaterialResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  external(k);
  const id = k.materials[0]?.id;
  if (input.KeyMaterialId && input.KeyMaterialId !== id) {
    throw new ServiceError('NotFoundException', `Key material ${input.KeyMaterialId} does not exist for ${k.arn}`);
  }
  k.materials = [];
  delete k.materialExpires;
  k.state = 'PendingImport';
  kmsState(ctx).keys.set(k.id, k);
  armTimers(kmsState(ctx), k);
  return { KeyId: k.arn, ...(id ? { KeyMaterialId: id } : {}) };
}
