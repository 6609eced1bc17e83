// The legacy (pre-expression) parameters: Expected, KeyConditions, QueryFilter, ScanFilter,
// AttributeUpdates and ConditionalOperator (AttributesToGet is read by items.ts
// readProjection). Each is translated into the expression ASTs of expr.ts, so one evaluator
// serves both forms (Developer Guide, "Legacy conditional parameters", gives each
// ComparisonOperator's expression equivalent). Mixing them with expression parameters is
// refused with DynamoDB's message.
import type { Cond, Operand, Path, UpdateAction } from './expr.js';
import { type AV, checkValue, invalidParam, typeOf, validation } from './values.js';

interface Condition { ComparisonOperator?: string; AttributeValueList?: AV[] }
interface ExpectedValue extends Condition { Value?: AV; Exists?: boolean }
interface ValueUpdate { Value?: AV; Action?: string }

/**
 * Refuses a request that mixes legacy parameters with expression parameters. Both lists are
 * in the order DynamoDB names them in its message, which differs per operation (observed
 * against AWS: extenddb's dual-target conformance tests, legacy ConditionalOperator/mixing).
 */
export function checkNotMixed(input: object, legacy: string[], expression: string[]): void {
  const x = input as Record<string, unknown>;
  const non = legacy.filter((n) => x[n] !== undefined);
  const expr = expression.filter((n) => x[n] !== undefined);
  if (non.length && expr.length) {
    throw validation(`Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${non.join(', ')}} Expression parameters: {${expr.join(', ')}}`);
  }
}

/** ConditionalOperator needs a Filter or Expected of two or more conditions (observed wording, as above). */
export function checkConditionalOperator(operator: string | undefined, conditions: object | undefined): void {
  if (operator === undefined) return;
  const n = Object.keys(conditions ?? {}).length;
  if (n === 0) throw validation('ConditionalOperator cannot be used without Filter or Expected');
  if (n === 1) throw validation('ConditionalOperator can only be used when Filter or Expected has two or more elements');
}

const path = (attr: string): Path => ({ kind: 'path', els: [attr] });
const val = (v: AV): Operand => ({ kind: 'value', v, name: ':legacy' });

const ARGS: Record<string, number | 'any'> = {
  EQ: 1, NE: 1, LE: 1, LT: 1, GE: 1, GT: 1, NOT_NULL: 0, NULL: 0, CONTAINS: 1, NOT_CONTAINS: 1, BEGINS_WITH: 1, IN: 'any', BETWEEN: 2,
};
const SCALAR_ONLY = new Set(['LE', 'LT', 'GE', 'GT', 'CONTAINS', 'NOT_CONTAINS', 'BEGINS_WITH', 'BETWEEN', 'IN']);

/** One attribute's Condition as an expression. */
function conditionOf(attr: string, c: Condition): Cond {
  const op = c.ComparisonOperator!;
  const want = ARGS[op];
  if (want === undefined) throw validation(`1 validation error detected: Value '${op}' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]`);
  const list = (c.AttributeValueList ?? []).map((v) => checkValue(v));
  if (want === 'any' ? list.length === 0 : list.length !== want) {
    throw invalidParam(`Invalid number of argument(s) for the ${op} ComparisonOperator`);
  }
  for (const v of list) {
    const t = typeOf(v);
    if (SCALAR_ONLY.has(op) && t !== 'S' && t !== 'N' && t !== 'B') {
      throw invalidParam(`ComparisonOperator ${op} is not valid for ${t} AttributeValue type`);
    }
    if (op === 'BEGINS_WITH' && t === 'N') throw invalidParam(`ComparisonOperator ${op} is not valid for ${t} AttributeValue type`);
  }
  if (op === 'BETWEEN' && typeOf(list[0]) !== typeOf(list[1])) {
    throw invalidParam('AttributeValues inside AttributeValueList must be of same type'); // wording unverified
  }
  const a = path(attr);
  switch (op) {
    case 'NOT_NULL': return { kind: 'fn', name: 'attribute_exists', args: [a] };
    case 'NULL': return { kind: 'fn', name: 'attribute_not_exists', args: [a] };
    case 'EQ': return { kind: 'cmp', op: '=', a, b: val(list[0]) };
    case 'NE': return { kind: 'cmp', op: '<>', a, b: val(list[0]) };
    case 'LE': return { kind: 'cmp', op: '<=', a, b: val(list[0]) };
    case 'LT': return { kind: 'cmp', op: '<', a, b: val(list[0]) };
    case 'GE': return { kind: 'cmp', op: '>=', a, b: val(list[0]) };
    case 'GT': return { kind: 'cmp', op: '>', a, b: val(list[0]) };
    case 'CONTAINS': return { kind: 'fn', name: 'contains', args: [a, val(list[0])] };
    case 'NOT_CONTAINS': return { kind: 'not', a: { kind: 'fn', name: 'contains', args: [a, val(list[0])] } };
    case 'BEGINS_WITH': return { kind: 'fn', name: 'begins_with', args: [a, val(list[0])] };
    case 'IN': return { kind: 'in', a, list: list.map(val) };
    default: return { kind: 'between', a, lo: val(list[0]), hi: val(list[1]) };
  }
}

