// Event source mappings on Kinesis streams: the Kinesis event shape, validation, retries and
// the OnFailure record (KinesisBatchInfo), ReportBatchItemFailures, filtering on the data,
// LATEST / AT_TIMESTAMP, parents finished before children after a split, ParallelizationFactor,
// enhanced fan-out consumer ARNs, and the aws CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  LambdaClient, CreateEventSourceMappingCommand, GetEventSourceMappingCommand, DeleteEventSourceMappingCommand, UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  KinesisClient, CreateStreamCommand, PutRecordCommand, SplitShardCommand, RegisterStreamConsumerCommand, ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { S3Client, CreateBucketCommand, ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { aws, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, loggedEvents, role, sleep, until } from './util.js';

let n: Nimbus;
let lambda: LambdaClient;
let kinesis: KinesisClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;
let roleArn: string;
before(async () => {
  n = await nimbus();
  lambda = new LambdaClient(sdk(n)); kinesis = new KinesisClient(sdk(n)); sqs = new SQSClient(sdk(n)); logs = new CloudWatchLogsClient(sdk(n));
  roleArn = await role(n);
});
after(async () => { n.reset(); await n.stop(); });

const ARN = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
const events = (fn: string) => loggedEvents(logs, fn);
/** Polls every 75 ms; with `tick`, the clock moves that much between polls (retries come due). */
const poll = <T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000, tick?: string) =>
  until(f, ok, ms, tick ? () => n.clock.advance(tick) : undefined, 75);
async function stream(name: string, shards = 1): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  n.clock.advance('PT2S');
  return ARN(name);
}
const put = (s: string, key: string, data: unknown) =>
  kinesis.send(new PutRecordCommand({ StreamName: s, PartitionKey: key, Data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)) }));
const LOGGER = 'exports.handler = async (e) => { console.log("EVENT " + JSON.stringify(e)); };';
const decoded = (r: any) => Buffer.from(r.kinesis.data, 'base64').toString('utf8');

