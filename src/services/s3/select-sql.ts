// The SQL of S3 Select: the subset the S3 User Guide documents ("SQL reference for Amazon S3
// Select", https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-select-sql-reference.html):
//   SELECT <* | expr [AS alias], …> FROM S3Object[<path>] [[AS] alias] [WHERE expr] [LIMIT n]
// with column references by position (_1, s._2) or by name (s.name, s."Quoted Name"),
// JSON paths (s.a.b, s.list[0]), literals, arithmetic, ||, comparisons, AND/OR/NOT, LIKE …
// ESCAPE, BETWEEN, IN, IS [NOT] NULL|MISSING, CAST, the string functions (LOWER, UPPER, TRIM,
// SUBSTRING, CHAR_LENGTH), COALESCE, NULLIF, and the aggregates COUNT/SUM/AVG/MIN/MAX.
// Values: null is NULL, undefined is MISSING (a reference to nothing), strings, numbers,
// booleans, Dates (timestamps), and JSON objects/arrays. Errors use the codes of the
// "List of SELECT Object Content Error Codes" (ErrorResponses.html).
import { ServiceError } from '../../core/errors.js';

export type Value = null | undefined | string | number | boolean | Date | Value[] | { [k: string]: Value };

export type Step = { name: string; quoted: boolean } | { index: number } | { star: true };
export type Expr =
  | { k: 'lit'; v: Value }
  | { k: 'path'; steps: Step[] }
  | { k: 'un'; op: 'NOT' | '-'; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'like'; e: Expr; pat: Expr; esc?: Expr; not: boolean }
  | { k: 'between'; e: Expr; lo: Expr; hi: Expr; not: boolean }
  | { k: 'in'; e: Expr; list: Expr[]; not: boolean }
  | { k: 'is'; e: Expr; what: 'NULL' | 'MISSING'; not: boolean }
  | { k: 'cast'; e: Expr; type: string }
  | { k: 'call'; name: string; args: Expr[]; star?: boolean; trim?: { where: string; chars?: Expr } };

export interface Query {
  /** Undefined for SELECT *. */
  items?: { e: Expr; alias?: string }[];
  /** Path steps after S3Object ([*], .name, [n]). */
  from: Step[];
  alias?: string;
  where?: Expr;
  limit?: number;
  aggregates: Expr[];
}

const selectError = (code: string, message: string) => new ServiceError(code, message, 400);

// --- tokens -------------------------------------------------------------------------------

type Tok = { t: 'id' | 'qid' | 'str' | 'num' | 'op' | 'end'; v: string; col: number };

const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'LIMIT', 'AS', 'AND', 'OR', 'NOT', 'LIKE', 'ESCAPE', 'BETWEEN', 'IN', 'IS',
  'NULL', 'MISSING', 'TRUE', 'FALSE', 'CAST', 'GROUP', 'ORDER', 'BY', 'JOIN', 'HAVING', 'UNION']);

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) { i++; continue; }
    const col = i + 1;
    if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      out.push({ t: 'id', v: src.slice(i, j), col }); i = j; continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i))!;
      out.push({ t: 'num', v: m[0], col }); i += m[0].length; continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1, s = '';
      for (;;) {
        if (j >= src.length) throw selectError('ParseExpectedTokenType', `Unterminated ${ch === "'" ? 'string literal' : 'quoted identifier'} at line 1, column ${col}.`);
        if (src[j] === ch) { if (src[j + 1] === ch) { s += ch; j += 2; continue; } break; }
        s += src[j++];
      }
      out.push({ t: ch === "'" ? 'str' : 'qid', v: s, col }); i = j + 1; continue;
    }
    const two = src.slice(i, i + 2);
    if (['<=', '>=', '<>', '!=', '||'].includes(two)) { out.push({ t: 'op', v: two, col }); i += 2; continue; }
    if ('=<>+-*/%(),.[]'.includes(ch)) { out.push({ t: 'op', v: ch, col }); i++; continue; }
    throw selectError('ParseUnexpectedToken', `Unexpected token found ${ch} at line 1, column ${col}.`);
  }
  out.push({ t: 'end', v: '', col: src.length + 1 });
  return out;
}

