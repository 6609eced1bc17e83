// Constraint validation from the model (required, length, range, pattern, enum), worded as
// AWS words it: "1 validation error detected: Value 'x' at 'userName' failed to satisfy
// constraint: Member must have length less than or equal to 64". Each service decides which
// error code carries the message (ValidationError for IAM/STS, ValidationException for JSON
// services, …); see protocols/errors-style.ts.
import type { MemberRef, ServiceModel, Shape } from './model.js';
import { shapeOf } from './shapes.js';
import { membersOf } from './xml.js';

export interface Violation {
  /** Path as AWS prints it: lower-camel member names, `.N.member` for list items. */
  path: string;
  /** Member name as sent on the wire (for MissingParameter-style messages). */
  member: string;
  kind: 'required' | 'length' | 'range' | 'pattern' | 'enum';
  constraint: string;
  value: unknown;
}

const patternCache = new Map<string, RegExp | null>();
/** AWS (Java) patterns must match the whole value; a few use syntax JS lacks, those are skipped. */
function compile(p: string): RegExp | null {
  let re = patternCache.get(p);
  if (re === undefined) {
    re = null;
    for (const flags of ['u', '']) {
      try { re = new RegExp(`^(?:${p})$`, flags); break; } catch { /* try the next flavour */ }
    }
    patternCache.set(p, re);
  }
  return re;
}

const lcfirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Length as AWS counts it: characters (code points) of strings, bytes of blobs, items of lists. */
function lengthOf(shape: Shape, v: unknown): number | undefined {
  if (shape.type === 'string' && typeof v === 'string') {
    let n = 0; for (const _ of v) n++; return n;
  }
  if (shape.type === 'blob' && Buffer.isBuffer(v)) return v.length;
  if (shape.type === 'list' && Array.isArray(v)) return v.length;
  if (shape.type === 'map' && v && typeof v === 'object') return Object.keys(v).length;
  return undefined;
}

// Whether a shape, or anything inside it, carries a constraint; shapes without any are not
// walked (most members of most requests), computed once per shape.
const constrainedCache = new WeakMap<Shape, boolean>();
function constrained(model: ServiceModel, shape: Shape, visiting = new Set<Shape>()): boolean {
  const known = constrainedCache.get(shape);
  if (known !== undefined) return known;
  if (visiting.has(shape)) return true; // recursive shapes: assume so, stay correct
  visiting.add(shape);
  let c = !!(shape.required?.length || shape.min !== undefined || shape.max !== undefined || shape.pattern !== undefined || shape.enum);
  if (!c) {
    const refs = shape.type === 'structure' ? Object.values(shape.members ?? {})
      : shape.type === 'list' ? [shape.member!] : shape.type === 'map' ? [shape.key!, shape.value!] : [];
    c = refs.some((r) => constrained(model, shapeOf(model, r), visiting));
  }
  visiting.delete(shape);
  constrainedCache.set(shape, c);
  return c;
}

/** A structure's members that carry a constraint, in model order (the order AWS reports them). */
const constrainedMembersCache = new WeakMap<Shape, [string, MemberRef, Shape][]>();
function constrainedMembers(model: ServiceModel, shape: Shape): [string, MemberRef, Shape][] {
  let list = constrainedMembersCache.get(shape);
  if (!list) {
    list = [];
    for (const [name, ref] of membersOf(shape)) {
      const ms = shapeOf(model, ref);
      if (constrained(model, ms)) list.push([name, ref, ms]);
    }
    constrainedMembersCache.set(shape, list);
  }
  return list;
}

const lcfirstCache = new Map<string, string>();
const lcName = (s: string) => {
  let l = lcfirstCache.get(s);
  if (l === undefined) { l = lcfirst(s); lcfirstCache.set(s, l); }
  return l;
};

/**
 * The model's constraints violated by `value`. Shapes named in `own` are not entered: their
 * service checks them itself, in its own words (DynamoDB's AttributeValue, walked once by
 * DynamoDB rather than twice).
 */
