// Point-in-time recovery's change log: while PITR is on for a table, every item change is
// appended (journalled, one record each) with the item the key holds from then on. Turning
// PITR on logs every existing item first, so replaying a table's log up to an instant
// rebuilds the table as it was then (backups.ts RestoreTableToPointInTime). The log lives as
// long as PITR stays on; turning it off or deleting the table drops it.
import { clock } from '../../core/clock-instance.js';
import type { DynamoState, PitrEntry, Table } from './state.js';
import type { Item } from './values.js';

const entryKey = (table: string, n: number) => `${table}\u0000${String(n).padStart(16, '0')}`;

export function logChange(s: DynamoState, t: Table, pk: string, after: Item | undefined, at = clock.now()): void {
  if (!t.rec.pitr?.enabled) return;
  let log = s.pitr.get(t.rec.name);
  if (!log) s.pitr.set(t.rec.name, log = []);
  const n = log.length ? log[log.length - 1].n + 1 : 1;
  const e: PitrEntry = { t: t.rec.name, n, at, pk, ...(after ? { item: after } : {}) };
  log.push(e);
  s.pitrLog.set(entryKey(t.rec.name, n), e);
}

/** Starts a log: every current item, as of now. */
export function startLog(s: DynamoState, t: Table): void {
  dropLog(s, t.rec.name);
  const at = clock.now();
  for (const p of t.base.parts) for (const e of p.entries) logChange(s, t, e.pk, e.item, at);
}

export function dropLog(s: DynamoState, table: string): void {
  for (const e of s.pitr.get(table) ?? []) s.pitrLog.delete(entryKey(table, e.n));
  s.pitr.delete(table);
}

/** The table's items as they were at `at` (epoch ms). */
export function itemsAt(s: DynamoState, table: string, at: number): Item[] {
  const state = new Map<string, Item | undefined>();
  for (const e of s.pitr.get(table) ?? []) {
    if (e.at > at) break;
    state.set(e.pk, e.item);
  }
  return [...state.values()].filter((x): x is Item => !!x);
}
