// A small parser for the PartiQL subset DynamoDB runs (Developer Guide, "PartiQL - a
// SQL-compatible query language for Amazon DynamoDB"): SELECT (projection list or *, FROM
// "Table" or "Table"."Index", WHERE), INSERT INTO … VALUE {…}, UPDATE … SET/REMOVE … WHERE,
// DELETE FROM … WHERE, with `?` parameters. Values are DynamoDB's PartiQL literals: 'text',
// numbers, TRUE/FALSE, NULL, {'map': …}, [lists], <<sets>>. Conditions become the expression
// ASTs of expr.ts, so one evaluator serves both languages. No suitable library exists for this
// dialect; the grammar is small enough to write by hand.
import type { Cond, Operand, Path, UpdateAction } from './expr.js';
import { type AV, checkValue, normNumber, typeOf, validation } from './values.js';

export type Statement =
  | { kind: 'select'; table: string; index?: string; proj?: Path[]; where?: Cond }
  | { kind: 'insert'; table: string; item: Record<string, AV> }
  | { kind: 'update'; table: string; actions: UpdateAction[]; where?: Cond }
  | { kind: 'delete'; table: string; where?: Cond };

interface Tok { t: 'id' | 'qid' | 'str' | 'num' | 'op' | 'param' | 'eof'; s: string }

const syntax = (detail: string) => validation(`Statement wasn't well formed, can't be processed: ${detail}`);

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === "'") {
      let s = ''; i++;
      for (;;) {
        if (i >= src.length) throw syntax('Unexpected end of statement');
        if (src[i] === c) { if (src[i + 1] === c) { s += c; i += 2; continue; } i++; break; }
        s += src[i++];
      }
      out.push({ t: c === '"' ? 'qid' : 'str', s });
      continue;
    }
    const num = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num && (c !== '-' || !out.length || out[out.length - 1].t === 'op')) { out.push({ t: 'num', s: num[0] }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) { out.push({ t: 'id', s: id[0] }); i += id[0].length; continue; }
    const op = ['<<', '>>', '<>', '!=', '<=', '>=', '=', '<', '>', '(', ')', '[', ']', '{', '}', ',', '.', ':', '*', '+', '-'].find((o) => src.startsWith(o, i));
    if (op) { out.push({ t: 'op', s: op }); i += op.length; continue; }
    if (c === '?') { out.push({ t: 'param', s: '?' }); i++; continue; }
    throw syntax(`Unexpected character: ${c}`);
  }
  out.push({ t: 'eof', s: '' });
  return out;
}

class Parser {
  private toks: Tok[];
  private i = 0;
  private nextParam = 0;
  constructor(src: string, private readonly params: AV[]) { this.toks = tokenize(src); }

  peek(): Tok { return this.toks[Math.min(this.i, this.toks.length - 1)]; }
  /** The next token; at the end it keeps answering the end-of-statement token. */
  next(): Tok { const t = this.peek(); if (this.i < this.toks.length - 1) this.i++; return t; }
  isKw(k: string): boolean { const t = this.peek(); return t.t === 'id' && t.s.toUpperCase() === k; }
  isOp(o: string): boolean { const t = this.peek(); return t.t === 'op' && t.s === o; }
  kw(k: string): void { if (!this.isKw(k)) throw syntax(`Expected ${k}, found ${this.peek().s || 'end of statement'}`); this.i++; }
  op(o: string): void { if (!this.isOp(o)) throw syntax(`Expected ${o}, found ${this.peek().s || 'end of statement'}`); this.i++; }
  end(): void { if (this.peek().t !== 'eof') throw syntax(`Unexpected token: ${this.peek().s}`); }
  paramsUsed(): number { return this.nextParam; }

  name(): string {
    const t = this.next();
    if (t.t === 'qid' || t.t === 'id') return t.s;
    throw syntax(`Expected an identifier, found ${t.s || 'end of statement'}`);
  }

  path(): Path {
    const els: (string | number)[] = [this.name()];
    for (;;) {
      if (this.isOp('.')) { this.next(); els.push(this.name()); continue; }
      if (this.isOp('[')) {
        this.next();
        const t = this.next();
        if (t.t !== 'num' || !/^\d+$/.test(t.s)) throw syntax('List index must be a non-negative integer');
        els.push(Number(t.s));
        this.op(']');
        continue;
      }
      return { kind: 'path', els };
    }
  }

