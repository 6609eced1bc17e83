// Event notifications through the JS SDK v3 and the aws CLI: configuration round trip,
// destination validation, the s3:TestEvent, and event messages delivered to SQS for object
// creation, removal, restore and lifecycle expiration.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, GetBucketNotificationConfigurationCommand, PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand, PutBucketVersioningCommand, PutObjectCommand, RestoreObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { aws, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3 } from './util.js';

let n: Nimbus;
let c: S3Client;
let sqs: SQSClient;
const B = 'events-bucket';
const QARN = 'arn:aws:sqs:us-east-1:000000000000:events';
let qurl: string;
before(async () => { n = await nimbus(); c = s3(n); sqs = new SQSClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(async () => {
  n.reset();
  await c.send(new CreateBucketCommand({ Bucket: B }));
  qurl = (await sqs.send(new CreateQueueCommand({ QueueName: 'events' }))).QueueUrl!;
});

type S3Record = { eventVersion: string; eventSource: string; eventName: string; eventTime: string; awsRegion: string;
  userIdentity: { principalId: string }; requestParameters: { sourceIPAddress: string };
  s3: { configurationId: string; bucket: { name: string; arn: string; ownerIdentity: { principalId: string } };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string } } };

/** Every message waiting in the queue, parsed. */
async function drain(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: qurl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }));
    if (!r.Messages?.length) return out;
    out.push(...r.Messages.map((m) => JSON.parse(m.Body!)));
  }
}
const records = async () => (await drain()).flatMap((m) => (m.Records ?? []) as S3Record[]);
/** Deliveries are asynchronous: let them land. */
const settle = () => new Promise((r) => setTimeout(r, 50));

test('configuration: round trip, generated Id, destination validation, s3:TestEvent to a new queue', async () => {
  assert.deepEqual((await c.send(new GetBucketNotificationConfigurationCommand({ Bucket: B }))).QueueConfigurations, undefined);
  const e = await rejects(c.send(new PutBucketNotificationConfigurationCommand({
    Bucket: B, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: 'arn:aws:sqs:us-east-1:000000000000:missing', Events: ['s3:ObjectCreated:*'] }] },
  })), 'InvalidArgument', 400);
  assert.equal(e.message, 'Unable to validate the following destination configurations');
  await c.send(new PutBucketNotificationConfigurationCommand({
    Bucket: B, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: QARN, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } } }] },
  }));
  const g = await c.send(new GetBucketNotificationConfigurationCommand({ Bucket: B }));
  assert.equal(g.QueueConfigurations?.[0].QueueArn, QARN);
  assert.ok(g.QueueConfigurations?.[0].Id);
  assert.deepEqual(g.QueueConfigurations?.[0].Filter?.Key?.FilterRules, [{ Name: 'prefix', Value: 'in/' }]);
  const [t] = await drain();
  assert.equal(t.Event, 's3:TestEvent');
  assert.equal(t.Service, 'Amazon S3');
  assert.equal(t.Bucket, B);
  await rejects(c.send(new PutBucketNotificationConfigurationCommand({
    Bucket: B, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: QARN, Events: ['s3:Nope' as never] }] },
  })), 'InvalidArgument', 400);
  // Two configurations sharing an event type for overlapping keys.
  const o = await rejects(c.send(new PutBucketNotificationConfigurationCommand({
    Bucket: B, NotificationConfiguration: { QueueConfigurations: [
      { QueueArn: QARN, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'a/' }] } } },
      { QueueArn: QARN, Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'a/b/' }] } } },
    ] },
  })), 'InvalidArgument', 400);
  assert.equal(o.message, 'Configurations overlap. Configurations on the same bucket cannot share a common event type.');
  // Disjoint prefixes are fine.
  await c.send(new PutBucketNotificationConfigurationCommand({
    Bucket: B, NotificationConfiguration: { QueueConfigurations: [
      { QueueArn: QARN, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'a/' }] } } },
      { QueueArn: QARN, Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'b/' }] } } },
    ] },
  }));
});

