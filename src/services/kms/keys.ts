// KMS keys: create, describe, list, enable/disable, description, scheduled deletion (7–30
// days on the clock), key policies, tags, rotation (automatic and on demand), public keys.
import { randomBytes, randomUUID } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/kms.js';
import { SPECS } from './material.js';
import {
  DAY, armTimers, assertUsable, findKey, isReplica, keyArn, kmsState, newKeyRecord, rotate, shareWithReplicas, type KeyRec,
} from './state.js';
import { storeForNewKey } from './customstores.js';

const invalidMarker = () => new ServiceError('InvalidMarkerException', 'Invalid marker');

export function keyMetadata(k: KeyRec): T.KeyMetadata {
  const info = SPECS[k.spec];
  const m: T.KeyMetadata = {
    AWSAccountId: k.account, KeyId: k.id, Arn: k.arn, CreationDate: new Date(k.created),
    Enabled: k.state === 'Enabled', Description: k.description, KeyUsage: k.usage, KeyState: k.state,
    Origin: k.origin, KeyManager: k.manager, CustomerMasterKeySpec: k.spec.startsWith('ECC_NIST_EDWARDS') ? undefined : k.spec,
    KeySpec: k.spec, MultiRegion: !!k.multiRegion,
  };
  if (k.multiRegion) {
    const { primaryRegion, regions } = k.multiRegion;
    const at = (region: string) => ({ Arn: keyArn({ accountId: k.account, region }, k.id), Region: region });
    m.MultiRegionConfiguration = {
      MultiRegionKeyType: primaryRegion === k.region ? 'PRIMARY' : 'REPLICA',
      PrimaryKey: at(primaryRegion),
      ReplicaKeys: regions.filter((r) => r !== primaryRegion).map(at),
    };
  }
  if (k.customKeyStoreId) m.CustomKeyStoreId = k.customKeyStoreId;
  if (k.usage === 'ENCRYPT_DECRYPT') m.EncryptionAlgorithms = info.encryption;
  if (k.usage === 'SIGN_VERIFY') m.SigningAlgorithms = info.signing;
  if (k.usage === 'GENERATE_VERIFY_MAC') m.MacAlgorithms = info.mac;
  if (k.usage === 'KEY_AGREEMENT') m.KeyAgreementAlgorithms = info.agreement;
  if (k.state === 'PendingDeletion') { m.DeletionDate = new Date(k.deletionDate!); m.PendingDeletionWindowInDays = k.pendingDays; }
  // A primary waiting for its replicas has no deletion date yet, only the window (AWS KeyMetadata docs).
  if (k.state === 'PendingReplicaDeletion') m.PendingDeletionWindowInDays = k.pendingDays;
  if (k.origin === 'EXTERNAL' && k.materials.length) {
    m.ExpirationModel = k.materialExpires !== undefined ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE';
    if (k.materialExpires !== undefined) m.ValidTo = new Date(k.materialExpires);
  }
  if (k.spec === 'SYMMETRIC_DEFAULT' && k.materials.length) m.CurrentKeyMaterialId = k.materials[k.materials.length - 1].id;
  return m;
}

export function checkPolicy(policy: string): void {
  let doc: unknown;
  try { doc = JSON.parse(policy); } catch { doc = undefined; }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ServiceError('MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.');
  }
}

export function tagsIn(k: KeyRec, tags: T.Tag[] | undefined): void {
  for (const t of tags ?? []) {
    if (t.TagKey.startsWith('aws:')) throw new ServiceError('TagException', 'Tags beginning with aws: are reserved');
    k.tags[t.TagKey] = t.TagValue;
  }
  if (Object.keys(k.tags).length > 50) throw new ServiceError('LimitExceededException', 'Too many tags; a KMS key can have at most 50.');
}

