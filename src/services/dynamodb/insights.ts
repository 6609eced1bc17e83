// CloudWatch Contributor Insights for DynamoDB: UpdateContributorInsights,
// DescribeContributorInsights, ListContributorInsights. Nimbus records the setting per table
// and GSI and answers as AWS does (ENABLING/DISABLING from the update, then ENABLED/DISABLED,
// with the rule names AWS creates); it publishes no CloudWatch data.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { decodeToken, encodeToken } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, st } from './common.js';
import type { Table } from './state.js';
import { validation } from './values.js';

function tableOf(ctx: RequestContext, nameOrArn: string): Table {
  const m = /^arn:aws[\w-]*:dynamodb:[^:]+:\d{12}:table\/([^/]+)$/.exec(nameOrArn);
  const t = st(ctx).live.get(m ? m[1] : nameOrArn);
  if (!t) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Table: ${nameOrArn} not found`, 400);
  return t;
}

function checkIndex(t: Table, index: string | undefined): void {
  if (index !== undefined && !t.rec.gsis.some((g) => g.name === index)) {
    throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Index: ${index} not found`, 400); // wording unverified
  }
}

/** The CloudWatch rules AWS creates: partition-key (and sort-key) most accessed and most throttled. */
function rules(t: Table, index: string | undefined, at: number): string[] {
  const name = index ? `${t.rec.name}-${index}` : t.rec.name;
  const hasRange = index ? t.rec.gsis.find((g) => g.name === index)!.keySchema.length > 1 : !!t.rangeAttr;
  return ['PKC', 'PKT', ...(hasRange ? ['SKC', 'SKT'] : [])].map((k) => `DynamoDBContributorInsights-${k}-${name}-${at}`);
}

export function updateContributorInsights(ctx: RequestContext, input: In<'UpdateContributorInsights'>): Out<'UpdateContributorInsights'> {
  const t = tableOf(ctx, input.TableName);
  checkIndex(t, input.IndexName);
  const enable = input.ContributorInsightsAction === 'ENABLE';
  const mode = input.ContributorInsightsMode ?? 'ACCESSED_AND_THROTTLED_KEYS';
  const insights = { ...(t.rec.insights ?? {}) };
  insights[input.IndexName ?? ''] = { enabled: enable, at: clock.now(), mode };
  t.rec = { ...t.rec, insights };
  st(ctx).tables.set(t.rec.name, t.rec);
  return {
    TableName: t.rec.name, IndexName: input.IndexName, ContributorInsightsStatus: enable ? 'ENABLING' : 'DISABLING',
    ...(enable ? { ContributorInsightsMode: mode } : {}),
  } as Out<'UpdateContributorInsights'>;
}

export function describeContributorInsights(ctx: RequestContext, input: In<'DescribeContributorInsights'>): Out<'DescribeContributorInsights'> {
  const t = tableOf(ctx, input.TableName);
  checkIndex(t, input.IndexName);
  const cur = t.rec.insights?.[input.IndexName ?? ''];
  return {
    TableName: t.rec.name, IndexName: input.IndexName,
    ContributorInsightsStatus: cur?.enabled ? 'ENABLED' : 'DISABLED',
    ...(cur?.enabled ? { ContributorInsightsRuleList: rules(t, input.IndexName, cur.at), ContributorInsightsMode: cur.mode } : {}),
    ...(cur ? { LastUpdateDateTime: new Date(cur.at) } : {}),
  } as Out<'DescribeContributorInsights'>;
}

export function listContributorInsights(ctx: RequestContext, input: In<'ListContributorInsights'>): Out<'ListContributorInsights'> {
  const s = st(ctx);
  const tables = input.TableName !== undefined ? [tableOf(ctx, input.TableName)] : [...s.live.values()].sort((a, b) => (a.rec.name < b.rec.name ? -1 : 1));
  const all: Record<string, unknown>[] = [];
  for (const t of tables) {
    for (const [index, c] of Object.entries(t.rec.insights ?? {}).sort()) {
      if (index && !t.rec.gsis.some((g) => g.name === index)) continue;
      all.push({ TableName: t.rec.name, ...(index ? { IndexName: index } : {}), ContributorInsightsStatus: c.enabled ? 'ENABLED' : 'DISABLED', ...(c.enabled ? { ContributorInsightsMode: c.mode } : {}) });
    }
  }
  let from = 0;
  if (input.NextToken !== undefined) {
    const p = decodeToken('ListContributorInsights', input.NextToken);
    if (p?.i === undefined) throw validation('Invalid NextToken'); // wording unverified
    from = p.i;
  }
  const max = input.MaxResults ?? 100;
  const page = all.slice(from, from + max);
  return {
    ContributorInsightsSummaries: page,
    NextToken: from + max < all.length ? encodeToken('ListContributorInsights', { i: from + max }) : undefined,
  } as Out<'ListContributorInsights'>;
}
