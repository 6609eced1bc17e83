// KMS state: keys (with every generation of their key material, so ciphertexts made before a
// rotation still decrypt), aliases and grants, per account and region. Key material is kept
// in the record (Buffers survive --data-dir restarts as base64). Scheduled deletion and
// automatic rotation run on the one clock; their timers are rebuilt after a restart.
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { Timer } from '../../core/clock.js';
import { defineState, onReset, type Collection } from '../../core/state.js';
import type { RequestContext } from '../service.js';
import { generateMaterial } from './material.js';

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport' | 'PendingReplicaDeletion' | 'Unavailable';

/** One generation of key material. Symmetric and HMAC keys have `secret`; asymmetric `priv`/`pub`. */
export interface Material {
  /** KeyMaterialId: 64 hex characters, as AWS shows them. */
  id: string;
  created: number;
  rotationType?: 'AUTOMATIC' | 'ON_DEMAND';
  secret?: Buffer;
  /** PKCS#8 DER private key. */
  priv?: Buffer;
  /** SubjectPublicKeyInfo DER public key. */
  pub?: Buffer;
}

export interface KeyRec {
  id: string;
  arn: string;
  account: string;
  region: string;
  created: number;
  description: string;
  usage: string;
  spec: string;
  origin: string;
  manager: 'CUSTOMER' | 'AWS';
  state: KeyState;
  /** The state to return to when a scheduled deletion is cancelled (AWS: Disabled). */
  deletionDate?: number;
  pendingDays?: number;
  policy: string;
  tags: Record<string, string>;
  /** Every generation, oldest first; the last is current. */
  materials: Material[];
  rotation: { enabled: boolean; periodDays?: number; next?: number; onDemandStarted?: number };
  /** EXTERNAL keys: the wrapping key and token of the last GetParametersForImport. */
  importParams?: { token: Buffer; wrappingPriv: Buffer; alg: string; validTo: number };
  /** EXTERNAL keys: SHA-256 of the imported material (a re-import must bring the same). */
  importedDigest?: string;
  /** EXTERNAL keys: when the imported material expires (KEY_MATERIAL_EXPIRES). */
  materialExpires?: number;
  /**
   * Multi-Region keys: every related key (same id, one per region of the account) holds the
   * same copy, so DescribeKey shows one view from any of them. `regions` lists the primary and
   * its replicas in the order they were made.
   */
  multiRegion?: { primaryRegion: string; regions: string[] };
  /** Keys in a custom key store. */
  customKeyStoreId?: string;
}

export interface AliasRec { name: string; keyId: string; created: number; updated: number }

export interface GrantRec {
  id: string;
  token: string;
  keyId: string;
  keyArn: string;
  name?: string;
  grantee: string;
  retiring?: string;
  operations: string[];
  constraints?: { EncryptionContextSubset?: Record<string, string>; EncryptionContextEquals?: Record<string, string> };
  issuing: string;
  created: number;
}

/** The last successful cryptographic use of a key (GetKeyLastUsage), kept apart from the key record. */
export interface UsageRec { op: string; at: number; requestId: string }

/** A custom key store (customstores.ts). Only external key stores can exist in Nimbus. */
export interface CustomKeyStoreRec {
  id: string;
  name: string;
  type: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
  created: number;
  state: 'CONNECTED' | 'CONNECTING' | 'DISCONNECTED' | 'DISCONNECTING' | 'FAILED';
  errorCode?: string;
  xks: {
    connectivity: string; uriEndpoint: string; uriPath: string; accessKeyId: string; secret: string;
    vpcEndpointServiceName?: string; vpcEndpointServiceOwner?: string;
  };
}

export interface KmsState {
  keys: Collection<KeyRec>;
  stores: Collection<CustomKeyStoreRec>;
  usage: Collection<UsageRec>;
  aliases: Collection<AliasRec>;
  grants: Collection<GrantRec>;
}

const timers = new Map<string, Timer>();
const timerKey = (k: KeyRec, kind: string) => `${k.account}/${k.region}/${k.id}/${kind}`;