// --- parser -------------------------------------------------------------------------------

const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
const FUNCTIONS = new Set([...AGGREGATES, 'LOWER', 'UPPER', 'TRIM', 'SUBSTRING', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'COALESCE', 'NULLIF']);
const CAST_TYPES: Record<string, string> = {
  INT: 'INT', INTEGER: 'INT', BIGINT: 'INT', SMALLINT: 'INT', FLOAT: 'FLOAT', REAL: 'FLOAT', DOUBLE: 'FLOAT', DECIMAL: 'DECIMAL', NUMERIC: 'DECIMAL',
  STRING: 'STRING', VARCHAR: 'STRING', CHAR: 'STRING', BOOL: 'BOOL', BOOLEAN: 'BOOL', TIMESTAMP: 'TIMESTAMP',
};

class Parser {
  private i = 0;
  readonly aggregates: Expr[] = [];
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok { return this.toks[this.i]; }
  private next(): Tok { return this.toks[this.i++]; }
  private isKw(kw: string, t = this.peek()): boolean { return t.t === 'id' && t.v.toUpperCase() === kw; }
  private isOp(op: string, t = this.peek()): boolean { return t.t === 'op' && t.v === op; }
  private unexpected(t = this.peek()): ServiceError {
    if (t.t === 'end') return selectError('ParseExpectedExpression', `Expected expression at line 1, column ${t.col}.`);
    const kind = t.t === 'id' ? (KEYWORDS.has(t.v.toUpperCase()) ? 'KEYWORD' : 'IDENTIFIER') : t.t === 'op' ? 'OPERATOR' : t.t === 'str' ? 'LITERAL' : t.t === 'num' ? 'LITERAL' : 'IDENTIFIER';
    return selectError('ParseUnexpectedToken', `Unexpected token found ${kind}:${t.v.toLowerCase()} at line 1, column ${t.col}.`);
  }
  private expectKw(kw: string): void {
    if (!this.isKw(kw)) throw selectError('ParseExpectedKeyword', `Expected keyword ${kw} at line 1, column ${this.peek().col}.`);
    this.i++;
  }
  private expectOp(op: string): void {
    if (!this.isOp(op)) throw this.unexpected();
    this.i++;
  }

  query(): Query {
    this.expectKw('SELECT');
    let items: Query['items'];
    if (this.isOp('*')) { this.i++; } else {
      items = [];
      do {
        if (this.isOp('*')) throw selectError('ParseAsteriskIsNotAloneInSelectList', 'Other expressions are not allowed in the SELECT list when \'*\' is used without dot notation in the SQL expression.');
        const e = this.expr();
        let alias: string | undefined;
        if (this.isKw('AS')) { this.i++; alias = this.ident(); } else if (this.peek().t === 'qid' || (this.peek().t === 'id' && !KEYWORDS.has(this.peek().v.toUpperCase()))) alias = this.ident();
        items.push({ e, alias });
      } while (this.isOp(',') && ++this.i);
    }
    if (!this.isKw('FROM')) throw selectError('ParseSelectMissingFrom', 'The SQL expression does not contain a FROM clause.');
    this.i++;
    const table = this.next();
    if (table.t !== 'id' || table.v.toUpperCase() !== 'S3OBJECT') {
      throw selectError('InvalidDataSource', 'The SQL expression contains an invalid data source: only S3Object is supported.');
    }
    const from = this.steps();
    let alias: string | undefined;
    if (this.isKw('AS')) { this.i++; alias = this.ident(); } else if (this.peek().t === 'qid' || (this.peek().t === 'id' && !KEYWORDS.has(this.peek().v.toUpperCase()))) alias = this.ident();
    let where: Expr | undefined;
    if (this.isKw('WHERE')) { this.i++; where = this.expr(); }
    let limit: number | undefined;
    if (this.isKw('LIMIT')) {
      this.i++;
      const t = this.next();
      if (t.t !== 'num' || !/^\d+$/.test(t.v)) throw selectError('ParseExpectedNumber', `Expected a number at line 1, column ${t.col}.`);
      limit = Number(t.v);
    }
    for (const kw of ['GROUP', 'ORDER', 'JOIN', 'HAVING', 'UNION']) {
      if (this.isKw(kw)) throw selectError('ParseUnsupportedSyntax', `${kw} is not supported in the SQL expression.`);
    }
    if (this.peek().t !== 'end') throw this.unexpected();
    if (where && containsAggregate(where)) throw selectError('ParseUnsupportedSyntax', 'Aggregate functions are not allowed in the WHERE clause.');
    if (this.aggregates.length && items?.some((it) => !containsAggregate(it.e) && usesColumns(it.e))) {
      throw selectError('ParseUnsupportedSelect', 'Aggregate and non-aggregate expressions cannot be mixed in the SELECT list.');
    }
    return { items, from, alias, where, limit, aggregates: this.aggregates };
  }

