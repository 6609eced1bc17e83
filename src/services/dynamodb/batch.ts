// BatchGetItem, BatchWriteItem, TransactGetItems and TransactWriteItems. Batches validate the
// whole request first, then apply (UnprocessedKeys/UnprocessedItems stay empty: Nimbus never
// throttles). Transactions check every condition before writing anything; a failure cancels
// all with one CancellationReason per item. ClientRequestToken makes a TransactWriteItems
// idempotent for 10 minutes of the clock.
import { createHash } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { encodeValue } from '../../core/state.js';
import type { RequestContext } from '../service.js';
import {
  type In, type Out, type Usage, checkItemKeys, checkKey, checkSize, consumed, currentItem, exprContext, getTable, newUsage,
  readUnits, st, writeItem,
} from './common.js';
import { evaluate, parseCondition, project } from './expr.js';
import {
  type TransactionOutcome, type WritePlan, claimOnce, planDelete, planPut, planUpdate, readProjection, transactResult, writeUsage,
} from './items.js';
import { type AV, type Item, checkItem, cloneItem, itemSize, validation } from './values.js';

function mergeUsage(into: Map<string, Usage>, table: string, u: Usage): void {
  const cur = into.get(table);
  if (!cur) { into.set(table, u); return; }
  cur.table += u.table;
  for (const [k, x] of u.indexes) {
    const c = cur.indexes.get(k);
    if (c) c.units += x.units; else cur.indexes.set(k, { ...x });
  }
}
const consumedList = (mode: string | undefined, m: Map<string, Usage>) =>
  (!mode || mode === 'NONE' ? undefined : [...m].map(([t, u]) => consumed(mode, t, u)));

const duplicates = () => validation('Provided list of item keys contains duplicates');

export function batchGetItem(ctx: RequestContext, input: In<'BatchGetItem'>): Out<'BatchGetItem'> {
  const s = st(ctx);
  const reqs = Object.entries(input.RequestItems);
  let total = 0;
  const plans = reqs.map(([name, r]) => {
    const t = getTable(ctx, name);
    const ex = exprContext(r, r.ProjectionExpression !== undefined);
    const proj = readProjection(r, ex);
    ex.checkUnused();
    const seen = new Set<string>();
    const keys = r.Keys.map((k) => {
      const key = checkKey(t, k as Record<string, AV>);
      const pk = t.pkOf(key);
      if (seen.has(pk)) throw duplicates();
      seen.add(pk);
      return pk;
    });
    total += keys.length;
    return { t, proj, keys, consistent: !!r.ConsistentRead };
  });
  if (total > 100) throw validation('Too many items requested for the BatchGetItem call');
  const Responses: Record<string, Item[]> = {};
  const usage = new Map<string, Usage>();
  for (const p of plans) {
    const out: Item[] = [];
    const u = newUsage(true);
    for (const pk of p.keys) {
      const item = currentItem(s, p.t, pk);
      u.table += readUnits(item ? itemSize(item) : 0, p.consistent);
      if (item) out.push(p.proj ? project(item, p.proj) : cloneItem(item));
    }
    Responses[p.t.rec.name] = out;
    mergeUsage(usage, p.t.rec.name, u);
  }
  return { Responses, UnprocessedKeys: {}, ConsumedCapacity: consumedList(input.ReturnConsumedCapacity, usage) } as Out<'BatchGetItem'>;
}

export function batchWriteItem(ctx: RequestContext, input: In<'BatchWriteItem'>): Out<'BatchWriteItem'> {
  const s = st(ctx);
  const reqs = Object.entries(input.RequestItems);
  const total = reqs.reduce((a, [, r]) => a + r.length, 0);
  if (total > 25) throw validation('Too many items requested for the BatchWriteItem call');
  const plans: { t: ReturnType<typeof getTable>; pk: string; item?: Item }[] = [];
  for (const [name, rs] of reqs) {
    const t = getTable(ctx, name);
    const seen = new Set<string>();
    for (const r of rs) {
      if (!!r.PutRequest === !!r.DeleteRequest) {
        throw validation('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes'); // AWS's (odd) wording for a request with both or neither
      }
      let pk: string; let item: Item | undefined;
      if (r.PutRequest) {
        item = checkItem(r.PutRequest.Item as Record<string, AV>);
        checkItemKeys(t, item);
        checkSize(item);
        pk = t.pkOf(item);
      } else {
        pk = t.pkOf(checkKey(t, r.DeleteRequest!.Key as Record<string, AV>));
      }
      if (seen.has(pk)) throw duplicates();
      seen.add(pk);
      plans.push({ t, pk, item });
    }
  }
  const usage = new Map<string, Usage>();
  for (const p of plans) {
    const old = currentItem(s, p.t, p.pk);
    if (p.item || old) writeItem(s, p.t, p.pk, old, p.item);
    mergeUsage(usage, p.t.rec.name, writeUsage(p.t, old, p.item));
  }
  return { UnprocessedItems: {}, ConsumedCapacity: consumedList(input.ReturnConsumedCapacity, usage) } as Out<'BatchWriteItem'>;
}

