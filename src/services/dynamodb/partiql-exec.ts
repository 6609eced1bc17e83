// PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction, running the
// statements partiql.ts parses against the same tables, indexes and write path as the other
// operations. A SELECT whose WHERE fixes the partition key (of the table or the index) reads
// that one partition; otherwise it scans, as DynamoDB does. UPDATE and DELETE need an equality
// on every key attribute; INSERT refuses an existing key with DuplicateItemException (API
// Reference, ExecuteStatement; Developer Guide, "PartiQL insert/update/delete statements").
import { createHash } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { decodeToken, encodeToken } from '../../core/pagination.js';
import { decodeValue, encodeValue } from '../../core/state.js';
import type { RequestContext } from '../service.js';
import {
  type In, type Out, type Usage, checkItemKeys, checkSize, consumed, currentItem, getTable, newUsage, readUnits, st, writeItem,
} from './common.js';
import { type Cond, evaluate, project } from './expr.js';
import { claimOnce, conditionFailed, planResult, transactResult, writeUsage, type TransactionOutcome, type WritePlan } from './items.js';
import { type Statement, parseStatement } from './partiql.js';
import {
  type DynamoState, type Entry, type IndexRec, type OrderedIndex, type Table, compareEntry, comparePart, lowerBound,
} from './state.js';
import { type AV, type Item, checkItem, cloneItem, itemSize, keyText, typeOf, validation } from './values.js';

const PAGE_BYTES = 1024 * 1024;

const duplicateItem = () => new ServiceError('DuplicateItemException', 'Duplicate primary key exists in table', 400);

/** The conjuncts of a WHERE clause at its top level. */
function conjuncts(c: Cond | undefined): Cond[] {
  if (!c) return [];
  if (c.kind === 'and') return [...conjuncts(c.a), ...conjuncts(c.b)];
  return [c];
}

/** The value a top-level `attr = value` conjunct fixes for an attribute. */
function equalityOn(parts: Cond[], attr: string): { v: AV; at: number } | undefined {
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i];
    if (c.kind !== 'cmp' || c.op !== '=') continue;
    const [p, v] = c.a.kind === 'path' ? [c.a, c.b] : [c.b, c.a];
    if (p.kind === 'path' && p.els.length === 1 && p.els[0] === attr && v.kind === 'value') return { v: v.v, at: i };
  }
  return undefined;
}

const andAll = (parts: Cond[]): Cond | undefined =>
  parts.length ? parts.reduce((a, b) => ({ kind: 'and', a, b })) : undefined;

// ---------------------------------------------------------------------------------------------
// Writes: each statement becomes a WritePlan (items.ts), checked and applied like PutItem etc.

interface PartiqlWrite { plan: WritePlan; mustExist: boolean; mustNotExist: boolean }

function keyFromWhere(t: Table, where: Cond | undefined): { key: Item; rest: Cond | undefined } {
  const parts = conjuncts(where);
  const key: Item = {};
  const used = new Set<number>();
  for (const a of [t.hashAttr, ...(t.rangeAttr ? [t.rangeAttr] : [])]) {
    const eq = equalityOn(parts, a);
    if (!eq) throw validation('Where clause does not contain a mandatory equality on all key attributes');
    const want = t.rec.attrDefs.find((d) => d.AttributeName === a)!.AttributeType;
    if (typeOf(eq.v) !== want) throw validation('The provided key element does not match the schema');
    key[a] = eq.v;
    used.add(eq.at);
  }
  return { key, rest: andAll(parts.filter((_, i) => !used.has(i))) };
}

function planWrite(ctx: RequestContext, st0: Statement, rvOnFail: string | undefined): PartiqlWrite {
  const t = getTable(ctx, st0.table);
  if (st0.kind === 'insert') {
    const item = checkItem(st0.item);
    checkItemKeys(t, item);
    checkSize(item);
    const key = t.keyOf(item);
    return { plan: { t, pk: t.pkOf(key), key, kind: 'put', item, rvOnFail }, mustExist: false, mustNotExist: true };
  }
  if (st0.kind === 'update') {
    const { key, rest } = keyFromWhere(t, st0.where);
    for (const a of st0.actions) {
      const top = a.path.els[0] as string;
      if (top === t.hashAttr || top === t.rangeAttr) {
        throw validation(`One or more parameter values were invalid: Cannot update attribute ${top}. This attribute is part of the key`);
      }
    }
    return { plan: { t, pk: t.pkOf(key), key, kind: 'update', actions: st0.actions, cond: rest, rvOnFail }, mustExist: true, mustNotExist: false };
  }
  if (st0.kind === 'delete') {
    const { key, rest } = keyFromWhere(t, st0.where);
    return { plan: { t, pk: t.pkOf(key), key, kind: 'delete', cond: rest, rvOnFail }, mustExist: !!rest, mustNotExist: false };
  }
  throw validation('Unsupported operation'); // a SELECT never reaches here
}

