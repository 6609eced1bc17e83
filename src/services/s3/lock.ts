// Object Lock: the bucket's configuration (default retention), per-version retention and
// legal hold, and the check every permanent delete or overwrite-by-version goes through.
// Rules from the S3 User Guide, "Locking objects with Object Lock" (retention modes, "How
// Object Lock works", "Bypassing governance mode") and the PutObjectRetention/
// PutObjectLockConfiguration API references.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { checkBufferedMd5 } from './body.js';
import { header, invalidArgument, invalidRequest, malformedXml, ownBucket } from './common.js';
import { s3State, type BucketRec, type ObjectRec } from './state.js';
import { lockedTarget } from './targets.js';
import { touchVersion } from './versions.js';

type Mode = 'GOVERNANCE' | 'COMPLIANCE';
const DAY = 86_400_000;

export const lockDenied = () => new ServiceError('AccessDenied', 'Access Denied because object protected by object lock.', 403);
const missingLockConfig = () => invalidRequest('Bucket is missing Object Lock Configuration');
const noObjectLockConfig = () => new ServiceError('NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration', 404);

/** A checksum or Content-MD5 accompanies the request (header, trailer or SDK declaration). */
export function hasIntegrityHeader(ctx: RequestContext): boolean {
  const h = ctx.http?.headers ?? {};
  return Object.keys(h).some((k) => k === 'content-md5' || k.startsWith('x-amz-checksum-') || k === 'x-amz-sdk-checksum-algorithm'
    || (k === 'x-amz-trailer' && String(h[k]).toLowerCase().startsWith('x-amz-checksum-')));
}

interface LockHeaders { ObjectLockMode?: string; ObjectLockRetainUntilDate?: T.Timestamp; ObjectLockLegalHoldStatus?: string }

/**
 * The lock a new object gets: from its x-amz-object-lock-* headers, else the bucket's default
 * retention. "The Content-MD5 or x-amz-sdk-checksum-algorithm header is required for any
 * request to upload an object with a retention period configured using Amazon S3 Object Lock"
 * (PutObject API reference).
 */
