// DynamoDB Streams storage: each table's stream and its change records. The write path
// (common.ts writeItem) appends one record per item change that actually changed the item
// (DynamoDB emits nothing for a write that leaves the item as it was). Records are kept per
// stream in sequence order (an array searched by binary search on the counter), journalled
// one record each so --data-dir keeps them, and trimmed after 24 hours on the clock
// (Developer Guide, "Change data capture for DynamoDB Streams": records are retained 24 h).
// The Streams API that reads them is stream-api.ts.
import { randomBytes } from 'node:crypto';
import { clock } from '../../core/clock-instance.js';
import { type DynamoState, type StoredStreamRecord, type StreamRec, type Table, lowerBound } from './state.js';
import { type Item, cloneItem, equalValues, itemSize } from './values.js';

export const RETENTION_MS = 24 * 60 * 60 * 1000;

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

/** Starts a new stream for the table (CreateTable/UpdateTable); returns its label. */
export function openStream(s: DynamoState, tableArn: string, table: string, keySchema: StreamRec['keySchema'], viewType: string): string {
  let at = clock.now();
  // Labels are ISO timestamps with milliseconds; two streams of one table never share one.
  while (s.streams.has(streamArnOf(tableArn, new Date(at).toISOString().replace('Z', '')))) at++;
  const label = new Date(at).toISOString().replace('Z', '');
  const arn = streamArnOf(tableArn, label);
  s.streams.set(arn, {
    arn, table, label, viewType, keySchema, created: at, next: 1, trimmed: 0,
    shardId: `shardId-${String(at).padStart(20, '0')}-${randomBytes(4).toString('hex')}`,
  });
  s.shards.set(arn, []);
  return label;
}

/** Disables a stream (UpdateTable StreamEnabled false, DeleteTable): its shard closes, records stay readable 24 h. */
export function closeStream(s: DynamoState, arn: string): void {
  const rec = s.streams.get(arn);
  if (!rec || rec.disabledAt !== undefined) return;
  s.streams.set(arn, { ...rec, disabledAt: clock.now() });
}

/** Drops records older than 24 h, and a disabled stream once nothing of it is left. */
export function trim(s: DynamoState, rec: StreamRec): StreamRec | undefined {
  const now = clock.now();
  const recs = s.shards.get(rec.arn) ?? [];
  const cut = lowerBound(recs, (r) => (r.at + RETENTION_MS <= now ? -1 : 1));
  if (cut > 0) {
    for (const r of recs.slice(0, cut)) s.streamRecords.delete(recordKey(rec.arn, r.n));
    const trimmed = recs[cut - 1].n;
    recs.splice(0, cut);
    rec = { ...rec, trimmed };
    s.streams.set(rec.arn, rec);
  }
  if (rec.disabledAt !== undefined && rec.disabledAt + RETENTION_MS <= now && recs.length === 0) {
    s.streams.delete(rec.arn);
    s.shards.delete(rec.arn);
    return undefined;
  }
  return rec;
}

/** The records of a stream with counter >= from, at most `limit`. */
export function recordsFrom(s: DynamoState, arn: string, from: number, limit: number): StoredStreamRecord[] {
  const recs = s.shards.get(arn) ?? [];
  const at = lowerBound(recs, (r) => r.n - from);
  return recs.slice(at, at + limit);
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
  let rec = s.streams.get(arn);
  if (!rec) return;
  rec = trim(s, rec) ?? rec;
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
