// FIFO queues through the JS SDK v3: order within a message group, one receive holding a group
// at a time, deduplication (explicit ids, content-based SHA-256, per-group scope) within the
// 5-minute window, sequence numbers, ReceiveRequestAttemptId retries, what FIFO rejects.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand,
  GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient,
} from '@aws-sdk/client-sqs';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { client } from './util.js';

let n: Nimbus;
let sqs: SQSClient;
before(async () => { n = await nimbus(); sqs = client(n); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const fifo = async (name: string, Attributes: Record<string, string> = {}) =>
  (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true', ...Attributes } }))).QueueUrl!;
const send = (QueueUrl: string, MessageBody: string, MessageGroupId: string, MessageDeduplicationId: string | undefined = MessageBody) =>
  sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageGroupId, MessageDeduplicationId }));
const receive = (QueueUrl: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], ...extra })).then((r) => r.Messages ?? []);

test('order within a group; a group in flight gives nothing more until deleted or visible again', async () => {
  const url = await fifo('order.fifo');
  for (let i = 0; i < 5; i++) await send(url, `a${i}`, 'A');
  for (let i = 0; i < 3; i++) await send(url, `b${i}`, 'B');
  const first = await receive(url, { MaxNumberOfMessages: 3 });
  assert.deepEqual(first.map((m) => m.Body), ['a0', 'a1', 'a2']);
  // A is held: only B comes
  const second = await receive(url);
  assert.deepEqual(second.map((m) => m.Body), ['b0', 'b1', 'b2']);
  assert.deepEqual(await receive(url), []);
  // delete a0 only: A is still held by a1, a2
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0].ReceiptHandle }));
  assert.deepEqual(await receive(url), []);
  await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: first.slice(1).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
  assert.deepEqual((await receive(url)).map((m) => m.Body), ['a3', 'a4']);
  // visibility timeout: the same messages come back, in order, before anything later
  await send(url, 'b3', 'B');
  n.clock.advance('PT31S');
  const again = await receive(url);
  assert.deepEqual(again.map((m) => m.Body).sort(), ['a3', 'a4', 'b0', 'b1', 'b2', 'b3']);
  assert.deepEqual(again.filter((m) => m.Attributes!.MessageGroupId === 'B').map((m) => m.Body), ['b0', 'b1', 'b2', 'b3']);
  assert.deepEqual(again.filter((m) => m.Attributes!.MessageGroupId === 'A').map((m) => m.Body), ['a3', 'a4']);
  assert.ok(again.filter((m) => m.Body!.startsWith('a')).every((m) => m.Attributes!.ApproximateReceiveCount === '2'));
});

test('system attributes of FIFO messages: SequenceNumber increasing, MessageGroupId, MessageDeduplicationId', async () => {
  const url = await fifo('attrs.fifo');
  const s1 = await send(url, 'one', 'g', 'd1');
  const s2 = await send(url, 'two', 'g', 'd2');
  assert.match(s1.SequenceNumber!, /^\d{20}$/);
  assert.ok(BigInt(s2.SequenceNumber!) > BigInt(s1.SequenceNumber!));
  const [m1, m2] = await receive(url);
  assert.equal(m1.Attributes!.SequenceNumber, s1.SequenceNumber);
  assert.equal(m1.Attributes!.MessageGroupId, 'g');
  assert.equal(m1.Attributes!.MessageDeduplicationId, 'd1');
  assert.equal(m2.Attributes!.SequenceNumber, s2.SequenceNumber);
});

test('deduplication: explicit ids within 5 minutes; content-based SHA-256 of the body', async () => {
  const url = await fifo('dedup.fifo');
  const a = await send(url, 'x', 'g', 'same');
  const b = await send(url, 'y', 'g', 'same');
  assert.equal(b.MessageId, a.MessageId);
  assert.equal(b.SequenceNumber, a.SequenceNumber);
  n.clock.advance('PT4M59S');
  assert.equal((await send(url, 'z', 'g', 'same')).MessageId, a.MessageId);
  n.clock.advance('PT2S');
  const c = await send(url, 'w', 'g', 'same');
  assert.notEqual(c.MessageId, a.MessageId);
  assert.deepEqual((await receive(url)).map((m) => m.Body), ['x', 'w']);

  const e = await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })), 'InvalidParameterValue', 400);
  assert.equal(e.message, 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  const cbd = await fifo('cbd.fifo', { ContentBasedDeduplication: 'true' });
  const c1 = await sqs.send(new SendMessageCommand({ QueueUrl: cbd, MessageBody: 'body', MessageGroupId: 'g' }));
  const c2 = await sqs.send(new SendMessageCommand({ QueueUrl: cbd, MessageBody: 'body', MessageGroupId: 'h' }));
  assert.equal(c2.MessageId, c1.MessageId);
  const [m] = await receive(cbd);
  assert.equal(m.Attributes!.MessageDeduplicationId, createHash('sha256').update('body').digest('hex'));
  // an explicit id wins over content
  const c3 = await sqs.send(new SendMessageCommand({ QueueUrl: cbd, MessageBody: 'body', MessageGroupId: 'g', MessageDeduplicationId: 'other' }));
  assert.notEqual(c3.MessageId, c1.MessageId);
});

