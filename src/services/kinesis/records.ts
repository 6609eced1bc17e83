// Records: PutRecord and PutRecords route each record by its hash key (MD5 of the partition
// key, or ExplicitHashKey) to the open shard whose range holds it and give it the next sequence
// number; GetShardIterator turns a position into an opaque iterator; GetRecords reads a page
// from it. A position is "after counter c", so reading is a binary search plus the page.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { decodeToken, encodeToken } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import {
  type In, type Out, MAX_HASH, findStream, hashKeyOf, invalidArgument, javaDate, parseSequenceNumber, readyStream,
  sequenceNumber, shardNotFound, st, streamNotFound, toMs,
} from './common.js';
import { recordKey, shardId, type KinesisState, type RecordRec, type Shard, type Stream } from './state.js';
import { armTrim } from './retention.js';

/** A PutRecords request carries at most 5 MiB, partition keys included (API reference, PutRecords). */
const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
/** Provisioned shards take 1,000 records and 1 MiB per second each (API reference, PutRecord). */
const SHARD_RECORDS_PER_SECOND = 1000;
const SHARD_BYTES_PER_SECOND = 1024 * 1024;
/** GetRecords returns at most 10 MiB (API reference, GetRecords). */
const MAX_GET_BYTES = 10 * 1024 * 1024;
/** Shard iterators are good for 5 minutes (API reference, GetShardIterator). */
export const ITERATOR_TTL_MS = 300_000;

const toBuffer = (d: unknown): Buffer =>
  Buffer.isBuffer(d) ? d : d instanceof Uint8Array ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(String(d ?? ''), 'utf8');

/** The model allows 10 MiB blobs (for streams raised with UpdateMaxRecordSize); the stream's own limit is checked here, worded as AWS's validation. */
function checkDataSize(s: Stream, data: Buffer, path: string): void {
  const max = s.rec.maxRecordKiB * 1024;
  if (data.length > max) {
    throw new ServiceError('ValidationException',
      `1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=${data.length} cap=${data.length}]' at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`, 400);
  }
}

function hashKey(partitionKey: string, explicit: string | undefined): bigint {
  if (explicit === undefined) return hashKeyOf(partitionKey);
  const h = /^\d+$/.test(explicit) ? BigInt(explicit) : -1n;
  if (h < 0n || h > MAX_HASH) {
    throw invalidArgument(`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicit}`);
  }
  return h;
}

/** Whether a provisioned shard still has write capacity this second; counts the write if so. */
function takeCapacity(s: Stream, sh: Shard, bytes: number, t: number): boolean {
  if (s.rec.mode === 'ON_DEMAND') return true; // on-demand streams scale with the load
  const sec = Math.floor(t / 1000);
  if (sh.winSec !== sec) { sh.winSec = sec; sh.winRecs = 0; sh.winBytes = 0; }
  // The first record of a second always fits: a large record (up to 10 MiB, "Handle large
  // records", Developer Guide) bursts past the 1 MiB/s a shard otherwise takes.
  if (sh.winRecs > 0 && (sh.winRecs + 1 > SHARD_RECORDS_PER_SECOND || sh.winBytes + bytes > SHARD_BYTES_PER_SECOND)) return false;
  sh.winRecs++; sh.winBytes += bytes;
  return true;
}

const throttled = (ctx: RequestContext, s: Stream, sh: Shard) =>
  `Rate exceeded for shard ${sh.id} in stream ${s.name} under account ${ctx.accountId}.`;

// Answers name the encryption only for an encrypted stream (an unencrypted one answers just
// ShardId and SequenceNumber, as CLI output from AWS shows).
const encryption = (s: Stream) => (s.rec.encryption === 'KMS' ? { EncryptionType: 'KMS' as const } : {});

function append(state: KinesisState, s: Stream, sh: Shard, partitionKey: string, data: Buffer, t: number): RecordRec {
  const r: RecordRec = { s: s.name, h: sh.rec.i, c: ++s.ctr, t: Math.max(t, sh.lastT), k: partitionKey, d: data };
  if (s.rec.encryption === 'KMS') r.e = 1;
  sh.recs.push(r);
  sh.lastT = r.t;
  state.records.set(recordKey(r), r);
  return r;
}

function notify(state: KinesisState, s: Stream, shards: Iterable<Shard>): void {
  armTrim(state, s);
  for (const sh of shards) if (sh.listeners.size) for (const l of [...sh.listeners]) l();
}

