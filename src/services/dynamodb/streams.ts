// DynamoDB Streams storage: each table's stream, its shards and its change records. The write
// path (common.ts writeItem) appends one record per item change that actually changed the item
// (DynamoDB emits nothing for a write that leaves the item as it was). The Streams API that
// reads them is stream-api.ts.
//
// As the Developer Guide describes it ("Change data capture for DynamoDB Streams",
// docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html: "shards are ephemeral:
// they are created and deleted automatically"; "if you disable a stream, any shards that are
// still open will be closed"; records are kept 24 hours):
// - A stream's open shard closes every SHARD_ROLL_MS of clock and a child shard naming it as
//   ParentShardId opens at that instant. AWS closes shards after a period it does not document
//   (observed: roughly every four hours); Nimbus rolls exactly every four hours from the
//   stream's creation, so a test can advance past it. Disabling the stream closes its open shard.
// - A record lives in exactly one shard. Sequence numbers come from one counter per stream,
//   so they increase strictly across shards; each shard's StartingSequenceNumber takes a
//   counter value of its own, before its first record.
// - Records are trimmed 24 h after they were written, a closed shard disappears 24 h after it
//   closed (all its records are older by then), and a disabled stream once its last shard is gone.
// Rollover and trimming are applied when a stream is next touched (settle), which a client cannot
// tell from a timer: every read and write settles first. The shards and the counter are part of
// the journalled stream record, so the schedule survives a restart; records are journalled one
// each and kept per stream in counter order (searched by binary search).
import { randomBytes } from 'node:crypto';
import { clock } from '../../core/clock-instance.js';
import { type DynamoState, type ShardRec, type StoredStreamRecord, type StreamRec, type Table, lowerBound } from './state.js';
import { type Item, cloneItem, equalValues, itemSize } from './values.js';

export const RETENTION_MS = 24 * 60 * 60 * 1000;
/** How long a shard stays open before it closes and its child opens. */
export const SHARD_ROLL_MS = 4 * 60 * 60 * 1000;
/** How long a stream reads ENABLING after it is enabled and DISABLING after it is disabled
 * (DescribeStream StreamStatus; AWS takes a few seconds either way). */
export const STREAM_STATUS_CHANGE_MS = 5_000;
/** Logically trimmed records are dropped from memory and the journal in batches, so steady
 * writes do not shift the whole array for every record that expires. */
const PHYSICAL_TRIM_BATCH = 256;

/** Sequence numbers: 21-digit decimal strings that increase with the counter, as AWS's do. */
const SEQ_BASE = 100000000000000000000n;
export const seqOf = (n: number): string => String(SEQ_BASE + BigInt(n));
/** The counter a sequence number stands for, or undefined if it is not one of ours. */
export function counterOf(seq: string): number | undefined {
  if (!/^\d{21,40}$/.test(seq)) return undefined;
  const n = BigInt(seq) - SEQ_BASE;
  return n >= 0n && n < BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
}

const recordKey = (arn: string, n: number) => `${arn}\u0000${String(n).padStart(16, '0')}`;
const regionOf = (arn: string) => arn.split(':')[3];

export const streamArnOf = (tableArn: string, label: string) => `${tableArn}/stream/${label}`;

/** AWS's shard id shape (shardId-00000001414562045508-2bac9cd2): the opening time in ms, then
 * random hex. The zero-padded time makes ShardId order the order shards opened. */
const shardIdAt = (at: number) => `shardId-${String(Math.max(0, at)).padStart(20, '0')}-${randomBytes(4).toString('hex')}`;

/** Starts a new stream for the table (CreateTable/UpdateTable); returns its label. */
export function openStream(s: DynamoState, tableArn: string, table: string, keySchema: StreamRec['keySchema'], viewType: string): string {
  let at = clock.now();
  // Labels are ISO timestamps with milliseconds; two streams of one table never share one.
  while (s.streams.has(streamArnOf(tableArn, new Date(at).toISOString().replace('Z', '')))) at++;
  const label = new Date(at).toISOString().replace('Z', '');
  const arn = streamArnOf(tableArn, label);
  s.streams.set(arn, {
    arn, table, label, viewType, keySchema, created: at, next: 1, trimmed: 0,
    shards: [{ id: shardIdAt(at), opened: at, start: 0 }],
  });
  s.shards.set(arn, []);
  return label;
}