test('DeduplicationScope messageGroup: the same id in two groups is two messages', async () => {
  const url = await fifo('scope.fifo', { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
  const a = await send(url, 'a', 'g1', 'id');
  const b = await send(url, 'b', 'g2', 'id');
  const c = await send(url, 'c', 'g1', 'id');
  assert.notEqual(a.MessageId, b.MessageId);
  assert.equal(c.MessageId, a.MessageId);
  assert.deepEqual((await receive(url)).map((m) => m.Body).sort(), ['a', 'b']);
});

test('ReceiveRequestAttemptId: a retried receive gets the same messages and handles', async () => {
  const url = await fifo('attempt.fifo');
  for (let i = 0; i < 4; i++) await send(url, `m${i}`, i < 2 ? 'A' : 'B');
  const r1 = await receive(url, { ReceiveRequestAttemptId: 'try-1', MaxNumberOfMessages: 2 });
  const r2 = await receive(url, { ReceiveRequestAttemptId: 'try-1', MaxNumberOfMessages: 2 });
  assert.deepEqual(r2.map((m) => [m.Body, m.ReceiptHandle]), r1.map((m) => [m.Body, m.ReceiptHandle]));
  const other = await receive(url, { ReceiveRequestAttemptId: 'try-2' });
  assert.deepEqual(other.map((m) => m.Body), ['m2', 'm3']);
  // an attempt that got nothing does not stick
  const emptyQ = await fifo('attempt-empty.fifo');
  assert.deepEqual(await receive(emptyQ, { ReceiveRequestAttemptId: 'e' }), []);
  await send(emptyQ, 'late', 'g');
  assert.deepEqual((await receive(emptyQ, { ReceiveRequestAttemptId: 'e' })).map((m) => m.Body), ['late']);
  // once a message of the attempt is deleted, the id starts a new receive
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: r1[0].ReceiptHandle }));
  assert.deepEqual(await receive(url, { ReceiveRequestAttemptId: 'try-1' }), []);
});

test('FIFO rejects per-message DelaySeconds and needs a MessageGroupId; queue delay applies', async () => {
  const url = await fifo('rules.fifo', { DelaySeconds: '10' });
  const e = await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 5 })), 'InvalidParameterValue', 400);
  assert.equal(e.message, 'Value 5 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.');
  const m = await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })), 'MissingParameter', 400);
  assert.equal(m.message, 'The request must contain the parameter MessageGroupId.');
  await send(url, 'late', 'g');
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }))).Attributes!;
  assert.equal(a.ApproximateNumberOfMessagesDelayed, '1');
  assert.deepEqual(await receive(url), []);
  n.clock.advance('PT10S');
  assert.deepEqual((await receive(url)).map((x) => x.Body), ['late']);
  const batch = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [
    { Id: 'ok', MessageBody: 'b1', MessageGroupId: 'g', MessageDeduplicationId: 'b1' },
    { Id: 'nogroup', MessageBody: 'b2', MessageDeduplicationId: 'b2' },
  ] }));
  assert.deepEqual(batch.Successful!.map((s) => s.Id), ['ok']);
  assert.match(batch.Successful![0].SequenceNumber!, /^\d{20}$/);
  assert.deepEqual(batch.Failed!.map((f) => [f.Id, f.Code]), [['nogroup', 'MissingParameter']]);
});

test('FIFO receipt handles are good only while their receive holds the message', async () => {
  const url = await fifo('handles.fifo');
  await send(url, 'x', 'g');
  const [m] = await receive(url);
  n.clock.advance('PT31S');
  const e = await rejects(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle })), 'InvalidParameterValue', 400);
  assert.match(e.message, /The receipt handle has expired/);
  await rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 10 })), 'MessageNotInflight', 400);
  const [again] = await receive(url);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle }));
  assert.deepEqual(await receive(url), []);
});
