// SQS messages through the JS SDK v3: send/receive/delete, message and system attributes and
// their MD5 digests (checked against moto's implementation of AWS's algorithm), the 1 MiB size
// limit, batches and their errors, visibility timeouts and receipt handles, delays, long
// polling, retention, exact counts. Time moves by the clock, never by sleeping.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand, ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageBatchCommand,
  DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand,
  SetQueueAttributesCommand, type MessageAttributeValue, type SQSClient,
} from '@aws-sdk/client-sqs';
import { boto3, nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { client, sleep } from './util.js';

let n: Nimbus;
let sqs: SQSClient;
before(async () => { n = await nimbus(); sqs = client(n); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const create = async (name: string, Attributes?: Record<string, string>) =>
  (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
const counts = async (QueueUrl: string) => {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }))).Attributes!;
  return { visible: Number(a.ApproximateNumberOfMessages), inflight: Number(a.ApproximateNumberOfMessagesNotVisible), delayed: Number(a.ApproximateNumberOfMessagesDelayed) };
};
const receive = (QueueUrl: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ...extra })).then((r) => r.Messages ?? []);
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** MD5 digests of attribute sets as moto (which implements AWS's documented algorithm) computes them. */
async function referenceMd5(sets: Record<string, MessageAttributeValue>[]): Promise<string[]> {
  const plain = sets.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, {
    DataType: v.DataType, ...(v.StringValue !== undefined ? { StringValue: v.StringValue } : {}),
    ...(v.BinaryValue !== undefined ? { BinaryValue: Buffer.from(v.BinaryValue).toString('base64') } : {}),
  }])));
  return boto3<string[]>(n, `
import base64
from moto.sqs.models import Message
out = []
for attrs in json.loads(${JSON.stringify(JSON.stringify(plain))}):
    for v in attrs.values():
        if 'BinaryValue' in v: v['BinaryValue'] = base64.b64decode(v['BinaryValue'])
    m = Message('id', 'body')
    m.message_attributes = attrs
    out.append(m.attribute_md5)
print(json.dumps(out))`);
}

test('SendMessage / ReceiveMessage / DeleteMessage: ids, body MD5, counts', async () => {
  const url = await create('basic');
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'héllo wörld ✓' }));
  assert.match(sent.MessageId!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(sent.MD5OfMessageBody, md5('héllo wörld ✓'));
  assert.equal(sent.MD5OfMessageAttributes, undefined);
  assert.deepEqual(await counts(url), { visible: 1, inflight: 0, delayed: 0 });
  const [m] = await receive(url);
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.Body, 'héllo wörld ✓');
  assert.equal(m.MD5OfBody, md5('héllo wörld ✓'));
  assert.equal(m.Attributes, undefined);
  assert.ok(m.ReceiptHandle!.length > 20);
  assert.deepEqual(await counts(url), { visible: 0, inflight: 1, delayed: 0 });
  assert.deepEqual(await receive(url), []);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
  assert.deepEqual(await counts(url), { visible: 0, inflight: 0, delayed: 0 });
  // Deleting again is not an error.
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
});