export function createKey(ctx: RequestContext, input: T.CreateKeyRequest): T.CreateKeyResponse {
  const spec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  if (input.KeySpec && input.CustomerMasterKeySpec) {
    throw new ServiceError('ValidationException', 'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec parameter is deprecated. Use KeySpec only.');
  }
  const info = SPECS[spec];
  if (!info) throw new ServiceError('UnsupportedOperationException', `KeySpec ${spec} is not supported by Nimbus.`);
  const usage = input.KeyUsage ?? (info.kind === 'hmac' ? 'GENERATE_VERIFY_MAC' : info.kind === 'symmetric' || info.kind === 'rsa' ? 'ENCRYPT_DECRYPT' : 'SIGN_VERIFY');
  if (!info.usages.includes(usage)) {
    // AWS: "KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT" (ValidationException).
    throw new ServiceError('ValidationException', `KeyUsage ${usage} is not compatible with KeySpec ${spec}`);
  }
  const origin = input.Origin ?? 'AWS_KMS';
  if (input.Policy !== undefined) checkPolicy(input.Policy);
  // AWS_CLOUDHSM / EXTERNAL_KEY_STORE keys need a connected store; this throws as AWS does.
  if (origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE' || input.CustomKeyStoreId) {
    storeForNewKey(ctx, origin, input.CustomKeyStoreId, input.MultiRegion === true, spec);
  }
  if (origin !== 'AWS_KMS' && origin !== 'EXTERNAL') throw new ServiceError('UnsupportedOperationException', `Origin ${origin} is not supported by Nimbus.`);
  const s = kmsState(ctx);
  // Multi-Region primary keys have ids "mrk-" + 32 hex digits (AWS: multi-region-keys-overview).
  const id = input.MultiRegion ? `mrk-${randomBytes(16).toString('hex')}` : randomUUID();
  const k = newKeyRecord(ctx, id, { usage, spec, origin, description: input.Description ?? '' });
  if (input.MultiRegion) k.multiRegion = { primaryRegion: ctx.region, regions: [ctx.region] };
  if (input.Policy !== undefined) k.policy = input.Policy;
  tagsIn(k, input.Tags);
  s.keys.set(id, k);
  return { KeyMetadata: keyMetadata(k) };
}

export function describeKey(ctx: RequestContext, input: T.DescribeKeyRequest): T.DescribeKeyResponse {
  return { KeyMetadata: keyMetadata(findKey(ctx, input.KeyId)) };
}

export function listKeys(ctx: RequestContext, input: T.ListKeysRequest): T.ListKeysResponse {
  const keys = [...kmsState(ctx).keys.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((k) => ({ KeyId: k.id, KeyArn: k.arn }));
  return page(ctx, input as unknown as Record<string, unknown>, keys, { key: (k) => k.KeyId, invalidToken: invalidMarker, maxLimit: 1000 });
}

function save(ctx: RequestContext, k: KeyRec): void { kmsState(ctx).keys.set(k.id, k); }

const pendingDeletion = (k: KeyRec) => new ServiceError('KMSInvalidStateException',
  `${k.arn} is pending ${k.state === 'PendingReplicaDeletion' ? 'replica ' : ''}deletion.`);
const isPending = (k: KeyRec) => k.state === 'PendingDeletion' || k.state === 'PendingReplicaDeletion';

function customerManaged(k: KeyRec, op: string): void {
  if (k.manager === 'AWS') {
    // AWS: AWS managed keys cannot be changed by the account (AccessDeniedException in AWS,
    // which the KMS model does not list; UnsupportedOperationException is the closest).
    throw new ServiceError('UnsupportedOperationException', `${k.arn} is an AWS managed key; ${op} is not allowed on it.`);
  }
}

export function enableKey(ctx: RequestContext, input: T.EnableKeyRequest): void {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  customerManaged(k, 'EnableKey');
  if (isPending(k)) throw pendingDeletion(k);
  k.state = 'Enabled';
  save(ctx, k);
}

export function disableKey(ctx: RequestContext, input: T.DisableKeyRequest): void {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  customerManaged(k, 'DisableKey');
  if (isPending(k)) throw pendingDeletion(k);
  k.state = 'Disabled';
  save(ctx, k);
}

export function updateKeyDescription(ctx: RequestContext, input: T.UpdateKeyDescriptionRequest): void {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  customerManaged(k, 'UpdateKeyDescription');
  if (isPending(k)) throw pendingDeletion(k);
  k.description = input.Description;
  save(ctx, k);
}

export function scheduleKeyDeletion(ctx: RequestContext, input: T.ScheduleKeyDeletionRequest): T.ScheduleKeyDeletionResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  customerManaged(k, 'ScheduleKeyDeletion');
  const days = input.PendingWindowInDays ?? 30;
  if (!Number.isInteger(days) || days < 7 || days > 30) {
    throw new ServiceError('ValidationException', `1 validation error detected: Value '${days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30 and greater than or equal to 7`);
  }
  if (isPending(k)) throw pendingDeletion(k);
  k.pendingDays = days;
  if (k.multiRegion && !isReplica(k) && k.multiRegion.regions.length > 1) {
    // AWS: a primary with replicas goes to PendingReplicaDeletion; its waiting period (and
    // DeletionDate) begins only when its last replica is deleted (ScheduleKeyDeletion docs).
    k.state = 'PendingReplicaDeletion';
    delete k.deletionDate;
    save(ctx, k);
    armTimers(kmsState(ctx), k);
    return { KeyId: k.arn, KeyState: k.state, PendingWindowInDays: days };
  }
  k.state = 'PendingDeletion';
  k.deletionDate = clock.now() + days * DAY;
  save(ctx, k);
  armTimers(kmsState(ctx), k);
  return { KeyId: k.arn, DeletionDate: new Date(k.deletionDate), KeyState: k.state, PendingWindowInDays: days };
}

