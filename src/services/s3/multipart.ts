// Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts, ListMultipartUploads. Each part is a blob; completing
// streams the parts, in order, into one new blob and deletes the part blobs.
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { deleteBlob, putBlob, readBlob } from '../../core/blobs.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import {
  checkTags, invalidArgument, malformedXml, noSuchUpload, ownBucket, ownerOf, parseTagging, seconds,
} from './common.js';
import { receiveBody } from './body.js';
import { algorithmOf, checksummer, checksumObserver, memberOf, type ChecksumAlgorithm } from './checksums.js';
import { copySource, headersFrom, sseFrom, storeObject, versionHeader } from './objects.js';
import { lockForNewObject } from './lock.js';
import { aclForNewObject } from './acl.js';
import { checkReadable } from './archive.js';
import { notify } from './notifications.js';
import { versionOf } from './versions.js';
import { compareKeys, s3State, type UploadRec } from './state.js';

/** "5 MiB to 5 GiB. There is no minimum size limit on the last part" (S3 multipart upload limits). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

function upload(ctx: RequestContext, bucket: string, key: string, id: string): UploadRec {
  ownBucket(ctx, bucket);
  const u = s3State().uploads.get(id);
  if (!u || u.bucket !== bucket || u.key !== key) throw noSuchUpload(id);
  return u;
}

function checkPartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 10000) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', n);
  }
}

export function createMultipartUpload(ctx: RequestContext, input: T.CreateMultipartUploadRequest): T.CreateMultipartUploadOutput {
  const b = ownBucket(ctx, input.Bucket);
  const tags = parseTagging(input.Tagging);
  checkTags(tags);
  const sse = sseFrom(ctx, input);
  const lock = lockForNewObject(ctx, b, input, false);
  const acl = aclForNewObject(ctx, b, input);
  let checksumAlgorithm: ChecksumAlgorithm | undefined;
  if (input.ChecksumAlgorithm) {
    checksumAlgorithm = algorithmOf(input.ChecksumAlgorithm);
    if (!checksumAlgorithm) throw new ServiceError('NotImplemented', `Nimbus does not compute ${input.ChecksumAlgorithm} checksums yet.`, 501);
  }
  // CRC64NVME only has full-object checksums; the others default to composite (S3 User Guide,
  // "Checking object integrity": checksum types per algorithm).
  const checksumType = input.ChecksumType as UploadRec['checksumType']
    ?? (checksumAlgorithm ? (checksumAlgorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE') : undefined);
  if (checksumType === 'FULL_OBJECT' && (checksumAlgorithm === 'SHA1' || checksumAlgorithm === 'SHA256')) {
    throw new ServiceError('InvalidRequest', `The ${checksumAlgorithm} checksum algorithm does not support the FULL_OBJECT checksum type.`, 400);
  }
  const id = randomBytes(48).toString('base64url');
  s3State().uploads.set(id, {
    id, bucket: b.name, key: input.Key, initiated: clock.now(), metadata: input.Metadata ?? {},
    storageClass: input.StorageClass ?? 'STANDARD', ...headersFrom(input), ...sse, tags, lock, acl, checksumAlgorithm, checksumType, parts: {},
  });
  return {
    Bucket: b.name, Key: input.Key, UploadId: id,
    ServerSideEncryption: sse.sse, SSEKMSKeyId: sse.kmsKeyId, BucketKeyEnabled: sse.bucketKeyEnabled || undefined,
    ChecksumAlgorithm: checksumAlgorithm, ChecksumType: checksumType,
  };
}

export async function uploadPart(ctx: RequestContext, input: T.UploadPartRequest): Promise<T.UploadPartOutput> {
  const u = upload(ctx, input.Bucket, input.Key, input.UploadId);
  checkPartNumber(input.PartNumber);
  const got = await receiveBody(ctx, input.Body as Readable | undefined, input as unknown as Record<string, unknown>,
    u.checksumAlgorithm ?? 'CRC64NVME');
  const s = s3State();
  if (s.uploads.get(u.id) !== u) { deleteBlob(got.blob.id); throw noSuchUpload(u.id); }
  const old = u.parts[input.PartNumber];
  u.parts[input.PartNumber] = {
    blob: got.blob.id, size: got.blob.size, md5: got.blob.md5, etag: `"${got.blob.md5}"`, lastModified: clock.now(),
    checksum: got.checksum.algorithm === u.checksumAlgorithm ? got.checksum.value : undefined,
  };
  s.uploads.touch(u.id);
  if (old) deleteBlob(old.blob);
  return {
    ETag: `"${got.blob.md5}"`, ServerSideEncryption: u.sse, SSEKMSKeyId: u.kmsKeyId,
    ...(u.checksumAlgorithm ? { [memberOf(u.checksumAlgorithm)]: got.checksum.value } : {}),
  };
}

export async function uploadPartCopy(ctx: RequestContext, input: T.UploadPartCopyRequest): Promise<T.UploadPartCopyOutput> {
  const u = upload(ctx, input.Bucket, input.Key, input.UploadId);
  checkPartNumber(input.PartNumber);
  const raw = input.CopySource.startsWith('/') ? input.CopySource.slice(1) : input.CopySource;
  const path = raw.split('?')[0];
  const slash = path.indexOf('/');
  if (slash <= 0) throw invalidArgument('Invalid copy source object key', 'x-amz-copy-source', input.CopySource);
  const srcBucket = ownBucket(ctx, decodeURIComponent(path.slice(0, slash)));
  const srcKey = decodeURIComponent(path.slice(slash + 1));
  const q = raw.indexOf('?');
  const srcVersion = q < 0 ? undefined : new URLSearchParams(raw.slice(q + 1)).get('versionId') ?? undefined;
  const o = copySource(srcBucket, srcKey, srcVersion);
  checkReadable(o);
  let range: { start: number; end: number } | undefined;
  if (input.CopySourceRange !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange.trim());
    if (!m || Number(m[2]) < Number(m[1]) || Number(m[2]) >= o.size) {
      throw new ServiceError('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', 400,
        { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: input.CopySourceRange });
    }
    range = { start: Number(m[1]), end: Number(m[2]) };
  }
  const algorithm = u.checksumAlgorithm ?? 'CRC64NVME';
  const cs = checksumObserver([algorithm]);
  const blob = await putBlob(o.size === 0 ? Readable.from([]) : readBlob(o.blob, range), [cs.observe], 's3');
  if (s3State().uploads.get(u.id) !== u) { deleteBlob(blob.id); throw noSuchUpload(u.id); }
  const old = u.parts[input.PartNumber];
  const now = clock.now();
  u.parts[input.PartNumber] = {
    blob: blob.id, size: blob.size, md5: blob.md5, etag: `"${blob.md5}"`, lastModified: now,
    checksum: u.checksumAlgorithm ? cs.results()[algorithm] : undefined,
  };
  s3State().uploads.touch(u.id);
  if (old) deleteBlob(old.blob);
  return {
    CopyPartResult: {
      ETag: `"${blob.md5}"`, LastModified: new Date(seconds(now)),
      ...(u.checksumAlgorithm ? { [memberOf(u.checksumAlgorithm)]: cs.results()[algorithm] } : {}),
    },
    ServerSideEncryption: u.sse,
    CopySourceVersionId: srcBucket.versioning ? versionOf(o) : undefined,
  };
}

/** The part blobs, one after the other, as one stream. */
function concatenated(blobs: { blob: string; size: number }[]): Readable {
  const out = new PassThrough();
  (async () => {
    for (const b of blobs) {
      if (b.size === 0) continue;
      for await (const chunk of readBlob(b.blob)) if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    }
    out.end();
  })().catch((e) => out.destroy(e as Error));
  return out;
}

