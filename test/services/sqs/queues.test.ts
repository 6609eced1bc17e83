// SQS queues through the JS SDK v3: create (validation, idempotency, QueueAlreadyExists), URLs
// (any host, QueueOwnerAWSAccountId), list with prefix and pages, delete (and the 60-second
// wait before a name is reused), attributes, tags, permissions, purge, dead-letter wiring.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddPermissionCommand, CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand, ListQueueTagsCommand, ListQueuesCommand, PurgeQueueCommand, RemovePermissionCommand,
  SendMessageCommand, SetQueueAttributesCommand, TagQueueCommand, UntagQueueCommand, type SQSClient,
} from '@aws-sdk/client-sqs';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { client } from './util.js';

let n: Nimbus;
let sqs: SQSClient;
before(async () => { n = await nimbus(); sqs = client(n); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const create = async (name: string, Attributes?: Record<string, string>, tags?: Record<string, string>) =>
  (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes, tags }))).QueueUrl!;
const attrs = async (QueueUrl: string, names: string[] = ['All']) =>
  ((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: names as never }))).Attributes ?? {}) as Record<string, string>;

test('CreateQueue: URL form, defaults of a standard queue, GetQueueUrl', async () => {
  const url = await create('orders');
  assert.equal(url, `${n.endpoint}/000000000000/orders`);
  const a = await attrs(url);
  assert.equal(a.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:orders');
  assert.equal(a.VisibilityTimeout, '30');
  assert.equal(a.MaximumMessageSize, '1048576');
  assert.equal(a.MessageRetentionPeriod, '345600');
  assert.equal(a.DelaySeconds, '0');
  assert.equal(a.ReceiveMessageWaitTimeSeconds, '0');
  assert.equal(a.SqsManagedSseEnabled, 'true');
  assert.equal(a.ApproximateNumberOfMessages, '0');
  assert.equal(a.ApproximateNumberOfMessagesNotVisible, '0');
  assert.equal(a.ApproximateNumberOfMessagesDelayed, '0');
  assert.match(a.CreatedTimestamp, /^\d{10}$/);
  assert.equal(a.FifoQueue, undefined);
  const got = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
  assert.equal(got.QueueUrl, url);
  const only = await attrs(url, ['VisibilityTimeout', 'QueueArn']);
  assert.deepEqual(Object.keys(only).sort(), ['QueueArn', 'VisibilityTimeout']);
});

test('CreateQueue: same name and attributes returns the queue; a different value is QueueAlreadyExists', async () => {
  const url = await create('same', { VisibilityTimeout: '45' });
  assert.equal(await create('same', { VisibilityTimeout: '45' }), url);
  assert.equal(await create('same'), url);
  const e = await rejects(sqs.send(new CreateQueueCommand({ QueueName: 'same', Attributes: { VisibilityTimeout: '60' } })), 'QueueNameExists', 400);
  assert.match(e.message, /different value for attribute VisibilityTimeout/);
});

test('CreateQueue: names and attribute ranges are checked as SQS does', async () => {
  await rejects(sqs.send(new CreateQueueCommand({ QueueName: 'bad name!' })), 'InvalidParameterValue', 400);
  await rejects(sqs.send(new CreateQueueCommand({ QueueName: 'x'.repeat(81) })), 'InvalidParameterValue', 400);
  await rejects(sqs.send(new CreateQueueCommand({ QueueName: 'nofifo.fifo' })), 'InvalidParameterValue', 400);
  await rejects(sqs.send(new CreateQueueCommand({ QueueName: 'plain', Attributes: { FifoQueue: 'true' } })), 'InvalidParameterValue', 400);
  const cases: [string, string][] = [
    ['DelaySeconds', '901'], ['DelaySeconds', '-1'], ['MaximumMessageSize', '1023'], ['MaximumMessageSize', '1048577'],
    ['MessageRetentionPeriod', '59'], ['MessageRetentionPeriod', '1209601'], ['ReceiveMessageWaitTimeSeconds', '21'],
    ['VisibilityTimeout', '43201'], ['VisibilityTimeout', 'abc'], ['Policy', '{not json'],
  ];
  for (const [k, v] of cases) {
    const e = await rejects(sqs.send(new CreateQueueCommand({ QueueName: 'q', Attributes: { [k]: v } })), 'InvalidAttributeValue', 400);
    assert.equal(e.message, `Invalid value for the parameter ${k}.`);
  }
  // Upper bounds are accepted: MaximumMessageSize is 1 MiB now.
  const url = await create('bounds', { DelaySeconds: '900', MaximumMessageSize: '1048576', MessageRetentionPeriod: '1209600', ReceiveMessageWaitTimeSeconds: '20', VisibilityTimeout: '43200' });
  assert.equal((await attrs(url)).MaximumMessageSize, '1048576');
  const e = await rejects(sqs.send(new CreateQueueCommand({ QueueName: 'q', Attributes: { Bogus: '1' } as never })), 'InvalidAttributeName', 400);
  assert.equal(e.message, 'Unknown Attribute Bogus.');
  await rejects(sqs.send(new CreateQueueCommand({ QueueName: 'q', Attributes: { ContentBasedDeduplication: 'true' } })), 'InvalidAttributeName', 400);
});

test('FIFO queue: attributes, high-throughput settings accepted and reported', async () => {
  const url = await create('jobs.fifo', { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
  const a = await attrs(url);
  assert.equal(a.FifoQueue, 'true');
  assert.equal(a.ContentBasedDeduplication, 'false');
  assert.equal(a.DeduplicationScope, 'messageGroup');
  assert.equal(a.FifoThroughputLimit, 'perMessageGroupId');
  await rejects(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoThroughputLimit: 'fast' } })), 'InvalidAttributeValue', 400);
  await rejects(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoQueue: 'false' } })), 'InvalidAttributeValue', 400);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { ContentBasedDeduplication: 'true', DeduplicationScope: 'queue' } }));
  const b = await attrs(url, ['ContentBasedDeduplication', 'DeduplicationScope']);
  assert.deepEqual(b, { ContentBasedDeduplication: 'true', DeduplicationScope: 'queue' });
});