export function cancelKeyDeletion(ctx: RequestContext, input: T.CancelKeyDeletionRequest): T.CancelKeyDeletionResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  if (!isPending(k)) {
    throw new ServiceError('KMSInvalidStateException', `${k.arn} is ${k.state === 'Enabled' ? 'enabled' : 'disabled'}.`);
  }
  // AWS: a key whose deletion is cancelled is Disabled.
  k.state = 'Disabled';
  delete k.deletionDate;
  delete k.pendingDays;
  save(ctx, k);
  armTimers(kmsState(ctx), k);
  return { KeyId: k.arn };
}

// ---- policies ----

const noSuchPolicy = () => new ServiceError('NotFoundException', 'No such policy exists');

export function getKeyPolicy(ctx: RequestContext, input: T.GetKeyPolicyRequest): T.GetKeyPolicyResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  if ((input.PolicyName ?? 'default') !== 'default') throw noSuchPolicy();
  return { Policy: k.policy, PolicyName: 'default' };
}

export function putKeyPolicy(ctx: RequestContext, input: T.PutKeyPolicyRequest): void {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  customerManaged(k, 'PutKeyPolicy');
  if ((input.PolicyName ?? 'default') !== 'default') throw noSuchPolicy();
  if (isPending(k)) throw pendingDeletion(k);
  checkPolicy(input.Policy);
  k.policy = input.Policy;
  save(ctx, k);
}

export function listKeyPolicies(ctx: RequestContext, input: T.ListKeyPoliciesRequest): T.ListKeyPoliciesResponse {
  findKey(ctx, input.KeyId, { aliases: false });
  return page(ctx, input as unknown as Record<string, unknown>, ['default'], { key: (x) => x, invalidToken: invalidMarker });
}

// ---- tags ----

export function tagResource(ctx: RequestContext, input: T.TagResourceRequest): void {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  customerManaged(k, 'TagResource');
  if (isPending(k)) throw pendingDeletion(k);
  tagsIn(k, input.Tags);
  save(ctx, k);
}

export function untagResource(ctx: RequestContext, input: T.UntagResourceRequest): void {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  customerManaged(k, 'UntagResource');
  if (isPending(k)) throw pendingDeletion(k);
  for (const t of input.TagKeys) delete k.tags[t];
  save(ctx, k);
}

export function listResourceTags(ctx: RequestContext, input: T.ListResourceTagsRequest): T.ListResourceTagsResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  const tags = Object.keys(k.tags).sort().map((TagKey) => ({ TagKey, TagValue: k.tags[TagKey] }));
  return page(ctx, input as unknown as Record<string, unknown>, tags, { key: (t) => t.TagKey, invalidToken: invalidMarker, maxLimit: 50, defaultLimit: 50 });
}

// ---- rotation ----

/** Rotation is a shared property managed on the primary (AWS: multi-region-keys-manage, rotation). */
function notReplica(k: KeyRec): void {
  if (isReplica(k)) {
    throw new ServiceError('UnsupportedOperationException', `${k.arn} is a multi-Region replica key. Manage rotation on its primary key in ${k.multiRegion!.primaryRegion}.`);
  }
}

function rotatable(k: KeyRec): void {
  // Imported key material rotates only by importing new material, which Nimbus does not do.
  if (k.spec !== 'SYMMETRIC_DEFAULT' || k.origin !== 'AWS_KMS') {
    throw new ServiceError('UnsupportedOperationException', `${k.arn} key usage or key spec does not support this operation.`);
  }
}

export function enableKeyRotation(ctx: RequestContext, input: T.EnableKeyRotationRequest): void {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  customerManaged(k, 'EnableKeyRotation');
  rotatable(k);
  notReplica(k);
  assertUsable(k);
  const days = input.RotationPeriodInDays ?? 365;
  if (!Number.isInteger(days) || days < 90 || days > 2560) {
    throw new ServiceError('ValidationException', `1 validation error detected: Value '${days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value less than or equal to 2560 and greater than or equal to 90`);
  }
  k.rotation = { ...k.rotation, enabled: true, periodDays: days, next: clock.now() + days * DAY };
  save(ctx, k);
  armTimers(kmsState(ctx), k);
  shareWithReplicas(k);
}

