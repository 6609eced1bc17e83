// Bucket subresources that S3 stores and returns as sent: policy (and its status), CORS,
// default encryption, ownership controls, public access block, website, logging, request
// payment, transfer acceleration. Each absent configuration answers S3's own "not
// configured" error (ErrorResponses.html, "List of error codes").
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { checkBufferedMd5 } from './body.js';
import { accessDenied, invalidArgument, invalidRequest, malformedXml, ownBucket } from './common.js';
import { s3State, type BucketRec } from './state.js';

export function store(b: BucketRec, name: string, value: unknown): void {
  b.config = { ...b.config, [name]: value };
  s3State().buckets.touch(b.name);
}

export function drop(b: BucketRec, name: string): void {
  if (!b.config || !(name in b.config)) return;
  const { [name]: _, ...rest } = b.config;
  b.config = rest;
  s3State().buckets.touch(b.name);
}

export function stored<V>(b: BucketRec, name: string, missing: () => ServiceError): V {
  const v = b.config?.[name];
  if (v === undefined) throw missing();
  return structuredClone(v) as V;
}

export const notFound = (code: string, message: string, b: BucketRec) => () => new ServiceError(code, message, 404, { BucketName: b.name });

// --- policy -------------------------------------------------------------------------------

/** A policy document must be JSON with a Version-less or valid Version and a Statement. */
function checkPolicy(doc: string): void {
  const bad = (why: string) => new ServiceError('MalformedPolicy', why, 400);
  let p: Record<string, unknown>;
  try { p = JSON.parse(doc) as Record<string, unknown>; } catch { throw bad('Policies must be valid JSON and the first byte must be \'{\''); }
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw bad('Policies must be valid JSON and the first byte must be \'{\'');
  if (p.Version !== undefined && p.Version !== '2012-10-17' && p.Version !== '2008-10-17') throw bad('Document is invalid: Invalid Version ' + String(p.Version));
  const st = p.Statement;
  if (st === undefined || (Array.isArray(st) && st.length === 0)) throw bad('Missing required field Statement');
  for (const s of (Array.isArray(st) ? st : [st]) as Record<string, unknown>[]) {
    if (!s || typeof s !== 'object') throw bad('Missing required field Statement');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw bad('Invalid effect: ' + String(s.Effect ?? ''));
    if (s.Action === undefined && s.NotAction === undefined) throw bad('Missing required field Action');
    if (s.Resource === undefined && s.NotResource === undefined) throw bad('Missing required field Resource');
    if (s.Principal === undefined && s.NotPrincipal === undefined) throw bad('Missing required field Principal');
  }
}

export function putBucketPolicy(ctx: RequestContext, input: T.PutBucketPolicyRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const doc = typeof input.Policy === 'string' ? input.Policy : Buffer.from(input.Policy as unknown as Uint8Array ?? []).toString('utf8');
  checkPolicy(doc);
  // BlockPublicPolicy: "PUT Bucket policy calls fail if the specified bucket policy allows
  // public access" (S3 User Guide, "Blocking public access to your Amazon S3 storage").
  if (publicAccessBlock(b)?.BlockPublicPolicy && policyIsPublic(doc)) throw accessDenied();
  store(b, 'policy', doc);
}

export function getBucketPolicy(ctx: RequestContext, input: T.GetBucketPolicyRequest): T.GetBucketPolicyOutput {
  const b = ownBucket(ctx, input.Bucket);
  return { Policy: stored<string>(b, 'policy', notFound('NoSuchBucketPolicy', 'The bucket policy does not exist', b)) };
}

export function deleteBucketPolicy(ctx: RequestContext, input: T.DeleteBucketPolicyRequest): void {
  drop(ownBucket(ctx, input.Bucket), 'policy');
}

/**
 * IsPublic: a policy statement that allows everyone ("*" or {"AWS": "*"}) without a
 * condition (S3 User Guide, "The meaning of 'public'").
 */
export function getBucketPolicyStatus(ctx: RequestContext, input: T.GetBucketPolicyStatusRequest): T.GetBucketPolicyStatusOutput {
  const b = ownBucket(ctx, input.Bucket);
  const doc = stored<string>(b, 'policy', notFound('NoSuchBucketPolicy', 'The bucket policy does not exist', b));
  return { PolicyStatus: { IsPublic: policyIsPublic(doc) } };
}

function policyIsPublic(doc: string): boolean {
  const p = JSON.parse(doc) as { Statement: unknown };
  const sts = (Array.isArray(p.Statement) ? p.Statement : [p.Statement]) as Record<string, unknown>[];
  const everyone = (x: unknown): boolean => x === '*' || (typeof x === 'object' && x !== null
    && [(x as Record<string, unknown>).AWS].flat().includes('*'));
  return sts.some((s) => s.Effect === 'Allow' && everyone(s.Principal) && s.Condition === undefined);
}

