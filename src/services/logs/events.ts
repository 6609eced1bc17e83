// Log events: PutLogEvents, GetLogEvents (forward/backward tokens), FilterLogEvents (term
// filter patterns, interleaved across streams). Retention applies at read time: events older
// than the group's retention are no longer returned.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type { FilterLogEventsRequest, GetLogEventsRequest, PutLogEventsRequest } from '../../protocols/types/logs.js';
import { groupOf, st, streamOf } from './groups.js';
import { eventKey, insertSorted, streamKey, type EventRec, type GroupRec } from './state.js';

const DAY = 24 * 3600_000;

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
  evs.forEach((e, i) => {
    if (e.timestamp < oldest) { tooOld = i; return; }
    if (e.timestamp > now + 2 * 3600_000) { if (tooNew < 0) tooNew = i; return; }
    const rec: EventRec = { timestamp: e.timestamp, message: e.message, ingestionTime: now, seq: stream.seq++ };
    s.events.set(eventKey(g.name, stream.name, rec.seq), rec);
    insertSorted(list!, rec);
    stream.storedBytes += Buffer.byteLength(e.message);
    stream.firstEventTimestamp = Math.min(stream.firstEventTimestamp ?? Infinity, e.timestamp);
    stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp ?? -Infinity, e.timestamp);
    stream.lastIngestionTime = now;
  });
  s.streams.set(k, stream);
  const rejected: Record<string, number> = {};
  if (tooOld >= 0) rejected.tooOldLogEventEndIndex = tooOld;
  if (tooNew >= 0) rejected.tooNewLogEventStartIndex = tooNew;
  return Object.keys(rejected).length ? { rejectedLogEventsInfo: rejected } : {};
}

function visible(g: GroupRec, list: EventRec[], start?: number, end?: number): EventRec[] {
  const cutoff = g.retentionInDays !== undefined ? clock.now() - g.retentionInDays * DAY : -Infinity;
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
 * A filter pattern on unstructured text: terms that must all appear (case-sensitive),
 * "quoted phrases", `?term` (any of these), `-term` (must not appear). JSON and
 * space-delimited patterns ({ $.x = … }, [a, b]) are not supported yet.
 */
function matcher(pattern: string | undefined): (m: string) => boolean {
  const p = (pattern ?? '').trim();
  if (!p || p === '""') return () => true;
  if (p.startsWith('{') || p.startsWith('[') || p.startsWith('%')) {
    throw new ServiceError('InvalidParameterException', 'Nimbus does not support JSON, space-delimited or regular-expression filter patterns yet.');
  }
  const terms = [...p.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((m) => ({ op: m[1], text: m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3] }));
  const any = terms.filter((t) => t.op === '?');
  const all = terms.filter((t) => t.op === '');
  const none = terms.filter((t) => t.op === '-');
  return (m) => all.every((t) => m.includes(t.text)) && none.every((t) => !m.includes(t.text)) && (!any.length || any.some((t) => m.includes(t.text)));
}

export function filterLogEvents(ctx: RequestContext, input: FilterLogEventsRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, input);
  if (input.logStreamNames && input.logStreamNamePrefix) {
    throw new ServiceError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  const match = matcher(input.filterPattern);
  const prefix = `${g.name}\u0000`;
  const names: string[] = [];
  for (const x of s.streams.values()) {
    if (x.group !== g.name) continue;
    if (input.logStreamNames && !input.logStreamNames.includes(x.name)) continue;
    if (input.logStreamNamePrefix && !x.name.startsWith(input.logStreamNamePrefix)) continue;
    names.push(x.name);
  }
  const events: { logStreamName: string; timestamp: number; message: string; ingestionTime: number; eventId: string }[] = [];
  for (const name of names) {
    for (const e of visible(g, s.byStream.get(`${prefix}${name}`) ?? [], input.startTime, input.endTime)) {
      if (match(e.message)) {
        events.push({ logStreamName: name, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime,
          eventId: `${String(e.timestamp).padStart(20, '0')}${String(e.seq).padStart(16, '0')}${String(names.indexOf(name)).padStart(8, '0')}` });
      }
    }
  }
  events.sort((a, b) => a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, events, { defaultLimit: 10000, maxLimit: 10000,
    invalidToken: () => new ServiceError('InvalidParameterException', 'The specified nextToken is invalid.') });
  out.searchedLogStreams = names.map((logStreamName) => ({ logStreamName, searchedCompletely: true }));
  return out;
}
