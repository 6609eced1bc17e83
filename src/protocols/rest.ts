// HTTP bindings shared by the rest-json and rest-xml protocols: routing a request to an
// operation by method + requestUri, reading members bound to the URI, query string, headers
// and payload, and writing an output's status, headers and payload. The body format (JSON
// or XML) is supplied by the codec as a RestFormat.
// Binding rules: https://smithy.io/2.0/spec/http-bindings.html and botocore's
// serialize.py/parsers.py (BaseRestSerializer, BaseRestParser).
import { Readable } from 'node:stream';
import { EVENT_STREAM_CONTENT_TYPE, eventStreamBody } from './eventstream.js';
import type { HttpRequest, HttpResponse } from './codec.js';
import type { MemberRef, Operation, ServiceModel, Shape } from './model.js';
import type { ServiceError } from '../core/errors.js';
import { formatTimestamp, parseTimestamp, shapeOf, timestampFormat, toBuffer } from './shapes.js';

/** What differs between rest-json and rest-xml: the body document and the error wording. */
export interface RestFormat {
  readonly contentType: string;
  /** The protocol's error for a value that does not convert to its shape. */
  invalid(message: string): ServiceError;
  /** Reads a document whose root is structure `shape`; values keyed by member name. */
  readStructure(body: Buffer, shape: Shape, model: ServiceModel): Record<string, unknown>;
  /**
   * Writes structure `value` as a document (members bound elsewhere left out). `root` names the
   * XML root element and its namespace; JSON ignores it.
   */
  writeStructure(value: Record<string, unknown>, shape: Shape, model: ServiceModel, root: XmlRoot): string;
}

export interface XmlRoot { name: string; ns?: { prefix?: string; uri: string } }

// ---------------------------------------------------------------------------------------------
// Routing

type Seg = { lit: string } | { label: string } | { greedy: string };

interface Route {
  op: Operation;
  order: number;
  segs: Seg[];
  /** Literal query keys of the requestUri (`?uploads`, `?list-type=2`): value undefined = any. */
  query: [string, string | undefined][];
  litSegs: number;
  greedy: number;
  /** Required members bound to the query string / headers (wire names; headers lower-cased). */
  reqQuery: string[];
  reqHeaders: string[];
  /** Optional query-string members (wire names), a tie-breaker between equally specific routes. */
  optQuery: string[];
  deprecated: boolean;
}

interface Router {
  byMethod: Map<string, Route[]>;
  byOp: Map<string, Route>;
}

const routers = new WeakMap<ServiceModel, Router>();

function splitPath(p: string): string[] {
  const s = p.startsWith('/') ? p.slice(1) : p;
  return s === '' ? [] : s.split('/');
}

function compileRoute(model: ServiceModel, op: Operation, order: number): Route {
  const uri = op.http.requestUri;
  const q = uri.indexOf('?');
  const segs: Seg[] = splitPath(q < 0 ? uri : uri.slice(0, q)).map((s) => {
    const m = /^\{([^}]+?)(\+)?\}$/.exec(s);
    return !m ? { lit: s } : m[2] ? { greedy: m[1] } : { label: m[1] };
  });
  const query: [string, string | undefined][] = q < 0 ? [] : uri.slice(q + 1).split('&').filter(Boolean).map((kv) => {
    const e = kv.indexOf('=');
    return e < 0 ? [kv, undefined] : [kv.slice(0, e), kv.slice(e + 1)];
  });
  const reqQuery: string[] = [];
  const reqHeaders: string[] = [];
  const optQuery: string[] = [];
  if (op.input) {
    const shape = shapeOf(model, op.input);
    const required = new Set(shape.required ?? []);
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const wire = ref.locationName ?? name;
      if (ref.location === 'querystring' && ref.locationName) (required.has(name) ? reqQuery : optQuery).push(wire);
      else if (ref.location === 'header' && required.has(name)) reqHeaders.push(wire.toLowerCase());
    }
  }
  return {
    op, order, segs, query, reqQuery, reqHeaders, optQuery,
    litSegs: segs.filter((s) => 'lit' in s).length,
    greedy: segs.filter((s) => 'greedy' in s).length,
    deprecated: (op as { deprecated?: boolean }).deprecated === true,
  };
}

function routerOf(model: ServiceModel): Router {
  let r = routers.get(model);
  if (r) return r;
  r = { byMethod: new Map(), byOp: new Map() };
  let order = 0;
  for (const op of Object.values(model.operations)) {
    const route = compileRoute(model, op, order++);
    r.byOp.set(op.name, route);
    const list = r.byMethod.get(op.http.method) ?? [];
    list.push(route);
    r.byMethod.set(op.http.method, list);
  }
  // Most specific first: more literal query keys, more literal segments, fewer greedy labels.
  for (const list of r.byMethod.values()) list.sort((a, b) => specificity(b, a) || a.order - b.order);
  routers.set(model, r);
  return r;
}