test('QueueUrl of any host works (account and name come from the path); unknown queues are QueueDoesNotExist', async () => {
  await create('anyhost');
  // With an explicit endpoint the SDK sends to Nimbus whatever host the QueueUrl names.
  await sqs.send(new SendMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/anyhost', MessageBody: 'x' }));
  const a = await attrs('http://localhost:4566/000000000000/anyhost', ['QueueArn', 'ApproximateNumberOfMessages']);
  assert.deepEqual(a, { QueueArn: 'arn:aws:sqs:us-east-1:000000000000:anyhost', ApproximateNumberOfMessages: '1' });
  const e = await rejects(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })), 'QueueDoesNotExist', 400);
  assert.equal(e.message, 'The specified queue does not exist.');
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: `${n.endpoint}/000000000000/nope`, MessageBody: 'x' })), 'QueueDoesNotExist', 400);
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: `${n.endpoint}/not-an-account/anyhost`, MessageBody: 'x' })), 'QueueDoesNotExist', 400);
});

test('GetQueueUrl with QueueOwnerAWSAccountId finds a queue of another account', async () => {
  const other = client(n, { accessKeyId: '111122223333', secretAccessKey: 'x' });
  const url = (await other.send(new CreateQueueCommand({ QueueName: 'shared' }))).QueueUrl!;
  assert.equal(url, `${n.endpoint}/111122223333/shared`);
  await rejects(sqs.send(new GetQueueUrlCommand({ QueueName: 'shared' })), 'QueueDoesNotExist');
  const got = await sqs.send(new GetQueueUrlCommand({ QueueName: 'shared', QueueOwnerAWSAccountId: '111122223333' }));
  assert.equal(got.QueueUrl, url);
  // The URL is usable by every operation, whoever calls.
  const a = await attrs(url, ['QueueArn']);
  assert.equal(a.QueueArn, 'arn:aws:sqs:us-east-1:111122223333:shared');
});

