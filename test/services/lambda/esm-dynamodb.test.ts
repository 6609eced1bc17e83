// Event source mappings on DynamoDB Streams: records reach the function in order with the
// DynamoDB event shape; a failing batch is retried MaximumRetryAttempts times and then
// described to the OnFailure queue (DDBStreamBatchInfo); ReportBatchItemFailures resumes from
// the lowest failed sequence number; LATEST skips what was written before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  LambdaClient, CreateEventSourceMappingCommand, GetEventSourceMappingCommand, DeleteEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { DynamoDBClient, CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBStreamsClient, DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, loggedEvents, role, sleep, until } from './util.js';

let n: Nimbus;
let lambda: LambdaClient;
let ddb: DynamoDBClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;
let roleArn: string;
before(async () => {
  n = await nimbus();
  lambda = new LambdaClient(sdk(n)); ddb = new DynamoDBClient(sdk(n)); sqs = new SQSClient(sdk(n)); logs = new CloudWatchLogsClient(sdk(n));
  roleArn = await role(n);
});
after(async () => { n.reset(); await n.stop(); });

const events = (fn: string) => loggedEvents(logs, fn);
async function table(name: string): Promise<string> {
  const t = await ddb.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }));
  return t.TableDescription!.LatestStreamArn!;
}
const put = (t: string, pk: string, extra: Record<string, any> = {}) =>
  ddb.send(new PutItemCommand({ TableName: t, Item: { pk: { S: pk }, ...extra } }));

