// The DynamoDB Streams API over the stream storage in streams.ts: ListStreams, DescribeStream,
// GetShardIterator, GetRecords. These are DynamoDB's internal handlers; the dynamodbstreams
// service (src/services/dynamodbstreams/) answers the Streams endpoint by calling them
// in-process, so both read the one store. Shard iterators are opaque, tamper-checked tokens
// naming the stream, shard, position and issue time; they expire after 15 minutes on the
// clock (API Reference, GetShardIterator). GetRecords returns at most 1000 records or 1 MB,
// whichever comes first (API Reference, GetRecords), by binary search into the shard.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { decodeToken, encodeToken } from '../../core/pagination.js';
import type { DynamodbstreamsOperations } from '../../protocols/types/dynamodbstreams.js';
import type { RequestContext } from '../service.js';
import { st } from './common.js';
import { type DynamoState, type ShardRec, type StoredStreamRecord, type StreamRec, lowerBound } from './state.js';
import { counterOf, lastCounterOf, readShard, seqOf, settledStream, shardById, streamStatus } from './streams.js';
import { type Item, cloneItem, validation } from './values.js';

type In<K extends keyof DynamodbstreamsOperations> = DynamodbstreamsOperations[K]['input'];
type Out<K extends keyof DynamodbstreamsOperations> = DynamodbstreamsOperations[K]['output'];

const ITERATOR_MS = 15 * 60 * 1000;
/** GetRecords' cap on the data of one call: "a maximum of 1 MB of data" (API Reference, GetRecords). */
const MAX_RECORDS_BYTES = 1024 * 1024;

