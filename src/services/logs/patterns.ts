// CloudWatch Logs filter patterns, as FilterLogEvents, metric filters, subscription filters and
// TestMetricFilter read them (CloudWatch Logs User Guide, "Filter pattern syntax for metric
// filters, subscription filters, filter log events, and Live Tail"):
//
//   - terms:            ERROR "exact phrase"   (all must appear; case-sensitive)
//                       ?ERROR ?WARN           (any of them)
//                       ERROR -DEBUG           (and not this one)
//   - regex:            %ERROR|WARN%           (no parentheses)
//   - JSON:             { $.a = 1 && ($.b.c != "x*" || $.d[0] IS TRUE) }  with = != < > <= >=,
//                       strings with * wildcards, numbers, IS NULL / IS TRUE / IS FALSE,
//                       NOT EXISTS, %regex% values
//   - space-delimited:  [ip, user, ..., status = 4*, bytes > 1000]  fields split on spaces,
//                       "quoted" and [bracketed] runs are one field, ... skips any number
//
// A pattern is parsed once into a matcher (cached by its text); matching a message is then a
// walk over the compiled form. Parse errors are InvalidParameterException "Invalid filter
// pattern", AWS's one message for them (the reason is kept in the code, not sent); a JSON
// pattern missing its closing brace gets AWS's own "If a filter pattern starts with '{' it
// must end with '}'".
import { ServiceError } from '../../core/errors.js';

export interface PatternMatch {
  /** Values of named space-delimited fields ($name → value), for TestMetricFilter. */
  extracted: Record<string, string>;
  /** The value a metric transformation's metricValue ($.x or $field) reads, if any. */
  valueOf(selector: string): string | undefined;
}

