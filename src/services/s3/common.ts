// What the S3 handlers share: the errors S3 answers (wording from
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), bucket lookup with
// the owner check, and small helpers.
import { createHash } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import { s3State, type BucketRec } from './state.js';

export const noSuchBucket = (name: string) =>
  new ServiceError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
export const noSuchKey = (key: string) =>
  new ServiceError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
export const noSuchUpload = (id: string) =>
  new ServiceError('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404, { UploadId: id });
export const accessDenied = () => new ServiceError('AccessDenied', 'Access Denied', 403);
export const invalidArgument = (message: string, name?: string, value?: unknown) =>
  new ServiceError('InvalidArgument', message, 400, name === undefined ? {} : { ArgumentName: name, ArgumentValue: value === undefined ? undefined : String(value) });
export const invalidRequest = (message: string) => new ServiceError('InvalidRequest', message, 400);
export const preconditionFailed = (condition: string) =>
  new ServiceError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: condition });
export const malformedXml = () => new ServiceError('MalformedXML',
  'The XML you provided was not well-formed or did not validate against our published schema', 400);

/** A bucket the caller owns; NoSuchBucket when absent, AccessDenied when another account's. */
export function ownBucket(ctx: RequestContext, name: string): BucketRec {
  const b = s3State().buckets.get(name);
  if (!b) throw noSuchBucket(name);
  if (b.owner !== ctx.accountId) throw accessDenied();
  return b;
}

/** S3's canonical user id of an account (64 hex characters), stable per account. */
export const canonicalId = (accountId: string): string => createHash('sha256').update(`nimbus-s3-owner:${accountId}`).digest('hex');
export const ownerOf = (accountId: string) => ({ ID: canonicalId(accountId), DisplayName: 'webfile' });

/** A request header (lower-cased name), first value. */
export function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.http?.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Parses `k=v&k2=v2` (x-amz-tagging) into a TagSet. */
export function parseTagging(s: string | undefined): { Key: string; Value: string }[] {
  if (!s) return [];
  return [...new URLSearchParams(s)].map(([Key, Value]) => ({ Key, Value }));
}

/** Validates a TagSet as S3 does for objects (at most 10 tags, key ≤ 128, value ≤ 256 characters). */
export function checkTags(tags: { Key: string; Value: string }[]): void {
  if (tags.length > 10) throw new ServiceError('BadRequest', 'Object tags cannot be greater than 10', 400);
  const seen = new Set<string>();
  for (const t of tags) {
    if ([...t.Key].length > 128 || t.Key.length === 0) throw new ServiceError('InvalidTag', 'The TagKey you have provided is invalid', 400);
    if ([...(t.Value ?? '')].length > 256) throw new ServiceError('InvalidTag', 'The TagValue you have provided is invalid', 400);
    if (seen.has(t.Key)) throw new ServiceError('InvalidTag', 'Cannot provide multiple Tags with the same key', 400);
    seen.add(t.Key);
  }
}

/** A date as seconds-precision epoch ms (S3's Last-Modified has second precision). */
export const seconds = (ms: number): number => Math.floor(ms / 1000) * 1000;