/** Disables a stream (UpdateTable StreamEnabled false, DeleteTable): its open shard closes, records stay readable 24 h. */
export function closeStream(s: DynamoState, arn: string): void {
  const rec = settledStream(s, arn);
  if (!rec || rec.disabledAt !== undefined) return;
  const now = clock.now();
  const shards = rec.shards.map((sh) => (sh.end === undefined ? { ...sh, end: rec.next - 1, closed: now } : sh));
  s.streams.set(arn, { ...rec, shards, disabledAt: now });
}

/** ENABLING → ENABLED after enabling, DISABLING → DISABLED after disabling, on the clock. */
export function streamStatus(rec: StreamRec, now = clock.now()): 'ENABLING' | 'ENABLED' | 'DISABLING' | 'DISABLED' {
  if (rec.disabledAt !== undefined) return now < rec.disabledAt + STREAM_STATUS_CHANGE_MS ? 'DISABLING' : 'DISABLED';
  return now < rec.created + STREAM_STATUS_CHANGE_MS ? 'ENABLING' : 'ENABLED';
}

/** A stream journalled before shards rolled over: its one shard, described the new way. */
function upgrade(rec: StreamRec): StreamRec {
  if (rec.shards) return rec;
  const closed = rec.disabledAt !== undefined ? { end: rec.next - 1, closed: rec.disabledAt } : {};
  return { ...rec, shards: [{ id: rec.shardId ?? shardIdAt(rec.created), opened: rec.created, start: 0, ...closed }], shardId: undefined };
}

/** Closes the open shard and opens its child for every SHARD_ROLL_MS that has passed. */
function roll(rec: StreamRec, now: number): StreamRec {
  let open = rec.shards[rec.shards.length - 1];
  if (rec.disabledAt !== undefined || !open || open.end !== undefined || open.opened + SHARD_ROLL_MS > now) return rec;
  const shards = rec.shards.slice();
  let next = rec.next;
  while (open.opened + SHARD_ROLL_MS <= now) {
    let at = open.opened + SHARD_ROLL_MS;
    shards[shards.length - 1] = { ...open, end: next - 1, closed: at };
    let parent = open.id;
    // After a long quiet spell, the empty shards that would already have closed and been
    // trimmed are never made: the first one still visible names a parent that is gone, as a
    // shard whose parent was trimmed does on AWS.
    const skip = Math.floor((now - at - SHARD_ROLL_MS - RETENTION_MS) / SHARD_ROLL_MS) + 1;
    if (skip > 0) {
      parent = shardIdAt(at + (skip - 1) * SHARD_ROLL_MS);
      at += skip * SHARD_ROLL_MS;
      next += skip;
    }
    open = { id: shardIdAt(at), parent, opened: at, start: next };
    next++;
    shards.push(open);
  }
  return { ...rec, shards, next };
}

/** Trims records older than 24 h and shards closed 24 h ago; undefined once a disabled stream has nothing left. */
function trim(s: DynamoState, rec: StreamRec, now: number): StreamRec | undefined {
  const recs = s.shards.get(rec.arn) ?? [];
  let trimmed = rec.trimmed;
  const expired = lowerBound(recs, (r) => (r.at + RETENTION_MS <= now ? -1 : 1));
  if (expired > 0) trimmed = Math.max(trimmed, recs[expired - 1].n);
  let gone = 0;
  while (gone < rec.shards.length && rec.shards[gone].closed !== undefined && rec.shards[gone].closed! + RETENTION_MS <= now) gone++;
  // A shard that disappears takes whatever it still held.
  if (gone > 0) trimmed = Math.max(trimmed, rec.shards[gone - 1].end!);
  if (rec.disabledAt !== undefined && gone === rec.shards.length) {
    for (const r of recs) s.streamRecords.delete(recordKey(rec.arn, r.n));
    s.streams.delete(rec.arn);
    s.shards.delete(rec.arn);
    return undefined;
  }
  const cut = lowerBound(recs, (r) => (r.n <= trimmed ? -1 : 1));
  if (cut >= PHYSICAL_TRIM_BATCH || (cut > 0 && cut === recs.length)) {
    for (let i = 0; i < cut; i++) s.streamRecords.delete(recordKey(rec.arn, recs[i].n));
    recs.splice(0, cut);
  }
  if (trimmed === rec.trimmed && gone === 0) return rec;
  return { ...rec, trimmed, shards: gone ? rec.shards.slice(gone) : rec.shards };
}