export const publicAccessBlock = (b: BucketRec) => b.config?.publicAccessBlock as T.PublicAccessBlockConfiguration | undefined;

// --- CORS -----------------------------------------------------------------------------------

export function putBucketCors(ctx: RequestContext, input: T.PutBucketCorsRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const rules = input.CORSConfiguration?.CORSRules ?? [];
  if (rules.length === 0 || rules.length > 100) throw malformedXml();
  for (const r of rules) {
    if (!r.AllowedMethods?.length || !r.AllowedOrigins?.length) throw malformedXml();
    for (const m of r.AllowedMethods) {
      if (!['GET', 'PUT', 'POST', 'DELETE', 'HEAD'].includes(m)) {
        throw invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
      }
    }
    for (const o of r.AllowedOrigins) {
      if ((o.match(/\*/g) ?? []).length > 1) throw invalidRequest(`AllowedOrigin "${o}" can not have more than one wildcard.`);
    }
  }
  store(b, 'cors', rules);
}

export function getBucketCors(ctx: RequestContext, input: T.GetBucketCorsRequest): T.GetBucketCorsOutput {
  const b = ownBucket(ctx, input.Bucket);
  return { CORSRules: stored<T.CORSRule[]>(b, 'cors', notFound('NoSuchCORSConfiguration', 'The CORS configuration does not exist', b)) };
}

export function deleteBucketCors(ctx: RequestContext, input: T.DeleteBucketCorsRequest): void {
  drop(ownBucket(ctx, input.Bucket), 'cors');
}

// --- default encryption ---------------------------------------------------------------------

export function putBucketEncryption(ctx: RequestContext, input: T.PutBucketEncryptionRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const rules = input.ServerSideEncryptionConfiguration?.Rules ?? [];
  if (rules.length !== 1) throw malformedXml();
  const d = rules[0].ApplyServerSideEncryptionByDefault;
  if (d) {
    if (!['AES256', 'aws:kms', 'aws:kms:dsse'].includes(d.SSEAlgorithm)) throw malformedXml();
    if (d.SSEAlgorithm === 'AES256' && d.KMSMasterKeyID) {
      throw invalidArgument('a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse', 'ApplyServerSideEncryptionByDefault');
    }
  }
  store(b, 'encryption', { Rules: rules });
}

/**
 * Every bucket has SSE-S3 as its base level of encryption since January 2023, so a bucket
 * never configured answers AES256 (GetBucketEncryption API reference).
 */
