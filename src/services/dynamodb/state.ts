// DynamoDB state per account and region. Journalled collections hold table records and one
// record per item; beside them each live table keeps ordered indexes (its own key and one per
// LSI/GSI): partitions ordered by a hash token (as DynamoDB scans them), each a sorted array of
// entries by range key with binary-search insertion, so Query pages in O(log n + page) and
// secondary indexes are maintained on every write. Rebuilt from the items after a restart.
import { createHash } from 'node:crypto';
import { defineState, onReset, type Collection } from '../../core/state.js';
import { type AV, type Item, compareScalar, compareStrings, itemSize, keyText } from './values.js';
import type { Timer } from '../../core/clock.js';

export interface KeyElem { AttributeName: string; KeyType: 'HASH' | 'RANGE' }
export interface Projection { ProjectionType?: string; NonKeyAttributes?: string[] }
export interface IndexRec {
  name: string;
  keySchema: KeyElem[];
  projection: Projection;
  /** GSIs only: provisioned throughput when the table is PROVISIONED. */
  read?: number;
  write?: number;
  global: boolean;
}
export interface TableRec {
  name: string;
  arn: string;
  id: string;
  /** Epoch ms. */
  created: number;
  keySchema: KeyElem[];
  attrDefs: { AttributeName: string; AttributeType: string }[];
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  read: number;
  write: number;
  lastIncrease?: number;
  lastDecrease?: number;
  decreasesToday?: number;
  payPerRequestSince?: number;
  lsis: IndexRec[];
  gsis: IndexRec[];
  stream?: { StreamEnabled: boolean; StreamViewType?: string };
  streamLabel?: string;
  tags: Record<string, string>;
  deletionProtection: boolean;
  tableClass: string;
  ttl?: { attr: string; enabled: boolean };
  /** Point-in-time recovery: on since `since` (epoch ms), restorable over `days`. */
  pitr?: { enabled: boolean; since: number; days: number };
  /** How the table was made, for a restored table (DescribeTable RestoreSummary). */
  restore?: { SourceBackupArn?: string; SourceTableArn?: string; RestoreDateTime: number };
  /** Resource-based policies, by the ARN they are on (the table's or one of its streams'). */
  policies?: Record<string, { policy: string; revisionId: string }>;
  /** Contributor Insights settings, by index name ('' for the table). */
  insights?: Record<string, { enabled: boolean; at: number; mode: string }>;
  /** A table ImportTable makes is CREATING until then (epoch ms; imports.ts). */
  importUntil?: number;
  /** A replica UpdateTable ReplicaUpdates made in this region is CREATING until then (epoch ms; replicas.ts). */
  replicaReadyAt?: number;
  /** Global tables version 2019.11.21: the replicas of this table in other regions (replicas.ts). */
  replicas?: ReplicaRec[];
  /** Global tables version 2017.11.29: the global table this table belongs to (global-legacy.ts). */
  legacyGroup?: { name: string; regions: string[] };
  /** Auto scaling settings as UpdateTableReplicaAutoScaling stored them (replica-autoscaling.ts). */
  autoScaling?: AutoScalingRec;
  /** Kinesis Data Streams destinations (kinesis-destinations.ts). */
  kinesis?: KinesisDestRec[];
}

/** One replica of a version 2019.11.21 global table, as every other member records it. */
export interface ReplicaRec {
  region: string;
  /** Epoch ms: CREATING until then, ACTIVE after. */
  readyAt: number;
  /** Epoch ms the replica was deleted: DELETING until `goneAt`, then no longer listed. */
  deletingAt?: number;
  goneAt?: number;
  kmsKey?: string;
  readOverride?: number;
  maxReadOverride?: number;
  gsis?: { IndexName: string; ProvisionedThroughputOverride?: { ReadCapacityUnits?: number }; OnDemandThroughputOverride?: { MaxReadRequestUnits?: number } }[];
  tableClass?: string;
}

