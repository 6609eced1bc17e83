// The bucket configurations S3 keeps by id, each kind up to 1,000 per bucket: analytics
// (storage class analysis), CloudWatch request metrics, inventory, and S3 Intelligent-Tiering
// archive settings. Put/Get/Delete/List for each, as the API reference describes them
// (e.g. https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketInventoryConfiguration.html).
// Storing a configuration is all these calls do synchronously on AWS too; Nimbus stores and
// returns them but does not produce analytics exports, metrics, or inventory reports, and
// does not move objects between Intelligent-Tiering access tiers.
import { ServiceError } from '../../core/errors.js';
import { decodeToken, encodeToken } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { checkBufferedMd5 } from './body.js';
import { invalidArgument, malformedXml, ownBucket } from './common.js';
import { s3State, type BucketRec } from './state.js';

type Kind = 'analytics' | 'metrics' | 'inventory' | 'intelligentTiering';

const LIMIT = 1000;
/** "Returns up to 100 … configurations at a time" (List…Configurations API references). */
const PAGE = 100;

const noSuchConfiguration = () => new ServiceError('NoSuchConfiguration', 'The specified configuration does not exist.', 404);

function all<V>(b: BucketRec, kind: Kind): Record<string, V> {
  return (b.config?.[kind] as Record<string, V> | undefined) ?? {};
}

/**
 * Stores `value` under `id`. The body's Id must be the query's id: S3 answers MalformedXML
 * otherwise (observed: aws/aws-cli#4476).
 */
function put<V extends { Id: string }>(b: BucketRec, kind: Kind, id: string, value: V): void {
  if (!id || value.Id !== id) throw malformedXml();
  const cur = all<V>(b, kind);
  if (!(id in cur) && Object.keys(cur).length >= LIMIT) {
    throw new ServiceError('TooManyConfigurations', 'You are attempting to create a new configuration but have already reached the 1,000-configuration limit.', 400);
  }
  b.config = { ...b.config, [kind]: { ...cur, [id]: structuredClone(value) } };
  s3State().buckets.touch(b.name);
}

function get<V>(b: BucketRec, kind: Kind, id: string): V {
  const v = all<V>(b, kind)[id];
  if (v === undefined) throw noSuchConfiguration();
  return structuredClone(v);
}

function remove(b: BucketRec, kind: Kind, id: string): void {
  const cur = all(b, kind);
  if (!(id in cur)) throw noSuchConfiguration();
  const { [id]: _, ...rest } = cur;
  b.config = { ...b.config, [kind]: rest };
  s3State().buckets.touch(b.name);
}

