// Query and Scan over the ordered indexes: a Query binary-searches its partition for the key
// condition's range and walks forward or backward; a Scan walks partitions in hash-token order
// (parallel scans split the token space). Both stop at Limit items read or 1 MB, answer
// LastEvaluatedKey, apply FilterExpression after reading, then the projection.
import type { RequestContext } from '../service.js';
import { type In, type Out, consumed, exprContext, getTable, newUsage, readUnits } from './common.js';
import { checkConditionalOperator, checkNotMixed, filterCondition, keyConditions } from './legacy.js';
import { type Cond, type ExprContext, type Operand, type Path, evaluate, parseCondition, project } from './expr.js';
import { readProjection } from './items.js';
import { type Entry, type IndexRec, type OrderedIndex, type Table, compareEntry, comparePart, lowerBound, tokenOf } from './state.js';
import { type AV, type Item, checkValue, cloneItem, compareScalar, invalidParam, itemSize, keyText, typeOf, validation } from './values.js';
import { ServiceError } from '../../core/errors.js';

const PAGE_BYTES = 1024 * 1024;

interface Target { t: Table; o: OrderedIndex; ix?: IndexRec }

function target(t: Table, indexName: string | undefined, consistent: boolean | undefined): Target {
  if (indexName === undefined) return { t, o: t.base };
  const ix = t.indexRec(indexName);
  if (!ix) throw validation(`The table does not have the specified index: ${indexName}`);
  if (ix.global && consistent) throw validation('Consistent reads are not supported on global secondary indexes');
  return { t, o: t.indexes.get(indexName)!, ix };
}

type SelectMode = 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';