const bare = (etag: string | undefined) => (etag ?? '').trim().replace(/^"(.*)"$/, '$1');

export async function completeMultipartUpload(ctx: RequestContext, input: T.CompleteMultipartUploadRequest): Promise<T.CompleteMultipartUploadOutput> {
  const u = upload(ctx, input.Bucket, input.Key, input.UploadId);
  const listed = input.MultipartUpload?.Parts ?? [];
  if (listed.length === 0) throw malformedXml();
  const invalidPart = (n: number | undefined, etag?: string) => new ServiceError('InvalidPart',
    'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.',
    400, { UploadId: u.id, PartNumber: n, ETag: etag });
  let prev = 0;
  for (const p of listed) {
    if (p.PartNumber === undefined) throw malformedXml();
    if (p.PartNumber <= prev) throw new ServiceError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', 400, { UploadId: u.id });
    prev = p.PartNumber;
  }
  const parts = listed.map((p, i) => {
    const n = p.PartNumber!;
    const rec = u.parts[n];
    if (!rec || bare(p.ETag) !== bare(rec.etag)) throw invalidPart(n, p.ETag);
    if (u.checksumAlgorithm) {
      const given = (p as Record<string, unknown>)[memberOf(u.checksumAlgorithm)] as string | undefined;
      if (given !== undefined && rec.checksum !== undefined && given !== rec.checksum) throw invalidPart(n, p.ETag);
    }
    if (i < listed.length - 1 && rec.size < MIN_PART_SIZE) {
      throw new ServiceError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', 400,
        { ProposedSize: rec.size, MinSizeAllowed: MIN_PART_SIZE, PartNumber: n, ETag: rec.etag });
    }
    return rec;
  });
  // A checksum of the whole object: the upload's full-object algorithm, else CRC64NVME as S3
  // does for uploads without one; a composite upload's checksum is the checksum of the parts'
  // checksums, suffixed with the part count.
  const fullAlgo: ChecksumAlgorithm = u.checksumType === 'FULL_OBJECT' && u.checksumAlgorithm ? u.checksumAlgorithm : 'CRC64NVME';
  const cs = checksumObserver([fullAlgo]);
  const blob = await putBlob(concatenated(parts), [cs.observe], 's3');
  if (s3State().uploads.get(u.id) !== u || !s3State().buckets.has(u.bucket)) { deleteBlob(blob.id); throw noSuchUpload(u.id); }
  const etag = `"${createHash('md5').update(Buffer.concat(parts.map((p) => Buffer.from(p.md5, 'hex')))).digest('hex')}-${parts.length}"`;
  let checksum: { algorithm: ChecksumAlgorithm; value: string; type: 'FULL_OBJECT' | 'COMPOSITE' };
  if (u.checksumAlgorithm && u.checksumType === 'COMPOSITE' && parts.every((p) => p.checksum)) {
    const c = checksummer(u.checksumAlgorithm);
    for (const p of parts) c.update(Buffer.from(p.checksum!, 'base64'));
    checksum = { algorithm: u.checksumAlgorithm, value: `${c.digest().toString('base64')}-${parts.length}`, type: 'COMPOSITE' };
  } else checksum = { algorithm: fullAlgo, value: cs.results()[fullAlgo]!, type: 'FULL_OBJECT' };
  const bucket = s3State().buckets.get(u.bucket)!;
  const rec = storeObject(bucket, {
    ...u.lock,
    ...(u.acl ? { acl: u.acl } : {}),
    bucket: u.bucket, key: u.key, blob: blob.id, size: blob.size, etag, lastModified: clock.now(),
    metadata: u.metadata, storageClass: u.storageClass, sse: u.sse, kmsKeyId: u.kmsKeyId, bucketKeyEnabled: u.bucketKeyEnabled,
    contentType: u.contentType, contentEncoding: u.contentEncoding, contentDisposition: u.contentDisposition,
    contentLanguage: u.contentLanguage, cacheControl: u.cacheControl, expires: u.expires,
    websiteRedirectLocation: u.websiteRedirectLocation, tags: u.tags, checksum, partSizes: parts.map((p) => p.size),
    ...(checksum.type === 'COMPOSITE' ? { partNumbers: listed.map((p) => p.PartNumber!), partChecksums: parts.map((p) => p.checksum!) } : {}),
  });
  s3State().uploads.delete(u.id);
  for (const p of Object.values(u.parts)) deleteBlob(p.blob);
  notify(ctx, bucket, 'ObjectCreated:CompleteMultipartUpload', rec);
  return {
    VersionId: versionHeader(bucket, rec),
    Location: `${ctx.endpoint}/${u.bucket}/${u.key.split('/').map(encodeURIComponent).join('/')}`,
    Bucket: u.bucket, Key: u.key, ETag: etag,
    ServerSideEncryption: u.sse, SSEKMSKeyId: u.kmsKeyId,
    [memberOf(checksum.algorithm)]: checksum.value, ChecksumType: checksum.type,
  } as T.CompleteMultipartUploadOutput;
}

