// Event filtering for event source mappings (FilterCriteria): each filter's Pattern is an
// EventBridge-style pattern matched against the event record; a record passes when any
// filter matches ("Control which events Lambda sends to your function",
// docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html). For SQS the body
// is matched as JSON when it is JSON, as a plain string otherwise. For Kinesis only the data
// key can be filtered on, and only when the (base64-decoded) data is JSON
// (docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html).
type Json = unknown;
export type FilterSource = 'sqs' | 'dynamodb' | 'kinesis';

function leaf(rule: Json, v: Json, present: boolean): boolean {
  if (rule === null || typeof rule !== 'object') return present && (Array.isArray(v) ? v.some((x) => x === rule) : v === rule);
  const r = rule as Record<string, Json>;
  if ('exists' in r) return r.exists ? present : !present;
  if (!present) return false;
  const vals = Array.isArray(v) ? v : [v];
  return vals.some((x) => {
    if ('prefix' in r) return typeof x === 'string' && typeof r.prefix === 'string' && x.startsWith(r.prefix);
    if ('suffix' in r) return typeof x === 'string' && typeof r.suffix === 'string' && x.endsWith(r.suffix);
    if ('equals-ignore-case' in r) return typeof x === 'string' && typeof r['equals-ignore-case'] === 'string' && x.toLowerCase() === (r['equals-ignore-case'] as string).toLowerCase();
    if ('anything-but' in r) {
      const ab = r['anything-but'];
      if (ab && typeof ab === 'object' && !Array.isArray(ab) && 'prefix' in ab) return !(typeof x === 'string' && x.startsWith(String((ab as { prefix: string }).prefix)));
      return !(Array.isArray(ab) ? ab : [ab]).includes(x);
    }
    if ('numeric' in r && Array.isArray(r.numeric)) {
      if (typeof x !== 'number') return false;
      const n = r.numeric as (string | number)[];
      for (let i = 0; i + 1 < n.length; i += 2) {
        const [op, b] = [n[i], Number(n[i + 1])];
        const ok = op === '=' ? x === b : op === '<' ? x < b : op === '<=' ? x <= b : op === '>' ? x > b : op === '>=' ? x >= b : false;
        if (!ok) return false;
      }
      return true;
    }
    return false;
  });
}

export function matchPattern(pattern: Json, value: Json): boolean {
  if (!pattern || typeof pattern !== 'object' || Array.isArray(pattern)) return false;
  for (const [k, p] of Object.entries(pattern as Record<string, Json>)) {
    const obj = value && typeof value === 'object' ? value as Record<string, Json> : undefined;
    const present = !!obj && k in obj;
    const v = obj?.[k];
    if (Array.isArray(p)) { if (!p.some((rule) => leaf(rule, v, present))) return false; }
    else if (p && typeof p === 'object') { if (!present || !matchPattern(p, v)) return false; }
    else return false;
  }
  return true;
}

/** Whether a record passes a mapping's filters (any one of them). */
export function matchesFilters(filters: { Pattern?: string }[], record: Record<string, Json>, kind: FilterSource): boolean {
  let subject: Record<string, Json> = record;
  if (kind === 'kinesis') {
    subject = {};
    const data = (record.kinesis as { data?: string } | undefined)?.data;
    try { subject.data = JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8')); } catch { /* not JSON: nothing to filter on */ }
  }
  if (kind === 'sqs') {
    let body: Json = record.body;
    try { body = JSON.parse(String(record.body)); } catch { /* a plain string body */ }
    subject = { ...record, body };
  }
  return filters.some((f) => {
    try { return matchPattern(JSON.parse(f.Pattern ?? '{}'), subject); } catch { return false; }
  });
}
