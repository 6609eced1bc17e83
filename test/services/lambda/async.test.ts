// Asynchronous invocation: the event invoke config API, retries on the virtual clock (AWS:
// two retries, one minute then two minutes apart), maximum event age, and the destination
// records delivered to SQS, SNS and Lambda.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  LambdaClient, InvokeCommand, PutFunctionEventInvokeConfigCommand, GetFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand, DeleteFunctionEventInvokeConfigCommand, ListFunctionEventInvokeConfigsCommand,
  PublishVersionCommand, CreateAliasCommand,
} from '@aws-sdk/client-lambda';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, role } from './util.js';

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
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const queue = async (name: string) => {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}` };
};
/** Waits (real time, the functions run for real) for one message on a queue. */
async function nextMessage(url: string, waitMs = 15_000): Promise<Record<string, any> | undefined> {
  const end = Date.now() + waitMs;
  while (Date.now() < end) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    if (r.Messages?.length) {
      // Deleted: a later clock jump must not bring it back.
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: r.Messages[0].ReceiptHandle! }));
      return JSON.parse(r.Messages[0].Body!);
    }
    await sleep(50);
  }
  return undefined;
}
async function logCount(fn: string, pattern: string): Promise<number> {
  try {
    return (await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: `"${pattern}"` }))).events?.length ?? 0;
  } catch { return 0; }
}
async function untilLogs(fn: string, pattern: string, want: number): Promise<number> {
  for (let i = 0; i < 300; i++) { const c = await logCount(fn, pattern); if (c >= want) return c; await sleep(50); }
  return logCount(fn, pattern);
}

test('event invoke config: put, get, update, list, delete, validation', async () => {
  await createFn(lambda, roleArn, 'cfg-fn', { 'index.js': 'exports.handler = async () => 1;' });
  const q = await queue('cfg-dest');
  const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg-fn', MaximumRetryAttempts: 1,
    DestinationConfig: { OnFailure: { Destination: q.arn } } }));
  assert.equal(put.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:cfg-fn:$LATEST`);
  assert.equal(put.MaximumRetryAttempts, 1);
  assert.equal(put.MaximumEventAgeInSeconds, undefined);
  assert.ok(put.LastModified instanceof Date);
  assert.deepEqual(put.DestinationConfig, { OnSuccess: {}, OnFailure: { Destination: q.arn } });
  const upd = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'cfg-fn', MaximumEventAgeInSeconds: 120 }));
  assert.equal(upd.MaximumRetryAttempts, 1, 'Update keeps what it does not name');
  assert.equal(upd.MaximumEventAgeInSeconds, 120);
  assert.equal(upd.DestinationConfig?.OnFailure?.Destination, q.arn);
  // Put replaces the whole configuration.
  const again = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg-fn', MaximumEventAgeInSeconds: 60 }));
  assert.equal(again.MaximumRetryAttempts, undefined);
  assert.deepEqual(again.DestinationConfig, { OnSuccess: {}, OnFailure: {} });
  await lambda.send(new PublishVersionCommand({ FunctionName: 'cfg-fn' }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg-fn', Qualifier: '1', MaximumRetryAttempts: 0 }));
  const list = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'cfg-fn' }));
  assert.deepEqual(list.FunctionEventInvokeConfigs?.map((c) => c.FunctionArn),
    [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:cfg-fn:$LATEST`, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:cfg-fn:1`]);
  const page1 = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'cfg-fn', MaxItems: 1 }));
  assert.equal(page1.FunctionEventInvokeConfigs?.length, 1);
  const page2 = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'cfg-fn', MaxItems: 1, Marker: page1.NextMarker }));
  assert.equal(page2.FunctionEventInvokeConfigs?.[0].FunctionArn?.endsWith(':1'), true);
  assert.equal(page2.NextMarker, undefined);
  // Model limits: 0–2 retries, 60–21600 seconds.
  await rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg-fn', MaximumRetryAttempts: 3 })), 'ValidationException', 400);
  await rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg-fn', MaximumEventAgeInSeconds: 59 })), 'ValidationException', 400);
  await rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg-fn',
    DestinationConfig: { OnSuccess: { Destination: 'arn:aws:dynamodb:us-east-1:000000000000:table/t' } } })), 'InvalidParameterValueException', 400);
  await rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'nope', MaximumRetryAttempts: 1 })), 'ResourceNotFoundException', 404);
  await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'cfg-fn', Qualifier: '1' }));
  const e = await rejects(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'cfg-fn', Qualifier: '1' })), 'ResourceNotFoundException', 404);
  assert.equal(e.message, `The function arn:aws:lambda:us-east-1:${ACCOUNT}:function:cfg-fn:1 doesn't have an EventInvokeConfig`);
  await rejects(lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'cfg-fn', Qualifier: '1', MaximumRetryAttempts: 1 })), 'ResourceNotFoundException', 404);
});

