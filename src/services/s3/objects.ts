// Objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject and
// object tagging. Bodies are blobs; a record is written only once its blob is complete. Every
// write goes through the version store (versions.ts), which decides, by the bucket's versioning
// state, whether it adds a version or replaces the null version (and deletes its blob).
import { Readable } from 'node:stream';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { deleteBlob, putBlob, readBlob } from '../../core/blobs.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import {
  checkTags, invalidRequest, malformedXml, noSuchKey, ownBucket, parseTagging, preconditionFailed, seconds,
} from './common.js';
import { checkBufferedMd5, receiveBody } from './body.js';
import { checksumObserver, memberOf, type ChecksumAlgorithm } from './checksums.js';
import { s3State, type BucketRec, type ObjectHeaders, type ObjectRec } from './state.js';
import {
  currentVersion, findVersion, invalidVersionId, removeVersion, touchVersion, versionOf, wellFormedVersionId, writeVersion,
} from './versions.js';
import { readVersion } from './targets.js';
import { bypassRequested, checkRemovable, lockForNewObject, lockHeaders } from './lock.js';
import { checkReadable, restoreHeader } from './archive.js';
import { expirationHeader } from './lifecycle.js';
import { notify } from './notifications.js';
import { aclForNewObject } from './acl.js';

/** S3's Content-Type when a PUT names none. */
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

type Headerish = {
  ContentType?: string; ContentEncoding?: string; ContentDisposition?: string; ContentLanguage?: string;
  CacheControl?: string; Expires?: T.Timestamp; WebsiteRedirectLocation?: string;
};

export function headersFrom(input: Headerish): ObjectHeaders {
  return {
    contentType: input.ContentType ?? DEFAULT_CONTENT_TYPE,
    contentEncoding: input.ContentEncoding || undefined,
    contentDisposition: input.ContentDisposition,
    contentLanguage: input.ContentLanguage,
    cacheControl: input.CacheControl,
    expires: input.Expires === undefined ? undefined : new Date(input.Expires).toISOString(),
    websiteRedirectLocation: input.WebsiteRedirectLocation,
  };
}

type SseInput = { ServerSideEncryption?: string; SSEKMSKeyId?: string; BucketKeyEnabled?: boolean; SSECustomerAlgorithm?: string };

/**
 * Server-side encryption as recorded: SSE-S3 (AES256) unless the request asks for SSE-KMS
 * ("Amazon S3 now applies server-side encryption with Amazon S3 managed keys (SSE-S3) as the
 * base level of encryption for every bucket", S3 User Guide, since January 2023).
 */
