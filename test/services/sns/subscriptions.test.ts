// Subscriptions through the JS SDK v3: protocols and endpoints, SQS confirmed at once, HTTP
// pending until confirmed (by ConfirmSubscription with the token, or a plain GET of
// SubscribeURL), email pending, listing with "PendingConfirmation", attributes and their
// validation, redrive policy rules, unsubscribe (and its confirmation message).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTopicCommand, SubscribeCommand, ConfirmSubscriptionCommand, UnsubscribeCommand, ListSubscriptionsCommand,
  ListSubscriptionsByTopicCommand, GetSubscriptionAttributesCommand, SetSubscriptionAttributesCommand, GetTopicAttributesCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { SQSClient as Sqs } from '@aws-sdk/client-sqs';
import { sdk } from '../../helpers.js';
import { clients, drain, httpSubscriber, queue, until } from './util.js';

let n: Nimbus;
let sns: SNSClient;
let sqs: SQSClient;
before(async () => { n = await nimbus(); ({ sns, sqs } = clients(n)); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const topic = async (Name = 't') => (await sns.send(new CreateTopicCommand({ Name }))).TopicArn!;

test('SQS subscription: confirmed at once, attributes, idempotent subscribe', async () => {
  const TopicArn = await topic();
  const q = await queue(sqs, 'sub-q');
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
  assert.match(SubscriptionArn!, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
  const again = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
  assert.equal(again.SubscriptionArn, SubscriptionArn);
  const { Attributes: a } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
  assert.deepEqual({ ...a }, {
    Owner: '000000000000', RawMessageDelivery: 'false', TopicArn, Endpoint: q.arn, Protocol: 'sqs', PendingConfirmation: 'false',
    ConfirmationWasAuthenticated: 'true', SubscriptionArn,
  });
  const t = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(t.Attributes!.SubscriptionsConfirmed, '1');
  await rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true' } })), 'InvalidParameterException', 400);
});

test('protocol and endpoint validation', async () => {
  const TopicArn = await topic();
  const sub = (Protocol: string, Endpoint: string) => sns.send(new SubscribeCommand({ TopicArn, Protocol, Endpoint }));
  let e = await rejects(sub('carrier-pigeon', 'x'), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon');
  e = await rejects(sub('sqs', 'not-an-arn'), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: SQS endpoint ARN');
  e = await rejects(sub('email', 'nobody'), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Email address');
  await rejects(sub('http', 'https://example.com'), 'InvalidParameterException', 400);
  const fifoQ = await queue(sqs, 'f.fifo', { FifoQueue: 'true' });
  e = await rejects(sub('sqs', fifoQ.arn), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
  await rejects(sns.send(new SubscribeCommand({ TopicArn: TopicArn + 'x', Protocol: 'sqs', Endpoint: fifoQ.arn })), 'NotFoundException', 404);
});

test('HTTP subscription: SubscriptionConfirmation POST, confirm with the token, then notifications', async () => {
  const h = await httpSubscriber();
  try {
    const TopicArn = await topic('web');
    const r = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: h.url }));
    assert.equal(r.SubscriptionArn, 'pending confirmation');
    const [c] = await until(() => (h.received.length ? h.received : undefined), 'confirmation');
    assert.equal(c.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
    assert.equal(c.headers['x-amz-sns-topic-arn'], TopicArn);
    assert.equal(c.headers['x-amz-sns-subscription-arn'], undefined);
    assert.match(String(c.headers['content-type']), /^text\/plain/);
    const m = JSON.parse(c.body);
    assert.equal(m.Type, 'SubscriptionConfirmation');
    assert.equal(c.headers['x-amz-sns-message-id'], m.MessageId);
    assert.equal(m.TopicArn, TopicArn);
    assert.match(m.Token, /^[0-9a-f]{256}$/);
    assert.equal(m.Message, `You have chosen to subscribe to the topic ${TopicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`);
    assert.equal(m.SubscribeURL, `${n.endpoint}/_nimbus/sns/?Action=ConfirmSubscription&TopicArn=${TopicArn}&Token=${m.Token}`);
    assert.ok(m.Signature && m.SigningCertURL);
    // Listed as PendingConfirmation until confirmed.
    const l = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.equal(l.Subscriptions![0].SubscriptionArn, 'PendingConfirmation');
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.SubscriptionsPending, '1');
    const bad = await rejects(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: 'nope' })), 'InvalidParameterException', 400);
    assert.equal(bad.message, 'Invalid parameter: Token');
    const ok = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: m.Token, AuthenticateOnUnsubscribe: 'true' }));
    // With AuthenticateOnUnsubscribe, the bare UnsubscribeURL no longer works; the API does.
    const refused = await fetch(`${n.endpoint}/_nimbus/sns/?Action=Unsubscribe&SubscriptionArn=${ok.SubscriptionArn}`);
    assert.equal(refused.status, 403);
    assert.match(ok.SubscriptionArn!, new RegExp(`^${TopicArn}:`));
    const a = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: ok.SubscriptionArn }));
    assert.equal(a.Attributes!.PendingConfirmation, 'false');
    assert.equal(a.Attributes!.ConfirmationWasAuthenticated, 'true');
    assert.equal(JSON.parse(a.Attributes!.EffectiveDeliveryPolicy!).healthyRetryPolicy.numRetries, 3);
    // Unsubscribe: the endpoint gets an UnsubscribeConfirmation.
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: ok.SubscriptionArn }));
    const u = await until(() => h.received.find((x) => x.headers['x-amz-sns-message-type'] === 'UnsubscribeConfirmation'), 'unsubscribe confirmation');
    assert.equal(u.headers['x-amz-sns-subscription-arn'], ok.SubscriptionArn);
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.SubscriptionsDeleted, '1');
    await rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: ok.SubscriptionArn })), 'NotFoundException', 404);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: ok.SubscriptionArn }));
  } finally { await h.close(); }
});