export function putRecord(ctx: RequestContext, input: In<'PutRecord'>): Out<'PutRecord'> {
  const s = readyStream(ctx, input);
  const data = toBuffer(input.Data);
  checkDataSize(s, data, 'data');
  const h = hashKey(input.PartitionKey, input.ExplicitHashKey);
  if (input.SequenceNumberForOrdering !== undefined) {
    const p = parseSequenceNumber(input.SequenceNumberForOrdering);
    if (!p || p.created !== s.rec.created) {
      throw invalidArgument(`ExclusiveMinimumSequenceNumber ${input.SequenceNumberForOrdering} used in PutRecord on stream ${s.name} under account ${ctx.accountId} is invalid.`);
    }
    // Every record gets a number above every earlier one, so the ordering asked for holds.
  }
  const sh = s.route(h);
  const t = clock.now();
  if (!takeCapacity(s, sh, data.length + Buffer.byteLength(input.PartitionKey), t)) {
    throw new ServiceError('ProvisionedThroughputExceededException', throttled(ctx, s, sh), 400);
  }
  const state = st(ctx);
  const r = append(state, s, sh, input.PartitionKey, data, t);
  notify(state, s, [sh]);
  return { ShardId: sh.id, SequenceNumber: sequenceNumber(s, r.c, sh.rec.i), ...encryption(s) };
}

export function putRecords(ctx: RequestContext, input: In<'PutRecords'>): Out<'PutRecords'> {
  const s = readyStream(ctx, input);
  // The whole request is checked first: a bad one writes nothing.
  let total = 0;
  const entries = input.Records.map((e, i) => {
    const data = toBuffer(e.Data);
    checkDataSize(s, data, `records.${i + 1}.member.data`);
    total += data.length + Buffer.byteLength(e.PartitionKey);
    return { data, key: e.PartitionKey, h: hashKey(e.PartitionKey, e.ExplicitHashKey) };
  });
  if (total > MAX_REQUEST_BYTES) throw invalidArgument('Records size exceeds 5 MB limit');
  const state = st(ctx);
  const t = clock.now();
  const touched = new Set<Shard>();
  let failed = 0;
  const out = entries.map((e) => {
    const sh = s.route(e.h);
    if (!takeCapacity(s, sh, e.data.length + Buffer.byteLength(e.key), t)) {
      failed++;
      return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: throttled(ctx, s, sh) };
    }
    const r = append(state, s, sh, e.key, e.data, t);
    touched.add(sh);
    return { SequenceNumber: sequenceNumber(s, r.c, sh.rec.i), ShardId: sh.id };
  });
  notify(state, s, touched);
  return { FailedRecordCount: failed, Records: out, ...encryption(s) };
}

// ---- iterators ---------------------------------------------------------------------------

/** Where reading stands: the records of this shard with a counter above `pos`. */
interface Position { name: string; created: number; shard: number; pos: number; issued: number }

export function iteratorFor(s: Stream, shard: number, pos: number): string {
  return encodeToken('ShardIterator', { k: `${s.rec.created}/${shard}/${pos}/${clock.now()}/${s.name}` });
}

function decodeIterator(it: string): Position | undefined {
  const p = decodeToken('ShardIterator', it);
  const m = p?.k !== undefined ? /^(\d+)\/(\d+)\/(\d+)\/(\d+)\/(.+)$/.exec(p.k) : null;
  if (!m) return undefined;
  return { created: Number(m[1]), shard: Number(m[2]), pos: Number(m[3]), issued: Number(m[4]), name: m[5] };
}

export function parseShardId(id: string): number | undefined {
  const m = /^shardId-(\d{1,20})$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

export function shardOf(ctx: RequestContext, s: Stream, id: string): Shard {
  const i = parseShardId(id);
  const sh = i === undefined ? undefined : s.shards.get(i);
  if (!sh) throw shardNotFound(id, s.name, ctx.accountId);
  return sh;
}

/** The position just before the record a sequence number names (AT) or just after it (AFTER). */
export function positionOf(ctx: RequestContext, s: Stream, sh: Shard, type: string, seq: string | undefined, ts: Date | number | string | undefined,
  op = 'GetShardIterator'): number {
  const latest = () => (sh.open ? s.ctr : sh.rec.e!);
  switch (type) {
    case 'TRIM_HORIZON': return sh.rec.s;
    case 'LATEST': return latest();
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER': {
      if (seq === undefined) {
        throw invalidArgument(`Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber or (3) AT_TIMESTAMP and Timestamp. Request specified ${type} and no StartingSequenceNumber.`);
      }
      const p = parseSequenceNumber(seq);
      if (!p) throw invalidArgument(`StartingSequenceNumber ${seq} used in ${op} on shard ${sh.id} in stream ${s.name} under account ${ctx.accountId} is invalid.`);
      if (p.created !== s.rec.created) {
        throw invalidArgument(`StartingSequenceNumber ${seq} used in ${op} on shard ${sh.id} in stream ${s.name} under account ${ctx.accountId} is invalid because it did not come from this stream.`);
      }
      if (p.shard !== sh.rec.i) throw invalidArgument(`Invalid StartingSequenceNumber. It encodes ${shardId(p.shard)}, while it was used in a call to a shard with ${sh.id}`);
      return type === 'AT_SEQUENCE_NUMBER' ? p.c - 1 : p.c;
    }
    case 'AT_TIMESTAMP': {
      if (ts === undefined) {
        throw invalidArgument('Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.');
      }
      const t = toMs(ts);
      if (t > clock.now()) {
        throw invalidArgument(`The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${t}, currentTimestampInMillis: ${clock.now()}`);
      }
      const i = sh.atTime(t);
      return i < sh.recs.length ? sh.recs[i].c - 1 : latest();
    }
    default:
      throw invalidArgument(`Invalid ShardIteratorType ${type}.`);
  }
}