export function sseFrom(ctx: RequestContext, input: SseInput): { sse: string; kmsKeyId?: string; bucketKeyEnabled?: boolean } {
  if (input.SSECustomerAlgorithm) {
    throw invalidRequest('Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.');
  }
  const sse = input.ServerSideEncryption ?? 'AES256';
  if (sse !== 'AES256' && sse !== 'aws:kms' && sse !== 'aws:kms:dsse') {
    throw new ServiceError('InvalidArgument', 'The encryption method specified is not supported', 400, { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: sse });
  }
  if (sse === 'AES256') {
    if (input.SSEKMSKeyId) throw new ServiceError('InvalidArgument', 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms', 400);
    return { sse };
  }
  const key = input.SSEKMSKeyId ?? `arn:aws:kms:${ctx.region}:${ctx.accountId}:alias/aws/s3`;
  const arn = key.startsWith('arn:') ? key : `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${key}`;
  return { sse, kmsKeyId: arn, bucketKeyEnabled: input.BucketKeyEnabled };
}

const sseOut = (o: { sse: string; kmsKeyId?: string; bucketKeyEnabled?: boolean }) => ({
  ServerSideEncryption: o.sse,
  SSEKMSKeyId: o.kmsKeyId,
  BucketKeyEnabled: o.bucketKeyEnabled || undefined,
});

/** Stores a finished object as the key's new current version (see versions.ts). */
export function storeObject(bucket: BucketRec, rec: ObjectRec): ObjectRec {
  return writeVersion(bucket, rec);
}

/** The key's current version when it is an object (not a delete marker). */
export function getObjectRec(bucket: BucketRec, key: string): ObjectRec | undefined {
  const o = currentVersion(bucket.name, key);
  return o && !o.deleteMarker ? o : undefined;
}

/** x-amz-version-id as S3 answers it: only for buckets that have had versioning configured. */
export const versionHeader = (bucket: BucketRec, o: ObjectRec): string | undefined =>
  bucket.versioning ? versionOf(o) : undefined;

/** Splits an If-Match / If-None-Match list into bare entity tags. */
const etags = (v: string): string[] => v.split(',').map((x) => x.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'));
const etagMatches = (cond: string, etag: string): boolean =>
  etags(cond).some((t) => t === '*' || t === etag.replace(/^"(.*)"$/, '$1'));

/** Conditional writes: If-None-Match: * (no object yet), If-Match: etag (that version). */
function checkWriteConditions(existing: ObjectRec | undefined, key: string, input: { IfMatch?: string; IfNoneMatch?: string }): void {
  if (input.IfNoneMatch !== undefined) {
    if (input.IfNoneMatch.trim() !== '*') throw new ServiceError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, { Header: 'If-None-Match' });
    if (existing) throw preconditionFailed('If-None-Match');
  }
  if (input.IfMatch !== undefined) {
    if (!existing) throw noSuchKey(key);
    if (!etagMatches(input.IfMatch, existing.etag)) throw preconditionFailed('If-Match');
  }
}

export async function putObject(ctx: RequestContext, input: T.PutObjectRequest): Promise<T.PutObjectOutput> {
  const bucket = ownBucket(ctx, input.Bucket);
  checkKey(input.Key);
  checkWriteConditions(getObjectRec(bucket, input.Key), input.Key, input);
  const tags = parseTagging(input.Tagging);
  checkTags(tags);
  const sse = sseFrom(ctx, input);
  const lock = lockForNewObject(ctx, bucket, input, true);
  const acl = aclForNewObject(ctx, bucket, input);
  const got = await receiveBody(ctx, input.Body as Readable | undefined, input as unknown as Record<string, unknown>);
  try {
    // Checked again: another write may have landed while the body streamed.
    if (!ownBucketStill(bucket)) throw new ServiceError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket.name });
    checkWriteConditions(getObjectRec(bucket, input.Key), input.Key, input);
  } catch (e) { deleteBlob(got.blob.id); throw e; }
  const rec: ObjectRec = {
    bucket: bucket.name, key: input.Key, blob: got.blob.id, size: got.blob.size, etag: `"${got.blob.md5}"`,
    lastModified: clock.now(), metadata: input.Metadata ?? {}, storageClass: input.StorageClass ?? 'STANDARD',
    ...headersFrom(input), ...sse, tags, ...lock, ...(acl ? { acl } : {}),
    checksum: { ...got.checksum, type: 'FULL_OBJECT' },
  };
  storeObject(bucket, rec);
  notify(ctx, bucket, 'ObjectCreated:Put', rec);
  return {
    ETag: rec.etag, ...sseOut(rec), VersionId: versionHeader(bucket, rec), Expiration: expirationHeader(bucket, rec),
    [memberOf(got.checksum.algorithm)]: got.checksum.value, ChecksumType: 'FULL_OBJECT',
  } as T.PutObjectOutput;
}

const ownBucketStill = (b: BucketRec) => s3State().buckets.get(b.name) === b;

/** Keys are 1–1024 bytes of UTF-8. */
function checkKey(key: string): void {
  if (key.length === 0) throw invalidRequest('A key must be specified');
  if (Buffer.byteLength(key) > 1024) throw new ServiceError('KeyTooLongError', 'Your key is too long', 400, { Size: Buffer.byteLength(key), MaxSizeAllowed: 1024 });
}

type ReadInput = T.GetObjectRequest | T.HeadObjectRequest;

/**
 * Read preconditions, in the order S3 evaluates them (RFC 7232 §6; S3 GetObject docs):
 * If-Match, else If-Unmodified-Since → 412; If-None-Match, else If-Modified-Since → 304.
 */
