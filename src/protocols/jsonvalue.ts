// JSON values <-> typed values by shape, shared by the json and rest-json codecs.
// Incoming: timestamps (epoch seconds or ISO) -> Date, blobs (base64) -> Buffer, with the
// type checks AWS's JSON services answer with SerializationException.
import type { MemberRef, ServiceModel, Shape } from './model.js';
import { formatTimestamp, parseTimestamp, shapeOf, timestampFormat, toBuffer } from './shapes.js';
import { membersOf } from './xml.js';
import { ServiceError } from '../core/errors.js';

const kindOf = (v: unknown): string =>
  v === null ? 'NULL_VALUE' : Array.isArray(v) ? 'START_ARRAY' : typeof v === 'object' ? 'START_OBJECT'
    : typeof v === 'string' ? 'VALUE_STRING' : typeof v === 'number' ? (Number.isInteger(v) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT')
      : typeof v === 'boolean' ? (v ? 'VALUE_TRUE' : 'VALUE_FALSE') : 'VALUE_EMBEDDED_OBJECT';

const serialization = (msg: string) => new ServiceError('SerializationException', msg, 400);

function mismatch(v: unknown, want: string): ServiceError {
  const k = kindOf(v);
  if (k === 'START_OBJECT') return serialization('Start of structure or map found where not expected.');
  if (k === 'START_ARRAY') return serialization('Start of list found where not expected');
  return serialization(`${k === 'VALUE_STRING' ? 'STRING_VALUE' : k.startsWith('VALUE_NUMBER') ? 'NUMBER_VALUE' : k} can not be converted to ${want}`);
}

/** A structure's members by their JSON name (locationName, else the member name), made once. */
const wireMaps = new WeakMap<Shape, Map<string, [string, MemberRef]>>();
function wireMembers(shape: Shape): Map<string, [string, MemberRef]> {
  let m = wireMaps.get(shape);
  if (!m) {
    m = new Map(membersOf(shape).map(([name, ref]) => [ref.locationName ?? name, [name, ref]]));
    wireMaps.set(shape, m);
  }
  return m;
}

/** Converts a parsed JSON value to the typed value `shape` describes; throws SerializationException. */
export function fromJson(model: ServiceModel, shape: Shape, v: unknown): unknown {
  // Most requests need no conversion at all: then the parsed value is the typed value, and
  // building a copy of it (a third of decoding, and garbage) is skipped.
  if (usableAsIs(model, shape, v)) return v;
  return convert(model, shape, v);
}

/**
 * Whether `v` already is what `convert` would make of it: every key names a member, no null
 * member, every type right, nothing to turn into a Date or a Buffer. Never throws: anything
 * else goes to `convert`, which raises the error.
 */
function usableAsIs(model: ServiceModel, shape: Shape, v: unknown): boolean {
  switch (shape.type) {
    case 'structure': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
      if (shape.document) return true;
      const byWire = wireMembers(shape);
      const src = v as Record<string, unknown>;
      for (const wire in src) {
        const m = byWire.get(wire);
        if (!m || m[0] !== wire || !usableAsIs(model, shapeOf(model, m[1]), src[wire])) return false;
      }
      return true;
    }
    case 'list': {
      if (!Array.isArray(v)) return false;
      const ms = shapeOf(model, shape.member!);
      for (const x of v) if (x !== null && !usableAsIs(model, ms, x)) return false;
      return true;
    }
    case 'map': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
      const vs = shapeOf(model, shape.value!);
      const src = v as Record<string, unknown>;
      for (const k in src) if (src[k] !== null && !usableAsIs(model, vs, src[k])) return false;
      return true;
    }
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'integer': return Number.isInteger(v) && (v as number) <= 2147483647 && (v as number) >= -2147483648;
    case 'long': return Number.isInteger(v);
    case 'float': case 'double': case 'bigdecimal': case 'biginteger': return typeof v === 'number';
    case 'timestamp': case 'blob': return false;
    default: return true;
  }
}

