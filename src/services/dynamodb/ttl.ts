// Time to Live: UpdateTimeToLive / DescribeTimeToLive, and the expiry of items on the one
// clock. The sweeper is a timer per item: each item whose TTL attribute is a Number (epoch
// seconds) gets one at that instant; when it fires, the item is deleted if it still carries an
// expired value, and the deletion goes to the stream as a REMOVE with the DynamoDB service as
// userIdentity. AWS deletes "typically within two days of expiration" (API Reference,
// UpdateTimeToLive); Nimbus deletes at the instant of expiry on the virtual clock (well within
// the minute promised), so a test simply advances the clock. A TTL attribute that is not a
// Number never expires.
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, getTable, st, writeHooks, writeItem, currentItem } from './common.js';
import { type DynamoState, type Table, hooks, trackTimers } from './state.js';
import { type Item, validation, Dec } from './values.js';
import { peersOf } from './replicas.js';

function expiryMs(t: Table, item: Item | undefined): number | undefined {
  const ttl = t.rec.ttl;
  if (!ttl?.enabled || !item) return undefined;
  const v = item[ttl.attr];
  if (v?.N === undefined) return undefined;
  const ms = new Dec(v.N).times(1000).floor().toNumber();
  return Number.isFinite(ms) ? ms : undefined;
}

function schedule(s: DynamoState, t: Table, pk: string, item: Item | undefined): void {
  t.ttlTimers.get(pk)?.cancel();
  t.ttlTimers.delete(pk);
  const at = expiryMs(t, item);
  if (at === undefined) return;
  t.ttlTimers.set(pk, clock.schedule(at, () => {
    t.ttlTimers.delete(pk);
    if (s.live.get(t.rec.name) !== t) return;
    const cur = currentItem(s, t, pk);
    const exp = expiryMs(t, cur);
    if (cur && exp !== undefined && exp <= clock.now()) writeItem(s, t, pk, cur, undefined, 'ttl');
  }));
}

function scheduleAll(s: DynamoState, t: Table): void {
  trackTimers(t.ttlTimers);
  for (const p of t.base.parts) for (const e of p.entries) schedule(s, t, e.pk, e.item);
}

writeHooks.afterWrite = (s, t, pk, item) => { if (t.rec.ttl?.enabled || t.ttlTimers.has(pk)) schedule(s, t, pk, item); };
hooks.afterRebuild = (s, t) => { if (t.rec.ttl?.enabled) scheduleAll(s, t); };

export function updateTimeToLive(ctx: RequestContext, input: In<'UpdateTimeToLive'>): Out<'UpdateTimeToLive'> {
  const s = st(ctx);
  const t = getTable(ctx, input.TableName);
  const spec = input.TimeToLiveSpecification;
  const cur = t.rec.ttl;
  if (spec.Enabled && cur?.enabled) throw validation('TimeToLive is already enabled');
  if (!spec.Enabled && !cur?.enabled) throw validation('TimeToLive is already disabled');
  // A global table's replicas share the setting (TimeToLiveSpecification is a table-level,
  // not per-replica, property of AWS::DynamoDB::GlobalTable; synchronized settings).
  for (const m of [{ s, t }, ...peersOf(ctx, t.rec)]) {
    m.t.rec = { ...m.t.rec, ttl: { attr: spec.AttributeName, enabled: spec.Enabled } };
    m.s.tables.set(m.t.rec.name, m.t.rec);
    if (spec.Enabled) scheduleAll(m.s, m.t);
    else { for (const x of m.t.ttlTimers.values()) x.cancel(); m.t.ttlTimers.clear(); }
  }
  return { TimeToLiveSpecification: { Enabled: spec.Enabled, AttributeName: spec.AttributeName } };
}

export function describeTimeToLive(ctx: RequestContext, input: In<'DescribeTimeToLive'>): Out<'DescribeTimeToLive'> {
  const t = getTable(ctx, input.TableName);
  const ttl = t.rec.ttl;
  return { TimeToLiveDescription: ttl?.enabled ? { TimeToLiveStatus: 'ENABLED', AttributeName: ttl.attr } : { TimeToLiveStatus: 'DISABLED' } };
}
