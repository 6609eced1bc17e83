// The Kinesis side of a stream event source mapping: shards from ListShards (paged, closed
// parents included so they are finished before their children), iterators and records from
// the Kinesis API, records shaped as the Lambda event carries them ("Using AWS Lambda with
// Amazon Kinesis", docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html): a kinesis
// object {kinesisSchemaVersion, partitionKey, sequenceNumber, data (base64),
// approximateArrivalTimestamp (epoch seconds)}, eventSource aws:kinesis, eventID
// "<shardId>:<sequenceNumber>", eventName aws:kinesis:record, the function's role as
// invokeIdentityArn. A mapping on an enhanced fan-out consumer reads the consumer's stream.
import { clock } from '../../core/clock-instance.js';
import type { EsmRec } from './state.js';
import { st } from './common.js';
import { allPages, pollerCall, type PolledRecord, type SourceShard, type StartPosition, type StreamSource } from './esm-streams.js';

interface KinesisRecord { SequenceNumber: string; ApproximateArrivalTimestamp?: Date | number | string; Data: Uint8Array | string; PartitionKey: string }

const ms = (t: Date | number | string | undefined, fallback: number) =>
  t instanceof Date ? t.getTime() : typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : fallback;

/** The stream an ARN names: a stream ARN itself, or the stream of a consumer ARN (stream/<name>/consumer/<consumer>:<ts>). */
export const kinesisStreamArn = (arn: string) => arn.replace(/\/consumer\/.*$/, '');

export function kinesisSource(rec: EsmRec): StreamSource {
  const streamArn = kinesisStreamArn(String(rec.config.EventSourceArn));
  const [, , , region, accountId] = streamArn.split(':');
  const scope = { accountId, region };
  const call = <T>(op: string, input: Record<string, unknown>) => pollerCall<T>(rec, 'kinesis', op, input, scope);
  type Page = { Shards?: SourceShard[]; NextToken?: string };
  const page = (r: Page) => ({ items: r.Shards ?? [], next: r.NextToken });
  const role = () => st(rec).functions.get(rec.function)?.latest.Role;
  return {
    streamArn,
    filterKind: 'kinesis',
    maxRead: 10_000,
    shards: () => allPages(async () => page(await call<Page>('ListShards', { StreamARN: streamArn })),
      async (token) => page(await call<Page>('ListShards', { NextToken: token }))),
    async iterator(shardId: string, at: StartPosition) {
      const r = await call<{ ShardIterator?: string }>('GetShardIterator', {
        StreamARN: streamArn, ShardId: shardId, ShardIteratorType: at.type,
        ...(at.type === 'AFTER_SEQUENCE_NUMBER' ? { StartingSequenceNumber: at.seq } : {}),
        ...(at.type === 'AT_TIMESTAMP' ? { Timestamp: new Date(at.timestamp) } : {}),
      });
      return r.ShardIterator;
    },
    async read(shardId: string, iterator: string, limit: number) {
      const r = await call<{ Records?: KinesisRecord[]; NextShardIterator?: string }>('GetRecords', { ShardIterator: iterator, Limit: limit, StreamARN: streamArn });
      const invokeIdentityArn = role();
      const records: PolledRecord[] = (r.Records ?? []).map((x) => {
        const arrival = ms(x.ApproximateArrivalTimestamp, clock.now());
        return {
          seq: x.SequenceNumber,
          arrivalMs: arrival,
          key: x.PartitionKey,
          event: {
            kinesis: {
              kinesisSchemaVersion: '1.0',
              partitionKey: x.PartitionKey,
              sequenceNumber: x.SequenceNumber,
              data: typeof x.Data === 'string' ? x.Data : Buffer.from(x.Data).toString('base64'),
              approximateArrivalTimestamp: arrival / 1000,
            },
            eventSource: 'aws:kinesis',
            eventVersion: '1.0',
            eventID: `${shardId}:${x.SequenceNumber}`,
            eventName: 'aws:kinesis:record',
            invokeIdentityArn,
            awsRegion: region,
            eventSourceARN: streamArn,
          },
        };
      });
      return { records, next: r.NextShardIterator };
    },
    // "Retaining records from discarded batches for a Kinesis event source"
    // (docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html).
    batchInfo: (shardId, batch) => ({
      KinesisBatchInfo: {
        shardId,
        startSequenceNumber: batch[0].seq,
        endSequenceNumber: batch.at(-1)!.seq,
        approximateArrivalOfFirstRecord: new Date(batch[0].arrivalMs).toISOString(),
        approximateArrivalOfLastRecord: new Date(batch.at(-1)!.arrivalMs).toISOString(),
        batchSize: batch.length,
        streamArn,
      },
    }),
  };
}