test('message attributes: types, MD5OfMessageAttributes as AWS computes it, selection by name, prefix and All', async () => {
  const url = await create('attrs');
  const ma: Record<string, MessageAttributeValue> = {
    'order.id': { DataType: 'String', StringValue: 'A-17' },
    'order.total': { DataType: 'Number', StringValue: '12.50' },
    blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 250]) },
    tagged: { DataType: 'String.custom', StringValue: 'ü' },
  };
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', MessageAttributes: ma }));
  const subset = { 'order.id': ma['order.id'], 'order.total': ma['order.total'] };
  const [full, sub, one] = await referenceMd5([ma, subset, { blob: ma.blob }]);
  assert.equal(sent.MD5OfMessageAttributes, full);

  const all = await receive(url, { MessageAttributeNames: ['All'], VisibilityTimeout: 0 });
  assert.equal(all[0].MD5OfMessageAttributes, full);
  assert.deepEqual(Object.keys(all[0].MessageAttributes!).sort(), ['blob', 'order.id', 'order.total', 'tagged']);
  assert.deepEqual(Buffer.from(all[0].MessageAttributes!.blob.BinaryValue!), Buffer.from([0, 1, 2, 250]));
  assert.equal(all[0].MessageAttributes!.tagged.DataType, 'String.custom');

  const dotStar = await receive(url, { MessageAttributeNames: ['.*'], VisibilityTimeout: 0 });
  assert.equal(dotStar[0].MD5OfMessageAttributes, full);
  // The digest covers the attributes returned.
  const prefixed = await receive(url, { MessageAttributeNames: ['order.*'], VisibilityTimeout: 0 });
  assert.deepEqual(Object.keys(prefixed[0].MessageAttributes!).sort(), ['order.id', 'order.total']);
  assert.equal(prefixed[0].MD5OfMessageAttributes, sub);
  const exact = await receive(url, { MessageAttributeNames: ['blob', 'absent'], VisibilityTimeout: 0 });
  assert.deepEqual(Object.keys(exact[0].MessageAttributes!), ['blob']);
  assert.equal(exact[0].MD5OfMessageAttributes, one);
  const none = await receive(url, { VisibilityTimeout: 0 });
  assert.equal(none[0].MessageAttributes, undefined);
  assert.equal(none[0].MD5OfMessageAttributes, undefined);
});

test('system attributes: All, by name, the deprecated AttributeNames; AWSTraceHeader and its MD5', async () => {
  const url = await create('sys');
  const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } } }));
  const [ref] = await referenceMd5([{ AWSTraceHeader: { DataType: 'String', StringValue: trace } }]);
  assert.equal(sent.MD5OfMessageSystemAttributes, ref);
  const before = n.clock.now().getTime();
  const [m] = await receive(url, { MessageSystemAttributeNames: ['All'], VisibilityTimeout: 0 });
  const a = m.Attributes!;
  assert.equal(a.SenderId, '000000000000');
  assert.equal(a.ApproximateReceiveCount, '1');
  assert.equal(a.AWSTraceHeader, trace);
  assert.ok(Math.abs(Number(a.SentTimestamp) - before) < 5000);
  assert.ok(Number(a.ApproximateFirstReceiveTimestamp) >= Number(a.SentTimestamp));
  const [m2] = await receive(url, { AttributeNames: ['ApproximateReceiveCount' as never], VisibilityTimeout: 0 });
  assert.deepEqual(m2.Attributes, { ApproximateReceiveCount: '2' });
  const [m3] = await receive(url, { MessageSystemAttributeNames: ['SentTimestamp', 'AWSTraceHeader'] });
  assert.deepEqual(Object.keys(m3.Attributes!).sort(), ['AWSTraceHeader', 'SentTimestamp']);
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', MessageSystemAttributes: { AWSTraceHeader: { DataType: 'Number', StringValue: '1' } } })), 'InvalidParameterValue', 400);
});

test('message size: 1 MiB (1,048,576 bytes) of body and attributes; AWSTraceHeader does not count', async () => {
  const url = await create('size');
  const max = 'a'.repeat(1_048_576);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: max }));
  const e = await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: max + 'a' })), 'InvalidParameterValue', 400);
  assert.equal(e.message, 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.');
  // Attribute name, type and value count toward the size.
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a'.repeat(1_048_576 - 10), MessageAttributes: { k: { DataType: 'String', StringValue: 'v'.repeat(4) } } })), 'InvalidParameterValue', 400);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a'.repeat(1_048_576 - 11), MessageAttributes: { k: { DataType: 'String', StringValue: 'v'.repeat(4) } } }));
  // The trace header does not.
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: max, MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } } }));
  // Multi-byte characters count as their UTF-8 bytes.
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'é'.repeat(524_289) })), 'InvalidParameterValue', 400);
  // A queue's own smaller maximum applies.
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MaximumMessageSize: '1024' } }));
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a'.repeat(1025) })), 'InvalidParameterValue', 400);
  const got = await receive(url);
  assert.equal(got.length, 3);
  assert.ok(got.every((m) => m.MD5OfBody === md5(m.Body!)));
});