test('stream records reach the function in order, with the DynamoDB event shape', async () => {
  const stream = await table('orders');
  await createFn(lambda, roleArn, 'ddb-ok', { 'index.js': 'exports.handler = async (e) => { console.log("EVENT " + JSON.stringify(e)); };' });
  await rejects(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ddb-ok', EventSourceArn: stream })), 'InvalidParameterValueException', 400);
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ddb-ok', EventSourceArn: stream, StartingPosition: 'TRIM_HORIZON', BatchSize: 10 }));
  assert.equal(m.StartingPosition, 'TRIM_HORIZON');
  assert.equal(m.MaximumRetryAttempts, -1);
  assert.equal(m.MaximumRecordAgeInSeconds, -1);
  assert.equal(m.BisectBatchOnFunctionError, false);
  assert.equal(m.ParallelizationFactor, 1);
  assert.deepEqual(m.DestinationConfig, { OnFailure: {} });
  await put('orders', 'a', { n: { N: '1' }, b: { B: Buffer.from('hi') } });
  await put('orders', 'a', { n: { N: '2' } });
  await put('orders', 'b');
  const evs = await until(() => events('ddb-ok'), (e) => e.flatMap((x) => x.Records).length >= 3);
  const recs = evs.flatMap((x) => x.Records);
  assert.deepEqual(recs.map((r) => [r.eventName, r.dynamodb.Keys.pk.S]), [['INSERT', 'a'], ['MODIFY', 'a'], ['INSERT', 'b']]);
  const r0 = recs[0];
  assert.equal(r0.eventSource, 'aws:dynamodb');
  assert.equal(r0.eventSourceARN, stream);
  assert.equal(r0.awsRegion, 'us-east-1');
  assert.ok(r0.eventID);
  assert.ok(r0.eventVersion);
  assert.equal(typeof r0.dynamodb.ApproximateCreationDateTime, 'number', 'epoch seconds');
  assert.equal(r0.dynamodb.NewImage.b.B, Buffer.from('hi').toString('base64'));
  assert.equal(r0.dynamodb.StreamViewType, 'NEW_AND_OLD_IMAGES');
  assert.deepEqual(recs[1].dynamodb.OldImage.n, { N: '1' });
  assert.ok(BigInt(recs[0].dynamodb.SequenceNumber) < BigInt(recs[1].dynamodb.SequenceNumber));
  const g = await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID }));
  assert.equal(g.LastProcessingResult, 'OK');
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('a failing batch: retried MaximumRetryAttempts times, then the OnFailure queue gets DDBStreamBatchInfo', async () => {
  const stream = await table('failing');
  const q = (await sqs.send(new CreateQueueCommand({ QueueName: 'ddb-failures' }))).QueueUrl!;
  await createFn(lambda, roleArn, 'ddb-fail', { 'index.js': 'exports.handler = async (e) => { console.log("EVENT " + JSON.stringify(e)); throw new Error("x"); };' });
  await put('failing', 'k1');
  await put('failing', 'k2');
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ddb-fail', EventSourceArn: stream, StartingPosition: 'TRIM_HORIZON',
    MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:ddb-failures' } } }));
  let msg;
  for (let i = 0; i < 100 && !msg; i++) {
    msg = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, WaitTimeSeconds: 0 }))).Messages?.[0];
    if (!msg) { n.clock.advance('PT1S'); await sleep(100); }
  }
  assert.ok(msg, 'a failure record arrives');
  const rec = JSON.parse(msg.Body!);
  assert.equal(rec.version, '1.0');
  assert.equal(rec.requestContext.condition, 'RetryAttemptsExhausted');
  assert.equal(rec.requestContext.approximateInvokeCount, 2);
  assert.equal(rec.requestContext.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:ddb-fail');
  assert.deepEqual(rec.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  const info = rec.DDBStreamBatchInfo;
  assert.equal(info.batchSize, 2);
  assert.equal(info.streamArn, stream);
  assert.match(info.shardId, /^shardId-/);
  assert.ok(BigInt(info.startSequenceNumber) < BigInt(info.endSequenceNumber));
  assert.match(info.approximateArrivalOfFirstRecord, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal((await events('ddb-fail')).length, 2, 'one try and one retry');
  // The position moved past the batch: a new record is delivered on its own.
  await put('failing', 'k3');
  const evs = await until(() => events('ddb-fail'), (e) => e.length >= 3);
  assert.deepEqual(evs[2].Records.map((r: any) => r.dynamodb.Keys.pk.S), ['k3']);
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('ReportBatchItemFailures resumes from the lowest failed sequence number; LATEST skips older records', async () => {
  const stream = await table('partial');
  await put('partial', 'before-mapping');
  await createFn(lambda, roleArn, 'ddb-partial', { 'index.js': `let failed = false;
exports.handler = async (e) => {
  console.log("EVENT " + JSON.stringify(e));
  const bad = e.Records.find((r) => r.dynamodb.Keys.pk.S === "p2");
  if (bad && !failed) { failed = true; return { batchItemFailures: [{ itemIdentifier: bad.dynamodb.SequenceNumber }] }; }
  return { batchItemFailures: [] };
};` });
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ddb-partial', EventSourceArn: stream, StartingPosition: 'LATEST',
    FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 10, MaximumBatchingWindowInSeconds: 1 }));
  await until(() => lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID })), (x) => x.State === 'Enabled');
  await sleep(600); // the poller takes its LATEST position
  await put('partial', 'p1');
  await put('partial', 'p2');
  await put('partial', 'p3');
  n.clock.advance('PT2S');
  let evs: any[] = [];
  for (let i = 0; i < 100 && evs.length < 2; i++) { evs = await events('ddb-partial'); if (evs.length < 2) { n.clock.advance('PT1S'); await sleep(100); } }
  const keys = evs.map((e) => e.Records.map((r: any) => r.dynamodb.Keys.pk.S));
  assert.deepEqual(keys[0], ['p1', 'p2', 'p3'], 'LATEST: the record written before the mapping is not delivered');
  assert.deepEqual(keys[1], ['p2', 'p3'], 'the retry starts at the failed record');
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});

test('shards roll over: the mapping finishes the old shard, then follows its child', async () => {
  const stream = await table('rolling');
  await createFn(lambda, roleArn, 'ddb-roll', { 'index.js': 'exports.handler = async (e) => { console.log("EVENT " + JSON.stringify(e)); };' });
  const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ddb-roll', EventSourceArn: stream, StartingPosition: 'TRIM_HORIZON' }));
  await put('rolling', 'r1');
  await until(() => events('ddb-roll'), (e) => e.length >= 1);
  n.clock.advance('PT5H'); // DynamoDB Streams closes a shard and opens its child every few hours
  await put('rolling', 'r2');
  await put('rolling', 'r3');
  const evs = await until(() => events('ddb-roll'), (e) => e.flatMap((x) => x.Records).length >= 3);
  const recs = evs.flatMap((x) => x.Records);
  assert.deepEqual(recs.map((r: any) => r.dynamodb.Keys.pk.S), ['r1', 'r2', 'r3']);
  const shards = (await new DynamoDBStreamsClient(sdk(n)).send(new DescribeStreamCommand({ StreamArn: stream }))).StreamDescription!.Shards!;
  assert.ok(shards.length >= 2 && shards.some((s) => s.ParentShardId), 'the records span a parent shard and its child');
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
});
