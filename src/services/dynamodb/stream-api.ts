// The DynamoDB Streams API over the stream storage in streams.ts: ListStreams, DescribeStream,
// GetShardIterator, GetRecords. These are DynamoDB's internal handlers; the dynamodbstreams
// service (src/services/dynamodbstreams/) answers the Streams endpoint by calling them
// in-process, so both read the one store. Shard iterators are opaque, tamper-checked tokens
// naming the stream, shard, position and issue time; they expire after 15 minutes on the
// clock (API Reference, GetShardIterator).
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { decodeToken, encodeToken } from '../../core/pagination.js';
import type { DynamodbstreamsOperations } from '../../protocols/types/dynamodbstreams.js';
import type { RequestContext } from '../service.js';
import { st } from './common.js';
import type { DynamoState, StoredStreamRecord, StreamRec } from './state.js';
import { counterOf, recordsFrom, seqOf, trim } from './streams.js';
import { type Item, cloneItem, validation } from './values.js';

type In<K extends keyof DynamodbstreamsOperations> = DynamodbstreamsOperations[K]['input'];
type Out<K extends keyof DynamodbstreamsOperations> = DynamodbstreamsOperations[K]['output'];

const ITERATOR_MS = 15 * 60 * 1000;

const streamNotFound = (arn: string) => new ServiceError('ResourceNotFoundException', `Requested resource not found: Stream: ${arn} not found`, 400);
// Wordings observed from DynamoDB Streams (ironSource/node-dynamodb-stream#16, aws/aws-sdk-java#2923).
const shardNotFound = () => new ServiceError('ResourceNotFoundException', 'Requested resource not found: Shard does not exist', 400);
const trimmedAccess = () => new ServiceError('TrimmedDataAccessException', 'The operation attempted to read past the oldest stream record in a shard.', 400);

/** The stream, with records older than 24 h trimmed first; undefined once it is gone. */
function liveStream(s: DynamoState, arn: string): StreamRec | undefined {
  const rec = s.streams.get(arn);
  return rec && trim(s, rec);
}

function allStreams(s: DynamoState): StreamRec[] {
  const out: StreamRec[] = [];
  for (const arn of [...s.streams.keys()]) { const r = liveStream(s, arn); if (r) out.push(r); }
  return out.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}

export function listStreams(ctx: RequestContext, input: In<'ListStreams'>): Out<'ListStreams'> {
  const s = st(ctx);
  let list = allStreams(s);
  if (input.TableName !== undefined) list = list.filter((r) => r.table === input.TableName);
  if (input.ExclusiveStartStreamArn !== undefined) {
    checkArn(input.ExclusiveStartStreamArn);
    const from = input.ExclusiveStartStreamArn;
    list = list.filter((r) => r.arn > from);
  }
  const limit = input.Limit ?? 100;
  if (limit > 100) throw validation(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100`);
  const pageOf = list.slice(0, limit);
  return {
    Streams: pageOf.map((r) => ({ StreamArn: r.arn, TableName: r.table, StreamLabel: r.label })),
    LastEvaluatedStreamArn: list.length > limit ? pageOf[pageOf.length - 1].arn : undefined,
  } as Out<'ListStreams'>;
}

// The shard starts at counter 0 (records are 1, 2, …), so AT_SEQUENCE_NUMBER and
// AFTER_SEQUENCE_NUMBER with the StartingSequenceNumber both read the shard from its start,
// even before its first record (observed behaviour: scylladb test_streams.py, run against AWS).
function shardOf(r: StreamRec) {
  return {
    ShardId: r.shardId,
    SequenceNumberRange: {
      StartingSequenceNumber: seqOf(0),
      // A disabled stream's shard is closed at its last record.
      ...(r.disabledAt !== undefined ? { EndingSequenceNumber: seqOf(r.next - 1) } : {}),
    },
  };
}

/** A StreamArn that is not a stream ARN at all is a ValidationException, an unknown one ResourceNotFound (observed, as above). */
function checkArn(arn: string): void {
  if (!/^arn:aws[\w-]*:dynamodb:[^:]+:\d{12}:table\/[^/]+\/stream\/[^/]+$/.test(arn)) {
    throw validation(`Invalid StreamArn: ${arn}`); // wording unverified
  }
}

export function describeStream(ctx: RequestContext, input: In<'DescribeStream'>): Out<'DescribeStream'> {
  checkArn(input.StreamArn);
  const r = liveStream(st(ctx), input.StreamArn);
  if (!r) throw streamNotFound(input.StreamArn);
  if (input.Limit !== undefined && input.Limit > 100) {
    throw validation(`1 validation error detected: Value '${input.Limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100`);
  }
  // One shard, never split: it has no children (ShardFilter CHILD_SHARDS) and nothing follows it.
  const after = input.ExclusiveStartShardId;
  const shards = (after !== undefined && after >= r.shardId) || input.ShardFilter?.Type === 'CHILD_SHARDS' ? [] : [shardOf(r)];
  return {
    StreamDescription: {
      StreamArn: r.arn,
      StreamLabel: r.label,
      // Tables are ACTIVE at once in Nimbus, so a stream is ENABLED at once (AWS shows ENABLING briefly).
      StreamStatus: r.disabledAt !== undefined ? 'DISABLED' : 'ENABLED',
      StreamViewType: r.viewType,
      CreationRequestDateTime: new Date(r.created),
      TableName: r.table,
      KeySchema: r.keySchema,
      Shards: shards,
    },
  } as Out<'DescribeStream'>;
}