export function abortMultipartUpload(ctx: RequestContext, input: T.AbortMultipartUploadRequest): T.AbortMultipartUploadOutput {
  const u = upload(ctx, input.Bucket, input.Key, input.UploadId);
  s3State().uploads.delete(u.id);
  for (const p of Object.values(u.parts)) deleteBlob(p.blob);
  return {};
}

export function listParts(ctx: RequestContext, input: T.ListPartsRequest): T.ListPartsOutput {
  const u = upload(ctx, input.Bucket, input.Key, input.UploadId);
  const max = Math.min(input.MaxParts ?? 1000, 1000);
  const marker = Number(input.PartNumberMarker ?? 0);
  const all = Object.keys(u.parts).map(Number).filter((n) => n > marker).sort((a, b) => a - b);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  const owner = ownerOf(ctx.accountId);
  return {
    Bucket: u.bucket, Key: u.key, UploadId: u.id,
    PartNumberMarker: Number(input.PartNumberMarker ?? 0),
    NextPartNumberMarker: page.length ? page[page.length - 1] : undefined,
    MaxParts: input.MaxParts ?? 1000,
    IsTruncated: truncated,
    Parts: page.map((n) => {
      const p = u.parts[n];
      return {
        PartNumber: n, LastModified: new Date(seconds(p.lastModified)), ETag: p.etag, Size: p.size,
        ...(u.checksumAlgorithm && p.checksum ? { [memberOf(u.checksumAlgorithm)]: p.checksum } : {}),
      };
    }),
    Initiator: { ID: owner.ID, DisplayName: owner.DisplayName },
    Owner: owner,
    StorageClass: u.storageClass,
    ChecksumAlgorithm: u.checksumAlgorithm,
    ChecksumType: u.checksumType,
  };
}