// ---------------------------------------------------------------------------------------------
// Transactions

const TOKEN_MS = 10 * 60 * 1000;

function canceled(reasons: Record<string, unknown>[]): ServiceError {
  const codes = reasons.map((r) => r.Code).join(', ');
  return new ServiceError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`, 400, { CancellationReasons: reasons });
}

export function transactWriteItems(ctx: RequestContext, input: In<'TransactWriteItems'>): Out<'TransactWriteItems'> {
  const s = st(ctx);
  const now = clock.now();
  for (const [k, v] of s.tokens) if (now - v.at >= TOKEN_MS) s.tokens.delete(k);
  let digest: string | undefined;
  if (input.ClientRequestToken !== undefined) {
    const { ClientRequestToken: _tok, ...rest } = input;
    digest = createHash('sha256').update(encodeValue(rest)).digest('hex');
    const seen = s.tokens.get(input.ClientRequestToken);
    if (seen) {
      if (seen.digest !== digest) {
        throw new ServiceError('IdempotentParameterMismatchException', 'The request uses the same client token as a previous, but non-identical request.', 400);
      }
      return {} as Out<'TransactWriteItems'>;
    }
  }
  const plans: WritePlan[] = [];
  const seen = new Set<string>();
  for (const ti of input.TransactItems) {
    const n = [ti.ConditionCheck, ti.Put, ti.Delete, ti.Update].filter(Boolean).length;
    if (n !== 1) throw validation('TransactItems can only contain one of Check, Put, Update or Delete'); // wording unverified
    let plan: WritePlan;
    if (ti.Put) plan = planPut(ctx, ti.Put as In<'PutItem'>).plan;
    else if (ti.Delete) plan = planDelete(ctx, ti.Delete as In<'DeleteItem'>);
    else if (ti.Update) plan = planUpdate(ctx, ti.Update as In<'UpdateItem'>);
    else {
      const c = ti.ConditionCheck!;
      const t = getTable(ctx, c.TableName);
      const ex = exprContext(c, true);
      const cond = parseCondition(c.ConditionExpression, 'ConditionExpression', ex);
      ex.checkUnused();
      const key = checkKey(t, c.Key as Record<string, AV>);
      plan = { t, pk: t.pkOf(key), key, kind: 'check', cond, rvOnFail: c.ReturnValuesOnConditionCheckFailure };
    }
    claimOnce(seen, plan);
    plans.push(plan);
  }
  // Check every condition and compute every result before writing anything.
  const outcome: TransactionOutcome = { reasons: [], results: [] };
  const { reasons, results } = outcome;
  let failed = false;
  for (const p of plans) {
    const old = currentItem(s, p.t, p.pk);
    if (p.cond && !evaluate(p.cond, old)) {
      failed = true;
      reasons.push({ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', ...(p.rvOnFail === 'ALL_OLD' && old ? { Item: cloneItem(old) } : {}) });
      results.push({});
      continue;
    }
    if (!transactResult(outcome, p, old)) failed = true;
  }
  if (failed) throw canceled(reasons);
  const usage = new Map<string, Usage>();
  plans.forEach((p, i) => {
    const { old, next } = results[i];
    if (p.kind !== 'check' && (old || next)) writeItem(s, p.t, p.pk, old, next);
    const u = p.kind === 'check' ? { ...newUsage(false), table: readUnits(old ? itemSize(old) : 0, true, true) } : writeUsage(p.t, old, next, true);
    mergeUsage(usage, p.t.rec.name, u);
  });
  if (input.ClientRequestToken !== undefined) s.tokens.set(input.ClientRequestToken, { at: now, digest: digest! });
  return { ConsumedCapacity: consumedList(input.ReturnConsumedCapacity, usage) } as Out<'TransactWriteItems'>;
}

export function transactGetItems(ctx: RequestContext, input: In<'TransactGetItems'>): Out<'TransactGetItems'> {
  const s = st(ctx);
  const seen = new Set<string>();
  const plans = input.TransactItems.map((ti) => {
    const g = ti.Get;
    const t = getTable(ctx, g.TableName);
    const ex = exprContext(g, g.ProjectionExpression !== undefined);
    const proj = readProjection(g, ex);
    ex.checkUnused();
    const pk = t.pkOf(checkKey(t, g.Key as Record<string, AV>));
    const id = `${t.rec.name}\u0000${pk}`;
    if (seen.has(id)) throw validation('Transaction request cannot include multiple operations on one item');
    seen.add(id);
    return { t, pk, proj };
  });
  const usage = new Map<string, Usage>();
  const Responses = plans.map((p) => {
    const item = currentItem(s, p.t, p.pk);
    mergeUsage(usage, p.t.rec.name, { ...newUsage(true), table: readUnits(item ? itemSize(item) : 0, true, true) });
    return item ? { Item: p.proj ? project(item, p.proj) : cloneItem(item) } : {};
  });
  return { Responses, ConsumedCapacity: consumedList(input.ReturnConsumedCapacity, usage) } as Out<'TransactGetItems'>;
}