export function getBucketEncryption(ctx: RequestContext, input: T.GetBucketEncryptionRequest): T.GetBucketEncryptionOutput {
  const b = ownBucket(ctx, input.Bucket);
  const c = b.config?.encryption as T.ServerSideEncryptionConfiguration | undefined;
  return {
    ServerSideEncryptionConfiguration: c ? structuredClone(c)
      : { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
  };
}

export function deleteBucketEncryption(ctx: RequestContext, input: T.DeleteBucketEncryptionRequest): void {
  drop(ownBucket(ctx, input.Bucket), 'encryption');
}

// --- ownership controls ---------------------------------------------------------------------

const OWNERSHIP = ['BucketOwnerPreferred', 'ObjectWriter', 'BucketOwnerEnforced'];

export function putBucketOwnershipControls(ctx: RequestContext, input: T.PutBucketOwnershipControlsRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const rules = input.OwnershipControls?.Rules ?? [];
  if (rules.length !== 1 || !OWNERSHIP.includes(rules[0].ObjectOwnership)) throw malformedXml();
  store(b, 'ownership', { Rules: rules });
}

export function getBucketOwnershipControls(ctx: RequestContext, input: T.GetBucketOwnershipControlsRequest): T.GetBucketOwnershipControlsOutput {
  const b = ownBucket(ctx, input.Bucket);
  return {
    OwnershipControls: stored<T.OwnershipControls>(b, 'ownership',
      notFound('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', b)),
  };
}

export function deleteBucketOwnershipControls(ctx: RequestContext, input: T.DeleteBucketOwnershipControlsRequest): void {
  drop(ownBucket(ctx, input.Bucket), 'ownership');
}

/** The bucket's object ownership setting: BucketOwnerEnforced unless configured (the default since April 2023). */
export const objectOwnership = (b: BucketRec): string =>
  (b.config?.ownership as T.OwnershipControls | undefined)?.Rules[0]?.ObjectOwnership ?? 'BucketOwnerEnforced';

// --- public access block --------------------------------------------------------------------

export function putPublicAccessBlock(ctx: RequestContext, input: T.PutPublicAccessBlockRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const c = input.PublicAccessBlockConfiguration ?? {};
  store(b, 'publicAccessBlock', {
    BlockPublicAcls: c.BlockPublicAcls ?? false, IgnorePublicAcls: c.IgnorePublicAcls ?? false,
    BlockPublicPolicy: c.BlockPublicPolicy ?? false, RestrictPublicBuckets: c.RestrictPublicBuckets ?? false,
  });
}

export function getPublicAccessBlock(ctx: RequestContext, input: T.GetPublicAccessBlockRequest): T.GetPublicAccessBlockOutput {
  const b = ownBucket(ctx, input.Bucket);
  return {
    PublicAccessBlockConfiguration: stored<T.PublicAccessBlockConfiguration>(b, 'publicAccessBlock',
      notFound('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', b)),
  };
}

export function deletePublicAccessBlock(ctx: RequestContext, input: T.DeletePublicAccessBlockRequest): void {
  drop(ownBucket(ctx, input.Bucket), 'publicAccessBlock');
}

// --- website --------------------------------------------------------------------------------

export function putBucketWebsite(ctx: RequestContext, input: T.PutBucketWebsiteRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const w = input.WebsiteConfiguration ?? {};
  if (w.RedirectAllRequestsTo) {
    if (w.IndexDocument || w.ErrorDocument || w.RoutingRules) {
      throw invalidArgument('RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.', 'RedirectAllRequestsTo', 'not null');
    }
  } else if (!w.IndexDocument) {
    throw invalidArgument('A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty', 'IndexDocument', 'null');
  } else if (!w.IndexDocument.Suffix || w.IndexDocument.Suffix.includes('/')) {
    throw invalidArgument('The IndexDocument Suffix is not well formed', 'IndexDocument', w.IndexDocument.Suffix ?? '');
  }
  store(b, 'website', w);
}

export function getBucketWebsite(ctx: RequestContext, input: T.GetBucketWebsiteRequest): T.GetBucketWebsiteOutput {
  const b = ownBucket(ctx, input.Bucket);
  return stored<T.GetBucketWebsiteOutput>(b, 'website', notFound('NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration', b));
}

export function deleteBucketWebsite(ctx: RequestContext, input: T.DeleteBucketWebsiteRequest): void {
  drop(ownBucket(ctx, input.Bucket), 'website');
}

// --- logging, request payment, transfer acceleration ----------------------------------------

export function putBucketLogging(ctx: RequestContext, input: T.PutBucketLoggingRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const le = input.BucketLoggingStatus?.LoggingEnabled;
  if (!le) { drop(b, 'logging'); return; }
  const target = s3State().buckets.get(le.TargetBucket);
  if (!target || target.owner !== b.owner) {
    throw new ServiceError('InvalidTargetBucketForLogging', 'The target bucket for logging does not exist', 400, { TargetBucket: le.TargetBucket });
  }
  if (target.region !== b.region) {
    throw new ServiceError('CrossLocationLoggingProhibitted', 'Cross S3 location logging not allowed. ', 403, { TargetBucketLocation: target.region });
  }
  store(b, 'logging', le);
}

export function getBucketLogging(ctx: RequestContext, input: T.GetBucketLoggingRequest): T.GetBucketLoggingOutput {
  const b = ownBucket(ctx, input.Bucket);
  const le = b.config?.logging as T.LoggingEnabled | undefined;
  return le ? { LoggingEnabled: structuredClone(le) } : {};
}

export function putBucketRequestPayment(ctx: RequestContext, input: T.PutBucketRequestPaymentRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const payer = input.RequestPaymentConfiguration?.Payer;
  if (payer !== 'Requester' && payer !== 'BucketOwner') throw malformedXml();
  store(b, 'requestPayment', payer);
}

export function getBucketRequestPayment(ctx: RequestContext, input: T.GetBucketRequestPaymentRequest): T.GetBucketRequestPaymentOutput {
  const b = ownBucket(ctx, input.Bucket);
  return { Payer: (b.config?.requestPayment as string | undefined) ?? 'BucketOwner' };
}

export function putBucketAccelerateConfiguration(ctx: RequestContext, input: T.PutBucketAccelerateConfigurationRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  const st = input.AccelerateConfiguration?.Status;
  if (st !== 'Enabled' && st !== 'Suspended') throw malformedXml();
  // "The name of the bucket used for Transfer Acceleration must be DNS-compliant and must not contain periods."
  if (b.name.includes('.')) throw invalidRequest('S3 Transfer Acceleration is not supported for buckets with periods (.) in their names');
  store(b, 'accelerate', st);
}

/** A bucket that never had acceleration configured answers no Status. */
export function getBucketAccelerateConfiguration(ctx: RequestContext, input: T.GetBucketAccelerateConfigurationRequest): T.GetBucketAccelerateConfigurationOutput {
  const b = ownBucket(ctx, input.Bucket);
  const st = b.config?.accelerate as string | undefined;
  return st ? { Status: st } : {};
}