test('records reach the function in order, in the Kinesis event shape; defaults and validation as AWS', async () => {
  const arn = await stream('ks-shape');
  await createFn(lambda, roleArn, 'ks-ok', { 'index.js': LOGGER });
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-ok', EventSourceArn: arn })), 'InvalidParameterValueException', 400);
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-ok', EventSourceArn: arn, StartingPosition: 'AT_TIMESTAMP' })),
    'InvalidParameterValueException', 400);
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-ok', EventSourceArn: arn, StartingPosition: 'LATEST',
    ScalingConfig: { MaximumConcurrency: 5 } })), 'InvalidParameterValueException', 400);
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-ok', EventSourceArn: arn, StartingPosition: 'LATEST', Topics: ['orders'] })),
    'InvalidParameterValueException', 400);
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-ok', EventSourceArn: arn, StartingPosition: 'LATEST',
    DestinationConfig: { OnFailure: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:ks-ok' } } })), 'InvalidParameterValueException', 400);
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-ok', EventSourceArn: ARN('nope'), StartingPosition: 'LATEST' })),
    'InvalidParameterValueException', 400);
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-ok', EventSourceArn: arn, StartingPosition: 'LATEST', ParallelizationFactor: 11 })),
    'ValidationException', 400);
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-ok', EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON' }));
  assert.equal(m.State, 'Creating');
  assert.equal(m.BatchSize, 100);
  assert.equal(m.MaximumBatchingWindowInSeconds, 0);
  assert.equal(m.ParallelizationFactor, 1);
  assert.equal(m.MaximumRetryAttempts, -1);
  assert.equal(m.MaximumRecordAgeInSeconds, -1);
  assert.equal(m.BisectBatchOnFunctionError, false);
  assert.equal(m.TumblingWindowInSeconds, 0);
  assert.deepEqual(m.DestinationConfig, { OnFailure: {} });
  assert.equal(m.EventSourceArn, arn);
  await put('ks-shape', 'a', { n: 1 });
  await put('ks-shape', 'b', { n: 2 });
  await put('ks-shape', 'a', 'plain text');
  const evs = await poll(() => events('ks-ok'), (e) => e.flatMap((x) => x.Records).length >= 3);
  const recs = evs.flatMap((x) => x.Records);
  assert.deepEqual(recs.map(decoded), ['{"n":1}', '{"n":2}', 'plain text']);
  const r0 = recs[0];
  assert.deepEqual(Object.keys(r0), ['kinesis', 'eventSource', 'eventVersion', 'eventID', 'eventName', 'invokeIdentityArn', 'awsRegion', 'eventSourceARN']);
  assert.deepEqual(Object.keys(r0.kinesis), ['kinesisSchemaVersion', 'partitionKey', 'sequenceNumber', 'data', 'approximateArrivalTimestamp']);
  assert.equal(r0.kinesis.kinesisSchemaVersion, '1.0');
  assert.equal(r0.kinesis.partitionKey, 'a');
  assert.equal(typeof r0.kinesis.approximateArrivalTimestamp, 'number');
  assert.ok(Math.abs(r0.kinesis.approximateArrivalTimestamp * 1000 - n.clock.now().getTime()) < 3_600_000, 'epoch seconds');
  assert.equal(r0.eventSource, 'aws:kinesis');
  assert.equal(r0.eventVersion, '1.0');
  assert.equal(r0.eventName, 'aws:kinesis:record');
  assert.equal(r0.eventID, `shardId-000000000000:${r0.kinesis.sequenceNumber}`);
  assert.equal(r0.invokeIdentityArn, roleArn);
  assert.equal(r0.awsRegion, 'us-east-1');
  assert.equal(r0.eventSourceARN, arn);
  assert.ok(BigInt(recs[0].kinesis.sequenceNumber) < BigInt(recs[1].kinesis.sequenceNumber));
  const g = await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID }));
  assert.equal(g.State, 'Enabled');
  assert.equal(g.LastProcessingResult, 'OK');
  await rejects(lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, ScalingConfig: { MaximumConcurrency: 2 } })), 'InvalidParameterValueException', 400);
  const u = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, BatchSize: 500, ParallelizationFactor: 2 }));
  assert.equal(u.State, 'Updating');
  assert.equal(u.BatchSize, 500);
  assert.equal(u.ParallelizationFactor, 2);
  assert.equal(u.StartingPosition, 'TRIM_HORIZON');
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('a failing batch: bisected, retried MaximumRetryAttempts times, then the OnFailure queue gets KinesisBatchInfo', async () => {
  const arn = await stream('ks-fail');
  const q = (await sqs.send(new CreateQueueCommand({ QueueName: 'ks-failures' }))).QueueUrl!;
  // Fails on any batch holding "bad": bisecting isolates it, the good halves go through.
  await createFn(lambda, roleArn, 'ks-fail', { 'index.js': `exports.handler = async (e) => {
  console.log("EVENT " + JSON.stringify(e));
  if (e.Records.some((r) => Buffer.from(r.kinesis.data, 'base64').toString() === 'bad')) throw new Error('x');
};` });
  for (const d of ['g1', 'g2', 'bad', 'g3']) await put('ks-fail', 'k', d);
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-fail', EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON',
    MaximumRetryAttempts: 1, BisectBatchOnFunctionError: true, DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:ks-failures' } } }));
  let msg;
  for (let i = 0; i < 150 && !msg; i++) {
    msg = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, WaitTimeSeconds: 0 }))).Messages?.[0];
    if (!msg) { n.clock.advance('PT1S'); await sleep(75); }
  }
  assert.ok(msg, 'a failure record arrives');
  const rec = JSON.parse(msg.Body!);
  assert.equal(rec.version, '1.0');
  assert.equal(rec.requestContext.condition, 'RetryAttemptsExhausted');
  assert.equal(rec.requestContext.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:ks-fail');
  assert.deepEqual(rec.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  const info = rec.KinesisBatchInfo;
  assert.equal(info.batchSize, 1, 'bisected down to the bad record');
  assert.equal(info.streamArn, arn);
  assert.equal(info.shardId, 'shardId-000000000000');
  assert.equal(info.startSequenceNumber, info.endSequenceNumber);
  assert.match(info.approximateArrivalOfFirstRecord, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // The record after the bad one is invoked once the bad one is given up on: poll for it.
  let seen: string[] = [];
  for (let i = 0; i < 100; i++) {
    seen = (await events('ks-fail')).map((e) => e.Records.map(decoded).join(','));
    if (seen.includes('g3')) break;
    n.clock.advance('PT1S'); await sleep(50);
  }
  assert.ok(seen.includes('g1,g2'), `the good half went through: ${seen}`);
  assert.ok(seen.includes('g3'), `records after the bad one went through: ${seen}`);
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('an S3 on-failure destination gets the record with the payload, under aws/lambda/<uuid>/<shard>/', async () => {
  const arn = await stream('ks-s3');
  const s3 = new S3Client({ ...sdk(n), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'ks-failed' }));
  await createFn(lambda, roleArn, 'ks-s3', { 'index.js': 'exports.handler = async () => { throw new Error("no"); };' });
  await put('ks-s3', 'k', 'lost');
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-s3', EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON',
    MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: 'arn:aws:s3:::ks-failed' } } }));
  const list = await poll(() => s3.send(new ListObjectsV2Command({ Bucket: 'ks-failed' })), (r) => (r.KeyCount ?? 0) > 0, 15_000, 'PT1S');
  const key = list.Contents![0].Key!;
  assert.match(key, new RegExp(`^aws/lambda/${m.UUID}/shardId-000000000000/\\d{4}/\\d\\d/\\d\\d/\\d{4}-\\d\\d-\\d\\dT\\d\\d\\.\\d\\d\\.\\d\\d-`));
  const body = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: 'ks-failed', Key: key }))).Body!.transformToString());
  assert.equal(body.KinesisBatchInfo.batchSize, 1);
  assert.equal(body.requestContext.approximateInvokeCount, 1);
  assert.equal(JSON.parse(body.payload).Records[0].kinesis.partitionKey, 'k');
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('ReportBatchItemFailures resumes from the lowest failed record; FilterCriteria matches the decoded JSON data', async () => {
  const arn = await stream('ks-partial');
  await createFn(lambda, roleArn, 'ks-partial', { 'index.js': `let failed = false;
exports.handler = async (e) => {
  console.log("EVENT " + JSON.stringify(e));
  const bad = e.Records.find((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64')).id === 2);
  if (bad && !failed) { failed = true; return { batchItemFailures: [{ itemIdentifier: bad.kinesis.sequenceNumber }] }; }
  return { batchItemFailures: [] };
};` });
  for (const [id, t] of [[1, 20], [2, 25], [3, 5], [4, 30]]) await put('ks-partial', 'k', { id, temperature: t });
  await put('ks-partial', 'k', 'not json');
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-partial', EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON',
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { temperature: [{ numeric: ['>', 10] }] } }) }] } }));
  const evs = await poll(() => events('ks-partial'), (e) => e.length >= 2, 15_000, 'PT1S');
  const ids = evs.map((e) => e.Records.map((r: any) => JSON.parse(decoded(r)).id));
  assert.deepEqual(ids[0], [1, 2, 4], 'records not matching the filter (and non-JSON data) are not sent');
  assert.deepEqual(ids[1], [2, 4], 'the retry starts at the failed record');
  await sleep(500);
  assert.equal((await events('ks-partial')).length, 2);
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('LATEST skips what came before; AT_TIMESTAMP starts at the time given', async () => {
  const arn = await stream('ks-pos');
  await put('ks-pos', 'k', 'old');
  n.clock.advance('PT10S');
  const cut = new Date(n.clock.now());
  n.clock.advance('PT1S');
  await put('ks-pos', 'k', 'new');
  await createFn(lambda, roleArn, 'ks-latest', { 'index.js': LOGGER });
  await createFn(lambda, roleArn, 'ks-at', { 'index.js': LOGGER });
  const latest = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-latest', EventSourceArn: arn, StartingPosition: 'LATEST' }));
  const at = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-at', EventSourceArn: arn, StartingPosition: 'AT_TIMESTAMP',
    StartingPositionTimestamp: cut }));
  assert.equal(at.StartingPosition, 'AT_TIMESTAMP');
  assert.equal(at.StartingPositionTimestamp?.getTime(), cut.getTime());
  await poll(() => lambda.send(new GetEventSourceMappingCommand({ UUID: latest.UUID })), (x) => x.State === 'Enabled');
  await sleep(600); // the poller takes its LATEST position
  await put('ks-pos', 'k', 'newest');
  const a = await poll(() => events('ks-at'), (e) => e.flatMap((x) => x.Records).length >= 2);
  assert.deepEqual(a.flatMap((x) => x.Records).map(decoded), ['new', 'newest']);
  const l = await poll(() => events('ks-latest'), (e) => e.length >= 1);
  assert.deepEqual(l.flatMap((x) => x.Records).map(decoded), ['newest']);
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: latest.UUID }));
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: at.UUID }));
});

