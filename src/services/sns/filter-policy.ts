// Subscription filter policies ("Amazon SNS message filtering", Developer Guide): compiled once
// into a matcher when the policy is set, so publishing only runs closures. Scope
// MessageAttributes matches a message's attributes (String, Number, String.Array; Binary never
// matches); scope MessageBody matches the JSON body, nested keys included. Operators: exact
// string/number, prefix, suffix, anything-but (value, list, prefix, suffix), numeric ranges,
// exists, equals-ignore-case, cidr, and $or. Limits: 5 keys, 150 combinations.
import { invalidParameter } from './common.js';

/** The values a matcher sees for one key: strings and numbers from the message. */
export interface MatchInput {
  /** Attribute scope: name → {type, value}; body scope: the parsed JSON body. */
  attributes?: Record<string, { type: string; value: string }>;
  body?: unknown;
}
export type Matcher = (m: MatchInput) => boolean;

type Val = string | number | boolean | null;
/** Tests the values present at a key (empty = key absent). */
type Cond = (values: Val[], present: boolean) => boolean;

const bad = (why: string) => invalidParameter(`FilterPolicy: ${why}`);

const MAX_KEYS = 5;
const MAX_COMBINATIONS = 150;

export function compileFilterPolicy(policy: unknown, bodyScope: boolean): Matcher {
  if (!isObject(policy)) throw bad('Filter policy must be a JSON object'); // (?)
  const counted = { keys: 0 };
  const combos = combinations(policy);
  const node = compileObject(policy, bodyScope, 0, counted);
  if (counted.keys > MAX_KEYS) throw bad(`Filter policy can not have more than ${MAX_KEYS} keys`);
  if (combos > MAX_COMBINATIONS) throw bad('Filter policy is too complex');
  if (bodyScope) return (m) => isObject(m.body) && node(m.body);
  return (m) => node(attributeView(m.attributes ?? {}));
}

/** Attribute scope, seen as an object of key → values (String.Array spread, Binary absent). */
function attributeView(attrs: Record<string, { type: string; value: string }>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, a] of Object.entries(attrs)) {
    if (a.type.startsWith('Binary')) continue;
    if (a.type.startsWith('Number')) { o[k] = Number(a.value); continue; }
    if (a.type === 'String.Array') {
      try { const arr = JSON.parse(a.value); if (Array.isArray(arr)) { o[k] = arr; continue; } } catch { /* a plain string then */ }
    }
    o[k] = a.value;
  }
  return o;
}

type Node = (obj: Record<string, unknown>) => boolean;

function compileObject(policy: Record<string, unknown>, bodyScope: boolean, depth: number, counted: { keys: number }): Node {
  const parts: Node[] = [];
  for (const [key, spec] of Object.entries(policy)) {
    if (key === '$or') {
      if (!Array.isArray(spec) || spec.length < 2) throw bad('$or must be an array of at least two objects'); // (?)
      const alts = spec.map((s) => {
        if (!isObject(s)) throw bad('$or must contain objects'); // (?)
        return compileObject(s, bodyScope, depth, counted);
      });
      parts.push((o) => alts.some((a) => a(o)));
      continue;
    }
    if (isObject(spec)) {
      if (!bodyScope) throw bad('Filter policy scope MessageAttributes does not support nested filter policy');
      const inner = compileObject(spec, bodyScope, depth + 1, counted);
      parts.push((o) => {
        const v = o[key];
        if (Array.isArray(v)) return v.some((x) => isObject(x) && inner(x));
        return inner(isObject(v) ? v : {});
      });
      continue;
    }
    if (!Array.isArray(spec)) throw bad(`"${key}" must be an object or an array`);
    if (!spec.length) throw bad('Empty arrays are not allowed');
    counted.keys++;
    const conds = spec.map(compileCondition);
    parts.push((o) => {
      const present = Object.prototype.hasOwnProperty.call(o, key) && !isObject(o[key]);
      const raw = o[key];
      const values: Val[] = !present ? [] : Array.isArray(raw) ? raw.filter((x) => !isObject(x) && !Array.isArray(x)) as Val[] : [raw as Val];
      return conds.some((c) => c(values, present));
    });
  }
  return (o) => parts.every((p) => p(o));
}

/** Combinations as AWS counts them: the product of each key's value count ($or sums its branches). */
function combinations(policy: Record<string, unknown>): number {
  let n = 1;
  for (const [key, spec] of Object.entries(policy)) {
    if (key === '$or' && Array.isArray(spec)) n *= spec.reduce((s: number, x) => s + (isObject(x) ? combinations(x) : 1), 0);
    else if (isObject(spec)) n *= combinations(spec);
    else if (Array.isArray(spec)) n *= Math.max(1, spec.length);
  }
  return n;
}