interface IteratorPos { a: string; sh: string; p: number; t: number }

const iteratorOf = (pos: IteratorPos) => encodeToken('ShardIterator', { k: JSON.stringify(pos) });

export function getShardIterator(ctx: RequestContext, input: In<'GetShardIterator'>): Out<'GetShardIterator'> {
  const s = st(ctx);
  checkArn(input.StreamArn);
  const type = input.ShardIteratorType;
  const bySequence = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
  // Observed: a SequenceNumber is required with the *_SEQUENCE_NUMBER types and refused with the others.
  if (bySequence && input.SequenceNumber === undefined) {
    throw validation(`Must specify a SequenceNumber for ShardIteratorType ${type}`); // wording unverified
  }
  if (!bySequence && input.SequenceNumber !== undefined) {
    throw validation(`SequenceNumber can only be specified with ShardIteratorType AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER`); // wording unverified
  }
  const r = liveStream(s, input.StreamArn);
  if (!r) throw streamNotFound(input.StreamArn);
  if (input.ShardId !== r.shardId) throw shardNotFound();
  let p: number;
  if (type === 'TRIM_HORIZON') p = r.trimmed + 1;
  else if (type === 'LATEST') p = r.next;
  else {
    const n = counterOf(input.SequenceNumber!);
    if (n === undefined || n >= r.next) {
      throw validation(`Invalid SequenceNumber ${input.SequenceNumber} for shard ${r.shardId}`); // wording unverified
    }
    if (r.trimmed > 0 && n <= r.trimmed) throw trimmedAccess();
    p = type === 'AT_SEQUENCE_NUMBER' ? Math.max(1, n) : n + 1;
  }
  return { ShardIterator: iteratorOf({ a: r.arn, sh: r.shardId, p, t: clock.now() }) };
}

/** A record as the API returns it: a copy the caller may keep, its time rebuilt from the stored ms (a journal round trip turns a Date into text). */
function copyRecord(x: StoredStreamRecord): Record<string, unknown> {
  const d = x.r.dynamodb as Record<string, unknown>;
  const dynamodb: Record<string, unknown> = { ...d, ApproximateCreationDateTime: new Date(Math.floor(x.at / 1000) * 1000) };
  for (const k of ['Keys', 'NewImage', 'OldImage']) if (d[k]) dynamodb[k] = cloneItem(d[k] as Item);
  return { ...x.r, dynamodb };
}

export function getRecords(ctx: RequestContext, input: In<'GetRecords'>): Out<'GetRecords'> {
  const s = st(ctx);
  const tok = decodeToken('ShardIterator', input.ShardIterator);
  let pos: IteratorPos | undefined;
  try { pos = tok?.k ? JSON.parse(tok.k) as IteratorPos : undefined; } catch { pos = undefined; }
  if (!pos) throw validation('Invalid ShardIterator'); // wording unverified
  const limit = input.Limit ?? 1000;
  if (limit > 1000) {
    throw validation(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  const now = clock.now();
  if (now - pos.t > ITERATOR_MS) {
    // Streams shares Kinesis's wording for an expired iterator.
    throw new ServiceError('ExpiredIteratorException', `Iterator expired. The iterator was created at time ${new Date(pos.t).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_MS} milliseconds.`, 400);
  }
  const r = liveStream(s, pos.a);
  if (!r) throw streamNotFound(pos.a);
  if (pos.sh !== r.shardId) throw shardNotFound();
  if (pos.p <= r.trimmed) throw trimmedAccess();
  const got = recordsFrom(s, r.arn, pos.p, limit);
  const next = got.length ? got[got.length - 1].n + 1 : pos.p;
  // A closed shard read to its end has no next iterator: the client moves on to its children.
  const done = r.disabledAt !== undefined && next >= r.next;
  return {
    Records: got.map(copyRecord),
    NextShardIterator: done ? undefined : iteratorOf({ a: r.arn, sh: r.shardId, p: next, t: now }),
  } as Out<'GetRecords'>;
}
