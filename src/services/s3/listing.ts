// ListObjectsV2 and ListObjects (v1), paged from the bucket's ordered key index: the start is
// found by binary search, and a run of keys rolled up into one CommonPrefix is skipped by
// another, so a page costs O(log n + page) whatever the bucket's size.
// Keys whose current version is a delete marker stay in the index (ListObjectVersions needs
// them) and are skipped here.
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { ownBucket, ownerOf, seconds } from './common.js';
import { compareKeys, objectId, s3State, type ObjectRec } from './state.js';
import { restoreStatus } from './archive.js';

interface Page {
  contents: ObjectRec[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix of the page (the next page starts after it). */
  last?: string;
}

/** Walks the keys after `marker` under `prefix`, rolling keys up at `delimiter`. */
function page(bucket: string, prefix: string, delimiter: string | undefined, marker: string, max: number): Page {
  const s = s3State();
  const idx = s.index.get(bucket)!;
  const keys = idx.keys;
  const out: Page = { contents: [], prefixes: [], truncated: false };
  // Start at the first key after the marker and at or after the prefix.
  let i = compareKeys(marker, prefix) >= 0 ? idx.lowerBound(marker, true) : idx.lowerBound(prefix);
  while (i < keys.length) {
    const k = keys[i];
    if (!k.startsWith(prefix)) break;
    let entry: string = k;
    let next = i + 1;
    let cp: string | undefined;
    if (delimiter) {
      const d = k.indexOf(delimiter, prefix.length);
      if (d >= 0) {
        cp = k.slice(0, d + delimiter.length);
        entry = cp;
        next = idx.endOfPrefix(cp, i);
        // A common prefix already returned on an earlier page (the marker lies inside it).
        if (compareKeys(cp, marker) <= 0) { i = next; continue; }
        // Keys whose current version is a delete marker are not listed; nor is a prefix of only those.
        if (!anyLive(bucket, keys, i, next)) { i = next; continue; }
      }
    }
    if (cp === undefined && s.objects.get(objectId(bucket, k))!.deleteMarker) { i = next; continue; }
    if (out.contents.length + out.prefixes.length >= max) { out.truncated = true; break; }
    if (cp !== undefined) out.prefixes.push(cp);
    else out.contents.push(s.objects.get(objectId(bucket, k))!);
    out.last = entry;
    i = next;
  }
  return out;
}

function anyLive(bucket: string, keys: string[], from: number, to: number): boolean {
  const objects = s3State().objects;
  for (let j = from; j < to; j++) if (!objects.get(objectId(bucket, keys[j]))?.deleteMarker) return true;
  return false;
}

/** EncodingType=url: S3 percent-encodes keys and prefixes (botocore decodes them). */
const encoder = (type: string | undefined) => (s: string | undefined): string | undefined =>
  s === undefined || type !== 'url' ? s : encodeURIComponent(s).replace(/%2F/g, '/');

function checkMaxKeys(n: number | undefined): number {
  const max = n ?? 1000;
  if (max < 0) throw new ServiceError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, { ArgumentName: 'max-keys', ArgumentValue: String(max) });
  return Math.min(max, 1000);
}

function checkEncoding(t: string | undefined): void {
  if (t !== undefined && t !== 'url') throw new ServiceError('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { ArgumentName: 'encoding-type', ArgumentValue: t });
}

function entry(o: ObjectRec, enc: (s: string) => string | undefined, owner?: T.Owner, attrs?: string[]): T.ObjectShape {
  return {
    // x-amz-optional-object-attributes: RestoreObject adds each archived object's restore status.
    ...(attrs?.includes('RestoreObject') ? { RestoreStatus: restoreStatus(o) } : {}),
    Key: enc(o.key), LastModified: new Date(seconds(o.lastModified)), ETag: o.etag, Size: o.size,
    StorageClass: o.storageClass,
    ...(o.checksum ? { ChecksumAlgorithm: [o.checksum.algorithm], ChecksumType: o.checksum.type } : {}),
    ...(owner ? { Owner: owner } : {}),
  };
}

export function listObjectsV2(ctx: RequestContext, input: T.ListObjectsV2Request): T.ListObjectsV2Output {
  const b = ownBucket(ctx, input.Bucket);
  checkEncoding(input.EncodingType);
  const max = checkMaxKeys(input.MaxKeys);
  const prefix = input.Prefix ?? '';
  let marker = input.StartAfter ?? '';
  if (input.ContinuationToken !== undefined) {
    const decoded = Buffer.from(input.ContinuationToken, 'base64url').toString('utf8');
    if (!input.ContinuationToken || !decoded.startsWith('1:')) {
      throw new ServiceError('InvalidArgument', 'The continuation token provided is incorrect', 400, { ArgumentName: 'continuation-token' });
    }
    marker = decoded.slice(2);
  }
  const p = page(b.name, prefix, input.Delimiter || undefined, marker, max);
  const enc = encoder(input.EncodingType);
  const owner = input.FetchOwner ? ownerOf(b.owner) : undefined;
  return {
    IsTruncated: p.truncated,
    Contents: p.contents.length ? p.contents.map((o) => entry(o, enc as (s: string) => string, owner, input.OptionalObjectAttributes)) : undefined,
    Name: b.name,
    Prefix: enc(prefix),
    Delimiter: enc(input.Delimiter),
    MaxKeys: input.MaxKeys ?? 1000,
    CommonPrefixes: p.prefixes.length ? p.prefixes.map((c) => ({ Prefix: enc(c) })) : undefined,
    EncodingType: input.EncodingType,
    KeyCount: p.contents.length + p.prefixes.length,
    ContinuationToken: input.ContinuationToken,
    NextContinuationToken: p.truncated ? Buffer.from(`1:${p.last}`).toString('base64url') : undefined,
    StartAfter: enc(input.StartAfter),
  };
}

export function listObjects(ctx: RequestContext, input: T.ListObjectsRequest): T.ListObjectsOutput {
  const b = ownBucket(ctx, input.Bucket);
  checkEncoding(input.EncodingType);
  const max = checkMaxKeys(input.MaxKeys);
  const prefix = input.Prefix ?? '';
  const p = page(b.name, prefix, input.Delimiter || undefined, input.Marker ?? '', max);
  const enc = encoder(input.EncodingType);
  const owner = ownerOf(b.owner);
  return {
    IsTruncated: p.truncated,
    Marker: enc(input.Marker ?? ''),
    // NextMarker is returned only when a delimiter was given (S3 ListObjects docs); without
    // one, clients continue from the last key of the page.
    NextMarker: p.truncated && input.Delimiter ? enc(p.last) : undefined,
    Contents: p.contents.length ? p.contents.map((o) => entry(o, enc as (s: string) => string, owner)) : undefined,
    Name: b.name,
    Prefix: enc(prefix),
    Delimiter: enc(input.Delimiter),
    MaxKeys: input.MaxKeys ?? 1000,
    CommonPrefixes: p.prefixes.length ? p.prefixes.map((c) => ({ Prefix: enc(c) })) : undefined,
    EncodingType: input.EncodingType,
  };
}