export interface CompiledPattern {
  readonly kind: 'all' | 'terms' | 'regex' | 'json' | 'delimited';
  /** The fields a space-delimited pattern names (for metricValue `$field`). */
  readonly fields: string[];
  match(message: string): PatternMatch | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars
const invalid = (_why?: string) => new ServiceError('InvalidParameterException', 'Invalid filter pattern');

const NO_VALUES: PatternMatch = { extracted: {}, valueOf: () => undefined };

// ---- values: numbers, strings with * wildcards, regex ----

type Value = { kind: 'number'; n: number; text: string } | { kind: 'string'; text: string; glob?: RegExp } | { kind: 'regex'; re: RegExp };
type Op = '=' | '!=' | '<' | '>' | '<=' | '>=';

function regexOf(body: string): RegExp {
  // AWS refuses ( and ) in filter-pattern regexes ("you cannot use parentheses to define a subpattern").
  if (/[()]/.test(body)) throw invalid('parentheses are not supported in regular expressions');
  try { return new RegExp(body); } catch { throw invalid(`bad regular expression %${body}%`); }
}

function stringValue(text: string): Value {
  if (!text.includes('*')) return { kind: 'string', text };
  const re = new RegExp('^' + text.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 's');
  return { kind: 'string', text, glob: re };
}

function compare(actual: unknown, op: Op, v: Value): boolean {
  if (actual === undefined || actual === null || typeof actual === 'object') return false;
  if (v.kind === 'regex') {
    const hit = v.re.test(String(actual));
    return op === '!=' ? !hit : op === '=' ? hit : false;
  }
  if (v.kind === 'number') {
    const n = typeof actual === 'number' ? actual : typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : NaN;
    if (Number.isNaN(n)) return op === '!=';
    switch (op) {
      case '=': return n === v.n;
      case '!=': return n !== v.n;
      case '<': return n < v.n;
      case '>': return n > v.n;
      case '<=': return n <= v.n;
      case '>=': return n >= v.n;
    }
  }
  const s = String(actual);
  const eq = v.glob ? v.glob.test(s) : s === v.text;
  if (op === '=') return eq;
  if (op === '!=') return !eq;
  return false; // ordering needs numbers (rejected at parse time)
}

// ---- a small tokenizer shared by the JSON and space-delimited grammars ----

interface Tok { t: 'word' | 'str' | 'regex' | 'op' | 'punct'; v: string }

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"') {
      let j = i + 1, s = '';
      while (j < src.length && src[j] !== '"') { if (src[j] === '\\' && j + 1 < src.length) j++; s += src[j++]; }
      if (j >= src.length) throw invalid('unterminated quoted string');
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    if (c === '%') {
      const j = src.indexOf('%', i + 1);
      if (j < 0) throw invalid('unterminated regular expression');
      out.push({ t: 'regex', v: src.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['&&', '||', '!=', '<=', '>='].includes(two)) { out.push({ t: 'op', v: two }); i += 2; continue; }
    if ('=<>'.includes(c)) { out.push({ t: 'op', v: c }); i++; continue; }
    if ('(),'.includes(c)) { out.push({ t: 'punct', v: c }); i++; continue; }
    if (src.startsWith('...', i)) { out.push({ t: 'word', v: '...' }); i += 3; continue; }
    let j = i;
    while (j < src.length && !/[\s"%&|!=<>(),]/.test(src[j])) j++;
    if (j === i) throw invalid(`unexpected character ${c}`);
    out.push({ t: 'word', v: src.slice(i, j) });
    i = j;
  }
  return out;
}

class Parser {
  i = 0;
  constructor(readonly toks: Tok[]) {}
  peek(): Tok | undefined { return this.toks[this.i]; }
  next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw invalid('unexpected end of pattern');
    return t;
  }
  accept(t: Tok['t'], v?: string): boolean {
    const x = this.peek();
    if (x && x.t === t && (v === undefined || x.v === v)) { this.i++; return true; }
    return false;
  }
  done(): boolean { return this.i >= this.toks.length; }
}

function parseValue(p: Parser, op: Op): Value {
  const t = p.next();
  let v: Value;
  if (t.t === 'str') v = stringValue(t.v);
  else if (t.t === 'regex') v = { kind: 'regex', re: regexOf(t.v) };
  else if (t.t === 'word') v = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t.v) ? { kind: 'number', n: Number(t.v), text: t.v } : stringValue(t.v);
  else throw invalid(`expected a value, found ${t.v}`);
  if (op !== '=' && op !== '!=' && v.kind !== 'number') throw invalid(`${op} needs a numeric value`);
  if (v.kind === 'regex' && op !== '=' && op !== '!=') throw invalid(`${op} can't compare with a regular expression`);
  return v;
}

// ---- JSON patterns ----

type Step = { key: string } | { index: number } | { any: true };
type JsonExpr =
  | { k: 'and' | 'or'; a: JsonExpr; b: JsonExpr }
  | { k: 'cmp'; path: Step[]; sel: string; op: Op; v: Value }
  | { k: 'is'; path: Step[]; what: 'NULL' | 'TRUE' | 'FALSE' }
  | { k: 'missing'; path: Step[] };

function parseSelector(text: string): Step[] {
  if (!text.startsWith('$')) throw invalid(`expected a property selector ($.…), found ${text}`);
  const steps: Step[] = [];
  const re = /\.([^.[\]]+)|\[(\d+|\*)\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < text.length) {
    const m = re.exec(text);
    if (!m) throw invalid(`bad property selector ${text}`);
    if (m[1] !== undefined) steps.push(m[1] === '*' ? { any: true } : { key: m[1] });
    else steps.push(m[2] === '*' ? { any: true } : { index: Number(m[2]) });
  }
  if (!steps.length) throw invalid(`bad property selector ${text}`);
  return steps;
}

function parseJsonOr(p: Parser): JsonExpr {
  let a = parseJsonAnd(p);
  while (p.accept('op', '||')) a = { k: 'or', a, b: parseJsonAnd(p) };
  return a;
}

function parseJsonAnd(p: Parser): JsonExpr {
  let a = parseJsonUnary(p);
  while (p.accept('op', '&&')) a = { k: 'and', a, b: parseJsonUnary(p) };
  return a;
}

function parseJsonUnary(p: Parser): JsonExpr {
  if (p.accept('punct', '(')) {
    const e = parseJsonOr(p);
    if (!p.accept('punct', ')')) throw invalid('missing )');
    return e;
  }
  const selTok = p.next();
  if (selTok.t !== 'word') throw invalid(`expected a property selector, found ${selTok.v}`);
  const path = parseSelector(selTok.v);
  if (p.accept('word', 'IS')) {
    const w = p.next().v.toUpperCase();
    if (w !== 'NULL' && w !== 'TRUE' && w !== 'FALSE') throw invalid(`IS ${w}`);
    return { k: 'is', path, what: w };
  }
  if (p.accept('word', 'NOT')) {
    if (!p.accept('word', 'EXISTS')) throw invalid('expected NOT EXISTS');
    return { k: 'missing', path };
  }
  const opTok = p.next();
  if (opTok.t !== 'op' || opTok.v === '&&' || opTok.v === '||') throw invalid(`expected a comparison after ${selTok.v}`);
  const op = opTok.v as Op;
  return { k: 'cmp', path, sel: selTok.v, op, v: parseValue(p, op) };
}

/** Every value a selector reaches ([*] fans out); empty when the property is missing. */
function resolve(doc: unknown, path: Step[]): unknown[] {
  let cur: unknown[] = [doc];
  for (const s of path) {
    const nxt: unknown[] = [];
    for (const x of cur) {
      if (x === null || typeof x !== 'object') continue;
      if ('any' in s) { nxt.push(...(Array.isArray(x) ? x : Object.values(x as object))); continue; }
      if ('index' in s) { if (Array.isArray(x) && s.index < x.length) nxt.push(x[s.index]); continue; }
      if (!Array.isArray(x) && Object.prototype.hasOwnProperty.call(x, s.key)) nxt.push((x as Record<string, unknown>)[s.key]);
    }
    cur = nxt;
  }
  return cur;
}

function evalJson(e: JsonExpr, doc: unknown): boolean {
  switch (e.k) {
    case 'and': return evalJson(e.a, doc) && evalJson(e.b, doc);
    case 'or': return evalJson(e.a, doc) || evalJson(e.b, doc);
    case 'missing': return resolve(doc, e.path).length === 0;
    case 'is': {
      const want = e.what === 'NULL' ? null : e.what === 'TRUE';
      return resolve(doc, e.path).some((x) => x === want);
    }
    case 'cmp': return resolve(doc, e.path).some((x) => compare(x, e.op, e.v));
  }
}

function compileJson(src: string): CompiledPattern {
  const inner = src.trim();
  if (!inner.endsWith('}')) throw new ServiceError('InvalidParameterException', 'If a filter pattern starts with \'{\' it must end with \'}\'');
  const p = new Parser(tokenize(inner.slice(1, -1)));
  if (p.done()) throw invalid('empty JSON pattern');
  const expr = parseJsonOr(p);
  if (!p.done()) throw invalid(`unexpected ${p.peek()!.v}`);
  return {
    kind: 'json', fields: [],
    match(message) {
      const body = message.trim();
      if (!body.startsWith('{')) return undefined;
      let doc: unknown;
      try { doc = JSON.parse(body); } catch { return undefined; }
      if (!evalJson(expr, doc)) return undefined;
      return {
        extracted: {},
        valueOf(selector) {
          let path: Step[];
          try { path = parseSelector(selector); } catch { return undefined; }
          const [v] = resolve(doc, path);
          return v === undefined || v === null || typeof v === 'object' ? undefined : String(v);
        },
      };
    },
  };
}

// ---- space-delimited patterns ----

interface Field { name: string; ellipsis: boolean }
type Cond = { k: 'and' | 'or'; a: Cond; b: Cond } | { k: 'cmp'; field: string; op: Op; v: Value };

/** Splits a message into fields: whitespace separates, "…" and […] are one field each. */
export function splitFields(message: string): string[] {
  const out: string[] = [];
  let i = 0;
  const s = message;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    const open = s[i];
    if (open === '"' || open === '[') {
      const close = open === '"' ? '"' : ']';
      const j = s.indexOf(close, i + 1);
      if (j >= 0) { out.push(s.slice(i + 1, j)); i = j + 1; continue; }
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j])) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