/** Checks a write against the current item: returns the item before, or the error it fails with. */
function checkWrite(s: DynamoState, w: PartiqlWrite): { old?: Item; err?: ServiceError } {
  const old = currentItem(s, w.plan.t, w.plan.pk);
  if (w.mustNotExist && old) return { old, err: duplicateItem() };
  if ((w.mustExist && !old) || (w.plan.cond && !evaluate(w.plan.cond, old))) return { old, err: conditionFailed(old, w.plan.rvOnFail) };
  return { old };
}

function runWrite(s: DynamoState, w: PartiqlWrite): Usage {
  const { old, err } = checkWrite(s, w);
  if (err) throw err;
  const next = planResult(w.plan, old);
  if (old || next) writeItem(s, w.plan.t, w.plan.pk, old, next);
  return writeUsage(w.plan.t, old, next);
}

// ---------------------------------------------------------------------------------------------
// Reads

interface Target { t: Table; o: OrderedIndex; ix?: IndexRec }

function targetOf(ctx: RequestContext, st0: Extract<Statement, { kind: 'select' }>, consistent: boolean | undefined): Target {
  const t = getTable(ctx, st0.table);
  if (st0.index === undefined) return { t, o: t.base };
  const ix = t.indexRec(st0.index);
  if (!ix) throw validation(`The table does not have the specified index: ${st0.index}`);
  if (ix.global && consistent) throw validation('Consistent reads are not supported on global secondary indexes');
  return { t, o: t.indexes.get(ix.name)!, ix };
}

interface Resume { hk: string; token: number; rk?: AV; pk: string }

function select(ctx: RequestContext, st0: Extract<Statement, { kind: 'select' }>, opts: { limit?: number; token?: string; consistent?: boolean; tokenOp: string }) {
  const tg = targetOf(ctx, st0, opts.consistent);
  let resume: Resume | undefined;
  if (opts.token !== undefined) {
    const pos = decodeToken(opts.tokenOp, opts.token);
    if (!pos?.k) throw validation('Invalid NextToken'); // wording unverified
    resume = decodeValue(pos.k) as Resume;
  }
  const hashEq = equalityOn(conjuncts(st0.where), tg.o.hash);
  // A partition key fixed to a value of another type matches nothing.
  const want = tg.t.rec.attrDefs.find((d) => d.AttributeName === tg.o.hash)!.AttributeType;
  const parts = !hashEq ? tg.o.parts : typeOf(hashEq.v) !== want ? [] : [tg.o.byHash.get(keyText(hashEq.v))].filter((p) => !!p);
  function* walk(): Generator<Entry> {
    let pi = 0; let first = 0;
    if (resume) {
      pi = lowerBound(parts, (p) => comparePart(p!, resume!));
      if (pi < parts.length && parts[pi]!.hk === resume.hk) {
        const es = parts[pi]!.entries;
        const at = lowerBound(es, (e) => compareEntry(e, resume!));
        first = at < es.length && compareEntry(es[at], resume) === 0 ? at + 1 : at;
      }
    }
    for (; pi < parts.length; pi++) {
      const es = parts[pi]!.entries;
      for (let i = first; i < es.length; i++) yield es[i];
      first = 0;
    }
  }
  const items: Item[] = [];
  let scanned = 0; let bytes = 0; let last: Entry | undefined; let more = false;
  for (const e of walk()) {
    if ((opts.limit !== undefined && scanned >= opts.limit) || bytes >= PAGE_BYTES) { more = true; break; }
    scanned++;
    const stored = tg.ix ? tg.t.projectFor(tg.ix, e.item) : e.item;
    bytes += itemSize(stored);
    last = e;
    if (st0.where && !evaluate(st0.where, stored)) continue;
    items.push(st0.proj ? project(stored, st0.proj) : cloneItem(stored));
  }
  const u = newUsage(true);
  const units = readUnits(bytes, !!opts.consistent);
  if (tg.ix) u.indexes.set(tg.ix.name, { units, global: tg.ix.global }); else u.table = units;
  let next: string | undefined; let lastKey: Item | undefined;
  if (more && last) {
    const hk = keyText(last.item[tg.o.hash]);
    const probe = parts.find((p) => p!.hk === hk)!;
    next = encodeToken(opts.tokenOp, { k: encodeValue({ hk, token: probe.token, rk: last.rk, pk: last.pk }) });
    lastKey = tg.t.keyOf(last.item);
    if (tg.ix) for (const k of tg.ix.keySchema) lastKey[k.AttributeName] = last.item[k.AttributeName];
  }
  return { tg, items, usage: u, next, lastKey: lastKey && cloneItem(lastKey) };
}