test('after a split the parent shard is finished before its children', async () => {
  const arn = await stream('ks-split');
  // The function is slow on the parent's records, so children would overtake them if read early.
  await createFn(lambda, roleArn, 'ks-split', { 'index.js': `exports.handler = async (e) => {
  if (e.Records.some((r) => r.eventID.startsWith('shardId-000000000000'))) await new Promise((ok) => setTimeout(ok, 300));
  console.log("EVENT " + JSON.stringify(e));
};` });
  for (let i = 0; i < 3; i++) await put('ks-split', 'same-key', `before-${i}`);
  await kinesis.send(new SplitShardCommand({ StreamName: 'ks-split', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (1n << 127n).toString() }));
  n.clock.advance('PT2S');
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: 'ks-split' }))).Shards!;
  assert.equal(shards.length, 3);
  for (let i = 0; i < 3; i++) await put('ks-split', 'same-key', `after-${i}`);
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-split', EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON', BatchSize: 1 }));
  const evs = await poll(() => events('ks-split'), (e) => e.length >= 6);
  const order = evs.flatMap((e) => e.Records.map(decoded));
  assert.deepEqual(order, ['before-0', 'before-1', 'before-2', 'after-0', 'after-1', 'after-2']);
  assert.ok(evs[3].Records[0].eventID.startsWith('shardId-00000000000'));
  assert.notEqual(evs[3].Records[0].eventID.split(':')[0], 'shardId-000000000000');
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('ParallelizationFactor: concurrent batches per shard, each partition key in order', async () => {
  const arn = await stream('ks-par');
  await createFn(lambda, roleArn, 'ks-par', { 'index.js': LOGGER });
  for (let i = 0; i < 12; i++) await put('ks-par', `key-${i % 4}`, { k: `key-${i % 4}`, i });
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-par', EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON',
    ParallelizationFactor: 4, BatchSize: 100 }));
  assert.equal(m.ParallelizationFactor, 4);
  const evs = await poll(() => events('ks-par'), (e) => e.flatMap((x) => x.Records).length >= 12);
  assert.ok(evs.length > 1, 'the shard\'s records went out in more than one concurrent batch');
  const all = evs.flatMap((e) => e.Records.map((r: any) => JSON.parse(decoded(r))));
  assert.equal(all.length, 12);
  for (let k = 0; k < 4; k++) {
    const mine = all.filter((x) => x.k === `key-${k}`).map((x) => x.i);
    assert.deepEqual(mine, [...mine].sort((a, b) => a - b), `key-${k} in order`);
    // One key's records all go to the same concurrent batch.
    assert.equal(new Set(evs.filter((e) => e.Records.some((r: any) => r.kinesis.partitionKey === `key-${k}`))).size, 1);
  }
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('an enhanced fan-out consumer ARN; the aws CLI creates and reads a Kinesis mapping', async () => {
  const arn = await stream('ks-efo');
  const c = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'lambda' }));
  n.clock.advance('PT2S');
  await createFn(lambda, roleArn, 'ks-efo', { 'index.js': LOGGER });
  const r = await aws(n, ['lambda', 'create-event-source-mapping', '--function-name', 'ks-efo', '--event-source-arn', c.Consumer!.ConsumerARN!,
    '--starting-position', 'TRIM_HORIZON', '--batch-size', '10', '--region', 'us-east-1']);
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  assert.equal(m.EventSourceArn, c.Consumer!.ConsumerARN);
  assert.equal(m.BatchSize, 10);
  assert.equal(m.StartingPosition, 'TRIM_HORIZON');
  await put('ks-efo', 'p', 'via consumer');
  const evs = await poll(() => events('ks-efo'), (e) => e.length >= 1);
  assert.equal(decoded(evs[0].Records[0]), 'via consumer');
  assert.equal(evs[0].Records[0].eventSourceARN, arn);
  const bad = await aws(n, ['lambda', 'create-event-source-mapping', '--function-name', 'ks-efo', '--event-source-arn', arn, '--region', 'us-east-1']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /InvalidParameterValueException/);
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('TumblingWindowInSeconds: state carried across invocations, a final invocation at the window\'s end', async () => {
  // Start just after a minute boundary so both records fall in one 60-second window.
  n.clock.set(new Date(Math.ceil(n.clock.now().getTime() / 60_000) * 60_000 + 60_000 + 5_000));
  const arn = await stream('ks-window');
  await createFn(lambda, roleArn, 'ks-window', { 'index.js': `exports.handler = async (e) => {
  console.log("EVENT " + JSON.stringify(e));
  if (e.isFinalInvokeForWindow) return {};
  return { state: { count: (e.state.count ?? 0) + e.Records.length } };
};` });
  await put('ks-window', 'k', 'a');
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-window', EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON',
    TumblingWindowInSeconds: 60 }));
  assert.equal(m.TumblingWindowInSeconds, 60);
  await poll(() => events('ks-window'), (e) => e.length >= 1);
  await put('ks-window', 'k', 'b');
  let evs = await poll(() => events('ks-window'), (e) => e.length >= 2);
  assert.equal(evs[0].shardId, 'shardId-000000000000');
  assert.equal(evs[0].eventSourceARN, arn);
  assert.equal(evs[0].isFinalInvokeForWindow, false);
  assert.equal(evs[0].isWindowTerminatedEarly, false);
  assert.deepEqual(evs[0].state, {});
  assert.match(evs[0].window.start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
  assert.equal(Date.parse(evs[0].window.end) - Date.parse(evs[0].window.start), 60_000);
  assert.deepEqual(evs[1].state, { count: 1 }, 'the state the first invocation returned');
  assert.deepEqual(evs[1].Records.map(decoded), ['b']);
  n.clock.advance('PT60S');
  evs = await poll(() => events('ks-window'), (e) => e.length >= 3);
  assert.equal(evs[2].isFinalInvokeForWindow, true);
  assert.deepEqual(evs[2].Records, []);
  assert.deepEqual(evs[2].state, { count: 2 });
  await put('ks-window', 'k', 'c');
  evs = await poll(() => events('ks-window'), (e) => e.length >= 4);
  assert.deepEqual(evs[3].state, {}, 'a new window starts with a fresh state');
  assert.equal(evs[3].window.start, evs[0].window.end, 'the next window');
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('MaximumRecordAgeInSeconds: records older than the limit are skipped and reported', async () => {
  const arn = await stream('ks-age');
  await sqs.send(new CreateQueueCommand({ QueueName: 'ks-age-failures' }));
  await createFn(lambda, roleArn, 'ks-age', { 'index.js': LOGGER });
  await put('ks-age', 'k', 'stale');
  n.clock.advance('PT2M');
  await put('ks-age', 'k', 'fresh');
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-age', EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON',
    MaximumRecordAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:ks-age-failures' } } }));
  await rejects(lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, MaximumRecordAgeInSeconds: 30 })), 'InvalidParameterValueException', 400);
  const evs = await poll(() => events('ks-age'), (e) => e.length >= 1);
  assert.deepEqual(evs.flatMap((e) => e.Records.map(decoded)), ['fresh']);
  const q = (await sqs.send(new CreateQueueCommand({ QueueName: 'ks-age-failures' }))).QueueUrl!;
  const msg = (await poll(() => sqs.send(new ReceiveMessageCommand({ QueueUrl: q, WaitTimeSeconds: 0 })), (r) => !!r.Messages?.length)).Messages![0];
  const rec = JSON.parse(msg.Body!);
  assert.equal(rec.requestContext.condition, 'RecordAgeExceeded');
  assert.equal(rec.requestContext.approximateInvokeCount, 0);
  assert.equal(rec.responseContext, undefined);
  assert.equal(rec.KinesisBatchInfo.batchSize, 1);
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('shards are independent: a batch retried on one shard holds up no other', async () => {
  const arn = await stream('ks-two', 2);
  await createFn(lambda, roleArn, 'ks-two', { 'index.js': `exports.handler = async (e) => {
  console.log("EVENT " + JSON.stringify(e));
  if (e.Records.some((r) => Buffer.from(r.kinesis.data, 'base64').toString() === 'stuck')) throw new Error('retry me');
};` });
  const at = (data: string, hash: bigint) => kinesis.send(new PutRecordCommand({ StreamName: 'ks-two', PartitionKey: 'p', ExplicitHashKey: hash.toString(), Data: Buffer.from(data) }));
  await at('stuck', 0n);
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ks-two', EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON' }));
  await poll(() => events('ks-two'), (e) => e.length >= 1);
  await at('free', (1n << 127n) + 1n);
  // The stuck batch retries forever (MaximumRetryAttempts -1): wait for a retry and the free record.
  const stuckCount = (e: any[]) => e.filter((x) => decoded(x.Records[0]) === 'stuck').length;
  const evs = await poll(() => events('ks-two'),
    (e) => stuckCount(e) >= 2 && e.some((x) => x.Records.some((r: any) => decoded(r) === 'free')), 15_000, 'PT1S');
  const free = evs.find((x) => x.Records.some((r: any) => decoded(r) === 'free'));
  assert.ok(free, 'the other shard\'s record went through while the first shard retries');
  assert.equal(free.Records[0].eventID.split(':')[0], 'shardId-000000000001');
  assert.ok(stuckCount(evs) >= 2, 'the stuck batch is being retried');
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});
