// GetObjectAttributes: an object's metadata without its body, only the attributes named in
// x-amz-object-attributes (GetObjectAttributes API reference,
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html). Archived
// objects answer too: nothing is read. The ETag comes without its quotes, and a composite
// checksum without its `-<parts>` suffix (observed against S3: floci-io/floci#3083); parts are
// listed, ListParts-style, only for multipart objects uploaded with a composite checksum
// (their part checksums are kept), else ObjectParts carries only the part count.
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { invalidArgument, ownBucket, seconds } from './common.js';
import { memberOf } from './checksums.js';
import { readVersion } from './targets.js';
import { versionHeader } from './objects.js';
import type { ObjectRec } from './state.js';

const ATTRIBUTES = new Set(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);

export function getObjectAttributes(ctx: RequestContext, input: T.GetObjectAttributesRequest): T.GetObjectAttributesOutput {
  const bucket = ownBucket(ctx, input.Bucket);
  const wanted = new Set((input.ObjectAttributes ?? []).map((a) => a.trim()).filter(Boolean));
  if (wanted.size === 0) {
    throw new ServiceError('InvalidRequest', 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty', 400);
  }
  for (const a of wanted) if (!ATTRIBUTES.has(a)) throw invalidArgument('Invalid attribute name specified.', 'x-amz-object-attributes', a);
  if (input.MaxParts !== undefined && input.MaxParts < 0) throw invalidArgument('Argument max-parts must be an integer between 0 and 2147483647', 'max-parts', input.MaxParts);
  if (input.PartNumberMarker !== undefined && input.PartNumberMarker < 0) {
    throw invalidArgument('Argument part-number-marker must be an integer between 0 and 2147483647', 'part-number-marker', input.PartNumberMarker);
  }
  const o = readVersion(bucket, input.Key, input.VersionId, 'GET');
  const out: T.GetObjectAttributesOutput = {
    LastModified: new Date(seconds(o.lastModified)),
    VersionId: versionHeader(bucket, o),
  };
  if (wanted.has('ETag')) out.ETag = o.etag.replace(/^"(.*)"$/, '$1');
  if (wanted.has('Checksum') && o.checksum) {
    out.Checksum = {
      [memberOf(o.checksum.algorithm)]: o.checksum.type === 'COMPOSITE' ? o.checksum.value.replace(/-\d+$/, '') : o.checksum.value,
      ChecksumType: o.checksum.type,
    } as T.Checksum;
  }
  if (wanted.has('ObjectParts') && o.partSizes) out.ObjectParts = objectParts(o, input);
  if (wanted.has('StorageClass')) out.StorageClass = o.storageClass;
  if (wanted.has('ObjectSize')) out.ObjectSize = o.size;
  return out;
}

/** Part numbers as uploaded (they need not be contiguous), paged like ListParts. */
function objectParts(o: ObjectRec, input: T.GetObjectAttributesRequest): T.GetObjectAttributesParts {
  const sizes = o.partSizes!;
  if (!o.partChecksums || !o.partNumbers || !o.checksum) return { TotalPartsCount: sizes.length };
  const max = Math.min(input.MaxParts ?? 1000, 1000);
  const marker = input.PartNumberMarker ?? 0;
  const parts: T.ObjectPart[] = [];
  let i = o.partNumbers.findIndex((n) => n > marker);
  if (i < 0) i = o.partNumbers.length;
  for (; i < o.partNumbers.length && parts.length < max; i++) {
    parts.push({ PartNumber: o.partNumbers[i], Size: sizes[i], [memberOf(o.checksum.algorithm)]: o.partChecksums[i] } as T.ObjectPart);
  }
  return {
    TotalPartsCount: sizes.length,
    PartNumberMarker: marker,
    NextPartNumberMarker: parts.length ? parts[parts.length - 1].PartNumber : marker,
    MaxParts: input.MaxParts ?? 1000,
    IsTruncated: i < o.partNumbers.length,
    Parts: parts,
  };
}