/** AutoScalingSettingsDescription as the API returns it. */
export interface AutoScalingSettings {
  MinimumUnits?: number;
  MaximumUnits?: number;
  AutoScalingDisabled?: boolean;
  AutoScalingRoleArn?: string;
  ScalingPolicies?: { PolicyName?: string; TargetTrackingScalingPolicyConfiguration?: Record<string, unknown> }[];
}
/** Stored auto scaling settings: write settings for the whole global table, read settings per region. */
export interface AutoScalingRec {
  write?: AutoScalingSettings;
  gsiWrite?: Record<string, AutoScalingSettings>;
  read?: Record<string, AutoScalingSettings>;
  gsiRead?: Record<string, Record<string, AutoScalingSettings>>;
}

/** A Kinesis data stream a table's changes go to. Status follows the clock from the epoch-ms marks. */
export interface KinesisDestRec {
  streamArn: string;
  enabledAt: number;
  /** When the destination turns ACTIVE (ENABLING before). */
  activeAt: number;
  disabledAt?: number;
  /** When a disabled destination reads DISABLED (DISABLING before). */
  offAt?: number;
  precision: 'MILLISECOND' | 'MICROSECOND';
  /** UPDATING until then, after UpdateKinesisStreamingDestination. */
  updatingUntil?: number;
}

/** A version 2017.11.29 global table (global-legacy.ts), kept account-wide. */
export interface LegacyGlobalRec {
  name: string;
  arn: string;
  created: number;
  regions: string[];
  /** CREATING until `readyAt`, UPDATING until `updatingUntil` (epoch ms). */
  readyAt: number;
  updatingUntil?: number;
}

/** An item change waiting to reach the other replicas (replication.ts); journalled so kill -9 loses none. */
export interface PendingChange {
  n: number;
  table: string;
  pk: string;
  /** The item after the change (absent: deleted). */
  item?: Item;
  /** Epoch ms of the write, for last-writer-wins. */
  at: number;
  /** Regions to deliver to. */
  to: string[];
  /** The account and region the change was made in. */
  accountId: string;
  region: string;
  legacy?: boolean;
}
export interface ItemRec { t: string; item: Item }

/** One shard of a stream (streams.ts). Its records are the stream's records whose counters lie
 * in (start, end]; shards follow each other, so a record lives in exactly one shard. */
export interface ShardRec {
  id: string;
  /** The shard it followed when it opened (absent for the stream's first shard). */
  parent?: string;
  /** Epoch ms it opened: an open shard closes SHARD_ROLL_MS later (streams.ts). */
  opened: number;
  /** The counter its StartingSequenceNumber stands for; its records come after it. */
  start: number;
  /** Once closed: the counter of its EndingSequenceNumber (its last record, or `start` if it had none). */
  end?: number;
  /** Once closed: epoch ms it closed; it disappears 24 h later. */
  closed?: number;
}

/** A table's stream: its shards roll over on the clock, each child naming its parent (streams.ts). */
export interface StreamRec {
  arn: string;
  table: string;
  label: string;
  viewType: string;
  keySchema: KeyElem[];
  /** Epoch ms. */
  created: number;
  /** Its shards in the order they opened (which is ShardId order): closed ones until they are
   * trimmed, then the open one (none once the stream is disabled). */
  shards: ShardRec[];
  /** Journals written before shards rolled over name the stream's single shard here instead. */
  shardId?: string;
  /** Counter of the next record (sequence numbers derive from it). */
  next: number;
  /** Highest counter trimmed away (0: none). */
  trimmed: number;
  /** Epoch ms the stream was disabled (UpdateTable or DeleteTable); its open shard then closed. */
  disabledAt?: number;
}
export interface StoredStreamRecord { s: string; n: number; at: number; r: Record<string, unknown> }

/** One change while PITR is on: the item a key holds from `at` on (none: deleted). */
export interface PitrEntry { t: string; n: number; at: number; pk: string; item?: Item }

export interface BackupRec {
  arn: string;
  name: string;
  table: TableRec;
  /** Epoch ms. */
  created: number;
  type: 'USER' | 'SYSTEM' | 'AWS_BACKUP';
  bytes: number;
  count: number;
  items: Item[];
}

