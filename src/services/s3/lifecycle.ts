// Lifecycle: Put/Get/DeleteBucketLifecycle(Configuration), validated as S3 does, and the sweep
// that applies the rules. "Amazon S3 runs lifecycle rules once a day" and "calculates the time
// by adding the number of days specified in the rule to the object creation time and rounding
// the resulting time to the next day midnight UTC. For example, if an object was created on
// 1/15/2014 10:30 AM UTC and you specify 3 days in an expiration rule, the expiration date of
// the object would be calculated as 1/19/2014 00:00 UTC" (S3 User Guide, "Lifecycle
// configuration elements", Expiration/Days). The sweep runs at each midnight UTC of the
// virtual clock; a jump of several days runs one sweep per midnight, in order.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { deleteBlob } from '../../core/blobs.js';
import { randomUUID } from 'node:crypto';
import { onReset } from '../../core/state.js';
import type { Timer } from '../../core/clock.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { checkBufferedMd5 } from './body.js';
import { invalidArgument, invalidRequest, malformedXml, ownBucket } from './common.js';
import { notifyFromService } from './notifications.js';
import { onRebuild, s3State, type BucketRec, type ObjectRec } from './state.js';
import { allVersions, currentVersion, noncurrentVersions, removeVersion, touchVersion, writeVersion } from './versions.js';

const DAY = 86_400_000;
type Rule = T.LifecycleRule;

/** Creation time + days, rounded up to the next midnight UTC (see above). */
export const eligibleAt = (from: number, days: number): number => Math.floor((from + days * DAY) / DAY) * DAY + DAY;

const lifecycle = (b: BucketRec) => b.config?.lifecycle as { Rules: Rule[] } | undefined;

const TRANSITION_CLASSES = new Set(['GLACIER', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'DEEP_ARCHIVE', 'GLACIER_IR']);