function combine(conds: Cond[], operator: string | undefined): Cond {
  return conds.reduce((acc, c) => ({ kind: operator === 'OR' ? 'or' : 'and', a: acc, b: c }));
}

/** Expected (PutItem, UpdateItem, DeleteItem) as a condition. */
export function expectedCondition(expected: Record<string, ExpectedValue> | undefined, operator: string | undefined): Cond | undefined {
  checkConditionalOperator(operator, expected);
  const entries = Object.entries(expected ?? {});
  if (!entries.length) return undefined;
  const conds = entries.map(([attr, e]): Cond => {
    if (e.ComparisonOperator !== undefined) {
      if (e.Value !== undefined) throw invalidParam(`Value and ComparisonOperator cannot be used together for Attribute: ${attr}`); // wording unverified
      if (e.Exists !== undefined) throw invalidParam(`Exists and ComparisonOperator cannot be used together for Attribute: ${attr}`); // wording unverified
      return conditionOf(attr, e);
    }
    if (e.AttributeValueList !== undefined) throw invalidParam(`AttributeValueList can only be used with a ComparisonOperator for Attribute: ${attr}`); // wording unverified
    if (e.Exists === false) {
      if (e.Value !== undefined) throw invalidParam(`Value cannot be used when Exists is false for Attribute: ${attr}`); // wording unverified
      return { kind: 'fn', name: 'attribute_not_exists', args: [path(attr)] };
    }
    if (e.Value === undefined) throw invalidParam(`Value must be provided when Exists is true for Attribute: ${attr}`); // wording unverified
    return { kind: 'cmp', op: '=', a: path(attr), b: val(checkValue(e.Value)) };
  });
  return combine(conds, operator);
}

/** QueryFilter / ScanFilter as a filter condition. */
export function filterCondition(filter: Record<string, Condition> | undefined, operator: string | undefined): Cond | undefined {
  checkConditionalOperator(operator, filter);
  const entries = Object.entries(filter ?? {});
  if (!entries.length) return undefined;
  return combine(entries.map(([attr, c]) => conditionOf(attr, c)), operator);
}

/** KeyConditions as a key condition (only the operators a key condition allows). */
export function keyConditions(kc: Record<string, Condition>): Cond {
  const entries = Object.entries(kc);
  if (!entries.length) throw validation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
  return combine(entries.map(([attr, c]) => {
    if (!['EQ', 'LE', 'LT', 'GE', 'GT', 'BEGINS_WITH', 'BETWEEN'].includes(c.ComparisonOperator ?? '')) {
      throw invalidParam(`Attempted conditional constraint is not an indexable operation`);
    }
    return conditionOf(attr, c);
  }), 'AND');
}

/** AttributeUpdates as update actions: PUT sets, ADD adds (numbers, sets), DELETE removes an attribute or set members. */
export function attributeUpdates(updates: Record<string, ValueUpdate>): UpdateAction[] {
  return Object.entries(updates).map(([attr, u]): UpdateAction => {
    const action = u.Action ?? 'PUT';
    const v = u.Value === undefined ? undefined : checkValue(u.Value);
    if (action === 'DELETE') {
      if (!v) return { kind: 'REMOVE', path: path(attr) };
      const t = typeOf(v);
      if (t !== 'SS' && t !== 'NS' && t !== 'BS') throw invalidParam('DELETE action with value is not supported for the type ' + t); // wording unverified
      return { kind: 'DELETE', path: path(attr), value: val(v) };
    }
    if (!v) throw invalidParam(`Only DELETE action is allowed when no attribute value is specified`); // wording unverified
    if (action === 'ADD') {
      const t = typeOf(v);
      if (t !== 'N' && t !== 'SS' && t !== 'NS' && t !== 'BS') throw invalidParam(`ADD action is not supported for the type ${t}`); // wording unverified
      return { kind: 'ADD', path: path(attr), value: val(v) };
    }
    return { kind: 'SET', path: path(attr), value: val(v) };
  });
}