  private ident(): string {
    const t = this.next();
    if (t.t === 'qid') return t.v;
    if (t.t === 'id' && !KEYWORDS.has(t.v.toUpperCase())) return t.v;
    this.i--;
    throw selectError('ParseExpectedIdentForAlias', `Expected identifier for alias at line 1, column ${t.col}.`);
  }

  /** [*], [n], .name, ."name" after a table or column reference. */
  private steps(): Step[] {
    const steps: Step[] = [];
    for (;;) {
      if (this.isOp('[')) {
        this.i++;
        const t = this.next();
        if (t.t === 'op' && t.v === '*') steps.push({ star: true });
        else if (t.t === 'num' && /^\d+$/.test(t.v)) steps.push({ index: Number(t.v) });
        else if (t.t === 'str') steps.push({ name: t.v, quoted: true });
        else throw selectError('ParseInvalidPathComponent', `Invalid path component at line 1, column ${t.col}.`);
        this.expectOp(']');
      } else if (this.isOp('.')) {
        this.i++;
        const t = this.next();
        if (t.t === 'id') steps.push({ name: t.v, quoted: false });
        else if (t.t === 'qid') steps.push({ name: t.v, quoted: true });
        else if (t.t === 'op' && t.v === '*') steps.push({ star: true });
        else throw selectError('ParseInvalidPathComponent', `Invalid path component at line 1, column ${t.col}.`);
      } else return steps;
    }
  }