function compileCondition(c: unknown): Cond {
  if (c === null) return (vs, present) => present && vs.some((v) => v === null);
  if (typeof c === 'string') return (vs) => vs.some((v) => v === c);
  if (typeof c === 'number') return (vs) => vs.some((v) => typeof v === 'number' && v === c);
  if (typeof c === 'boolean') return (vs) => vs.some((v) => v === c);
  if (!isObject(c)) throw bad('Match value must be String, number, true, false, or null');
  const ops = Object.keys(c);
  if (ops.length !== 1) throw bad('Only one key allowed in match expression'); // (?)
  const op = ops[0];
  const arg = c[op];
  switch (op) {
    case 'exists':
      if (typeof arg !== 'boolean') throw bad('exists match pattern must be either true or false.');
      return arg ? (_vs, present) => present : (_vs, present) => !present;
    case 'prefix': {
      if (isObject(arg) && typeof arg['equals-ignore-case'] === 'string') {
        const p = (arg['equals-ignore-case'] as string).toLowerCase();
        return (vs) => vs.some((v) => typeof v === 'string' && v.toLowerCase().startsWith(p));
      }
      if (typeof arg !== 'string') throw bad('prefix match pattern must be a string');
      return (vs) => vs.some((v) => typeof v === 'string' && v.startsWith(arg));
    }
    case 'suffix': {
      if (isObject(arg) && typeof arg['equals-ignore-case'] === 'string') {
        const p = (arg['equals-ignore-case'] as string).toLowerCase();
        return (vs) => vs.some((v) => typeof v === 'string' && v.toLowerCase().endsWith(p));
      }
      if (typeof arg !== 'string') throw bad('suffix match pattern must be a string');
      return (vs) => vs.some((v) => typeof v === 'string' && v.endsWith(arg));
    }
    case 'equals-ignore-case': {
      if (typeof arg !== 'string') throw bad('equals-ignore-case match pattern must be a string');
      const l = arg.toLowerCase();
      return (vs) => vs.some((v) => typeof v === 'string' && v.toLowerCase() === l);
    }
    case 'anything-but': return compileAnythingBut(arg);
    case 'numeric': return compileNumeric(arg);
    case 'cidr': return compileCidr(arg);
    default: throw bad(`Unrecognized match type ${op}`);
  }
}

function compileAnythingBut(arg: unknown): Cond {
  // A key that is absent matches nothing, anything-but included.
  if (isObject(arg)) {
    const [op] = Object.keys(arg);
    const v = arg[op];
    if (op === 'prefix' && typeof v === 'string') return (vs, present) => present && vs.some((x) => typeof x === 'string' && !x.startsWith(v));
    if (op === 'suffix' && typeof v === 'string') return (vs, present) => present && vs.some((x) => typeof x === 'string' && !x.endsWith(v));
    if (op === 'equals-ignore-case') {
      const list = (Array.isArray(v) ? v : [v]).map((x) => {
        if (typeof x !== 'string') throw bad('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
        return x.toLowerCase();
      });
      return (vs, present) => present && vs.some((x) => typeof x === 'string' && !list.includes(x.toLowerCase()));
    }
    throw bad(`Unsupported anything-but pattern: ${op}`);
  }
  const list = Array.isArray(arg) ? arg : [arg];
  for (const x of list) {
    if (typeof x !== 'string' && typeof x !== 'number') throw bad('Inside anything but list, start|null|boolean is not supported.');
  }
  const strs = new Set(list.filter((x) => typeof x === 'string'));
  const nums = new Set(list.filter((x) => typeof x === 'number'));
  return (vs, present) => present && vs.some((v) => (typeof v === 'number' ? !nums.has(v) : typeof v === 'string' ? !strs.has(v) : true));
}

const NUMERIC_LIMIT = 1e9;

function compileNumeric(arg: unknown): Cond {
  if (!Array.isArray(arg) || !arg.length) throw bad('Value of numeric must be an array.');
  const tests: ((n: number) => boolean)[] = [];
  let lower = false, upper = false;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const v = arg[i + 1];
    if (typeof op !== 'string') throw bad('Value of numeric must be an array.');
    if (!['=', '<', '<=', '>', '>='].includes(op)) throw bad(`Unrecognized numeric range operator: ${op}`);
    if (typeof v !== 'number') throw bad(`Value of ${op} must be numeric`);
    if (v < -NUMERIC_LIMIT || v > NUMERIC_LIMIT) throw bad(`Value of ${op} must be numeric`); // (?) AWS allows ±1e9
    if (op === '=') {
      if (arg.length !== 2) throw bad('Too many elements in numeric expression');
      tests.push((n) => n === v);
    } else if (op === '>' || op === '>=') {
      if (lower) throw bad('Too many elements in numeric expression');
      lower = true;
      tests.push(op === '>' ? (n) => n > v : (n) => n >= v);
    } else {
      if (upper) throw bad('Too many elements in numeric expression');
      upper = true;
      tests.push(op === '<' ? (n) => n < v : (n) => n <= v);
    }
  }
  if (arg.length > 4) throw bad('Too many elements in numeric expression');
  return (vs) => vs.some((v) => {
    const n = typeof v === 'number' ? v : NaN;
    return !Number.isNaN(n) && tests.every((t) => t(n));
  });
}

function compileCidr(arg: unknown): Cond {
  const m = typeof arg === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(arg) : null;
  if (!m || m.slice(1, 5).some((x) => Number(x) > 255) || Number(m[5]) > 32) throw bad('Malformed CIDR, one \'/\' required');
  const bits = Number(m[5]);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const base = (ipv4(m.slice(1, 5).join('.'))! & mask) >>> 0;
  return (vs) => vs.some((v) => {
    if (typeof v !== 'string') return false;
    const ip = ipv4(v);
    return ip !== undefined && ((ip & mask) >>> 0) === base;
  });
}

function ipv4(s: string): number | undefined {
  const p = s.split('.');
  if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined;
  return p.reduce((n, x) => ((n << 8) | Number(x)) >>> 0, 0);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
