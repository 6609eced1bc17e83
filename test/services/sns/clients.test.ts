// SNS through the aws CLI and boto3 (query protocol, XML responses, error codes as those
// clients read them): create a topic, subscribe a queue, publish, receive the envelope.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { aws, boto3, nimbus } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
before(async () => { n = await nimbus(); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, r.stderr); return r.stdout ? JSON.parse(r.stdout) : {}; };

test('aws CLI: create-topic, subscribe, publish, list, attributes, errors', async () => {
  const { TopicArn } = ok(await aws(n, ['sns', 'create-topic', '--name', 'cli-topic', '--attributes', 'DisplayName=CLI', '--tags', 'Key=a,Value=b']));
  assert.equal(TopicArn, 'arn:aws:sns:us-east-1:000000000000:cli-topic');
  const { QueueUrl } = ok(await aws(n, ['sqs', 'create-queue', '--queue-name', 'cli-q']));
  const sub = ok(await aws(n, ['sns', 'subscribe', '--topic-arn', TopicArn, '--protocol', 'sqs', '--notification-endpoint',
    'arn:aws:sqs:us-east-1:000000000000:cli-q', '--attributes', '{"RawMessageDelivery":"true"}']));
  assert.match(sub.SubscriptionArn, /^arn:aws:sns:us-east-1:000000000000:cli-topic:[0-9a-f-]{36}$/);
  const pub = ok(await aws(n, ['sns', 'publish', '--topic-arn', TopicArn, '--message', 'from the cli', '--message-attributes',
    '{"k":{"DataType":"String","StringValue":"v"}}']));
  assert.match(pub.MessageId, /^[0-9a-f-]{36}$/);
  const r = ok(await aws(n, ['sqs', 'receive-message', '--queue-url', QueueUrl, '--message-attribute-names', 'All']));
  assert.equal(r.Messages[0].Body, 'from the cli');
  assert.equal(r.Messages[0].MessageAttributes.k.StringValue, 'v');
  const topics = ok(await aws(n, ['sns', 'list-topics']));
  assert.deepEqual(topics.Topics, [{ TopicArn }]);
  const subs = ok(await aws(n, ['sns', 'list-subscriptions-by-topic', '--topic-arn', TopicArn]));
  assert.equal(subs.Subscriptions[0].SubscriptionArn, sub.SubscriptionArn);
  const attrs = ok(await aws(n, ['sns', 'get-topic-attributes', '--topic-arn', TopicArn]));
  assert.equal(attrs.Attributes.DisplayName, 'CLI');
  assert.equal(attrs.Attributes.SubscriptionsConfirmed, '1');
  const tags = ok(await aws(n, ['sns', 'list-tags-for-resource', '--resource-arn', TopicArn]));
  assert.deepEqual(tags.Tags, [{ Key: 'a', Value: 'b' }]);
  const missing = await aws(n, ['sns', 'get-topic-attributes', '--topic-arn', 'arn:aws:sns:us-east-1:000000000000:nope']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /\(NotFound\).*Topic does not exist/);
  const bad = await aws(n, ['sns', 'publish', '--topic-arn', TopicArn, '--message', 'x', '--subject', '']);
  assert.match(bad.stderr, /\(InvalidParameter\).*Invalid parameter: Subject/);
});

test('boto3: FIFO topic to a FIFO queue, publish_batch, modelled exceptions', async () => {
  const out = await boto3<Record<string, unknown>>(n, `
sns = boto3.client('sns', endpoint_url=endpoint)
sqs = boto3.client('sqs', endpoint_url=endpoint)
t = sns.create_topic(Name='b.fifo', Attributes={'FifoTopic': 'true', 'ContentBasedDeduplication': 'true'})['TopicArn']
q = sqs.create_queue(QueueName='b.fifo', Attributes={'FifoQueue': 'true'})['QueueUrl']
qa = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
sub = sns.subscribe(TopicArn=t, Protocol='sqs', Endpoint=qa, ReturnSubscriptionArn=True)['SubscriptionArn']
p = sns.publish(TopicArn=t, Message='one', MessageGroupId='g1')
b = sns.publish_batch(TopicArn=t, PublishBatchRequestEntries=[
  {'Id': 'a', 'Message': 'two', 'MessageGroupId': 'g1'},
  {'Id': 'b', 'Message': 'three', 'MessageGroupId': 'g1', 'MessageAttributes': {'n': {'DataType': 'Number', 'StringValue': 'nan?'}}},
])
msgs = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10, AttributeNames=['All'])['Messages']
try:
    sns.get_subscription_attributes(SubscriptionArn=t + ':00000000-0000-0000-0000-000000000000')
    err = None
except sns.exceptions.NotFoundException as e:
    err = e.response['Error']['Code']
try:
    sns.publish(TopicArn=t, Message='no group')
    err2 = None
except sns.exceptions.InvalidParameterException as e:
    err2 = e.response['Error']['Message']
print(json.dumps({'seq': p.get('SequenceNumber'), 'ok': [s['Id'] for s in b['Successful']], 'failed': b['Failed'],
  'bodies': [json.loads(m['Body'])['Message'] for m in msgs], 'group': msgs[0]['Attributes']['MessageGroupId'], 'sub': sub, 'err': err, 'err2': err2}))
`);
  assert.match(String(out.seq), /^\d{20}$/);
  assert.deepEqual(out.ok, ['a']);
  assert.deepEqual((out.failed as { Id: string; Code: string }[]).map((f) => [f.Id, f.Code]), [['b', 'ParameterValueInvalid']]);
  assert.deepEqual(out.bodies, ['one', 'two']);
  assert.equal(out.group, 'g1');
  assert.match(String(out.sub), /^arn:aws:sns:us-east-1:000000000000:b\.fifo:/);
  assert.equal(out.err, 'NotFound');
  assert.equal(out.err2, 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
});
