// Global tables replication, both versions: every item change made in one region reaches the
// table's replicas in the other regions REPLICATION_DELAY_MS later on the clock (AWS replicates
// asynchronously, "usually within a second": Developer Guide, "Global tables - multi-active,
// multi-Region replication"). Changes wait in a journalled queue, so an acknowledged write is
// never lost to kill -9, and a timer per scope delivers them in write order.
//
// Conflicts: last writer wins by write time (Developer Guide, "How DynamoDB global tables work":
// "last writer wins" reconciliation). Each replicated table remembers its recent writes per item
// (epoch ms, region); a change arriving with an older write time is dropped, ties go to the
// higher region name so every replica converges on the same item. Replicated writes go through
// the one write path with origin 'replication': they reach the replica's own stream ("each
// global table produces an independent stream based on all its writes, regardless of the
// origination point": Developer Guide, "How global tables work"), its Kinesis destinations and
// TTL, but are never replicated again (no loops). Their stream records carry no userIdentity:
// AWS marks replicated writes in no way (consumers tell them apart with an attribute of their
// own, e.g. jgilbert01/aws-lambda-stream#363), and version 2019.11.21 makes no extra write.
//
// Version 2017.11.29 tables also get the aws:rep:updateregion, aws:rep:updatetime and
// aws:rep:deleting attributes on every replicated item, in the source region too (Developer
// Guide, "Global tables version 2017.11.29 (Legacy)": "DynamoDB adds these attributes … you
// should not alter them").
import { clock } from '../../core/clock-instance.js';
import type { Timer } from '../../core/clock.js';
import { currentItem, writeHooks, writeItem } from './common.js';
import { type DynamoState, type PendingChange, type Table, dynamoState, hooks, trackTimers } from './state.js';
import { type Item, cloneItem, equalValues } from './values.js';
import { deliverToKinesis } from './kinesis-destinations.js';

export const REPLICATION_DELAY_MS = 500;
/** How long a write is remembered for last-writer-wins: far beyond any replication delay. */
const REMEMBER_MS = 5 * 60_000;

const pendingKey = (n: number) => String(n).padStart(16, '0');
let counter = 1;

/** Account and region of a table, from its ARN. */
export function scopeOf(t: Table): { accountId: string; region: string } {
  const [, , , region, accountId] = t.rec.arn.split(':');
  return { accountId, region };
}

/** The regions a table's changes go to: its replicas (not being deleted), or its legacy group's other members. */
export function replicationTargets(t: Table, ownRegion: string): string[] {
  if (t.rec.replicas) return t.rec.replicas.filter((r) => r.deletingAt === undefined).map((r) => r.region);
  if (t.rec.legacyGroup) return t.rec.legacyGroup.regions.filter((r) => r !== ownRegion);
  return [];
}

/** Remembers a write for last-writer-wins, forgetting ones older than REMEMBER_MS. */
function noteWrite(t: Table, pk: string, at: number, region: string): void {
  const m = t.lastWrite;
  m.delete(pk);
  m.set(pk, { at, region });
  const horizon = clock.now() - REMEMBER_MS;
  for (const [k, v] of m) {
    if (v.at >= horizon) break;
    m.delete(k);
  }
}

/** Whether a write made at `at` in `region` loses against the last one this table saw for the item. */
function loses(t: Table, pk: string, at: number, region: string): boolean {
  const last = t.lastWrite.get(pk);
  return !!last && (last.at > at || (last.at === at && last.region > region));
}

// Per scope: pending changes in write order and the timer that delivers the next one.
const queues = new WeakMap<DynamoState, PendingChange[]>();
const timers = new Map<string, Timer>();

function queueOf(s: DynamoState): PendingChange[] {
  let q = queues.get(s);
  if (!q) queues.set(s, q = []);
  return q;
}

