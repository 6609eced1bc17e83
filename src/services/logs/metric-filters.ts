// Metric filters: stored per log group (100 per group, CloudWatch Logs quotas), described with
// their transformations, and TestMetricFilter, which runs the same compiled pattern engine as
// FilterLogEvents and subscriptions. Nimbus has no CloudWatch metrics service yet, so matching
// events are not turned into metric data points.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type {
  DeleteMetricFilterRequest, DescribeMetricFiltersRequest, PutMetricFilterRequest, TestMetricFilterRequest,
} from '../../protocols/types/logs.js';
import { groupOf, st } from './groups.js';
import { compilePattern, type CompiledPattern } from './patterns.js';
import { filterKey, type MetricFilterRec } from './state.js';

const MAX_PER_GROUP = 100;
const invalid = (m: string) => new ServiceError('InvalidParameterException', m);
const invalidToken = () => invalid('The specified nextToken is invalid.');

/** metricValue: a number, `$.selector` for JSON patterns, or `$field` for space-delimited ones. */
function checkMetricValue(value: string, pattern: CompiledPattern): void {
  if (/^-?\d+(\.\d+)?$/.test(value)) return;
  if (value.startsWith('$.')) {
    if (pattern.kind !== 'json') throw invalid(`Invalid metric value ${value}: a $. selector needs a JSON filter pattern.`);
    return;
  }
  if (value.startsWith('$')) {
    if (pattern.kind !== 'delimited' || !pattern.fields.includes(value.slice(1))) {
      throw invalid(`Invalid metric value ${value}: it must name a field of the space-delimited filter pattern.`);
    }
    return;
  }
  throw invalid(`Invalid metric value ${value}.`);
}

export function putMetricFilter(ctx: RequestContext, input: PutMetricFilterRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  const pattern = compilePattern(input.filterPattern);
  for (const t of input.metricTransformations) {
    checkMetricValue(t.metricValue, pattern);
    // Dimensions read fields, so only JSON and space-delimited patterns have them.
    if (Object.keys(t.dimensions ?? {}).length && pattern.kind !== 'json' && pattern.kind !== 'delimited') {
      throw invalid('The specified filter pattern does not support dimensions');
    }
    for (const [k, v] of Object.entries(t.dimensions ?? {})) {
      if (!v.startsWith('$')) throw invalid(`Invalid dimension ${k}: dimension values must be fields of the filter pattern.`);
    }
    if (t.dimensions && Object.keys(t.dimensions).length && t.defaultValue !== undefined) {
      throw invalid('Invalid metric transformation: a defaultValue can\'t be used with dimensions.');
    }
  }
  const k = filterKey(g.name, input.filterName);
  const prev = s.metricFilters.get(k);
  if (!prev) {
    let n = 0;
    for (const f of s.metricFilters.values()) if (f.group === g.name) n++;
    if (n >= MAX_PER_GROUP) throw new ServiceError('LimitExceededException', 'Resource limit exceeded.');
  }
  s.metricFilters.set(k, { group: g.name, name: input.filterName, pattern: input.filterPattern,
    transformations: input.metricTransformations, creationTime: prev?.creationTime ?? clock.now() });
  return {};
}

export function describeMetricFilters(ctx: RequestContext, input: DescribeMetricFiltersRequest) {
  const s = st(ctx);
  if ((input.metricName === undefined) !== (input.metricNamespace === undefined)) {
    throw invalid('If you specify metricName, you must also specify metricNamespace, and the other way around.');
  }
  if (input.logGroupName !== undefined) groupOf(ctx, { logGroupName: input.logGroupName });
  const items = [...s.metricFilters.values()]
    .filter((f) => input.logGroupName === undefined || f.group === input.logGroupName)
    .filter((f) => !input.filterNamePrefix || f.name.startsWith(input.filterNamePrefix))
    .filter((f) => input.metricName === undefined
      || f.transformations.some((t) => t.metricName === input.metricName && t.metricNamespace === input.metricNamespace))
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, { key: (f) => filterKey(f.group, f.name), defaultLimit: 50, maxLimit: 50, invalidToken });
  out.metricFilters = (out.metricFilters as MetricFilterRec[]).map((f) => ({
    filterName: f.name, filterPattern: f.pattern, metricTransformations: f.transformations, creationTime: f.creationTime, logGroupName: f.group,
  }));
  return out;
}

export function deleteMetricFilter(ctx: RequestContext, input: DeleteMetricFilterRequest) {
  const s = st(ctx);
  const g = groupOf(ctx, { logGroupName: input.logGroupName });
  if (!s.metricFilters.delete(filterKey(g.name, input.filterName))) {
    throw new ServiceError('ResourceNotFoundException', 'The specified metric filter does not exist.');
  }
  return {};
}

export function testMetricFilter(_ctx: RequestContext, input: TestMetricFilterRequest) {
  const pattern = compilePattern(input.filterPattern);
  const matches: { eventNumber: number; eventMessage: string; extractedValues: Record<string, string> }[] = [];
  input.logEventMessages.forEach((message, i) => {
    const m = pattern.match(message);
    if (m) matches.push({ eventNumber: i + 1, eventMessage: message, extractedValues: m.extracted });
  });
  return { matches };
}