export function validate(model: ServiceModel, shape: Shape, value: unknown, out: Violation[] = [], path = '', member = '',
  own?: ReadonlySet<string>): Violation[] {
  if (value === undefined || value === null) return out;
  if (!constrained(model, shape)) return out;
  switch (shape.type) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        if (obj[name] === undefined || obj[name] === null) {
          out.push({ path: join(path, lcName(name)), member: name, kind: 'required', constraint: 'Member must not be null', value: null });
        }
      }
      for (const [name, ref, ms] of constrainedMembers(model, shape)) {
        const v = obj[name];
        if (v === undefined || v === null) continue;
        if (own?.has(ref.shape)) continue;
        validate(model, ms, v, out, join(path, lcName(name)), name, own);
      }
      return out;
    }
    case 'list': {
      checkLength(shape, value, out, path, member);
      if (own?.has(shape.member!.shape)) return out;
      const ms = shapeOf(model, shape.member!);
      (value as unknown[]).forEach((x, i) => validate(model, ms, x, out, `${path}.${i + 1}.member`, member, own));
      return out;
    }
    case 'map': {
      checkLength(shape, value, out, path, member);
      const ks = shapeOf(model, shape.key!); const vs = shapeOf(model, shape.value!);
      const values = !own?.has(shape.value!.shape);
      for (const [k, x] of Object.entries(value as Record<string, unknown>)) {
        validate(model, ks, k, out, `${path}.${k}.key`, member, own);
        if (values) validate(model, vs, x, out, `${path}.${k}.member`, member, own);
      }
      return out;
    }
    case 'string': {
      const s = value as string;
      if (shape.enum && !shape.enum.includes(s)) {
        out.push({ path, member, kind: 'enum', constraint: `Member must satisfy enum value set: [${shape.enum.join(', ')}]`, value });
        return out;
      }
      checkLength(shape, s, out, path, member);
      if (shape.pattern !== undefined) {
        const re = compile(shape.pattern);
        if (re && !re.test(s)) out.push({ path, member, kind: 'pattern', constraint: `Member must satisfy regular expression pattern: ${shape.pattern}`, value });
      }
      return out;
    }
    case 'blob': checkLength(shape, value, out, path, member); return out;
    case 'integer': case 'long': case 'float': case 'double': {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min)
        out.push({ path, member, kind: 'range', constraint: `Member must have value greater than or equal to ${shape.min}`, value });
      else if (shape.max !== undefined && n > shape.max)
        out.push({ path, member, kind: 'range', constraint: `Member must have value less than or equal to ${shape.max}`, value });
      return out;
    }
    default: return out;
  }
}

function checkLength(shape: Shape, v: unknown, out: Violation[], path: string, member: string) {
  const n = lengthOf(shape, v);
  if (n === undefined) return;
  if (shape.min !== undefined && n < shape.min)
    out.push({ path, member, kind: 'length', constraint: `Member must have length greater than or equal to ${shape.min}`, value: v });
  else if (shape.max !== undefined && n > shape.max)
    out.push({ path, member, kind: 'length', constraint: `Member must have length less than or equal to ${shape.max}`, value: v });
}

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);

function show(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Buffer.isBuffer(v)) return `'java.nio.HeapByteBuffer[pos=0 lim=${v.length} cap=${v.length}]'`;
  if (Array.isArray(v)) return `'[${v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ')}]'`;
  if (typeof v === 'object') return `'${JSON.stringify(v)}'`;
  return `'${String(v)}'`;
}

/** "2 validation errors detected: Value … ; Value …" */
export function validationMessage(vs: Violation[]): string {
  const parts = vs.map((v) => `Value ${show(v.value)} at '${v.path}' failed to satisfy constraint: ${v.constraint}`);
  return `${vs.length} validation error${vs.length > 1 ? 's' : ''} detected: ${parts.join('; ')}`;
}