export function getShardIterator(ctx: RequestContext, input: In<'GetShardIterator'>): Out<'GetShardIterator'> {
  const s = readyStream(ctx, input);
  const sh = shardOf(ctx, s, input.ShardId);
  const type = input.ShardIteratorType;
  if ((type === 'TRIM_HORIZON' || type === 'LATEST') && input.StartingSequenceNumber !== undefined) {
    throw invalidArgument(`Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber or (3) AT_TIMESTAMP and Timestamp. Request specified ${type} and also a StartingSequenceNumber.`);
  }
  const pos = positionOf(ctx, s, sh, type, input.StartingSequenceNumber, input.Timestamp);
  return { ShardIterator: iteratorFor(s, sh.rec.i, pos) };
}

/** The shards a closed shard's hash keys went to (GetRecords' ChildShards at the shard's end). */
export function childShards(s: Stream, sh: Shard) {
  const out = [];
  for (const c of s.shards.values()) {
    if (c.rec.p !== sh.rec.i && c.rec.a !== sh.rec.i) continue;
    out.push({
      ShardId: c.id,
      ParentShards: [c.rec.p, c.rec.a].filter((x): x is number => x !== undefined).map(shardId),
      HashKeyRange: { StartingHashKey: c.rec.lo, EndingHashKey: c.rec.hi },
    });
  }
  return out.sort((a, b) => (a.ShardId < b.ShardId ? -1 : 1));
}

export const recordOut = (s: Stream, r: RecordRec) => ({
  SequenceNumber: sequenceNumber(s, r.c, r.h), ApproximateArrivalTimestamp: r.t, Data: r.d, PartitionKey: r.k,
  ...(r.e ? { EncryptionType: 'KMS' } : {}),
});

/** One page of a shard from a position: records, where the next page starts, and whether the shard ended. */
export function readShard(sh: Shard, pos: number, limit: number) {
  const start = sh.after(pos);
  let end = start, bytes = 0;
  while (end < sh.recs.length && end - start < limit) {
    const size = sh.recs[end].d.length + sh.recs[end].k.length;
    if (end > start && bytes + size > MAX_GET_BYTES) break;
    bytes += size;
    end++;
  }
  const recs = sh.recs.slice(start, end);
  const atTip = end === sh.recs.length;
  return {
    recs,
    next: recs.length ? recs[recs.length - 1].c : pos,
    ended: atTip && !sh.open,
    behind: atTip ? 0 : Math.max(0, clock.now() - sh.recs[end].t),
  };
}

export function getRecords(ctx: RequestContext, input: In<'GetRecords'>): Out<'GetRecords'> {
  const p = decodeIterator(input.ShardIterator);
  if (!p) throw invalidArgument('Invalid ShardIterator.');
  const t = clock.now();
  if (t - p.issued > ITERATOR_TTL_MS) {
    throw new ServiceError('ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${javaDate(p.issued)} while right now it is ${javaDate(t)} which is further in the future than the tolerated delay of ${ITERATOR_TTL_MS} milliseconds.`, 400);
  }
  const s = st(ctx).live.get(p.name);
  if (!s || s.rec.created !== p.created) throw streamNotFound(p.name, ctx.accountId);
  if (input.StreamARN !== undefined && findStream(ctx, { StreamARN: input.StreamARN }) !== s) {
    throw invalidArgument('The ShardIterator does not belong to the stream the StreamARN names.');
  }
  const sh = s.shards.get(p.shard);
  if (!sh) throw shardNotFound(shardId(p.shard), s.name, ctx.accountId);
  const page = readShard(sh, p.pos, input.Limit ?? 10_000);
  return {
    Records: page.recs.map((r) => recordOut(s, r)),
    // A closed shard read to its end has no next iterator, and names its children (API
    // reference, GetRecords: NextShardIterator null, ChildShards "only when the end of the
    // current shard is reached").
    ...(page.ended ? { ChildShards: childShards(s, sh) } : { NextShardIterator: iteratorFor(s, sh.rec.i, page.next) }),
    MillisBehindLatest: page.behind,
  };
}