function compileDelimited(src: string): CompiledPattern {
  const inner = src.trim();
  if (!inner.endsWith(']')) throw new ServiceError('InvalidParameterException', 'If a filter pattern starts with \'[\' it must end with \']\'');
  const p = new Parser(tokenize(inner.slice(1, -1)));
  const fields: Field[] = [];
  const conds: Cond[] = [];
  if (!p.done()) {
    for (;;) {
      const t = p.next();
      if (t.t !== 'word') throw invalid(`expected a field name, found ${t.v}`);
      if (t.v === '...') fields.push({ name: '', ellipsis: true });
      else {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.v)) throw invalid(`bad field name ${t.v}`);
        if (fields.some((f) => f.name === t.v)) throw invalid(`field ${t.v} named twice`);
        fields.push({ name: t.v, ellipsis: false });
        const x = p.peek();
        if (x?.t === 'op' && x.v !== '&&' && x.v !== '||') conds.push(parseDelimCond(p, t.v));
      }
      if (p.done()) break;
      if (!p.accept('punct', ',')) throw invalid(`expected , found ${p.peek()!.v}`);
    }
  }
  if (!fields.length) throw invalid('a space-delimited pattern needs at least one field');
  const names = fields.filter((f) => !f.ellipsis).map((f) => f.name);
  for (const c of conds) checkCondFields(c, names);
  return {
    kind: 'delimited', fields: names,
    match(message) {
      const values = assign(fields, splitFields(message));
      if (!values) return undefined;
      for (const c of conds) if (!evalCond(c, values)) return undefined;
      const extracted: Record<string, string> = {};
      for (const n of names) if (values[n] !== undefined) extracted[`$${n}`] = values[n];
      return { extracted, valueOf: (sel) => (sel.startsWith('$') ? values[sel.slice(1)] : undefined) };
    },
  };
}

