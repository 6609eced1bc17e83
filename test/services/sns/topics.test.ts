// Topics through the JS SDK v3: create (standard, FIFO, idempotent), attributes with the
// computed counts and defaults, validation errors in SNS's words, ListTopics pages of 100,
// tags, permissions, data protection policy, delete.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTopicCommand, DeleteTopicCommand, GetTopicAttributesCommand, ListTopicsCommand, SetTopicAttributesCommand,
  TagResourceCommand, UntagResourceCommand, ListTagsForResourceCommand, AddPermissionCommand, RemovePermissionCommand,
  SubscribeCommand, PutDataProtectionPolicyCommand, GetDataProtectionPolicyCommand, SNSClient,
} from '@aws-sdk/client-sns';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { clients, queue } from './util.js';

let n: Nimbus;
let sns: SNSClient;
before(async () => { n = await nimbus(); sns = clients(n).sns; });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

test('CreateTopic: ARN, default attributes, computed counts, idempotent create', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Orders' } }));
  assert.equal(TopicArn, 'arn:aws:sns:us-east-1:000000000000:orders');
  const again = await sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Orders' } }));
  assert.equal(again.TopicArn, TopicArn);
  const e = await rejects(sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Other' } })), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Attributes Reason: Topic already exists with different attributes');
  const { Attributes: a } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(a!.TopicArn, TopicArn);
  assert.equal(a!.Owner, '000000000000');
  assert.equal(a!.DisplayName, 'Orders');
  assert.equal(a!.SubscriptionsConfirmed, '0');
  assert.equal(a!.SubscriptionsPending, '0');
  assert.equal(a!.SubscriptionsDeleted, '0');
  const policy = JSON.parse(a!.Policy!);
  assert.equal(policy.Id, '__default_policy_ID');
  assert.equal(policy.Statement[0].Resource, TopicArn);
  assert.deepEqual(policy.Statement[0].Condition, { StringEquals: { 'AWS:SourceOwner': '000000000000' } });
  const edp = JSON.parse(a!.EffectiveDeliveryPolicy!);
  assert.deepEqual(edp.http.defaultHealthyRetryPolicy, { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0,
    numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear' });
  assert.equal(a!.FifoTopic, undefined);
});

test('FIFO topics: name and attribute must agree; ContentBasedDeduplication', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'jobs.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } }));
  const { Attributes: a } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(a!.FifoTopic, 'true');
  assert.equal(a!.ContentBasedDeduplication, 'true');
  const bad = await rejects(sns.send(new CreateTopicCommand({ Name: 'jobs', Attributes: { FifoTopic: 'true' } })), 'InvalidParameterException', 400);
  assert.match(bad.message, /^Invalid parameter: Fifo Topic names must end with \.fifo/);
  await rejects(sns.send(new CreateTopicCommand({ Name: 'plain.fifo' })), 'InvalidParameterException', 400);
  await rejects(sns.send(new CreateTopicCommand({ Name: 'bad name!' })), 'InvalidParameterException', 400);
  // ContentBasedDeduplication belongs to FIFO topics only.
  const std = await sns.send(new CreateTopicCommand({ Name: 'std' }));
  await rejects(sns.send(new SetTopicAttributesCommand({ TopicArn: std.TopicArn, AttributeName: 'ContentBasedDeduplication', AttributeValue: 'true' })), 'InvalidParameterException', 400);
  await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'ContentBasedDeduplication', AttributeValue: 'false' }));
  const b = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(b.Attributes!.ContentBasedDeduplication, 'false');
});

test('SetTopicAttributes: validation, DeliveryPolicy shows in EffectiveDeliveryPolicy', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 't' }));
  const set = (AttributeName: string, AttributeValue: string) => sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName, AttributeValue }));
  await rejects(set('FifoTopic', 'true'), 'InvalidParameterException', 400);
  await rejects(set('Bogus', 'x'), 'InvalidParameterException', 400);
  await rejects(set('SignatureVersion', '3'), 'InvalidParameterException', 400);
  await rejects(set('DeliveryPolicy', '{"http":{"defaultHealthyRetryPolicy":{"numRetries":101}}}'), 'InvalidParameterException', 400);
  const e = await rejects(set('DeliveryPolicy', '{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":10}}}'), 'InvalidParameterException', 400);
  assert.match(e.message, /^Invalid parameter: DeliveryPolicy: /);
  await set('SignatureVersion', '2');
  await set('DisplayName', 'Shown');
  const dp = { http: { defaultHealthyRetryPolicy: { numRetries: 5, minDelayTarget: 1, maxDelayTarget: 10, backoffFunction: 'exponential' } } };
  await set('DeliveryPolicy', JSON.stringify(dp));
  const { Attributes: a } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(a!.SignatureVersion, '2');
  assert.equal(a!.DisplayName, 'Shown');
  assert.deepEqual(JSON.parse(a!.DeliveryPolicy!), dp);
  const edp = JSON.parse(a!.EffectiveDeliveryPolicy!);
  assert.equal(edp.http.defaultHealthyRetryPolicy.numRetries, 5);
  assert.equal(edp.http.defaultHealthyRetryPolicy.backoffFunction, 'exponential');
  assert.equal(edp.http.defaultHealthyRetryPolicy.numNoDelayRetries, 0);
  assert.equal(edp.http.disableSubscriptionOverrides, false);
});

