// Retention on the clock: once a group has a retention policy, a timer fires when its oldest
// event falls out of the retention window and deletes every event that has, then re-arms for
// the next oldest. Reads also hide expired events (visible()), so nothing expired is ever
// returned even between sweeps. Timers live outside the collections; they are re-armed after a
// load (onGroupRebuild) and dropped on reset.
import { clock } from '../../core/clock-instance.js';
import type { Timer } from '../../core/clock.js';
import { onReset } from '../../core/state.js';
import { eventKey, lowerBound, onGroupRebuild, streamKey, type GroupRec, type LogsState } from './state.js';

export const DAY = 24 * 3600_000;

const timers = new Map<string, Timer>();
const keyOf = (scope: { accountId: string; region: string }, group: string) => `${scope.accountId}/${scope.region}/${group}`;

onReset((service) => {
  if (service && service !== 'logs') return;
  for (const t of timers.values()) t.cancel();
  timers.clear();
});

onGroupRebuild((s, g) => {
  if (g.account && g.region) armRetention({ accountId: g.account, region: g.region }, s, g);
});

export function clearRetention(scope: { accountId: string; region: string }, group: string): void {
  const k = keyOf(scope, group);
  timers.get(k)?.cancel();
  timers.delete(k);
}

/** Whether a sweep is already scheduled for the group. */
export const retentionArmed = (scope: { accountId: string; region: string }, group: string) => timers.has(keyOf(scope, group));

/** Schedules the next sweep of a group (at its oldest event's expiry); sweeps now if due. */
export function armRetention(scope: { accountId: string; region: string }, s: LogsState, g: GroupRec): void {
  clearRetention(scope, g.name);
  if (g.retentionInDays === undefined) return;
  const keep = g.retentionInDays * DAY;
  let oldest = Infinity;
  for (const x of s.streamsByGroup.get(g.name)?.values() ?? []) {
    const first = s.byStream.get(streamKey(g.name, x.name))?.[0];
    if (first && first.timestamp < oldest) oldest = first.timestamp;
  }
  if (oldest === Infinity) return; // armed again by the next PutLogEvents
  if (oldest + keep <= clock.now()) {
    // Already expired (a shorter retention was just set): sweep before answering.
    sweep(s, g);
    armRetention(scope, s, g);
    return;
  }
  const k = keyOf(scope, g.name);
  timers.set(k, clock.schedule(oldest + keep, () => {
    timers.delete(k);
    const cur = s.groups.get(g.name);
    if (!cur || cur.retentionInDays === undefined) return;
    sweep(s, cur);
    armRetention(scope, s, cur);
  }));
}

/** Deletes every event of the group older than its retention. */
export function sweep(s: LogsState, g: GroupRec): void {
  if (g.retentionInDays === undefined) return;
  const cutoff = clock.now() - g.retentionInDays * DAY;
  for (const x of s.streamsByGroup.get(g.name)?.values() ?? []) {
    const k = streamKey(g.name, x.name);
    const list = s.byStream.get(k);
    if (!list?.length || list[0].timestamp >= cutoff) continue;
    const n = lowerBound(list, cutoff);
    for (const e of list.slice(0, n)) {
      s.events.delete(eventKey(g.name, x.name, e.seq));
      x.storedBytes -= Buffer.byteLength(e.message);
    }
    list.splice(0, n);
    x.firstEventTimestamp = list.length ? list[0].timestamp : undefined;
    if (!list.length) x.lastEventTimestamp = undefined;
    s.streams.set(k, x);
  }
}