test('SubscribeURL and UnsubscribeURL work with a plain GET, answering AWS XML', async () => {
  const h = await httpSubscriber();
  try {
    const TopicArn = await topic('curl');
    const r = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: h.url, ReturnSubscriptionArn: true }));
    assert.match(r.SubscriptionArn!, new RegExp(`^${TopicArn}:`));
    const [c] = await until(() => (h.received.length ? h.received : undefined), 'confirmation');
    const res = await fetch(JSON.parse(c.body).SubscribeURL);
    assert.equal(res.status, 200);
    const xml = await res.text();
    assert.match(xml, new RegExp(`<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">\\s*<ConfirmSubscriptionResult>\\s*<SubscriptionArn>${r.SubscriptionArn}</SubscriptionArn>`));
    const a = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: r.SubscriptionArn }));
    assert.equal(a.Attributes!.PendingConfirmation, 'false');
    assert.equal(a.Attributes!.ConfirmationWasAuthenticated, 'false');
    const badRes = await fetch(`${n.endpoint}/_nimbus/sns/?Action=ConfirmSubscription&TopicArn=${TopicArn}&Token=bad`);
    assert.equal(badRes.status, 400);
    assert.match(await badRes.text(), /<Code>InvalidParameter<\/Code>/);
    const un = await fetch(`${n.endpoint}/_nimbus/sns/?Action=Unsubscribe&SubscriptionArn=${r.SubscriptionArn}`);
    assert.equal(un.status, 200);
    assert.match(await un.text(), /<UnsubscribeResponse/);
    assert.deepEqual((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions, []);
  } finally { await h.close(); }
});

test('email subscriptions stay pending; lambda in the same account is confirmed; listing pages', async () => {
  const TopicArn = await topic();
  const e = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'me@example.com' }));
  assert.equal(e.SubscriptionArn, 'pending confirmation');
  const pending = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.equal(pending.Subscriptions![0].SubscriptionArn, 'PendingConfirmation');
  const l = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:f' }));
  assert.match(l.SubscriptionArn!, /^arn:aws:sns:/);
  for (let i = 0; i < 120; i++) await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: `arn:aws:sqs:us-east-1:000000000000:q${i}` }));
  const p1 = await sns.send(new ListSubscriptionsCommand({}));
  assert.equal(p1.Subscriptions!.length, 100);
  assert.deepEqual(p1.Subscriptions![0], { SubscriptionArn: 'PendingConfirmation', Owner: '000000000000', Protocol: 'email', Endpoint: 'me@example.com', TopicArn });
  const p2 = await sns.send(new ListSubscriptionsCommand({ NextToken: p1.NextToken }));
  assert.equal(p2.Subscriptions!.length, 22);
  assert.equal(p2.NextToken, undefined);
  const b1 = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
  const b2 = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken: b1.NextToken }));
  assert.equal(b1.Subscriptions!.length + b2.Subscriptions!.length, 122);
  const t = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(t.Attributes!.SubscriptionsPending, '1');
  assert.equal(t.Attributes!.SubscriptionsConfirmed, '121');
});

