// Event-stream responses through the official SDKs' own deserializers: S3 SelectObjectContent
// (rest-xml: blob payload, XML payload, empty events), Kinesis SubscribeToShard (awsJson 1.1:
// initial-response, JSON events), Lambda InvokeWithResponseStream (rest-json), and the
// exception and error messages that end a stream after its 200.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Client, SelectObjectContentCommand } from '@aws-sdk/client-s3';
import { KinesisClient, SubscribeToShardCommand } from '@aws-sdk/client-kinesis';
import { LambdaClient, InvokeWithResponseStreamCommand } from '@aws-sdk/client-lambda';
import { restXmlCodec } from '../../src/protocols/rest-xml.js';
import { restJsonCodec } from '../../src/protocols/rest-json.js';
import { jsonCodec } from '../../src/protocols/json.js';
import { eventMessage } from '../../src/protocols/eventstream.js';
import { ServiceError } from '../../src/core/errors.js';
import { Harness, bytesOf } from './sdk-harness.js';

async function* events<T>(list: T[], fail?: ServiceError): AsyncGenerator<T> {
  for (const e of list) yield e;
  if (fail) throw fail;
}

test('S3 SelectObjectContent: Records, Stats, Progress, Cont and End reach the SDK', async () => {
  const h = new Harness(restXmlCodec, 's3', (c) => new S3Client({ ...c, forcePathStyle: true }));
  const cmd = new SelectObjectContentCommand({
    Bucket: 'b', Key: 'k', Expression: 'select * from s3object', ExpressionType: 'SQL',
    InputSerialization: { CSV: {} }, OutputSerialization: { CSV: {} },
  });
  const out = await h.response('SelectObjectContent', {
    Payload: events([
      { Records: { Payload: Buffer.from('a,1\nb,2\n') } },
      { Cont: {} },
      { Progress: { Details: { BytesScanned: 10, BytesProcessed: 10, BytesReturned: 8 } } },
      { Stats: { Details: { BytesScanned: 10, BytesProcessed: 10, BytesReturned: 8 } } },
      { End: {} },
    ]),
  }, cmd);
  const got: Record<string, unknown>[] = [];
  for await (const e of out.Payload as AsyncIterable<Record<string, unknown>>) got.push(e);
  assert.deepEqual(got.map((e) => Object.keys(e)[0]), ['Records', 'Cont', 'Progress', 'Stats', 'End']);
  assert.equal(Buffer.from((got[0].Records as { Payload: Uint8Array }).Payload).toString(), 'a,1\nb,2\n');
  assert.deepEqual((got[3].Stats as { Details: unknown }).Details, { BytesScanned: 10, BytesProcessed: 10, BytesReturned: 8 });
});

test('Kinesis SubscribeToShard: initial-response first, then JSON events with blobs and timestamps', async () => {
  const h = new Harness(jsonCodec, 'kinesis', (c) => new KinesisClient(c));
  const at = new Date('2026-11-26T06:00:00.123Z');
  const out = await h.response('SubscribeToShard', {
    EventStream: events([
      { SubscribeToShardEvent: { Records: [{ SequenceNumber: '4960', Data: Buffer.from('hello'), PartitionKey: 'p', ApproximateArrivalTimestamp: at }], ContinuationSequenceNumber: '4960', MillisBehindLatest: 0 } },
      { SubscribeToShardEvent: { Records: [], ContinuationSequenceNumber: '4961', MillisBehindLatest: 5 } },
    ]),
  }, new SubscribeToShardCommand({ ConsumerARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1', ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } }));
  const got: Record<string, { Records: { Data: Uint8Array; ApproximateArrivalTimestamp: Date }[]; ContinuationSequenceNumber: string; MillisBehindLatest: number }>[] = [];
  for await (const e of out.EventStream as AsyncIterable<typeof got[number]>) got.push(e);
  assert.equal(got.length, 2);
  const first = got[0].SubscribeToShardEvent;
  assert.equal(Buffer.from(first.Records[0].Data).toString(), 'hello');
  assert.equal(first.Records[0].ApproximateArrivalTimestamp.getTime(), at.getTime());
  assert.equal(got[1].SubscribeToShardEvent.ContinuationSequenceNumber, '4961');
  assert.equal(got[1].SubscribeToShardEvent.MillisBehindLatest, 5);
});

test('a modelled exception after the 200 reaches the SDK as that exception', async () => {
  const h = new Harness(jsonCodec, 'kinesis', (c) => new KinesisClient(c));
  const out = await h.response('SubscribeToShard', {
    EventStream: events([{ SubscribeToShardEvent: { Records: [], ContinuationSequenceNumber: '1', MillisBehindLatest: 0 } }],
      new ServiceError('ResourceInUseException', 'Another active subscription exists for this consumer.', 400)),
  }, new SubscribeToShardCommand({ ConsumerARN: 'arn:x', ShardId: 's', StartingPosition: { Type: 'LATEST' } }));
  let seen = 0;
  await assert.rejects(async () => { for await (const _ of out.EventStream as AsyncIterable<unknown>) seen++; },
    (e: Error) => e.name === 'ResourceInUseException' && /Another active subscription/.test(e.message));
  assert.equal(seen, 1);
});

test('Lambda InvokeWithResponseStream: PayloadChunk blobs then InvokeComplete (rest-json)', async () => {
  const h = new Harness(restJsonCodec, 'lambda', (c) => new LambdaClient(c));
  const out = await h.response('InvokeWithResponseStream', {
    StatusCode: 200,
    EventStream: events([
      { PayloadChunk: { Payload: Buffer.from('part one, ') } },
      { PayloadChunk: { Payload: Buffer.from('part two') } },
      { InvokeComplete: { LogResult: 'bG9ncw==' } },
    ]),
  }, new InvokeWithResponseStreamCommand({ FunctionName: 'f' }));
  assert.equal(out.StatusCode, 200);
  let text = ''; let complete: unknown;
  for await (const e of out.EventStream as AsyncIterable<{ PayloadChunk?: { Payload: Uint8Array }; InvokeComplete?: unknown }>) {
    if (e.PayloadChunk) text += Buffer.from(e.PayloadChunk.Payload).toString();
    if (e.InvokeComplete) complete = e.InvokeComplete;
  }
  assert.equal(text, 'part one, part two');
  assert.deepEqual(complete, { LogResult: 'bG9ncw==' });
});

test('frames carry a valid prelude and message CRC (checked byte by byte)', async () => {
  const m = eventMessage([[':event-type', 'End'], [':message-type', 'event']], Buffer.alloc(0));
  const { crc32 } = await import('node:zlib');
  assert.equal(m.readUInt32BE(0), m.length);
  assert.equal(m.readUInt32BE(8), crc32(m.subarray(0, 8)));
  assert.equal(m.readUInt32BE(m.length - 4), crc32(m.subarray(0, m.length - 4)));
  // The body of a whole response is the frames back to back.
  const h = new Harness(restXmlCodec, 's3', (c) => new S3Client({ ...c, forcePathStyle: true }));
  const r = h.codec.encode({ Payload: events([{ End: {} }]) }, h.op('SelectObjectContent'), h.model, { requestId: 'r', service: 's3' });
  assert.equal(r.headers['content-type'], 'application/vnd.amazon.eventstream');
  const bytes = await bytesOf(r.body);
  assert.equal(bytes.readUInt32BE(0), bytes.length);
});
