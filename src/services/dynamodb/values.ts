// DynamoDB attribute values: validation and normalisation (numbers as exact decimals through
// decimal.js, never JS floats), DynamoDB's ordering (numbers numerically, strings by UTF-8
// bytes, binary by bytes), equality, key encoding and the item size AWS bills by.
import { Decimal as DecimalLib } from 'decimal.js';
import { ServiceError } from '../../core/errors.js';

const DecimalCtor = DecimalLib;
/** Plenty of precision for 38-digit operands; plain notation for every magnitude DynamoDB allows. */
export const Dec = DecimalCtor.clone({ precision: 80, toExpNeg: -9e15, toExpPos: 9e15, rounding: DecimalCtor.ROUND_HALF_EVEN });
export type Dec = DecimalLib;

export interface AV {
  S?: string; N?: string; B?: Buffer; SS?: string[]; NS?: string[]; BS?: Buffer[];
  M?: Record<string, AV>; L?: AV[]; NULL?: boolean; BOOL?: boolean;
}
export type Item = Record<string, AV>;
export type TypeName = 'S' | 'N' | 'B' | 'SS' | 'NS' | 'BS' | 'M' | 'L' | 'NULL' | 'BOOL';
export const TYPES: TypeName[] = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];

export const validation = (msg: string) => new ServiceError('ValidationException', msg, 400);
export const invalidParam = (msg: string) => validation(`One or more parameter values were invalid: ${msg}`);

const IS_TYPE: Record<string, boolean> = Object.fromEntries(TYPES.map((t) => [t, true]));

export function typeOf(v: AV): TypeName {
  // A value's own keys (one, normally) rather than probing all ten type names.
  for (const k in v) if (IS_TYPE[k] === true && (v as Record<string, unknown>)[k] !== undefined) return k as TypeName;
  return 'NULL';
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MAX = new Dec('9.9999999999999999999999999999999999999e125');
const MIN = new Dec('1e-130');

/** Parses and range-checks a DynamoDB number; returns it as a Decimal. */
export function parseNumber(s: string): Dec {
  if (typeof s !== 'string' || !NUMBER.test(s.trim())) throw validation('A value provided cannot be converted into a number');
  const d = new Dec(s.trim());
  return checkNumber(d);
}

/** The limits DynamoDB puts on a stored number: 38 significant digits, 1E-130 ≤ |n| < 1E126. */
export function checkNumber(d: Dec): Dec {
  if (d.isZero()) return new Dec(0);
  if (d.sd() > 38) throw validation('Attempting to store more than 38 significant digits in a Number');
  const a = d.abs();
  if (a.gt(MAX)) throw validation('Number overflow. Attempting to store a number with magnitude larger than supported range');
  if (a.lt(MIN)) throw validation('Number underflow. Attempting to store a number with magnitude smaller than supported range');
  return d;
}

/** The canonical text DynamoDB returns: no exponent, no trailing zeros, no leading '+'. */
export const formatNumber = (d: Dec): string => (d.isZero() ? '0' : d.toString());
/** Plain decimals already in DynamoDB's canonical form: no sign but '-', no leading or trailing zeros. */
const CANONICAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
export const normNumber = (s: string): string => {
  // Most numbers arrive canonical ("1", "42.5"). One of at most 38 characters has at most 38
  // digits and is in range, so it needs no decimal arithmetic; anything else goes through decimal.js.
  if (typeof s === 'string' && s.length <= 38 && s !== '-0' && CANONICAL.test(s)) return s;
  return formatNumber(parseNumber(s));
};

const setLabel: Record<string, string> = { SS: 'string', NS: 'number' };

/**
 * Validates one attribute value from a request and returns its normalised copy (numbers in
 * canonical form). Messages are DynamoDB's, as its API answers them.
 */
export function checkValue(v: AV | null | undefined, depth = 0): AV {
  if (v === null || v === undefined || typeof v !== 'object') throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  let found: TypeName | undefined;
  for (const t in v) {
    if (IS_TYPE[t] !== true || (v as Record<string, unknown>)[t] === undefined) continue;
    if (found) throw validation('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes');
    found = t as TypeName;
  }
  if (!found) throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  if (depth > 32) throw validation('Nesting Levels have exceeded supported limits: Nesting level for the attribute value exceeds the maximum of 32');
  switch (found) {
    case 'S': return { S: v.S };
    case 'N': return { N: normNumber(v.N!) };
    case 'B': return { B: Buffer.from(v.B!) };
    case 'BOOL': return { BOOL: v.BOOL };
    case 'NULL':
      if (v.NULL !== true) throw invalidParam('Null attribute value types must have the value of true');
      return { NULL: true };
    case 'SS': case 'NS': {
      const xs = (v[found] ?? []) as string[];
      if (xs.length === 0) throw invalidParam(`An ${setLabel[found]} set  may not be empty`);
      const norm = found === 'NS' ? xs.map((x) => normNumber(x)) : xs.map((x) => { if (typeof x !== 'string') throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'); return x; });
      if (new Set(norm).size !== norm.length) throw invalidParam(`Input collection [${xs.join(', ')}] contains duplicates.`);
      return { [found]: norm };
    }
    case 'BS': {
      const xs = (v.BS ?? []).map((b) => Buffer.from(b));
      if (xs.length === 0) throw invalidParam('Binary sets should not be empty');
      if (new Set(xs.map((b) => b.toString('base64'))).size !== xs.length) throw invalidParam('Input collection contains duplicates.');
      return { BS: xs };
    }
    case 'M': {
      const out: Record<string, AV> = {};
      for (const [k, x] of Object.entries(v.M ?? {})) {
        // The one model constraint inside AttributeValue (AttributeName: at most 65535), which
        // model validation leaves to DynamoDB (index.ts, validatesItself).
        if (k.length > 65535) throw validation(`1 validation error detected: Value '${k}' at 'item' failed to satisfy constraint: Member must have length less than or equal to 65535`);
        out[k] = checkValue(x, depth + 1);
      }
      return { M: out };
    }
    case 'L': return { L: (v.L ?? []).map((x) => checkValue(x, depth + 1)) };
  }
}

export function checkItem(item: Record<string, AV> | undefined): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item ?? {})) {
    if (k === '') throw invalidParam('An AttributeValue may not contain an empty attribute name'); // wording unverified
    out[k] = checkValue(v);
  }
  return out;
}

