// Publish and PublishBatch into SQS: the JSON envelope and its signature (checked with
// node:crypto and with the sns-validator package), raw delivery, message attributes and their
// validation, MessageStructure=json, FIFO topics (groups, deduplication on the virtual clock,
// sequence numbers), batches, and filter policies on attributes and on the body.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createVerify } from 'node:crypto';
import https from 'node:https';
import http from 'node:http';
import { createRequire } from 'node:module';
import {
  CreateTopicCommand, PublishCommand, PublishBatchCommand, SubscribeCommand, SetSubscriptionAttributesCommand, SNSClient,
  SetTopicAttributesCommand,
} from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { clients, drain, queue, until } from './util.js';

const require = createRequire(import.meta.url);
const MessageValidator = require('sns-validator');

let n: Nimbus;
let sns: SNSClient;
let sqs: SQSClient;
before(async () => { n = await nimbus(); ({ sns, sqs } = clients(n)); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

async function topicWithQueue(name: string, subAttrs: Record<string, string> = {}, fifo = false) {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: fifo ? `${name}.fifo` : name, Attributes: fifo ? { FifoTopic: 'true' } : {} }));
  const q = await queue(sqs, fifo ? `${name}-q.fifo` : `${name}-q`, fifo ? { FifoQueue: 'true' } : {});
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: subAttrs }));
  return { topicArn: TopicArn!, subArn: SubscriptionArn!, q };
}

const SIGNED = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
function verifyWithNodeCrypto(m: Record<string, string>, certPem: string): boolean {
  const v = createVerify(m.SignatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1');
  for (const k of SIGNED) if (m[k] !== undefined) v.update(`${k}\n${m[k]}\n`);
  return v.verify(certPem, m.Signature, 'base64');
}

/**
 * sns-validator only fetches certificates over https from hosts matching its hostPattern. We
 * pass a hostPattern that accepts the Nimbus host, and hand it the cert URL with an https
 * scheme while routing its https.get to Nimbus's plain-HTTP route (SigningCertURL is not part
 * of the signed string, so the signature is checked unchanged).
 */
function validateWithSnsValidator(m: Record<string, string>): Promise<void> {
  const original = https.get;
  (https as unknown as { get: unknown }).get = (url: string, cb: (res: http.IncomingMessage) => void) => http.get(url.replace(/^https:/, 'http:'), cb);
  const validator = new MessageValidator(/^127\.0\.0\.1:\d+$|^localhost:\d+$/);
  return new Promise<void>((resolve, reject) => {
    validator.validate({ ...m, SigningCertURL: m.SigningCertURL.replace(/^http:/, 'https:') }, (err: Error | null) => {
      (https as unknown as { get: unknown }).get = original;
      if (err) reject(err); else resolve();
    });
  });
}

test('Publish to SQS: the JSON envelope, signed (v1 and v2), attributes as {Type, Value}', async () => {
  const { topicArn, subArn, q } = await topicWithQueue('env');
  const r = await sns.send(new PublishCommand({
    TopicArn: topicArn, Message: 'hello', Subject: 'greeting',
    MessageAttributes: { color: { DataType: 'String', StringValue: 'blue' }, n: { DataType: 'Number', StringValue: '42' },
      bin: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) }, list: { DataType: 'String.Array', StringValue: '["a",1]' } },
  }));
  assert.match(r.MessageId!, /^[0-9a-f-]{36}$/);
  const [msg] = await drain(sqs, q.url);
  assert.match(msg.Body!, /^\{\n  "Type" : "Notification",\n  "MessageId" : /);
  const m = JSON.parse(msg.Body!);
  assert.equal(m.Type, 'Notification');
  assert.equal(m.MessageId, r.MessageId);
  assert.equal(m.TopicArn, topicArn);
  assert.equal(m.Subject, 'greeting');
  assert.equal(m.Message, 'hello');
  assert.match(m.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(m.SignatureVersion, '1');
  assert.equal(m.UnsubscribeURL, `${n.endpoint}/_nimbus/sns/?Action=Unsubscribe&SubscriptionArn=${subArn}`);
  assert.match(m.SigningCertURL, new RegExp(`^${n.endpoint}/_nimbus/sns/SimpleNotificationService-[0-9a-f]{32}\\.pem$`));
  assert.deepEqual(m.MessageAttributes, {
    color: { Type: 'String', Value: 'blue' }, n: { Type: 'Number', Value: '42' },
    bin: { Type: 'Binary', Value: Buffer.from([1, 2, 3]).toString('base64') }, list: { Type: 'String.Array', Value: '["a",1]' },
  });
  const cert = await (await fetch(m.SigningCertURL)).text();
  assert.match(cert, /^-----BEGIN CERTIFICATE-----/);
  assert.equal(verifyWithNodeCrypto(m, cert), true);
  assert.equal(verifyWithNodeCrypto({ ...m, Message: 'tampered' }, cert), false);
  await validateWithSnsValidator(m);
  await assert.rejects(validateWithSnsValidator({ ...m, Message: 'tampered' }), /signature is invalid/);

  // SignatureVersion 2: SHA256withRSA.
  await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }));
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'v2' }));
  const [m2] = (await drain(sqs, q.url)).map((x) => JSON.parse(x.Body!));
  assert.equal(m2.SignatureVersion, '2');
  assert.equal(m2.Subject, undefined);
  assert.equal(verifyWithNodeCrypto(m2, cert), true);
  await validateWithSnsValidator(m2);
});