test('events: Put/Copy/Delete/DeleteMarkerCreated with the AWS message shape; filters by prefix and suffix', async () => {
  await c.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }));
  await c.send(new PutBucketNotificationConfigurationCommand({
    Bucket: B, NotificationConfiguration: { QueueConfigurations: [{
      Id: 'all', QueueArn: QARN, Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
      Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }, { Name: 'suffix', Value: '.txt' }] } },
    }] },
  }));
  await drain();
  const p = await c.send(new PutObjectCommand({ Bucket: B, Key: 'in/a b.txt', Body: 'hello' }));
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'out/skip.txt', Body: 'x' }));
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'in/skip.bin', Body: 'x' }));
  await c.send(new CopyObjectCommand({ Bucket: B, Key: 'in/copy.txt', CopySource: `${B}/in/a b.txt` }));
  await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'in/copy.txt' }));
  await c.send(new DeleteObjectCommand({ Bucket: B, Key: 'in/a b.txt', VersionId: p.VersionId }));
  await settle();
  const rs = await records();
  assert.deepEqual(rs.map((r) => [r.eventName, r.s3.object.key]), [
    ['ObjectCreated:Put', 'in/a+b.txt'], ['ObjectCreated:Copy', 'in/copy.txt'],
    ['ObjectRemoved:DeleteMarkerCreated', 'in/copy.txt'], ['ObjectRemoved:Delete', 'in/a+b.txt'],
  ]);
  const r = rs[0];
  assert.equal(r.eventVersion, '2.1');
  assert.equal(r.eventSource, 'aws:s3');
  assert.equal(r.awsRegion, 'us-east-1');
  assert.match(r.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(r.s3.configurationId, 'all');
  assert.equal(r.s3.bucket.name, B);
  assert.equal(r.s3.bucket.arn, `arn:aws:s3:::${B}`);
  assert.match(r.s3.bucket.ownerIdentity.principalId, /.+/);
  assert.equal(r.s3.object.size, 5);
  assert.equal(r.s3.object.eTag, p.ETag!.replace(/"/g, ''));
  assert.equal(r.s3.object.versionId, p.VersionId);
  assert.match(r.s3.object.sequencer, /^[0-9A-F]+$/);
  assert.ok(r.requestParameters.sourceIPAddress);
  // The event names the request that caused it, by the id its response carried (16 hex digits).
  const requestId = (r as unknown as { responseElements: Record<string, string> }).responseElements['x-amz-request-id'];
  assert.equal(requestId, p.$metadata.requestId);
  assert.match(requestId, /^[0-9A-F]{16}$/);
  assert.equal(rs[3].s3.object.size, undefined);
  // Sequencers grow with each write to a key.
  assert.ok(rs[3].s3.object.sequencer > rs[0].s3.object.sequencer);
});

test('restore and lifecycle events on the virtual clock; aws CLI configuration', async () => {
  n.clock.set('2030-05-01T12:00:00Z');
  const cfg = JSON.stringify({ QueueConfigurations: [{ Id: 'q', QueueArn: QARN, Events: ['s3:ObjectRestore:*', 's3:LifecycleExpiration:*'] }] });
  const r = await aws(n, ['s3api', 'put-bucket-notification-configuration', '--bucket', B, '--notification-configuration', cfg]);
  assert.equal(r.code, 0, r.stderr);
  await drain();
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'cold', Body: 'x', StorageClass: 'GLACIER' }));
  await c.send(new RestoreObjectCommand({ Bucket: B, Key: 'cold', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Expedited' } } }));
  n.clock.advance('PT5M');
  await c.send(new PutBucketLifecycleConfigurationCommand({ Bucket: B, LifecycleConfiguration: { Rules: [{ ID: 'x', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }] } }));
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'tmp/t', Body: 'x' }));
  n.clock.advance('P2D');
  await settle();
  const rs = await records();
  assert.deepEqual(rs.map((x) => [x.eventName, x.s3.object.key]), [
    ['ObjectRestore:Post', 'cold'], ['ObjectRestore:Completed', 'cold'], ['LifecycleExpiration:Delete', 'tmp/t'],
  ]);
  assert.equal(rs[1].userIdentity.principalId, 's3.amazonaws.com');
});

test('SNS topics receive the test event and events (through a raw SQS subscription); Lambda targets must exist', async () => {
  const sns = new SNSClient(sdk(n));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 's3-events' }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: QARN, Attributes: { RawMessageDelivery: 'true' } }));
  await drain();
  await c.send(new PutBucketNotificationConfigurationCommand({
    Bucket: B, NotificationConfiguration: { TopicConfigurations: [{ Id: 't', TopicArn, Events: ['s3:ObjectCreated:Put'] }] },
  }));
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'via-sns', Body: 'x' }));
  await settle();
  const got = await drain();
  assert.equal(got[0].Event, 's3:TestEvent');
  const rec = (got[1].Records as S3Record[])[0];
  assert.deepEqual([rec.eventName, rec.s3.object.key, rec.s3.configurationId], ['ObjectCreated:Put', 'via-sns', 't']);
  const e = await rejects(c.send(new PutBucketNotificationConfigurationCommand({
    Bucket: B, NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:none', Events: ['s3:ObjectCreated:*'] }] },
  })), 'InvalidArgument', 400);
  assert.equal(e.message, 'Unable to validate the following destination configurations');
});