function checkReadConditions(o: ObjectRec, input: ReadInput): void {
  const lm = seconds(o.lastModified);
  if (input.IfMatch !== undefined) {
    if (!etagMatches(input.IfMatch, o.etag)) throw preconditionFailed('If-Match');
  } else if (input.IfUnmodifiedSince !== undefined && lm > new Date(input.IfUnmodifiedSince).getTime()) {
    throw preconditionFailed('If-Unmodified-Since');
  }
  const notModified = () => new ServiceError('NotModified', 'Not Modified', 304, {}, true,
    { ETag: o.etag, 'Last-Modified': new Date(lm).toUTCString() });
  if (input.IfNoneMatch !== undefined) {
    if (etagMatches(input.IfNoneMatch, o.etag)) throw notModified();
  } else if (input.IfModifiedSince !== undefined && lm <= new Date(input.IfModifiedSince).getTime()) {
    throw notModified();
  }
}

/** A Range header as an inclusive [start, end], undefined when absent or not a single byte range. */
function parseRange(raw: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = raw && /^\s*bytes=(\d*)-(\d*)\s*$/.exec(raw);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? Infinity : Number(m[2]);
  if (end < start) return undefined; // syntactically invalid: the whole object (RFC 7233 §3.1)
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

function readTarget(ctx: RequestContext, input: ReadInput, method = 'GET'): { bucket: BucketRec; o: ObjectRec } {
  const bucket = ownBucket(ctx, input.Bucket);
  return { bucket, o: readVersion(bucket, input.Key, input.VersionId, method) };
}

/** The headers Get and Head answer for an object. */
function describe(bucket: BucketRec, o: ObjectRec, input: ReadInput, whole: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    VersionId: versionHeader(bucket, o),
    Restore: restoreHeader(o),
    Expiration: expirationHeader(bucket, o),
    ...lockHeaders(o),
    AcceptRanges: 'bytes',
    LastModified: new Date(seconds(o.lastModified)),
    ContentLength: o.size,
    ETag: o.etag,
    ContentType: input.ResponseContentType ?? o.contentType,
    ContentEncoding: input.ResponseContentEncoding ?? o.contentEncoding,
    ContentDisposition: input.ResponseContentDisposition ?? o.contentDisposition,
    ContentLanguage: input.ResponseContentLanguage ?? o.contentLanguage,
    CacheControl: input.ResponseCacheControl ?? o.cacheControl,
    // Expires is a plain string member on output: the HTTP date.
    Expires: input.ResponseExpires !== undefined ? new Date(input.ResponseExpires).toUTCString() : o.expires ? new Date(o.expires).toUTCString() : undefined,
    WebsiteRedirectLocation: o.websiteRedirectLocation,
    Metadata: Object.keys(o.metadata).length ? o.metadata : undefined,
    StorageClass: o.storageClass === 'STANDARD' ? undefined : o.storageClass,
    ReplicationStatus: o.replicationStatus,
    ...sseOut(o),
  };
  // Checksums of the whole object, on request (x-amz-checksum-mode: ENABLED), never for a range.
  if (input.ChecksumMode === 'ENABLED' && whole && o.checksum) {
    out[memberOf(o.checksum.algorithm)] = o.checksum.value;
    out.ChecksumType = o.checksum.type;
  }
  return out;
}

/** The byte range of part `n` of a multipart object (GetObject/HeadObject partNumber). */
function partRange(o: ObjectRec, n: number): { start: number; end: number } | undefined {
  const sizes = o.partSizes ?? [o.size];
  if (n < 1 || n > sizes.length) return undefined;
  let start = 0;
  for (let i = 0; i < n - 1; i++) start += sizes[i];
  return { start, end: start + sizes[n - 1] - 1 };
}