/** An export to S3 (exports.ts). Its files are written when it starts; it reads IN_PROGRESS
 * until `end` on the clock, then COMPLETED (or FAILED when `failure` is set). */
export interface ExportRec {
  arn: string;
  tableArn: string;
  tableId: string;
  start: number;
  end: number;
  exportTime: number;
  clientToken?: string;
  /** Digest of the request, for ClientToken idempotency. */
  digest: string;
  bucket: string;
  bucketOwner?: string;
  prefix?: string;
  sse: string;
  kmsKey?: string;
  format: string;
  type: string;
  incremental?: { from: number; to: number; view: string };
  manifest?: string;
  itemCount: number;
  billedBytes: number;
  failure?: { code: string; message: string };
}

/** An import from S3 (imports.ts): done when it starts, IN_PROGRESS until `end` on the clock. */
export interface ImportRec {
  arn: string;
  tableArn: string;
  tableId: string;
  start: number;
  end: number;
  clientToken?: string;
  digest: string;
  source: { S3Bucket: string; S3KeyPrefix?: string; S3BucketOwner?: string };
  format: string;
  formatOptions?: Record<string, unknown>;
  compression: string;
  creation: Record<string, unknown>;
  processedBytes: number;
  processed: number;
  imported: number;
  errors: number;
  failure?: { code: string; message: string };
}

/** An item's place in one ordered index. */
export interface Entry { rk?: AV; pk: string; item: Item }
export interface Part { hk: string; token: number; hash: AV; entries: Entry[] }