/** A single-item read for batches and transactions: the WHERE must fix the whole key. */
function getOne(ctx: RequestContext, st0: Extract<Statement, { kind: 'select' }>): { t: Table; item?: Item; usage: Usage } {
  const t = getTable(ctx, st0.table);
  if (st0.index !== undefined) throw validation('Index is not supported in this operation'); // wording unverified
  const { key, rest } = keyFromWhere(t, st0.where);
  const item = currentItem(st(ctx), t, t.pkOf(key));
  const u = newUsage(true);
  u.table = readUnits(item ? itemSize(item) : 0, true);
  const hit = item && (!rest || evaluate(rest, item)) ? item : undefined;
  return { t, item: hit && (st0.proj ? project(hit, st0.proj) : cloneItem(hit)), usage: u };
}

const params = (p: unknown) => (p ?? []) as AV[];

export function executeStatement(ctx: RequestContext, input: In<'ExecuteStatement'>): Out<'ExecuteStatement'> {
  const st0 = parseStatement(input.Statement, params(input.Parameters));
  if (st0.kind === 'select') {
    const r = select(ctx, st0, { limit: input.Limit, token: input.NextToken, consistent: input.ConsistentRead, tokenOp: `ExecuteStatement:${createHash('sha1').update(input.Statement).digest('hex')}` });
    return {
      Items: r.items, NextToken: r.next, LastEvaluatedKey: r.lastKey,
      ConsumedCapacity: consumed(input.ReturnConsumedCapacity, r.tg.t.rec.name, r.usage),
    } as Out<'ExecuteStatement'>;
  }
  const w = planWrite(ctx, st0, input.ReturnValuesOnConditionCheckFailure);
  const u = runWrite(st(ctx), w);
  return { Items: [], ConsumedCapacity: consumed(input.ReturnConsumedCapacity, w.plan.t.rec.name, u) } as Out<'ExecuteStatement'>;
}

// Batch and transaction error codes are the exception names without "Exception" (API
// Reference, BatchStatementError).
const CODES: Record<string, string> = {
  ConditionalCheckFailedException: 'ConditionalCheckFailed', ValidationException: 'ValidationError',
  ResourceNotFoundException: 'ResourceNotFound', DuplicateItemException: 'DuplicateItem',
};

export function batchExecuteStatement(ctx: RequestContext, input: In<'BatchExecuteStatement'>): Out<'BatchExecuteStatement'> {
  const s = st(ctx);
  const parsed = input.Statements.map((x) => {
    try { return { st: parseStatement(x.Statement, params(x.Parameters)) }; } catch (e) { return { err: e as ServiceError }; }
  });
  const reads = parsed.filter((p) => p.st?.kind === 'select').length;
  if (reads && reads !== parsed.filter((p) => p.st).length) {
    throw validation('Batch read and write statements can not be used in the same request'); // wording unverified
  }
  const usage = new Map<string, Usage>();
  const Responses = input.Statements.map((x, i) => {
    const p = parsed[i];
    try {
      if (p.err) throw p.err;
      const st0 = p.st!;
      if (st0.kind === 'select') {
        const r = getOne(ctx, st0);
        usage.set(r.t.rec.name, r.usage);
        return { TableName: r.t.rec.name, ...(r.item ? { Item: r.item } : {}) };
      }
      const w = planWrite(ctx, st0, x.ReturnValuesOnConditionCheckFailure);
      usage.set(w.plan.t.rec.name, runWrite(s, w));
      return { TableName: w.plan.t.rec.name };
    } catch (e) {
      if (!(e instanceof ServiceError) || !CODES[e.code]) throw e;
      const item = e.fields.Item as Item | undefined;
      return { ...(p.st ? { TableName: p.st.table } : {}), Error: { Code: CODES[e.code], Message: e.message, ...(item ? { Item: item } : {}) } };
    }
  });
  const cc = !input.ReturnConsumedCapacity || input.ReturnConsumedCapacity === 'NONE' ? undefined
    : [...usage].map(([t, u]) => consumed(input.ReturnConsumedCapacity, t, u));
  return { Responses, ConsumedCapacity: cc } as Out<'BatchExecuteStatement'>;
}

