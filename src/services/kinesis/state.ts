// Kinesis state per account and region. Journalled: stream records (settings, tags, the shard
// map), one record per data record, and enhanced fan-out consumers. Beside them, per stream, the
// live shard objects: each shard holds its records in an array ordered by sequence (binary
// search finds any position), the open shards are kept sorted by hash range (binary search
// routes a partition key), and one clock timer per stream drops records past retention.
import { defineState, onReset, type Collection } from '../../core/state.js';
import { clock } from '../../core/clock-instance.js';
import type { Timer } from '../../core/clock.js';

/** A shard as persisted: hash keys as decimal strings, sequence bounds as stream counters. */
export interface ShardRec {
  /** Index: the shard id is shardId-<12 digits of it>. */
  i: number;
  /** Parent and adjacent parent shard indexes (resharding). */
  p?: number;
  a?: number;
  lo: string;
  hi: string;
  /** Counter value the shard starts after (its StartingSequenceNumber). */
  s: number;
  /** Counter value it ended at (its EndingSequenceNumber), once closed. */
  e?: number;
  /** When it opened and closed (epoch ms). */
  t0: number;
  t1?: number;
}

export interface StreamRec {
  name: string;
  arn: string;
  /** Epoch ms; also part of sequence numbers and iterators (a recreated stream is another stream). */
  created: number;
  /** CREATING until then, ACTIVE after (epoch ms). */
  activeAt: number;
  /** UPDATING until then (resharding, mode changes). */
  updatingUntil?: number;
  mode: 'PROVISIONED' | 'ON_DEMAND';
  retentionH: number;
  tags: Record<string, string>;
  encryption: 'NONE' | 'KMS';
  keyId?: string;
  metrics: string[];
  shards: ShardRec[];
  /** Next shard index. */
  nextShard: number;
  /** The stream's sequence counter when last persisted (records carry theirs too). */
  ctr: number;
  maxRecordKiB: number;
  policy?: string;
}

/** One data record. Key: `<stream>/<shard index>/<counter>`. */
export interface RecordRec {
  s: string;
  h: number;
  /** Sequence counter (stream wide, strictly increasing). */
  c: number;
  /** Arrival, epoch ms. */
  t: number;
  k: string;
  d: Buffer;
  /** 1 when written to a KMS-encrypted stream (records report EncryptionType KMS). */
  e?: 1;
}

export interface ConsumerRec {
  name: string;
  arn: string;
  stream: string;
  streamArn: string;
  created: number;
  activeAt: number;
  policy?: string;
  tags: Record<string, string>;
}

export class Shard {
  /** Records in sequence order; those before `head` were trimmed (compacted now and then). */
  recs: RecordRec[] = [];
  head = 0;
  lastT = 0;
  lo: bigint;
  hi: bigint;
  /** Waiters for new records (SubscribeToShard), called after each append. */
  listeners = new Set<() => void>();
  /** Write capacity used in the current second (provisioned streams). */
  winSec = 0; winRecs = 0; winBytes = 0;
  constructor(public rec: ShardRec) { this.lo = BigInt(rec.lo); this.hi = BigInt(rec.hi); }
  get id(): string { return shardId(this.rec.i); }
  get open(): boolean { return this.rec.e === undefined; }
  get size(): number { return this.recs.length - this.head; }

  /** Index (into recs) of the first record with counter > c. */
  after(c: number): number {
    let lo = this.head, hi = this.recs.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (this.recs[m].c <= c) lo = m + 1; else hi = m; }
    return lo;
  }
  /** Index of the first record that arrived at or after t. */
  atTime(t: number): number {
    let lo = this.head, hi = this.recs.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (this.recs[m].t < t) lo = m + 1; else hi = m; }
    return lo;
  }
  /** Drops records that arrived at or before `cutoff`; returns them (for the journal). */
  trim(cutoff: number): RecordRec[] {
    const start = this.head;
    while (this.head < this.recs.length && this.recs[this.head].t <= cutoff) this.head++;
    const gone = this.recs.slice(start, this.head);
    if (this.head > 1024 && this.head * 2 > this.recs.length) { this.recs = this.recs.slice(this.head); this.head = 0; }
    return gone;
  }
}

