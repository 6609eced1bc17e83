// AWS Key Management Service: symmetric (AES-256-GCM), RSA, ECC, Ed25519 and HMAC keys,
// aliases, key policies, grants, tags, enable/disable, scheduled deletion and rotation on the
// clock, imported key material, the cryptographic operations, multi-Region keys (shared
// material across regions) and external custom key stores (created, connected through the
// proxy's health check; keys inside them answer 501).
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { kmsState } from './state.js';
import type { Handler, Service } from '../service.js';
import { createAlias, deleteAlias, listAliases, updateAlias } from './aliases.js';
import {
  decrypt, deriveSharedSecret, encrypt, generateDataKey, generateDataKeyPair, generateDataKeyPairWithoutPlaintext,
  generateDataKeyWithoutPlaintext, generateMac, generateRandom, reEncrypt, signOp, verifyMac, verifyOp,
} from './crypto.js';
import {
  connectCustomKeyStore, createCustomKeyStore, deleteCustomKeyStore, describeCustomKeyStores, disconnectCustomKeyStore,
  updateCustomKeyStore,
} from './customstores.js';
import { replicateKey, updatePrimaryRegion } from './multiregion.js';
import { deleteImportedKeyMaterial, getParametersForImport, importKeyMaterial } from './import.js';
import { createGrant, listGrants, listRetirableGrants, retireGrant, revokeGrant } from './grants.js';
import {
  cancelKeyDeletion, createKey, describeKey, disableKey, disableKeyRotation, enableKey, enableKeyRotation, getKeyPolicy,
  getKeyLastUsage, getKeyRotationStatus, getPublicKey, listKeyPolicies, listKeyRotations, listKeys, listResourceTags, putKeyPolicy,
  rotateKeyOnDemand, scheduleKeyDeletion, tagResource, untagResource, updateKeyDescription,
} from './keys.js';

/**
 * Cryptographic operations take DryRun: every check runs, nothing is returned, and the answer
 * is DryRunOperationException (HTTP 412 by the model). They change no state.
 */
const dry = (h: Handler): Handler => async (ctx, input) => {
  const out = await h(ctx, input) as { KeyId?: string; SourceKeyId?: string };
  if (input?.DryRun === true) throw new ServiceError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.', 412);
  // Successful uses are what GetKeyLastUsage reports.
  const s = kmsState(ctx);
  for (const arn of new Set([out.KeyId, out.SourceKeyId])) {
    const id = arn?.slice(arn.lastIndexOf('/') + 1);
    if (id && s.keys.has(id)) s.usage.set(id, { op: ctx.operation, at: clock.now(), requestId: ctx.requestId });
  }
  return out;
};

export const kms: Service = {
  name: 'kms',
  handlers: {
    CreateKey: createKey,
    DescribeKey: describeKey,
    ListKeys: listKeys,
    EnableKey: enableKey,
    DisableKey: disableKey,
    UpdateKeyDescription: updateKeyDescription,
    ScheduleKeyDeletion: scheduleKeyDeletion,
    CancelKeyDeletion: cancelKeyDeletion,
    GetKeyPolicy: getKeyPolicy,
    PutKeyPolicy: putKeyPolicy,
    ListKeyPolicies: listKeyPolicies,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListResourceTags: listResourceTags,
    EnableKeyRotation: enableKeyRotation,
    DisableKeyRotation: disableKeyRotation,
    GetKeyRotationStatus: getKeyRotationStatus,
    RotateKeyOnDemand: rotateKeyOnDemand,
    ListKeyRotations: listKeyRotations,
    GetPublicKey: getPublicKey,
    GetKeyLastUsage: getKeyLastUsage,
    ReplicateKey: replicateKey,
    UpdatePrimaryRegion: updatePrimaryRegion,
    CreateCustomKeyStore: createCustomKeyStore,
    DescribeCustomKeyStores: describeCustomKeyStores,
    UpdateCustomKeyStore: updateCustomKeyStore,
    DeleteCustomKeyStore: deleteCustomKeyStore,
    ConnectCustomKeyStore: connectCustomKeyStore,
    DisconnectCustomKeyStore: disconnectCustomKeyStore,
    GetParametersForImport: getParametersForImport,
    ImportKeyMaterial: importKeyMaterial,
    DeleteImportedKeyMaterial: deleteImportedKeyMaterial,
    CreateAlias: createAlias,
    UpdateAlias: updateAlias,
    DeleteAlias: deleteAlias,
    ListAliases: listAliases,
    CreateGrant: createGrant,
    ListGrants: listGrants,
    ListRetirableGrants: listRetirableGrants,
    RetireGrant: retireGrant,
    RevokeGrant: revokeGrant,
    Encrypt: dry(encrypt),
    Decrypt: dry(decrypt),
    ReEncrypt: dry(reEncrypt),
    GenerateDataKey: dry(generateDataKey),
    GenerateDataKeyWithoutPlaintext: dry(generateDataKeyWithoutPlaintext),
    GenerateDataKeyPair: dry(generateDataKeyPair),
    GenerateDataKeyPairWithoutPlaintext: dry(generateDataKeyPairWithoutPlaintext),
    GenerateRandom: generateRandom,
    Sign: dry(signOp),
    Verify: dry(verifyOp),
    GenerateMac: dry(generateMac),
    VerifyMac: dry(verifyMac),
    DeriveSharedSecret: dry(deriveSharedSecret),
  },
};
