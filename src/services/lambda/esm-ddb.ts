// The DynamoDB Streams side of a stream event source mapping: shards from DescribeStream
// (paged), iterators and records from the DynamoDB Streams API, records shaped as the Lambda
// event carries them ("Using AWS Lambda with Amazon DynamoDB", with-ddb.html): the stream
// record with eventSource aws:dynamodb, binary values base64, timestamps in epoch seconds.
import { clock } from '../../core/clock-instance.js';
import type { EsmRec } from './state.js';
import { allPages, isoSeconds, pollerCall, type PolledRecord, type SourceShard, type StartPosition, type StreamSource } from './esm-streams.js';

interface DdbRecord { eventID: string; eventName: string; eventVersion?: string; eventSource?: string; awsRegion?: string;
  dynamodb: { SequenceNumber: string; Keys?: unknown; ApproximateCreationDateTime?: Date | number | string; [k: string]: unknown }; userIdentity?: unknown }

/** JSON as the Lambda event carries it: binary attribute values base64, timestamps in epoch seconds. */
const toEventJson = (v: unknown): unknown => {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return v.getTime() / 1000;
  if (Array.isArray(v)) return v.map(toEventJson);
  if (v && typeof v === 'object') {
    if (v instanceof Set) return [...v].map(toEventJson);
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = toEventJson(x);
    return o;
  }
  return v;
};

const arrivalMs = (r: DdbRecord): number => {
  const t = r.dynamodb.ApproximateCreationDateTime;
  return t instanceof Date ? t.getTime() : typeof t === 'number' ? (t < 1e12 ? t * 1000 : t) : typeof t === 'string' ? Date.parse(t) : clock.now();
};

export function dynamodbSource(rec: EsmRec): StreamSource {
  const streamArn = String(rec.config.EventSourceArn);
  const [, , , region, accountId] = streamArn.split(':');
  const scope = { accountId, region };
  const call = <T>(op: string, input: Record<string, unknown>) => pollerCall<T>(rec, 'dynamodbstreams', op, input, scope);
  type Page = { StreamDescription: { Shards?: SourceShard[]; LastEvaluatedShardId?: string } };
  const page = (r: Page) => ({ items: r.StreamDescription.Shards ?? [], next: r.StreamDescription.LastEvaluatedShardId });
  return {
    streamArn,
    filterKind: 'dynamodb',
    maxRead: 1000,
    shards: () => allPages(async () => page(await call<Page>('DescribeStream', { StreamArn: streamArn })),
      async (after) => page(await call<Page>('DescribeStream', { StreamArn: streamArn, ExclusiveStartShardId: after }))),
    async iterator(shardId: string, at: StartPosition) {
      // DynamoDB Streams has no AT_TIMESTAMP (Create refuses it for this source).
      const type = at.type === 'AT_TIMESTAMP' ? 'TRIM_HORIZON' : at.type;
      const r = await call<{ ShardIterator?: string }>('GetShardIterator', {
        StreamArn: streamArn, ShardId: shardId, ShardIteratorType: type, ...(at.type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: at.seq } : {}),
      });
      return r.ShardIterator;
    },
    async read(_shardId: string, iterator: string, limit: number) {
      const r = await call<{ Records?: DdbRecord[]; NextShardIterator?: string }>('GetRecords', { ShardIterator: iterator, Limit: limit });
      const records: PolledRecord[] = (r.Records ?? []).map((x) => ({
        seq: x.dynamodb.SequenceNumber,
        arrivalMs: arrivalMs(x),
        key: JSON.stringify(toEventJson(x.dynamodb.Keys ?? null)),
        event: toEventJson({ ...x, eventSource: 'aws:dynamodb', eventVersion: x.eventVersion ?? '1.1', awsRegion: x.awsRegion ?? region,
          eventSourceARN: streamArn }) as Record<string, unknown>,
      }));
      return { records, next: r.NextShardIterator };
    },
    // "Retaining discarded batches for a DynamoDB event source" (with-ddb.html).
    batchInfo: (shardId, batch) => ({
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: batch[0].seq,
        endSequenceNumber: batch.at(-1)!.seq,
        approximateArrivalOfFirstRecord: isoSeconds(batch[0].arrivalMs),
        approximateArrivalOfLastRecord: isoSeconds(batch.at(-1)!.arrivalMs),
        batchSize: batch.length,
        streamArn,
      },
    }),
  };
}