test('RawMessageDelivery: the bare message, attributes as SQS message attributes', async () => {
  const { topicArn, q } = await topicWithQueue('raw', { RawMessageDelivery: 'true' });
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'just this',
    MessageAttributes: { a: { DataType: 'String', StringValue: 'x' }, b: { DataType: 'Binary', BinaryValue: Buffer.from('yz') } } }));
  const [msg] = await drain(sqs, q.url);
  assert.equal(msg.Body, 'just this');
  assert.equal(msg.MessageAttributes!.a.StringValue, 'x');
  assert.equal(msg.MessageAttributes!.a.DataType, 'String');
  assert.equal(Buffer.from(msg.MessageAttributes!.b.BinaryValue!).toString(), 'yz');
});

test('message validation: attributes, subject, size, MessageStructure', async () => {
  const { topicArn, q } = await topicWithQueue('val');
  const pub = (x: Record<string, unknown>) => sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'm', ...x }));
  let e = await rejects(pub({ MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } } }), 'InvalidParameterValueException', 400);
  assert.equal(e.message, "Could not cast message attribute 'n' value to number.");
  e = await rejects(pub({ MessageAttributes: { x: { DataType: 'Blob', StringValue: 'a' } } }), 'InvalidParameterValueException', 400);
  assert.equal(e.message, "The message attribute 'x' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
  e = await rejects(pub({ MessageAttributes: { 'a b': { DataType: 'String', StringValue: 'a' } } }), 'InvalidParameterValueException', 400);
  assert.match(e.message, /^Invalid non-alphanumeric character '#x20' was found in the message attribute name/);
  e = await rejects(pub({ MessageAttributes: { x: { DataType: 'String', StringValue: '' } } }), 'InvalidParameterValueException', 400);
  assert.equal(e.message, "The message attribute 'x' must contain non-empty message attribute value for message attribute type 'String'.");
  e = await rejects(pub({ Subject: 'line\nbreak' }), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Subject');
  e = await rejects(sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x'.repeat(262_145) })), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Message too long');
  e = await rejects(pub({ MessageStructure: 'json', Message: '{"sqs":"only"}' }), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Message Structure - No default entry in JSON message body');
  e = await rejects(pub({ MessageStructure: 'json', Message: 'not json' }), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Message Structure - JSON message body failed to parse');
  e = await rejects(pub({ MessageDeduplicationId: 'd' }), 'InvalidParameterException', 400);
  await rejects(sns.send(new PublishCommand({ TopicArn: topicArn.replace('val', 'none'), Message: 'x' })), 'NotFoundException', 404);
  // MessageStructure=json: the sqs entry for SQS subscribers, "default" for the others.
  await pub({ MessageStructure: 'json', Message: JSON.stringify({ default: 'for all', sqs: 'for queues' }) });
  const [msg] = await drain(sqs, q.url);
  assert.equal(JSON.parse(msg.Body!).Message, 'for queues');
});

test('FIFO topic: MessageGroupId required, deduplication for 5 minutes, sequence numbers, into a FIFO queue', async () => {
  const { topicArn, q } = await topicWithQueue('fifo', {}, true);
  let e = await rejects(sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'a', MessageDeduplicationId: 'd1' })), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
  e = await rejects(sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'a', MessageGroupId: 'g' })), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  const a = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
  const dup = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
  assert.equal(dup.MessageId, a.MessageId);
  assert.equal(dup.SequenceNumber, a.SequenceNumber);
  assert.match(a.SequenceNumber!, /^\d{20}$/);
  const b = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd2' }));
  assert.ok(BigInt(b.SequenceNumber!) > BigInt(a.SequenceNumber!));
  n.clock.advance('PT5M1S');
  const later = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
  assert.notEqual(later.MessageId, a.MessageId);
  const msgs = await drain(sqs, q.url);
  assert.equal(msgs.length, 3);
  assert.deepEqual(msgs.map((m) => JSON.parse(m.Body!).Message), ['a', 'b', 'a']);
  assert.equal(msgs[0].Attributes!.MessageGroupId, 'g');
  assert.equal(msgs[0].Attributes!.MessageDeduplicationId, 'd1');
  assert.equal(JSON.parse(msgs[0].Body!).SequenceNumber, a.SequenceNumber);
  // Content-based deduplication: the SHA-256 of the body.
  await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'ContentBasedDeduplication', AttributeValue: 'true' }));
  const c1 = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'same', MessageGroupId: 'g' }));
  const c2 = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'same', MessageGroupId: 'h' }));
  assert.equal(c2.MessageId, c1.MessageId);
});