export const kmsState = defineState<KmsState>({
  service: 'kms',
  create: (c) => ({ keys: c.collection<KeyRec>('keys'), stores: c.collection<CustomKeyStoreRec>('stores'), usage: c.collection<UsageRec>('usage'), aliases: c.collection<AliasRec>('aliases'), grants: c.collection<GrantRec>('grants') }),
  rebuild(s) {
    for (const k of s.keys.values()) armTimers(s, k);
  },
});

onReset((service) => {
  if (service && service !== 'kms') return;
  for (const t of timers.values()) t.cancel();
  timers.clear();
});

/** (Re)arms the deletion and rotation timers a key needs, cancelling stale ones. */
export function armTimers(s: KmsState, k: KeyRec): void {
  for (const kind of ['del', 'rot', 'exp']) {
    const t = timers.get(timerKey(k, kind));
    if (t) { t.cancel(); timers.delete(timerKey(k, kind)); }
  }
  if (k.state === 'PendingDeletion' && k.deletionDate !== undefined) {
    timers.set(timerKey(k, 'del'), clock.schedule(k.deletionDate, () => {
      timers.delete(timerKey(k, 'del'));
      const cur = s.keys.get(k.id);
      if (!cur || cur.state !== 'PendingDeletion') return;
      deleteKeyNow(s, cur);
    }));
  }
  if (k.rotation.enabled && k.rotation.next !== undefined && k.state !== 'PendingDeletion' && !isReplica(k)) {
    timers.set(timerKey(k, 'rot'), clock.schedule(k.rotation.next, () => {
      timers.delete(timerKey(k, 'rot'));
      const cur = s.keys.get(k.id);
      if (!cur || !cur.rotation.enabled || cur.rotation.next === undefined) return;
      // AWS rotates on the date the rotation falls due; a disabled key's rotation waits
      // (we simply rotate it: its old material stays available either way).
      rotate(cur, 'AUTOMATIC', cur.rotation.next);
      cur.rotation.next += (cur.rotation.periodDays ?? 365) * DAY;
      s.keys.set(cur.id, cur);
      shareWithReplicas(cur);
      armTimers(s, cur);
    }));
  }
  if (k.materialExpires !== undefined && k.materials.length) {
    timers.set(timerKey(k, 'exp'), clock.schedule(k.materialExpires, () => {
      timers.delete(timerKey(k, 'exp'));
      const cur = s.keys.get(k.id);
      if (!cur || cur.materialExpires === undefined) return;
      // Expired imported material is deleted; the key waits for a new import.
      cur.materials = [];
      delete cur.materialExpires;
      if (cur.state !== 'PendingDeletion') cur.state = 'PendingImport';
      s.keys.set(cur.id, cur);
    }));
  }
}

export function cancelTimers(k: KeyRec): void {
  for (const kind of ['del', 'rot', 'exp']) {
    timers.get(timerKey(k, kind))?.cancel();
    timers.delete(timerKey(k, kind));
  }
}

function deleteKeyNow(s: KmsState, k: KeyRec): void {
  cancelTimers(k);
  s.keys.delete(k.id);
  s.usage.delete(k.id);
  for (const [name, a] of [...s.aliases.entries()]) if (a.keyId === k.id) s.aliases.delete(name);
  for (const [id, g] of [...s.grants.entries()]) if (g.keyId === k.id) s.grants.delete(id);
  if (k.multiRegion && isReplica(k)) replicaGone(k);
}

// ---- multi-Region keys ----
// A replica is an ordinary record in its own region's state; related keys are reached through
// that region's scope ({accountId, region}), never through a shared map.

export const isReplica = (k: KeyRec) => !!k.multiRegion && k.multiRegion.primaryRegion !== k.region;