  expr(): Expr { return this.or(); }
  private or(): Expr {
    let l = this.and();
    while (this.isKw('OR')) { this.i++; l = { k: 'bin', op: 'OR', l, r: this.and() }; }
    return l;
  }
  private and(): Expr {
    let l = this.not();
    while (this.isKw('AND')) { this.i++; l = { k: 'bin', op: 'AND', l, r: this.not() }; }
    return l;
  }
  private not(): Expr {
    if (this.isKw('NOT')) { this.i++; return { k: 'un', op: 'NOT', e: this.not() }; }
    return this.predicate();
  }
  private predicate(): Expr {
    const e = this.concat();
    if (this.isKw('IS')) {
      this.i++;
      const not = this.isKw('NOT') ? (this.i++, true) : false;
      if (this.isKw('NULL')) { this.i++; return { k: 'is', e, what: 'NULL', not }; }
      if (this.isKw('MISSING')) { this.i++; return { k: 'is', e, what: 'MISSING', not }; }
      throw this.unexpected();
    }
    const not = this.isKw('NOT') && (this.isKw('LIKE', this.toks[this.i + 1]) || this.isKw('BETWEEN', this.toks[this.i + 1]) || this.isKw('IN', this.toks[this.i + 1]));
    if (not) this.i++;
    if (this.isKw('LIKE')) {
      this.i++;
      const pat = this.concat();
      let esc: Expr | undefined;
      if (this.isKw('ESCAPE')) { this.i++; esc = this.concat(); }
      return { k: 'like', e, pat, esc, not };
    }
    if (this.isKw('BETWEEN')) {
      this.i++;
      const lo = this.concat();
      this.expectKw('AND');
      return { k: 'between', e, lo, hi: this.concat(), not };
    }
    if (this.isKw('IN')) {
      this.i++;
      this.expectOp('(');
      const list = [this.expr()];
      while (this.isOp(',')) { this.i++; list.push(this.expr()); }
      this.expectOp(')');
      return { k: 'in', e, list, not };
    }
    for (const op of ['=', '<>', '!=', '<', '<=', '>', '>=']) {
      if (this.isOp(op)) { this.i++; return { k: 'bin', op: op === '!=' ? '<>' : op, l: e, r: this.concat() }; }
    }
    return e;
  }
  private concat(): Expr {
    let l = this.additive();
    while (this.isOp('||')) { this.i++; l = { k: 'bin', op: '||', l, r: this.additive() }; }
    return l;
  }
  private additive(): Expr {
    let l = this.term();
    while (this.isOp('+') || this.isOp('-')) { const op = this.next().v; l = { k: 'bin', op, l, r: this.term() }; }
    return l;
  }
  private term(): Expr {
    let l = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) { const op = this.next().v; l = { k: 'bin', op, l, r: this.unary() }; }
    return l;
  }
  private unary(): Expr {
    if (this.isOp('-')) { this.i++; return { k: 'un', op: '-', e: this.unary() }; }
    if (this.isOp('+')) { this.i++; return this.unary(); }
    return this.primary();
  }
  private primary(): Expr {
    const t = this.peek();
    if (t.t === 'num') { this.i++; return { k: 'lit', v: Number(t.v) }; }
    if (t.t === 'str') { this.i++; return { k: 'lit', v: t.v }; }
    if (this.isOp('(')) { this.i++; const e = this.expr(); this.expectOp(')'); return e; }
    if (t.t === 'qid') { this.i++; return { k: 'path', steps: [{ name: t.v, quoted: true }, ...this.steps()] }; }
    if (t.t !== 'id') throw this.unexpected();
    const up = t.v.toUpperCase();
    if (up === 'NULL') { this.i++; return { k: 'lit', v: null }; }
    if (up === 'MISSING') { this.i++; return { k: 'lit', v: undefined }; }
    if (up === 'TRUE' || up === 'FALSE') { this.i++; return { k: 'lit', v: up === 'TRUE' }; }
    if (up === 'CAST') return this.cast();
    if (this.isOp('(', this.toks[this.i + 1])) return this.call();
    if (KEYWORDS.has(up)) throw this.unexpected();
    this.i++;
    return { k: 'path', steps: [{ name: t.v, quoted: false }, ...this.steps()] };
  }
  private cast(): Expr {
    this.i++;
    if (!this.isOp('(')) throw selectError('ParseExpectedLeftParenAfterCast', `Expected left parenthesis after CAST at line 1, column ${this.peek().col}.`);
    this.i++;
    const e = this.expr();
    this.expectKw('AS');
    const t = this.next();
    const type = t.t === 'id' ? CAST_TYPES[t.v.toUpperCase()] : undefined;
    if (!type) throw selectError('ParseExpectedTypeName', `Expected type name at line 1, column ${t.col}.`);
    if (this.isOp('(')) { this.i++; this.next(); if (this.isOp(',')) { this.i++; this.next(); } this.expectOp(')'); } // VARCHAR(10), DECIMAL(5,2)
    this.expectOp(')');
    return { k: 'cast', e, type };
  }
  private call(): Expr {
    const t = this.next();
    const name = t.v.toUpperCase();
    if (!FUNCTIONS.has(name)) throw selectError('UnsupportedFunction', `Function ${t.v.toLowerCase()} is not supported.`);
    this.expectOp('(');
    const node: Expr & { k: 'call' } = { k: 'call', name, args: [] };
    if (name === 'COUNT' && this.isOp('*')) { this.i++; node.star = true; }
    else if (name === 'TRIM') {
      // TRIM([[LEADING|TRAILING|BOTH] [chars] FROM] s)
      let where = 'BOTH';
      for (const w of ['LEADING', 'TRAILING', 'BOTH']) if (this.isKw(w)) { this.i++; where = w; }
      let chars: Expr | undefined;
      if (!this.isKw('FROM')) {
        const first = this.expr();
        if (this.isKw('FROM')) { chars = first; this.i++; node.args.push(this.expr()); } else node.args.push(first);
      } else { this.i++; node.args.push(this.expr()); }
      node.trim = { where, chars };
    } else if (name === 'SUBSTRING') {
      node.args.push(this.expr());
      if (this.isKw('FROM')) {
        this.i++; node.args.push(this.expr());
        if (this.isKw('FOR')) { this.i++; node.args.push(this.expr()); }
      } else {
        while (this.isOp(',')) { this.i++; node.args.push(this.expr()); }
      }
      if (node.args.length < 2 || node.args.length > 3) throw selectError('IncorrectSqlFunctionArgumentType', 'SUBSTRING takes a string, a start position and an optional length.');
    } else if (!this.isOp(')')) {
      node.args.push(this.expr());
      while (this.isOp(',')) { this.i++; node.args.push(this.expr()); }
    }
    this.expectOp(')');
    if (AGGREGATES.has(name)) {
      if (!node.star && node.args.length !== 1) throw selectError('ParseNonUnaryAgregateFunctionCall', `Aggregate function ${name.toLowerCase()} takes exactly one argument.`);
      if (node.args.some(containsAggregate)) throw selectError('ParseUnsupportedSyntax', 'Aggregate functions cannot be nested.');
      this.aggregates.push(node);
    }
    return node;
  }
}