test('invalid bodies and attributes are rejected as SQS rejects them', async () => {
  const url = await create('invalid');
  const e = await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bad \u0001 char' })), 'InvalidMessageContents', 400);
  assert.match(e.message, /^Invalid characters found/);
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '' })), 'MissingParameter', 400);
  const bad = async (ma: Record<string, MessageAttributeValue>, re: RegExp) => {
    const err = await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: ma })), 'InvalidParameterValue', 400);
    assert.match(err.message, re);
  };
  await bad({ n: { DataType: 'Number', StringValue: 'abc' } }, /Can't cast the value of message \(user\) attribute 'n' to a number/);
  await bad({ s: { DataType: 'String', StringValue: '' } }, /must contain non-empty message attribute value/);
  await bad({ s: { DataType: 'Float', StringValue: '1' } }, /supported type prefixes: Binary, Number, String/);
  await bad({ 'AWS.x': { DataType: 'String', StringValue: '1' } }, /reserved/);
  await bad({ 'a..b': { DataType: 'String', StringValue: '1' } }, /is invalid/);
  await bad(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }])), /Number of message attributes \[11\] exceeds the allowed maximum \[10\]/);
  await bad({ s: { DataType: 'String', StringListValues: ['a'] } }, /not supported/);
  const r = await rejects(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })), 'InvalidParameterValue', 400);
  assert.equal(r.message, 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.');
  await rejects(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 0 })), 'InvalidParameterValue', 400);
  await rejects(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })), 'InvalidParameterValue', 400);
  await rejects(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 43201 })), 'InvalidParameterValue', 400);
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })), 'InvalidParameterValue', 400);
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })), 'InvalidParameterValue', 400);
});

test('visibility timeout: default 30 s, queue attribute, per receive; 0 makes the message visible at once', async () => {
  const url = await create('vis');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
  const [m] = await receive(url);
  n.clock.advance('PT29S');
  assert.deepEqual(await receive(url), []);
  n.clock.advance('PT1.5S');
  const [again] = await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
  assert.equal(again.MessageId, m.MessageId);
  assert.equal(again.Attributes!.ApproximateReceiveCount, '2');
  assert.notEqual(again.ReceiptHandle, m.ReceiptHandle);
  // per receive
  n.clock.advance('PT31S');
  await receive(url, { VisibilityTimeout: 5 });
  n.clock.advance('PT5S');
  assert.equal((await receive(url, { VisibilityTimeout: 0 })).length, 1);
  assert.equal((await receive(url, { VisibilityTimeout: 100 })).length, 1, 'VisibilityTimeout 0 left it visible');
  // queue attribute
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '300' } }));
  n.clock.advance('PT100S');
  await receive(url);
  n.clock.advance('PT299S');
  assert.deepEqual(await counts(url), { visible: 0, inflight: 1, delayed: 0 });
  n.clock.advance('PT1S');
  assert.deepEqual(await counts(url), { visible: 1, inflight: 0, delayed: 0 });
});

