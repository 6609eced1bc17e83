// Bucket replication: Put/Get/DeleteBucketReplication, and the replication itself. Rules and
// their checks follow the S3 User Guide ("Replication configuration file elements",
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html) and the
// PutBucketReplication API reference: both buckets must have versioning Enabled; a rule with a
// Filter is the V2 schema and must say DeleteMarkerReplication; a rule without one (a Prefix
// or nothing) is V1, which replicates delete markers ("Backward compatibility considerations").
//
// Replicating: a new version written to a source bucket whose Enabled rules select its key
// (and tags) is marked PENDING as it is stored, and copied REPLICATION_DELAY later on the
// virtual clock to every destination bucket Nimbus holds (any account or region). "Replicas
// have the same key names and metadata (for example, creation time, user-defined metadata,
// and version ID) as the original objects" (User Guide, "Replicating objects overview"); the
// replica shows x-amz-replication-status REPLICA and is never replicated again, the source
// version then shows COMPLETED, or FAILED when a destination is gone or not versioning-enabled.
// Delete markers replicate only when the rule enables DeleteMarkerReplication (or is V1); a
// delete by version id and the markers lifecycle adds are not replicated ("What isn't
// replicated"). Pending work is the PENDING mark itself, so it survives a restart.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { clock } from '../../core/clock-instance.js';
import { deleteBlob, putBlob, readBlob } from '../../core/blobs.js';
import { onReset } from '../../core/state.js';
import { log } from '../../core/log.js';
import type { Timer } from '../../core/clock.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { checkBufferedMd5 } from './body.js';
import { invalidArgument, invalidRequest, malformedXml, ownBucket } from './common.js';
import { drop, notFound, store, stored } from './bucket-config.js';
import { onRebuild, s3State, type BucketRec, type ObjectRec } from './state.js';
import { findVersion, onVersionWrite, touchVersion, versionOf, writeVersion } from './versions.js';

/** How long after a write its replica lands (virtual time): most objects replicate within seconds. */
export const REPLICATION_DELAY = 5_000;

type Rule = T.ReplicationRule;
type Config = T.ReplicationConfiguration;

const configOf = (b: BucketRec) => b.config?.replication as Config | undefined;
const bucketOfArn = (arn: string): string | undefined => /^arn:aws[a-z-]*:s3:::([^/:]+)$/.exec(arn)?.[1];
const isV2 = (r: Rule) => r.Filter !== undefined;

function checkRule(r: Rule, source: BucketRec, ids: Set<string>): void {
  if (r.ID !== undefined) {
    if (r.ID.length > 255) throw invalidArgument('ID length should not exceed allowed limit of 255', 'ID', r.ID);
    if (ids.has(r.ID)) throw invalidArgument('Rule Id must be unique', 'ID', r.ID);
    ids.add(r.ID);
  }
  if (r.Status !== 'Enabled' && r.Status !== 'Disabled') throw malformedXml();
  if (!r.Destination?.Bucket) throw malformedXml();
  const f = r.Filter as Record<string, unknown> | undefined;
  if (f) {
    if (r.Prefix !== undefined) throw malformedXml();
    if (['Prefix', 'Tag', 'And'].filter((k) => f[k] !== undefined).length > 1) throw malformedXml();
    if (!r.DeleteMarkerReplication) {
      throw invalidRequest('DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.');
    }
    // Tag filters and delete marker replication do not mix (User Guide, "Replicating delete markers between buckets").
    if (r.DeleteMarkerReplication.Status === 'Enabled' && tagsOf(r).length) {
      throw invalidRequest('Delete marker replication is not supported if any Tag filter is specified.');
    }
  }
  const dm = r.DeleteMarkerReplication?.Status;
  if (dm !== undefined && dm !== 'Enabled' && dm !== 'Disabled') throw malformedXml();
  const name = bucketOfArn(r.Destination.Bucket);
  if (!name) throw invalidArgument('Invalid bucket ARN', 'Destination', r.Destination.Bucket);
  if (name === source.name) throw invalidRequest('Destination bucket cannot be the same as the source bucket.');
  const dest = s3State().buckets.get(name);
  if (!dest) throw invalidRequest('Destination bucket must exist.');
  if (dest.versioning !== 'Enabled') throw invalidRequest('Destination bucket must have versioning enabled.');
}

export function putBucketReplication(ctx: RequestContext, input: T.PutBucketReplicationRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  if (b.versioning !== 'Enabled') throw invalidRequest("Versioning must be 'Enabled' on the bucket to apply a replication configuration");
  const c = structuredClone(input.ReplicationConfiguration ?? {}) as Config;
  if (!c.Role) throw malformedXml();
  const rules = c.Rules ?? [];
  if (rules.length === 0 || rules.length > 1000) throw malformedXml();
  const ids = new Set<string>();
  for (const r of rules) checkRule(r, b, ids);
  // A rule without an ID gets a generated one, as S3 returns it.
  for (const r of rules) r.ID ??= Buffer.from(randomUUID()).toString('base64').slice(0, 48);
  store(b, 'replication', { Role: c.Role, Rules: rules });
}

