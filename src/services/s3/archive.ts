// Archive storage classes (GLACIER, DEEP_ARCHIVE): objects are not readable until restored.
// RestoreObject starts a restore that completes after its tier's time on the virtual clock;
// the restored copy then stays readable until its expiry. The state is computed from the
// stored times against the clock, so nothing needs a timer except the completion event.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { invalidArgument, malformedXml, ownBucket } from './common.js';
import { onRebuild, type ObjectRec } from './state.js';
import { readVersion } from './targets.js';
import { findVersion, touchVersion, versionOf } from './versions.js';
import { notify, notifyFromService } from './notifications.js';

export const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);
const MIN = 60_000, HOUR = 60 * MIN, DAY = 24 * HOUR;

/**
 * Retrieval times: the upper bounds of "Archive retrieval options" (S3 User Guide,
 * restoring-objects-retrieval-options.html): S3 Glacier Flexible Retrieval Expedited 1–5
 * minutes, Standard 3–5 hours, Bulk 5–12 hours; S3 Glacier Deep Archive Standard within 12
 * hours, Bulk within 48 hours (Expedited is not offered for Deep Archive).
 */
const RETRIEVAL_MS: Record<string, Record<string, number>> = {
  GLACIER: { Expedited: 5 * MIN, Standard: 5 * HOUR, Bulk: 12 * HOUR },
  DEEP_ARCHIVE: { Standard: 12 * HOUR, Bulk: 48 * HOUR },
};

/** True while a restore is running. */
const ongoing = (o: ObjectRec, now = clock.now()) => !!o.restore && o.restore.readyAt > now;
/** True while a restored copy can be read. */
const restored = (o: ObjectRec, now = clock.now()) => !!o.restore && o.restore.readyAt <= now && o.restore.expiry > now;

/** GetObject/CopyObject of an archived object that has no readable restored copy: 403 InvalidObjectState. */
export function checkReadable(o: ObjectRec): void {
  if (ARCHIVE_CLASSES.has(o.storageClass) && !restored(o)) {
    throw new ServiceError('InvalidObjectState', "The operation is not valid for the object's storage class", 403, { StorageClass: o.storageClass });
  }
}

/** ListObjectVersions/ListObjectsV2 RestoreStatus (x-amz-optional-object-attributes: RestoreObject). */
export function restoreStatus(o: ObjectRec): { IsRestoreInProgress: boolean; RestoreExpiryDate?: Date } | undefined {
  if (!o.restore) return undefined;
  if (ongoing(o)) return { IsRestoreInProgress: true };
  return restored(o) ? { IsRestoreInProgress: false, RestoreExpiryDate: new Date(o.restore.expiry) } : undefined;
}

/** The x-amz-restore header of Head/GetObject. */
export function restoreHeader(o: ObjectRec): string | undefined {
  if (!o.restore) return undefined;
  const now = clock.now();
  if (ongoing(o, now)) return 'ongoing-request="true"';
  if (restored(o, now)) return `ongoing-request="false", expiry-date="${new Date(o.restore.expiry).toUTCString()}"`;
  return undefined;
}

/**
 * "Amazon S3 calculates the expiry date by adding the number of days that you specify in the
 * restoration request to the time when the requested restoration is completed, and then
 * rounding to the next day at midnight UTC" (S3 User Guide, "Restoring an archived object").
 */
const expiryAfter = (from: number, days: number) => {
  const t = from + days * DAY;
  return Math.ceil(t / DAY) * DAY === t ? t : Math.floor(t / DAY) * DAY + DAY;
};

export function restoreObject(ctx: RequestContext, input: T.RestoreObjectRequest): T.RestoreObjectOutput {
  const b = ownBucket(ctx, input.Bucket);
  const o = readVersion(b, input.Key, input.VersionId, 'POST');
  const req = input.RestoreRequest ?? {};
  if (req.Type === 'SELECT') throw new ServiceError('NotImplemented', 'Nimbus does not implement restore requests of type SELECT.', 501);
  if (!ARCHIVE_CLASSES.has(o.storageClass)) {
    throw new ServiceError('InvalidObjectState', "Restore is not allowed for the object's current storage class", 403, { StorageClass: o.storageClass });
  }
  const days = req.Days;
  if (days === undefined) throw malformedXml();
  if (!Number.isInteger(days) || days < 1) throw invalidArgument('Days must be a positive integer', 'Days', days);
  const tier = req.GlacierJobParameters?.Tier ?? req.Tier ?? 'Standard';
  const ms = RETRIEVAL_MS[o.storageClass][tier];
  if (ms === undefined) {
    throw invalidArgument(`${tier} retrieval is not supported for the ${o.storageClass} storage class`, 'Tier', tier);
  }
  const now = clock.now();
  if (ongoing(o, now)) throw new ServiceError('RestoreAlreadyInProgress', 'Object restore is already in progress', 409);
  if (restored(o, now)) {
    // Restoring an already restored copy only moves its expiry (200, not 202).
    o.restore!.expiry = expiryAfter(now, days);
    touchVersion(o);
    return { StatusCode: 200 } as T.RestoreObjectOutput;
  }
  const readyAt = now + ms;
  o.restore = { readyAt, expiry: expiryAfter(readyAt, days), tier };
  touchVersion(o);
  notify(ctx, b, 'ObjectRestore:Post', o);
  scheduleRestoreCompletion(b.owner, b.region, o);
  return { StatusCode: 202 } as T.RestoreObjectOutput;
}

/** Sends s3:ObjectRestore:Completed when the restore finishes on the virtual clock. */
export function scheduleRestoreCompletion(owner: string, region: string, o: ObjectRec): void {
  const r = o.restore;
  if (!r) return;
  clock.schedule(r.readyAt, () => {
    // Still the same version with the same restore (not deleted, reset or restored again).
    if (o.restore !== r || findVersion(o.bucket, o.key, versionOf(o)) !== o) return;
    notifyFromService(owner, region, o.bucket, 'ObjectRestore:Completed', o);
  });
}

// After a load, restores still running get their completion event again.
onRebuild((s) => {
  const now = clock.now();
  for (const o of [...s.objects.values(), ...s.noncurrent.values()]) {
    const b = o.restore && o.restore.readyAt > now ? s.buckets.get(o.bucket) : undefined;
    if (b) scheduleRestoreCompletion(b.owner, b.region, o);
  }
});