export class Stream {
  readonly shards = new Map<number, Shard>();
  /** Open shards sorted by starting hash key. */
  open: Shard[] = [];
  ctr: number;
  trimTimer: Timer | undefined;
  constructor(public rec: StreamRec) {
    this.ctr = rec.ctr;
    for (const sr of rec.shards) this.shards.set(sr.i, new Shard(sr));
    this.reindex();
  }
  get name(): string { return this.rec.name; }
  reindex(): void {
    this.open = [...this.shards.values()].filter((s) => s.open).sort((a, b) => (a.lo < b.lo ? -1 : 1));
  }
  /** The open shard whose hash key range holds `h`. */
  route(h: bigint): Shard {
    const o = this.open;
    let lo = 0, hi = o.length - 1;
    while (lo < hi) { const m = (lo + hi + 1) >> 1; if (o[m].lo <= h) lo = m; else hi = m - 1; }
    return o[lo];
  }
  /** Shards in id order, as listings show them. */
  ordered(): Shard[] { return [...this.shards.values()].sort((a, b) => a.rec.i - b.rec.i); }
}

export const shardId = (i: number): string => `shardId-${String(i).padStart(12, '0')}`;

export interface KinesisState {
  streams: Collection<StreamRec>;
  records: Collection<RecordRec>;
  consumers: Collection<ConsumerRec>;
  live: Map<string, Stream>;
}

export const recordKey = (r: RecordRec): string => `${r.s}/${r.h}/${r.c}`;

export const kinesisState = defineState<KinesisState>({
  service: 'kinesis',
  create: (c) => {
    const s: KinesisState = {
      streams: c.collection<StreamRec>('streams'),
      records: c.collection<RecordRec>('records'),
      consumers: c.collection<ConsumerRec>('consumers'),
      live: new Map(),
    };
    allStates.add(s);
    return s;
  },
  rebuild(s) {
    for (const st of s.live.values()) st.trimTimer?.cancel();
    s.live.clear();
    // The clock starts again from real time after a restart, which may be behind the virtual
    // time a stream or consumer was created at: what was ACTIVE must not turn CREATING again.
    const t = clock.now();
    for (const rec of s.streams.values()) {
      if (rec.activeAt > t) rec.activeAt = t;
      if (rec.updatingUntil !== undefined && rec.updatingUntil > t) rec.updatingUntil = t;
      s.live.set(rec.name, new Stream(rec));
    }
    for (const c of s.consumers.values()) if (c.activeAt > t) c.activeAt = t;
    const byShard = new Map<Shard, RecordRec[]>();
    for (const [key, r] of [...s.records.entries()]) {
      const st = s.live.get(r.s);
      const sh = st?.shards.get(r.h);
      if (!st || !sh) { s.records.delete(key); continue; }
      let list = byShard.get(sh);
      if (!list) byShard.set(sh, list = []);
      list.push(r);
      if (r.c > st.ctr) st.ctr = r.c;
    }
    for (const [sh, list] of byShard) {
      list.sort((a, b) => a.c - b.c);
      sh.recs = list; sh.head = 0;
      sh.lastT = list[list.length - 1].t;
    }
    for (const st of s.live.values()) for (const sh of st.shards.values()) if (sh.rec.e !== undefined && sh.rec.e > st.ctr) st.ctr = sh.rec.e;
  },
});

const allStates = new Set<KinesisState>();
/** Lets retention resume its timers after a restart. */
export const onRebuild = kinesisState.onRebuild;

onReset((service) => {
  if (service && service !== 'kinesis') return;
  // Timers stop; subscriptions see their stream gone and end.
  for (const s of allStates) {
    const streams = [...s.live.values()];
    s.live.clear();
    for (const st of streams) {
      st.trimTimer?.cancel();
      for (const sh of st.shards.values()) for (const l of [...sh.listeners]) l();
    }
  }
  allStates.clear();
});