/** Every existing related key of a multi-Region key (itself included), with its region's state. */
export function relatedKeys(k: KeyRec): { s: KmsState; k: KeyRec }[] {
  const out: { s: KmsState; k: KeyRec }[] = [];
  for (const region of k.multiRegion?.regions ?? [k.region]) {
    const s = kmsState({ accountId: k.account, region });
    const r = s.keys.get(k.id);
    if (r) out.push({ s, k: r });
  }
  return out;
}

/** Writes one multi-Region configuration to every related key. */
export function setMultiRegion(k: KeyRec, conf: { primaryRegion: string; regions: string[] }): void {
  // Old and new members alike: a new replica must learn the configuration too.
  const regions = [...new Set([...(k.multiRegion?.regions ?? [k.region]), ...conf.regions])];
  for (const r of relatedKeys({ ...k, multiRegion: { primaryRegion: conf.primaryRegion, regions } })) {
    r.k.multiRegion = { primaryRegion: conf.primaryRegion, regions: [...conf.regions] };
    r.s.keys.set(r.k.id, r.k);
    armTimers(r.s, r.k);
  }
}

/**
 * Key material and automatic rotation are shared properties: after the primary rotates (or its
 * rotation settings change) every replica gets the same generations, so ciphertexts made
 * before and after the rotation decrypt in every region.
 */
export function shareWithReplicas(primary: KeyRec): void {
  if (!primary.multiRegion || isReplica(primary)) return;
  for (const r of relatedKeys(primary)) {
    if (r.k === primary || r.k.region === primary.region) continue;
    r.k.materials = primary.materials.map((m) => ({ ...m }));
    r.k.rotation = { ...primary.rotation };
    r.s.keys.set(r.k.id, r.k);
  }
}

/**
 * A replica was deleted: it leaves every related key's configuration, and a primary waiting in
 * PendingReplicaDeletion starts its own waiting period once its last replica is gone (AWS:
 * KeyMetadata.PendingDeletionWindowInDays, "This waiting period begins when the last of its
 * replica keys is deleted").
 */
function replicaGone(k: KeyRec): void {
  const conf = { primaryRegion: k.multiRegion!.primaryRegion, regions: k.multiRegion!.regions.filter((r) => r !== k.region) };
  const primary = kmsState({ accountId: k.account, region: conf.primaryRegion }).keys.get(k.id);
  if (!primary) return;
  setMultiRegion(primary, conf);
  if (primary.state === 'PendingReplicaDeletion' && conf.regions.length === 1) {
    const s = kmsState({ accountId: primary.account, region: primary.region });
    primary.state = 'PendingDeletion';
    // The window starts when the replica was due for deletion (the clock may fire late when advanced).
    primary.deletionDate = Math.min(k.deletionDate ?? clock.now(), clock.now()) + (primary.pendingDays ?? 30) * DAY;
    s.keys.set(primary.id, primary);
    armTimers(s, primary);
  }
}

export const DAY = 86_400_000;

/** Adds a new generation of key material and makes it current. */
export function rotate(k: KeyRec, type: 'AUTOMATIC' | 'ON_DEMAND', at = clock.now()): void {
  k.materials.push({ ...generateMaterial(k.spec), created: at, rotationType: type });
}

// ---- naming and lookup ----