const specificity = (a: Route, b: Route): number =>
  a.query.length - b.query.length || a.litSegs - b.litSegs || b.greedy - a.greedy;

const safeDecode = (s: string): string => {
  if (!s.includes('%')) return s; // nothing to decode (most keys): skip decodeURIComponent's try
  try { return decodeURIComponent(s); } catch { return s; }
};

/** Matches the route's path template; returns the (percent-decoded) label values. */
function matchPath(route: Route, segs: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  const t = route.segs;
  let i = 0; // index into segs
  for (let j = 0; j < t.length; j++) {
    const s = t[j];
    if ('greedy' in s) {
      // A greedy label takes every segment up to the literal tail of the template (if any).
      const tail = t.length - j - 1;
      const end = segs.length - tail;
      if (end <= i) return undefined;
      const v = segs.slice(i, end).join('/');
      if (v === '') return undefined;
      labels[s.greedy] = safeDecode(v);
      i = end;
    } else {
      const v = segs[i++];
      if (v === undefined || v === '') return undefined;
      if ('lit' in s) { if (v !== s.lit && safeDecode(v) !== s.lit) return undefined; }
      else labels[s.label] = safeDecode(v);
    }
  }
  // One trailing slash is tolerated (`/bucket/` is the bucket).
  if (i === segs.length || (i === segs.length - 1 && segs[i] === '')) return labels;
  return undefined;
}

/** The request path as routed: a virtual-hosted S3 bucket becomes the first segment. */
const routedPath = (req: HttpRequest): string => (req.hostBucket ? `/${req.hostBucket}${req.path}` : req.path);

function queryMap(req: HttpRequest): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of req.query) {
    const a = m.get(k);
    if (a) a.push(v); else m.set(k, [v]);
  }
  return m;
}

function headerValue(headers: HttpRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : String(v);
}

/**
 * The operation a request names. Among routes that match, the most specific wins; among
 * equally specific ones (S3 has several operations on `PUT /{Bucket}/{Key+}`), the one whose
 * required query/header members are all present and most numerous wins (UploadPartCopy over
 * UploadPart over CopyObject over PutObject), then one whose optional query members appear,
 * then a non-deprecated one, then the model's order (which makes `GET /` ListBuckets rather
 * than ListDirectoryBuckets, as S3 answers it on its regional endpoint).
 */
export function resolveRoute(req: HttpRequest, model: ServiceModel): Operation | undefined {
  const routes = routerOf(model).byMethod.get(req.method.toUpperCase());
  if (!routes) return undefined;
  const path = routedPath(req);
  const segs = splitPath(path);
  const query = queryMap(req);
  let best: Route | undefined;
  let bestScore: number[] = [];
  let bestLabels: Record<string, string> | undefined;
  for (const r of routes) {
    if (best && specificity(r, best) < 0) break; // sorted: nothing further can beat it
    if (!r.query.every(([k, v]) => query.has(k) && (v === undefined || query.get(k)!.includes(v)))) continue;
    const labels = matchPath(r, segs);
    if (!labels) continue;
    const reqPresent = r.reqQuery.filter((k) => query.has(k)).length + r.reqHeaders.filter((h) => req.headers[h] !== undefined).length;
    const complete = reqPresent === r.reqQuery.length + r.reqHeaders.length ? 1 : 0;
    const score = [complete, reqPresent, r.optQuery.filter((k) => query.has(k)).length, r.deprecated ? 0 : 1, -r.order];
    if (!best || compareScores(score, bestScore) > 0) { best = r; bestScore = score; bestLabels = labels; }
  }
  if (best) req.labels = { op: best.op, path, values: bestLabels! };
  return best?.op;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Member bindings of a structure, computed once per shape

interface Binding { name: string; ref: MemberRef; shape: Shape; wire: string }

interface Plan {
  uri: Binding[];
  query: Binding[];
  /** A map member bound to the query string without a name takes every other parameter. */
  queryRest?: Binding;
  header: Binding[];
  /** The header bindings by lower-cased header name: a request is read by its own headers (a
   * handful) rather than probed for every binding (S3 PutObject has ~40). */
  headerByWire: Map<string, Binding>;
  prefixHeaders: Binding[];
  status?: Binding;
  payload?: Binding;
  /** Members carried in the body document (when there is no payload member). */
  body: Binding[];
}

const plans = new WeakMap<Shape, Plan>();

function planOf(model: ServiceModel, shape: Shape): Plan {
  let p = plans.get(shape);
  if (p) return p;
  p = { uri: [], query: [], header: [], headerByWire: new Map(), prefixHeaders: [], body: [] };
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const b: Binding = { name, ref, shape: shapeOf(model, ref), wire: ref.locationName ?? name };
    switch (ref.location) {
      case 'uri': p.uri.push(b); break;
      case 'querystring':
        if (b.shape.type === 'map') p.queryRest = b; else p.query.push(b);
        break;
      case 'header': b.wire = b.wire.toLowerCase(); p.header.push(b); p.headerByWire.set(b.wire, b); break;
      case 'headers': b.wire = b.wire.toLowerCase(); p.prefixHeaders.push(b); break;
      case 'statusCode': p.status = b; break;
      default:
        if (shape.payload === name) p.payload = b;
        else if (!shape.payload) p.body.push(b);
    }
  }
  plans.set(shape, p);
  return p;
}