test('SetSubscriptionAttributes: validation in SNS words, RedrivePolicy rules', async () => {
  const TopicArn = await topic();
  const q = await queue(sqs, 'attr-q');
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
  const set = (AttributeName: string, AttributeValue: string) => sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));
  let e = await rejects(set('RawMessageDelivery', 'yes'), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: RawMessageDelivery: Invalid value [yes]. Must be true or false.');
  e = await rejects(set('FilterPolicyScope', 'Everything'), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: FilterPolicyScope: Invalid value [Everything]. Please use either MessageBody or MessageAttributes');
  e = await rejects(set('Nope', 'x'), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: AttributeName');
  e = await rejects(set('RedrivePolicy', '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":3}'), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: RedrivePolicy: invalid JSON. Attribute maxReceiveCount is unknown.');
  e = await rejects(set('RedrivePolicy', '{"deadLetterTargetArn":"nope"}'), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn');
  await rejects(set('RedrivePolicy', '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:000000000000:dlq"}'), 'InvalidParameterException', 400);
  await rejects(set('RedrivePolicy', '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:dlq"}'), 'InvalidParameterException', 400);
  await rejects(set('DeliveryPolicy', '{"healthyRetryPolicy":{"numRetries":3}}'), 'InvalidParameterException', 400);
  await set('RawMessageDelivery', 'True');
  await set('RedrivePolicy', '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"}');
  await set('FilterPolicy', '{"a":["b"]}');
  let a = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
  assert.equal(a.RawMessageDelivery, 'true');
  assert.equal(a.FilterPolicy, '{"a":["b"]}');
  assert.equal(a.FilterPolicyScope, 'MessageAttributes');
  assert.equal(a.RedrivePolicy, '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"}');
  // A nested policy needs the MessageBody scope.
  await rejects(set('FilterPolicy', '{"a":{"b":["c"]}}'), 'InvalidParameterException', 400);
  await set('FilterPolicyScope', 'MessageBody');
  await set('FilterPolicy', '{"a":{"b":["c"]}}');
  await rejects(set('FilterPolicyScope', 'MessageAttributes'), 'InvalidParameterException', 400);
  await set('FilterPolicy', '');
  a = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
  assert.equal(a.FilterPolicy, undefined);
  assert.equal(a.FilterPolicyScope, undefined);
  e = await rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: `${TopicArn}:00000000-0000-0000-0000-000000000000` })), 'NotFoundException', 404);
  assert.equal(e.message, 'Subscription does not exist');
  // A topic ARN where a subscription ARN belongs.
  e = await rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: TopicArn })), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: SubscriptionId');
  await rejects(sns.send(new UnsubscribeCommand({ SubscriptionArn: TopicArn })), 'InvalidParameterException', 400);
});

test('a queue of another account: pending, a SubscriptionConfirmation in the queue, confirmed by token', async () => {
  const TopicArn = await topic('cross');
  const other = new Sqs(sdk(n, { accessKeyId: '111111111111', secretAccessKey: 'test' }));
  const q = await queue(other, 'theirs');
  assert.equal(q.arn, 'arn:aws:sqs:us-east-1:111111111111:theirs');
  const r = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
  assert.equal(r.SubscriptionArn, 'pending confirmation');
  const [msg] = await until(() => drain(other, q.url).then((m) => (m.length ? m : undefined)), 'confirmation in the queue');
  const c = JSON.parse(msg.Body!);
  assert.equal(c.Type, 'SubscriptionConfirmation');
  const ok = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: c.Token }));
  const a = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: ok.SubscriptionArn }));
  assert.equal(a.Attributes!.PendingConfirmation, 'false');
});

test('confirmation tokens are valid for three days', async () => {
  const h = await httpSubscriber();
  try {
    const TopicArn = await topic('late');
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: h.url }));
    const [c] = await until(() => (h.received.length ? h.received : undefined), 'confirmation');
    n.clock.advance('P3DT1M');
    const e = await rejects(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: JSON.parse(c.body).Token })), 'InvalidParameterException', 400);
    assert.equal(e.message, 'Invalid parameter: Token');
  } finally { await h.close(); }
});