function children(e: Expr): Expr[] {
  switch (e.k) {
    case 'lit': case 'path': return [];
    case 'un': case 'is': case 'cast': return [e.e];
    case 'bin': return [e.l, e.r];
    case 'like': return [e.e, e.pat, ...(e.esc ? [e.esc] : [])];
    case 'between': return [e.e, e.lo, e.hi];
    case 'in': return [e.e, ...e.list];
    case 'call': return [...e.args, ...(e.trim?.chars ? [e.trim.chars] : [])];
  }
}
const containsAggregate = (e: Expr): boolean => (e.k === 'call' && AGGREGATES.has(e.name)) || children(e).some(containsAggregate);
const usesColumns = (e: Expr): boolean => e.k === 'path' || (!(e.k === 'call' && AGGREGATES.has(e.name)) && children(e).some(usesColumns));

export function parseQuery(sql: string): Query {
  if (!sql.trim()) throw selectError('ParseEmptySelect', 'The SQL expression is empty.');
  return new Parser(tokenize(sql)).query();
}

// --- evaluation ---------------------------------------------------------------------------

/** How a step reads a record: CSV rows know positions and header names; JSON is plain values. */
export interface Row { csv?: { values: string[]; header?: string[] }; json?: Value }

export interface Scope { alias?: string; aggregateResults?: Map<Expr, Value> }

function field(obj: Value, s: Step): Value {
  if ('star' in s) return obj;
  if ('index' in s) return Array.isArray(obj) ? obj[s.index] : undefined;
  if (obj === null || obj === undefined || typeof obj !== 'object' || Array.isArray(obj) || obj instanceof Date) return undefined;
  if (s.name in obj) return obj[s.name];
  if (s.quoted) return undefined;
  const lower = s.name.toLowerCase();
  const k = Object.keys(obj).find((x) => x.toLowerCase() === lower);
  return k === undefined ? undefined : obj[k];
}