/** First position in `arr` whose element is not less than the probe (cmp(x) < 0 means x is less). */
export function lowerBound<T>(arr: T[], cmp: (x: T) => number): number {
  let lo = 0; let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(arr[mid]) < 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// A partition's place in Scan order: a hash of its key, as DynamoDB's partitions are ordered by
// key hash. An item rewritten alone in its partition empties and re-creates the partition, so
// recent tokens are remembered rather than hashed again on every such write.
const tokens = new Map<string, number>();
export function tokenOf(hk: string): number {
  let t = tokens.get(hk);
  if (t === undefined) {
    t = createHash('md5').update(hk).digest().readUInt32BE(0);
    if (tokens.size >= 100_000) tokens.clear();
    tokens.set(hk, t);
  }
  return t;
}

export function compareEntry(a: { rk?: AV; pk: string }, b: { rk?: AV; pk: string }): number {
  if (a.rk && b.rk) { const r = compareScalar(a.rk, b.rk); if (r) return r; }
  return a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : 0;
}
export const comparePart = (a: { token: number; hk: string }, b: { token: number; hk: string }) =>
  a.token - b.token || compareStrings(a.hk, b.hk);

/** One ordered index: the table's own key, or a secondary index's. */
export class OrderedIndex {
  readonly parts: Part[] = [];
  readonly byHash = new Map<string, Part>();
  count = 0;
  bytes = 0;
  constructor(readonly name: string | undefined, readonly hash: string, readonly range: string | undefined,
    readonly projected: ((item: Item) => Item) | undefined) {}

  /** The item's entry in this index, or undefined for a sparse index the item is not in. */
  entryOf(item: Item, pk: string): Entry | undefined {
    if (!item[this.hash]) return undefined;
    if (this.range && !item[this.range]) return undefined;
    return { rk: this.range ? item[this.range] : undefined, pk, item };
  }
  private sizeOf(item: Item): number { return itemSize(this.projected ? this.projected(item) : item); }

  insert(item: Item, pk: string): void {
    const e = this.entryOf(item, pk);
    if (!e) return;
    const hash = item[this.hash];
    const hk = keyText(hash);
    let p = this.byHash.get(hk);
    if (!p) {
      p = { hk, token: tokenOf(hk), hash, entries: [] };
      const at = lowerBound(this.parts, (x) => comparePart(x, p!));
      this.parts.splice(at, 0, p);
      this.byHash.set(hk, p);
    }
    const at = lowerBound(p.entries, (x) => compareEntry(x, e));
    if (at < p.entries.length && compareEntry(p.entries[at], e) === 0) {
      this.bytes -= this.sizeOf(p.entries[at].item);
      p.entries[at] = e;
    } else {
      p.entries.splice(at, 0, e);
      this.count++;
    }
    this.bytes += this.sizeOf(item);
  }

  remove(item: Item, pk: string): void {
    const e = this.entryOf(item, pk);
    if (!e) return;
    const hk = keyText(item[this.hash]);
    const p = this.byHash.get(hk);
    if (!p) return;
    const at = lowerBound(p.entries, (x) => compareEntry(x, e));
    if (at < p.entries.length && compareEntry(p.entries[at], e) === 0) {
      this.bytes -= this.sizeOf(p.entries[at].item);
      p.entries.splice(at, 1);
      this.count--;
      if (!p.entries.length) {
        this.byHash.delete(hk);
        const i = lowerBound(this.parts, (x) => comparePart(x, p));
        if (this.parts[i] === p) this.parts.splice(i, 1);
      }
    }
  }
}

export class Table {
  base!: OrderedIndex;
  readonly indexes = new Map<string, OrderedIndex>();
  hashAttr!: string;
  rangeAttr: string | undefined;
  /** TTL deletions scheduled on the clock, by item key. */
  readonly ttlTimers = new Map<string, Timer>();
  /** Replicated tables only: recent writes by item key (epoch ms and region), oldest first, for
   * last-writer-wins against changes still arriving from other regions (replication.ts). */
  readonly lastWrite = new Map<string, { at: number; region: string }>();
  constructor(public rec: TableRec) { this.build(); }

  build(): void {
    this.hashAttr = this.rec.keySchema.find((k) => k.KeyType === 'HASH')!.AttributeName;
    this.rangeAttr = this.rec.keySchema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    this.base = new OrderedIndex(undefined, this.hashAttr, this.rangeAttr, undefined);
    this.indexes.clear();
    for (const ix of [...this.rec.lsis, ...this.rec.gsis]) this.addIndex(ix);
  }

  addIndex(ix: IndexRec): OrderedIndex {
    const h = ix.keySchema.find((k) => k.KeyType === 'HASH')!.AttributeName;
    const r = ix.keySchema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    const o = new OrderedIndex(ix.name, h, r, (item) => this.projectFor(ix, item));
    this.indexes.set(ix.name, o);
    return o;
  }

  indexRec(name: string): IndexRec | undefined {
    return this.rec.lsis.find((x) => x.name === name) ?? this.rec.gsis.find((x) => x.name === name);
  }

  /** The attributes of `item` an index stores (its projection). */
  projectFor(ix: IndexRec, item: Item): Item {
    const type = ix.projection.ProjectionType ?? 'ALL';
    if (type === 'ALL') return item;
    const keep = new Set<string>([this.hashAttr, ...(this.rangeAttr ? [this.rangeAttr] : []), ...ix.keySchema.map((k) => k.AttributeName)]);
    if (type === 'INCLUDE') for (const a of ix.projection.NonKeyAttributes ?? []) keep.add(a);
    const out: Item = {};
    for (const k of keep) if (item[k]) out[k] = item[k];
    return out;
  }

  keyOf(item: Item): Item {
    const k: Item = { [this.hashAttr]: item[this.hashAttr] };
    if (this.rangeAttr) k[this.rangeAttr] = item[this.rangeAttr];
    return k;
  }
  pkOf(item: Item): string {
    return JSON.stringify(this.rangeAttr ? [keyText(item[this.hashAttr]), keyText(item[this.rangeAttr])] : [keyText(item[this.hashAttr])]);
  }

  /** Maintains every ordered index for a write: `before` leaves, `after` enters. */
  index(before: Item | undefined, after: Item | undefined, pk: string): void {
    if (before) {
      this.base.remove(before, pk);
      for (const o of this.indexes.values()) o.remove(before, pk);
    }
    if (after) {
      this.base.insert(after, pk);
      for (const o of this.indexes.values()) o.insert(after, pk);
    }
  }
}

export interface DynamoState {
  tables: Collection<TableRec>;
  items: Collection<ItemRec>;
  live: Map<string, Table>;
  /** DynamoDB Streams (streams.ts): one record per stream, one per stream record. */
  streams: Collection<StreamRec>;
  streamRecords: Collection<StoredStreamRecord>;
  /** Per stream ARN, its records in sequence order (rebuilt from streamRecords). */
  shards: Map<string, StoredStreamRecord[]>;
  /** Backups (backups.ts), each with its items. */
  backups: Collection<BackupRec>;
  /** Point-in-time recovery change logs (pitr-log.ts), one record per change. */
  pitrLog: Collection<PitrEntry>;
  /** Per table name, its change log in order (rebuilt from pitrLog). */
  pitr: Map<string, PitrEntry[]>;
  /** Exports to and imports from S3, by ARN. */
  exports: Collection<ExportRec>;
  imports: Collection<ImportRec>;
  /** ClientRequestToken → when it was used and a digest of the request (10 minutes). */
  tokens: Map<string, { at: number; digest: string }>;
  /** Item changes not yet replicated to other regions (replication.ts). */
  replication: Collection<PendingChange>;
  /** Version 2017.11.29 global tables (global-legacy.ts); only the account's home scope uses it. */
  globalTables: Collection<LegacyGlobalRec>;
}

export const itemKey = (table: string, pk: string) => `${table}\u0000${pk}`;

/** Called after a restart or a new table: re-creates TTL timers (set by ttl.ts); after a load,
 * re-schedules pending replication (set by replication.ts). */
export const hooks: { afterRebuild?: (s: DynamoState, t: Table) => void; afterLoad?: (s: DynamoState) => void } = {};

/** Fills `into` with `records` grouped by `keyOf`, each group in counter (n) order. */
function groupInOrder<R extends { n: number }>(into: Map<string, R[]>, records: Iterable<R>, keyOf: (r: R) => string): void {
  into.clear();
  for (const r of records) {
    const k = keyOf(r);
    let a = into.get(k);
    if (!a) into.set(k, a = []);
    a.push(r);
  }
  for (const a of into.values()) a.sort((x, y) => x.n - y.n);
}

export const dynamoState = defineState<DynamoState>({
  service: 'dynamodb',
  create: (c) => ({
    tables: c.collection<TableRec>('tables'), items: c.collection<ItemRec>('items'), live: new Map(), tokens: new Map(),
    streams: c.collection<StreamRec>('streams'), streamRecords: c.collection<StoredStreamRecord>('streamRecords'), shards: new Map(),
    backups: c.collection<BackupRec>('backups'), pitrLog: c.collection<PitrEntry>('pitrLog'), pitr: new Map(),
    exports: c.collection<ExportRec>('exports'), imports: c.collection<ImportRec>('imports'),
    replication: c.collection<PendingChange>('replication'), globalTables: c.collection<LegacyGlobalRec>('globalTables'),
  }),
  rebuild(s) {
    s.live.clear();
    groupInOrder(s.shards, s.streamRecords.values(), (r) => r.s);
    groupInOrder(s.pitr, s.pitrLog.values(), (e) => e.t);
    for (const rec of s.tables.values()) s.live.set(rec.name, new Table(rec));
    for (const r of s.items.values()) {
      const t = s.live.get(r.t);
      if (t) t.index(undefined, r.item, t.pkOf(r.item));
    }
    for (const t of s.live.values()) hooks.afterRebuild?.(s, t);
    hooks.afterLoad?.(s);
  },
});

/** Timers outlive a reset unless cancelled; tables register theirs here. */
const allTimers = new Set<Map<string, Timer>>();
export function trackTimers(m: Map<string, Timer>): void { allTimers.add(m); }
onReset((service) => {
  if (service && service !== 'dynamodb') return;
  for (const m of allTimers) { for (const t of m.values()) t.cancel(); m.clear(); }
  allTimers.clear();
});
