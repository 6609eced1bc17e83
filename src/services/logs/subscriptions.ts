// Subscription filters (at most 2 per log group, CloudWatch Logs quotas): matching events go
// to a Lambda function, invoked asynchronously with the payload AWS sends, `{"awslogs":
// {"data": base64(gzip(JSON))}}` where the JSON is a DATA_MESSAGE naming the owner, group,
// stream and filter with the events (id, timestamp, message, and for space-delimited patterns
// extractedFields) — User Guide, "Using CloudWatch Logs subscription filters", Lambda example.
// The function's resource policy must let logs.amazonaws.com invoke it, as AWS checks.
// Kinesis, Firehose and cross-account destinations are not built in Nimbus: such filters are
// refused with 501 rather than accepted and never delivered.
import { gzipSync } from 'node:zlib';
import { ServiceError, notImplemented } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { callService, serviceContext } from '../../core/internal-client.js';
import { log } from '../../core/log.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type {
  DeleteSubscriptionFilterRequest, DescribeSubscriptionFiltersRequest, PutSubscriptionFilterRequest,
} from '../../protocols/types/logs.js';
import { groupOf, st } from './groups.js';
import { compilePattern } from './patterns.js';
import { eventIdOf } from './events.js';
import { filterKey, indexSubscription, type EventRec, type GroupRec, type StreamRec, type SubscriptionRec } from './state.js';

const MAX_PER_GROUP = 2;
const invalidToken = () => new ServiceError('InvalidParameterException', 'The specified nextToken is invalid.');

export async function putSubscriptionFilter(ctx: RequestContext, input: PutSubscriptionFilterRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  compilePattern(input.filterPattern);
  const m = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:[^:]+(:[^:]+)?$/.exec(input.destinationArn);
  if (!m) {
    if (/^arn:aws[a-z-]*:(kinesis|firehose|logs):/.test(input.destinationArn)) {
      throw notImplemented('logs', 'PutSubscriptionFilter to a Kinesis, Firehose or Logs destination');
    }
    throw new ServiceError('InvalidParameterException', `Invalid destination ARN: ${input.destinationArn}`);
  }
  const cannotInvoke = () => new ServiceError('InvalidParameterException',
    'Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.');
  // A Lambda destination must be in the group's account and region (else a Logs destination is needed).
  if (m[1] !== ctx.region || m[2] !== ctx.accountId) throw cannotInvoke();
  try { await callService(ctx, 'lambda', 'GetFunction', { FunctionName: input.destinationArn }); } catch { throw cannotInvoke(); }
  if (!(await logsMayInvoke(ctx, input.destinationArn))) throw cannotInvoke();
  const list = s.subsByGroup.get(g.name) ?? [];
  if (!list.some((x) => x.name === input.filterName) && list.length >= MAX_PER_GROUP) {
    throw new ServiceError('LimitExceededException', 'Resource limit exceeded.');
  }
  const prev = list.find((x) => x.name === input.filterName);
  const rec: SubscriptionRec = {
    group: g.name, name: input.filterName, pattern: input.filterPattern, destinationArn: input.destinationArn,
    ...(input.roleArn ? { roleArn: input.roleArn } : {}), distribution: input.distribution ?? 'ByLogStream',
    creationTime: prev?.creationTime ?? clock.now(),
  };
  s.subscriptions.set(filterKey(g.name, rec.name), rec);
  indexSubscription(s, rec);
  return {};
}

/**
 * Whether the function's resource policy lets CloudWatch Logs invoke it (AWS checks this when
 * the filter is put: `aws lambda add-permission --principal logs.amazonaws.com
 * --action lambda:InvokeFunction`). Lambda answers through its GetPolicy handler.
 */