/** UTF-8 byte order = code point order: maps UTF-16 code units so surrogates sort above the BMP. */
const fix = (c: number) => (c >= 0xe000 ? c - 0x800 : c >= 0xd800 ? c + 0x2000 : c);
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i); const y = b.charCodeAt(i);
    if (x !== y) return fix(x) - fix(y);
  }
  return a.length - b.length;
}

/** DynamoDB ordering of two scalar values of the same type (S, N or B). */
export function compareScalar(a: AV, b: AV): number {
  if (a.S !== undefined) return compareStrings(a.S, b.S!);
  if (a.N !== undefined) return new Dec(a.N).cmp(new Dec(b.N!));
  return Buffer.compare(a.B!, b.B!);
}

/** Deep equality, sets compared as sets. */
export function equalValues(a: AV | undefined, b: AV | undefined): boolean {
  if (!a || !b) return false;
  const t = typeOf(a);
  if (t !== typeOf(b)) return false;
  switch (t) {
    case 'S': return a.S === b.S;
    case 'N': return new Dec(a.N!).eq(new Dec(b.N!));
    case 'B': return a.B!.equals(b.B!);
    case 'BOOL': return a.BOOL === b.BOOL;
    case 'NULL': return true;
    case 'SS': return sameSet(a.SS!, b.SS!);
    case 'NS': return sameSet(a.NS!.map(normNumber), b.NS!.map(normNumber));
    case 'BS': return sameSet(a.BS!.map((x) => x.toString('base64')), b.BS!.map((x) => x.toString('base64')));
    case 'L': return a.L!.length === b.L!.length && a.L!.every((x, i) => equalValues(x, b.L![i]));
    case 'M': {
      const ka = Object.keys(a.M!); const kb = Object.keys(b.M!);
      return ka.length === kb.length && ka.every((k) => equalValues(a.M![k], b.M![k]));
    }
  }
}
function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/** A scalar key value as text, for map keys: type letter + canonical value. */
export function keyText(v: AV): string {
  if (v.S !== undefined) return 'S' + v.S;
  if (v.N !== undefined) return 'N' + v.N;
  return 'B' + v.B!.toString('base64');
}

export function clone(v: AV): AV {
  if (v.B) return { B: Buffer.from(v.B) };
  if (v.BS) return { BS: v.BS.map((b) => Buffer.from(b)) };
  if (v.SS) return { SS: [...v.SS] };
  if (v.NS) return { NS: [...v.NS] };
  if (v.M) { const m: Record<string, AV> = {}; for (const [k, x] of Object.entries(v.M)) m[k] = clone(x); return { M: m }; }
  if (v.L) return { L: v.L.map(clone) };
  return { ...v };
}
export const cloneItem = (it: Item): Item => { const o: Item = {}; for (const [k, v] of Object.entries(it)) o[k] = clone(v); return o; };

/** Bytes a number occupies: about one byte per two significant digits, plus one. */
function numberSize(n: string): number {
  // Significant digits: all digits between the first and the last non-zero one.
  let first = -1; let last = -1; let digits = 0; let leading = 0;
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c < 48 || c > 57) continue; // '-' and '.'
    if (c !== 48) { if (first < 0) { first = i; leading = digits; } last = digits; }
    digits++;
  }
  const significant = first < 0 ? 0 : last - leading + 1;
  return Math.ceil(Math.max(significant, 1) / 2) + 1;
}

/** Size of a value as DynamoDB counts it (Developer Guide, "Item sizes and formats"). */
export function valueSize(v: AV): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.length;
  if (v.SS) return v.SS.reduce((a, s) => a + Buffer.byteLength(s), 0);
  if (v.NS) return v.NS.reduce((a, s) => a + numberSize(s), 0);
  if (v.BS) return v.BS.reduce((a, b) => a + b.length, 0);
  if (v.L) return 3 + v.L.reduce((a, x) => a + 1 + valueSize(x), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((a, [k, x]) => a + 1 + Buffer.byteLength(k) + valueSize(x), 0);
  return 1; // NULL, BOOL
}
/**
 * Sizes of items validated for writing (checkSize). A stored item is never changed in place
 * (updates write a new item), so its size is computed once, not again for capacity, table
 * size, index sizes and Query's 1 MB page on every later read.
 */
const finalSizes = new WeakMap<Item, number>();
export function itemSize(it: Item): number {
  const known = finalSizes.get(it);
  if (known !== undefined) return known;
  let n = 0;
  for (const k in it) n += Buffer.byteLength(k) + valueSize(it[k]);
  return n;
}
/** The size of an item about to be stored, remembered for the reads above. */
export function finalItemSize(it: Item): number {
  const n = itemSize(it);
  finalSizes.set(it, n);
  return n;
}
export const MAX_ITEM = 400 * 1024;