export function listMultipartUploads(ctx: RequestContext, input: T.ListMultipartUploadsRequest): T.ListMultipartUploadsOutput {
  const b = ownBucket(ctx, input.Bucket);
  const max = Math.min(input.MaxUploads ?? 1000, 1000);
  const prefix = input.Prefix ?? '';
  const keyMarker = input.KeyMarker ?? '';
  const idMarker = input.UploadIdMarker;
  // Uploads in progress are few: sorting them per request is fine.
  const all = [...s3State().uploads.values()]
    .filter((u) => u.bucket === b.name && u.key.startsWith(prefix))
    .sort((x, y) => compareKeys(x.key, y.key) || x.initiated - y.initiated || (x.id < y.id ? -1 : 1));
  let start = 0;
  if (keyMarker) {
    start = all.findIndex((u) => {
      const c = compareKeys(u.key, keyMarker);
      if (c > 0) return true;
      if (c < 0 || !idMarker) return false;
      return u.id === idMarker ? false : all.findIndex((x) => x.id === idMarker) < all.indexOf(u);
    });
    if (start < 0) start = all.length;
  }
  const uploads: UploadRec[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let lastKey: string | undefined, lastId: string | undefined;
  for (let i = start; i < all.length; i++) {
    const u = all[i];
    const d = input.Delimiter ? u.key.indexOf(input.Delimiter, prefix.length) : -1;
    const cp = d >= 0 ? u.key.slice(0, d + input.Delimiter!.length) : undefined;
    if (cp !== undefined && prefixes[prefixes.length - 1] === cp) continue;
    if (uploads.length + prefixes.length >= max) { truncated = true; break; }
    if (cp !== undefined) { prefixes.push(cp); lastKey = cp; lastId = undefined; } else { uploads.push(u); lastKey = u.key; lastId = u.id; }
  }
  const owner = ownerOf(ctx.accountId);
  return {
    Bucket: b.name, KeyMarker: keyMarker, UploadIdMarker: idMarker ?? '',
    NextKeyMarker: truncated ? lastKey : undefined, NextUploadIdMarker: truncated ? lastId : undefined,
    Prefix: input.Prefix, Delimiter: input.Delimiter, MaxUploads: input.MaxUploads ?? 1000, IsTruncated: truncated,
    Uploads: uploads.map((u) => ({
      UploadId: u.id, Key: u.key, Initiated: new Date(seconds(u.initiated)), StorageClass: u.storageClass,
      Owner: owner, Initiator: { ID: owner.ID, DisplayName: owner.DisplayName },
      ChecksumAlgorithm: u.checksumAlgorithm, ChecksumType: u.checksumType,
    })),
    CommonPrefixes: prefixes.length ? prefixes.map((p) => ({ Prefix: p })) : undefined,
    EncodingType: input.EncodingType,
  };
}
