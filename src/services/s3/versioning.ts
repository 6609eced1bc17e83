// Bucket versioning (Put/GetBucketVersioning) and ListObjectVersions, which pages the
// bucket's ordered key index and, per key, its versions newest first: O(log n + page).
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { XML_ORDER } from '../../protocols/xml.js';
import { checkBufferedMd5 } from './body.js';
import { malformedXml, ownBucket, ownerOf, seconds } from './common.js';
import { s3State, type ObjectRec } from './state.js';
import { allVersions, versionOf } from './versions.js';
import { restoreStatus } from './archive.js';

export function putBucketVersioning(ctx: RequestContext, input: T.PutBucketVersioningRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const c = input.VersioningConfiguration ?? {};
  if (c.MFADelete === 'Enabled') {
    // MFA delete needs the root's device serial and a code in x-amz-mfa; Nimbus does not run it.
    if (!input.MFA) throw new ServiceError('AccessDenied', 'Mfa Authentication must be used for this request', 403);
    throw new ServiceError('NotImplemented', 'Nimbus does not implement MFA delete.', 501);
  }
  const status = c.Status;
  if (status === undefined) return;
  if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
  // "You can't suspend versioning on a bucket that has Object Lock enabled" (S3 User Guide,
  // "Object Lock considerations").
  if (b.objectLock && status === 'Suspended') {
    throw new ServiceError('InvalidBucketState', 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.', 409, { BucketName: b.name });
  }
  b.versioning = status as 'Enabled' | 'Suspended';
  s3State().buckets.touch(b.name);
}

/** A bucket that never had versioning configured answers no Status at all. */
export function getBucketVersioning(ctx: RequestContext, input: T.GetBucketVersioningRequest): T.GetBucketVersioningOutput {
  const b = ownBucket(ctx, input.Bucket);
  return b.versioning ? { Status: b.versioning } : {};
}

const encoder = (type: string | undefined) => (s: string | undefined): string | undefined =>
  s === undefined || type !== 'url' ? s : encodeURIComponent(s).replace(/%2F/g, '/');

export function listObjectVersions(ctx: RequestContext, input: T.ListObjectVersionsRequest): T.ListObjectVersionsOutput {
  const b = ownBucket(ctx, input.Bucket);
  if (input.EncodingType !== undefined && input.EncodingType !== 'url') {
    throw new ServiceError('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { ArgumentName: 'encoding-type', ArgumentValue: input.EncodingType });
  }
  const maxKeys = input.MaxKeys ?? 1000;
  if (maxKeys < 0) throw new ServiceError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, { ArgumentName: 'max-keys', ArgumentValue: String(maxKeys) });
  const max = Math.min(maxKeys, 1000);
  const keyMarker = input.KeyMarker ?? '';
  const vidMarker = input.VersionIdMarker;
  if (vidMarker !== undefined && vidMarker !== '' && !keyMarker) {
    throw new ServiceError('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', 400, { ArgumentName: 'version-id-marker', ArgumentValue: vidMarker });
  }
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter || undefined;
  const idx = s3State().index.get(b.name)!;
  const keys = idx.keys;
  const owner = ownerOf(b.owner);
  const enc = encoder(input.EncodingType);
  const versions: T.ObjectVersion[] = [];
  const markers: T.DeleteMarkerEntry[] = [];
  // S3 writes <Version> and <DeleteMarker> interleaved, in key then newest-first order.
  const documentOrder: [string, unknown][] = [];
  const prefixes: string[] = [];
  let count = 0;
  let truncated = false;
  let nextKey: string | undefined, nextVid: string | undefined;

  const emit = (o: ObjectRec, latest: boolean) => {
    const base = { Key: enc(o.key), VersionId: versionOf(o), IsLatest: latest, LastModified: new Date(seconds(o.lastModified)), Owner: owner };
    if (o.deleteMarker) { markers.push(base); documentOrder.push(['DeleteMarkers', base]); return; }
    const v = {
      ...base, ETag: o.etag, Size: o.size, StorageClass: o.storageClass,
      ...(o.checksum ? { ChecksumAlgorithm: [o.checksum.algorithm], ChecksumType: o.checksum.type } : {}),
      RestoreStatus: input.OptionalObjectAttributes?.includes('RestoreObject') ? restoreStatus(o) : undefined,
    };
    versions.push(v);
    documentOrder.push(['Versions', v]);
  };

  // With a version-id marker the listing resumes inside the marker's key, else after it.
  let i = idx.lowerBound(prefix);
  if (keyMarker) i = Math.max(i, idx.lowerBound(keyMarker, !vidMarker));
  outer:
  while (i < keys.length) {
    const k = keys[i];
    if (!k.startsWith(prefix)) break;
    if (delimiter) {
      const d = k.indexOf(delimiter, prefix.length);
      if (d >= 0) {
        const cp = k.slice(0, d + delimiter.length);
        const next = idx.endOfPrefix(cp, i);
        if (keyMarker && keyMarker.startsWith(cp)) { i = next; continue; }
        if (count >= max) { truncated = true; break; }
        prefixes.push(cp);
        count++;
        nextKey = cp; nextVid = undefined;
        i = next;
        continue;
      }
    }
    let stack = allVersions(b.name, k);
    if (k === keyMarker && vidMarker) {
      const at = stack.findIndex((o) => versionOf(o) === vidMarker);
      if (at < 0) {
        throw new ServiceError('InvalidArgument', 'Invalid version id specified', 400, { ArgumentName: 'version-id-marker', ArgumentValue: vidMarker });
      }
      stack = stack.slice(at + 1);
    }
    const latest = allVersions(b.name, k)[0];
    for (const o of stack) {
      if (count >= max) { truncated = true; break outer; }
      emit(o, o === latest);
      count++;
      nextKey = o.key; nextVid = versionOf(o);
    }
    i++;
  }
  const out: T.ListObjectVersionsOutput = {
    IsTruncated: truncated,
    KeyMarker: enc(keyMarker),
    VersionIdMarker: vidMarker ?? '',
    NextKeyMarker: truncated ? enc(nextKey) : undefined,
    NextVersionIdMarker: truncated && nextVid !== undefined ? nextVid : undefined,
    Versions: versions.length ? versions : undefined,
    DeleteMarkers: markers.length ? markers : undefined,
    Name: b.name,
    Prefix: enc(prefix),
    Delimiter: enc(input.Delimiter),
    MaxKeys: maxKeys,
    CommonPrefixes: prefixes.length ? prefixes.map((p) => ({ Prefix: enc(p) })) : undefined,
    EncodingType: input.EncodingType,
  };
  return Object.assign(out, { [XML_ORDER]: documentOrder });
}

