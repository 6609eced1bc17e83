// The deprecated lifecycle and notification calls, as boto3 still sends them
// (put_bucket_lifecycle / get_bucket_lifecycle, put_bucket_notification /
// get_bucket_notification): the same stored configuration as the current calls.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetBucketLifecycleConfigurationCommand, GetBucketNotificationConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import { boto3, nimbus } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3 } from './util.js';

let n: Nimbus;
let c: S3Client;
const B = 'legacy-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B })); });

test('put_bucket_lifecycle / get_bucket_lifecycle (legacy shape) share the stored rules', async () => {
  const out = await boto3<{ legacy: { Rules: Record<string, unknown>[] } }>(n, `
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1')
s3.put_bucket_lifecycle(Bucket=${JSON.stringify(B)}, LifecycleConfiguration={'Rules': [
  {'ID': 'old', 'Prefix': 'logs/', 'Status': 'Enabled', 'Expiration': {'Days': 30},
   'Transition': {'Days': 40, 'StorageClass': 'GLACIER'}, 'NoncurrentVersionExpiration': {'NoncurrentDays': 7}}]})
legacy = s3.get_bucket_lifecycle(Bucket=${JSON.stringify(B)})
print(json.dumps({'legacy': {'Rules': legacy['Rules']}}, default=str))
`);
  const r = out.legacy.Rules[0];
  assert.equal(r.ID, 'old');
  assert.equal(r.Prefix, 'logs/');
  assert.deepEqual(r.Expiration, { Days: 30 });
  assert.deepEqual(r.Transition, { Days: 40, StorageClass: 'GLACIER' });
  assert.deepEqual(r.NoncurrentVersionExpiration, { NoncurrentDays: 7 });
  // The current call sees the same rule.
  const cur = await c.send(new GetBucketLifecycleConfigurationCommand({ Bucket: B }));
  assert.equal(cur.Rules?.[0].ID, 'old');
  assert.equal(cur.Rules?.[0].Prefix, 'logs/');
  assert.deepEqual(cur.Rules?.[0].Transitions, [{ Days: 40, StorageClass: 'GLACIER' }]);
  assert.equal(cur.Rules?.[0].Expiration?.Days, 30);
});

test('put_bucket_notification (legacy shape) configures delivery; get_bucket_notification reads it', async () => {
  const out = await boto3<{ legacy: Record<string, Record<string, unknown>>; body: Record<string, unknown> }>(n, `
sqs = boto3.client('sqs', endpoint_url=endpoint, region_name='us-east-1')
url = sqs.create_queue(QueueName='legacy-events')['QueueUrl']
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1')
s3.put_bucket_notification(Bucket=${JSON.stringify(B)}, NotificationConfiguration={
  'QueueConfiguration': {'Id': 'q1', 'Events': ['s3:ObjectCreated:*'], 'Queue': arn}})
legacy = s3.get_bucket_notification(Bucket=${JSON.stringify(B)})
legacy.pop('ResponseMetadata', None)
sqs.purge_queue(QueueUrl=url)
s3.put_object(Bucket=${JSON.stringify(B)}, Key='hello.txt', Body=b'hi')
msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, MaxNumberOfMessages=10).get('Messages', [])
bodies = [json.loads(m['Body']) for m in msgs]
records = [b for b in bodies if 'Records' in b]
print(json.dumps({'legacy': legacy, 'body': records[0] if records else {}}))
`);
  assert.equal(out.legacy.QueueConfiguration.Id, 'q1');
  assert.equal(out.legacy.QueueConfiguration.Queue, 'arn:aws:sqs:us-east-1:000000000000:legacy-events');
  assert.deepEqual(out.legacy.QueueConfiguration.Events, ['s3:ObjectCreated:*']);
  const rec = (out.body.Records as { eventName: string; s3: { configurationId: string; object: { key: string } } }[])[0];
  assert.equal(rec.eventName, 'ObjectCreated:Put');
  assert.equal(rec.s3.configurationId, 'q1');
  assert.equal(rec.s3.object.key, 'hello.txt');
  const cur = await c.send(new GetBucketNotificationConfigurationCommand({ Bucket: B }));
  assert.equal(cur.QueueConfigurations?.[0].QueueArn, 'arn:aws:sqs:us-east-1:000000000000:legacy-events');
});