const TOKEN_MS = 10 * 60 * 1000;

function canceled(reasons: Record<string, unknown>[]): ServiceError {
  return new ServiceError('TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`, 400,
    { CancellationReasons: reasons });
}

export function executeTransaction(ctx: RequestContext, input: In<'ExecuteTransaction'>): Out<'ExecuteTransaction'> {
  const s = st(ctx);
  const now = clock.now();
  for (const [k, v] of s.tokens) if (now - v.at >= TOKEN_MS) s.tokens.delete(k);
  let digest: string | undefined;
  if (input.ClientRequestToken !== undefined) {
    digest = createHash('sha256').update('ExecuteTransaction' + encodeValue(input.TransactStatements)).digest('hex');
    const seen = s.tokens.get(input.ClientRequestToken);
    if (seen) {
      if (seen.digest !== digest) throw new ServiceError('IdempotentParameterMismatchException', 'The request uses the same client token as a previous, but non-identical request.', 400);
      return {} as Out<'ExecuteTransaction'>;
    }
  }
  const stmts = input.TransactStatements.map((x) => parseStatement(x.Statement, params(x.Parameters)));
  const reads = stmts.filter((x) => x.kind === 'select').length;
  if (reads && reads !== stmts.length) throw validation('Transaction must contain either all read or all write statements'); // wording unverified
  const usage = new Map<string, Usage>();
  const merge = (t: string, u: Usage) => {
    const cur = usage.get(t);
    if (!cur) { usage.set(t, u); return; }
    cur.table += u.table;
    for (const [k, x] of u.indexes) { const c = cur.indexes.get(k); if (c) c.units += x.units; else cur.indexes.set(k, { ...x }); }
  };
  const cc = () => (!input.ReturnConsumedCapacity || input.ReturnConsumedCapacity === 'NONE' ? undefined
    : [...usage].map(([t, u]) => consumed(input.ReturnConsumedCapacity, t, u)));
  if (reads) {
    const Responses = stmts.map((x) => {
      const r = getOne(ctx, x as Extract<Statement, { kind: 'select' }>);
      merge(r.t.rec.name, { ...r.usage, table: r.usage.table * 2 });
      return r.item ? { Item: r.item } : {};
    });
    return { Responses, ConsumedCapacity: cc() } as Out<'ExecuteTransaction'>;
  }
  const writes = stmts.map((x, i) => planWrite(ctx, x, input.TransactStatements[i].ReturnValuesOnConditionCheckFailure));
  const seen = new Set<string>();
  for (const w of writes) claimOnce(seen, w.plan);
  // Every check first, then every write: all or nothing.
  const outcome: TransactionOutcome = { reasons: [], results: [] };
  const { reasons, results } = outcome;
  let failed = false;
  for (const w of writes) {
    const { old, err } = checkWrite(s, w);
    if (err) {
      failed = true;
      const item = err.fields.Item as Item | undefined;
      reasons.push({ Code: CODES[err.code], Message: err.message, ...(item ? { Item: item } : {}) });
      results.push({});
      continue;
    }
    if (!transactResult(outcome, w.plan, old)) failed = true;
  }
  if (failed) throw canceled(reasons);
  writes.forEach((w, i) => {
    const { old, next } = results[i];
    if (old || next) writeItem(s, w.plan.t, w.plan.pk, old, next);
    merge(w.plan.t.rec.name, writeUsage(w.plan.t, old, next, true));
  });
  if (input.ClientRequestToken !== undefined) s.tokens.set(input.ClientRequestToken, { at: now, digest: digest! });
  return { Responses: [], ConsumedCapacity: cc() } as Out<'ExecuteTransaction'>;
}
