// DynamoDB expressions: condition/filter/key-condition, projection and update expressions.
// A tokenizer and recursive-descent parser produce small ASTs; ExpressionAttributeNames and
// Values are resolved at parse time (so undefined and unused ones are reported as AWS does);
// evaluation works on stored items. Messages follow DynamoDB's ("Invalid UpdateExpression:
// Syntax error; token: ..."); a few rarer wordings are approximations and say so.
import {
  type AV, type Item, Dec, checkNumber, checkValue, clone, compareScalar, equalValues, formatNumber, typeOf, validation,
  TYPES,
} from './values.js';
import { RESERVED } from './reserved.js';

export type PathEl = string | number;
export interface Path { kind: 'path'; els: PathEl[] }
export type Operand =
  | Path
  | { kind: 'value'; v: AV; name: string }
  | { kind: 'size'; path: Path }
  | { kind: 'if_not_exists'; path: Path; value: Operand }
  | { kind: 'list_append'; a: Operand; b: Operand }
  | { kind: 'arith'; op: '+' | '-'; a: Operand; b: Operand };
export type Cmp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type Cond =
  | { kind: 'cmp'; op: Cmp; a: Operand; b: Operand }
  | { kind: 'between'; a: Operand; lo: Operand; hi: Operand }
  | { kind: 'in'; a: Operand; list: Operand[] }
  | { kind: 'and' | 'or'; a: Cond; b: Cond }
  | { kind: 'not'; a: Cond }
  | { kind: 'fn'; name: string; args: Operand[] };

export interface UpdateAction { kind: 'SET' | 'REMOVE' | 'ADD' | 'DELETE'; path: Path; value?: Operand }