function selectRange(o: ObjectRec, input: ReadInput, rangeHeader: string | undefined) {
  if (input.PartNumber !== undefined) {
    if (rangeHeader !== undefined) throw invalidRequest('Cannot specify both Range header and partNumber query parameter');
    const r = partRange(o, input.PartNumber);
    if (!r) throw new ServiceError('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, { PartNumberRequested: input.PartNumber, ActualPartCount: o.partSizes?.length ?? 1 });
    return { range: o.size === 0 ? undefined : r, parts: o.partSizes?.length ?? 1 };
  }
  const r = parseRange(rangeHeader, o.size);
  if (r === 'unsatisfiable') {
    throw new ServiceError('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: rangeHeader, ActualObjectSize: o.size },
      true, { 'Content-Range': `bytes */${o.size}` });
  }
  return { range: r, parts: undefined };
}

export function getObject(ctx: RequestContext, input: T.GetObjectRequest): T.GetObjectOutput {
  const { bucket, o } = readTarget(ctx, input);
  checkReadable(o);
  checkReadConditions(o, input);
  const { range, parts } = selectRange(o, input, input.Range);
  const out = describe(bucket, o, input, !range);
  out.TagCount = o.tags.length || undefined;
  out.PartsCount = parts;
  if (range) {
    out.ContentLength = range.end - range.start + 1;
    out.ContentRange = `bytes ${range.start}-${range.end}/${o.size}`;
    out.StatusCode = 206;
  }
  out.Body = o.size === 0 ? Readable.from([]) : readBlob(o.blob, range);
  return out as T.GetObjectOutput;
}

export function headObject(ctx: RequestContext, input: T.HeadObjectRequest): T.HeadObjectOutput {
  const { bucket, o } = readTarget(ctx, input, 'HEAD');
  checkReadConditions(o, input);
  const { range, parts } = selectRange(o, input, input.Range);
  const out = describe(bucket, o, input, !range);
  out.PartsCount = parts;
  if (range) {
    out.ContentLength = range.end - range.start + 1;
    out.ContentRange = `bytes ${range.start}-${range.end}/${o.size}`;
  }
  return out as T.HeadObjectOutput;
}

const deleteMarker = (bucket: BucketRec, key: string): ObjectRec => ({
  bucket: bucket.name, key, blob: '', size: 0, etag: '', lastModified: clock.now(), metadata: {},
  storageClass: 'STANDARD', sse: '', tags: [], deleteMarker: true,
});

type DeleteResult = { VersionId?: string; DeleteMarker?: boolean };

/**
 * One delete, as DeleteObject and each entry of DeleteObjects do it. With a version id the
 * version goes for good (unless Object Lock protects it); without one, an unversioned bucket
 * loses the object and a versioned one gets a delete marker (S3 User Guide, "Deleting object
 * versions from a versioning-enabled bucket"). Deleting what does not exist succeeds.
 */
function deleteOne(ctx: RequestContext, bucket: BucketRec, key: string, versionId: string | undefined, bypass: boolean): DeleteResult {
  if (versionId !== undefined) {
    if (!wellFormedVersionId(versionId)) throw invalidVersionId(versionId);
    const o = findVersion(bucket.name, key, versionId);
    if (!o) return { VersionId: versionId };
    checkRemovable(o, bypass);
    removeVersion(o);
    notify(ctx, bucket, 'ObjectRemoved:Delete', o);
    return { VersionId: versionId, DeleteMarker: o.deleteMarker || undefined };
  }
  if (!bucket.versioning) {
    const o = currentVersion(bucket.name, key);
    if (o) { removeVersion(o); notify(ctx, bucket, 'ObjectRemoved:Delete', o); }
    return {};
  }
  const m = writeVersion(bucket, deleteMarker(bucket, key));
  notify(ctx, bucket, 'ObjectRemoved:DeleteMarkerCreated', m);
  return { VersionId: versionOf(m), DeleteMarker: true };
}

export function deleteObject(ctx: RequestContext, input: T.DeleteObjectRequest): T.DeleteObjectOutput {
  const bucket = ownBucket(ctx, input.Bucket);
  if (input.IfMatch !== undefined && input.VersionId === undefined) {
    const o = getObjectRec(bucket, input.Key);
    if (!o) throw noSuchKey(input.Key);
    if (!etagMatches(input.IfMatch, o.etag)) throw preconditionFailed('If-Match');
  }
  return deleteOne(ctx, bucket, input.Key, input.VersionId, bypassRequested(ctx, input));
}

export function deleteObjects(ctx: RequestContext, input: T.DeleteObjectsRequest): T.DeleteObjectsOutput {
  const bucket = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const objs = input.Delete.Objects ?? [];
  if (objs.length === 0 || objs.length > 1000) throw malformedXml();
  const bypass = bypassRequested(ctx, input);
  const Deleted: T.DeletedObject[] = [];
  const Errors: T.ErrorShape[] = [];
  for (const x of objs) {
    if (x.VersionId !== undefined && !wellFormedVersionId(x.VersionId)) {
      Errors.push({ Key: x.Key, VersionId: x.VersionId, Code: 'NoSuchVersion', Message: 'The specified version does not exist.' });
      continue;
    }
    const o = x.VersionId === undefined ? getObjectRec(bucket, x.Key) : findVersion(bucket.name, x.Key, x.VersionId);
    if (x.ETag !== undefined && o && !etagMatches(x.ETag, o.etag)) {
      Errors.push({ Key: x.Key, Code: 'PreconditionFailed', Message: 'At least one of the pre-conditions you specified did not hold' });
      continue;
    }
    let r: DeleteResult;
    try {
      r = deleteOne(ctx, bucket, x.Key, x.VersionId, bypass);
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      Errors.push({ Key: x.Key, VersionId: x.VersionId, Code: e.code, Message: e.message });
      continue;
    }
    if (input.Delete.Quiet) continue;
    // A marker created answers DeleteMarkerVersionId; a version deleted by id answers its
    // VersionId (and DeleteMarkerVersionId too when that version was a marker).
    Deleted.push(x.VersionId === undefined
      ? { Key: x.Key, DeleteMarker: r.DeleteMarker, DeleteMarkerVersionId: r.DeleteMarker ? r.VersionId : undefined }
      : { Key: x.Key, VersionId: x.VersionId, DeleteMarker: r.DeleteMarker, DeleteMarkerVersionId: r.DeleteMarker ? x.VersionId : undefined });
  }
  return { Deleted: Deleted.length ? Deleted : undefined, Errors: Errors.length ? Errors : undefined };
}

/** x-amz-copy-source: `bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=`. */
function parseCopySource(raw: string): { bucket: string; key: string; versionId?: string } {
  const s = raw.startsWith('/') ? raw.slice(1) : raw;
  const q = s.indexOf('?');
  const path = q < 0 ? s : s.slice(0, q);
  const versionId = q < 0 ? undefined : new URLSearchParams(s.slice(q + 1)).get('versionId') ?? undefined;
  const slash = path.indexOf('/');
  const bad = () => new ServiceError('InvalidArgument', 'Invalid copy source object key', 400, { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw });
  if (slash <= 0 || slash === path.length - 1) throw bad();
  try {
    return { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)), versionId };
  } catch { throw bad(); }
}