test('ListQueues: prefix, MaxResults pages with NextToken, no token without MaxResults', async () => {
  for (let i = 0; i < 12; i++) await create(`list-${String(i).padStart(2, '0')}`);
  await create('other');
  const all = await sqs.send(new ListQueuesCommand({}));
  assert.equal(all.QueueUrls!.length, 13);
  assert.equal(all.NextToken, undefined);
  const pre = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'list-' }));
  assert.equal(pre.QueueUrls!.length, 12);
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const p = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'list-', MaxResults: 5, NextToken: token }));
    assert.ok(p.QueueUrls!.length <= 5);
    seen.push(...p.QueueUrls!);
    token = p.NextToken;
  } while (token);
  assert.deepEqual(seen, pre.QueueUrls!.slice().sort());
  const none = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'zzz' }));
  assert.equal(none.QueueUrls, undefined);
  await rejects(sqs.send(new ListQueuesCommand({ MaxResults: 1001 })), 'InvalidParameterValue', 400);
});

test('DeleteQueue: gone at once; the name is reusable after 60 seconds (QueueDeletedRecently before)', async () => {
  const url = await create('temp');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  await rejects(sqs.send(new GetQueueUrlCommand({ QueueName: 'temp' })), 'QueueDoesNotExist');
  await rejects(sqs.send(new DeleteQueueCommand({ QueueUrl: url })), 'QueueDoesNotExist');
  await rejects(sqs.send(new CreateQueueCommand({ QueueName: 'temp' })), 'QueueDeletedRecently', 400);
  n.clock.advance('PT61S');
  const again = await create('temp');
  assert.equal((await attrs(again)).ApproximateNumberOfMessages, '0');
});

test('SetQueueAttributes: values stored and returned, LastModifiedTimestamp moves, Policy kept as sent', async () => {
  const url = await create('settable');
  n.clock.advance('PT10S');
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] });
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '90', DelaySeconds: '5', Policy: policy, MaximumMessageSize: '2048' } }));
  const a = await attrs(url);
  assert.equal(a.VisibilityTimeout, '90');
  assert.equal(a.DelaySeconds, '5');
  assert.equal(a.MaximumMessageSize, '2048');
  assert.equal(a.Policy, policy);
  assert.ok(Number(a.LastModifiedTimestamp) >= Number(a.CreatedTimestamp) + 10);
  await rejects(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { ApproximateNumberOfMessages: '3' } })), 'InvalidAttributeName', 400);
  await rejects(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Nope' as never] })), 'InvalidAttributeName', 400);
  // KMS switches SSE-SQS off, and back.
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { KmsMasterKeyId: 'alias/aws/sqs' } }));
  const k = await attrs(url);
  assert.equal(k.KmsMasterKeyId, 'alias/aws/sqs');
  assert.equal(k.KmsDataKeyReusePeriodSeconds, '300');
  assert.equal(k.SqsManagedSseEnabled, 'false');
});

test('Tags: on create, TagQueue, UntagQueue, ListQueueTags; at most 50', async () => {
  const url = await create('tagged', undefined, { team: 'a', env: 'dev' });
  assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { team: 'a', env: 'dev' });
  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { env: 'prod', cost: '7' } }));
  await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['team'] }));
  assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { env: 'prod', cost: '7' });
  const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
  await rejects(sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: many })), 'InvalidParameterValue', 400);
  await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['env', 'cost'] }));
  assert.equal((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, undefined);
});

test('AddPermission / RemovePermission edit the queue Policy', async () => {
  const url = await create('perm');
  await sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'send', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] }));
  await sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'both', AWSAccountIds: ['111122223333', '444455556666'], Actions: ['ReceiveMessage', 'DeleteMessage'] }));
  const p = JSON.parse((await attrs(url, ['Policy'])).Policy);
  assert.equal(p.Version, '2012-10-17');
  assert.deepEqual(p.Statement[0], { Sid: 'send', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'SQS:SendMessage', Resource: 'arn:aws:sqs:us-east-1:000000000000:perm' });
  assert.deepEqual(p.Statement[1].Action, ['SQS:ReceiveMessage', 'SQS:DeleteMessage']);
  await rejects(sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'send', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] })), 'InvalidParameterValue', 400);
  await rejects(sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'x', AWSAccountIds: ['111122223333'], Actions: ['Explode'] })), 'InvalidParameterValue', 400);
  await sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'send' }));
  await sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'both' }));
  assert.equal((await attrs(url)).Policy, undefined);
  await rejects(sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'both' })), 'InvalidParameterValue', 400);
});

