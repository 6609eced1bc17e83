// Event source mappings on SQS: the mapping API (states, filters, pagination, validation),
// the poller end to end (batches, deletes, partial batch responses, a failing function's
// messages reaching the queue's dead-letter queue on the virtual clock), the aws CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  LambdaClient, CreateEventSourceMappingCommand, GetEventSourceMappingCommand, UpdateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand, ListEventSourceMappingsCommand, ListTagsCommand, TagResourceCommand,
} from '@aws-sdk/client-lambda';
import {
  SQSClient, CreateQueueCommand, SendMessageBatchCommand, SendMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { aws, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, loggedEvents, role, sleep, until } from './util.js';

let n: Nimbus;
let lambda: LambdaClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;
let roleArn: string;
before(async () => {
  n = await nimbus();
  lambda = new LambdaClient(sdk(n)); sqs = new SQSClient(sdk(n)); logs = new CloudWatchLogsClient(sdk(n));
  roleArn = await role(n);
});
after(async () => { n.reset(); await n.stop(); });

const ACCOUNT = '000000000000';
async function queue(name: string, attrs: Record<string, string> = {}) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attrs }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}` };
}
async function counts(url: string) {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes!;
  return { visible: Number(a.ApproximateNumberOfMessages), inflight: Number(a.ApproximateNumberOfMessagesNotVisible) };
}
const events = (fn: string) => loggedEvents(logs, fn);
const LOGGING = 'exports.handler = async (e) => { console.log("EVENT " + JSON.stringify(e)); return {}; };';

test('mapping API: Creating → Enabled, get, list with filters and pages, update, delete; AWS validation', async () => {
  await createFn(lambda, roleArn, 'api-fn', { 'index.js': LOGGING });
  const q1 = await queue('api-q1');
  const q2 = await queue('api-q2');
  const c = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'api-fn', EventSourceArn: q1.arn, Enabled: false }));
  assert.equal(c.$metadata.httpStatusCode, 202);
  assert.equal(c.State, 'Creating');
  assert.match(c.UUID!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(c.BatchSize, 10);
  assert.equal(c.MaximumBatchingWindowInSeconds, 0);
  assert.equal(c.EventSourceArn, q1.arn);
  assert.equal(c.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:api-fn`);
  assert.equal(c.StateTransitionReason, 'USER_INITIATED');
  assert.equal(c.EventSourceMappingArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:event-source-mapping:${c.UUID}`);
  assert.deepEqual(c.FunctionResponseTypes, []);
  assert.ok(c.LastModified instanceof Date);
  assert.equal(c.StartingPosition, undefined);
  const g = await until(() => lambda.send(new GetEventSourceMappingCommand({ UUID: c.UUID })), (x) => x.State !== 'Creating');
  assert.equal(g.State, 'Disabled');
  const c2 = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'api-fn', EventSourceArn: q2.arn, BatchSize: 5 }));
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'api-fn', EventSourceArn: q2.arn })), 'ResourceConflictException', 409);
  const all = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'api-fn' }));
  assert.equal(all.EventSourceMappings?.length, 2);
  const byArn = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: q2.arn }));
  assert.deepEqual(byArn.EventSourceMappings?.map((m) => m.UUID), [c2.UUID]);
  const p1 = await lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 1 }));
  assert.equal(p1.EventSourceMappings?.length, 1);
  assert.ok(p1.NextMarker);
  const p2 = await lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 1, Marker: p1.NextMarker }));
  assert.notEqual(p2.EventSourceMappings?.[0].UUID, p1.EventSourceMappings?.[0].UUID);
  assert.equal(p2.NextMarker, undefined);
  // Validation as AWS answers it.
  const w = await rejects(lambda.send(new UpdateEventSourceMappingCommand({ UUID: c.UUID, BatchSize: 100 })), 'InvalidParameterValueException', 400);
  assert.equal(w.message, 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'api-fn', EventSourceArn: q1.arn, StartingPosition: 'LATEST' })),
    'InvalidParameterValueException', 400);
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'api-fn', EventSourceArn: q1.arn, BatchSize: 10001 })), 'ValidationException', 400);
  const missing = await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'api-fn', EventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:nope` })),
    'InvalidParameterValueException', 400);
  assert.match(missing.message, /NonExistentQueue/);
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ghost', EventSourceArn: q1.arn })), 'ResourceNotFoundException', 404);
  const u = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: c.UUID, BatchSize: 50, MaximumBatchingWindowInSeconds: 2, Enabled: true }));
  assert.equal(u.State, 'Enabling');
  assert.equal(u.BatchSize, 50);
  assert.equal((await until(() => lambda.send(new GetEventSourceMappingCommand({ UUID: c.UUID })), (x) => x.State === 'Enabled')).State, 'Enabled');
  // Tags on the mapping's ARN.
  const tagged = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'api-fn', EventSourceArn: (await queue('api-q3')).arn, Tags: { team: 'a' } }));
  assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: tagged.EventSourceMappingArn }))).Tags, { team: 'a' });
  await lambda.send(new TagResourceCommand({ Resource: tagged.EventSourceMappingArn, Tags: { env: 'dev' } }));
  assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: tagged.EventSourceMappingArn }))).Tags, { team: 'a', env: 'dev' });
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: tagged.UUID }));
  // FIFO queues take batches of at most 10.
  const fifo = await queue('api-q.fifo', { FifoQueue: 'true' });
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'api-fn', EventSourceArn: fifo.arn, BatchSize: 11, MaximumBatchingWindowInSeconds: 1 })),
    'InvalidParameterValueException', 400);
  const d = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: c.UUID }));
  assert.equal(d.State, 'Deleting');
  await until(() => lambda.send(new GetEventSourceMappingCommand({ UUID: c.UUID })).then(() => false, () => true), (gone) => gone);
  const nf = await rejects(lambda.send(new GetEventSourceMappingCommand({ UUID: c.UUID })), 'ResourceNotFoundException', 404);
  assert.equal(nf.message, 'The resource you requested does not exist.');
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: c2.UUID }));
});