function csvColumn(row: NonNullable<Row['csv']>, s: Step): Value {
  if (!('name' in s)) return undefined;
  const pos = /^_(\d+)$/.exec(s.name);
  if (pos) {
    const i = Number(pos[1]);
    if (i < 1) throw selectError('InvalidColumnIndex', `The column index at line 1 is invalid: ${s.name}.`);
    return row.values[i - 1];
  }
  if (!row.header) return undefined;
  let i = row.header.indexOf(s.name);
  if (i < 0 && !s.quoted) i = row.header.findIndex((h) => h.toLowerCase() === s.name.toLowerCase());
  return i < 0 ? undefined : row.values[i];
}

function resolve(steps: Step[], row: Row, scope: Scope): Value {
  let rest = steps;
  const first = steps[0];
  // A leading reference to the FROM alias (or to S3Object) names the record itself.
  if (first && 'name' in first && rest.length > 1 && ((scope.alias && (first.quoted ? first.name === scope.alias : first.name.toLowerCase() === scope.alias.toLowerCase()))
    || (!first.quoted && first.name.toLowerCase() === 's3object'))) rest = steps.slice(1);
  else if (first && 'name' in first && rest.length === 1 && scope.alias && first.name.toLowerCase() === scope.alias.toLowerCase() && !first.quoted) {
    return row.csv ? undefined : row.json;
  }
  if (row.csv) {
    if (!rest.length) return undefined;
    return rest.length === 1 ? csvColumn(row.csv, rest[0]) : rest.slice(1).reduce<Value>((v, s) => field(v, s), csvColumn(row.csv, rest[0]));
  }
  return rest.reduce<Value>((v, s) => field(v, s), row.json);
}

const isNumericString = (s: string) => /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(s);

/** A number for arithmetic and aggregates: numbers, and strings that read as numbers (CSV fields). */
function toNumber(v: Value, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && isNumericString(v)) return Number(v);
  throw selectError('InvalidDataType', `The SQL expression contains an invalid data type: ${what} needs a number, got ${typeof v === 'string' ? `'${v}'` : String(v)}.`);
}