test('ChangeMessageVisibility: extend, 0, old/foreign/garbage handles, not in flight, 12-hour limit', async () => {
  const url = await create('cmv');
  const other = await create('cmv-other');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: other, MessageBody: 'o' }));
  const [m] = await receive(url);
  const [o] = await receive(other);
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 120 }));
  n.clock.advance('PT60S');
  assert.deepEqual(await receive(url), []);
  n.clock.advance('PT61S');
  const [m2] = await receive(url);
  // the first handle is old now
  const old = await rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 10 })), 'InvalidParameterValue', 400);
  assert.equal(old.message, `Value ${m.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
  await rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: o.ReceiptHandle, VisibilityTimeout: 10 })), 'ReceiptHandleIsInvalid', 404);
  const g = await rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: 'garbage', VisibilityTimeout: 10 })), 'ReceiptHandleIsInvalid', 404);
  assert.equal(g.message, 'The input receipt handle "garbage" is not a valid receipt handle.');
  // 12 hours from the receive at most
  await rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m2.ReceiptHandle, VisibilityTimeout: 43201 })), 'InvalidParameterValue', 400);
  n.clock.advance('PT20S');
  const limit = await rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m2.ReceiptHandle, VisibilityTimeout: 43200 })), 'InvalidParameterValue', 400);
  assert.match(limit.message, /Total VisibilityTimeout for the message is beyond the limit \[43200 seconds\]/);
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m2.ReceiptHandle, VisibilityTimeout: 43170 }));
  // 0: visible at once
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m2.ReceiptHandle, VisibilityTimeout: 0 }));
  assert.deepEqual(await counts(url), { visible: 1, inflight: 0, delayed: 0 });
  await rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m2.ReceiptHandle, VisibilityTimeout: 5 })), 'MessageNotInflight', 400);
  // batch: per-entry results
  const [m3] = await receive(url);
  const b = await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: [
    { Id: 'ok', ReceiptHandle: m3.ReceiptHandle, VisibilityTimeout: 600 },
    { Id: 'bad', ReceiptHandle: 'nope', VisibilityTimeout: 600 },
  ] }));
  assert.deepEqual(b.Successful, [{ Id: 'ok' }]);
  assert.equal(b.Failed![0].Id, 'bad');
  assert.equal(b.Failed![0].Code, 'ReceiptHandleIsInvalid');
  assert.equal(b.Failed![0].SenderFault, true);
  n.clock.advance('PT599S');
  assert.deepEqual(await receive(url), []);
});

test('DeleteMessage: an older handle of a standard-queue message still deletes it; garbage is ReceiptHandleIsInvalid', async () => {
  const url = await create('del');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
  const [first] = await receive(url, { VisibilityTimeout: 0 });
  await receive(url);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
  assert.deepEqual(await counts(url), { visible: 0, inflight: 0, delayed: 0 });
  const e = await rejects(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'x' })), 'ReceiptHandleIsInvalid', 404);
  assert.equal(e.message, 'The input receipt handle "x" is not a valid receipt handle.');
});

test('SendMessageBatch: ids, per-entry failures, and the batch errors', async () => {
  const url = await create('batch');
  const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [
    { Id: 'a', MessageBody: 'one', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
    { Id: 'b-2', MessageBody: 'two', DelaySeconds: 30 },
    { Id: 'c_3', MessageBody: 'bad \u0000' },
  ] }));
  assert.deepEqual(r.Successful!.map((s) => s.Id), ['a', 'b-2']);
  assert.equal(r.Successful![0].MD5OfMessageBody, md5('one'));
  assert.ok(r.Successful![0].MD5OfMessageAttributes);
  assert.equal(r.Failed!.length, 1);
  assert.deepEqual({ ...r.Failed![0], Message: undefined }, { Id: 'c_3', SenderFault: true, Code: 'InvalidMessageContents', Message: undefined });
  assert.deepEqual(await counts(url), { visible: 1, inflight: 0, delayed: 1 });

  const e1 = await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })), 'EmptyBatchRequest', 400);
  assert.match(e1.message, /at least one SendMessageBatchRequestEntry/);
  const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
  const e2 = await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: eleven })), 'TooManyEntriesInBatchRequest', 400);
  assert.equal(e2.message, 'Maximum number of entries per request are 10. You have sent 11.');
  const e3 = await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'x', MessageBody: '1' }, { Id: 'x', MessageBody: '2' }] })), 'BatchEntryIdsNotDistinct', 400);
  assert.equal(e3.message, 'Id x repeated.');
  await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'has space', MessageBody: '1' }] })), 'InvalidBatchEntryId', 400);
  const half = 'a'.repeat(600_000);
  const e4 = await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'x', MessageBody: half }, { Id: 'y', MessageBody: half }] })), 'BatchRequestTooLong', 400);
  assert.match(e4.message, /Batch requests cannot be longer than 1048576 bytes/);
  assert.deepEqual(await counts(url), { visible: 1, inflight: 0, delayed: 1 });
});

test('DeleteMessageBatch: per-entry results', async () => {
  const url = await create('delbatch');
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `b${i}` })) }));
  const got = await receive(url);
  assert.equal(got.length, 10);
  const r = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [
    ...got.slice(0, 9).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
    { Id: 'bad', ReceiptHandle: 'not-a-handle' },
  ] }));
  assert.equal(r.Successful!.length, 9);
  assert.deepEqual(r.Failed!.map((f) => [f.Id, f.Code]), [['bad', 'ReceiptHandleIsInvalid']]);
  assert.deepEqual(await counts(url), { visible: 0, inflight: 1, delayed: 0 });
  await rejects(sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [] })), 'EmptyBatchRequest', 400);
});

test('delay queues: queue DelaySeconds and per message; delayed messages count as delayed until due', async () => {
  const url = await create('delay', { DelaySeconds: '60' });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'queue-delay' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'no-delay', DelaySeconds: 0 }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'long', DelaySeconds: 900 }));
  assert.deepEqual(await counts(url), { visible: 1, inflight: 0, delayed: 2 });
  assert.deepEqual((await receive(url, { VisibilityTimeout: 3600 })).map((m) => m.Body), ['no-delay']);
  n.clock.advance('PT59S');
  assert.deepEqual(await receive(url), []);
  n.clock.advance('PT1S');
  assert.deepEqual((await receive(url)).map((m) => m.Body), ['queue-delay']);
  assert.deepEqual(await counts(url), { visible: 0, inflight: 2, delayed: 1 });
  n.clock.advance('PT840S');
  assert.deepEqual((await receive(url)).map((m) => m.Body).sort(), ['long', 'queue-delay']);
});

test('long polling: a waiting receive returns as soon as a message is sent', async () => {
  const url = await create('poll');
  const started = performance.now();
  const waiting = receive(url, { WaitTimeSeconds: 20 });
  await sleep(50);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake' }));
  const got = await waiting;
  assert.deepEqual(got.map((m) => m.Body), ['wake']);
  assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
});

test('long polling: the queue default ReceiveMessageWaitTimeSeconds; wakes when a delay or a visibility timeout ends; times out empty', async () => {
  const url = await create('poll2', { ReceiveMessageWaitTimeSeconds: '20' });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 10 }));
  const waiting = receive(url);
  await sleep(50);
  n.clock.advance('PT10S');
  const got = await waiting;
  assert.deepEqual(got.map((m) => m.Body), ['later']);
  // visibility timeout ends during a wait
  const waiting2 = receive(url);
  await sleep(50);
  n.clock.advance('PT30S');
  assert.deepEqual((await waiting2).map((m) => m.Body), ['later']);
  // nothing arrives: empty after the wait time
  const empty = receive(url, { VisibilityTimeout: 5, WaitTimeSeconds: 1 });
  const empty2 = receive(url, { WaitTimeSeconds: 5 });
  await sleep(50);
  n.clock.advance('PT5S');
  assert.deepEqual(await empty, []);
  assert.deepEqual(await empty2, []);
  // WaitTimeSeconds 0 overrides the queue's default: returns at once
  assert.deepEqual(await receive(url, { WaitTimeSeconds: 0 }), []);
});

test('retention: messages older than MessageRetentionPeriod are gone, whatever their state', async () => {
  const url = await create('retain', { MessageRetentionPeriod: '60' });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b' }));
  await receive(url, { MaxNumberOfMessages: 1, VisibilityTimeout: 600 });
  n.clock.advance('PT30S');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'c' }));
  n.clock.advance('PT31S');
  assert.deepEqual(await counts(url), { visible: 1, inflight: 0, delayed: 0 });
  assert.deepEqual((await receive(url)).map((m) => m.Body), ['c']);
  n.clock.advance('PT60S');
  assert.deepEqual(await counts(url), { visible: 0, inflight: 0, delayed: 0 });
});

test('counts are exact with many messages in every state', async () => {
  const url = await create('many');
  for (let b = 0; b < 30; b++) {
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `${b}-${i}`, DelaySeconds: b < 5 ? 100 : 0 })) }));
  }
  let inflight = 0;
  for (let i = 0; i < 12; i++) inflight += (await receive(url)).length;
  assert.equal(inflight, 120);
  assert.deepEqual(await counts(url), { visible: 130, inflight: 120, delayed: 50 });
  n.clock.advance('PT31S');
  assert.deepEqual(await counts(url), { visible: 250, inflight: 0, delayed: 50 });
  n.clock.advance('PT70S');
  assert.deepEqual(await counts(url), { visible: 300, inflight: 0, delayed: 0 });
});