export function getBucketReplication(ctx: RequestContext, input: T.GetBucketReplicationRequest): T.GetBucketReplicationOutput {
  const b = ownBucket(ctx, input.Bucket);
  return {
    ReplicationConfiguration: stored<Config>(b, 'replication',
      notFound('ReplicationConfigurationNotFoundError', 'The replication configuration was not found', b)),
  };
}

export function deleteBucketReplication(ctx: RequestContext, input: T.DeleteBucketReplicationRequest): void {
  drop(ownBucket(ctx, input.Bucket), 'replication');
}

// --- replicating --------------------------------------------------------------------------

const prefixOf = (r: Rule): string => r.Filter?.Prefix ?? r.Filter?.And?.Prefix ?? r.Prefix ?? '';
const tagsOf = (r: Rule): T.Tag[] => (r.Filter?.Tag ? [r.Filter.Tag] : r.Filter?.And?.Tags ?? []);

function selects(r: Rule, o: ObjectRec): boolean {
  if (r.Status !== 'Enabled' || !o.key.startsWith(prefixOf(r))) return false;
  if (o.deleteMarker) {
    const dm = r.DeleteMarkerReplication?.Status;
    return dm === 'Enabled' || (dm === undefined && !isV2(r));
  }
  return tagsOf(r).every((t) => o.tags.some((x) => x.Key === t.Key && x.Value === (t.Value ?? '')));
}

/** The rule that wins for each destination bucket: the highest Priority among those selecting `o`. */
function destinations(b: BucketRec, o: ObjectRec): Rule[] {
  const best = new Map<string, Rule>();
  for (const r of configOf(b)?.Rules ?? []) {
    if (!selects(r, o)) continue;
    const prev = best.get(r.Destination.Bucket);
    if (!prev || (r.Priority ?? 0) > (prev.Priority ?? 0)) best.set(r.Destination.Bucket, r);
  }
  return [...best.values()];
}

const timers = new Set<Timer>();
// Copies run one after another, so a key's versions reach a destination in write order.
let chain: Promise<void> = Promise.resolve();

function schedule(bucket: string, key: string, versionId: string, delay = REPLICATION_DELAY): void {
  const t = clock.after(delay, () => {
    timers.delete(t);
    chain = chain.then(() => replicate(bucket, key, versionId))
      .catch((e) => log.error(`s3: replication of ${bucket}/${key} failed: ${(e as Error).message}`));
  });
  timers.add(t);
}

onVersionWrite((b, rec) => {
  if (rec.replicationStatus === 'REPLICA' || !configOf(b) || !destinations(b, rec).length) return;
  if (!rec.deleteMarker) rec.replicationStatus = 'PENDING';
  schedule(b.name, rec.key, rec.versionId!);
});

async function replicate(bucket: string, key: string, versionId: string): Promise<void> {
  const b = s3State().buckets.get(bucket);
  const src = b && findVersion(bucket, key, versionId);
  if (!b || !src) return;
  // A rule removed since the write leaves the version unreplicated: FAILED.
  const rules = destinations(b, src);
  let ok = rules.length > 0;
  for (const r of rules) ok = (await copyTo(r, src)) && ok;
  if (src.deleteMarker || findVersion(bucket, key, versionId) !== src) return;
  src.replicationStatus = ok ? 'COMPLETED' : 'FAILED';
  touchVersion(src);
}

/** Writes `src` into the rule's destination bucket under the same version id; false when it cannot. */
async function copyTo(r: Rule, src: ObjectRec): Promise<boolean> {
  const name = bucketOfArn(r.Destination.Bucket)!;
  const usable = () => {
    const d = s3State().buckets.get(name);
    return d && d.versioning === 'Enabled' ? d : undefined;
  };
  const vid = versionOf(src);
  let dest = usable();
  if (!dest) return false;
  if (findVersion(name, src.key, vid)) return true;
  if (src.deleteMarker) {
    writeVersion(dest, { ...src, bucket: name, seq: undefined }, { versionId: vid, replicate: false });
    return true;
  }
  const blob = await putBlob(src.size === 0 ? Readable.from([]) : readBlob(src.blob), [], 's3');
  dest = usable();
  if (!dest || findVersion(name, src.key, vid)) { deleteBlob(blob.id); return !!dest; }
  const replica: ObjectRec = {
    ...structuredClone(src), bucket: name, blob: blob.id, seq: undefined, replicationStatus: 'REPLICA',
    storageClass: r.Destination.StorageClass ?? src.storageClass,
    // The destination bucket's owner owns the replica: ACLs are not carried over.
    acl: undefined, restore: undefined,
  };
  writeVersion(dest, replica, { versionId: vid, replicate: false });
  return true;
}

onReset((service) => {
  if (service && service !== 's3') return;
  for (const t of timers) t.cancel();
  timers.clear();
});

// After a restart, versions still PENDING are replicated again.
onRebuild((s) => {
  for (const t of timers) t.cancel();
  timers.clear();
  for (const col of [s.objects, s.noncurrent]) {
    for (const o of col.values()) if (o.replicationStatus === 'PENDING') schedule(o.bucket, o.key, versionOf(o), 0);
  }
});