test('SQS trigger: a batch reaches the function with the SQS event shape and is deleted', async () => {
  await createFn(lambda, roleArn, 'sqs-ok', { 'index.js': LOGGING });
  const q = await queue('trigger-ok');
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'sqs-ok', EventSourceArn: q.arn, BatchSize: 10 }));
  await until(() => lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID })), (x) => x.State === 'Enabled');
  const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: q.url, Entries: [
    { Id: 'a', MessageBody: 'one', MessageAttributes: { colour: { DataType: 'String', StringValue: 'red' } } },
    { Id: 'b', MessageBody: '{"two":2}' },
    { Id: 'c', MessageBody: 'three' },
  ] }));
  const evs = await until(() => events('sqs-ok'), (e) => e.reduce((k, x) => k + x.Records.length, 0) >= 3);
  const records = evs.flatMap((e) => e.Records);
  assert.equal(records.length, 3);
  const one = records.find((r) => r.body === 'one');
  assert.equal(one.messageId, sent.Successful!.find((s) => s.Id === 'a')!.MessageId);
  assert.equal(one.eventSource, 'aws:sqs');
  assert.equal(one.eventSourceARN, q.arn);
  assert.equal(one.awsRegion, 'us-east-1');
  assert.equal(one.md5OfBody, sent.Successful!.find((s) => s.Id === 'a')!.MD5OfMessageBody);
  assert.ok(one.receiptHandle);
  assert.equal(one.attributes.ApproximateReceiveCount, '1');
  assert.match(one.attributes.SentTimestamp, /^\d+$/);
  assert.ok(one.attributes.SenderId);
  assert.match(one.attributes.ApproximateFirstReceiveTimestamp, /^\d+$/);
  assert.deepEqual(one.messageAttributes, { colour: { stringValue: 'red', stringListValues: [], binaryListValues: [], dataType: 'String' } });
  assert.ok(one.md5OfMessageAttributes);
  const left = await until(() => counts(q.url), (c) => c.visible + c.inflight === 0);
  assert.deepEqual(left, { visible: 0, inflight: 0 }, 'a successful batch is deleted');
  // Disabled: messages stay in the queue.
  await lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: false }));
  await until(() => lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID })), (x) => x.State === 'Disabled');
  await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'while disabled' }));
  await sleep(500);
  assert.deepEqual(await counts(q.url), { visible: 1, inflight: 0 });
  await lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: true }));
  assert.deepEqual(await until(() => counts(q.url), (c) => c.visible + c.inflight === 0), { visible: 0, inflight: 0 });
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('ReportBatchItemFailures: only the listed messages stay (not deleted, back after the visibility timeout)', async () => {
  await createFn(lambda, roleArn, 'sqs-partial', { 'index.js': `exports.handler = async (e) => {
  console.log("EVENT " + JSON.stringify(e));
  return { batchItemFailures: e.Records.filter((r) => r.body.startsWith("bad")).map((r) => ({ itemIdentifier: r.messageId })) };
};` });
  const q = await queue('trigger-partial', { VisibilityTimeout: '30' });
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: q.url, Entries: [
    { Id: '1', MessageBody: 'good-1' }, { Id: '2', MessageBody: 'bad-2' }, { Id: '3', MessageBody: 'good-3' },
  ] }));
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'sqs-partial', EventSourceArn: q.arn,
    FunctionResponseTypes: ['ReportBatchItemFailures'] }));
  assert.deepEqual(m.FunctionResponseTypes, ['ReportBatchItemFailures']);
  const c = await until(() => counts(q.url), (x) => x.visible === 0 && x.inflight === 1);
  assert.deepEqual(c, { visible: 0, inflight: 1 }, 'the failed message is in flight, the others deleted');
  await sleep(300);
  n.clock.advance('PT31S');
  const evs = await until(() => events('sqs-partial'), (e) => e.some((x) => x.Records.some((r: any) => r.attributes.ApproximateReceiveCount === '2')));
  const again = evs.flatMap((e) => e.Records).filter((r) => r.attributes.ApproximateReceiveCount === '2');
  assert.deepEqual(again.map((r) => r.body), ['bad-2']);
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('a failing function: the batch returns after the visibility timeout and reaches the DLQ after maxReceiveCount', async () => {
  await createFn(lambda, roleArn, 'sqs-fail', { 'index.js': 'exports.handler = async (e) => { console.log("EVENT " + JSON.stringify(e)); throw new Error("nope"); };' });
  const dlq = await queue('trigger-dlq');
  const q = await queue('trigger-fail', { VisibilityTimeout: '20', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) });
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'sqs-fail', EventSourceArn: q.arn }));
  await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'poison' }));
  await until(() => events('sqs-fail'), (e) => e.length >= 1);
  assert.deepEqual(await counts(q.url), { visible: 0, inflight: 1 }, 'not deleted');
  await sleep(300);
  n.clock.advance('PT21S');
  await until(() => events('sqs-fail'), (e) => e.length >= 2);
  await sleep(300);
  n.clock.advance('PT21S');
  // The third receive finds the receive count exhausted: SQS moves it to the DLQ.
  const d = await until(() => counts(dlq.url), (x) => x.visible === 1);
  assert.equal(d.visible, 1);
  const moved = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url }));
  assert.equal(moved.Messages?.[0].Body, 'poison');
  assert.equal((await events('sqs-fail')).length, 2, 'invoked maxReceiveCount times');
  assert.deepEqual(await counts(q.url), { visible: 0, inflight: 0 });
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('FilterCriteria: non-matching messages are deleted without an invocation', async () => {
  await createFn(lambda, roleArn, 'sqs-filter', { 'index.js': LOGGING });
  const q = await queue('trigger-filter');
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'sqs-filter', EventSourceArn: q.arn,
    FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ['order'] } }) }] } }));
  assert.deepEqual(m.FilterCriteria, { Filters: [{ Pattern: '{"body":{"kind":["order"]}}' }] });
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: q.url, Entries: [
    { Id: '1', MessageBody: '{"kind":"order","n":1}' }, { Id: '2', MessageBody: '{"kind":"refund"}' }, { Id: '3', MessageBody: 'plain' },
  ] }));
  assert.deepEqual(await until(() => counts(q.url), (c) => c.visible + c.inflight === 0), { visible: 0, inflight: 0 });
  const bodies = (await until(() => events('sqs-filter'), (e) => e.length >= 1)).flatMap((e) => e.Records.map((r: any) => r.body));
  assert.deepEqual(bodies, ['{"kind":"order","n":1}']);
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('aws CLI: create-event-source-mapping with a batching window, list, delete', async () => {
  await createFn(lambda, roleArn, 'cli-esm', { 'index.js': LOGGING });
  const q = await queue('cli-esm-q');
  const c = await aws(n, ['lambda', 'create-event-source-mapping', '--function-name', 'cli-esm', '--event-source-arn', q.arn,
    '--batch-size', '100', '--maximum-batching-window-in-seconds', '5', '--scaling-config', 'MaximumConcurrency=2']);
  assert.equal(c.code, 0, c.stderr);
  const out = JSON.parse(c.stdout);
  assert.equal(out.BatchSize, 100);
  assert.equal(out.MaximumBatchingWindowInSeconds, 5);
  assert.deepEqual(out.ScalingConfig, { MaximumConcurrency: 2 });
  assert.equal(typeof out.LastModified, 'number', 'LastModified is epoch seconds on the wire');
  // A 5 s window: messages are gathered until it closes (advanced on the clock).
  await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'w1' }));
  await sleep(200);
  await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'w2' }));
  await sleep(300);
  assert.equal((await events('cli-esm')).length, 0, 'the window is still open');
  n.clock.advance('PT6S');
  const evs = await until(() => events('cli-esm'), (e) => e.length >= 1);
  assert.deepEqual(evs[0].Records.map((r: any) => r.body).sort(), ['w1', 'w2'], 'one batch of both');
  const l = await aws(n, ['lambda', 'list-event-source-mappings', '--function-name', 'cli-esm']);
  assert.equal(JSON.parse(l.stdout).EventSourceMappings[0].UUID, out.UUID);
  const d = await aws(n, ['lambda', 'delete-event-source-mapping', '--uuid', out.UUID]);
  assert.equal(JSON.parse(d.stdout).State, 'Deleting');
});
