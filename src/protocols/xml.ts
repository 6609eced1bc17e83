// Model-driven XML writing, shared by the query, ec2 and rest-xml codecs, and XML reading
// (fast-xml-parser) for request bodies.
import { createRequire } from 'node:module';
import type { X2jOptions, XMLParser as XMLParserType } from 'fast-xml-parser';
import type { MemberRef, ServiceModel, Shape } from './model.js';
import { formatTimestamp, shapeOf, timestampFormat, toBuffer } from './shapes.js';

const XML_SPECIAL = /[&<>"'\r\u0085\u2028]/;
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;',
  '\r': '&#xD;', '\u0085': '&#x85;', '\u2028': '&#x2028;' };
/** Most values need no escaping: test first, replace only when needed. */
export const escapeXml = (s: string): string =>
  (XML_SPECIAL.test(s) ? s.replace(/[&<>"'\r\u0085\u2028]/g, (c) => XML_ENTITIES[c]) : s);

// Member lists are walked for every response: computed once per shape.
const memberLists = new WeakMap<Shape, [string, MemberRef][]>();
export function membersOf(shape: Shape): [string, MemberRef][] {
  let m = memberLists.get(shape);
  if (!m) { m = Object.entries(shape.members ?? {}); memberLists.set(shape, m); }
  return m;
}

export interface XmlFlavor {
  /** Default timestamp format: iso8601 everywhere in XML protocols. */
  timestamp?: string;
}

function scalar(model: ServiceModel, shape: Shape, ref: MemberRef | undefined, v: unknown, f: XmlFlavor): string {
  switch (shape.type) {
    case 'timestamp': return String(formatTimestamp(v, timestampFormat(ref, shape, f.timestamp ?? 'iso8601')));
    case 'blob': return toBuffer(v).toString('base64');
    case 'boolean': return v ? 'true' : 'false';
    case 'float': case 'double':
      return typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : String(v);
    default: return escapeXml(String(v));
  }
}

/**
 * A structure value may give the document order of items of its flattened lists as
 * [member, item] pairs under this key: S3's ListObjectVersions interleaves <Version> and
 * <DeleteMarker> elements by key and age, which member-by-member writing cannot express. The
 * pairs are written where the first of those members would be.
 */
export const XML_ORDER = Symbol('xml document order');

/** Writes the members of structure `shape` (without its own element). */
export function xmlMembers(model: ServiceModel, shape: Shape, value: Record<string, unknown>, f: XmlFlavor, skipLocated = false): string {
  const order = (value as { [XML_ORDER]?: [string, unknown][] })[XML_ORDER];
  const ordered = order ? new Set(order.map(([m]) => m)) : undefined;
  let out = '';
  let orderWritten = false;
  for (const [name, ref] of membersOf(shape)) {
    if (ordered?.has(name)) {
      if (!orderWritten) out += order!.map(([m, item]) => orderedItem(model, shape, m, item, f)).join('');
      orderWritten = true;
      continue;
    }
    const v = value[name];
    if (v === undefined || v === null) continue;
    if (skipLocated && ref.location) continue;
    if (ref.xmlAttribute) continue;
    out += xmlValue(model, ref, ref.locationName ?? name, v, f);
  }
  return out;
}

/** One item of flattened list member `m` of `shape`, as its own element. */
function orderedItem(model: ServiceModel, shape: Shape, m: string, item: unknown, f: XmlFlavor): string {
  const ref = shape.members![m];
  const list = shapeOf(model, ref);
  return xmlValue(model, list.member!, list.member!.locationName ?? ref.locationName ?? m, item, f);
}

function attributes(shape: Shape, value: Record<string, unknown>): string {
  let a = '';
  for (const [name, ref] of membersOf(shape)) {
    const v = value[name];
    if (ref.xmlAttribute && v !== undefined && v !== null) a += ` ${ref.locationName ?? name}="${escapeXml(String(v))}"`;
  }
  return a;
}

const nsAttr = (ns: { prefix?: string; uri: string } | undefined) =>
  ns ? ` xmlns${ns.prefix ? ':' + ns.prefix : ''}="${escapeXml(ns.uri)}"` : '';

/** Writes one value as element(s) named `name`. */
export function xmlValue(model: ServiceModel, ref: MemberRef, name: string, v: unknown, f: XmlFlavor): string {
  const shape = shapeOf(model, ref);
  // The namespace may sit on the member or on the shape (S3's Grantee declares xmlns:xsi for xsi:type).
  const ns = nsAttr(ref.xmlNamespace ?? shape.xmlNamespace);
  switch (shape.type) {
    case 'structure': {
      const obj = v as Record<string, unknown>;
      return `<${name}${ns}${attributes(shape, obj)}>${xmlMembers(model, shape, obj, f)}</${name}>`;
    }
    case 'list': {
      const items = v as unknown[];
      const member = shape.member!;
      if (shape.flattened || ref.flattened) {
        const inner = member.locationName ?? name;
        return items.map((x) => xmlValue(model, member, inner, x, f)).join('');
      }
      const inner = member.locationName ?? 'member';
      return `<${name}${ns}>${items.map((x) => xmlValue(model, member, inner, x, f)).join('')}</${name}>`;
    }
    case 'map': {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, unknown>);
      const k = shape.key!.locationName ?? 'key';
      const val = shape.value!.locationName ?? 'value';
      const body = (e: [string, unknown]) => xmlValue(model, shape.key!, k, e[0], f) + xmlValue(model, shape.value!, val, e[1], f);
      if (shape.flattened || ref.flattened) return entries.map((e) => `<${name}>${body(e)}</${name}>`).join('');
      return `<${name}${ns}>${entries.map((e) => `<entry>${body(e)}</entry>`).join('')}</${name}>`;
    }
    default:
      return `<${name}${ns}>${scalar(model, shape, ref, v, f)}</${name}>`;
  }
}

export const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

// Request bodies: elements only, text kept as strings, every element an array so that a
// one-item list and a scalar look alike until the shape says which is which. The parser is
// loaded on first use (its bundled CommonJS build), keeping it off the start-up path.
let parser: XMLParserType | undefined;
const parserOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: () => true,
  processEntities: true,
  // XML's five named entities, and numeric character references (&#x0D;&#x0A;, which the JS
  // SDK sends for "\r\n", e.g. in S3 Select's RecordDelimiter). An object here means exactly
  // these names (no HTML ones) with numeric references allowed (fast-xml-parser 5 reads a map
  // here; its type still says boolean).
  htmlEntities: { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' },
};

export type XmlNode = Record<string, unknown>;

/** Parses an XML document; throws on malformed XML (the codec turns that into the protocol's error). */
export function parseXml(text: string): XmlNode {
  if (!parser) {
    const { XMLParser } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
    parser = new XMLParser(parserOptions as unknown as X2jOptions);
  }
  return parser.parse(text, true) as XmlNode;
}