export function lockForNewObject(ctx: RequestContext, bucket: BucketRec, input: LockHeaders, withBody: boolean): { retention?: ObjectRec['retention']; legalHold?: boolean } {
  const explicit = input.ObjectLockMode !== undefined || input.ObjectLockRetainUntilDate !== undefined || input.ObjectLockLegalHoldStatus !== undefined;
  if (explicit && !bucket.objectLock) throw missingLockConfig();
  if ((input.ObjectLockMode === undefined) !== (input.ObjectLockRetainUntilDate === undefined)) {
    throw invalidArgument('x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
  }
  const out: { retention?: ObjectRec['retention']; legalHold?: boolean } = {};
  if (input.ObjectLockMode !== undefined) {
    const until = new Date(input.ObjectLockRetainUntilDate!).getTime();
    if (!(until > clock.now())) throw invalidArgument('The retain until date must be in the future!');
    out.retention = { mode: input.ObjectLockMode as Mode, until };
  } else if (bucket.objectLock) {
    const d = (bucket.config?.objectLock as T.ObjectLockConfiguration | undefined)?.Rule?.DefaultRetention;
    if (d?.Mode) out.retention = { mode: d.Mode as Mode, until: clock.now() + (d.Days ?? 0) * DAY + (d.Years ?? 0) * 365 * DAY };
  }
  if (input.ObjectLockLegalHoldStatus !== undefined) out.legalHold = input.ObjectLockLegalHoldStatus === 'ON';
  if (withBody && (out.retention || out.legalHold !== undefined) && !hasIntegrityHeader(ctx)) {
    throw invalidRequest('Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
  }
  return out;
}

/** Whether a bypass of governance mode was asked for (x-amz-bypass-governance-retention: true). */
export const bypassRequested = (ctx: RequestContext, input: { BypassGovernanceRetention?: boolean }): boolean =>
  input.BypassGovernanceRetention === true || header(ctx, 'x-amz-bypass-governance-retention')?.toLowerCase() === 'true';

/** Refuses to remove a version that a legal hold or an unexpired retention period protects. */
export function checkRemovable(o: ObjectRec, bypass: boolean): void {
  if (o.legalHold) throw lockDenied();
  const r = o.retention;
  if (r && r.until > clock.now() && (r.mode === 'COMPLIANCE' || !bypass)) throw lockDenied();
}

export function lockHeaders(o: ObjectRec): Record<string, unknown> {
  return {
    ObjectLockMode: o.retention?.mode,
    ObjectLockRetainUntilDate: o.retention ? new Date(o.retention.until) : undefined,
    ObjectLockLegalHoldStatus: o.legalHold === undefined ? undefined : o.legalHold ? 'ON' : 'OFF',
  };
}

export function putObjectLockConfiguration(ctx: RequestContext, input: T.PutObjectLockConfigurationRequest): T.PutObjectLockConfigurationOutput {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const c = input.ObjectLockConfiguration;
  if (!c || c.ObjectLockEnabled !== 'Enabled') throw malformedXml();
  const d = c.Rule?.DefaultRetention;
  if (c.Rule) {
    if (!d || !d.Mode || (d.Days === undefined) === (d.Years === undefined)) throw malformedXml();
    if ((d.Days ?? d.Years)! <= 0) throw invalidArgument('Default retention period must be a positive integer value', 'Days', d.Days ?? d.Years);
  }
  // "You can enable Object Lock for existing buckets … versioning must be enabled" (S3 User
  // Guide, "Enabling Object Lock on an existing bucket").
  if (!b.objectLock && b.versioning !== 'Enabled') {
    throw new ServiceError('InvalidBucketState', "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration", 409, { BucketName: b.name });
  }
  b.objectLock = true;
  b.config = { ...b.config, objectLock: { ObjectLockEnabled: 'Enabled', ...(c.Rule ? { Rule: { DefaultRetention: { ...d } } } : {}) } };
  s3State().buckets.touch(b.name);
  return {};
}

export function getObjectLockConfiguration(ctx: RequestContext, input: T.GetObjectLockConfigurationRequest): T.GetObjectLockConfigurationOutput {
  const b = ownBucket(ctx, input.Bucket);
  if (!b.objectLock) {
    throw new ServiceError('ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket', 404, { BucketName: b.name });
  }
  return { ObjectLockConfiguration: (b.config?.objectLock as T.ObjectLockConfiguration | undefined) ?? { ObjectLockEnabled: 'Enabled' } };
}

export function putObjectRetention(ctx: RequestContext, input: T.PutObjectRetentionRequest): T.PutObjectRetentionOutput {
  const b = ownBucket(ctx, input.Bucket);
  if (!b.objectLock) throw missingLockConfig();
  const o = lockedTarget(b, input.Key, input.VersionId);
  checkBufferedMd5(ctx);
  const r = input.Retention;
  const bypass = bypassRequested(ctx, input);
  const cur = o.retention && o.retention.until > clock.now() ? o.retention : undefined;
  if (!r?.Mode && !r?.RetainUntilDate) {
    // Removing a retention: only an unprotected or governance one, with the bypass.
    if (cur && (cur.mode === 'COMPLIANCE' || !bypass)) throw lockDenied();
    delete o.retention;
    touchVersion(o);
    return {};
  }
  if (!r.Mode || !r.RetainUntilDate) throw malformedXml();
  const until = new Date(r.RetainUntilDate).getTime();
  if (!(until > clock.now())) throw invalidArgument('The retain until date must be in the future!');
  if (cur) {
    const weaker = until < cur.until || (cur.mode === 'COMPLIANCE' && r.Mode !== 'COMPLIANCE');
    // COMPLIANCE can only be extended; GOVERNANCE can be shortened or changed with the bypass.
    if (weaker && (cur.mode === 'COMPLIANCE' || !bypass)) throw lockDenied();
  }
  o.retention = { mode: r.Mode as Mode, until };
  touchVersion(o);
  return {};
}

export function getObjectRetention(ctx: RequestContext, input: T.GetObjectRetentionRequest): T.GetObjectRetentionOutput {
  const b = ownBucket(ctx, input.Bucket);
  if (!b.objectLock) throw missingLockConfig();
  const o = lockedTarget(b, input.Key, input.VersionId);
  if (!o.retention) throw noObjectLockConfig();
  return { Retention: { Mode: o.retention.mode, RetainUntilDate: new Date(o.retention.until) } };
}

export function putObjectLegalHold(ctx: RequestContext, input: T.PutObjectLegalHoldRequest): T.PutObjectLegalHoldOutput {
  const b = ownBucket(ctx, input.Bucket);
  if (!b.objectLock) throw missingLockConfig();
  const o = lockedTarget(b, input.Key, input.VersionId);
  checkBufferedMd5(ctx);
  const st = input.LegalHold?.Status;
  if (st !== 'ON' && st !== 'OFF') throw malformedXml();
  o.legalHold = st === 'ON';
  touchVersion(o);
  return {};
}

export function getObjectLegalHold(ctx: RequestContext, input: T.GetObjectLegalHoldRequest): T.GetObjectLegalHoldOutput {
  const b = ownBucket(ctx, input.Bucket);
  if (!b.objectLock) throw missingLockConfig();
  const o = lockedTarget(b, input.Key, input.VersionId);
  if (o.legalHold === undefined) throw noObjectLockConfig();
  return { LegalHold: { Status: o.legalHold ? 'ON' : 'OFF' } };
}