function convert(model: ServiceModel, shape: Shape, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (typeof v !== 'object' || Array.isArray(v)) throw mismatch(v, 'a Structure');
      if (shape.document) return v;
      // Walk the keys the request has (an AttributeValue has one of its ten members), not
      // every member; keys that name no member are ignored.
      const src = v as Record<string, unknown>;
      const byWire = wireMembers(shape);
      const out: Record<string, unknown> = {};
      for (const wire in src) {
        const m = byWire.get(wire);
        const val = src[wire];
        if (!m || val === undefined) continue;
        const x = convert(model, shapeOf(model, m[1]), val);
        if (x !== undefined) out[m[0]] = x;
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(v)) throw mismatch(v, 'a List');
      const ms = shapeOf(model, shape.member!);
      return v.map((x) => convert(model, ms, x) ?? null);
    }
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) throw mismatch(v, 'a Map');
      const vs = shapeOf(model, shape.value!);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = convert(model, vs, x) ?? null;
      return out;
    }
    case 'string':
      if (typeof v !== 'string') throw mismatch(v, 'a String');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw mismatch(v, 'a Boolean');
      return v;
    case 'integer': case 'long':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw mismatch(v, shape.type === 'long' ? 'a Long' : 'an Integer');
      if (shape.type === 'integer' && (v > 2147483647 || v < -2147483648)) throw serialization(`Numeric value (${v}) out of range of int`);
      return v;
    case 'float': case 'double': case 'bigdecimal': case 'biginteger':
      if (typeof v === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(v)) return Number(v);
      if (typeof v !== 'number') throw mismatch(v, 'a Double');
      return v;
    case 'timestamp': {
      const d = parseTimestamp(v);
      if (!d) throw mismatch(v, 'a Timestamp');
      return d;
    }
    case 'blob':
      if (typeof v !== 'string') throw mismatch(v, 'a Blob');
      return Buffer.from(v, 'base64');
    default:
      return v;
  }
}

/**
 * Whether JSON.stringify(v) already gives what JSON.stringify(toJson(v)) would: plain objects
 * whose keys are all members (none bound elsewhere, none renamed, none null), arrays, plain
 * objects for maps, finite numbers; no Date, Buffer or Map to convert. Most outputs are, and
 * then the copy toJson makes (and its garbage) is skipped.
 */
export function jsonReady(model: ServiceModel, shape: Shape, v: unknown): boolean {
  if (v === undefined) return true;
  switch (shape.type) {
    case 'structure': {
      if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
      if (shape.document) return false;
      const members = shape.members ?? {};
      const src = v as Record<string, unknown>;
      for (const name in src) {
        const r = Object.prototype.hasOwnProperty.call(members, name) ? members[name] : undefined;
        if (!r || r.location || (r.locationName !== undefined && r.locationName !== name)) return false;
        const x = src[name];
        if (x === null || !jsonReady(model, shapeOf(model, r), x)) return false;
      }
      return true;
    }
    case 'list': {
      if (!Array.isArray(v)) return false;
      const ms = shapeOf(model, shape.member!);
      for (const x of v) if (x !== null && x !== undefined && !jsonReady(model, ms, x)) return false;
      return true;
    }
    case 'map': {
      if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
      const vs = shapeOf(model, shape.value!);
      const src = v as Record<string, unknown>;
      for (const k in src) if (src[k] === undefined || (src[k] !== null && !jsonReady(model, vs, src[k]))) return false;
      return true;
    }
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'integer': case 'long': case 'float': case 'double': return typeof v === 'number' && Number.isFinite(v);
    default: return false;
  }
}

/** Converts a typed value to its JSON form; timestamps default to epoch seconds. */
export function toJson(model: ServiceModel, shape: Shape, v: unknown, ref?: MemberRef): unknown {
  if (v === null || v === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return v;
      // A plain object's own keys, in its order (keys that name no member are not sent);
      // anything else (a class instance with getters) member by member.
      const src = v as Record<string, unknown>;
      const byName = shape.members ?? {};
      const out: Record<string, unknown> = {};
      const proto = Object.getPrototypeOf(src);
      const names = proto === Object.prototype || proto === null ? src : byName;
      for (const name in names) {
        const r = Object.prototype.hasOwnProperty.call(byName, name) ? byName[name] : undefined;
        if (!r || r.location) continue; // r.location: bound to a header, status or URI (rest-json)
        const x = toJson(model, shapeOf(model, r), src[name], r);
        if (x !== undefined) out[r.locationName ?? name] = x;
      }
      return out;
    }
    case 'list': {
      const ms = shapeOf(model, shape.member!);
      return (v as unknown[]).map((x) => toJson(model, ms, x, shape.member) ?? null);
    }
    case 'map': {
      const vs = shapeOf(model, shape.value!);
      const out: Record<string, unknown> = {};
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, unknown>);
      for (const [k, x] of entries) out[k] = toJson(model, vs, x, shape.value) ?? null;
      return out;
    }
    case 'timestamp': return formatTimestamp(v, timestampFormat(ref, shape, 'unixTimestamp'));
    case 'blob': return toBuffer(v).toString('base64');
    case 'float': case 'double':
      return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
    default: return v;
  }
}