function checkCopySourceConditions(o: ObjectRec, input: T.CopyObjectRequest): void {
  const lm = seconds(o.lastModified);
  if (input.CopySourceIfMatch !== undefined) {
    if (!etagMatches(input.CopySourceIfMatch, o.etag)) throw preconditionFailed('x-amz-copy-source-If-Match');
  } else if (input.CopySourceIfUnmodifiedSince !== undefined && lm > new Date(input.CopySourceIfUnmodifiedSince).getTime()) {
    throw preconditionFailed('x-amz-copy-source-If-Unmodified-Since');
  }
  if (input.CopySourceIfNoneMatch !== undefined) {
    if (etagMatches(input.CopySourceIfNoneMatch, o.etag)) throw preconditionFailed('x-amz-copy-source-If-None-Match');
  } else if (input.CopySourceIfModifiedSince !== undefined && lm <= new Date(input.CopySourceIfModifiedSince).getTime()) {
    throw preconditionFailed('x-amz-copy-source-If-Modified-Since');
  }
}

export async function copyObject(ctx: RequestContext, input: T.CopyObjectRequest): Promise<T.CopyObjectOutput> {
  const dest = ownBucket(ctx, input.Bucket);
  checkKey(input.Key);
  const src = parseCopySource(input.CopySource);
  const srcBucket = ownBucket(ctx, src.bucket);
  const o = copySource(srcBucket, src.key, src.versionId);
  checkReadable(o);
  checkCopySourceConditions(o, input);
  checkWriteConditions(getObjectRec(dest, input.Key), input.Key, input);
  const replace = input.MetadataDirective === 'REPLACE';
  const sameObject = srcBucket.name === dest.name && src.key === input.Key && o === currentVersion(dest.name, input.Key);
  const changes = replace || input.StorageClass !== undefined || input.WebsiteRedirectLocation !== undefined
    || input.ServerSideEncryption !== undefined || input.SSEKMSKeyId !== undefined || input.ChecksumAlgorithm !== undefined;
  if (sameObject && !changes) {
    throw invalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const tags = input.TaggingDirective === 'REPLACE' ? parseTagging(input.Tagging) : o.tags.map((t) => ({ ...t }));
  checkTags(tags);
  const sse = sseFrom(ctx, input);
  const lock = lockForNewObject(ctx, dest, input, false);
  const acl = aclForNewObject(ctx, dest, input);
  // The copy's checksum: the requested algorithm, else the source's full-object one, else CRC64NVME.
  const algorithm: ChecksumAlgorithm = (input.ChecksumAlgorithm as ChecksumAlgorithm | undefined)
    ?? (o.checksum?.type === 'FULL_OBJECT' ? o.checksum.algorithm : 'CRC64NVME');
  const cs = checksumObserver([algorithm]);
  const blob = await putBlob(o.size === 0 ? Readable.from([]) : readBlob(o.blob), [cs.observe], 's3');
  const rec: ObjectRec = {
    bucket: dest.name, key: input.Key, blob: blob.id, size: blob.size, etag: `"${blob.md5}"`, lastModified: clock.now(),
    ...(replace ? { ...headersFrom(input), metadata: input.Metadata ?? {} } : {
      contentType: o.contentType, contentEncoding: o.contentEncoding, contentDisposition: o.contentDisposition,
      contentLanguage: o.contentLanguage, cacheControl: o.cacheControl, expires: o.expires, metadata: { ...o.metadata },
    }),
    websiteRedirectLocation: input.WebsiteRedirectLocation ?? (replace ? undefined : o.websiteRedirectLocation),
    storageClass: input.StorageClass ?? 'STANDARD',
    ...sse, tags, ...lock, ...(acl ? { acl } : {}),
    checksum: { algorithm, value: cs.results()[algorithm]!, type: 'FULL_OBJECT' },
  };
  if (!ownBucketStill(dest)) { deleteBlob(blob.id); throw new ServiceError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: dest.name }); }
  storeObject(dest, rec);
  notify(ctx, dest, 'ObjectCreated:Copy', rec);
  return {
    VersionId: versionHeader(dest, rec),
    CopySourceVersionId: srcBucket.versioning ? versionOf(o) : undefined,
    Expiration: expirationHeader(dest, rec),
    CopyObjectResult: {
      ETag: rec.etag, LastModified: new Date(seconds(rec.lastModified)),
      ChecksumType: 'FULL_OBJECT', [memberOf(algorithm)]: rec.checksum!.value,
    } as T.CopyObjectResult,
    ...sseOut(rec),
  };
}