test('Event invoke answers 202 at once; success goes to the OnSuccess queue with AWS\'s record', async () => {
  await createFn(lambda, roleArn, 'ok-fn', { 'index.js': 'exports.handler = async (e) => ({ doubled: e.n * 2 });' });
  const q = await queue('ok-dest');
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'ok-fn', DestinationConfig: { OnSuccess: { Destination: q.arn } } }));
  const t = performance.now();
  const r = await lambda.send(new InvokeCommand({ FunctionName: 'ok-fn', InvocationType: 'Event', Payload: Buffer.from('{"n":21}') }));
  assert.ok(performance.now() - t < 500, 'the 202 does not wait for the function');
  assert.equal(r.StatusCode, 202);
  assert.equal(r.Payload?.length ?? 0, 0);
  const rec = await nextMessage(q.url);
  assert.ok(rec, 'a success record arrives');
  assert.equal(rec.version, '1.0');
  assert.match(rec.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(rec.requestContext, { requestId: r.$metadata.requestId, functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:ok-fn:$LATEST`,
    condition: 'Success', approximateInvokeCount: 1 });
  assert.deepEqual(rec.requestPayload, { n: 21 });
  assert.deepEqual(rec.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
  assert.deepEqual(rec.responsePayload, { doubled: 42 });
  // The async payload limit is 1 MB (synchronous: 6 MB).
  const big = Buffer.from(JSON.stringify({ s: 'x'.repeat(1024 * 1024) }));
  await rejects(lambda.send(new InvokeCommand({ FunctionName: 'ok-fn', InvocationType: 'Event', Payload: big })), 'RequestTooLargeException', 413);
  await rejects(lambda.send(new InvokeCommand({ FunctionName: 'ok-fn:nope', InvocationType: 'Event' })), 'ResourceNotFoundException', 404);
});

test('a failing event is retried after 1 and 2 minutes on the clock, then goes to OnFailure (RetriesExhausted)', async () => {
  await createFn(lambda, roleArn, 'fail-fn', { 'index.js': 'exports.handler = async (e) => { console.log("attempt", e.tag); throw new Error("boom"); };' });
  const q = await queue('fail-dest');
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'fail-fn', DestinationConfig: { OnFailure: { Destination: q.arn } } }));
  const r = await lambda.send(new InvokeCommand({ FunctionName: 'fail-fn', InvocationType: 'Event', Payload: Buffer.from('{"tag":"r1"}') }));
  assert.equal(await untilLogs('fail-fn', 'attempt r1', 1), 1);
  await sleep(300);
  n.clock.advance('PT50S');
  await sleep(500);
  assert.equal(await logCount('fail-fn', 'attempt r1'), 1, 'no retry before a minute');
  n.clock.advance('PT11S');
  assert.equal(await untilLogs('fail-fn', 'attempt r1', 2), 2);
  await sleep(300);
  n.clock.advance('PT1M');
  await sleep(500);
  assert.equal(await logCount('fail-fn', 'attempt r1'), 2, 'the second retry waits two minutes');
  n.clock.advance('PT1M1S');
  assert.equal(await untilLogs('fail-fn', 'attempt r1', 3), 3);
  const rec = await nextMessage(q.url);
  assert.ok(rec);
  assert.equal(rec.requestContext.condition, 'RetriesExhausted');
  assert.equal(rec.requestContext.approximateInvokeCount, 3);
  assert.equal(rec.requestContext.requestId, r.$metadata.requestId);
  assert.deepEqual(rec.requestPayload, { tag: 'r1' });
  assert.deepEqual(rec.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  assert.equal(rec.responsePayload.errorMessage, 'boom');
  assert.equal(rec.responsePayload.errorType, 'Error');
  n.clock.advance('PT10M');
  await sleep(300);
  assert.equal(await logCount('fail-fn', 'attempt r1'), 3, 'no fourth attempt');
});

test('MaximumRetryAttempts 0 and MaximumEventAgeInSeconds (EventAgeExceeded); an alias has its own config', async () => {
  await createFn(lambda, roleArn, 'age-fn', { 'index.js': 'exports.handler = async (e) => { console.log("try", e.tag); throw new Error("no"); };' });
  const q = await queue('age-dest');
  await lambda.send(new PublishVersionCommand({ FunctionName: 'age-fn' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'age-fn', Name: 'live', FunctionVersion: '1' }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'age-fn', Qualifier: 'live', MaximumRetryAttempts: 0,
    DestinationConfig: { OnFailure: { Destination: q.arn } } }));
  await lambda.send(new InvokeCommand({ FunctionName: 'age-fn:live', InvocationType: 'Event', Payload: Buffer.from('{"tag":"z"}') }));
  const rec = await nextMessage(q.url);
  assert.equal(rec?.requestContext.condition, 'RetriesExhausted');
  assert.equal(rec?.requestContext.approximateInvokeCount, 1);
  assert.equal(rec?.requestContext.functionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:age-fn:live`);
  assert.equal(rec?.responseContext.executedVersion, '1');
  // Max age 60 s: the retry due a minute later finds the event too old.
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'age-fn', MaximumEventAgeInSeconds: 60,
    DestinationConfig: { OnFailure: { Destination: q.arn } } }));
  await lambda.send(new InvokeCommand({ FunctionName: 'age-fn', InvocationType: 'Event', Payload: Buffer.from('{"tag":"old"}') }));
  assert.equal(await untilLogs('age-fn', 'try old', 1), 1);
  await sleep(300);
  n.clock.advance('PT61S');
  const aged = await nextMessage(q.url);
  assert.equal(aged?.requestContext.condition, 'EventAgeExceeded');
  assert.equal(aged?.requestContext.approximateInvokeCount, 1);
  assert.equal(await logCount('age-fn', 'try old'), 1);
});

