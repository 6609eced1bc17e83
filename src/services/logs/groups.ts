// Log groups (create, delete, describe, list, retention) and log streams; each group keeps
// an index of its streams (state.streamsByGroup).
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { decodeToken, encodeToken, page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type {
  CreateLogGroupRequest, CreateLogStreamRequest, DeleteLogGroupRequest, DeleteLogStreamRequest, DeleteRetentionPolicyRequest,
  DescribeLogGroupsRequest, DescribeLogStreamsRequest, ListLogGroupsRequest, PutRetentionPolicyRequest,
} from '../../protocols/types/logs.js';
import { indexStream, state, streamKey, type GroupRec, type LogsState, type StreamRec } from './state.js';
import { armRetention, clearRetention } from './retention.js';

export const st = (ctx: RequestContext): LogsState => state(ctx);

export const groupArn = (ctx: RequestContext, name: string) => `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}`;

export const groupGone = () => new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
export const streamGone = () => new ServiceError('ResourceNotFoundException', 'The specified log stream does not exist.');

const invalidToken = () => new ServiceError('InvalidParameterException', 'The specified nextToken is invalid.');

/** A group named by logGroupName or logGroupIdentifier (a name or an ARN). */
export function groupOf(ctx: RequestContext, input: { logGroupName?: string; logGroupIdentifier?: string }): GroupRec {
  let name = input.logGroupName ?? input.logGroupIdentifier;
  if (input.logGroupName && input.logGroupIdentifier) {
    throw new ServiceError('InvalidParameterException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (!name) throw new ServiceError('InvalidParameterException', 'Should provide either a logGroupName or a logGroupIdentifier.');
  const m = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:(.+?)(?::\*)?$/.exec(name);
  if (m) name = m[1];
  const g = st(ctx).groups.get(name);
  if (!g) throw groupGone();
  return g;
}

export function streamOf(ctx: RequestContext, group: string, stream: string): StreamRec {
  const s = st(ctx).streams.get(streamKey(group, stream));
  if (!s) throw streamGone();
  return s;
}

/** Metric filters per group, counted once per listing. */
function metricFilterCounts(ctx: RequestContext): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of st(ctx).metricFilters.values()) m.set(f.group, (m.get(f.group) ?? 0) + 1);
  return m;
}

const groupShown = (ctx: RequestContext, g: GroupRec, storedBytes: number, counts: Map<string, number>) => ({
  logGroupName: g.name,
  creationTime: g.creationTime,
  ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
  metricFilterCount: counts.get(g.name) ?? 0,
  arn: `${groupArn(ctx, g.name)}:*`,
  logGroupArn: groupArn(ctx, g.name),
  storedBytes,
  logGroupClass: g.logGroupClass,
  deletionProtectionEnabled: false,
});

export function createLogGroup(ctx: RequestContext, input: CreateLogGroupRequest) {
  const s = st(ctx);
  if (s.groups.has(input.logGroupName)) throw new ServiceError('ResourceAlreadyExistsException', 'The specified log group already exists');
  s.groups.set(input.logGroupName, { name: input.logGroupName, creationTime: clock.now(), tags: { ...(input.tags ?? {}) },
    logGroupClass: input.logGroupClass ?? 'STANDARD', account: ctx.accountId, region: ctx.region, nextStreamId: 0 });
  return {};
}

export function streamsOf(s: LogsState, group: string): StreamRec[] {
  return [...(s.streamsByGroup.get(group)?.values() ?? [])];
}

export function dropStream(s: LogsState, st_: StreamRec): void {
  const k = streamKey(st_.group, st_.name);
  for (const e of s.byStream.get(k) ?? []) s.events.delete(`${k}\u0000${String(e.seq).padStart(12, '0')}`);
  s.byStream.delete(k);
  s.streams.delete(k);
  const m = s.streamsByGroup.get(st_.group);
  m?.delete(st_.name);
  if (m && !m.size) s.streamsByGroup.delete(st_.group);
}

export function deleteLogGroup(ctx: RequestContext, input: DeleteLogGroupRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  for (const x of streamsOf(s, g.name)) dropStream(s, x);
  // Its metric and subscription filters go with it.
  for (const [k, f] of [...s.metricFilters.entries()]) if (f.group === g.name) s.metricFilters.delete(k);
  for (const f of s.subsByGroup.get(g.name) ?? []) s.subscriptions.delete(`${g.name}\u0000${f.name}`);
  s.subsByGroup.delete(g.name);
  clearRetention(ctx, g.name);
  s.groups.delete(g.name);
  return {};
}

export function describeLogGroups(ctx: RequestContext, input: DescribeLogGroupsRequest) {
  const s = st(ctx);
  if (input.logGroupNamePrefix && input.logGroupNamePattern) {
    throw new ServiceError('InvalidParameterException', 'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  }
  // logGroupNamePattern: a case-sensitive substring search (DescribeLogGroups API reference).
  const pattern = input.logGroupNamePattern;
  const groups = [...s.groups.values()]
    .filter((g) => !input.logGroupNamePrefix || g.name.startsWith(input.logGroupNamePrefix))
    .filter((g) => !pattern || g.name.includes(pattern))
    .filter((g) => !input.logGroupClass || g.logGroupClass === input.logGroupClass)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, groups, { key: (g) => g.name, defaultLimit: 50, maxLimit: 50, invalidToken });
  const counts = metricFilterCounts(ctx);
  out.logGroups = (out.logGroups as GroupRec[]).map((g) => {
    const shown = groupShown(ctx, g, streamsOf(s, g.name).reduce((n, x) => n + x.storedBytes, 0), counts);
    // "If you specify logGroupNamePattern, then only arn, creationTime, and logGroupName are included."
    return pattern ? { logGroupName: shown.logGroupName, creationTime: shown.creationTime, arn: shown.arn } : shown;
  });
  return out;
}

export function putRetentionPolicy(ctx: RequestContext, input: PutRetentionPolicyRequest) {
  const allowed = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
  if (!allowed.includes(input.retentionInDays)) {
    throw new ServiceError('InvalidParameterException', `1 validation error detected: Value '${input.retentionInDays}' at 'retentionInDays' `
      + `failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  g.retentionInDays = input.retentionInDays;
  st(ctx).groups.set(g.name, g);
  armRetention(ctx, st(ctx), g);
  return {};
}

export function deleteRetentionPolicy(ctx: RequestContext, input: DeleteRetentionPolicyRequest) {
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  delete g.retentionInDays;
  st(ctx).groups.set(g.name, g);
  clearRetention(ctx, g.name);
  return {};
}

export function createLogStream(ctx: RequestContext, input: CreateLogStreamRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  const k = streamKey(g.name, input.logStreamName);
  if (s.streams.has(k)) throw new ServiceError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  const id = g.nextStreamId ?? 0;
  g.nextStreamId = id + 1;
  s.groups.set(g.name, g);
  const x: StreamRec = { group: g.name, name: input.logStreamName, creationTime: clock.now(), storedBytes: 0, seq: 0, id };
  s.streams.set(k, x);
  indexStream(s, x);
  return {};
}

export function deleteLogStream(ctx: RequestContext, input: DeleteLogStreamRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  dropStream(s, streamOf(ctx, g.name, input.logStreamName));
  return {};
}

export function describeLogStreams(ctx: RequestContext, input: DescribeLogStreamsRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, input);
  const byTime = input.orderBy === 'LastEventTime';
  if (byTime && input.logStreamNamePrefix) {
    throw new ServiceError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  let streams = streamsOf(s, g.name).filter((x) => !input.logStreamNamePrefix || x.name.startsWith(input.logStreamNamePrefix));
  streams.sort(byTime ? (a, b) => (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || (a.name < b.name ? -1 : 1)
    : (a, b) => (a.name < b.name ? -1 : 1));
  if (input.descending) streams = streams.reverse();
  const out = page(ctx, input as unknown as Record<string, unknown>, streams, { defaultLimit: 50, maxLimit: 50, invalidToken });
  out.logStreams = (out.logStreams as StreamRec[]).map((x) => ({
    logStreamName: x.name,
    creationTime: x.creationTime,
    ...(x.firstEventTimestamp !== undefined ? { firstEventTimestamp: x.firstEventTimestamp, lastEventTimestamp: x.lastEventTimestamp,
      lastIngestionTime: x.lastIngestionTime } : {}),
    arn: `${groupArn(ctx, g.name)}:log-stream:${x.name}`,
    storedBytes: x.storedBytes,
  }));
  return out;
}

/**
 * ListLogGroups' logGroupNamePattern (API reference): up to five alternatives separated by |,
 * each 3 to 24 characters, a leading ^ anchoring it as a prefix, otherwise a substring;
 * case-sensitive; * matches any run of characters.
 */
function namePattern(p: string): RegExp {
  const alts = p.split('|');
  const bad = () => new ServiceError('InvalidParameterException', `Invalid logGroupNamePattern: ${p}`);
  if (alts.length > 5) throw bad();
  return new RegExp(alts.map((a) => {
    const anchored = a.startsWith('^');
    const body = anchored ? a.slice(1) : a;
    if (body.length < 3 || body.length > 24 || body.includes('^')) throw bad();
    return (anchored ? '^' : '') + body.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  }).join('|'));
}

/** ListLogGroups (the newer, lighter listing): names, ARNs and classes. The model has no paginator for it, so the token is built here. */
export function listLogGroups(ctx: RequestContext, input: ListLogGroupsRequest) {
  const pattern = input.logGroupNamePattern !== undefined ? namePattern(input.logGroupNamePattern) : undefined;
  const groups = [...st(ctx).groups.values()]
    .filter((g) => !pattern || pattern.test(g.name))
    .filter((g) => !input.logGroupClass || g.logGroupClass === input.logGroupClass)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const limit = Math.min(input.limit && input.limit > 0 ? input.limit : 50, 1000);
  let start = 0;
  if (input.nextToken) {
    const pos = decodeToken('ListLogGroups', input.nextToken);
    if (!pos || pos.k === undefined) throw invalidToken();
    const after = pos.k;
    start = groups.findIndex((g) => g.name > after);
    if (start < 0) start = groups.length;
  }
  const slice = groups.slice(start, start + limit);
  const more = start + limit < groups.length;
  return {
    logGroups: slice.map((g) => ({ logGroupName: g.name, logGroupArn: groupArn(ctx, g.name), logGroupClass: g.logGroupClass })),
    ...(more ? { nextToken: encodeToken('ListLogGroups', { k: slice[slice.length - 1].name }) } : {}),
  };
}
