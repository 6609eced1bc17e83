// kill -9 with --data-dir: a queued asynchronous event still gets its retries and reaches its
// OnFailure destination, and an event source mapping's poller starts again after the restart;
// a Kinesis mapping resumes from its checkpoint (nothing redelivered, nothing skipped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LambdaClient, InvokeCommand, PutFunctionEventInvokeConfigCommand, CreateEventSourceMappingCommand, GetEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { KinesisClient, CreateStreamCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { sdk } from '../../helpers.js';
import { freePort } from '../../process.js';
import { createFn, role } from './util.js';

// The CLI of the same build as this test (dist/ or a helper's own output folder).
const CLI = fileURLToPath(new URL('../../../src/cli.js', import.meta.url));
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function start(dir: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--input-type=module', '-e',
    `import(${JSON.stringify('file://' + CLI)}).then((m) => m.main(['start', '--port', '${port}', '--data-dir', ${JSON.stringify(dir)}, '--log-level', process.env.DUR_LOG ?? 'error']))`],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  if (process.env.DUR_LOG) { child.stdout!.pipe(process.stderr); child.stderr!.pipe(process.stderr); }
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 500; i++) {
    if (child.exitCode !== null) throw new Error(`nimbus exited: ${out}`);
    try { if ((await fetch(`${endpoint}/_nimbus/health`)).ok) return { endpoint, child }; } catch { /* not yet */ }
    await sleep(20);
  }
  child.kill('SIGKILL');
  throw new Error(`nimbus did not start: ${out}`);
}
const kill9 = (c: ChildProcess) => new Promise<void>((ok) => { c.once('exit', () => ok()); c.kill('SIGKILL'); });
const advance = (endpoint: string, d: string) => fetch(`${endpoint}/_nimbus/clock`, { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ advance: d }) });

test('kill -9: the async queue and event source mappings carry on after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-lambda-dur-'));
  let p = await start(dir);
  try {
    let lambda = new LambdaClient(sdk(p));
    let sqs = new SQSClient(sdk(p));
    const roleArn = await role(p);
    const dest = (await sqs.send(new CreateQueueCommand({ QueueName: 'dur-dest' }))).QueueUrl!;
    const src = (await sqs.send(new CreateQueueCommand({ QueueName: 'dur-src' }))).QueueUrl!;
    await createFn(lambda, roleArn, 'dur-fail', { 'index.js': 'exports.handler = async () => { throw new Error("down"); };' });
    await createFn(lambda, roleArn, 'dur-ok', { 'index.js': 'exports.handler = async () => "ok";' });
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'dur-fail', MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:dur-dest' } } }));
    const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'dur-ok', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:dur-src' }));
    for (let i = 0; i < 100 && (await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State !== 'Enabled'; i++) await sleep(20);
    await lambda.send(new InvokeCommand({ FunctionName: 'dur-fail', InvocationType: 'Event', Payload: Buffer.from('{"k":1}') }));
    await sleep(1500); // the first attempt fails; the retry waits a minute
    lambda.destroy(); sqs.destroy();
    await kill9(p.child);

    p = await start(dir);
    lambda = new LambdaClient(sdk(p));
    sqs = new SQSClient(sdk(p));
    assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State, 'Enabled');
    await advance(p.endpoint, 'PT2M');
    let rec;
    for (let i = 0; i < 150 && !rec; i++) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dest, WaitTimeSeconds: 0 }));
      if (r.Messages?.length) rec = JSON.parse(r.Messages[0].Body!); else await sleep(50);
    }
    assert.equal(rec?.requestContext.condition, 'RetriesExhausted');
    assert.equal(rec?.requestContext.approximateInvokeCount, 2, 'the attempt before the restart counts');
    assert.deepEqual(rec?.requestPayload, { k: 1 });
    await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: 'after restart' }));
    let left = 1;
    for (let i = 0; i < 200 && left; i++) {
      const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes!;
      left = Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
      if (left) await sleep(50);
    }
    assert.equal(left, 0, 'the restarted poller consumed the message');
    lambda.destroy(); sqs.destroy();
  } finally {
    await kill9(p.child);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9: a Kinesis mapping resumes from its checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-lambda-dur-'));
  let p = await start(dir);
  try {
    let lambda = new LambdaClient(sdk(p));
    let sqs = new SQSClient(sdk(p));
    let kinesis = new KinesisClient(sdk(p));
    const roleArn = await role(p);
    const seen = (await sqs.send(new CreateQueueCommand({ QueueName: 'ks-seen' }))).QueueUrl!;
    await kinesis.send(new CreateStreamCommand({ StreamName: 'dur-ks', ShardCount: 1 }));
    await advance(p.endpoint, 'PT2S');
    // Each record it gets goes to a queue, through the runtime's SDK.
    await createFn(lambda, roleArn, 'dur-ks', { 'index.js': `const { SQSClient, SendMessageCommand, GetQueueUrlCommand } = require('@aws-sdk/client-sqs');
const sqs = new SQSClient({});
exports.handler = async (e) => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'ks-seen' })); // the port changes with the restart
  for (const r of e.Records) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: Buffer.from(r.kinesis.data, 'base64').toString() }));
};` });
    const put = (d: string) => kinesis.send(new PutRecordCommand({ StreamName: 'dur-ks', PartitionKey: 'k', Data: Buffer.from(d) }));
    const drain = async (want: number) => {
      const got: string[] = [];
      for (let i = 0; i < 200 && got.length < want; i++) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: seen, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        got.push(...(r.Messages ?? []).map((x) => x.Body!));
        if (got.length < want) await sleep(50);
      }
      return got;
    };
    await put('one'); await put('two');
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'dur-ks', EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/dur-ks',
      StartingPosition: 'TRIM_HORIZON' }));
    assert.deepEqual(await drain(2), ['one', 'two']);
    await sleep(300);
    lambda.destroy(); sqs.destroy(); kinesis.destroy();
    await kill9(p.child);

    p = await start(dir);
    lambda = new LambdaClient(sdk(p)); sqs = new SQSClient(sdk(p)); kinesis = new KinesisClient(sdk(p));
    await put('three');
    const after = await drain(1);
    await sleep(500); // anything redelivered would be there by now
    const more = await sqs.send(new ReceiveMessageCommand({ QueueUrl: seen, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    after.push(...(more.Messages ?? []).map((x) => x.Body!));
    assert.deepEqual(after, ['three'], 'only the record after the checkpoint');
    lambda.destroy(); sqs.destroy(); kinesis.destroy();
  } finally {
    await kill9(p.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