/** `name op value` joined by && / || (the first name already read). */
function parseDelimCond(p: Parser, first: string): Cond {
  const one = (name: string): Cond => {
    const op = p.next().v as Op;
    if (!['=', '!=', '<', '>', '<=', '>='].includes(op)) throw invalid(`expected a comparison after ${name}`);
    return { k: 'cmp', field: name, op, v: parseValue(p, op) };
  };
  let c = one(first);
  for (;;) {
    const x = p.peek();
    if (!x || x.t !== 'op' || (x.v !== '&&' && x.v !== '||')) return c;
    p.next();
    const name = p.next();
    if (name.t !== 'word') throw invalid(`expected a field name, found ${name.v}`);
    c = { k: x.v === '&&' ? 'and' : 'or', a: c, b: one(name.v) };
  }
}

function checkCondFields(c: Cond, names: string[]): void {
  if (c.k === 'cmp') { if (!names.includes(c.field)) throw invalid(`unknown field ${c.field}`); return; }
  checkCondFields(c.a, names);
  checkCondFields(c.b, names);
}

function evalCond(c: Cond, values: Record<string, string>): boolean {
  if (c.k === 'cmp') return compare(values[c.field], c.op, c.v);
  return c.k === 'and' ? evalCond(c.a, values) && evalCond(c.b, values) : evalCond(c.a, values) || evalCond(c.b, values);
}

/** Fields to message values by position; `...` takes any number (the fewest that fit). */
function assign(fields: Field[], vals: string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const go = (fi: number, vi: number): boolean => {
    if (fi === fields.length) return vi === vals.length;
    const f = fields[fi];
    if (f.ellipsis) {
      for (let k = vi; k <= vals.length; k++) if (go(fi + 1, k)) return true;
      return false;
    }
    if (vi >= vals.length) return false;
    out[f.name] = vals[vi];
    return go(fi + 1, vi + 1);
  };
  return go(0, 0) ? out : undefined;
}

// ---- terms and regex ----

function compileTerms(src: string): CompiledPattern {
  const all: string[] = [], any: string[] = [], none: string[] = [];
  const anyRe: RegExp[] = [], allRe: RegExp[] = [], noneRe: RegExp[] = [];
  const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|%([^%]*)%|(\S+))/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(src))) {
    if (src.slice(consumed, m.index).trim()) throw invalid();
    consumed = re.lastIndex;
    const [, mod, quoted, regex, bare] = m;
    if (regex !== undefined) {
      const r = regexOf(regex);
      (mod === '?' ? anyRe : mod === '-' ? noneRe : allRe).push(r);
      continue;
    }
    const text = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare;
    if (bare !== undefined && bare.includes('"')) throw invalid('unbalanced quotes');
    (mod === '?' ? any : mod === '-' ? none : all).push(text);
  }
  const hasAny = any.length + anyRe.length > 0;
  return {
    kind: allRe.length || anyRe.length || noneRe.length ? 'regex' : 'terms', fields: [],
    match(message) {
      for (const t of all) if (!message.includes(t)) return undefined;
      for (const r of allRe) if (!r.test(message)) return undefined;
      for (const t of none) if (message.includes(t)) return undefined;
      for (const r of noneRe) if (r.test(message)) return undefined;
      if (hasAny && !any.some((t) => message.includes(t)) && !anyRe.some((r) => r.test(message))) return undefined;
      return NO_VALUES;
    },
  };
}

// ---- entry point, with a cache of compiled patterns ----

const MATCH_ALL: CompiledPattern = { kind: 'all', fields: [], match: () => NO_VALUES };
const cache = new Map<string, CompiledPattern>();
const CACHE_MAX = 1000;

export function compilePattern(pattern: string | undefined): CompiledPattern {
  const src = (pattern ?? '').trim();
  if (!src || src === '""') return MATCH_ALL;
  const hit = cache.get(src);
  if (hit) return hit;
  const c = src.startsWith('{') ? compileJson(src) : src.startsWith('[') ? compileDelimited(src) : compileTerms(src);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(src, c);
  return c;
}
