// S3 buckets through the JS SDK v3: naming rules, location constraints per region, owned and
// taken names, head/delete/list/location, bucket tags.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteBucketTaggingCommand, GetBucketLocationCommand, GetBucketTaggingCommand,
  HeadBucketCommand, ListBucketsCommand, PutBucketTaggingCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { nimbus, rejects, boto3 } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3, otherAccount } from './util.js';
import { validBucketName } from '../../../src/services/s3/buckets.js';

let n: Nimbus;
let east: S3Client;
let west: S3Client;
before(async () => { n = await nimbus(); east = s3(n); west = s3(n, 'eu-west-1'); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

test('bucket naming rules (S3 User Guide, general purpose bucket naming rules)', async () => {
  for (const ok of ['abc', 'my-bucket.v2', 'a'.repeat(63), '1bucket']) assert.ok(validBucketName(ok), ok);
  for (const bad of ['ab', 'a'.repeat(64), 'MyBucket', 'my_bucket', '-abc', 'abc-', 'a..b', '192.168.1.1', 'xn--abc',
    'sthree-x', 'amzn-s3-demo-x', 'abc-s3alias', 'abc--ol-s3', 'abc.mrap', 'abc--x-s3', 'abc--table-s3']) {
    assert.ok(!validBucketName(bad), bad);
  }
  const e = await rejects(east.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })), 'InvalidBucketName', 400);
  assert.equal(e.message, 'The specified bucket is not valid.');
  assert.equal((e as unknown as { BucketName: string }).BucketName, 'Bad_Name');
});