/** One page of a kind, in id order, from an opaque continuation token. */
function list<V>(ctx: RequestContext, b: BucketRec, kind: Kind, token: string | undefined) {
  let after: string | undefined;
  if (token !== undefined) {
    after = decodeToken(`s3:${kind}`, token)?.k;
    if (after === undefined) throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  const ids = Object.keys(all(b, kind)).sort().filter((id) => after === undefined || id > after);
  const page = ids.slice(0, PAGE);
  const truncated = ids.length > page.length;
  return {
    items: page.map((id) => get<V>(b, kind, id)),
    IsTruncated: truncated,
    ContinuationToken: token,
    NextContinuationToken: truncated ? encodeToken(`s3:${kind}`, { k: page[page.length - 1] }) : undefined,
  };
}

/** A Filter names at most one of Prefix, Tag, And (the schema's choice). */
function checkFilter(f: Record<string, unknown> | undefined): void {
  if (f && ['Prefix', 'Tag', 'And', 'AccessPointArn'].filter((k) => f[k] !== undefined).length > 1) throw malformedXml();
}

// --- analytics ------------------------------------------------------------------------------

export function putBucketAnalyticsConfiguration(ctx: RequestContext, input: T.PutBucketAnalyticsConfigurationRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const c = input.AnalyticsConfiguration;
  checkFilter(c.Filter as Record<string, unknown> | undefined);
  const dest = c.StorageClassAnalysis?.DataExport?.Destination?.S3BucketDestination;
  if (dest && !dest.Bucket.startsWith('arn:')) throw invalidArgument('Invalid ARN', 'Bucket', dest.Bucket);
  put(b, 'analytics', input.Id, c);
}

export function getBucketAnalyticsConfiguration(ctx: RequestContext, input: T.GetBucketAnalyticsConfigurationRequest): T.GetBucketAnalyticsConfigurationOutput {
  return { AnalyticsConfiguration: get(ownBucket(ctx, input.Bucket), 'analytics', input.Id) };
}

export function deleteBucketAnalyticsConfiguration(ctx: RequestContext, input: T.DeleteBucketAnalyticsConfigurationRequest): void {
  remove(ownBucket(ctx, input.Bucket), 'analytics', input.Id);
}

export function listBucketAnalyticsConfigurations(ctx: RequestContext, input: T.ListBucketAnalyticsConfigurationsRequest): T.ListBucketAnalyticsConfigurationsOutput {
  const { items, ...rest } = list<T.AnalyticsConfiguration>(ctx, ownBucket(ctx, input.Bucket), 'analytics', input.ContinuationToken);
  return { ...rest, AnalyticsConfigurationList: items.length ? items : undefined };
}

// --- metrics --------------------------------------------------------------------------------

export function putBucketMetricsConfiguration(ctx: RequestContext, input: T.PutBucketMetricsConfigurationRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  checkFilter(input.MetricsConfiguration.Filter as Record<string, unknown> | undefined);
  put(b, 'metrics', input.Id, input.MetricsConfiguration);
}

export function getBucketMetricsConfiguration(ctx: RequestContext, input: T.GetBucketMetricsConfigurationRequest): T.GetBucketMetricsConfigurationOutput {
  return { MetricsConfiguration: get(ownBucket(ctx, input.Bucket), 'metrics', input.Id) };
}

export function deleteBucketMetricsConfiguration(ctx: RequestContext, input: T.DeleteBucketMetricsConfigurationRequest): void {
  remove(ownBucket(ctx, input.Bucket), 'metrics', input.Id);
}

export function listBucketMetricsConfigurations(ctx: RequestContext, input: T.ListBucketMetricsConfigurationsRequest): T.ListBucketMetricsConfigurationsOutput {
  const { items, ...rest } = list<T.MetricsConfiguration>(ctx, ownBucket(ctx, input.Bucket), 'metrics', input.ContinuationToken);
  return { ...rest, MetricsConfigurationList: items.length ? items : undefined };
}

// --- inventory ------------------------------------------------------------------------------

export function putBucketInventoryConfiguration(ctx: RequestContext, input: T.PutBucketInventoryConfigurationRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const c = input.InventoryConfiguration;
  const dest = c.Destination.S3BucketDestination;
  // The destination is a bucket ARN (InventoryS3BucketDestination: "The Amazon Resource Name (ARN) of the bucket").
  if (!dest.Bucket.startsWith('arn:')) throw invalidArgument('Invalid ARN', 'Bucket', dest.Bucket);
  if (dest.Encryption?.SSES3 && dest.Encryption.SSEKMS) throw malformedXml();
  if (new Set(c.OptionalFields ?? []).size !== (c.OptionalFields ?? []).length) throw malformedXml();
  put(b, 'inventory', input.Id, c);
}

export function getBucketInventoryConfiguration(ctx: RequestContext, input: T.GetBucketInventoryConfigurationRequest): T.GetBucketInventoryConfigurationOutput {
  return { InventoryConfiguration: get(ownBucket(ctx, input.Bucket), 'inventory', input.Id) };
}

export function deleteBucketInventoryConfiguration(ctx: RequestContext, input: T.DeleteBucketInventoryConfigurationRequest): void {
  remove(ownBucket(ctx, input.Bucket), 'inventory', input.Id);
}

export function listBucketInventoryConfigurations(ctx: RequestContext, input: T.ListBucketInventoryConfigurationsRequest): T.ListBucketInventoryConfigurationsOutput {
  const { items, ...rest } = list<T.InventoryConfiguration>(ctx, ownBucket(ctx, input.Bucket), 'inventory', input.ContinuationToken);
  return { ...rest, InventoryConfigurationList: items.length ? items : undefined };
}

// --- intelligent tiering --------------------------------------------------------------------

/**
 * Archive tiers and their day ranges: Archive Access 90–730 days, Deep Archive Access
 * 180–730 days, each tier at most once (User Guide, "Using S3 Intelligent-Tiering").
 */
const TIER_DAYS: Record<string, [number, number]> = { ARCHIVE_ACCESS: [90, 730], DEEP_ARCHIVE_ACCESS: [180, 730] };

export function putBucketIntelligentTieringConfiguration(ctx: RequestContext, input: T.PutBucketIntelligentTieringConfigurationRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const c = input.IntelligentTieringConfiguration;
  checkFilter(c.Filter as Record<string, unknown> | undefined);
  const tiers = c.Tierings ?? [];
  if (tiers.length === 0 || new Set(tiers.map((t) => t.AccessTier)).size !== tiers.length) throw malformedXml();
  for (const t of tiers) {
    const range = TIER_DAYS[t.AccessTier];
    if (!range) throw malformedXml();
    const [lo, hi] = range;
    if (t.Days < lo || t.Days > hi) {
      throw invalidArgument(`Days for ${t.AccessTier} must be between ${lo} and ${hi}`, 'Days', t.Days);
    }
  }
  put(b, 'intelligentTiering', input.Id, c);
}

export function getBucketIntelligentTieringConfiguration(ctx: RequestContext, input: T.GetBucketIntelligentTieringConfigurationRequest): T.GetBucketIntelligentTieringConfigurationOutput {
  return { IntelligentTieringConfiguration: get(ownBucket(ctx, input.Bucket), 'intelligentTiering', input.Id) };
}

export function deleteBucketIntelligentTieringConfiguration(ctx: RequestContext, input: T.DeleteBucketIntelligentTieringConfigurationRequest): void {
  remove(ownBucket(ctx, input.Bucket), 'intelligentTiering', input.Id);
}

export function listBucketIntelligentTieringConfigurations(ctx: RequestContext, input: T.ListBucketIntelligentTieringConfigurationsRequest): T.ListBucketIntelligentTieringConfigurationsOutput {
  const { items, ...rest } = list<T.IntelligentTieringConfiguration>(ctx, ownBucket(ctx, input.Bucket), 'intelligentTiering', input.ContinuationToken);
  return { ...rest, IntelligentTieringConfigurationList: items.length ? items : undefined };
}
