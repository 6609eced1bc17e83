// Analytics, metrics, inventory and Intelligent-Tiering configurations through the JS SDK v3
// and the aws CLI: round trips, the Id rule, NoSuchConfiguration, validation, list paging
// (100 a page) and the 1,000-per-bucket limit.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteBucketAnalyticsConfigurationCommand, DeleteBucketIntelligentTieringConfigurationCommand,
  DeleteBucketInventoryConfigurationCommand, DeleteBucketMetricsConfigurationCommand, GetBucketAnalyticsConfigurationCommand,
  GetBucketIntelligentTieringConfigurationCommand, GetBucketInventoryConfigurationCommand, GetBucketMetricsConfigurationCommand,
  ListBucketAnalyticsConfigurationsCommand, ListBucketIntelligentTieringConfigurationsCommand, ListBucketInventoryConfigurationsCommand,
  ListBucketMetricsConfigurationsCommand, PutBucketAnalyticsConfigurationCommand, PutBucketIntelligentTieringConfigurationCommand,
  PutBucketInventoryConfigurationCommand, PutBucketMetricsConfigurationCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { aws, nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { otherAccount, s3 } from './util.js';

let n: Nimbus;
let c: S3Client;
const B = 'keyed-configs';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B })); });

test('metrics: round trip, list, delete, NoSuchConfiguration, Id mismatch, one filter only', async () => {
  await rejects(c.send(new GetBucketMetricsConfigurationCommand({ Bucket: B, Id: 'm1' })), 'NoSuchConfiguration', 404);
  await c.send(new PutBucketMetricsConfigurationCommand({ Bucket: B, Id: 'm1', MetricsConfiguration: { Id: 'm1', Filter: { And: { Prefix: 'p/', Tags: [{ Key: 'k', Value: 'v' }] } } } }));
  await c.send(new PutBucketMetricsConfigurationCommand({ Bucket: B, Id: 'EntireBucket', MetricsConfiguration: { Id: 'EntireBucket' } }));
  const g = await c.send(new GetBucketMetricsConfigurationCommand({ Bucket: B, Id: 'm1' }));
  assert.deepEqual(g.MetricsConfiguration, { Id: 'm1', Filter: { And: { Prefix: 'p/', Tags: [{ Key: 'k', Value: 'v' }] } } });
  const l = await c.send(new ListBucketMetricsConfigurationsCommand({ Bucket: B }));
  assert.equal(l.IsTruncated, false);
  assert.deepEqual(l.MetricsConfigurationList?.map((x) => x.Id), ['EntireBucket', 'm1']);
  // The body's Id must be the query's id (S3 answers MalformedXML).
  await rejects(c.send(new PutBucketMetricsConfigurationCommand({ Bucket: B, Id: 'a', MetricsConfiguration: { Id: 'b' } })), 'MalformedXML', 400);
  await rejects(c.send(new PutBucketMetricsConfigurationCommand({ Bucket: B, Id: 'x', MetricsConfiguration: { Id: 'x', Filter: { Prefix: 'a', Tag: { Key: 'k', Value: 'v' } } as never } })), 'MalformedXML', 400);
  await c.send(new DeleteBucketMetricsConfigurationCommand({ Bucket: B, Id: 'm1' }));
  await rejects(c.send(new DeleteBucketMetricsConfigurationCommand({ Bucket: B, Id: 'm1' })), 'NoSuchConfiguration', 404);
  await rejects(c.send(new GetBucketMetricsConfigurationCommand({ Bucket: B, Id: 'm1' })), 'NoSuchConfiguration', 404);
  // Another account's bucket.
  await rejects(s3(n, 'us-east-1', otherAccount).send(new ListBucketMetricsConfigurationsCommand({ Bucket: B })), 'AccessDenied', 403);
});

test('metrics: paging 100 at a time with an opaque token, the 1,000 limit', async () => {
  for (let i = 0; i < 1000; i++) {
    const Id = `m${String(i).padStart(4, '0')}`;
    await c.send(new PutBucketMetricsConfigurationCommand({ Bucket: B, Id, MetricsConfiguration: { Id } }));
  }
  const e = await rejects(c.send(new PutBucketMetricsConfigurationCommand({ Bucket: B, Id: 'one-more', MetricsConfiguration: { Id: 'one-more' } })), 'TooManyConfigurations', 400);
  assert.match(e.message, /1,000-configuration limit/);
  // Replacing an existing one is still allowed.
  await c.send(new PutBucketMetricsConfigurationCommand({ Bucket: B, Id: 'm0005', MetricsConfiguration: { Id: 'm0005', Filter: { Prefix: 'x' } } }));
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const p = await c.send(new ListBucketMetricsConfigurationsCommand({ Bucket: B, ContinuationToken: token }));
    pages++;
    assert.ok(p.MetricsConfigurationList!.length <= 100);
    assert.equal(p.ContinuationToken, token);
    seen.push(...p.MetricsConfigurationList!.map((x) => x.Id!));
    token = p.IsTruncated ? p.NextContinuationToken : undefined;
  } while (token);
  assert.equal(pages, 10);
  assert.equal(seen.length, 1000);
  assert.equal(new Set(seen).size, 1000);
  await rejects(c.send(new ListBucketMetricsConfigurationsCommand({ Bucket: B, ContinuationToken: 'bogus' })), 'InvalidArgument', 400);
});