/**
 * The version a copy reads: x-amz-copy-source's versionId, else the current one. "The source of
 * a copy request may not specifically refer to a delete marker by version id" (InvalidRequest).
 */
export function copySource(bucket: BucketRec, key: string, versionId: string | undefined): ObjectRec {
  if (versionId !== undefined) {
    if (!wellFormedVersionId(versionId)) throw invalidVersionId(versionId);
    const o = findVersion(bucket.name, key, versionId);
    if (o?.deleteMarker) throw invalidRequest('The source of a copy request may not specifically refer to a delete marker by version id.');
  }
  return readVersion(bucket, key, versionId);
}

function taggedObject(ctx: RequestContext, input: { Bucket: string; Key: string; VersionId?: string }): { bucket: BucketRec; o: ObjectRec } {
  return readTarget(ctx, input as ReadInput, 'GET');
}

export function getObjectTagging(ctx: RequestContext, input: T.GetObjectTaggingRequest): T.GetObjectTaggingOutput {
  const { bucket, o } = taggedObject(ctx, input);
  return { TagSet: o.tags.map((t) => ({ ...t })), VersionId: versionHeader(bucket, o) };
}

export function putObjectTagging(ctx: RequestContext, input: T.PutObjectTaggingRequest): T.PutObjectTaggingOutput {
  const { bucket, o } = taggedObject(ctx, input);
  checkBufferedMd5(ctx);
  const tags = (input.Tagging.TagSet ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
  checkTags(tags);
  o.tags = tags;
  touchVersion(o);
  return { VersionId: versionHeader(bucket, o) };
}

export function deleteObjectTagging(ctx: RequestContext, input: T.DeleteObjectTaggingRequest): T.DeleteObjectTaggingOutput {
  const { bucket, o } = taggedObject(ctx, input);
  o.tags = [];
  touchVersion(o);
  return { VersionId: versionHeader(bucket, o) };
}