export function disableKeyRotation(ctx: RequestContext, input: T.DisableKeyRotationRequest): void {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  customerManaged(k, 'DisableKeyRotation');
  rotatable(k);
  notReplica(k);
  assertUsable(k);
  k.rotation = { enabled: false, onDemandStarted: k.rotation.onDemandStarted };
  save(ctx, k);
  armTimers(kmsState(ctx), k);
  shareWithReplicas(k);
}

export function getKeyRotationStatus(ctx: RequestContext, input: T.GetKeyRotationStatusRequest): T.GetKeyRotationStatusResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  if (k.spec !== 'SYMMETRIC_DEFAULT') return { KeyId: k.id, KeyRotationEnabled: false };
  const out: T.GetKeyRotationStatusResponse = { KeyId: k.id, KeyRotationEnabled: k.rotation.enabled };
  if (k.rotation.enabled) {
    out.RotationPeriodInDays = k.rotation.periodDays;
    out.NextRotationDate = new Date(k.rotation.next!);
  }
  if (k.rotation.onDemandStarted) out.OnDemandRotationStartDate = new Date(k.rotation.onDemandStarted);
  return out;
}

export function rotateKeyOnDemand(ctx: RequestContext, input: T.RotateKeyOnDemandRequest): T.RotateKeyOnDemandResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  customerManaged(k, 'RotateKeyOnDemand');
  rotatable(k);
  notReplica(k);
  assertUsable(k);
  // AWS allows 25 on-demand rotations per key over its lifetime.
  if (k.materials.filter((m) => m.rotationType === 'ON_DEMAND').length >= 25) {
    throw new ServiceError('LimitExceededException', `The on-demand rotations limit has been reached for the given key ${k.arn}.`);
  }
  rotate(k, 'ON_DEMAND');
  k.rotation.onDemandStarted = clock.now();
  save(ctx, k);
  shareWithReplicas(k);
  return { KeyId: k.id };
}

export function listKeyRotations(ctx: RequestContext, input: T.ListKeyRotationsRequest): T.ListKeyRotationsResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  rotatable(k);
  const all = input.IncludeKeyMaterial === 'ALL_KEY_MATERIAL';
  const last = k.materials.length - 1;
  const entries = k.materials
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => all || m.rotationType)
    .map(({ m, i }) => ({
      KeyId: k.id, KeyMaterialId: m.id, KeyMaterialState: i === last ? 'CURRENT' : 'NON_CURRENT',
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      ...(m.rotationType ? { RotationDate: new Date(m.created), RotationType: m.rotationType } : {}),
      _i: String(i).padStart(6, '0'),
    }));
  const out = page(ctx, input as unknown as Record<string, unknown>, entries, { key: (e) => e._i, invalidToken: invalidMarker, maxLimit: 1000 });
  out.Rotations = (out.Rotations as typeof entries).map(({ _i, ...e }) => e);
  return out as T.ListKeyRotationsResponse;
}

// ---- public keys ----

export function getPublicKey(ctx: RequestContext, input: T.GetPublicKeyRequest): T.GetPublicKeyResponse {
  const k = findKey(ctx, input.KeyId);
  const info = SPECS[k.spec];
  if (info.kind === 'symmetric' || info.kind === 'hmac') {
    throw new ServiceError('UnsupportedOperationException', `${k.arn} key usage ${k.usage} is not supported for GetPublicKey.`);
  }
  assertUsable(k);
  const out: T.GetPublicKeyResponse = {
    KeyId: k.arn, PublicKey: k.materials[k.materials.length - 1].pub!, KeySpec: k.spec, KeyUsage: k.usage,
    CustomerMasterKeySpec: k.spec === 'ECC_NIST_EDWARDS25519' ? undefined : k.spec,
  };
  if (k.usage === 'ENCRYPT_DECRYPT') out.EncryptionAlgorithms = info.encryption;
  if (k.usage === 'SIGN_VERIFY') out.SigningAlgorithms = info.signing;
  if (k.usage === 'KEY_AGREEMENT') out.KeyAgreementAlgorithms = info.agreement;
  return out;
}

// ---- last usage ----

export function getKeyLastUsage(ctx: RequestContext, input: T.GetKeyLastUsageRequest): T.GetKeyLastUsageResponse {
  const k = findKey(ctx, input.KeyId);
  const u = kmsState(ctx).usage.get(k.id);
  return {
    KeyId: k.arn, KeyCreationDate: new Date(k.created),
    // Nimbus tracks usage from the key's creation on.
    TrackingStartDate: new Date(k.created),
    ...(u ? { KeyLastUsage: { Operation: u.op, Timestamp: new Date(u.at), KmsRequestId: u.requestId } } : {}),
  };
}
