// End to end: one topic fanning out to two SQS queues (one raw, one filtered), a Lambda
// function and an HTTP endpoint that confirms through SubscribeURL, then fails: SNS retries by
// the delivery policy on the virtual clock (each POST at its computed time), and after the last
// retry the message lands in the subscription's dead-letter queue. Also: topic-level policies
// with exponential backoff, throttling, and dead-lettering of missing SQS/Lambda targets.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTopicCommand, PublishCommand, SubscribeCommand, SetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient,
} from '@aws-sdk/client-sns';
import { DeleteQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { nimbus } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { clients, drain, httpSubscriber, queue, until, type Received } from './util.js';
import { createFn, role } from '../lambda/util.js';

let n: Nimbus;
let sns: SNSClient;
let sqs: SQSClient;
before(async () => { n = await nimbus(); ({ sns, sqs } = clients(n)); });
after(async () => { n.reset(); await n.stop(); });
beforeEach(() => n.reset());

const now = () => n.clock.now().getTime();
const settle = () => new Promise((r) => setTimeout(r, 150));
const notifications = (rs: Received[]) => rs.filter((r) => r.headers['x-amz-sns-message-type'] === 'Notification');

/** An HTTP subscriber that confirms through SubscribeURL and answers notifications with `status`. */
async function confirmingSubscriber(status: number) {
  return httpSubscriber((r) => {
    if (r.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation') {
      void fetch(JSON.parse(r.body).SubscribeURL);
      return 200;
    }
    return status;
  }, now);
}

async function confirmed(TopicArn: string, count: number) {
  await until(async () => {
    const l = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    return l.Subscriptions!.filter((s) => s.SubscriptionArn !== 'PendingConfirmation').length === count;
  }, 'subscriptions confirmed');
}

test('fan-out: raw queue, filtered queue, Lambda, HTTP with retries by delivery policy, then the DLQ', { timeout: 60_000 }, async () => {
  const lambda = new LambdaClient({ endpoint: n.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const sink = await httpSubscriber();
  const web = await confirmingSubscriber(500);
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'fanout' }));
    const raw = await queue(sqs, 'raw-q');
    const filtered = await queue(sqs, 'filtered-q');
    const dlq = await queue(sqs, 'web-dlq');
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: raw.arn, Attributes: { RawMessageDelivery: 'true' } }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: filtered.arn, Attributes: { FilterPolicy: JSON.stringify({ kind: ['order'] }) } }));
    const fn = await createFn(lambda, await role(n), 'on-sns', {
      'index.js': `const http = require('http');
exports.handler = async (event) => {
  await new Promise((resolve, reject) => {
    const req = http.request(process.env.SINK, { method: 'POST' }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(JSON.stringify(event));
  });
  return 'ok';
};`,
    }, { Environment: { Variables: { SINK: sink.url } } });
    const lambdaSub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: fn.FunctionArn }));
    // 5 retries: 1 immediate, 1 at minDelayTarget, 2 backing off linearly from 5 s to 25 s, 1 at maxDelayTarget.
    const policy = { healthyRetryPolicy: { numRetries: 5, numNoDelayRetries: 1, numMinDelayRetries: 1, numMaxDelayRetries: 1,
      minDelayTarget: 5, maxDelayTarget: 25, backoffFunction: 'linear' } };
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: web.url, Attributes: {
      DeliveryPolicy: JSON.stringify(policy), RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) } }));
    await confirmed(TopicArn!, 4);

    const order = await sns.send(new PublishCommand({ TopicArn, Message: 'order placed', Subject: 'orders',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } } }));
    const other = await sns.send(new PublishCommand({ TopicArn, Message: 'something else',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'refund' } } }));

    // SQS: the raw queue gets both bare messages, the filtered queue only the order.
    const rawMsgs = await drain(sqs, raw.url);
    assert.deepEqual(rawMsgs.map((m) => m.Body).sort(), ['order placed', 'something else']);
    assert.equal(rawMsgs.find((m) => m.Body === 'order placed')!.MessageAttributes!.kind.StringValue, 'order');
    const filteredMsgs = await drain(sqs, filtered.url);
    assert.equal(filteredMsgs.length, 1);
    assert.equal(JSON.parse(filteredMsgs[0].Body!).MessageId, order.MessageId);

    // Lambda: the SNS event record, invoked asynchronously.
    await until(() => sink.received.length >= 2, 'two Lambda invocations', 30_000);
    const events = sink.received.map((r) => JSON.parse(r.body));
    const rec = events.find((e) => e.Records[0].Sns.MessageId === order.MessageId).Records[0];
    assert.equal(rec.EventSource, 'aws:sns');
    assert.equal(rec.EventVersion, '1.0');
    assert.equal(rec.EventSubscriptionArn, lambdaSub.SubscriptionArn);
    assert.equal(rec.Sns.Type, 'Notification');
    assert.equal(rec.Sns.TopicArn, TopicArn);
    assert.equal(rec.Sns.Subject, 'orders');
    assert.equal(rec.Sns.Message, 'order placed');
    assert.deepEqual(rec.Sns.MessageAttributes, { kind: { Type: 'String', Value: 'order' } });
    assert.ok(rec.Sns.SigningCertUrl && rec.Sns.UnsubscribeUrl && rec.Sns.Signature);
    const otherRec = events.find((e) => e.Records[0].Sns.MessageId === other.MessageId).Records[0];
    assert.equal(otherRec.Sns.Subject, null);

    // HTTP: the first attempt and the immediate retry, for each message; then the clock.
    const posts = (id: string) => notifications(web.received).filter((r) => r.headers['x-amz-sns-message-id'] === id);
    await until(() => posts(order.MessageId!).length === 2 && posts(other.MessageId!).length === 2, 'attempt + immediate retry');
    const first = posts(order.MessageId!)[0];
    assert.equal(first.headers['x-amz-sns-topic-arn'], TopicArn);
    assert.match(String(first.headers['x-amz-sns-subscription-arn']), new RegExp(`^${TopicArn}:`));
    assert.equal(first.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(JSON.parse(first.body).Message, 'order placed');
    // Real time passes on the virtual clock too (the Lambda cold start above): go by the
    // time of the last POST rather than by fixed steps.
    const advanceTo = (t: number) => { const d = t - now(); if (d > 0) n.clock.advance(d); };
    await settle();
    let last = posts(order.MessageId!)[1].at;
    advanceTo(last + 4500);
    await settle();
    assert.equal(posts(order.MessageId!).length, 2, 'no retry before minDelayTarget');
    const expected = [5, 15, 25, 25];
    for (let i = 0; i < expected.length; i++) {
      advanceTo(last + expected[i] * 1000 + 100);
      await until(() => posts(order.MessageId!).length === 3 + i && posts(other.MessageId!).length === 3 + i, `retry ${i + 2}`);
      const ps = posts(order.MessageId!);
      last = ps[ps.length - 1].at;
      const gap = (last - ps[ps.length - 2].at) / 1000;
      assert.ok(Math.abs(gap - expected[i]) < 1, `retry ${i + 2} came ${gap}s after the previous one, expected ${expected[i]}s`);
      await settle();
    }
    // Exhausted: 1 + 5 attempts, then the dead-letter queue.
    const dead = await until(() => drain(sqs, dlq.url).then((m) => (m.length >= 2 ? m : undefined)), 'dead letters');
    const dl = dead.find((m) => JSON.parse(m.Body!).MessageId === order.MessageId)!;
    assert.equal(JSON.parse(dl.Body!).Message, 'order placed');
    assert.ok(dl.MessageAttributes!.ErrorCode.StringValue);
    assert.ok(dl.MessageAttributes!.RequestID.StringValue);
    n.clock.advance('PT1H');
    await settle();
    assert.equal(posts(order.MessageId!).length, 6);
  } finally { await sink.close(); await web.close(); }
});