function selectMode(tg: Target, select: string | undefined, proj: Path[] | undefined): SelectMode {
  if (proj && select && select !== 'SPECIFIC_ATTRIBUTES') {
    throw validation(`Cannot specify the ProjectionExpression when choosing to get ${select}`); // wording approximates AWS's AttributesToGet message
  }
  const mode = (select ?? (proj ? 'SPECIFIC_ATTRIBUTES' : tg.ix ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES')) as SelectMode;
  if (mode === 'SPECIFIC_ATTRIBUTES' && !proj) {
    throw invalidParam('Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet'); // wording unverified
  }
  if (mode === 'ALL_PROJECTED_ATTRIBUTES' && !tg.ix) {
    throw invalidParam('Select type ALL_PROJECTED_ATTRIBUTES is not allowed when not querying a secondary index'); // wording unverified
  }
  if (mode === 'ALL_ATTRIBUTES' && tg.ix?.global && (tg.ix.projection.ProjectionType ?? 'ALL') !== 'ALL') {
    throw invalidParam(`Select type ALL_ATTRIBUTES is not supported for global secondary index ${tg.ix.name} because its projection type is not ALL`);
  }
  return mode;
}

/** What a read returns for one entry: the index's projection (or the whole item), then the projection expression. */
function shape(tg: Target, e: Entry, mode: SelectMode, proj: Path[] | undefined): Item {
  let base = e.item;
  if (tg.ix && mode !== 'ALL_ATTRIBUTES') base = tg.t.projectFor(tg.ix, e.item);
  return proj ? project(base, proj) : cloneItem(base);
}

/** The key a page ends with: table key plus, for an index, the index key. */
function lastKey(tg: Target, item: Item): Item {
  const k = tg.t.keyOf(item);
  if (tg.ix) for (const ks of tg.ix.keySchema) k[ks.AttributeName] = item[ks.AttributeName];
  const out: Item = {};
  for (const [a, v] of Object.entries(k)) out[a] = { ...v };
  return out;
}

/** Validates ExclusiveStartKey and returns the probe it stands for in the index. */
function startProbe(tg: Target, esk: Record<string, AV> | undefined): { hk: string; token: number; rk?: AV; pk: string } | undefined {
  if (!esk) return undefined;
  const bad = () => validation('The provided starting key is invalid: The provided key element does not match the schema');
  const k: Item = {};
  for (const [a, v] of Object.entries(esk)) k[a] = checkValue(v);
  const need = new Set([tg.t.hashAttr, ...(tg.t.rangeAttr ? [tg.t.rangeAttr] : []), tg.o.hash, ...(tg.o.range ? [tg.o.range] : [])]);
  for (const a of need) if (!k[a]) throw bad();
  if (Object.keys(k).length !== need.size) throw bad();
  for (const a of need) {
    const want = tg.t.rec.attrDefs.find((d) => d.AttributeName === a)?.AttributeType;
    if (typeOf(k[a]) !== want) throw bad();
  }
  const hk = keyText(k[tg.o.hash]);
  return { hk, token: tokenOf(hk), rk: tg.o.range ? k[tg.o.range] : undefined, pk: tg.t.pkOf(k) };
}

interface PageInput {
  Limit?: number;
  ConsistentRead?: boolean;
  ReturnConsumedCapacity?: string;
}

/** Reads entries in order until Limit or 1 MB; filters and shapes them. */
function readPage(tg: Target, it: Iterable<Entry>, input: PageInput, filter: Cond | undefined, mode: SelectMode, proj: Path[] | undefined) {
  const items: Item[] = [];
  let scanned = 0; let bytes = 0; let count = 0;
  let last: Entry | undefined;
  let more = false;
  for (const e of it) {
    if ((input.Limit !== undefined && scanned >= input.Limit) || bytes >= PAGE_BYTES) { more = true; break; }
    scanned++;
    const stored = tg.ix ? tg.t.projectFor(tg.ix, e.item) : e.item;
    bytes += itemSize(stored);
    last = e;
    if (filter && !evaluate(filter, stored)) continue;
    count++;
    if (mode !== 'COUNT') items.push(shape(tg, e, mode, proj));
  }
  // Like DynamoDB, a page that stopped at Limit names its last key even if nothing follows.
  if (!more && input.Limit !== undefined && scanned >= input.Limit && last) more = true;
  const u = newUsage(true);
  const units = readUnits(bytes, !!input.ConsistentRead);
  if (tg.ix) u.indexes.set(tg.ix.name, { units, global: tg.ix.global }); else u.table = units;
  return {
    ...(mode === 'COUNT' ? {} : { Items: items }),
    Count: count,
    ScannedCount: scanned,
    LastEvaluatedKey: more && last ? lastKey(tg, last.item) : undefined,
    ConsumedCapacity: consumed(input.ReturnConsumedCapacity, tg.t.rec.name, u),
  };
}

function keyAttrs(t: Table): Set<string> {
  return new Set([t.hashAttr, ...(t.rangeAttr ? [t.rangeAttr] : [])]);
}

function filterFor(tg: Target, src: string | undefined, ex: ExprContext, query: boolean): Cond | undefined {
  if (src === undefined) return undefined;
  const c = parseCondition(src, 'FilterExpression', ex);
  return query ? checkFilterKeys(tg, c) : c;
}

/** A Query filter may not name the index's key attributes. */
function checkFilterKeys(tg: Target, c: Cond, what = 'Filter Expression'): Cond {
  const keys = new Set([tg.o.hash, ...(tg.o.range ? [tg.o.range] : [])]);
  const walk = (x: Cond | Operand): void => {
    const n = x as unknown as Record<string, unknown>;
    if (n.kind === 'path') {
      const a = (x as Path).els[0] as string;
      if (keys.has(a)) throw validation(`${what} can only contain non-primary key attributes: Primary key attribute: ${a}`);
      return;
    }
    for (const v of Object.values(n)) {
      if (Array.isArray(v)) v.forEach((y) => y && typeof y === 'object' && 'kind' in y && walk(y as Cond));
      else if (v && typeof v === 'object' && 'kind' in (v as object)) walk(v as Cond);
    }
  };
  walk(c);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Query

interface RangeCond { op: string; a?: AV; b?: AV }

function keyCondition(tg: Target, c: Cond): { hash: AV; range?: RangeCond } {
  const parts: Cond[] = [];
  const flat = (x: Cond) => {
    if (x.kind === 'and') { flat(x.a); flat(x.b); return; }
    if (x.kind === 'or' || x.kind === 'not') throw validation(`Invalid operator used in KeyConditionExpression: ${x.kind.toUpperCase()}`);
    parts.push(x);
  };
  flat(c);
  const unsupported = () => validation('Query key condition not supported');
  if (parts.length > 2) throw validation('Conditions can be of length 1 or 2 only');
  const typeWant = (a: string) => tg.t.rec.attrDefs.find((d) => d.AttributeName === a)?.AttributeType;
  let hash: AV | undefined; let range: RangeCond | undefined;
  const seen = new Set<string>();
  for (const p of parts) {
    let attr: string; let r: RangeCond;
    const attrOf = (o: Operand): string => {
      if (o.kind !== 'path' || o.els.length !== 1) throw unsupported();
      return o.els[0] as string;
    };
    const valOf = (o: Operand): AV => { if (o.kind !== 'value') throw unsupported(); return o.v; };
    if (p.kind === 'cmp') {
      if (p.op === '<>') throw validation('Unsupported operator used in KeyConditionExpression: <>'); // wording unverified
      if (p.a.kind === 'value' && p.b.kind === 'path') {
        const flip: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };
        attr = attrOf(p.b); r = { op: flip[p.op], a: valOf(p.a) };
      } else { attr = attrOf(p.a); r = { op: p.op, a: valOf(p.b) }; }
    } else if (p.kind === 'between') {
      attr = attrOf(p.a); r = { op: 'BETWEEN', a: valOf(p.lo), b: valOf(p.hi) };
    } else if (p.kind === 'fn' && p.name === 'begins_with') {
      attr = attrOf(p.args[0]); r = { op: 'begins_with', a: valOf(p.args[1]) };
    } else if (p.kind === 'fn') {
      throw validation(`Invalid operator used in KeyConditionExpression: ${p.name}`);
    } else throw unsupported();
    if (seen.has(attr)) throw validation('KeyConditionExpressions must only contain one condition per key');
    seen.add(attr);
    if (attr !== tg.o.hash && attr !== tg.o.range) throw unsupported();
    for (const v of [r.a, r.b]) {
      if (v && typeOf(v) !== typeWant(attr)) throw invalidParam('Condition parameter type does not match schema type');
    }
    if (attr === tg.o.hash) {
      if (r.op !== '=') throw unsupported();
      hash = r.a;
    } else {
      if (r.op === 'begins_with' && typeOf(r.a!) === 'N') throw invalidParam('Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N');
      range = r;
    }
  }
  if (!hash) throw validation(`Query condition missed key schema element: ${tg.o.hash}`);
  if (range && range.op === 'BETWEEN' && compareScalar(range.a!, range.b!) > 0) {
    throw validation(`Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {${typeOf(range.a!)}:${range.a!.S ?? range.a!.N ?? range.a!.B?.toString('base64')}}, upper bound operand: AttributeValue: {${typeOf(range.b!)}:${range.b!.S ?? range.b!.N ?? range.b!.B?.toString('base64')}}`);
  }
  return { hash, range };
}

function inRange(rk: AV | undefined, r: RangeCond): boolean {
  if (!rk) return false;
  const c = compareScalar(rk, r.a!);
  switch (r.op) {
    case '=': return c === 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
    case 'BETWEEN': return c >= 0 && compareScalar(rk, r.b!) <= 0;
    case 'begins_with': return rk.S !== undefined ? rk.S.startsWith(r.a!.S!) : rk.B!.subarray(0, r.a!.B!.length).equals(r.a!.B!);
  }
  return false;
}

export function query(ctx: RequestContext, input: In<'Query'>): Out<'Query'> {
  // KeyConditions counts as a legacy parameter only beside a KeyConditionExpression: with a
  // FilterExpression or ProjectionExpression it is accepted (observed against AWS).
  checkNotMixed(input, ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', ...(input.KeyConditionExpression !== undefined ? ['KeyConditions'] : [])],
    ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression']);
  checkConditionalOperator(input.ConditionalOperator, input.QueryFilter);
  const t = getTable(ctx, input.TableName);
  const tg = target(t, input.IndexName, input.ConsistentRead);
  if (input.KeyConditionExpression === undefined && !input.KeyConditions) throw validation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
  const ex = exprContext(input, input.KeyConditionExpression !== undefined || input.FilterExpression !== undefined || input.ProjectionExpression !== undefined);
  const kc = keyCondition(tg, input.KeyConditionExpression !== undefined
    ? parseCondition(input.KeyConditionExpression, 'KeyConditionExpression', ex) : keyConditions(input.KeyConditions as Record<string, never>));
  const filter = input.QueryFilter ? checkFilterKeys(tg, filterCondition(input.QueryFilter as Record<string, never>, input.ConditionalOperator)!, 'QueryFilter')
    : filterFor(tg, input.FilterExpression, ex, true);
  const proj = readProjection(input, ex);
  ex.checkUnused();
  const mode = selectMode(tg, input.Select, proj);
  const esk = startProbe(tg, input.ExclusiveStartKey as Record<string, AV> | undefined);
  const part = tg.o.byHash.get(keyText(kc.hash));
  if (esk && esk.hk !== keyText(kc.hash)) throw validation('The provided starting key is outside query boundaries based on provided conditions');
  const forward = input.ScanIndexForward !== false;
  const entries = part?.entries ?? [];
  const r = kc.range;
  // The slice [lo, hi) of entries the range condition allows, found by binary search.
  let lo = 0; let hi = entries.length;
  if (r && tg.o.range) {
    const cmp = (e: Entry) => compareScalar(e.rk!, r.a!);
    const after = (x: AV) => lowerBound(entries, (e) => (compareScalar(e.rk!, x) <= 0 ? -1 : 1));
    const from = (x: AV) => lowerBound(entries, (e) => compareScalar(e.rk!, x));
    switch (r.op) {
      case '=': lo = from(r.a!); hi = after(r.a!); break;
      case '<': hi = from(r.a!); break;
      case '<=': hi = after(r.a!); break;
      case '>': lo = after(r.a!); break;
      case '>=': lo = from(r.a!); break;
      case 'BETWEEN': lo = from(r.a!); hi = after(r.b!); break;
      case 'begins_with': lo = from(r.a!); hi = lo; while (hi < entries.length && inRange(entries[hi].rk, r)) hi++; break;
    }
    void cmp;
  }
  if (esk) {
    // Continue strictly after the start key in the direction of travel.
    const at = lowerBound(entries, (e) => compareEntry(e, esk));
    const exact = at < entries.length && compareEntry(entries[at], esk) === 0;
    if (forward) lo = Math.max(lo, exact ? at + 1 : at); else hi = Math.min(hi, at);
  }
  function* walk(): Generator<Entry> {
    if (forward) for (let i = lo; i < hi; i++) yield entries[i];
    else for (let i = hi - 1; i >= lo; i--) yield entries[i];
  }
  return readPage(tg, walk(), input, filter, mode, proj) as Out<'Query'>;
}

// ---------------------------------------------------------------------------------------------
// Scan

export function scan(ctx: RequestContext, input: In<'Scan'>): Out<'Scan'> {
  checkNotMixed(input, ['AttributesToGet', 'ScanFilter', 'ConditionalOperator'], ['ProjectionExpression', 'FilterExpression']);
  checkConditionalOperator(input.ConditionalOperator, input.ScanFilter);
  const t = getTable(ctx, input.TableName);
  const tg = target(t, input.IndexName, input.ConsistentRead);
  const { Segment: seg, TotalSegments: total } = input;
  if (seg !== undefined && total === undefined) throw validation('The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
  if (total !== undefined && seg === undefined) throw validation('The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
  if (seg !== undefined && total !== undefined && seg >= total) {
    throw validation(`The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${seg} is not less than TotalSegments: ${total}`);
  }
  const ex = exprContext(input, input.FilterExpression !== undefined || input.ProjectionExpression !== undefined);
  const filter = input.ScanFilter ? filterCondition(input.ScanFilter as Record<string, never>, input.ConditionalOperator)
    : filterFor(tg, input.FilterExpression, ex, false);
  const proj = readProjection(input, ex);
  ex.checkUnused();
  const mode = selectMode(tg, input.Select, proj);
  const esk = startProbe(tg, input.ExclusiveStartKey as Record<string, AV> | undefined);
  const SPACE = 2 ** 32;
  const tokLo = seg === undefined ? 0 : Math.floor((seg * SPACE) / total!);
  const tokHi = seg === undefined ? SPACE : Math.floor(((seg + 1) * SPACE) / total!);
  const parts = tg.o.parts;
  function* walk(): Generator<Entry> {
    let pi = lowerBound(parts, (p) => p.token - tokLo);
    let first = 0;
    if (esk) {
      pi = lowerBound(parts, (p) => comparePart(p, esk));
      if (pi < parts.length && parts[pi].hk === esk.hk) {
        const es = parts[pi].entries;
        const at = lowerBound(es, (e) => compareEntry(e, esk));
        first = at < es.length && compareEntry(es[at], esk) === 0 ? at + 1 : at;
      }
    }
    for (; pi < parts.length && parts[pi].token < tokHi; pi++) {
      const es = parts[pi].entries;
      for (let i = first; i < es.length; i++) yield es[i];
      first = 0;
    }
  }
  void keyAttrs;
  return readPage(tg, walk(), input, filter, mode, proj) as Out<'Scan'>;
}

void ServiceError;