test('PurgeQueue empties the queue; a second purge within 60 s is PurgeQueueInProgress', async () => {
  const url = await create('purge');
  for (let i = 0; i < 5; i++) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}`, DelaySeconds: i % 2 ? 10 : 0 }));
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  const a = await attrs(url);
  assert.deepEqual([a.ApproximateNumberOfMessages, a.ApproximateNumberOfMessagesDelayed, a.ApproximateNumberOfMessagesNotVisible], ['0', '0', '0']);
  const e = await rejects(sqs.send(new PurgeQueueCommand({ QueueUrl: url })), 'PurgeQueueInProgress', 403);
  assert.equal(e.message, 'Only one PurgeQueue operation on purge is allowed every 60 seconds.');
  n.clock.advance('PT60S');
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
});

test('RedrivePolicy: the DLQ must exist, in the same account and region, of the same type', async () => {
  const dlq = await create('dlq');
  const dlqArn = (await attrs(dlq, ['QueueArn'])).QueueArn;
  const fifoDlq = await create('dlq.fifo', { FifoQueue: 'true' });
  const fifoDlqArn = (await attrs(fifoDlq, ['QueueArn'])).QueueArn;
  const rp = (arn: string, max: unknown = 3) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: max });
  const src = await create('src', { RedrivePolicy: rp(dlqArn, '5') });
  assert.equal((await attrs(src, ['RedrivePolicy'])).RedrivePolicy, rp(dlqArn, 5));
  const bad = async (policy: string, fifo = false, reason?: RegExp) => {
    const e = await rejects(sqs.send(new CreateQueueCommand({ QueueName: fifo ? 'bad.fifo' : 'bad', Attributes: { ...(fifo ? { FifoQueue: 'true' } : {}), RedrivePolicy: policy } })), 'InvalidParameterValue', 400);
    if (reason) assert.match(e.message, reason);
  };
  await bad(rp(fifoDlqArn), false, /same type/);
  await bad(rp(dlqArn), true, /same type/);
  await bad(rp('arn:aws:sqs:us-east-1:000000000000:missing'), false, /does not exist/);
  await bad(rp('arn:aws:sqs:eu-west-1:000000000000:dlq'), false);
  await bad(rp('arn:aws:sqs:us-east-1:999999999999:dlq'), false);
  await bad(rp(dlqArn, 0), false, /maxReceiveCount/);
  await bad(rp(dlqArn, 1001), false, /maxReceiveCount/);
  await bad(JSON.stringify({ maxReceiveCount: 2 }), false, /deadLetterTargetArn/);
  await bad('not json', false);
  await create('fifo-src.fifo', { FifoQueue: 'true', RedrivePolicy: rp(fifoDlqArn) });

  // RedriveAllowPolicy on the DLQ decides who may use it.
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq, Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) } }));
  await bad(rp(dlqArn), false, /not allowed/);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq, Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: ['arn:aws:sqs:us-east-1:000000000000:ok'] }) } }));
  await create('ok', { RedrivePolicy: rp(dlqArn) });
  await bad(rp(dlqArn), false, /not allowed/);
  assert.equal((await attrs(dlq, ['RedriveAllowPolicy'])).RedriveAllowPolicy,
    JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: ['arn:aws:sqs:us-east-1:000000000000:ok'] }));
  await rejects(sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq, Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'some' }) } })), 'InvalidParameterValue', 400);

  const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
  assert.deepEqual(sources.queueUrls!.sort(), [`${n.endpoint}/000000000000/ok`, `${n.endpoint}/000000000000/src`]);
  const p1 = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq, MaxResults: 1 }));
  assert.equal(p1.queueUrls!.length, 1);
  const p2 = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq, MaxResults: 1, NextToken: p1.NextToken }));
  assert.equal(p2.queueUrls!.length, 1);
  assert.equal(p2.NextToken, undefined);
  // Removing the policy: '' clears it.
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: src, Attributes: { RedrivePolicy: '' } }));
  assert.equal((await attrs(src)).RedrivePolicy, undefined);
});