/** The stream as of now: shards rolled over and old data trimmed (journalled when that changed it); undefined if it is gone. */
export function settle(s: DynamoState, rec: StreamRec): StreamRec | undefined {
  const now = clock.now();
  const before = rec;
  rec = roll(upgrade(rec), now);
  const after = trim(s, rec, now);
  if (after && after !== before) s.streams.set(after.arn, after);
  return after;
}

export function settledStream(s: DynamoState, arn: string): StreamRec | undefined {
  const rec = s.streams.get(arn);
  return rec && settle(s, rec);
}

/** The shard with this id, by binary search (shards are kept in ShardId order). */
export function shardById(rec: StreamRec, id: string): ShardRec | undefined {
  const i = lowerBound(rec.shards, (x) => (x.id < id ? -1 : x.id > id ? 1 : 0));
  return rec.shards[i]?.id === id ? rec.shards[i] : undefined;
}

/** The counter of a shard's last record so far (its EndingSequenceNumber once closed). */
export const lastCounterOf = (rec: StreamRec, sh: ShardRec): number => sh.end ?? rec.next - 1;

/**
 * A shard's records from counter `from` on, at most `limit` of them and at most `maxBytes` of
 * SizeBytes (stopping before the record that would pass it, but always at least one).
 */
export function readShard(s: DynamoState, rec: StreamRec, sh: ShardRec, from: number, limit: number, maxBytes: number): StoredStreamRecord[] {
  const recs = s.shards.get(rec.arn) ?? [];
  const last = lastCounterOf(rec, sh);
  const out: StoredStreamRecord[] = [];
  let bytes = 0;
  for (let i = lowerBound(recs, (r) => r.n - from); i < recs.length && out.length < limit; i++) {
    const x = recs[i];
    if (x.n > last) break;
    const size = Number((x.r.dynamodb as { SizeBytes?: number }).SizeBytes ?? 0);
    if (out.length && bytes + size > maxBytes) break;
    bytes += size;
    out.push(x);
  }
  return out;
}

function sameItem(a: Item, b: Item): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => equalValues(a[k], b[k]));
}

/** Who made a change: a client, DynamoDB's TTL process, or global tables replication. */
export type Origin = 'client' | 'ttl' | 'replication';

/** Appends the stream record for one item change (called by the one write path). */
export function recordChange(s: DynamoState, t: Table, before: Item | undefined, after: Item | undefined, origin: Origin = 'client'): void {
  const spec = t.rec.stream;
  if (!spec?.StreamEnabled || !t.rec.streamLabel) return;
  if (!before && !after) return;
  if (before && after && sameItem(before, after)) return;
  const arn = streamArnOf(t.rec.arn, t.rec.streamLabel);
  const rec = settledStream(s, arn);
  if (!rec || rec.disabledAt !== undefined) return;
  const view = spec.StreamViewType ?? rec.viewType;
  const now = clock.now();
  const keys = t.keyOf((after ?? before)!);
  const n = rec.next;
  const ddb: Record<string, unknown> = {
    // Epoch seconds, rounded down to the second (API Reference, StreamRecord).
    ApproximateCreationDateTime: new Date(Math.floor(now / 1000) * 1000),
    Keys: cloneItem(keys),
  };
  if (after && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES')) ddb.NewImage = cloneItem(after);
  if (before && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES')) ddb.OldImage = cloneItem(before);
  ddb.SequenceNumber = seqOf(n);
  ddb.SizeBytes = itemSize(keys) + (ddb.NewImage ? itemSize(after!) : 0) + (ddb.OldImage ? itemSize(before!) : 0);
  ddb.StreamViewType = view;
  const r: Record<string, unknown> = {
    eventID: randomBytes(16).toString('hex'),
    eventName: !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: regionOf(t.rec.arn),
    dynamodb: ddb,
    // TTL deletions name the DynamoDB service as the actor (Developer Guide, "Working with
    // expired items and time to live"); the Streams API spells the members as its model does
    // (PrincipalId, Type), Lambda's event lower-cases them.
    ...(origin === 'ttl' ? { userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' } } : {}),
  };
  const stored: StoredStreamRecord = { s: arn, n, at: now, r };
  s.streamRecords.set(recordKey(arn, n), stored);
  let arr = s.shards.get(arn);
  if (!arr) s.shards.set(arn, arr = []);
  arr.push(stored);
  s.streams.set(arn, { ...rec, next: n + 1 });
}
