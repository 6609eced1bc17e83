// S3 state. Bucket names are one namespace shared by every account and region ("bucket names
// must be unique across all AWS accounts in all the AWS Regions within a partition", S3 User
// Guide, Bucket naming rules), so all S3 state lives in ONE scope (account 'global', region
// 'global'); each bucket records its owner account and its region, and handlers check the
// owner. Objects are records keyed `bucket/key` whose bodies are blobs (core/blobs); beside
// the journalled collections each bucket keeps an ordered index of its keys (sorted in UTF-8
// byte order, as S3 lists), rebuilt after a load, so a listing page costs O(log n + page).
import { defineState, type Collection } from '../../core/state.js';
import type { ChecksumAlgorithm } from './checksums.js';

export interface BucketRec {
  name: string;
  owner: string;
  region: string;
  created: number;
  tags?: { Key: string; Value: string }[];
  /** Absent until versioning was first configured (GetBucketVersioning then has no Status). */
  versioning?: 'Enabled' | 'Suspended';
  objectLock?: boolean;
  /** Bucket subresources (policy, cors, lifecycle, …) as the client sent them, by name. */
  config?: Record<string, unknown>;
}

/** The headers S3 stores with an object and returns on Get/Head. */
export interface ObjectHeaders {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  websiteRedirectLocation?: string;
}

export interface ObjectRec extends ObjectHeaders {
  bucket: string;
  key: string;
  blob: string;
  size: number;
  etag: string;            // with quotes, as S3 writes it
  lastModified: number;    // epoch ms
  metadata: Record<string, string>;
  storageClass: string;
  sse: string;
  kmsKeyId?: string;
  bucketKeyEnabled?: boolean;
  tags: { Key: string; Value: string }[];
  checksum?: { algorithm: ChecksumAlgorithm; value: string; type: 'FULL_OBJECT' | 'COMPOSITE' };
  /** Part sizes of an object assembled from a multipart upload. */
  partSizes?: number[];
  /** A composite-checksum multipart object's part numbers and part checksums (GetObjectAttributes). */
  partNumbers?: number[];
  partChecksums?: string[];
  /** x-amz-replication-status: PENDING/COMPLETED/FAILED on a source version, REPLICA on a replica (replication.ts). */
  replicationStatus?: 'PENDING' | 'COMPLETED' | 'FAILED' | 'REPLICA';
  /** 'null' for the null version (written while versioning was off or suspended). */
  versionId?: string;
  deleteMarker?: boolean;
  /** Write order across the service: newest-first ordering of versions, event sequencers. */
  seq?: number;
  retention?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; until: number };
  legalHold?: boolean;
  /** An archived object's restore: in progress until readyAt, readable until expiry. */
  restore?: { readyAt: number; expiry: number; tier: string };
  acl?: AclRec;
}

export interface AclRec { owner: string; grants: { grantee: Record<string, string>; permission: string }[] }

export interface PartRec {
  blob: string;
  size: number;
  etag: string;
  md5: string;   // hex
  lastModified: number;
  checksum?: string;
}

export interface UploadRec extends ObjectHeaders {
  id: string;
  bucket: string;
  key: string;
  initiated: number;
  metadata: Record<string, string>;
  storageClass: string;
  sse: string;
  kmsKeyId?: string;
  bucketKeyEnabled?: boolean;
  tags: { Key: string; Value: string }[];
  lock?: { retention?: ObjectRec['retention']; legalHold?: boolean };
  acl?: AclRec;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
  parts: Record<string, PartRec>;
}

/** Compares strings by code point, which is UTF-8 byte order (not JS's UTF-16 order). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800–DFFF) encode code points above U+FFFF: they sort after U+E000–FFFF.
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/** The sorted keys of one bucket. */
export class KeyIndex {
  readonly keys: string[] = [];

  /** First position whose key is >= `k` (or > `k` when `after`). */
  lowerBound(k: string, after = false): number {
    let lo = 0, hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKeys(this.keys[mid], k);
      if (c < 0 || (after && c === 0)) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** First position at or after `from` whose key does not start with `prefix`. */
  endOfPrefix(prefix: string, from: number): number {
    let lo = from, hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid].startsWith(prefix)) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  add(k: string): void {
    const i = this.lowerBound(k);
    if (this.keys[i] !== k) this.keys.splice(i, 0, k);
  }

  remove(k: string): void {
    const i = this.lowerBound(k);
    if (this.keys[i] === k) this.keys.splice(i, 1);
  }
}

export interface S3State {
  buckets: Collection<BucketRec>;
  objects: Collection<ObjectRec>;
  uploads: Collection<UploadRec>;
  /** Versions that are not current, keyed `bucket/versionId/key`. */
  noncurrent: Collection<ObjectRec>;
  /** bucket name → its ordered key index (derived): keys with a current version or marker. */
  index: Map<string, KeyIndex>;
  /** objectId → that key's noncurrent versions, newest first (derived). */
  history: Map<string, ObjectRec[]>;
  /** The next write's sequence number (derived: one past the highest stored). */
  seq: { next: number };
}

const scoped = defineState<S3State>({
  service: 's3',
  create: (c) => ({
    buckets: c.collection<BucketRec>('buckets'),
    objects: c.collection<ObjectRec>('objects'),
    uploads: c.collection<UploadRec>('uploads'),
    noncurrent: c.collection<ObjectRec>('noncurrent'),
    index: new Map(),
    history: new Map(),
    seq: { next: 1 },
  }),
  rebuild(s) {
    s.index.clear();
    s.history.clear();
    let top = 0;
    for (const o of s.objects.values()) top = Math.max(top, o.seq ?? 0);
    for (const o of s.noncurrent.values()) {
      top = Math.max(top, o.seq ?? 0);
      const id = objectId(o.bucket, o.key);
      let l = s.history.get(id);
      if (!l) s.history.set(id, l = []);
      l.push(o);
    }
    for (const l of s.history.values()) l.sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
    s.seq.next = top + 1;
    for (const b of s.buckets.keys()) s.index.set(b, new KeyIndex());
    const byBucket = new Map<string, string[]>();
    for (const o of s.objects.values()) {
      let l = byBucket.get(o.bucket);
      if (!l) byBucket.set(o.bucket, l = []);
      l.push(o.key);
    }
    for (const [b, keys] of byBucket) {
      let idx = s.index.get(b);
      if (!idx) s.index.set(b, idx = new KeyIndex());
      for (const k of keys.sort(compareKeys)) idx.keys.push(k);
    }
  },
});

/** Runs after a load (journal or snapshot): re-arms timers kept outside the collections. */
export const onRebuild = scoped.onRebuild;

/** The one S3 state (see above for why it is not per account and region). */
export const s3State = (): S3State => scoped({ accountId: 'global', region: 'global' });

export const objectId = (bucket: string, key: string): string => `${bucket}/${key}`;
export const noncurrentId = (o: { bucket: string; key: string; versionId?: string }): string => `${o.bucket}/${o.versionId ?? 'null'}/${o.key}`;