test('PublishBatch: ids, per-entry failures, limits', async () => {
  const { topicArn, q } = await topicWithQueue('batch');
  const r = await sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: [
    { Id: 'one', Message: 'm1' },
    { Id: 'two', Message: 'm2', MessageAttributes: { n: { DataType: 'Number', StringValue: 'x' } } },
    { Id: 'three', Message: 'm3' },
  ] }));
  assert.deepEqual(r.Successful!.map((s) => s.Id), ['one', 'three']);
  assert.deepEqual(r.Failed, [{ Id: 'two', Code: 'ParameterValueInvalid', Message: "Could not cast message attribute 'n' value to number.", SenderFault: true }]);
  const msgs = await drain(sqs, q.url);
  assert.deepEqual(msgs.map((m) => JSON.parse(m.Body!).Message).sort(), ['m1', 'm3']);
  const entries = (k: number, size = 1) => Array.from({ length: k }, (_, i) => ({ Id: `e${i}`, Message: 'x'.repeat(size) }));
  await rejects(sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries(11) })), 'TooManyEntriesInBatchRequestException', 400);
  await rejects(sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: [] })), 'EmptyBatchRequestException', 400);
  await rejects(sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x' }, { Id: 'a', Message: 'y' }] })), 'BatchEntryIdsNotDistinctException', 400);
  await rejects(sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: [{ Id: 'bad id', Message: 'x' }] })), 'InvalidBatchEntryIdException', 400);
  await rejects(sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries(2, 140_000) })), 'BatchRequestTooLongException', 400);
});