/** Compares two values; numbers with numeric strings compare as numbers. Undefined when incomparable. */
function compare(a: Value, b: Value): number | undefined {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' || typeof b === 'number') {
    const x = typeof a === 'number' ? a : typeof a === 'string' && isNumericString(a) ? Number(a) : undefined;
    const y = typeof b === 'number' ? b : typeof b === 'string' && isNumericString(b) ? Number(b) : undefined;
    return x === undefined || y === undefined ? undefined : x - y;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

function likeRegex(pattern: string, esc: string | undefined): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (esc !== undefined && c === esc) { re += (pattern[++i] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); continue; }
    re += c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const likeCache = new Map<string, RegExp>();

export function castValue(v: Value, type: string): Value {
  if (v === null || v === undefined) return v;
  const fail = () => selectError('CastFailed', `Attempt to convert from one data type to another using CAST failed in the SQL expression: cannot cast ${typeof v === 'string' ? `'${v}'` : String(v)} to ${type}.`);
  switch (type) {
    case 'INT': {
      const n = typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : typeof v === 'string' && isNumericString(v) ? Number(v) : NaN;
      if (Number.isNaN(n)) throw fail();
      return Math.trunc(n);
    }
    case 'FLOAT': case 'DECIMAL': {
      const n = typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : typeof v === 'string' && isNumericString(v) ? Number(v) : NaN;
      if (Number.isNaN(n)) throw fail();
      return n;
    }
    case 'STRING': return v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'BOOL': {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
      throw fail();
    }
    case 'TIMESTAMP': {
      if (v instanceof Date) return v;
      const d = typeof v === 'string' ? new Date(v) : undefined;
      if (!d || Number.isNaN(d.getTime())) throw fail();
      return d;
    }
  }
  return v;
}

const truthy = (v: Value) => v === true;

export function evaluate(e: Expr, row: Row, scope: Scope): Value {
  switch (e.k) {
    case 'lit': return e.v;
    case 'path': return resolve(e.steps, row, scope);
    case 'un': {
      const v = evaluate(e.e, row, scope);
      if (v === null || v === undefined) return null;
      return e.op === 'NOT' ? !truthy(v) : -toNumber(v, 'unary minus');
    }
    case 'bin': {
      if (e.op === 'AND' || e.op === 'OR') {
        const l = evaluate(e.l, row, scope);
        if (e.op === 'AND' && l === false) return false;
        if (e.op === 'OR' && l === true) return true;
        const r = evaluate(e.r, row, scope);
        if (e.op === 'AND') return r === false ? false : l === true && r === true ? true : null;
        return r === true ? true : l === false && r === false ? false : null;
      }
      const l = evaluate(e.l, row, scope), r = evaluate(e.r, row, scope);
      if (l === null || l === undefined || r === null || r === undefined) return null;
      if (e.op === '||') return String(castValue(l, 'STRING')) + String(castValue(r, 'STRING'));
      if ('+-*/%'.includes(e.op)) {
        const x = toNumber(l, e.op), y = toNumber(r, e.op);
        if ((e.op === '/' || e.op === '%') && y === 0) throw selectError('EvaluatorInvalidArguments', 'Division by zero in the SQL expression.');
        const both = Number.isInteger(x) && Number.isInteger(y);
        switch (e.op) {
          case '+': return x + y;
          case '-': return x - y;
          case '*': return x * y;
          case '/': return both ? Math.trunc(x / y) : x / y;
          default: return x % y;
        }
      }
      const c = compare(l, r);
      if (c === undefined) return e.op === '<>' ? true : e.op === '=' ? false : null;
      switch (e.op) {
        case '=': return c === 0;
        case '<>': return c !== 0;
        case '<': return c < 0;
        case '<=': return c <= 0;
        case '>': return c > 0;
        default: return c >= 0;
      }
    }
    case 'like': {
      const v = evaluate(e.e, row, scope), p = evaluate(e.pat, row, scope);
      const esc = e.esc ? evaluate(e.esc, row, scope) : undefined;
      if (v === null || v === undefined || p === null || p === undefined) return null;
      if (typeof p !== 'string' || (esc !== undefined && (typeof esc !== 'string' || esc.length !== 1))) {
        throw selectError('LikeInvalidInputs', 'Invalid argument given to the LIKE clause in the SQL expression.');
      }
      const key = `${esc ?? ''}\u0000${p}`;
      let re = likeCache.get(key);
      if (!re) { re = likeRegex(p, esc as string | undefined); if (likeCache.size < 1000) likeCache.set(key, re); }
      return re.test(String(castValue(v, 'STRING'))) !== e.not;
    }
    case 'between': {
      const v = evaluate(e.e, row, scope);
      const lo = compare(v, evaluate(e.lo, row, scope)), hi = compare(v, evaluate(e.hi, row, scope));
      if (lo === undefined || hi === undefined) return null;
      return (lo >= 0 && hi <= 0) !== e.not;
    }
    case 'in': {
      const v = evaluate(e.e, row, scope);
      if (v === null || v === undefined) return null;
      const hit = e.list.some((x) => compare(v, evaluate(x, row, scope)) === 0);
      return hit !== e.not;
    }
    case 'is': {
      const v = evaluate(e.e, row, scope);
      const yes = e.what === 'MISSING' ? v === undefined : v === null || v === undefined;
      return yes !== e.not;
    }
    case 'cast': return castValue(evaluate(e.e, row, scope), e.type);
    case 'call': return call(e, row, scope);
  }
}

function call(e: Expr & { k: 'call' }, row: Row, scope: Scope): Value {
  if (AGGREGATES.has(e.name)) return scope.aggregateResults?.get(e) ?? null;
  const args = e.args.map((a) => evaluate(a, row, scope));
  const str = (v: Value): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(castValue(v, 'STRING')));
  switch (e.name) {
    case 'LOWER': { const s = str(args[0]); return s === null ? null : s.toLowerCase(); }
    case 'UPPER': { const s = str(args[0]); return s === null ? null : s.toUpperCase(); }
    case 'CHAR_LENGTH': case 'CHARACTER_LENGTH': { const s = str(args[0]); return s === null ? null : [...s].length; }
    case 'TRIM': {
      const s = str(args[0]);
      if (s === null) return null;
      const chars = e.trim?.chars ? str(evaluate(e.trim.chars, row, scope)) ?? ' ' : ' ';
      const set = new Set([...chars]);
      const cps = [...s];
      let a = 0, b = cps.length;
      if (e.trim?.where !== 'TRAILING') while (a < b && set.has(cps[a])) a++;
      if (e.trim?.where !== 'LEADING') while (b > a && set.has(cps[b - 1])) b--;
      return cps.slice(a, b).join('');
    }
    case 'SUBSTRING': {
      const s = str(args[0]);
      if (s === null || args[1] === null || args[1] === undefined) return null;
      const cps = [...s];
      const start = Math.trunc(toNumber(args[1], 'SUBSTRING'));
      // SQL semantics: positions start at 1; a start before 1 shortens the length accordingly.
      let end = cps.length + 1;
      if (args.length > 2 && args[2] !== null && args[2] !== undefined) {
        const len = Math.trunc(toNumber(args[2], 'SUBSTRING'));
        if (len < 0) throw selectError('EvaluatorInvalidArguments', 'SUBSTRING length must not be negative.');
        end = Math.min(end, start + len);
      }
      return cps.slice(Math.max(start, 1) - 1, Math.max(end, 1) - 1).join('');
    }
    case 'COALESCE': return args.find((v) => v !== null && v !== undefined) ?? null;
    case 'NULLIF': return compare(args[0], args[1]) === 0 ? null : args[0];
  }
  throw selectError('UnsupportedFunction', `Function ${e.name.toLowerCase()} is not supported.`);
}