function arm(s: DynamoState, scope: { accountId: string; region: string }): void {
  const q = queueOf(s);
  const key = `${scope.accountId}/${scope.region}`;
  if (!q.length || timers.has(key)) return;
  trackTimers(timers);
  timers.set(key, clock.schedule(q[0].at + REPLICATION_DELAY_MS, () => {
    timers.delete(key);
    flush(s, scope);
  }));
}

function flush(s: DynamoState, scope: { accountId: string; region: string }): void {
  const q = queueOf(s);
  const now = clock.now();
  while (q.length && q[0].at + REPLICATION_DELAY_MS <= now) {
    const c = q.shift()!;
    s.replication.delete(pendingKey(c.n));
    if (c.legacy) stampSource(s, c);
    for (const region of c.to) deliver(c, region);
  }
  arm(s, scope);
}

/** The replication attributes version 2017.11.29 adds to an item. */
function repAttributes(item: Item, c: PendingChange): Item {
  const micros = c.at * 1000;
  return {
    ...item,
    'aws:rep:deleting': { BOOL: false },
    'aws:rep:updatetime': { N: `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}` },
    'aws:rep:updateregion': { S: c.region },
  };
}

function sameItem(a: Item, b: Item): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] !== undefined && equalValues(a[k], b[k]));
}

/** Legacy tables: the source item gets the replication attributes too, unless it changed since. */
function stampSource(s: DynamoState, c: PendingChange): void {
  if (!c.item) return;
  const t = s.live.get(c.table);
  if (!t) return;
  const cur = currentItem(s, t, c.pk);
  if (!cur || !sameItem(cur, c.item)) return;
  writeItem(s, t, c.pk, cur, repAttributes(cur, c), 'replication');
}

function isMember(t: Table, region: string, legacy: boolean | undefined): boolean {
  if (legacy) return !!t.rec.legacyGroup?.regions.includes(region);
  return !!t.rec.replicas?.some((r) => r.region === region && r.deletingAt === undefined);
}

/** Applies one change to the replica in `region`, unless a later write already won there. */
function deliver(c: PendingChange, region: string): void {
  const ts = dynamoState({ accountId: c.accountId, region });
  const t = ts.live.get(c.table);
  if (!t || !isMember(t, c.region, c.legacy)) return;
  if (loses(t, c.pk, c.at, c.region)) return;
  noteWrite(t, c.pk, c.at, c.region);
  const before = currentItem(ts, t, c.pk);
  const after = c.item ? (c.legacy ? repAttributes(c.item, c) : cloneItem(c.item)) : undefined;
  if (!before && !after) return;
  writeItem(ts, t, c.pk, before, after, 'replication');
}

/** Copies every item of `from` into the new replica `to` (a replica starts as a full copy). */
export function copyItems(from: Table, ts: DynamoState, to: Table): void {
  for (const p of from.base.parts) for (const e of p.entries) writeItem(ts, to, e.pk, undefined, cloneItem(e.item), 'replication');
}

writeHooks.fanOut = (s, t, pk, before, after, origin) => {
  if (t.rec.kinesis) deliverToKinesis(t, before, after, origin);
  if (origin === 'replication') return;
  const scope = scopeOf(t);
  const to = replicationTargets(t, scope.region);
  if (!to.length) return;
  const at = clock.now();
  noteWrite(t, pk, at, scope.region);
  const c: PendingChange = {
    n: counter++, table: t.rec.name, pk, item: after, at, to, ...scope,
    ...(t.rec.legacyGroup && !t.rec.replicas ? { legacy: true } : {}),
  };
  s.replication.set(pendingKey(c.n), c);
  queueOf(s).push(c);
  arm(s, scope);
};

// After a restart: the journalled changes wait again, in write order.
hooks.afterLoad = (s) => {
  const pending = [...s.replication.values()].sort((a, b) => a.n - b.n);
  if (!pending.length) return;
  counter = Math.max(counter, pending[pending.length - 1].n + 1);
  const q = queueOf(s);
  q.length = 0;
  q.push(...pending);
  arm(s, { accountId: pending[0].accountId, region: pending[0].region });
};