test('filter policies on message attributes: operators, $or, and validation', async () => {
  const { topicArn, subArn, q } = await topicWithQueue('filter');
  const setPolicy = (p: unknown, scope?: string) => sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'FilterPolicy', AttributeValue: JSON.stringify(p) }))
    .then(async () => { if (scope) await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'FilterPolicyScope', AttributeValue: scope })); });
  type A = Record<string, { DataType: string; StringValue: string }>;
  const s = (v: string) => ({ DataType: 'String', StringValue: v });
  const num = (v: number) => ({ DataType: 'Number', StringValue: String(v) });
  async function matches(attrs: A): Promise<boolean> {
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x', MessageAttributes: attrs }));
    const got = await drain(sqs, q.url);
    return got.some((m) => JSON.parse(m.Body!).MessageId === MessageId);
  }
  await setPolicy({ color: ['red', { prefix: 'bl' }], size: [{ numeric: ['>', 10, '<=', 20] }], '$or': [{ shape: ['round'] }, { kind: [{ exists: true }] }] });
  assert.equal(await matches({ color: s('red'), size: num(15), shape: s('round') }), true);
  assert.equal(await matches({ color: s('blue'), size: num(20), kind: s('any') }), true);
  assert.equal(await matches({ color: s('green'), size: num(15), shape: s('round') }), false);
  assert.equal(await matches({ color: s('red'), size: num(21), shape: s('round') }), false);
  assert.equal(await matches({ color: s('red'), size: num(15) }), false);
  assert.equal(await matches({ color: s('red'), size: s('15'), shape: s('round') }), false);
  await setPolicy({ region: [{ 'anything-but': ['us-east-1', 'us-west-2'] }], env: [{ suffix: '-prod' }], tag: [{ 'equals-ignore-case': 'HOT' }], gone: [{ exists: false }] });
  assert.equal(await matches({ region: s('eu-west-1'), env: s('eu-prod'), tag: s('hot') }), true);
  assert.equal(await matches({ region: s('us-east-1'), env: s('eu-prod'), tag: s('hot') }), false);
  assert.equal(await matches({ region: s('eu-west-1'), env: s('eu-prod'), tag: s('hot'), gone: s('here') }), false);
  await setPolicy({ tags: ['b'], ip: [{ cidr: '10.0.0.0/24' }], score: [{ numeric: ['=', 3.5] }], pre: [{ 'anything-but': { prefix: 'tmp' } }] });
  const arr = { DataType: 'String.Array', StringValue: '["a","b"]' };
  assert.equal(await matches({ tags: arr, ip: s('10.0.0.77'), score: num(3.5), pre: s('real') } as A), true);
  assert.equal(await matches({ tags: arr, ip: s('10.0.1.77'), score: num(3.5), pre: s('real') } as A), false);
  assert.equal(await matches({ tags: arr, ip: s('10.0.0.77'), score: num(3.5), pre: s('tmp-1') } as A), false);
  // Validation, in SNS's words.
  const bad = (p: unknown) => rejects(setPolicy(p), 'InvalidParameterException', 400);
  assert.equal((await bad({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] })).message, 'Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys');
  const many = Array.from({ length: 13 }, (_, i) => `v${i}`);
  assert.equal((await bad({ a: many, b: many })).message, 'Invalid parameter: FilterPolicy: Filter policy is too complex');
  assert.equal((await bad({ a: [{ wat: 1 }] })).message, 'Invalid parameter: FilterPolicy: Unrecognized match type wat');
  assert.equal((await bad({ a: [{ numeric: ['>', 'x'] }] })).message, 'Invalid parameter: FilterPolicy: Value of > must be numeric');
  assert.equal((await bad({ a: [{ exists: 'yes' }] })).message, 'Invalid parameter: FilterPolicy: exists match pattern must be either true or false.');
  assert.equal((await bad({ a: { nested: ['x'] } })).message, 'Invalid parameter: FilterPolicy: Filter policy scope MessageAttributes does not support nested filter policy');
  const parse = await rejects(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'FilterPolicy', AttributeValue: '{' })), 'InvalidParameterException', 400);
  assert.equal(parse.message, 'Invalid parameter: FilterPolicy: failed to parse JSON.');
});

test('filter policies on the message body (FilterPolicyScope MessageBody), nested keys', async () => {
  const { topicArn, subArn, q } = await topicWithQueue('body');
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'FilterPolicyScope', AttributeValue: 'MessageBody' }));
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'FilterPolicy',
    AttributeValue: JSON.stringify({ order: { status: ['paid'], total: [{ numeric: ['>=', 100] }] }, items: { sku: [{ prefix: 'A-' }] } }) }));
  const pub = (body: unknown) => sns.send(new PublishCommand({ TopicArn: topicArn, Message: typeof body === 'string' ? body : JSON.stringify(body) }));
  await pub({ order: { status: 'paid', total: 150 }, items: [{ sku: 'B-1' }, { sku: 'A-7' }] });
  await pub({ order: { status: 'paid', total: 50 }, items: [{ sku: 'A-1' }] });
  await pub({ order: { status: 'open', total: 500 }, items: [{ sku: 'A-1' }] });
  await pub('not json at all');
  const got = await drain(sqs, q.url);
  assert.equal(got.length, 1);
  assert.equal(JSON.parse(JSON.parse(got[0].Body!).Message).order.total, 150);
});

test('delivery is prompt: a receive right after Publish sees the message', async () => {
  const { topicArn, q } = await topicWithQueue('prompt');
  for (let i = 0; i < 5; i++) {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: `m${i}` }));
    const got = await until(() => drain(sqs, q.url).then((m) => (m.length ? m : undefined)), 'message');
    assert.equal(JSON.parse(got![0].Body!).Message, `m${i}`);
  }
});
