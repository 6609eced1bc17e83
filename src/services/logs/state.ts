// CloudWatch Logs state per account and region: log groups, log streams, and events. Events
// are records of their own (journalled one by one); each stream's event list is a derived
// index, sorted by timestamp, rebuilt after a load.
import { defineState } from '../../core/state.js';

export interface GroupRec {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  tags: Record<string, string>;
  logGroupClass: string;
}

export interface StreamRec {
  group: string;
  name: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes: number;
  /** The next event's sequence number within the stream. */
  seq: number;
}

export interface EventRec { timestamp: number; message: string; ingestionTime: number; seq: number }

export const streamKey = (group: string, stream: string) => `${group}\u0000${stream}`;
export const eventKey = (group: string, stream: string, seq: number) => `${group}\u0000${stream}\u0000${String(seq).padStart(12, '0')}`;

function insertSorted(list: EventRec[], e: EventRec): void {
  // Appends are the common case (events mostly arrive in time order).
  if (!list.length || list[list.length - 1].timestamp <= e.timestamp) { list.push(e); return; }
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid].timestamp <= e.timestamp) lo = mid + 1; else hi = mid; }
  list.splice(lo, 0, e);
}

export const state = defineState({
  service: 'logs',
  create: (c) => ({
    groups: c.collection<GroupRec>('groups'),
    streams: c.collection<StreamRec>('streams'),
    events: c.collection<EventRec>('events'),
    /** Derived: each stream's events in time order. */
    byStream: new Map<string, EventRec[]>(),
  }),
  rebuild(s) {
    s.byStream.clear();
    for (const [k, e] of s.events.entries()) {
      const sk = k.slice(0, k.lastIndexOf('\u0000'));
      let l = s.byStream.get(sk);
      if (!l) s.byStream.set(sk, (l = []));
      insertSorted(l, e);
    }
  },
});
export type LogsState = ReturnType<typeof state>;
export { insertSorted };