  /** A literal value or a parameter. */
  value(): AV {
    const t = this.peek();
    if (t.t === 'param') {
      this.next();
      const v = this.params[this.nextParam++];
      if (!v) throw validation('Number of parameters in request and statement don\'t match.');
      return checkValue(v);
    }
    if (t.t === 'str') { this.next(); return { S: t.s }; }
    if (t.t === 'num') { this.next(); return { N: normNumber(t.s) }; }
    if (t.t === 'id') {
      const k = t.s.toUpperCase();
      if (k === 'TRUE' || k === 'FALSE') { this.next(); return { BOOL: k === 'TRUE' }; }
      if (k === 'NULL') { this.next(); return { NULL: true }; }
    }
    if (this.isOp('{')) {
      this.next();
      const M: Record<string, AV> = {};
      if (!this.isOp('}')) {
        for (;;) {
          const k = this.next();
          if (k.t !== 'str' && k.t !== 'qid') throw syntax('Map keys must be string literals');
          this.op(':');
          M[k.s] = this.value();
          if (this.isOp(',')) { this.next(); continue; }
          break;
        }
      }
      this.op('}');
      return { M };
    }
    if (this.isOp('[')) {
      this.next();
      const L: AV[] = [];
      if (!this.isOp(']')) { L.push(this.value()); while (this.isOp(',')) { this.next(); L.push(this.value()); } }
      this.op(']');
      return { L };
    }
    if (this.isOp('<<')) {
      this.next();
      const xs: AV[] = [this.value()];
      while (this.isOp(',')) { this.next(); xs.push(this.value()); }
      this.op('>>');
      const type = typeOf(xs[0]);
      if (!xs.every((x) => typeOf(x) === type) || !['S', 'N', 'B'].includes(type)) throw validation('Unsupported set: a set holds strings, numbers or binaries of one type'); // wording unverified
      if (type === 'S') return checkValue({ SS: xs.map((x) => x.S!) });
      if (type === 'N') return checkValue({ NS: xs.map((x) => x.N!) });
      return checkValue({ BS: xs.map((x) => x.B!) });
    }
    throw syntax(`Unexpected token: ${t.s || 'end of statement'}`);
  }

  private startsValue(): boolean {
    const t = this.peek();
    if (t.t === 'param' || t.t === 'str' || t.t === 'num') return true;
    if (t.t === 'id' && ['TRUE', 'FALSE', 'NULL'].includes(t.s.toUpperCase())) return true;
    return this.isOp('{') || this.isOp('[') || this.isOp('<<');
  }

  operand(): Operand {
    if (this.startsValue()) return { kind: 'value', v: this.value(), name: '?' };
    return this.path();
  }

  condition(): Cond {
    let c = this.conjunction();
    while (this.isKw('OR')) { this.next(); c = { kind: 'or', a: c, b: this.conjunction() }; }
    return c;
  }
  private conjunction(): Cond {
    let c = this.negation();
    while (this.isKw('AND')) { this.next(); c = { kind: 'and', a: c, b: this.negation() }; }
    return c;
  }
  private negation(): Cond {
    if (this.isKw('NOT')) { this.next(); return { kind: 'not', a: this.negation() }; }
    return this.predicate();
  }
  private predicate(): Cond {
    if (this.isOp('(')) { this.next(); const c = this.condition(); this.op(')'); return c; }
    const t = this.peek();
    const fns = ['BEGINS_WITH', 'CONTAINS', 'ATTRIBUTE_EXISTS', 'ATTRIBUTE_NOT_EXISTS', 'ATTRIBUTE_TYPE'];
    if (t.t === 'id' && fns.includes(t.s.toUpperCase()) && this.toks[this.i + 1]?.s === '(') {
      this.next(); this.next();
      const args: Operand[] = [this.operand()];
      while (this.isOp(',')) { this.next(); args.push(this.operand()); }
      this.op(')');
      const name = t.s.toLowerCase();
      const want = name === 'attribute_exists' || name === 'attribute_not_exists' ? 1 : 2;
      if (args.length !== want) throw validation(`Incorrect number of operands for function: ${name}; expected ${want}`); // wording unverified
      if (args[0].kind !== 'path' && name.startsWith('attribute_')) throw syntax(`${name} needs an attribute as its first operand`);
      return { kind: 'fn', name, args };
    }
    const a = this.operand();
    if (this.isKw('BETWEEN')) {
      this.next();
      const lo = this.operand(); this.kw('AND'); const hi = this.operand();
      return { kind: 'between', a, lo, hi };
    }
    if (this.isKw('IN')) {
      this.next();
      if (!this.isOp('[') && !this.isOp('(')) throw syntax(`Expected [ or (, found ${this.peek().s || 'end of statement'}`);
      const close = this.isOp('[') ? ']' : ')';
      this.next();
      const list: Operand[] = [this.operand()];
      while (this.isOp(',')) { this.next(); list.push(this.operand()); }
      this.op(close);
      return { kind: 'in', a, list };
    }
    if (this.isKw('IS')) {
      this.next();
      const not = this.isKw('NOT'); if (not) this.next();
      if (a.kind !== 'path') throw syntax('IS needs an attribute');
      let c: Cond;
      if (this.isKw('MISSING')) { this.next(); c = { kind: 'fn', name: 'attribute_not_exists', args: [a] }; }
      else if (this.isKw('NULL')) { this.next(); c = { kind: 'fn', name: 'attribute_type', args: [a, { kind: 'value', v: { S: 'NULL' }, name: '?' }] }; }
      else throw syntax(`Unexpected token: ${this.peek().s}`);
      return not ? { kind: 'not', a: c } : c;
    }
    const o = this.next();
    const ops: Record<string, '=' | '<>' | '<' | '<=' | '>' | '>='> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
    if (o.t !== 'op' || !ops[o.s]) throw syntax(`Unexpected token: ${o.s || 'end of statement'}`);
    return { kind: 'cmp', op: ops[o.s], a, b: this.operand() };
  }

