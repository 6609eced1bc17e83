// Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem, with condition, update and
// projection expressions, ReturnValues, ReturnValuesOnConditionCheckFailure and capacity.
// Handlers are synchronous, so a condition check and its write are atomic.
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import {
  type In, type Out, type Usage, addIndexWrites, checkItemKeys, checkKey, checkSize, consumed, currentItem, exprContext,
  getTable, newUsage, readUnits, st, writeItem, writeUnits,
} from './common.js';
import {
  type Cond, type ExprContext, type Path, type UpdateAction, applyUpdate, evaluate, parseCondition, parseProjection,
  parseUpdate, project,
} from './expr.js';
import type { DynamoState, Table } from './state.js';
import { attributeUpdates, checkNotMixed, expectedCondition } from './legacy.js';
import { type AV, type Item, checkItem, cloneItem, itemSize, validation } from './values.js';

export const conditionFailed = (old: Item | undefined, rv: string | undefined) =>
  new ServiceError('ConditionalCheckFailedException', 'The conditional request failed', 400,
    rv === 'ALL_OLD' && old ? { Item: cloneItem(old) } : {});

/** A parsed write: what to check and what it does, shared with transactions and batches. */
export interface WritePlan {
  t: Table;
  pk: string;
  key: Item;
  kind: 'put' | 'update' | 'delete' | 'check';
  item?: Item;
  actions?: UpdateAction[];
  cond?: Cond;
  rvOnFail?: string;
}

/** A write's condition: its ConditionExpression, else the legacy Expected/ConditionalOperator. */
function writeCondition(input: { ConditionExpression?: string; Expected?: unknown; ConditionalOperator?: string }, ex: ExprContext): Cond | undefined {
  return input.ConditionExpression !== undefined ? parseCondition(input.ConditionExpression, 'ConditionExpression', ex)
    : expectedCondition(input.Expected as Record<string, never>, input.ConditionalOperator);
}

export function planPut(ctx: RequestContext, input: In<'PutItem'>): { plan: WritePlan; ex: ExprContext } {
  checkNotMixed(input, ['Expected', 'ConditionalOperator'], ['ConditionExpression']);
  const t = getTable(ctx, input.TableName);
  const ex = exprContext(input, !!input.ConditionExpression);
  const cond = writeCondition(input, ex);
  ex.checkUnused();
  const item = checkItem(input.Item as Record<string, AV>);
  checkItemKeys(t, item);
  checkSize(item);
  const key = t.keyOf(item);
  return { plan: { t, pk: t.pkOf(key), key, kind: 'put', item, cond, rvOnFail: input.ReturnValuesOnConditionCheckFailure }, ex };
}

export function planDelete(ctx: RequestContext, input: In<'DeleteItem'>): WritePlan {
  checkNotMixed(input, ['Expected', 'ConditionalOperator'], ['ConditionExpression']);
  const t = getTable(ctx, input.TableName);
  const ex = exprContext(input, !!input.ConditionExpression);
  const cond = writeCondition(input, ex);
  ex.checkUnused();
  const key = checkKey(t, input.Key as Record<string, AV>);
  return { t, pk: t.pkOf(key), key, kind: 'delete', cond, rvOnFail: input.ReturnValuesOnConditionCheckFailure };
}

export function planUpdate(ctx: RequestContext, input: In<'UpdateItem'>): WritePlan {
  checkNotMixed(input, ['AttributeUpdates', 'Expected', 'ConditionalOperator'], ['UpdateExpression', 'ConditionExpression']);
  const t = getTable(ctx, input.TableName);
  const ex = exprContext(input, !!(input.ConditionExpression || input.UpdateExpression));
  const actions = input.UpdateExpression !== undefined ? parseUpdate(input.UpdateExpression, ex)
    : input.AttributeUpdates ? attributeUpdates(input.AttributeUpdates as Record<string, never>) : [];
  const cond = writeCondition(input, ex);
  ex.checkUnused();
  const key = checkKey(t, input.Key as Record<string, AV>);
  for (const a of actions) {
    const top = a.path.els[0] as string;
    if (top === t.hashAttr || top === t.rangeAttr) {
      throw validation(`One or more parameter values were invalid: Cannot update attribute ${top}. This attribute is part of the key`);
    }
  }
  return { t, pk: t.pkOf(key), key, kind: 'update', actions, cond, rvOnFail: input.ReturnValuesOnConditionCheckFailure };
}

/** Computes the item a plan leaves behind (undefined = no item); throws on bad updates. */
export function planResult(plan: WritePlan, old: Item | undefined): Item | undefined {
  switch (plan.kind) {
    case 'put': return plan.item;
    case 'delete': return undefined;
    case 'check': return old;
    case 'update': {
      const next = old ? cloneItem(old) : cloneItem(plan.key);
      applyUpdate(old, next, plan.actions!);
      checkItemKeys(plan.t, next);
      checkSize(next, true);
      return next;
    }
  }
}

/** A transaction touches each item once: marks the plan's item, refusing a second operation on it. */
export function claimOnce(seen: Set<string>, plan: WritePlan): void {
  const id = `${plan.t.rec.name}\u0000${plan.pk}`;
  if (seen.has(id)) throw validation('Transaction request cannot include multiple operations on one item');
  seen.add(id);
}