test('analytics: round trip with a data export, validation, delete', async () => {
  const AnalyticsConfiguration = {
    Id: 'a1', Filter: { Prefix: 'docs/' },
    StorageClassAnalysis: { DataExport: { OutputSchemaVersion: 'V_1' as const, Destination: { S3BucketDestination: { Format: 'CSV' as const, Bucket: 'arn:aws:s3:::reports', Prefix: 'an/', BucketAccountId: '000000000000' } } } },
  };
  await c.send(new PutBucketAnalyticsConfigurationCommand({ Bucket: B, Id: 'a1', AnalyticsConfiguration }));
  const g = await c.send(new GetBucketAnalyticsConfigurationCommand({ Bucket: B, Id: 'a1' }));
  assert.deepEqual(g.AnalyticsConfiguration, AnalyticsConfiguration);
  assert.deepEqual((await c.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: B }))).AnalyticsConfigurationList?.map((x) => x.Id), ['a1']);
  await rejects(c.send(new PutBucketAnalyticsConfigurationCommand({ Bucket: B, Id: 'a2', AnalyticsConfiguration: { ...AnalyticsConfiguration, Id: 'a2', StorageClassAnalysis: { DataExport: { OutputSchemaVersion: 'V_2' as never, Destination: AnalyticsConfiguration.StorageClassAnalysis.DataExport.Destination } } } })), 'MalformedXML', 400);
  await c.send(new DeleteBucketAnalyticsConfigurationCommand({ Bucket: B, Id: 'a1' }));
  const l = await c.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: B }));
  assert.equal(l.AnalyticsConfigurationList, undefined);
  assert.equal(l.IsTruncated, false);
});

test('inventory: round trip, required fields, destination ARN; the aws CLI', async () => {
  const InventoryConfiguration = {
    Id: 'inv', IsEnabled: true, IncludedObjectVersions: 'Current' as const, Filter: { Prefix: 'data/' },
    Destination: { S3BucketDestination: { Bucket: 'arn:aws:s3:::inventory-dest', Format: 'CSV' as const, Prefix: 'inv', AccountId: '000000000000', Encryption: { SSES3: {} } } },
    Schedule: { Frequency: 'Weekly' as const },
    OptionalFields: ['Size' as const, 'ETag' as const],
  };
  await c.send(new PutBucketInventoryConfigurationCommand({ Bucket: B, Id: 'inv', InventoryConfiguration }));
  const g = await c.send(new GetBucketInventoryConfigurationCommand({ Bucket: B, Id: 'inv' }));
  assert.deepEqual(g.InventoryConfiguration, InventoryConfiguration);
  await rejects(c.send(new PutBucketInventoryConfigurationCommand({ Bucket: B, Id: 'bad', InventoryConfiguration: { ...InventoryConfiguration, Id: 'bad', Destination: { S3BucketDestination: { ...InventoryConfiguration.Destination.S3BucketDestination, Bucket: 'inventory-dest' } } } })), 'InvalidArgument', 400);
  await rejects(c.send(new PutBucketInventoryConfigurationCommand({ Bucket: B, Id: 'bad', InventoryConfiguration: { ...InventoryConfiguration, Id: 'bad', Schedule: { Frequency: 'Hourly' as never } } })), 'MalformedXML', 400);
  const r = await aws(n, ['s3api', 'list-bucket-inventory-configurations', '--bucket', B]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.IsTruncated, false);
  assert.equal(out.InventoryConfigurationList[0].Destination.S3BucketDestination.Bucket, 'arn:aws:s3:::inventory-dest');
  assert.equal(out.InventoryConfigurationList[0].IsEnabled, true);
  await c.send(new DeleteBucketInventoryConfigurationCommand({ Bucket: B, Id: 'inv' }));
  const d = await aws(n, ['s3api', 'get-bucket-inventory-configuration', '--bucket', B, '--id', 'inv']);
  assert.notEqual(d.code, 0);
  assert.match(d.stderr, /NoSuchConfiguration/);
});

test('intelligent tiering: round trip, tier day ranges, each tier once', async () => {
  const IntelligentTieringConfiguration = {
    Id: 'it', Status: 'Enabled' as const, Filter: { Tag: { Key: 'tier', Value: 'cold' } },
    Tierings: [{ Days: 90, AccessTier: 'ARCHIVE_ACCESS' as const }, { Days: 180, AccessTier: 'DEEP_ARCHIVE_ACCESS' as const }],
  };
  await c.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket: B, Id: 'it', IntelligentTieringConfiguration }));
  const g = await c.send(new GetBucketIntelligentTieringConfigurationCommand({ Bucket: B, Id: 'it' }));
  assert.deepEqual(g.IntelligentTieringConfiguration, IntelligentTieringConfiguration);
  await rejects(c.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket: B, Id: 'x', IntelligentTieringConfiguration: { ...IntelligentTieringConfiguration, Id: 'x', Tierings: [{ Days: 30, AccessTier: 'ARCHIVE_ACCESS' }] } })), 'InvalidArgument', 400);
  await rejects(c.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket: B, Id: 'x', IntelligentTieringConfiguration: { ...IntelligentTieringConfiguration, Id: 'x', Tierings: [{ Days: 100, AccessTier: 'ARCHIVE_ACCESS' }, { Days: 120, AccessTier: 'ARCHIVE_ACCESS' }] } })), 'MalformedXML', 400);
  const l = await c.send(new ListBucketIntelligentTieringConfigurationsCommand({ Bucket: B }));
  assert.deepEqual(l.IntelligentTieringConfigurationList?.map((x) => x.Id), ['it']);
  await c.send(new DeleteBucketIntelligentTieringConfigurationCommand({ Bucket: B, Id: 'it' }));
  await rejects(c.send(new GetBucketIntelligentTieringConfigurationCommand({ Bucket: B, Id: 'it' })), 'NoSuchConfiguration', 404);
});
