// Multi-Region keys: ReplicateKey and UpdatePrimaryRegion. A primary (created by CreateKey with
// MultiRegion) and its replicas share key id, key material, spec, usage, origin and automatic
// rotation; policy, tags, aliases, grants, description and key state are each key's own
// (AWS Developer Guide, "Multi-Region keys in AWS KMS"). Each replica is a record in its own
// region's state, reached through that region's scope.
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/kms.js';
import { checkPolicy, keyMetadata, tagsIn } from './keys.js';
import { findKey, isReplica, kmsState, newKeyRecord, setMultiRegion, type KeyRec } from './state.js';

function assertMultiRegion(k: KeyRec): asserts k is KeyRec & { multiRegion: NonNullable<KeyRec['multiRegion']> } {
  if (!k.multiRegion) throw new ServiceError('UnsupportedOperationException', `${k.arn} is not a multi-Region key.`);
}

function assertPrimary(k: KeyRec & { multiRegion: NonNullable<KeyRec['multiRegion']> }): void {
  if (isReplica(k)) {
    // The wording clients match on ("… is not a multi-Region primary key"; e.g. the
    // ThalesGroup ciphertrust Terraform provider checks for it after UpdatePrimaryRegion).
    throw new ServiceError('UnsupportedOperationException', `${k.arn} is not a multi-Region primary key.`);
  }
}

function assertNotPending(k: KeyRec): void {
  if (k.state === 'PendingDeletion' || k.state === 'PendingReplicaDeletion') {
    throw new ServiceError('KMSInvalidStateException', `${k.arn} is pending ${k.state === 'PendingReplicaDeletion' ? 'replica ' : ''}deletion.`);
  }
}

export function replicateKey(ctx: RequestContext, input: T.ReplicateKeyRequest): T.ReplicateKeyResponse {
  const primary = findKey(ctx, input.KeyId, { aliases: false });
  assertMultiRegion(primary);
  assertPrimary(primary);
  assertNotPending(primary);
  // The brief and the key-state table: a disabled primary cannot be replicated.
  if (primary.state === 'Disabled') throw new ServiceError('KMSInvalidStateException', `${primary.arn} is disabled.`);
  const region = input.ReplicaRegion;
  if (primary.multiRegion.regions.includes(region)) {
    throw new ServiceError('AlreadyExistsException', `Multi-Region key ${primary.id} already exists in the region ${region}.`);
  }
  if (input.Policy !== undefined) checkPolicy(input.Policy);
  const target = { ...ctx, region };
  const s = kmsState(target);
  if (s.keys.has(primary.id)) {
    throw new ServiceError('AlreadyExistsException', `Multi-Region key ${primary.id} already exists in the region ${region}.`);
  }
  // Imported key material is not replicated: each replica of an EXTERNAL key waits for its own
  // import of the same material (AWS: multi-region-keys-import).
  const imported = primary.origin === 'EXTERNAL';
  const replica = newKeyRecord(target, primary.id, {
    usage: primary.usage, spec: primary.spec, origin: primary.origin, description: input.Description ?? '',
    state: imported ? 'PendingImport' : 'Enabled',
    materials: imported ? [] : primary.materials.map((m) => ({ ...m })),
    rotation: { ...primary.rotation },
    multiRegion: { primaryRegion: primary.region, regions: [...primary.multiRegion.regions] },
  });
  if (input.Policy !== undefined) replica.policy = input.Policy;
  tagsIn(replica, input.Tags);
  s.keys.set(replica.id, replica);
  setMultiRegion(primary, { primaryRegion: primary.region, regions: [...primary.multiRegion.regions, region] });
  const stored = s.keys.get(replica.id)!;
  // AWS answers while the replica is still being made: KeyState Creating, Enabled false
  // (ReplicateKey API reference example); Nimbus finishes at once, so DescribeKey shows Enabled.
  const meta = keyMetadata(stored);
  if (!imported) { meta.KeyState = 'Creating'; meta.Enabled = false; }
  return {
    ReplicaKeyMetadata: meta,
    ReplicaPolicy: stored.policy,
    ReplicaTags: Object.keys(stored.tags).map((TagKey) => ({ TagKey, TagValue: stored.tags[TagKey] })),
  };
}

export function updatePrimaryRegion(ctx: RequestContext, input: T.UpdatePrimaryRegionRequest): void {
  const primary = findKey(ctx, input.KeyId, { aliases: false });
  assertMultiRegion(primary);
  assertPrimary(primary);
  assertNotPending(primary);
  const region = input.PrimaryRegion;
  if (region === primary.region) {
    throw new ServiceError('UnsupportedOperationException', `${primary.arn} is already the primary key in ${region}.`);
  }
  const replica = primary.multiRegion.regions.includes(region) ? kmsState({ ...ctx, region }).keys.get(primary.id) : undefined;
  if (!replica) throw new ServiceError('NotFoundException', `Multi-Region key ${primary.id} has no replica in the region ${region}.`);
  assertNotPending(replica);
  // The new primary keeps the rotation schedule; only the primary's timer rotates (state.ts).
  replica.rotation = { ...primary.rotation };
  setMultiRegion(primary, { primaryRegion: region, regions: primary.multiRegion.regions });
}