/** The names and values of one request, shared by all its expressions; tracks which were used. */
export class ExprContext {
  private usedNames = new Set<string>();
  private usedValues = new Set<string>();
  private values: Record<string, AV> = {};
  constructor(readonly names: Record<string, string> | undefined, values: Record<string, AV> | undefined) {
    for (const [k, v] of Object.entries(values ?? {})) {
      try { this.values[k] = checkValue(v); } catch (e) {
        const m = (e as Error).message;
        throw validation(`ExpressionAttributeValues contains invalid value: ${m} for key ${k}`);
      }
    }
    this.rawValues = values;
  }
  private rawValues: Record<string, AV> | undefined;
  name(tok: string): string {
    const n = this.names?.[tok];
    if (n === undefined) throw validation(`An expression attribute name used in the document path is not defined; attribute name: ${tok}`);
    this.usedNames.add(tok);
    return n;
  }
  value(tok: string): AV {
    const v = this.values[tok];
    if (v === undefined) throw validation(`An expression attribute value used in expression is not defined; attribute value: ${tok}`);
    this.usedValues.add(tok);
    return v;
  }
  /** Call after every expression of the request was parsed. */
  checkUnused(): void {
    const names = Object.keys(this.names ?? {}).filter((k) => !this.usedNames.has(k));
    if (names.length) throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${names.join(', ')}}`);
    const values = Object.keys(this.rawValues ?? {}).filter((k) => !this.usedValues.has(k));
    if (values.length) throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${values.join(', ')}}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens

interface Tok { t: 'id' | 'name' | 'value' | 'num' | 'op' | 'eof'; s: string; pos: number }
const OPS = ['<>', '<=', '>=', '=', '<', '>', '(', ')', '[', ']', ',', '.', '+', '-'];

function tokenize(src: string, what: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (c === '#' || c === ':') {
      i++;
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i])) i++;
      if (i === start + 1) throw syntax(what, c, src, start);
      out.push({ t: c === '#' ? 'name' : 'value', s: src.slice(start, i), pos: start });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i])) i++;
      out.push({ t: 'id', s: src.slice(start, i), pos: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < src.length && /[0-9]/.test(src[i])) i++;
      out.push({ t: 'num', s: src.slice(start, i), pos: start });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw validation(`Invalid ${what}: Invalid token: "${c}" at position ${i}`); // approximate wording
    out.push({ t: 'op', s: op, pos: i });
    i += op.length;
  }
  out.push({ t: 'eof', s: '<EOF>', pos: src.length });
  return out;
}

function syntax(what: string, tok: string, src: string, pos: number) {
  const near = src.slice(Math.max(0, pos - 10), Math.min(src.length, pos + tok.length + 10)).trim();
  return validation(`Invalid ${what}: Syntax error; token: "${tok}", near: "${near}"`);
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
const CONDITION_FUNCTIONS = new Set(['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains']);
const ALL_FUNCTIONS = new Set([...CONDITION_FUNCTIONS, 'size', 'if_not_exists', 'list_append']);
const ARITY: Record<string, number> = { attribute_exists: 1, attribute_not_exists: 1, attribute_type: 2, begins_with: 2, contains: 2, size: 1, if_not_exists: 2, list_append: 2 };

class Parser {
  private toks: Tok[];
  private i = 0;
  constructor(readonly src: string, readonly what: string, readonly ctx: ExprContext) {
    if (!src.trim()) throw validation(`Invalid ${what}: The expression can not be empty;`);
    this.toks = tokenize(src, what);
  }
  peek(k = 0): Tok { return this.toks[Math.min(this.i + k, this.toks.length - 1)]; }
  next(): Tok { return this.toks[this.i++] ?? this.toks[this.toks.length - 1]; }
  fail(t: Tok = this.peek()): never { throw syntax(this.what, t.s, this.src, t.pos); }
  isOp(s: string, k = 0): boolean { const t = this.peek(k); return t.t === 'op' && t.s === s; }
  isKw(s: string): boolean { const t = this.peek(); return t.t === 'id' && t.s.toUpperCase() === s; }
  expectOp(s: string): void { if (!this.isOp(s)) this.fail(); this.i++; }
  end(): void { if (this.peek().t !== 'eof') this.fail(); }

  // condition := or
  condition(): Cond {
    let a = this.andCond();
    while (this.isKw('OR')) { this.i++; a = { kind: 'or', a, b: this.andCond() }; }
    return a;
  }
  private andCond(): Cond {
    let a = this.notCond();
    while (this.isKw('AND')) { this.i++; a = { kind: 'and', a, b: this.notCond() }; }
    return a;
  }
  private notCond(): Cond {
    if (this.isKw('NOT')) { this.i++; return { kind: 'not', a: this.notCond() }; }
    return this.primary();
  }
  private primary(): Cond {
    if (this.isOp('(')) {
      this.i++;
      const c = this.condition();
      this.expectOp(')');
      return c;
    }
    const t = this.peek();
    if (t.t === 'id' && this.isOp('(', 1) && CONDITION_FUNCTIONS.has(t.s)) {
      const f = this.call(false);
      return { kind: 'fn', name: f.name, args: f.args };
    }
    const a = this.operand(false);
    const op = this.peek();
    if (op.t === 'op' && ['=', '<>', '<', '<=', '>', '>='].includes(op.s)) {
      this.i++;
      return { kind: 'cmp', op: op.s as Cmp, a, b: this.operand(false) };
    }
    if (this.isKw('BETWEEN')) {
      this.i++;
      const lo = this.operand(false);
      if (!this.isKw('AND')) this.fail();
      this.i++;
      return { kind: 'between', a, lo, hi: this.operand(false) };
    }
    if (this.isKw('IN')) {
      this.i++;
      this.expectOp('(');
      const list = [this.operand(false)];
      while (this.isOp(',')) { this.i++; list.push(this.operand(false)); }
      this.expectOp(')');
      if (list.length > 100) throw validation(`Invalid ${this.what}: The IN operator is provided with too many operands; number of operands: ${list.length}`);
      return { kind: 'in', a, list };
    }
    if (a.kind === 'size') throw validation(`Invalid ${this.what}: The function is not allowed to be used this way in an expression; function: size`);
    return this.fail(op);
  }

  private call(update: boolean): { name: string; args: Operand[] } {
    const name = this.next().s;
    if (!ALL_FUNCTIONS.has(name)) throw validation(`Invalid ${this.what}: Invalid function name; function: ${name}`);
    this.expectOp('(');
    const args: Operand[] = [];
    if (!this.isOp(')')) {
      args.push(this.operand(update));
      while (this.isOp(',')) { this.i++; args.push(this.operand(update)); }
    }
    this.expectOp(')');
    if (args.length !== ARITY[name]) {
      throw validation(`Invalid ${this.what}: Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`);
    }
    const needsPath = ['attribute_exists', 'attribute_not_exists', 'attribute_type', 'size', 'if_not_exists'];
    if (needsPath.includes(name) && args[0].kind !== 'path') {
      throw validation(`Invalid ${this.what}: Operator or function requires a document path; operator or function: ${name}`);
    }
    return { name, args };
  }

  /** operand := path | :value | function(...) ; in SET values also `operand (+|-) operand`. */
  operand(update: boolean): Operand {
    const t = this.peek();
    if (t.t === 'value') { this.i++; return { kind: 'value', v: this.ctx.value(t.s), name: t.s }; }
    if (t.t === 'id' && this.isOp('(', 1)) {
      const f = this.call(update);
      const allowed = update ? ['if_not_exists', 'list_append'] : ['size'];
      if (!allowed.includes(f.name)) {
        if (update) throw validation(`Invalid ${this.what}: The function is not allowed in an update expression; function: ${f.name}`);
        if (f.name === 'if_not_exists' || f.name === 'list_append') throw validation(`Invalid ${this.what}: The function is not allowed in a condition expression; function: ${f.name}`);
        throw validation(`Invalid ${this.what}: The function is not allowed to be used this way in an expression; function: ${f.name}`);
      }
      if (f.name === 'size') return { kind: 'size', path: f.args[0] as Path };
      if (f.name === 'if_not_exists') return { kind: 'if_not_exists', path: f.args[0] as Path, value: f.args[1] };
      return { kind: 'list_append', a: f.args[0], b: f.args[1] };
    }
    if (t.t === 'id' || t.t === 'name') return this.path();
    return this.fail();
  }

  path(): Path {
    const els: PathEl[] = [this.pathName()];
    for (;;) {
      if (this.isOp('.')) { this.i++; els.push(this.pathName()); continue; }
      if (this.isOp('[')) {
        this.i++;
        const n = this.next();
        if (n.t !== 'num') this.fail(n);
        this.expectOp(']');
        els.push(Number(n.s));
        continue;
      }
      return { kind: 'path', els };
    }
  }
  private pathName(): string {
    const t = this.next();
    if (t.t === 'name') return this.ctx.name(t.s);
    if (t.t !== 'id' || KEYWORDS.has(t.s.toUpperCase())) this.fail(t);
    if (RESERVED.has(t.s.toUpperCase())) throw validation(`Invalid ${this.what}: Attribute name is a reserved keyword; reserved keyword: ${t.s}`);
    return t.s;
  }

  // update := (SET a=v, ... | REMOVE p, ... | ADD p v, ... | DELETE p v, ...)+
  update(): UpdateAction[] {
    const seen = new Set<string>();
    const out: UpdateAction[] = [];
    while (this.peek().t !== 'eof') {
      const kw = this.next();
      const k = kw.s.toUpperCase();
      if (kw.t !== 'id' || !['SET', 'REMOVE', 'ADD', 'DELETE'].includes(k)) this.fail(kw);
      if (seen.has(k)) throw validation(`Invalid ${this.what}: The "${k}" section can only be used once in an update expression;`);
      seen.add(k);
      do {
        if (out.length && this.isOp(',')) this.i++;
        const path = this.path();
        if (k === 'SET') {
          this.expectOp('=');
          let value = this.operand(true);
          if (this.isOp('+') || this.isOp('-')) {
            const op = this.next().s as '+' | '-';
            value = { kind: 'arith', op, a: value, b: this.operand(true) };
          }
          out.push({ kind: 'SET', path, value });
        } else if (k === 'REMOVE') {
          out.push({ kind: 'REMOVE', path });
        } else {
          const v = this.operand(true);
          if (v.kind !== 'value') this.fail();
          out.push({ kind: k as 'ADD' | 'DELETE', path, value: v });
        }
      } while (this.isOp(','));
    }
    return out;
  }
}

export function parseCondition(src: string, what: string, ctx: ExprContext): Cond {
  const p = new Parser(src, what, ctx);
  const c = p.condition();
  p.end();
  return c;
}

export function parseProjection(src: string, ctx: ExprContext): Path[] {
  const what = 'ProjectionExpression';
  const p = new Parser(src, what, ctx);
  const paths = [p.path()];
  while (p.isOp(',')) { p.next(); paths.push(p.path()); }
  p.end();
  checkOverlap(paths, what);
  return paths;
}

export function parseUpdate(src: string, ctx: ExprContext): UpdateAction[] {
  const what = 'UpdateExpression';
  const p = new Parser(src, what, ctx);
  const actions = p.update();
  checkOverlap(actions.map((a) => a.path), what);
  for (const a of actions) {
    if (a.kind === 'SET') checkSetOperand(a.value!, what, true);
  }
  return actions;
}

function checkSetOperand(o: Operand, what: string, top: boolean): void {
  if (o.kind === 'arith') {
    if (!top) throw validation(`Invalid ${what}: Syntax error; token: "${o.op}", near: ""`);
    checkSetOperand(o.a, what, false); checkSetOperand(o.b, what, false);
  }
}

export const pathText = (p: Path) => `[${p.els.map((e) => (typeof e === 'number' ? `[${e}]` : e)).join(', ')}]`;

function checkOverlap(paths: Path[], what: string): void {
  for (let i = 0; i < paths.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = paths[j].els; const b = paths[i].els;
      const n = Math.min(a.length, b.length);
      let k = 0;
      while (k < n && a[k] === b[k]) k++;
      if (k === n) {
        throw validation(`Invalid ${what}: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${pathText(paths[j])}, path two: ${pathText(paths[i])}`);
      }
      if (typeof a[k] !== typeof b[k]) {
        throw validation(`Invalid ${what}: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${pathText(paths[j])}, path two: ${pathText(paths[i])}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export function resolve(item: Item | undefined, p: Path): AV | undefined {
  if (!item) return undefined;
  let cur: AV | undefined = item[p.els[0] as string];
  for (let i = 1; i < p.els.length && cur; i++) {
    const e = p.els[i];
    if (typeof e === 'number') cur = cur.L ? cur.L[e] : undefined;
    else cur = cur.M ? cur.M[e] : undefined;
  }
  return cur;
}

function sizeOf(v: AV | undefined): AV | undefined {
  if (!v) return undefined;
  let n: number | undefined;
  if (v.S !== undefined) n = v.S.length;
  else if (v.B !== undefined) n = v.B.length;
  else if (v.SS) n = v.SS.length; else if (v.NS) n = v.NS.length; else if (v.BS) n = v.BS.length;
  else if (v.L) n = v.L.length; else if (v.M) n = Object.keys(v.M).length;
  return n === undefined ? undefined : { N: String(n) };
}

function operandValue(item: Item | undefined, o: Operand): AV | undefined {
  switch (o.kind) {
    case 'path': return resolve(item, o);
    case 'value': return o.v;
    case 'size': return sizeOf(resolve(item, o.path));
    default: return undefined; // update-only operands never reach conditions
  }
}

const scalar = (v: AV | undefined) => !!v && (v.S !== undefined || v.N !== undefined || v.B !== undefined);
const sameScalar = (a: AV | undefined, b: AV | undefined) => scalar(a) && scalar(b) && typeOf(a!) === typeOf(b!);

export function evaluate(c: Cond, item: Item | undefined): boolean {
  switch (c.kind) {
    case 'and': return evaluate(c.a, item) && evaluate(c.b, item);
    case 'or': return evaluate(c.a, item) || evaluate(c.b, item);
    case 'not': return !evaluate(c.a, item);
    case 'cmp': {
      const a = operandValue(item, c.a); const b = operandValue(item, c.b);
      if (c.op === '=') return equalValues(a, b);
      // A missing attribute is "not equal" to anything (Developer Guide, comparison operators).
      if (c.op === '<>') return !equalValues(a, b);
      if (!sameScalar(a, b)) return false;
      const r = compareScalar(a!, b!);
      return c.op === '<' ? r < 0 : c.op === '<=' ? r <= 0 : c.op === '>' ? r > 0 : r >= 0;
    }
    case 'between': {
      const a = operandValue(item, c.a); const lo = operandValue(item, c.lo); const hi = operandValue(item, c.hi);
      if (!sameScalar(a, lo) || !sameScalar(a, hi)) return false;
      return compareScalar(a!, lo!) >= 0 && compareScalar(a!, hi!) <= 0;
    }
    case 'in': {
      const a = operandValue(item, c.a);
      return c.list.some((o) => equalValues(a, operandValue(item, o)));
    }
    case 'fn': return evalFunction(c.name, c.args, item);
  }
}

function evalFunction(name: string, args: Operand[], item: Item | undefined): boolean {
  const a = operandValue(item, args[0]);
  switch (name) {
    case 'attribute_exists': return a !== undefined;
    case 'attribute_not_exists': return a === undefined;
    case 'attribute_type': {
      const t = operandValue(item, args[1]);
      if (!t || t.S === undefined || !(TYPES as string[]).includes(t.S)) {
        throw validation(`Invalid ConditionExpression: Invalid attribute type name found; type: ${t?.S ?? typeOf(t ?? {})}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`);
      }
      return !!a && typeOf(a) === t.S;
    }
    case 'begins_with': {
      const b = operandValue(item, args[1]);
      if (!a || !b) return false;
      if (a.S !== undefined && b.S !== undefined) return a.S.startsWith(b.S);
      if (a.B !== undefined && b.B !== undefined) return a.B.subarray(0, b.B.length).equals(b.B);
      return false;
    }
    case 'contains': {
      const b = operandValue(item, args[1]);
      if (!a || !b) return false;
      if (a.S !== undefined) return b.S !== undefined && a.S.includes(b.S);
      if (a.B !== undefined) return b.B !== undefined && a.B.includes(b.B);
      if (a.SS) return b.S !== undefined && a.SS.includes(b.S);
      if (a.NS) return b.N !== undefined && a.NS.some((x) => new Dec(x).eq(new Dec(b.N!)));
      if (a.BS) return b.B !== undefined && a.BS.some((x) => x.equals(b.B!));
      if (a.L) return a.L.some((x) => equalValues(x, b));
      return false;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Projection

type Node = { kind: 'leaf'; v: AV } | { kind: 'M'; kids: Map<string, Node> } | { kind: 'L'; kids: Map<number, Node> };

export function project(item: Item, paths: Path[]): Item {
  const root = new Map<string, Node>();
  for (const p of paths) {
    const v = resolve(item, p);
    if (!v) continue;
    let kids: Map<PathEl, Node> = root as Map<PathEl, Node>;
    for (let i = 0; i < p.els.length; i++) {
      const e = p.els[i];
      if (i === p.els.length - 1) { kids.set(e, { kind: 'leaf', v: clone(v) }); break; }
      let n = kids.get(e);
      const kind = typeof p.els[i + 1] === 'number' ? 'L' : 'M';
      if (!n || n.kind === 'leaf') { n = { kind, kids: new Map() } as Node; kids.set(e, n); }
      kids = (n as { kids: Map<PathEl, Node> }).kids;
    }
  }
  const build = (n: Node): AV => {
    if (n.kind === 'leaf') return n.v;
    if (n.kind === 'M') { const m: Record<string, AV> = {}; for (const [k, x] of n.kids) m[k] = build(x); return { M: m }; }
    return { L: [...n.kids.entries()].sort((a, b) => a[0] - b[0]).map(([, x]) => build(x)) };
  };
  const out: Item = {};
  for (const [k, n] of root) out[k] = build(n);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Updates

const badType = () => validation('An operand in the update expression has an incorrect data type');
const invalidPath = () => validation('The document path provided in the update expression is invalid for update');

function updateValue(item: Item | undefined, o: Operand): AV {
  switch (o.kind) {
    case 'value': return o.v;
    case 'path': {
      const v = resolve(item, o);
      if (!v) throw validation('The provided expression refers to an attribute that does not exist in the item');
      return v;
    }
    case 'if_not_exists': return resolve(item, o.path) ?? updateValue(item, o.value);
    case 'list_append': {
      const a = updateValue(item, o.a); const b = updateValue(item, o.b);
      if (!a.L || !b.L) throw badType();
      return { L: [...a.L, ...b.L] };
    }
    case 'arith': {
      const a = updateValue(item, o.a); const b = updateValue(item, o.b);
      if (a.N === undefined || b.N === undefined) throw badType();
      const r = o.op === '+' ? new Dec(a.N).plus(b.N) : new Dec(a.N).minus(b.N);
      return { N: formatNumber(checkNumber(r)) };
    }
    case 'size': throw badType();
  }
}

/** The container and last element a path writes into; throws when the parent is missing. */
function parentOf(item: Item, p: Path): { get(): AV | undefined; set(v: AV): void; del(): void } {
  const els = p.els;
  if (els.length === 1) {
    const k = els[0] as string;
    return { get: () => item[k], set: (v) => { item[k] = v; }, del: () => { delete item[k]; } };
  }
  const parent = resolve(item, { kind: 'path', els: els.slice(0, -1) });
  const last = els[els.length - 1];
  if (typeof last === 'number') {
    if (!parent?.L) return { get: () => undefined, set: () => { throw invalidPath(); }, del: () => { if (parent && !parent.L) throw invalidPath(); } };
    const L = parent.L;
    return {
      get: () => L[last],
      set: (v) => { if (last < L.length) L[last] = v; else L.push(v); },
      del: () => { if (last < L.length) L.splice(last, 1); },
    };
  }
  if (!parent?.M) return { get: () => undefined, set: () => { throw invalidPath(); }, del: () => { if (parent && !parent.M) throw invalidPath(); } };
  const M = parent.M;
  return { get: () => M[last], set: (v) => { M[last] = v; }, del: () => { delete M[last]; } };
}

/** Applies the update actions to `item` (a copy the caller owns). Operands read the item as it was. */
export function applyUpdate(before: Item | undefined, item: Item, actions: UpdateAction[]): void {
  const values = actions.map((a) => (a.kind === 'SET' ? updateValue(before, a.value!) : a.value ? (a.value as { v: AV }).v : undefined));
  // Removals from one list go from the highest index down, so earlier indexes stay valid.
  const order = actions.map((_, i) => i).sort((x, y) => {
    const a = actions[x]; const b = actions[y];
    if (a.kind === 'REMOVE' && b.kind === 'REMOVE') {
      const la = a.path.els[a.path.els.length - 1]; const lb = b.path.els[b.path.els.length - 1];
      if (typeof la === 'number' && typeof lb === 'number') return lb - la;
    }
    return x - y;
  });
  for (const i of order) {
    const a = actions[i];
    const slot = parentOf(item, a.path);
    const v = values[i];
    switch (a.kind) {
      case 'SET': slot.set(clone(v!)); break;
      case 'REMOVE': slot.del(); break;
      case 'ADD': {
        const cur = slot.get();
        if (v!.N === undefined && !v!.SS && !v!.NS && !v!.BS) throw validation('Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: ' + typeOf(v!));
        if (!cur) { slot.set(clone(v!)); break; }
        if (v!.N !== undefined && cur.N !== undefined) { slot.set({ N: formatNumber(checkNumber(new Dec(cur.N).plus(v!.N))) }); break; }
        const t = typeOf(v!);
        if (typeOf(cur) !== t) throw badType();
        if (t === 'SS') slot.set({ SS: [...new Set([...cur.SS!, ...v!.SS!])] });
        else if (t === 'NS') { const have = new Set(cur.NS!); slot.set({ NS: [...cur.NS!, ...v!.NS!.filter((x) => !have.has(x))] }); }
        else if (t === 'BS') { const have = new Set(cur.BS!.map((b) => b.toString('base64'))); slot.set({ BS: [...cur.BS!, ...v!.BS!.filter((b) => !have.has(b.toString('base64')))] }); }
        else throw badType();
        break;
      }
      case 'DELETE': {
        const cur = slot.get();
        const t = typeOf(v!);
        if (t !== 'SS' && t !== 'NS' && t !== 'BS') throw validation(`Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: ${t}`);
        if (!cur) break;
        if (typeOf(cur) !== t) throw badType();
        let rest: AV;
        if (t === 'SS') { const del = new Set(v!.SS); rest = { SS: cur.SS!.filter((x) => !del.has(x)) }; }
        else if (t === 'NS') { const del = new Set(v!.NS); rest = { NS: cur.NS!.filter((x) => !del.has(x)) }; }
        else { const del = new Set(v!.BS!.map((b) => b.toString('base64'))); rest = { BS: cur.BS!.filter((b) => !del.has(b.toString('base64'))) }; }
        if ((rest.SS ?? rest.NS ?? rest.BS)!.length === 0) slot.del(); else slot.set(rest);
        break;
      }
    }
  }
}
