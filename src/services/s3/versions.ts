// The version store. Each key has at most one current version (an object or a delete marker),
// kept in `objects` under `bucket/key` so the existing listing index is unchanged, and a
// list of noncurrent versions, newest first, in `noncurrent` (with a derived per-key list).
// Versioning rules from the S3 User Guide, "Working with objects in a versioning-enabled
// bucket" and "… versioning-suspended bucket": an unversioned or suspended bucket writes the
// `null` version, replacing the existing null version wherever it is in the stack; an enabled
// bucket adds a version with a fresh id on top.
import { randomBytes } from 'node:crypto';
import { deleteBlob } from '../../core/blobs.js';
import { ServiceError } from '../../core/errors.js';
import { noncurrentId, objectId, s3State, type BucketRec, type ObjectRec } from './state.js';

export const NULL_VERSION = 'null';
const VERSION_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

/** A version id as S3 shows them: 32 opaque characters of letters, digits, '.' and '_'. */
export function newVersionId(): string {
  const b = randomBytes(32);
  let s = '';
  for (let i = 0; i < 32; i++) s += VERSION_ALPHABET[b[i] & 63];
  return s;
}

export const wellFormedVersionId = (v: string): boolean => v === NULL_VERSION || /^[A-Za-z0-9._]{32}$/.test(v);

export const versionOf = (o: ObjectRec): string => o.versionId ?? NULL_VERSION;

export const invalidVersionId = (v: string) =>
  new ServiceError('InvalidArgument', 'Invalid version id specified', 400, { ArgumentName: 'versionId', ArgumentValue: v });
export const noSuchVersion = (key: string, v: string) =>
  new ServiceError('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: v });

export function currentVersion(bucket: string, key: string): ObjectRec | undefined {
  return s3State().objects.get(objectId(bucket, key));
}

/** The key's noncurrent versions, newest first (empty when none). */
export function noncurrentVersions(bucket: string, key: string): readonly ObjectRec[] {
  return s3State().history.get(objectId(bucket, key)) ?? [];
}

/** Every version of a key, newest first. */
export function allVersions(bucket: string, key: string): ObjectRec[] {
  const cur = currentVersion(bucket, key);
  return cur ? [cur, ...noncurrentVersions(bucket, key)] : [];
}

export function findVersion(bucket: string, key: string, versionId: string): ObjectRec | undefined {
  const cur = currentVersion(bucket, key);
  if (!cur) return undefined;
  if (versionOf(cur) === versionId) return cur;
  return noncurrentVersions(bucket, key).find((o) => versionOf(o) === versionId);
}

/** The time a version stopped being current: when its successor was written. */
export function noncurrentSince(o: ObjectRec): number | undefined {
  const stack = allVersions(o.bucket, o.key);
  const i = stack.indexOf(o);
  return i > 0 ? stack[i - 1].lastModified : undefined;
}

const dropBlob = (o: ObjectRec) => { if (!o.deleteMarker && o.blob) deleteBlob(o.blob); };

function removeNoncurrent(o: ObjectRec): void {
  const s = s3State();
  s.noncurrent.delete(noncurrentId(o));
  const id = objectId(o.bucket, o.key);
  const l = s.history.get(id);
  if (!l) return;
  const i = l.indexOf(o);
  if (i >= 0) l.splice(i, 1);
  if (!l.length) s.history.delete(id);
}

export interface WriteOptions {
  /** A replica keeps its source's version id (replication.ts). */
  versionId?: string;
  /** False for writes S3 makes on its own that replication skips (lifecycle markers, replicas). */
  replicate?: boolean;
}

const writeHooks: ((bucket: BucketRec, rec: ObjectRec) => void)[] = [];
/** Runs as a new version is written, before it is stored (replication marks it PENDING). */
export function onVersionWrite(h: (bucket: BucketRec, rec: ObjectRec) => void): void { writeHooks.push(h); }

/**
 * Writes `rec` (an object or a delete marker) as the key's new current version, with the
 * version id the bucket's versioning state gives it. Blobs of replaced null versions go.
 */
export function writeVersion(bucket: BucketRec, rec: ObjectRec, opts: WriteOptions = {}): ObjectRec {
  const s = s3State();
  rec.seq = s.seq.next++;
  rec.versionId = opts.versionId ?? (bucket.versioning === 'Enabled' ? newVersionId() : NULL_VERSION);
  if (opts.replicate !== false) for (const h of writeHooks) h(bucket, rec);
  const id = objectId(rec.bucket, rec.key);
  const cur = s.objects.get(id);
  let replaced: ObjectRec | undefined;
  if (rec.versionId === NULL_VERSION) {
    if (cur && versionOf(cur) === NULL_VERSION) replaced = cur;
    else {
      const old = noncurrentVersions(rec.bucket, rec.key).find((o) => versionOf(o) === NULL_VERSION);
      if (old) { removeNoncurrent(old); dropBlob(old); }
    }
  }
  if (cur && !replaced) {
    s.noncurrent.set(noncurrentId(cur), cur);
    let l = s.history.get(id);
    if (!l) s.history.set(id, l = []);
    l.unshift(cur);
  }
  s.objects.set(id, rec);
  s.index.get(rec.bucket)?.add(rec.key);
  if (replaced && replaced.blob !== rec.blob) dropBlob(replaced);
  return rec;
}

/** Permanently removes one version; when it was current, the newest noncurrent one takes its place. */
export function removeVersion(o: ObjectRec): void {
  const s = s3State();
  const id = objectId(o.bucket, o.key);
  if (s.objects.get(id) === o) {
    const next = s.history.get(id)?.[0];
    if (next) {
      removeNoncurrent(next);
      s.objects.set(id, next);
    } else {
      s.objects.delete(id);
      s.index.get(o.bucket)?.remove(o.key);
    }
  } else removeNoncurrent(o);
  dropBlob(o);
}

/** Journals an in-place change to a version (tags, retention, restore). */
export function touchVersion(o: ObjectRec): void {
  const s = s3State();
  const id = objectId(o.bucket, o.key);
  if (s.objects.get(id) === o) s.objects.touch(id);
  else s.noncurrent.touch(noncurrentId(o));
}

/** Every version in a bucket (deleting a bucket, the lifecycle sweep). */
export function* bucketVersions(bucket: string): Generator<ObjectRec> {
  const idx = s3State().index.get(bucket);
  if (!idx) return;
  for (const k of [...idx.keys]) yield* allVersions(bucket, k);
}