test('topic-level delivery policy with exponential backoff; a 4xx answer is not retried', async () => {
  let answer = 503;
  const web = await confirmingSubscriber(0);
  const h = await httpSubscriber((r) => (r.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation' ? (void fetch(JSON.parse(r.body).SubscribeURL), 200) : answer), now);
  await web.close();
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'expo' }));
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DeliveryPolicy', AttributeValue: JSON.stringify({
      http: { defaultHealthyRetryPolicy: { numRetries: 3, minDelayTarget: 1, maxDelayTarget: 8, backoffFunction: 'exponential' } } }) }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: h.url }));
    await confirmed(TopicArn!, 1);
    await sns.send(new PublishCommand({ TopicArn, Message: 'x' }));
    await until(() => notifications(h.received).length === 1, 'first attempt');
    // Exponential from 1 s to 8 s over three retries: 2 s, 4 s, 8 s.
    for (const [i, d] of [2, 4, 8].entries()) {
      await settle();
      n.clock.advance(`PT${d}S`);
      await until(() => notifications(h.received).length === 2 + i, `retry ${i + 1}`);
    }
    // 4xx is delivered as far as SNS is concerned: no retry.
    answer = 404;
    await sns.send(new PublishCommand({ TopicArn, Message: 'y' }));
    await until(() => notifications(h.received).length === 5, '404 attempt');
    await settle();
    n.clock.advance('PT1M');
    await settle();
    assert.equal(notifications(h.received).length, 5);
  } finally { await h.close(); }
});

test('throttlePolicy.maxReceivesPerSecond spaces deliveries on the clock', async () => {
  const h = await confirmingSubscriber(200);
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'throttled' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: h.url, Attributes: {
      DeliveryPolicy: JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 1 } }) } }));
    await confirmed(TopicArn!, 1);
    for (const m of ['a', 'b', 'c']) await sns.send(new PublishCommand({ TopicArn, Message: m }));
    await until(() => notifications(h.received).length === 1, 'first');
    await settle();
    assert.equal(notifications(h.received).length, 1);
    n.clock.advance('PT1S');
    await until(() => notifications(h.received).length === 2, 'second');
    n.clock.advance('PT1S');
    await until(() => notifications(h.received).length === 3, 'third');
  } finally { await h.close(); }
});

test('missing SQS queue and missing Lambda function: straight to the dead-letter queue', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'missing' }));
  const dlq = await queue(sqs, 'dlq');
  const gone = await queue(sqs, 'gone');
  const redrive = { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) };
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: gone.arn, Attributes: redrive }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:nobody', Attributes: redrive }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
  const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: 'lost' }));
  const dead = await until(() => drain(sqs, dlq.url).then((m) => (m.length >= 2 ? m : undefined)), 'dead letters');
  assert.equal(dead.length, 2);
  for (const m of dead) assert.equal(JSON.parse(m.Body!).MessageId, MessageId);
  assert.deepEqual(dead.map((m) => m.MessageAttributes!.ErrorCode.StringValue).sort(), ['QueueDoesNotExist', 'ResourceNotFoundException']);
});