test('CreateBucket location constraints: none in us-east-1, the request region elsewhere', async () => {
  const r = await east.send(new CreateBucketCommand({ Bucket: 'east-bucket' }));
  assert.equal(r.Location, '/east-bucket');
  let e = await rejects(east.send(new CreateBucketCommand({ Bucket: 'other-bucket', CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never } })),
    'InvalidLocationConstraint', 400);
  assert.equal(e.message, 'The specified location-constraint is not valid');
  await rejects(west.send(new CreateBucketCommand({ Bucket: 'other-bucket', CreateBucketConfiguration: { LocationConstraint: 'mars-1' as never } })),
    'InvalidLocationConstraint', 400);
  e = await rejects(east.send(new CreateBucketCommand({ Bucket: 'other-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
    'IllegalLocationConstraintException', 400);
  assert.equal(e.message, 'The eu-west-1 location constraint is incompatible for the region specific endpoint this request was sent to.');
  e = await rejects(west.send(new CreateBucketCommand({ Bucket: 'other-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } })),
    'IllegalLocationConstraintException', 400);
  assert.equal(e.message, 'The eu-central-1 location constraint is incompatible for the region specific endpoint this request was sent to.');
  await west.send(new CreateBucketCommand({ Bucket: 'west-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  const h = await west.send(new HeadBucketCommand({ Bucket: 'west-bucket' }));
  assert.equal(h.BucketRegion, 'eu-west-1');
  assert.equal((await east.send(new HeadBucketCommand({ Bucket: 'east-bucket' }))).BucketRegion, 'us-east-1');
});

test('re-creating a bucket: 200 in us-east-1, BucketAlreadyOwnedByYou elsewhere, BucketAlreadyExists for others', async () => {
  await east.send(new CreateBucketCommand({ Bucket: 'mine' + '-1' }));
  // us-east-1 answers 200 to the owner (CreateBucket API reference, legacy compatibility).
  await east.send(new CreateBucketCommand({ Bucket: 'mine-1' }));
  await west.send(new CreateBucketCommand({ Bucket: 'mine-2', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  const e = await rejects(west.send(new CreateBucketCommand({ Bucket: 'mine-2', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
    'BucketAlreadyOwnedByYou', 409);
  assert.equal(e.message, 'Your previous request to create the named bucket succeeded and you already own it.');
  // Bucket names are global: another account cannot take it, in any region.
  const other = s3(n, 'us-east-1', otherAccount);
  const e2 = await rejects(other.send(new CreateBucketCommand({ Bucket: 'mine-1' })), 'BucketAlreadyExists', 409);
  assert.match(e2.message, /The requested bucket name is not available/);
  // Another account's bucket: 403 (a HEAD answer has no body, so no error code).
  await assert.rejects(other.send(new HeadBucketCommand({ Bucket: 'mine-1' })), (e: { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode === 403);
  assert.equal((await other.send(new ListBucketsCommand({}))).Buckets?.length ?? 0, 0);
});

test('HeadBucket and DeleteBucket: 404 NoSuchBucket, BucketNotEmpty', async () => {
  const h = await rejects(east.send(new HeadBucketCommand({ Bucket: 'nope-bucket' })), 'NotFound', 404);
  assert.ok(h);
  const e = await rejects(east.send(new DeleteBucketCommand({ Bucket: 'nope-bucket' })), 'NoSuchBucket', 404);
  assert.equal(e.message, 'The specified bucket does not exist');
  assert.equal((e as unknown as { BucketName: string }).BucketName, 'nope-bucket');
  await east.send(new CreateBucketCommand({ Bucket: 'full-bucket' }));
  await east.send(new PutObjectCommand({ Bucket: 'full-bucket', Key: 'k', Body: 'x' }));
  const e2 = await rejects(east.send(new DeleteBucketCommand({ Bucket: 'full-bucket' })), 'BucketNotEmpty', 409);
  assert.equal(e2.message, 'The bucket you tried to delete is not empty');
  await east.send(new CreateBucketCommand({ Bucket: 'empty-bucket' }));
  const d = await east.send(new DeleteBucketCommand({ Bucket: 'empty-bucket' }));
  assert.equal(d.$metadata.httpStatusCode, 204);
  await rejects(east.send(new HeadBucketCommand({ Bucket: 'empty-bucket' })), 'NotFound', 404);
});

test('ListBuckets: sorted, MaxBuckets pages with ContinuationToken, Prefix, BucketRegion', async () => {
  for (const b of ['cc-bucket', 'aa-bucket', 'bb-bucket', 'ab-bucket']) await east.send(new CreateBucketCommand({ Bucket: b }));
  await west.send(new CreateBucketCommand({ Bucket: 'zz-west', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  const all = await east.send(new ListBucketsCommand({}));
  assert.deepEqual(all.Buckets?.map((b) => b.Name), ['aa-bucket', 'ab-bucket', 'bb-bucket', 'cc-bucket', 'zz-west']);
  assert.ok(all.Buckets![0].CreationDate instanceof Date);
  assert.match(all.Owner!.ID!, /^[0-9a-f]{64}$/);
  const p1 = await east.send(new ListBucketsCommand({ MaxBuckets: 2 }));
  assert.deepEqual(p1.Buckets?.map((b) => b.Name), ['aa-bucket', 'ab-bucket']);
  assert.ok(p1.ContinuationToken);
  const p2 = await east.send(new ListBucketsCommand({ MaxBuckets: 2, ContinuationToken: p1.ContinuationToken }));
  assert.deepEqual(p2.Buckets?.map((b) => b.Name), ['bb-bucket', 'cc-bucket']);
  const p3 = await east.send(new ListBucketsCommand({ MaxBuckets: 2, ContinuationToken: p2.ContinuationToken }));
  assert.deepEqual(p3.Buckets?.map((b) => b.Name), ['zz-west']);
  assert.equal(p3.ContinuationToken, undefined);
  const pre = await east.send(new ListBucketsCommand({ Prefix: 'a' }));
  assert.deepEqual(pre.Buckets?.map((b) => b.Name), ['aa-bucket', 'ab-bucket']);
  assert.equal(pre.Prefix, 'a');
  const reg = await east.send(new ListBucketsCommand({ BucketRegion: 'eu-west-1' }));
  assert.deepEqual(reg.Buckets?.map((b) => [b.Name, b.BucketRegion]), [['zz-west', 'eu-west-1']]);
});

test('GetBucketLocation: empty for us-east-1, the region elsewhere (JS SDK and boto3)', async () => {
  await east.send(new CreateBucketCommand({ Bucket: 'loc-east' }));
  await west.send(new CreateBucketCommand({ Bucket: 'loc-west', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  assert.equal((await east.send(new GetBucketLocationCommand({ Bucket: 'loc-east' }))).LocationConstraint, undefined);
  assert.equal((await east.send(new GetBucketLocationCommand({ Bucket: 'loc-west' }))).LocationConstraint, 'eu-west-1');
  const r = await boto3<[string | null, string | null]>(n, `
c = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1')
print(json.dumps([c.get_bucket_location(Bucket='loc-east')['LocationConstraint'], c.get_bucket_location(Bucket='loc-west')['LocationConstraint']]))`);
  assert.deepEqual(r, [null, 'eu-west-1']);
  await rejects(east.send(new GetBucketLocationCommand({ Bucket: 'loc-none' })), 'NoSuchBucket', 404);
});

test('bucket tagging: put, get, delete, NoSuchTagSet', async () => {
  await east.send(new CreateBucketCommand({ Bucket: 'tag-bucket' }));
  const e = await rejects(east.send(new GetBucketTaggingCommand({ Bucket: 'tag-bucket' })), 'NoSuchTagSet', 404);
  assert.equal(e.message, 'The TagSet does not exist');
  await east.send(new PutBucketTaggingCommand({ Bucket: 'tag-bucket', Tagging: { TagSet: [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'x' }] } }));
  assert.deepEqual((await east.send(new GetBucketTaggingCommand({ Bucket: 'tag-bucket' }))).TagSet, [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'x' }]);
  await east.send(new DeleteBucketTaggingCommand({ Bucket: 'tag-bucket' }));
  await rejects(east.send(new GetBucketTaggingCommand({ Bucket: 'tag-bucket' })), 'NoSuchTagSet', 404);
});
