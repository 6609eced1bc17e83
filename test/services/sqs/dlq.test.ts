// Dead-letter queues through the JS SDK v3: RedrivePolicy moves a message after maxReceiveCount
// receives (standard and FIFO), and the redrive tasks bring messages back
// (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelMessageMoveTaskCommand, CreateQueueCommand, GetQueueAttributesCommand, ListMessageMoveTasksCommand,
  ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, StartMessageMoveTaskCommand, type SQSClient,
} from '@aws-sdk/client-sqs';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { client, sleep } from './util.js';

let n: Nimbus;
let sqs: SQSClient;
before(async () => { n = await nimbus(); sqs = client(n); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const create = async (name: string, Attributes?: Record<string, string>) =>
  (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
const arnOf = async (QueueUrl: string) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
const count = async (QueueUrl: string) =>
  Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!.ApproximateNumberOfMessages);
const receive = (QueueUrl: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'], ...extra })).then((r) => r.Messages ?? []);

async function pair(fifo = false, max = 2) {
  const f = fifo ? '.fifo' : '';
  const extra: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
  const dlq = await create(`dead${f}`, extra);
  const dlqArn = await arnOf(dlq);
  const src = await create(`work${f}`, { ...extra, RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: max }) });
  return { dlq, dlqArn, src, srcArn: await arnOf(src) };
}

test('standard: after maxReceiveCount receives the message moves to the DLQ, same id, body and attributes', async () => {
  const { dlq, src, srcArn } = await pair(false, 2);
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: 'poison', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }));
  for (let i = 1; i <= 2; i++) {
    const got = await receive(src);
    assert.equal(got[0].Attributes!.ApproximateReceiveCount, String(i));
    n.clock.advance('PT31S');
  }
  await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: 'fine' }));
  // The third receive finds it over the limit: it goes to the DLQ instead.
  const third = await receive(src);
  assert.deepEqual(third.map((m) => m.Body), ['fine']);
  const [dead] = await receive(dlq);
  assert.equal(dead.MessageId, sent.MessageId);
  assert.equal(dead.Body, 'poison');
  assert.equal(dead.MessageAttributes!.k.StringValue, 'v');
  assert.equal(dead.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.equal(dead.Attributes!.DeadLetterQueueSourceArn, srcArn);
  assert.equal(dead.Attributes!.ApproximateReceiveCount, '1');
});

test('FIFO: the DLQ keeps group order and the group moves on', async () => {
  const { dlq, src } = await pair(true, 1);
  for (const b of ['p1', 'p2', 'ok']) await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: b, MessageGroupId: 'g', MessageDeduplicationId: b }));
  const first = await receive(src, { MaxNumberOfMessages: 2 });
  assert.deepEqual(first.map((m) => m.Body), ['p1', 'p2']);
  n.clock.advance('PT31S');
  assert.deepEqual((await receive(src)).map((m) => m.Body), ['ok']);
  const dead = await receive(dlq);
  assert.deepEqual(dead.map((m) => m.Body), ['p1', 'p2']);
  assert.ok(dead.every((m) => m.Attributes!.MessageGroupId === 'g' && /^\d{20}$/.test(m.Attributes!.SequenceNumber!)));
});

async function deadMessages(total: number) {
  const p = await pair(false, 1);
  for (let b = 0; b < total / 10; b++) {
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: p.src, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `${b * 10 + i}` })) }));
  }
  for (let i = 0; i < total / 10; i++) await receive(p.src);
  n.clock.advance('PT31S');
  assert.deepEqual(await receive(p.src), []);
  assert.equal(await count(p.dlq), total);
  return p;
}

const tasks = async (SourceArn: string, MaxResults?: number) =>
  (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn, MaxResults }))).Results ?? [];

test('StartMessageMoveTask: messages go back to their source queue; the task completes', async () => {
  const { dlq, dlqArn, src } = await deadMessages(30);
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
  assert.ok(TaskHandle);
  for (let i = 0; i < 100 && (await tasks(dlqArn))[0].Status === 'RUNNING'; i++) await sleep(5);
  const [t] = await tasks(dlqArn);
  assert.equal(t.Status, 'COMPLETED');
  assert.equal(t.ApproximateNumberOfMessagesMoved, 30);
  assert.equal(t.ApproximateNumberOfMessagesToMove, 30);
  assert.equal(t.SourceArn, dlqArn);
  assert.equal(t.TaskHandle, undefined);
  assert.ok(t.StartedTimestamp! > 0);
  assert.equal(await count(dlq), 0);
  assert.equal(await count(src), 30);
  const back = await receive(src);
  assert.ok(back.every((m) => m.Attributes!.DeadLetterQueueSourceArn === undefined && m.Attributes!.ApproximateReceiveCount === '1'));
});

test('StartMessageMoveTask at a rate, to a destination; ListMessageMoveTasks; CancelMessageMoveTask', async () => {
  const { dlq, dlqArn } = await deadMessages(20);
  const dest = await create('elsewhere');
  const destArn = await arnOf(dest);
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: destArn, MaxNumberOfMessagesPerSecond: 5 }));
  await sleep(20);
  let [t] = await tasks(dlqArn);
  assert.equal(t.Status, 'RUNNING');
  assert.equal(t.TaskHandle, TaskHandle);
  assert.equal(t.MaxNumberOfMessagesPerSecond, 5);
  assert.equal(t.DestinationArn, destArn);
  assert.equal(t.ApproximateNumberOfMessagesMoved, 5);
  await rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn })), 'UnsupportedOperation', 400);
  n.clock.advance('PT1S');
  [t] = await tasks(dlqArn);
  assert.equal(t.ApproximateNumberOfMessagesMoved, 10);
  const c = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
  assert.equal(c.ApproximateNumberOfMessagesMoved, 10);
  [t] = await tasks(dlqArn);
  assert.equal(t.Status, 'CANCELLED');
  n.clock.advance('PT5S');
  assert.equal(await count(dlq), 10);
  assert.equal(await count(dest), 10);
  await rejects(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })), 'UnsupportedOperation', 400);
  await rejects(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'bm9wZQ==' })), 'ResourceNotFoundException', 404);
  // a new task may start now; the list is newest first
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: destArn }));
  await sleep(20);
  const both = await tasks(dlqArn, 10);
  assert.equal(both.length, 2);
  assert.equal(both[1].Status, 'CANCELLED');
  assert.equal(await count(dest), 20);
});

test('StartMessageMoveTask errors: unknown source, a source that is no DLQ, a bad rate', async () => {
  await rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:none' })), 'ResourceNotFoundException', 404);
  const plain = await create('plain');
  const e = await rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: await arnOf(plain) })), 'InvalidParameterValue', 400);
  assert.match(e.message, /Source queue must be configured as a Dead Letter Queue/);
  const { dlqArn } = await pair();
  await rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 501 })), 'InvalidParameterValue', 400);
  await rejects(sqs.send(new ListMessageMoveTasksCommand({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:none' })), 'ResourceNotFoundException', 404);
});