// --- aggregates ---------------------------------------------------------------------------

export class Aggregator {
  private readonly state = new Map<Expr, { n: number; sum: number; best: Value }>();
  constructor(private readonly nodes: Expr[]) {
    for (const n of nodes) this.state.set(n, { n: 0, sum: 0, best: null });
  }

  add(row: Row, scope: Scope): void {
    for (const node of this.nodes as (Expr & { k: 'call' })[]) {
      const st = this.state.get(node)!;
      if (node.star) { st.n++; continue; }
      const v = evaluate(node.args[0], row, scope);
      if (v === null || v === undefined) continue;
      st.n++;
      if (node.name === 'SUM' || node.name === 'AVG') st.sum += toNumber(v, node.name);
      else if (node.name === 'MIN' || node.name === 'MAX') {
        const c = st.best === null ? undefined : compare(v, st.best);
        if (st.best === null || (c !== undefined && (node.name === 'MIN' ? c < 0 : c > 0))) st.best = v;
      }
    }
  }

  results(): Map<Expr, Value> {
    const out = new Map<Expr, Value>();
    for (const node of this.nodes as (Expr & { k: 'call' })[]) {
      const st = this.state.get(node)!;
      out.set(node, node.name === 'COUNT' ? st.n : node.name === 'SUM' ? (st.n ? st.sum : null)
        : node.name === 'AVG' ? (st.n ? st.sum / st.n : null) : st.best);
    }
    return out;
  }
}

/** The output name of a SELECT item: its alias, a column's own name, else `_<position>`. */
export function itemName(item: { e: Expr; alias?: string }, position: number): string {
  if (item.alias) return item.alias;
  if (item.e.k === 'path') {
    const last = item.e.steps[item.e.steps.length - 1];
    if (last && 'name' in last) return last.name;
  }
  return `_${position}`;
}
