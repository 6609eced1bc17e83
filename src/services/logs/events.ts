// Log events: PutLogEvents (then subscription deliveries), GetLogEvents (forward/backward
// tokens), FilterLogEvents (the full filter pattern syntax of patterns.ts, interleaved across
// streams in time order, stable pages). Expired events (retention) are never returned, whether
// or not the retention sweep has removed them yet.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { decodeToken, encodeToken } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type { FilterLogEventsRequest, GetLogEventsRequest, PutLogEventsRequest } from '../../protocols/types/logs.js';
import { groupOf, st, streamOf, streamsOf } from './groups.js';
import { compilePattern } from './patterns.js';
import { DAY, armRetention, retentionArmed } from './retention.js';
import { deliverToSubscriptions } from './subscriptions.js';
import { eventKey, insertSorted, lowerBound, streamKey, type EventRec, type GroupRec, type StreamRec } from './state.js';

// PutLogEvents quotas (CloudWatch Logs quotas page): 10,000 events, 1,048,576 bytes (message
// bytes + 26 per event), a batch spans at most 24 hours, events at most 14 days old or 2 hours
// in the future.
export function putLogEvents(ctx: RequestContext, input: PutLogEventsRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  const stream = streamOf(ctx, g.name, input.logStreamName);
  const evs = input.logEvents;
  if (evs.length > 10000) throw new ServiceError('InvalidParameterException', 'The batch of log events in a single PutLogEvents request cannot exceed 10000 events.');
  const bytes = evs.reduce((n, e) => n + Buffer.byteLength(e.message) + 26, 0);
  if (bytes > 1048576) throw new ServiceError('InvalidParameterException', 'Upload too large: 1048576 bytes exceeds limit of 1048576');
  for (let i = 1; i < evs.length; i++) {
    if (evs[i].timestamp < evs[i - 1].timestamp) {
      throw new ServiceError('InvalidParameterException', 'Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  if (evs.length && evs[evs.length - 1].timestamp - evs[0].timestamp > DAY) {
    throw new ServiceError('InvalidParameterException', 'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const now = clock.now();
  const oldest = now - Math.min(14, g.retentionInDays ?? 14) * DAY;
  let tooOld = -1, tooNew = -1;
  const k = streamKey(g.name, stream.name);
  let list = s.byStream.get(k);
  if (!list) s.byStream.set(k, (list = []));
  const accepted: EventRec[] = [];
  evs.forEach((e, i) => {
    if (e.timestamp < oldest) { tooOld = i; return; }
    if (e.timestamp > now + 2 * 3600_000) { if (tooNew < 0) tooNew = i; return; }
    const rec: EventRec = { timestamp: e.timestamp, message: e.message, ingestionTime: now, seq: stream.seq++ };
    s.events.set(eventKey(g.name, stream.name, rec.seq), rec);
    insertSorted(list!, rec);
    accepted.push(rec);
    stream.storedBytes += Buffer.byteLength(e.message);
    stream.firstEventTimestamp = Math.min(stream.firstEventTimestamp ?? Infinity, e.timestamp);
    stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp ?? -Infinity, e.timestamp);
    stream.lastIngestionTime = now;
  });
  s.streams.set(k, stream);
  if (g.retentionInDays !== undefined && accepted.length && !retentionArmed(ctx, g.name)) armRetention(ctx, s, g);
  if (accepted.length) deliverToSubscriptions(ctx, g, stream, accepted);
  const rejected: Record<string, number> = {};
  if (tooOld >= 0) rejected.tooOldLogEventEndIndex = tooOld;
  if (tooNew >= 0) rejected.tooNewLogEventStartIndex = tooNew;
  return Object.keys(rejected).length ? { rejectedLogEventsInfo: rejected } : {};
}

/** The retention cutoff of a group (events before it are gone). */
const cutoffOf = (g: GroupRec) => (g.retentionInDays !== undefined ? clock.now() - g.retentionInDays * DAY : -Infinity);

function visible(g: GroupRec, list: EventRec[], start?: number, end?: number): EventRec[] {
  const cutoff = cutoffOf(g);
  return list.filter((e) => e.timestamp >= cutoff && (start === undefined || e.timestamp >= start) && (end === undefined || e.timestamp < end));
}

const tokenOf = (dir: 'f' | 'b', pos: number) => `${dir}/${String(pos).padStart(56, '0')}/s`;

export function getLogEvents(ctx: RequestContext, input: GetLogEventsRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, input);
  const stream = streamOf(ctx, g.name, input.logStreamName);
  const all = visible(g, s.byStream.get(streamKey(g.name, stream.name)) ?? [], input.startTime, input.endTime);
  const limit = Math.min(input.limit && input.limit > 0 ? input.limit : 10000, 10000);
  let from: number, to: number;
  const t = input.nextToken ? /^([fb])\/(\d+)(?:\/s)?$/.exec(input.nextToken) : undefined;
  if (input.nextToken && !t) throw new ServiceError('InvalidParameterException', 'The specified nextToken is invalid.');
  if (t) {
    const pos = Math.min(Number(t[2]), all.length);
    if (t[1] === 'f') { from = pos; to = Math.min(all.length, pos + limit); } else { to = pos; from = Math.max(0, pos - limit); }
  } else if (input.startFromHead) { from = 0; to = Math.min(all.length, limit); } else { to = all.length; from = Math.max(0, to - limit); }
  return {
    events: all.slice(from, to).map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: tokenOf('f', to),
    nextBackwardToken: tokenOf('b', from),
  };
}

/**
 * A 56-digit event id that sorts as the events interleave: timestamp, then the stream's number
 * within its group, then the event's sequence in the stream. Pages resume after the last id.
 */
export const eventIdOf = (stream: StreamRec, e: EventRec) =>
  `${String(e.timestamp).padStart(20, '0')}${String(stream.id ?? 0).padStart(12, '0')}${String(e.seq).padStart(16, '0')}00000000`;

interface Hit { logStreamName: string; timestamp: number; message: string; ingestionTime: number; eventId: string }

/** A stream's position in the merge: the next event to look at. */
interface Cursor { stream: StreamRec; list: EventRec[]; i: number }

/** Orders cursors by their next event's id (timestamp, stream number, sequence). */
const before = (a: Cursor, b: Cursor) => {
  const x = a.list[a.i], y = b.list[b.i];
  return x.timestamp !== y.timestamp ? x.timestamp < y.timestamp
    : (a.stream.id ?? 0) !== (b.stream.id ?? 0) ? (a.stream.id ?? 0) < (b.stream.id ?? 0) : x.seq < y.seq;
};

/** A binary min-heap of cursors. */
class CursorHeap {
  private h: Cursor[] = [];
  get size() { return this.h.length; }
  push(c: Cursor): void {
    const h = this.h;
    h.push(c);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): Cursor | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * FilterLogEvents: the group's streams merged in event-id order (a heap over per-stream
 * cursors, each starting at its first event in the window), filtered by the compiled pattern,
 * stopping once a page is full. The token is the last id returned, so a page resumes exactly
 * after it even if events were added in between.
 */
export function filterLogEvents(ctx: RequestContext, input: FilterLogEventsRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, input);
  if (input.logStreamNames && input.logStreamNamePrefix) {
    throw new ServiceError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  if (input.startTime !== undefined && input.endTime !== undefined && input.startTime > input.endTime) {
    throw new ServiceError('InvalidParameterException', 'startTime must be less than or equal to endTime.');
  }
  const pattern = compilePattern(input.filterPattern);
  let after: string | undefined;
  if (input.nextToken) {
    const pos = decodeToken('FilterLogEvents', input.nextToken);
    if (!pos || pos.k === undefined) throw new ServiceError('InvalidParameterException', 'The specified nextToken is invalid.');
    after = pos.k;
  }
  let streams = streamsOf(s, g.name);
  if (input.logStreamNames) {
    const wanted = new Set(input.logStreamNames);
    streams = streams.filter((x) => wanted.has(x.name));
  }
  if (input.logStreamNamePrefix) streams = streams.filter((x) => x.name.startsWith(input.logStreamNamePrefix!));
  streams.sort((a, b) => (a.name < b.name ? -1 : 1));
  // startTime: events before it are not returned; endTime: events after it are not returned.
  const afterTs = after !== undefined ? Number(after.slice(0, 20)) : -Infinity;
  const from = Math.max(cutoffOf(g), input.startTime ?? -Infinity, afterTs);
  const to = input.endTime ?? Infinity;
  const limit = Math.min(input.limit && input.limit > 0 ? input.limit : 10000, 10000);
  const heap = new CursorHeap();
  for (const x of streams) {
    const list = s.byStream.get(streamKey(g.name, x.name)) ?? [];
    const i = from === -Infinity ? 0 : lowerBound(list, from);
    if (i < list.length && list[i].timestamp <= to) heap.push({ stream: x, list, i });
  }
  const hits: Hit[] = [];
  let more = false;
  while (heap.size) {
    const c = heap.pop()!;
    const e = c.list[c.i];
    const eventId = eventIdOf(c.stream, e);
    if ((after === undefined || eventId > after) && pattern.match(e.message)) {
      if (hits.length === limit) { more = true; break; }
      hits.push({ logStreamName: c.stream.name, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId });
    }
    c.i++;
    if (c.i < c.list.length && c.list[c.i].timestamp <= to) heap.push(c);
  }
  return {
    events: hits,
    // Deprecated by AWS, still answered: every stream searched, completely.
    searchedLogStreams: streams.map((x) => ({ logStreamName: x.name, searchedCompletely: true })),
    ...(more ? { nextToken: encodeToken('FilterLogEvents', { k: hits[hits.length - 1].eventId }) } : {}),
  };
}