/** What a transaction has computed so far: per item, its cancellation reason and its images. */
export interface TransactionOutcome { reasons: Record<string, unknown>[]; results: { old?: Item; next?: Item }[] }

/**
 * Records one transaction item whose condition held: its new image, or the ValidationError
 * that cancels the whole transaction (TransactWriteItems and ExecuteTransaction alike).
 * Returns whether the item can be written.
 */
export function transactResult(out: TransactionOutcome, plan: WritePlan, old: Item | undefined): boolean {
  try {
    out.results.push({ old, next: planResult(plan, old) });
    out.reasons.push({ Code: 'None' });
    return true;
  } catch (e) {
    if (!(e instanceof ServiceError) || e.code !== 'ValidationException') throw e;
    out.reasons.push({ Code: 'ValidationError', Message: e.message });
    out.results.push({});
    return false;
  }
}

/** Checks the condition against the current item; returns the item before. */
export function checkCondition(s: DynamoState, plan: WritePlan): Item | undefined {
  const old = currentItem(s, plan.t, plan.pk);
  if (plan.cond && !evaluate(plan.cond, old)) throw conditionFailed(old, plan.rvOnFail);
  return old;
}

function writeUsage(t: Table, before: Item | undefined, after: Item | undefined, tx = false): Usage {
  const u = newUsage(false);
  u.table = writeUnits(Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0), tx);
  addIndexWrites(u, t, before, after, tx);
  return u;
}
export { writeUsage };

function checkReturnValues(rv: string | undefined, allowed: string[]): void {
  if (rv !== undefined && !allowed.includes(rv)) throw validation('Return values set to invalid value');
}

export function putItem(ctx: RequestContext, input: In<'PutItem'>): Out<'PutItem'> {
  checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
  const { plan } = planPut(ctx, input);
  const s = st(ctx);
  const old = checkCondition(s, plan);
  writeItem(s, plan.t, plan.pk, old, plan.item);
  return {
    Attributes: input.ReturnValues === 'ALL_OLD' && old ? cloneItem(old) : undefined,
    ConsumedCapacity: consumed(input.ReturnConsumedCapacity, plan.t.rec.name, writeUsage(plan.t, old, plan.item)),
  } as Out<'PutItem'>;
}

export function deleteItem(ctx: RequestContext, input: In<'DeleteItem'>): Out<'DeleteItem'> {
  checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
  const plan = planDelete(ctx, input);
  const s = st(ctx);
  const old = checkCondition(s, plan);
  if (old) writeItem(s, plan.t, plan.pk, old, undefined);
  return {
    Attributes: input.ReturnValues === 'ALL_OLD' && old ? cloneItem(old) : undefined,
    ConsumedCapacity: consumed(input.ReturnConsumedCapacity, plan.t.rec.name, writeUsage(plan.t, old, undefined)),
  } as Out<'DeleteItem'>;
}

export function updateItem(ctx: RequestContext, input: In<'UpdateItem'>): Out<'UpdateItem'> {
  checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']);
  const plan = planUpdate(ctx, input);
  const s = st(ctx);
  const old = checkCondition(s, plan);
  const next = planResult(plan, old)!;
  writeItem(s, plan.t, plan.pk, old, next);
  const rv = input.ReturnValues ?? 'NONE';
  const paths: Path[] = plan.actions!.map((a) => a.path);
  let attrs: Item | undefined;
  if (rv === 'ALL_OLD') attrs = old && cloneItem(old);
  else if (rv === 'ALL_NEW') attrs = cloneItem(next);
  else if (rv === 'UPDATED_OLD') attrs = old && project(old, paths);
  else if (rv === 'UPDATED_NEW') attrs = project(next, paths);
  if (attrs && Object.keys(attrs).length === 0) attrs = undefined;
  return {
    Attributes: attrs,
    ConsumedCapacity: consumed(input.ReturnConsumedCapacity, plan.t.rec.name, writeUsage(plan.t, old, next)),
  } as Out<'UpdateItem'>;
}

/** Projection for reads: ProjectionExpression, or the legacy AttributesToGet list. */
export function readProjection(input: { ProjectionExpression?: string; AttributesToGet?: string[] }, ex: ExprContext): Path[] | undefined {
  if (input.ProjectionExpression !== undefined && input.AttributesToGet) {
    throw validation('Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}');
  }
  if (input.ProjectionExpression !== undefined) return parseProjection(input.ProjectionExpression, ex);
  if (input.AttributesToGet) return input.AttributesToGet.map((a) => ({ kind: 'path', els: [a] }));
  return undefined;
}

export function getItem(ctx: RequestContext, input: In<'GetItem'>): Out<'GetItem'> {
  const t = getTable(ctx, input.TableName);
  const ex = exprContext(input, input.ProjectionExpression !== undefined);
  const proj = readProjection(input, ex);
  ex.checkUnused();
  const key = checkKey(t, input.Key as Record<string, AV>);
  const item = currentItem(st(ctx), t, t.pkOf(key));
  const u = newUsage(true);
  u.table = readUnits(item ? itemSize(item) : 0, !!input.ConsistentRead);
  return {
    Item: item ? (proj ? project(item, proj) : cloneItem(item)) : undefined,
    ConsumedCapacity: consumed(input.ReturnConsumedCapacity, t.rec.name, u),
  } as Out<'GetItem'>;
}