function validate(rules: Rule[]): void {
  if (rules.length === 0 || rules.length > 1000) throw malformedXml();
  const ids = new Set<string>();
  for (const r of rules) {
    if (r.ID !== undefined) {
      if (r.ID.length > 255) throw invalidArgument('ID length should not exceed allowed limit of 255', 'ID', r.ID);
      if (ids.has(r.ID)) throw invalidArgument('Rule ID must be unique. Found same ID for more than one rule', 'ID', r.ID);
      ids.add(r.ID);
    }
    if (r.Status !== 'Enabled' && r.Status !== 'Disabled') throw malformedXml();
    const f = r.Filter as Record<string, unknown> | undefined;
    if (f) {
      const set = ['Prefix', 'Tag', 'And', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan'].filter((k) => f[k] !== undefined);
      if (set.length > 1) throw malformedXml();
      if (r.Prefix !== undefined) throw malformedXml();
    }
    const a = r.Filter?.And;
    if (a && a.ObjectSizeGreaterThan !== undefined && a.ObjectSizeLessThan !== undefined && a.ObjectSizeGreaterThan >= a.ObjectSizeLessThan) {
      throw invalidArgument('ObjectSizeGreaterThan must be less than ObjectSizeLessThan', 'ObjectSizeGreaterThan', a.ObjectSizeGreaterThan);
    }
    const hasTags = !!r.Filter?.Tag || !!r.Filter?.And?.Tags?.length;
    if (!r.Expiration && !r.Transitions?.length && !r.NoncurrentVersionExpiration && !r.NoncurrentVersionTransitions?.length && !r.AbortIncompleteMultipartUpload) {
      throw invalidRequest('At least one action needs to be specified in a rule');
    }
    const e = r.Expiration;
    if (e) {
      const n = [e.Days, e.Date, e.ExpiredObjectDeleteMarker].filter((x) => x !== undefined).length;
      if (n !== 1) throw malformedXml();
      if (e.Days !== undefined && e.Days <= 0) throw invalidArgument("'Days' for Expiration action must be a positive integer", 'Days', e.Days);
      if (e.Date !== undefined && new Date(e.Date).getTime() % DAY !== 0) throw invalidArgument("'Date' must be at midnight GMT", 'Date', new Date(e.Date).toISOString());
      if (e.ExpiredObjectDeleteMarker !== undefined && hasTags) {
        throw invalidRequest('ExpiredObjectDeleteMarker cannot be specified with Tags in a Lifecycle Expiration Policy');
      }
    }
    for (const t of r.Transitions ?? []) {
      if (!t.StorageClass || !TRANSITION_CLASSES.has(t.StorageClass)) throw malformedXml();
      if ((t.Days === undefined) === (t.Date === undefined)) throw malformedXml();
      if (t.Days !== undefined && t.Days < 0) throw invalidArgument("'Days' in Transition action must be greater than or equal to 0", 'Days', t.Days);
      if (t.Days !== undefined && (t.StorageClass === 'STANDARD_IA' || t.StorageClass === 'ONEZONE_IA') && t.Days < 30) {
        throw invalidArgument(`'Days' in Transition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`, 'Days', t.Days);
      }
    }
    const nve = r.NoncurrentVersionExpiration;
    if (nve && !(nve.NoncurrentDays! > 0)) throw invalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer", 'NoncurrentDays', nve.NoncurrentDays);
    for (const t of r.NoncurrentVersionTransitions ?? []) {
      if (!t.StorageClass || !TRANSITION_CLASSES.has(t.StorageClass) || t.NoncurrentDays === undefined) throw malformedXml();
    }
    if (r.AbortIncompleteMultipartUpload) {
      if (hasTags) throw invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Tags.');
      if (!(r.AbortIncompleteMultipartUpload.DaysAfterInitiation! > 0)) {
        throw invalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer", 'DaysAfterInitiation', r.AbortIncompleteMultipartUpload.DaysAfterInitiation);
      }
    }
  }
}

export function putBucketLifecycleConfiguration(ctx: RequestContext, input: T.PutBucketLifecycleConfigurationRequest): T.PutBucketLifecycleConfigurationOutput {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const rules = structuredClone(input.LifecycleConfiguration?.Rules ?? []);
  validate(rules);
  // A rule without an ID gets a generated one, as S3 returns it.
  for (const r of rules) r.ID ??= Buffer.from(randomUUID()).toString('base64').slice(0, 48);
  b.config = { ...b.config, lifecycle: { Rules: rules } };
  s3State().buckets.touch(b.name);
  armSweeper();
  return { TransitionDefaultMinimumObjectSize: input.TransitionDefaultMinimumObjectSize ?? 'all_storage_classes_128K' };
}

export function getBucketLifecycleConfiguration(ctx: RequestContext, input: T.GetBucketLifecycleConfigurationRequest): T.GetBucketLifecycleConfigurationOutput {
  const b = ownBucket(ctx, input.Bucket);
  const l = lifecycle(b);
  if (!l) throw new ServiceError('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', 404, { BucketName: b.name });
  return { Rules: l.Rules, TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K' };
}

export function deleteBucketLifecycle(ctx: RequestContext, input: T.DeleteBucketLifecycleRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  if (b.config?.lifecycle) {
    const { lifecycle: _, ...rest } = b.config;
    b.config = rest;
    s3State().buckets.touch(b.name);
  }
}

/** Whether a rule's filter selects this object (prefix, tags, size). */
function selects(r: Rule, o: { key: string; size: number; tags: { Key: string; Value: string }[] }): boolean {
  const f = r.Filter;
  if (!o.key.startsWith(prefixOf(r))) return false;
  const tags = f?.Tag ? [f.Tag] : f?.And?.Tags ?? [];
  for (const t of tags) if (!o.tags.some((x) => x.Key === t.Key && x.Value === (t.Value ?? ''))) return false;
  const gt = f?.ObjectSizeGreaterThan ?? f?.And?.ObjectSizeGreaterThan;
  const lt = f?.ObjectSizeLessThan ?? f?.And?.ObjectSizeLessThan;
  if (gt !== undefined && !(o.size > gt)) return false;
  if (lt !== undefined && !(o.size < lt)) return false;
  return true;
}

/** When a current version expires under a rule, or undefined. */
function expiresAt(r: Rule, o: ObjectRec): number | undefined {
  const e = r.Expiration;
  if (!e || r.Status !== 'Enabled' || o.deleteMarker || !selects(r, o)) return undefined;
  if (e.Days !== undefined) return eligibleAt(o.lastModified, e.Days);
  if (e.Date !== undefined) return new Date(e.Date).getTime();
  return undefined;
}

/**
 * x-amz-expiration for a current version a rule will expire: `expiry-date="…", rule-id="…"`
 * (PutObject/HeadObject API references).
 */
export function expirationHeader(b: BucketRec, o: ObjectRec): string | undefined {
  const l = lifecycle(b);
  // Expiration rules act on current versions (a new object is current already).
  if (!l || (o.seq !== undefined && currentVersion(b.name, o.key) !== o)) return undefined;
  let best: { at: number; id: string } | undefined;
  for (const r of l.Rules) {
    const at = expiresAt(r, o);
    if (at !== undefined && (!best || at < best.at)) best = { at, id: r.ID ?? '' };
  }
  return best ? `expiry-date="${new Date(best.at).toUTCString()}", rule-id="${encodeURIComponent(best.id)}"` : undefined;
}

const protectedByLock = (o: ObjectRec, at: number) => o.legalHold || (!!o.retention && o.retention.until > at);

/** One lifecycle pass over a bucket, as of midnight `at`. */
function sweepBucket(b: BucketRec, at: number): void {
  const rules = lifecycle(b)?.Rules.filter((r) => r.Status === 'Enabled') ?? [];
  if (!rules.length) return;
  const s = s3State();
  const idx = s.index.get(b.name);
  if (!idx) return;
  for (const key of [...idx.keys]) {
    for (const r of rules) {
      const cur = allVersions(b.name, key)[0];
      if (!cur) break;
      if (!cur.deleteMarker && selects(r, cur)) {
        for (const t of r.Transitions ?? []) {
          const when = t.Days !== undefined ? eligibleAt(cur.lastModified, t.Days) : new Date(t.Date!).getTime();
          if (when <= at && cur.storageClass !== t.StorageClass) {
            cur.storageClass = t.StorageClass!;
            touchVersion(cur);
          }
        }
        const exp = expiresAt(r, cur);
        if (exp !== undefined && exp <= at) {
          if (!b.versioning) {
            if (!protectedByLock(cur, at)) { removeVersion(cur); notifyFromService(b.owner, b.region, b.name, 'LifecycleExpiration:Delete', cur); }
          } else {
            const m = writeVersion(b, {
              bucket: b.name, key, blob: '', size: 0, etag: '', lastModified: at, metadata: {}, storageClass: 'STANDARD', sse: '', tags: [], deleteMarker: true,
            }, { replicate: false }); // markers lifecycle adds are not replicated (S3 User Guide, "What is replicated")
            notifyFromService(b.owner, b.region, b.name, 'LifecycleExpiration:DeleteMarkerCreated', m);
          }
          continue;
        }
      }
      // A delete marker with no versions left behind it is an expired object delete marker.
      if (cur.deleteMarker && r.Expiration?.ExpiredObjectDeleteMarker && noncurrentVersions(b.name, key).length === 0 && key.startsWith(prefixOf(r))) {
        removeVersion(cur);
        notifyFromService(b.owner, b.region, b.name, 'LifecycleExpiration:Delete', cur);
        continue;
      }
      sweepNoncurrent(b, key, r, at);
    }
  }
  const abort = rules.filter((r) => r.AbortIncompleteMultipartUpload);
  if (abort.length) {
    for (const [id, u] of [...s.uploads.entries()]) {
      if (u.bucket !== b.name) continue;
      if (abort.some((r) => u.key.startsWith(prefixOf(r))
        && eligibleAt(u.initiated, r.AbortIncompleteMultipartUpload!.DaysAfterInitiation!) <= at)) {
        s.uploads.delete(id);
        for (const p of Object.values(u.parts)) deleteBlob(p.blob);
      }
    }
  }
}

const prefixOf = (r: Rule): string => r.Filter?.Prefix ?? r.Filter?.And?.Prefix ?? r.Prefix ?? '';

/**
 * NoncurrentVersionExpiration / NoncurrentVersionTransitions: a version's noncurrent age
 * counts from when its successor was written; NewerNoncurrentVersions keeps that many newer
 * noncurrent versions whatever their age (S3 User Guide, "Lifecycle configuration elements").
 */
function sweepNoncurrent(b: BucketRec, key: string, r: Rule, at: number): void {
  const nve = r.NoncurrentVersionExpiration;
  const nvts = r.NoncurrentVersionTransitions ?? [];
  if (!nve && !nvts.length) return;
  const stack = allVersions(b.name, key);
  for (let i = 1; i < stack.length; i++) {
    const o = stack[i];
    if (!selects(r, o) && !o.deleteMarker) continue;
    const since = stack[i - 1].lastModified;
    const newer = i - 1; // noncurrent versions newer than this one
    if (nve && eligibleAt(since, nve.NoncurrentDays!) <= at && newer >= (nve.NewerNoncurrentVersions ?? 0) && !protectedByLock(o, at)) {
      removeVersion(o);
      notifyFromService(b.owner, b.region, b.name, 'LifecycleExpiration:Delete', o);
      stack.splice(i--, 1);
      continue;
    }
    if (o.deleteMarker) continue;
    for (const t of nvts) {
      if (eligibleAt(since, t.NoncurrentDays!) <= at && newer >= (t.NewerNoncurrentVersions ?? 0) && o.storageClass !== t.StorageClass) {
        o.storageClass = t.StorageClass!;
        touchVersion(o);
      }
    }
  }
}

/** Runs every bucket's rules as of midnight `at`. */
export function sweep(at: number): void {
  for (const b of [...s3State().buckets.values()]) if (lifecycle(b)) sweepBucket(b, at);
}

let timer: Timer | undefined;

/** Arms the daily sweep at the next midnight UTC (once; it re-arms itself). */
export function armSweeper(): void {
  if (timer) return;
  const run = (at: number) => {
    timer = clock.schedule(at, () => {
      try { sweep(at); } finally { run(at + DAY); }
    });
  };
  run(Math.floor(clock.now() / DAY) * DAY + DAY);
}

onReset((service) => {
  if (service && service !== 's3') return;
  timer?.cancel();
  timer = undefined;
});
onRebuild((s) => {
  for (const b of s.buckets.values()) if (lifecycle(b)) { armSweeper(); break; }
});