const isStreamingBlob = (b: Binding | undefined): boolean =>
  !!b && b.shape.type === 'blob' && (b.shape.streaming === true || b.ref.streaming === true);

/** Whether the operation's input payload is a streaming blob (S3 PutObject, UploadPart). */
export function streamsInput(op: Operation, model: ServiceModel): boolean {
  return !!op.input && isStreamingBlob(planOf(model, shapeOf(model, op.input)).payload);
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Converts a string from the URI, query string, a header or XML text to `shape`'s type. */
export function parseScalar(shape: Shape, raw: string, where: string, fmt: RestFormat): unknown {
  const bad = () => fmt.invalid(`Invalid value '${raw}' for ${where}`);
  switch (shape.type) {
    case 'integer': case 'long': {
      if (!/^[-+]?\d+$/.test(raw.trim())) throw bad();
      return Number(raw);
    }
    case 'float': case 'double': case 'bigdecimal': case 'biginteger': {
      const n = Number(raw);
      if (raw.trim() === '' || (Number.isNaN(n) && raw !== 'NaN')) throw bad();
      return n;
    }
    case 'boolean': {
      const l = raw.trim().toLowerCase();
      if (l !== 'true' && l !== 'false') throw bad();
      return l === 'true';
    }
    case 'timestamp': {
      // Any of the three model formats (http-date in headers, ISO 8601 in query strings and
      // XML, epoch seconds) is accepted whatever the member's declared format.
      const d = parseTimestamp(raw.trim());
      if (!d) throw bad();
      return d;
    }
    case 'blob': return Buffer.from(raw, 'base64');
    default: return raw;
  }
}

/** Splits a list-valued header: comma-separated, items with commas double-quoted (Smithy). */
function splitHeaderList(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (quoted) {
      if (c === '\\' && i + 1 < v.length) cur += v[++i];
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur.trim() === '') { quoted = true; wasQuoted = true; cur = ''; }
    else if (c === ',') { out.push(wasQuoted ? cur : cur.trim()); cur = ''; wasQuoted = false; }
    else if (!wasQuoted) cur += c;
  }
  out.push(wasQuoted ? cur : cur.trim());
  return out;
}