const streamNotFound = (arn: string) => new ServiceError('ResourceNotFoundException', `Requested resource not found: Stream: ${arn} not found`, 400);
// Wordings observed from DynamoDB Streams (ironSource/node-dynamodb-stream#16, aws/aws-sdk-java#2923).
const shardNotFound = () => new ServiceError('ResourceNotFoundException', 'Requested resource not found: Shard does not exist', 400);
const trimmedAccess = () => new ServiceError('TrimmedDataAccessException', 'The operation attempted to read past the oldest stream record in a shard.', 400);
const tooHigh = (limit: number, max: number) =>
  validation(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${max}`);

function allStreams(s: DynamoState): StreamRec[] {
  const out: StreamRec[] = [];
  for (const arn of [...s.streams.keys()]) { const r = settledStream(s, arn); if (r) out.push(r); }
  return out.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}

export function listStreams(ctx: RequestContext, input: In<'ListStreams'>): Out<'ListStreams'> {
  const s = st(ctx);
  const limit = input.Limit ?? 100;
  // "The upper limit is 100" (API Reference, ListStreams).
  if (limit > 100) throw tooHigh(limit, 100);
  if (input.ExclusiveStartStreamArn !== undefined) checkArn(input.ExclusiveStartStreamArn);
  let list = allStreams(s);
  if (input.TableName !== undefined) list = list.filter((r) => r.table === input.TableName);
  if (input.ExclusiveStartStreamArn !== undefined) {
    const from = input.ExclusiveStartStreamArn;
    list = list.slice(lowerBound(list, (r) => (r.arn <= from ? -1 : 1)));
  }
  const pageOf = list.slice(0, limit);
  return {
    Streams: pageOf.map((r) => ({ StreamArn: r.arn, TableName: r.table, StreamLabel: r.label })),
    LastEvaluatedStreamArn: list.length > limit ? pageOf[pageOf.length - 1].arn : undefined,
  } as Out<'ListStreams'>;
}

// A shard's StartingSequenceNumber is a counter value of its own just before its first record,
// so AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER with it both read the shard from its start,
// even before its first record (observed behaviour: scylladb test_streams.py, run against AWS).
// A closed shard has an EndingSequenceNumber: its last record (its start if it had none).
function shardOf(sh: ShardRec) {
  return {
    ShardId: sh.id,
    SequenceNumberRange: {
      StartingSequenceNumber: seqOf(sh.start),
      ...(sh.end !== undefined ? { EndingSequenceNumber: seqOf(sh.end) } : {}),
    },
    ...(sh.parent ? { ParentShardId: sh.parent } : {}),
  };
}

/** A StreamArn that is not a stream ARN at all is a ValidationException, an unknown one ResourceNotFound (observed, as above). */
function checkArn(arn: string): void {
  if (!/^arn:aws[\w-]*:dynamodb:[^:]+:\d{12}:table\/[^/]+\/stream\/[^/]+$/.test(arn)) {
    throw validation(`Invalid StreamArn: ${arn}`); // wording unverified
  }
}

function liveStream(ctx: RequestContext, arn: string): StreamRec {
  checkArn(arn);
  const r = settledStream(st(ctx), arn);
  if (!r) throw streamNotFound(arn);
  return r;
}

export function describeStream(ctx: RequestContext, input: In<'DescribeStream'>): Out<'DescribeStream'> {
  const limit = input.Limit ?? 100;
  // "The upper limit is 100" (API Reference, DescribeStream).
  if (limit > 100) throw tooHigh(limit, 100);
  const filter = input.ShardFilter;
  if (filter?.Type === 'CHILD_SHARDS' && filter.ShardId === undefined) {
    throw validation('ShardFilter ShardId must be specified when ShardFilter Type is CHILD_SHARDS'); // wording unverified
  }
  const r = liveStream(ctx, input.StreamArn);
  // Shards are listed oldest first (which is ShardId order, so parents come before their
  // children); ExclusiveStartShardId continues after that id, whether or not it still exists.
  let shards = r.shards;
  if (input.ExclusiveStartShardId !== undefined) {
    const from = input.ExclusiveStartShardId;
    shards = shards.slice(lowerBound(shards, (x) => (x.id <= from ? -1 : 1)));
  }
  // CHILD_SHARDS: the shards whose parent is the given one (API Reference, ShardFilter).
  if (filter?.Type === 'CHILD_SHARDS') shards = shards.filter((x) => x.parent === filter.ShardId);
  const pageOf = shards.slice(0, limit);
  return {
    StreamDescription: {
      StreamArn: r.arn,
      StreamLabel: r.label,
      StreamStatus: streamStatus(r),
      StreamViewType: r.viewType,
      CreationRequestDateTime: new Date(r.created),
      TableName: r.table,
      KeySchema: r.keySchema,
      Shards: pageOf.map(shardOf),
      ...(shards.length > limit ? { LastEvaluatedShardId: pageOf[pageOf.length - 1].id } : {}),
    },
  } as Out<'DescribeStream'>;
}

interface IteratorPos { a: string; sh: string; p: number; t: number }

const iteratorOf = (pos: IteratorPos) => encodeToken('ShardIterator', { k: JSON.stringify(pos) });

export function getShardIterator(ctx: RequestContext, input: In<'GetShardIterator'>): Out<'GetShardIterator'> {
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
  const r = liveStream(ctx, input.StreamArn);
  const sh = shardById(r, input.ShardId);
  if (!sh) throw shardNotFound();
  const last = lastCounterOf(r, sh);
  let p: number;
  if (type === 'TRIM_HORIZON') {
    // The oldest record still in the shard (past the end of a shard trimmed bare).
    p = Math.max(sh.start, r.trimmed) + 1;
  } else if (type === 'LATEST') {
    p = last + 1;
  } else {
    // The sequence number must lie in this shard's range: another shard's (or none of ours)
    // is refused.
    const n = counterOf(input.SequenceNumber!);
    if (n === undefined || n < sh.start || n > last) {
      throw validation(`Invalid SequenceNumber ${input.SequenceNumber} for shard ${sh.id}`); // wording unverified
    }
    // Older than the trim point: TrimmedDataAccessException (API Reference, GetShardIterator).
    if (n > sh.start && n <= r.trimmed) throw trimmedAccess();
    p = type === 'AT_SEQUENCE_NUMBER' ? Math.max(sh.start + 1, n) : n + 1;
    if (p <= Math.min(r.trimmed, last)) throw trimmedAccess();
  }
  return { ShardIterator: iteratorOf({ a: r.arn, sh: sh.id, p, t: clock.now() }) };
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
  // "The upper limit is 1000" (API Reference, GetRecords).
  if (limit > 1000) throw tooHigh(limit, 1000);
  const now = clock.now();
  if (now - pos.t > ITERATOR_MS) {
    // Streams shares Kinesis's wording for an expired iterator.
    throw new ServiceError('ExpiredIteratorException', `Iterator expired. The iterator was created at time ${new Date(pos.t).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_MS} milliseconds.`, 400);
  }
  const r = settledStream(s, pos.a);
  if (!r) throw streamNotFound(pos.a);
  const sh = shardById(r, pos.sh);
  // The shard was trimmed away since the iterator was issued, and its records with it.
  if (!sh) throw trimmedAccess();
  const last = lastCounterOf(r, sh);
  // Records the iterator points at were trimmed since it was issued (API Reference, TrimmedDataAccessException).
  if (pos.p <= Math.min(r.trimmed, last)) throw trimmedAccess();
  const got = readShard(s, r, sh, pos.p, limit, MAX_RECORDS_BYTES);
  const next = got.length ? got[got.length - 1].n + 1 : pos.p;
  // A closed shard read to its end has no next iterator: the client moves on to its child
  // (API Reference, GetRecords: NextShardIterator null once the shard is closed and read).
  const done = sh.end !== undefined && next > last;
  return {
    Records: got.map(copyRecord),
    NextShardIterator: done ? undefined : iteratorOf({ a: r.arn, sh: sh.id, p: next, t: now }),
  } as Out<'GetRecords'>;
}