export const keyArn = (ctx: { region: string; accountId: string }, id: string) => `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${id}`;
export const aliasArn = (ctx: { region: string; accountId: string }, name: string) => `arn:aws:kms:${ctx.region}:${ctx.accountId}:${name}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Multi-Region key ids: "mrk-" and 32 hex digits. */
export const MRK = /^mrk-[0-9a-f]{32}$/i;

export const notFound = (msg: string) => new ServiceError('NotFoundException', msg);

/** The key id a KeyId parameter (key id, key ARN, alias name, alias ARN) names, without state checks. */
export function resolveKeyId(ctx: RequestContext, s: KmsState, ref: string, opts: { aliases?: boolean } = {}): string {
  const allowAlias = opts.aliases ?? true;
  let r = ref;
  if (r.startsWith('arn:')) {
    const m = /^arn:aws[a-z-]*:kms:([^:]*):(\d{12}):(key\/.+|alias\/.+)$/.exec(r);
    if (!m) throw new ServiceError('NotFoundException', `Invalid arn ${ref}`);
    if (m[1] !== ctx.region || m[2] !== ctx.accountId) {
      // Another scope's key: it is not visible here.
      throw notFound(m[3].startsWith('alias/') ? `Alias ${ref} is not found.` : `Key '${ref}' does not exist`);
    }
    r = m[3].startsWith('key/') ? m[3].slice(4) : m[3];
  }
  if (r.startsWith('alias/')) {
    if (!allowAlias) throw notFound(`Invalid keyId '${ref}'`);
    const a = s.aliases.get(r);
    if (a) return a.keyId;
    if (r.startsWith('alias/aws/') && /^alias\/aws\/[a-z0-9-]+$/.test(r)) return createManagedKey(ctx, s, r).id;
    throw notFound(`Alias ${aliasArn(ctx, r)} is not found.`);
  }
  if (!UUID.test(r) && !MRK.test(r)) throw notFound(`Invalid keyId '${ref}'`);
  return r.toLowerCase();
}

/** The key a KeyId parameter names; NotFoundException when there is none. */
export function findKey(ctx: RequestContext, ref: string, opts: { aliases?: boolean } = {}): KeyRec {
  const s = kmsState(ctx);
  const id = resolveKeyId(ctx, s, ref, opts);
  const k = s.keys.get(id);
  if (!k) throw notFound(`Key '${keyArn(ctx, id)}' does not exist`);
  return k;
}

/** Throws unless the key can be used for cryptographic operations. */
export function assertUsable(k: KeyRec): void {
  if (k.state === 'Disabled') throw new ServiceError('DisabledException', `${k.arn} is disabled.`);
  if (k.state === 'PendingDeletion') throw new ServiceError('KMSInvalidStateException', `${k.arn} is pending deletion.`);
  if (k.state === 'PendingImport') throw new ServiceError('KMSInvalidStateException', `${k.arn} is pending import.`);
  if (k.state === 'PendingReplicaDeletion') throw new ServiceError('KMSInvalidStateException', `${k.arn} is pending replica deletion.`);
  if (k.state === 'Unavailable') throw new ServiceError('KMSInvalidStateException', `${k.arn} is unavailable.`);
}

export function defaultPolicy(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{
      Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: 'kms:*', Resource: '*',
    }],
  }, null, 2);
}

export function newKeyRecord(ctx: RequestContext, id: string, fields: Partial<KeyRec> & { usage: string; spec: string }): KeyRec {
  const now = clock.now();
  const origin = fields.origin ?? 'AWS_KMS';
  return {
    id, arn: keyArn(ctx, id), account: ctx.accountId, region: ctx.region, created: now,
    description: '', origin, manager: 'CUSTOMER', state: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
    policy: defaultPolicy(ctx.accountId), tags: {},
    materials: origin === 'EXTERNAL' ? [] : [{ ...generateMaterial(fields.spec), created: now }],
    rotation: { enabled: false },
    ...fields,
  };
}

/**
 * AWS managed keys (alias/aws/<service>) come into being the first time a service (or a
 * caller) uses them; their rotation is on, every 365 days, as AWS does.
 */
function createManagedKey(ctx: RequestContext, s: KmsState, alias: string): KeyRec {
  const id = randomUUID();
  const svc = alias.slice('alias/aws/'.length);
  const now = clock.now();
  const k = newKeyRecord(ctx, id, {
    usage: 'ENCRYPT_DECRYPT', spec: 'SYMMETRIC_DEFAULT', manager: 'AWS',
    description: `Default key that protects my ${svc.toUpperCase()} data when no other key is defined`,
    rotation: { enabled: true, periodDays: 365, next: now + 365 * DAY },
  });
  s.keys.set(id, k);
  s.aliases.set(alias, { name: alias, keyId: id, created: now, updated: now });
  armTimers(s, k);
  return k;
}