function decodeHeader(b: Binding, raw: string, fmt: RestFormat, model: ServiceModel): unknown {
  if (b.ref.jsonvalue || (b.shape as { jsonvalue?: boolean }).jsonvalue) {
    // `jsonvalue` headers carry base64-encoded JSON (e.g. Lambda's X-Amz-Client-Context is plain).
    try { return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')); } catch { throw fmt.invalid(`Invalid value for header ${b.wire}`); }
  }
  if (b.shape.type === 'list') {
    const ms = shapeOf(model, b.shape.member!);
    return splitHeaderList(raw).map((x) => parseScalar(ms, x, `header ${b.wire}`, fmt));
  }
  return parseScalar(b.shape, raw, `header ${b.wire}`, fmt);
}

/**
 * Headers as the operation sees them. An aws-chunked body's framing is transport, not content:
 * Content-Length is the decoded length (x-amz-decoded-content-length) and `aws-chunked` is no
 * part of the object's Content-Encoding (AWS SigV4 streaming docs; S3 drops it when storing).
 */
function effectiveHeaders(h: HttpRequest['headers']): HttpRequest['headers'] {
  const ce = headerValue(h, 'content-encoding');
  const chunked = ce?.split(',').some((x) => x.trim().toLowerCase() === 'aws-chunked')
    || String(h['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  if (!chunked) return h;
  const out = { ...h };
  const rest = ce?.split(',').map((x) => x.trim()).filter((x) => x && x.toLowerCase() !== 'aws-chunked');
  if (rest?.length) out['content-encoding'] = rest.join(', '); else delete out['content-encoding'];
  const decoded = h['x-amz-decoded-content-length'];
  if (decoded !== undefined) out['content-length'] = String(decoded); else delete out['content-length'];
  return out;
}

/** Decodes a request into the operation's input by the input shape's HTTP bindings. */
export function decodeRest(req: HttpRequest, op: Operation, model: ServiceModel, fmt: RestFormat): Record<string, unknown> {
  if (!op.input) return {};
  const shape = shapeOf(model, op.input);
  const plan = planOf(model, shape);
  const out: Record<string, unknown> = {};

  if (plan.uri.length) {
    // Resolving the route matched the path already (unless the operation came another way).
    const path = routedPath(req);
    let labels = req.labels?.op === op && req.labels.path === path ? req.labels.values : undefined;
    if (!labels) {
      const route = routerOf(model).byOp.get(op.name);
      labels = route ? matchPath(route, splitPath(path)) : undefined;
    }
    for (const b of plan.uri) {
      const v = labels?.[b.wire];
      if (v !== undefined) out[b.name] = parseScalar(b.shape, v, `URI label ${b.wire}`, fmt);
    }
  }

  if (plan.query.length || plan.queryRest) {
    const query = queryMap(req);
    const bound = new Set<string>();
    for (const b of plan.query) {
      bound.add(b.wire);
      const vs = query.get(b.wire);
      if (!vs) continue;
      if (b.shape.type === 'list') {
        const ms = shapeOf(model, b.shape.member!);
        out[b.name] = vs.map((x) => parseScalar(ms, x, `query parameter ${b.wire}`, fmt));
      } else out[b.name] = parseScalar(b.shape, vs[0], `query parameter ${b.wire}`, fmt);
    }
    if (plan.queryRest) {
      // The route's own literal keys (`?uploads`) are not parameters.
      for (const [k] of routerOf(model).byOp.get(op.name)?.query ?? []) bound.add(k);
      const listValued = shapeOf(model, plan.queryRest.shape.value!).type === 'list';
      const m: Record<string, unknown> = {};
      for (const [k, vs] of query) if (!bound.has(k)) m[k] = listValued ? vs : vs[0];
      if (Object.keys(m).length) out[plan.queryRest.name] = m;
    }
  }

  if (plan.header.length || plan.prefixHeaders.length) {
    const headers = effectiveHeaders(req.headers);
    for (const k in headers) {
      const b = plan.headerByWire.get(k);
      const raw = b && headerValue(headers, k);
      if (raw !== undefined) out[b!.name] = decodeHeader(b!, raw, fmt, model);
    }
    for (const b of plan.prefixHeaders) {
      const m: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) {
        if (k.startsWith(b.wire) && v !== undefined) m[k.slice(b.wire.length)] = Array.isArray(v) ? v.join(', ') : String(v);
      }
      if (Object.keys(m).length) out[b.name] = m;
    }
  }

  const p = plan.payload;
  if (p) {
    if (isStreamingBlob(p)) out[p.name] = req.stream ?? Readable.from(req.body.length ? [req.body] : []);
    else if (req.body.length) {
      if (p.shape.type === 'blob') out[p.name] = req.body;
      else if (p.shape.type === 'string') out[p.name] = req.body.toString('utf8');
      else out[p.name] = fmt.readStructure(req.body, p.shape, model);
    }
  } else if (plan.body.length && req.body.length) {
    const doc = fmt.readStructure(req.body, shape, model);
    for (const b of plan.body) if (doc[b.name] !== undefined) out[b.name] = doc[b.name];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Node refuses header values with control characters or code points above U+00FF. */
function headerSafe(s: string): string {
  if (!/[^\t\x20-\x7e]/.test(s)) return s; // printable ASCII (almost every value) is safe as is
  const clean = s.replace(/[\r\n]+/g, ' ');
  return /[^\t\x20-\x7e\x80-\xff]/.test(clean) ? Buffer.from(clean, 'utf8').toString('latin1') : clean;
}

function headerString(model: ServiceModel, b: { ref: MemberRef; shape: Shape }, v: unknown): string {
  const { ref, shape } = b;
  if (ref.jsonvalue || (shape as { jsonvalue?: boolean }).jsonvalue) {
    return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');
  }
  switch (shape.type) {
    case 'timestamp': return String(formatTimestamp(v, timestampFormat(ref, shape, 'rfc822')));
    case 'blob': return toBuffer(v).toString('base64');
    case 'list': {
      const ms = shapeOf(model, shape.member!);
      return (v as unknown[]).map((x) => {
        const s = headerString(model, { ref: shape.member!, shape: ms }, x);
        // http-dates contain commas but are never quoted (Smithy httpHeader list rules).
        return ms.type !== 'timestamp' && /[,"]/.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : s;
      }).join(', ');
    }
    default: return String(v);
  }
}

/** Writes the header-bound members of `value` (a structure of `shape`) into `headers`. */
export function writeHeaders(model: ServiceModel, shape: Shape, value: Record<string, unknown>, headers: Record<string, string | string[]>): void {
  const plan = planOf(model, shape);
  for (const b of plan.header) {
    const v = value[b.name];
    if (v !== undefined && v !== null) headers[b.ref.locationName ?? b.name] = headerSafe(headerString(model, b, v));
  }
  for (const b of plan.prefixHeaders) {
    const m = value[b.name] as Record<string, unknown> | undefined;
    if (!m) continue;
    const prefix = b.ref.locationName ?? '';
    for (const [k, v] of Object.entries(m)) if (v !== undefined && v !== null) headers[prefix + k] = headerSafe(String(v));
  }
}

const hasHeader = (headers: Record<string, unknown>, name: string) =>
  Object.keys(headers).some((k) => k.toLowerCase() === name);

/** The XML namespace of the service's documents: the model's, else the one its request bodies declare. */
const namespaces = new WeakMap<ServiceModel, { uri: string } | null>();
export function serviceNamespace(model: ServiceModel): { uri: string } | undefined {
  let ns = namespaces.get(model);
  if (ns === undefined) {
    ns = model.metadata.xmlNamespace ? { uri: model.metadata.xmlNamespace } : null;
    for (const op of Object.values(model.operations)) {
      if (ns) break;
      if (op.input?.xmlNamespace?.uri) ns = { uri: op.input.xmlNamespace.uri };
    }
    for (const s of Object.values(model.shapes)) {
      if (ns) break;
      for (const r of Object.values(s.members ?? {})) if (r.xmlNamespace?.uri && !r.xmlNamespace.prefix) { ns = { uri: r.xmlNamespace.uri }; break; }
    }
    namespaces.set(model, ns);
  }
  return ns ?? undefined;
}

/** Encodes an output by the output shape's HTTP bindings: status, headers, payload or body. */
export function encodeRest(output: unknown, op: Operation, model: ServiceModel, fmt: RestFormat): HttpResponse {
  const headers: Record<string, string | string[]> = {};
  let status = op.http.responseCode ?? 200;
  let body: HttpResponse['body'];
  if (op.output) {
    const shape = shapeOf(model, op.output);
    const value = (output ?? {}) as Record<string, unknown>;
    const plan = planOf(model, shape);
    writeHeaders(model, shape, value, headers);
    if (plan.status && typeof value[plan.status.name] === 'number') status = value[plan.status.name] as number;
    const p = plan.payload;
    let contentType: string | undefined;
    if (p) {
      const v = value[p.name];
      if (v !== undefined && v !== null) {
        if (p.shape.eventstream) {
          body = eventStreamBody(model, p.shape, v as AsyncIterable<Record<string, unknown>>, {
            // S3 labels its XML events text/xml (RESTSelectObjectAppendix).
            contentType: fmt.contentType === 'application/xml' ? 'text/xml' : fmt.contentType,
            writeStructure: (value, shape, m, rootName) => fmt.writeStructure(value, shape, m, { name: rootName }),
          });
          contentType = EVENT_STREAM_CONTENT_TYPE;
        } else if (p.shape.type === 'blob' || p.shape.type === 'string') {
          body = v instanceof Readable || typeof v === 'string' ? v : toBuffer(v);
          contentType = p.shape.type === 'blob' ? 'application/octet-stream' : 'text/plain';
        } else {
          body = fmt.writeStructure(v as Record<string, unknown>, p.shape, model, {
            name: p.ref.locationName ?? p.shape.locationName ?? p.name,
            ns: p.ref.xmlNamespace ?? p.shape.xmlNamespace ?? serviceNamespace(model),
          });
          contentType = fmt.contentType;
        }
      }
    } else if (plan.body.length) {
      body = fmt.writeStructure(value, shape, model, {
        name: shape.locationName ?? op.output.shape,
        ns: shape.xmlNamespace ?? serviceNamespace(model),
      });
      contentType = fmt.contentType;
    }
    if (contentType && !hasHeader(headers, 'content-type')) headers['content-type'] = contentType;
  }
  return { status, headers, body };
}