async function logsMayInvoke(ctx: RequestContext, functionArn: string): Promise<boolean> {
  let policy: string;
  try {
    policy = (await callService<{ Policy: string }>(ctx, 'lambda', 'GetPolicy', { FunctionName: functionArn })).Policy;
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'ResourceNotFoundException') return false; // no policy at all
    throw e;
  }
  let doc: { Statement?: unknown };
  try { doc = JSON.parse(policy); } catch { return false; }
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : x === undefined ? [] : [x]);
  return (list(doc.Statement) as Record<string, unknown>[]).some((st) => {
    if (st.Effect !== 'Allow') return false;
    const actions = list(st.Action).map(String);
    if (!actions.some((a) => a === 'lambda:InvokeFunction' || a === 'lambda:*' || a === '*')) return false;
    const p = st.Principal as string | { Service?: unknown } | undefined;
    if (p === '*') return true;
    return list(typeof p === 'object' ? p.Service : undefined).map(String).some((svc) => /^logs(\.[a-z0-9-]+)?\.amazonaws\.com$/.test(svc));
  });
}

export function describeSubscriptionFilters(ctx: RequestContext, input: DescribeSubscriptionFiltersRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  const items = (s.subsByGroup.get(g.name) ?? [])
    .filter((x) => !input.filterNamePrefix || x.name.startsWith(input.filterNamePrefix))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, { key: (x) => x.name, defaultLimit: 50, maxLimit: 50, invalidToken });
  out.subscriptionFilters = (out.subscriptionFilters as SubscriptionRec[]).map((x) => ({
    filterName: x.name, logGroupName: x.group, filterPattern: x.pattern, destinationArn: x.destinationArn,
    ...(x.roleArn ? { roleArn: x.roleArn } : {}), distribution: x.distribution, creationTime: x.creationTime,
  }));
  return out;
}

export function deleteSubscriptionFilter(ctx: RequestContext, input: DeleteSubscriptionFilterRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  const k = filterKey(g.name, input.filterName);
  if (!s.subscriptions.has(k)) throw new ServiceError('ResourceNotFoundException', 'The specified subscription filter does not exist.');
  s.subscriptions.delete(k);
  const rest = (s.subsByGroup.get(g.name) ?? []).filter((x) => x.name !== input.filterName);
  if (rest.length) s.subsByGroup.set(g.name, rest); else s.subsByGroup.delete(g.name);
  return {};
}

/** Sends the events of one PutLogEvents call that match each of the group's subscription filters. */
export function deliverToSubscriptions(ctx: RequestContext, g: GroupRec, stream: StreamRec, events: EventRec[]): void {
  const subs = st(ctx).subsByGroup.get(g.name);
  if (!subs?.length) return;
  const scope = { accountId: ctx.accountId, region: ctx.region };
  for (const sub of subs) {
    let pattern;
    try { pattern = compilePattern(sub.pattern); } catch { continue; }
    const logEvents: Record<string, unknown>[] = [];
    for (const e of events) {
      const m = pattern.match(e.message);
      if (!m) continue;
      const ev: Record<string, unknown> = { id: eventIdOf(stream, e), timestamp: e.timestamp, message: e.message };
      if (pattern.kind === 'delimited') ev.extractedFields = Object.fromEntries(Object.entries(m.extracted).map(([k, v]) => [k.slice(1), v]));
      logEvents.push(ev);
    }
    if (!logEvents.length) continue;
    const message = {
      messageType: 'DATA_MESSAGE', owner: ctx.accountId, logGroup: g.name, logStream: stream.name,
      subscriptionFilters: [sub.name], logEvents,
    };
    const data = gzipSync(Buffer.from(JSON.stringify(message))).toString('base64');
    const payload = Buffer.from(JSON.stringify({ awslogs: { data } }));
    // Asynchronous, as AWS delivers: PutLogEvents does not wait for the function.
    void callService(serviceContext('logs', scope, 'SubscriptionDelivery'), 'lambda', 'Invoke',
      { FunctionName: sub.destinationArn, InvocationType: 'Event', Payload: payload }, scope)
      .catch((err) => log.warn(`logs: subscription ${sub.name} of ${g.name} could not invoke ${sub.destinationArn}: ${(err as Error).message}`));
  }
}