test('ListTopics: 100 a page with NextToken; errors for unknown topics', async () => {
  for (let i = 0; i < 150; i++) await sns.send(new CreateTopicCommand({ Name: `t-${String(i).padStart(3, '0')}` }));
  const p1 = await sns.send(new ListTopicsCommand({}));
  assert.equal(p1.Topics!.length, 100);
  assert.ok(p1.NextToken);
  const p2 = await sns.send(new ListTopicsCommand({ NextToken: p1.NextToken }));
  assert.equal(p2.Topics!.length, 50);
  assert.equal(p2.NextToken, undefined);
  const all = new Set([...p1.Topics!, ...p2.Topics!].map((t) => t.TopicArn));
  assert.equal(all.size, 150);
  await rejects(sns.send(new ListTopicsCommand({ NextToken: 'garbage' })), 'InvalidParameterException', 400);
  const nf = await rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope' })), 'NotFoundException', 404);
  assert.equal(nf.message, 'Topic does not exist');
  const bad = await rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: 'nope' })), 'InvalidParameterException', 400);
  assert.equal(bad.message, 'Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1');
  // A topic ARN of another region than the request's.
  const region = await rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:eu-west-1:000000000000:t-000' })), 'InvalidParameterException', 400);
  assert.equal(region.message, 'Invalid parameter: TopicArn');
});

test('tags: TagResource, UntagResource, ListTagsForResource, limits and unknown resources', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'tagged', Tags: [{ Key: 'team', Value: 'a' }] }));
  await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'b' }] }));
  let t = await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));
  assert.deepEqual(t.Tags, [{ Key: 'team', Value: 'b' }, { Key: 'env', Value: 'dev' }]);
  await sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ['team'] }));
  t = await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));
  assert.deepEqual(t.Tags, [{ Key: 'env', Value: 'dev' }]);
  const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await rejects(sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: many })), 'TagLimitExceededException', 400);
  await rejects(sns.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:sns:us-east-1:000000000000:none' })), 'ResourceNotFoundException', 404);
  const dup = await rejects(sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] })), 'InvalidParameterException', 400);
  assert.equal(dup.message, 'Invalid parameter: Duplicated keys are not allowed.');
  // Creating the same topic with different tags is an error.
  await rejects(sns.send(new CreateTopicCommand({ Name: 'tagged', Tags: [{ Key: 'env', Value: 'prod' }] })), 'InvalidParameterException', 400);
});

test('AddPermission / RemovePermission edit the topic policy', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'perm' }));
  await sns.send(new AddPermissionCommand({ TopicArn, Label: 'pub', AWSAccountId: ['111122223333'], ActionName: ['Publish'] }));
  const dup = await rejects(sns.send(new AddPermissionCommand({ TopicArn, Label: 'pub', AWSAccountId: ['111122223333'], ActionName: ['Publish'] })), 'InvalidParameterException', 400);
  assert.equal(dup.message, 'Invalid parameter: Statement already exists');
  let p = JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.Policy!);
  assert.equal(p.Statement.length, 2);
  assert.deepEqual(p.Statement[1], { Sid: 'pub', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'SNS:Publish', Resource: TopicArn });
  await sns.send(new RemovePermissionCommand({ TopicArn, Label: 'pub' }));
  p = JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.Policy!);
  assert.deepEqual(p.Statement.map((s: { Sid: string }) => s.Sid), ['__default_statement_ID']);
});

test('data protection policy is stored and returned', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'dpp' }));
  assert.equal((await sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: TopicArn }))).DataProtectionPolicy, undefined);
  const doc = JSON.stringify({ Name: 'p', Version: '2021-06-01', Statement: [] });
  await sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: TopicArn, DataProtectionPolicy: doc }));
  assert.equal((await sns.send(new GetDataProtectionPolicyCommand({ ResourceArn: TopicArn }))).DataProtectionPolicy, doc);
  await rejects(sns.send(new PutDataProtectionPolicyCommand({ ResourceArn: TopicArn, DataProtectionPolicy: 'not json' })), 'InvalidParameterException', 400);
});

test('DeleteTopic removes its subscriptions and is idempotent', async () => {
  const { sqs } = clients(n);
  const q = await queue(sqs, 'q1');
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'gone' }));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
  assert.ok(SubscriptionArn!.startsWith(`${TopicArn}:`));
  await sns.send(new DeleteTopicCommand({ TopicArn }));
  await sns.send(new DeleteTopicCommand({ TopicArn }));
  await rejects(sns.send(new GetTopicAttributesCommand({ TopicArn })), 'NotFoundException', 404);
  assert.deepEqual((await sns.send(new ListTopicsCommand({}))).Topics, []);
});
