// CloudWatch Logs state per account and region: log groups, log streams, events, metric and
// subscription filters, resource policies and query definitions. Events are records of their
// own (journalled one by one); each stream's event list (sorted by timestamp) and each group's
// streams are derived indexes, rebuilt after a load.
import { defineState } from '../../core/state.js';
import type { MetricTransformation, QueryParameter } from '../../protocols/types/logs.js';

export interface GroupRec {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  tags: Record<string, string>;
  logGroupClass: string;
  /** The scope, so retention timers can be re-armed after a restart. */
  account?: string;
  region?: string;
  /** Numbers the group's streams (part of event ids, stable across pages). */
  nextStreamId?: number;
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
  id?: number;
}

export interface EventRec { timestamp: number; message: string; ingestionTime: number; seq: number }

export interface MetricFilterRec {
  group: string;
  name: string;
  pattern: string;
  transformations: MetricTransformation[];
  creationTime: number;
}

export interface SubscriptionRec {
  group: string;
  name: string;
  pattern: string;
  destinationArn: string;
  roleArn?: string;
  distribution: string;
  creationTime: number;
}

export interface ResourcePolicyRec { name: string; document: string; lastUpdatedTime: number; revisionId: string }

export interface QueryDefinitionRec {
  id: string;
  name: string;
  queryString: string;
  logGroupNames?: string[];
  queryLanguage: string;
  parameters?: QueryParameter[];
  lastModified: number;
}

export const streamKey = (group: string, stream: string) => `${group}\u0000${stream}`;
export const eventKey = (group: string, stream: string, seq: number) => `${group}\u0000${stream}\u0000${String(seq).padStart(12, '0')}`;
export const filterKey = (group: string, name: string) => `${group}\u0000${name}`;

function insertSorted(list: EventRec[], e: EventRec): void {
  // Appends are the common case (events mostly arrive in time order).
  if (!list.length || list[list.length - 1].timestamp <= e.timestamp) { list.push(e); return; }
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid].timestamp <= e.timestamp) lo = mid + 1; else hi = mid; }
  list.splice(lo, 0, e);
}

/** The first index whose timestamp is >= t (events sorted by timestamp). */
export function lowerBound(list: EventRec[], t: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid].timestamp < t) lo = mid + 1; else hi = mid; }
  return lo;
}

export const state = defineState({
  service: 'logs',
  create: (c) => ({
    groups: c.collection<GroupRec>('groups'),
    streams: c.collection<StreamRec>('streams'),
    events: c.collection<EventRec>('events'),
    metricFilters: c.collection<MetricFilterRec>('metricFilters'),
    subscriptions: c.collection<SubscriptionRec>('subscriptions'),
    resourcePolicies: c.collection<ResourcePolicyRec>('resourcePolicies'),
    queryDefinitions: c.collection<QueryDefinitionRec>('queryDefinitions'),
    /** Derived: each stream's events in time order. */
    byStream: new Map<string, EventRec[]>(),
    /** Derived: each group's streams by name. */
    streamsByGroup: new Map<string, Map<string, StreamRec>>(),
    /** Derived: each group's subscription filters (at most 2). */
    subsByGroup: new Map<string, SubscriptionRec[]>(),
  }),
  rebuild(s) {
    s.byStream.clear();
    for (const [k, e] of s.events.entries()) {
      const sk = k.slice(0, k.lastIndexOf('\u0000'));
      let l = s.byStream.get(sk);
      if (!l) s.byStream.set(sk, (l = []));
      insertSorted(l, e);
    }
    s.streamsByGroup.clear();
    for (const x of s.streams.values()) indexStream(s, x);
    s.subsByGroup.clear();
    for (const x of s.subscriptions.values()) indexSubscription(s, x);
  },
});
export type LogsState = ReturnType<typeof state>;
export { insertSorted };

export function indexStream(s: LogsState, x: StreamRec): void {
  let m = s.streamsByGroup.get(x.group);
  if (!m) s.streamsByGroup.set(x.group, (m = new Map()));
  m.set(x.name, x);
}

/** Work to redo for each group after a load (retention timers). */
export const onGroupRebuild = (h: (s: LogsState, g: GroupRec) => void) => {
  state.onRebuild((s) => { for (const g of s.groups.values()) h(s, g); });
};

export function indexSubscription(s: LogsState, x: SubscriptionRec): void {
  const list = (s.subsByGroup.get(x.group) ?? []).filter((y) => y.name !== x.name);
  list.push(x);
  s.subsByGroup.set(x.group, list);
}
