// Buckets: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation and bucket
// tagging.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { escapeXml, XML_DECL } from '../../protocols/xml.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { checkTags, ownBucket, ownerOf } from './common.js';
import { KeyIndex, s3State, type BucketRec } from './state.js';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/**
 * General purpose bucket naming rules (S3 User Guide, "General purpose bucket naming rules"):
 * 3–63 characters of lower-case letters, digits, dots and hyphens, beginning and ending with a
 * letter or digit, no two adjacent dots, not an IP address, none of the reserved prefixes
 * and suffixes.
 */
export function validBucketName(n: string): boolean {
  return n.length >= 3 && n.length <= 63
    && /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(n)
    && !n.includes('..')
    && !/^\d+\.\d+\.\d+\.\d+$/.test(n)
    && !/^(xn--|sthree-|amzn-s3-demo-)/.test(n)
    && !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(n);
}

export function createBucket(ctx: RequestContext, input: T.CreateBucketRequest): T.CreateBucketOutput {
  const name = input.Bucket;
  if (!validBucketName(name)) throw new ServiceError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
  const constraint = input.CreateBucketConfiguration?.LocationConstraint;
  let region = ctx.region;
  if (ctx.region === 'us-east-1') {
    // us-east-1 takes no constraint; naming it explicitly is refused.
    if (constraint === 'us-east-1') throw new ServiceError('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, { LocationConstraint: constraint });
    if (constraint) throw illegalConstraint(constraint);
  } else {
    if (!constraint) throw new ServiceError('IllegalLocationConstraintException', 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.', 400);
    if (constraint !== ctx.region) throw illegalConstraint(constraint);
    region = constraint;
  }
  const s = s3State();
  const existing = s.buckets.get(name);
  if (existing) {
    if (existing.owner !== ctx.accountId) {
      throw new ServiceError('BucketAlreadyExists', 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', 409, { BucketName: name });
    }
    // "In the North Virginia Region (us-east-1) … if you re-create an existing bucket that you
    // already own, you'll get a 200 OK" (CreateBucket API reference, BucketAlreadyOwnedByYou);
    // every other Region answers 409 BucketAlreadyOwnedByYou.
    if (ctx.region === 'us-east-1' && existing.region === 'us-east-1') return { Location: `/${name}` };
    throw new ServiceError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, { BucketName: name });
  }
  const ownership = input.ObjectOwnership ?? 'BucketOwnerEnforced';
  // "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting" (CreateBucket
  // with an ACL other than private on a bucket whose ACLs are disabled, the default since April 2023).
  const grants = input.GrantFullControl ?? input.GrantRead ?? input.GrantReadACP ?? input.GrantWrite ?? input.GrantWriteACP;
  if (ownership === 'BucketOwnerEnforced' && ((input.ACL && input.ACL !== 'private' && input.ACL !== 'bucket-owner-full-control') || grants)) {
    throw new ServiceError('InvalidBucketAclWithObjectOwnership', "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
  }
  const rec: BucketRec = { name, owner: ctx.accountId, region, created: clock.now() };
  if (input.ObjectOwnership) rec.config = { ownership: { Rules: [{ ObjectOwnership: input.ObjectOwnership }] } };
  // x-amz-bucket-object-lock-enabled: Object Lock turns versioning on, for good.
  if (input.ObjectLockEnabledForBucket) {
    rec.objectLock = true;
    rec.versioning = 'Enabled';
    rec.config = { ...rec.config, objectLock: { ObjectLockEnabled: 'Enabled' } };
  }
  s.buckets.set(name, rec);
  s.index.set(name, new KeyIndex());
  return {
    Location: region === 'us-east-1' ? `/${name}` : `http://${name}.s3.${region}.localhost/`,
    BucketArn: `arn:aws:s3:::${name}`,
  };
}

const illegalConstraint = (c: string) => new ServiceError('IllegalLocationConstraintException',
  `The ${c} location constraint is incompatible for the region specific endpoint this request was sent to.`, 400);

export function headBucket(ctx: RequestContext, input: T.HeadBucketRequest): T.HeadBucketOutput {
  const b = ownBucket(ctx, input.Bucket);
  return { BucketRegion: b.region, AccessPointAlias: false, BucketArn: `arn:aws:s3:::${b.name}` };
}

export function deleteBucket(ctx: RequestContext, input: T.DeleteBucketRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  const s = s3State();
  if ((s.index.get(b.name)?.keys.length ?? 0) > 0) {
    throw new ServiceError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: b.name });
  }
  s.buckets.delete(b.name);
  s.index.delete(b.name);
  // Incomplete multipart uploads go with the bucket.
  for (const [id, u] of [...s.uploads.entries()]) if (u.bucket === b.name) s.uploads.delete(id);
}

export function listBuckets(ctx: RequestContext, input: T.ListBucketsRequest): T.ListBucketsOutput {
  const max = input.MaxBuckets ?? 10000;
  if (max < 1 || max > 10000) throw new ServiceError('InvalidArgument', 'Argument max-buckets must be an integer between 1 and 10000', 400, { ArgumentName: 'max-buckets', ArgumentValue: String(max) });
  let after = '';
  if (input.ContinuationToken) {
    after = Buffer.from(input.ContinuationToken, 'base64url').toString('utf8');
    if (!after) throw new ServiceError('InvalidArgument', 'The continuation token provided is incorrect', 400, { ArgumentName: 'continuation-token' });
  }
  const mine = [...s3State().buckets.values()]
    .filter((b) => b.owner === ctx.accountId && b.name > after
      && (!input.Prefix || b.name.startsWith(input.Prefix))
      && (!input.BucketRegion || b.region === input.BucketRegion))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = mine.slice(0, max);
  return {
    Buckets: page.map((b) => ({ Name: b.name, CreationDate: new Date(b.created), BucketRegion: b.region, BucketArn: `arn:aws:s3:::${b.name}` })),
    Owner: ownerOf(ctx.accountId),
    ContinuationToken: mine.length > max ? Buffer.from(page[page.length - 1].name).toString('base64url') : undefined,
    Prefix: input.Prefix,
  };
}

/**
 * The response document is `<LocationConstraint xmlns=…>region</LocationConstraint>`, empty
 * for us-east-1; models/patches/s3.json binds the member as the payload so the codec writes
 * this document as is.
 */
export function getBucketLocation(ctx: RequestContext, input: T.GetBucketLocationRequest): T.GetBucketLocationOutput {
  const b = ownBucket(ctx, input.Bucket);
  const text = b.region === 'us-east-1' ? '' : escapeXml(b.region);
  return { LocationConstraint: `${XML_DECL}<LocationConstraint xmlns="${S3_NS}">${text}</LocationConstraint>` };
}

export function getBucketTagging(ctx: RequestContext, input: T.GetBucketTaggingRequest): T.GetBucketTaggingOutput {
  const b = ownBucket(ctx, input.Bucket);
  if (!b.tags?.length) throw new ServiceError('NoSuchTagSet', 'The TagSet does not exist', 404, { BucketName: b.name });
  return { TagSet: b.tags };
}

export function putBucketTagging(ctx: RequestContext, input: T.PutBucketTaggingRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  const tags = input.Tagging.TagSet ?? [];
  if (tags.length > 50) throw new ServiceError('BadRequest', 'Bucket tag count cannot be greater than 50', 400);
  checkTags(tags.length > 10 ? [] : tags);
  b.tags = tags.map((t) => ({ Key: t.Key, Value: t.Value }));
  s3State().buckets.touch(b.name);
}

export function deleteBucketTagging(ctx: RequestContext, input: T.DeleteBucketTaggingRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  delete b.tags;
  s3State().buckets.touch(b.name);
}