test('destinations: a Lambda function and an SNS topic (boto3 configures it)', async () => {
  // The destination function receives the record as its event and logs it.
  await createFn(lambda, roleArn, 'dest-fn', { 'index.js': 'exports.handler = async (e) => { console.log("RECORD " + JSON.stringify(e)); };' });
  await createFn(lambda, roleArn, 'src-fn', { 'index.js': 'exports.handler = async (e) => "done " + e.v;' });
  const sns = new SNSClient(sdk(n));
  const topic = (await sns.send(new CreateTopicCommand({ Name: 'fail-topic' }))).TopicArn!;
  const tq = await queue('topic-sub');
  await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: tq.arn, Attributes: { RawMessageDelivery: 'true' } }));
  await createFn(lambda, roleArn, 'src-fail', { 'index.js': 'exports.handler = async () => { throw new TypeError("bad"); };' });
  const out = await boto3<Record<string, any>>(n, `
c = boto3.client('lambda', endpoint_url=endpoint, region_name='us-east-1')
a = c.put_function_event_invoke_config(FunctionName='src-fn', DestinationConfig={'OnSuccess': {'Destination': 'arn:aws:lambda:us-east-1:${ACCOUNT}:function:dest-fn'}})
b = c.put_function_event_invoke_config(FunctionName='src-fail', MaximumRetryAttempts=0, DestinationConfig={'OnFailure': {'Destination': '${topic}'}})
c.invoke(FunctionName='src-fn', InvocationType='Event', Payload=b'{"v": 7}')
c.invoke(FunctionName='src-fail', InvocationType='Event', Payload=b'{"v": 8}')
print(json.dumps({'a': a['DestinationConfig'], 'b': b['MaximumRetryAttempts']}))`);
  assert.deepEqual(out.a, { OnSuccess: { Destination: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:dest-fn` }, OnFailure: {} });
  assert.equal(out.b, 0);
  assert.equal(await untilLogs('dest-fn', 'RECORD', 1), 1);
  const ev = (await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/dest-fn', filterPattern: '"RECORD"' }))).events![0].message!;
  const rec = JSON.parse(ev.slice(ev.indexOf('RECORD ') + 7));
  assert.equal(rec.requestContext.condition, 'Success');
  assert.equal(rec.responsePayload, 'done 7');
  const viaSns = await nextMessage(tq.url);
  assert.equal(viaSns?.requestContext.condition, 'RetriesExhausted');
  assert.deepEqual(viaSns?.requestPayload, { v: 8 });
  assert.equal(viaSns?.responsePayload.errorType, 'TypeError');
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: tq.url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, '0');
});

test('aws CLI: the deprecated invoke-async queues an Event invocation (Status 202)', async () => {
  await createFn(lambda, roleArn, 'legacy-async', { 'index.js': 'exports.handler = async (e) => { console.log("legacy got", e.x); };' });
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-ia-'));
  try {
    writeFileSync(join(dir, 'args.json'), '{"x":"y1"}');
    const r = await aws(n, ['lambda', 'invoke-async', '--function-name', 'legacy-async', '--invoke-args', join(dir, 'args.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { Status: 202 });
    assert.equal(await untilLogs('legacy-async', 'legacy got y1', 1), 1);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('DeadLetterConfig: a discarded event goes to the function\'s dead-letter queue with RequestID, ErrorCode, ErrorMessage', async () => {
  const dlq = await queue('fn-dlq');
  const f = await createFn(lambda, roleArn, 'dlq-fn', { 'index.js': 'exports.handler = async () => { throw new Error("went wrong"); };' },
    { DeadLetterConfig: { TargetArn: dlq.arn } });
  assert.deepEqual(f.DeadLetterConfig, { TargetArn: dlq.arn });
  await rejects(createFn(lambda, roleArn, 'dlq-bad', { 'index.js': '' }, { DeadLetterConfig: { TargetArn: 'arn:aws:s3:::bucket' } }),
    'InvalidParameterValueException', 400);
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'dlq-fn', MaximumRetryAttempts: 0 }));
  const r = await lambda.send(new InvokeCommand({ FunctionName: 'dlq-fn', InvocationType: 'Event', Payload: Buffer.from('{"order":5}') }));
  let m;
  for (let i = 0; i < 200 && !m; i++) {
    m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MessageAttributeNames: ['All'] }))).Messages?.[0];
    if (!m) await sleep(50);
  }
  assert.ok(m, 'the event reaches the DLQ');
  assert.equal(m.Body, '{"order":5}');
  assert.equal(m.MessageAttributes?.RequestID?.StringValue, r.$metadata.requestId);
  assert.equal(m.MessageAttributes?.ErrorCode?.DataType, 'Number');
  assert.equal(m.MessageAttributes?.ErrorMessage?.StringValue, 'went wrong');
});