  /** SET path = value | path (+|-) value, REMOVE path; clauses may repeat. */
  updateClauses(): UpdateAction[] {
    const actions: UpdateAction[] = [];
    while (this.isKw('SET') || this.isKw('REMOVE')) {
      const kind = this.next().s.toUpperCase();
      do {
        if (actions.length && this.isOp(',')) this.next();
        const p = this.path();
        if (kind === 'REMOVE') { actions.push({ kind: 'REMOVE', path: p }); continue; }
        this.op('=');
        let v = this.operand();
        if (this.isOp('+') || this.isOp('-')) {
          const op = this.next().s as '+' | '-';
          v = { kind: 'arith', op, a: v, b: this.operand() };
        }
        actions.push({ kind: 'SET', path: p, value: v });
      } while (this.isOp(','));
    }
    if (!actions.length) throw syntax('Expected SET or REMOVE');
    return actions;
  }
}

/** Parses one statement; `params` replace the `?` in order, and must all be used. */
export function parseStatement(src: string, params: AV[] = []): Statement {
  const p = new Parser(src, params);
  let st: Statement;
  if (p.isKw('SELECT')) {
    p.next();
    let proj: Path[] | undefined;
    if (p.isOp('*')) p.next();
    else { proj = [p.path()]; while (p.isOp(',')) { p.next(); proj.push(p.path()); } }
    p.kw('FROM');
    const table = p.name();
    let index: string | undefined;
    if (p.isOp('.')) { p.next(); index = p.name(); }
    let where: Cond | undefined;
    if (p.isKw('WHERE')) { p.next(); where = p.condition(); }
    st = { kind: 'select', table, index, proj, where };
  } else if (p.isKw('INSERT')) {
    p.next(); p.kw('INTO');
    const table = p.name();
    p.kw('VALUE');
    const v = p.value();
    if (!v.M) throw validation('Unsupported operation: Insert value must be a tuple of the item\'s attributes'); // wording unverified
    st = { kind: 'insert', table, item: v.M };
  } else if (p.isKw('UPDATE')) {
    p.next();
    const table = p.name();
    const actions = p.updateClauses();
    let where: Cond | undefined;
    if (p.isKw('WHERE')) { p.next(); where = p.condition(); }
    st = { kind: 'update', table, actions, where };
  } else if (p.isKw('DELETE')) {
    p.next(); p.kw('FROM');
    const table = p.name();
    let where: Cond | undefined;
    if (p.isKw('WHERE')) { p.next(); where = p.condition(); }
    st = { kind: 'delete', table, where };
  } else {
    throw syntax(`Unexpected keyword: ${p.peek().s || 'end of statement'}`);
  }
  p.end();
  if (p.paramsUsed() !== params.length) throw validation('Number of parameters in request and statement don\'t match.');
  return st;
}
