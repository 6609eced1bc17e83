// restXml (S3, CloudFront): HTTP bindings (rest.ts) with an XML body. Documents are rooted at
// the payload member's (or output shape's) element name with the service's namespace; lists
// and maps are wrapped (`<TagSet><Tag>..`) unless flattened (S3's `<Contents>` repeated).
// Errors are written the way S3 writes them (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html):
//   <Error><Code/><Message/>{extra fields}<RequestId/><HostId/></Error>
// with x-amz-request-id and x-amz-id-2 headers, which the SDKs read as requestId and
// extendedRequestId.
import { hash } from 'node:crypto';
import type { Codec, HttpRequest, HttpResponse, ResponseContext } from './codec.js';
import type { MemberRef, Operation, ServiceModel, Shape } from './model.js';
import { ServiceError } from '../core/errors.js';
import { errorShape, errorStatus, shapeOf, toDate, wireCode } from './shapes.js';
import { XML_DECL, escapeXml, parseXml, xmlMembers, xmlValue, type XmlNode } from './xml.js';
import { decodeRest, encodeRest, parseScalar, resolveRoute, streamsInput, writeHeaders, type RestFormat } from './rest.js';

const malformed = () => new ServiceError('MalformedXML',
  'The XML you provided was not well-formed or did not validate against our published schema', 400);

const textOf = (n: unknown): string =>
  typeof n === 'string' ? n : n && typeof n === 'object' ? String((n as XmlNode)['#text'] ?? '') : '';

const asNode = (n: unknown): XmlNode => (n && typeof n === 'object' ? n as XmlNode : {});

/** Child elements named `name` (the parser makes every element an array). */
const children = (n: unknown, name: string | undefined): unknown[] | undefined => {
  if (name === undefined) return undefined;
  const c = asNode(n)[name];
  return Array.isArray(c) ? c : undefined;
};

/** Reads a parsed XML element as the typed value `shape` describes. */
function readXml(model: ServiceModel, shape: Shape, node: unknown, where: string): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, r] of Object.entries(shape.members ?? {})) {
        if (r.location) continue;
        const ms = shapeOf(model, r);
        const wire = r.locationName ?? name;
        if (r.xmlAttribute) {
          // The parser drops namespace prefixes (`xsi:type` arrives as `type`).
          const a = asNode(node)[`@_${wire.slice(wire.indexOf(':') + 1)}`];
          if (a !== undefined) out[name] = parseScalar(ms, Array.isArray(a) ? String(a[0]) : String(a), wire, xmlFormat);
          continue;
        }
        const v = readMember(model, ms, r, node, wire, `${where}.${wire}`);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'list': {
      const m = shape.member!;
      const items = children(node, m.locationName ?? 'member') ?? [];
      const ms = shapeOf(model, m);
      return items.map((x) => readXml(model, ms, x, where));
    }
    case 'map':
      return readEntries(model, shape, children(node, 'entry') ?? [], where);
    default:
      return parseScalar(shape, textOf(node), where, xmlFormat);
  }
}

/** A structure member: one element, or repeated elements when a flattened list or map. */
function readMember(model: ServiceModel, ms: Shape, r: MemberRef, parent: unknown, wire: string, where: string): unknown {
  const flat = ms.flattened || r.flattened;
  if (ms.type === 'list' && flat) {
    // Flattened items repeat under the member's name, or the list member's own name when it
    // has one (botocore's _member_key_name).
    const items = children(parent, ms.member!.locationName) ?? children(parent, wire);
    if (!items) return undefined;
    const is = shapeOf(model, ms.member!);
    return items.map((x) => readXml(model, is, x, where));
  }
  const els = children(parent, wire);
  if (!els?.length) return undefined;
  if (ms.type === 'map' && flat) return readEntries(model, ms, els, where);
  return readXml(model, ms, els[0], where);
}

function readEntries(model: ServiceModel, shape: Shape, entries: unknown[], where: string): Record<string, unknown> {
  const kn = shape.key!.locationName ?? 'key';
  const vn = shape.value!.locationName ?? 'value';
  const vs = shapeOf(model, shape.value!);
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    const k = children(e, kn)?.[0];
    const v = children(e, vn)?.[0];
    if (k !== undefined) out[textOf(k)] = v === undefined ? undefined : readXml(model, vs, v, where);
  }
  return out;
}

export const xmlFormat: RestFormat = {
  contentType: 'application/xml',
  invalid: (message: string) => new ServiceError('InvalidArgument', message, 400),
  readStructure(body: Buffer, shape: Shape, model: ServiceModel): Record<string, unknown> {
    let doc: XmlNode;
    try { doc = parseXml(body.toString('utf8')); } catch { throw malformed(); }
    const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
    const root = rootName ? (doc[rootName] as unknown[])[0] : undefined;
    if (root === undefined) throw malformed();
    return readXml(model, shape, root, rootName!) as Record<string, unknown>;
  },
  writeStructure(value, shape, model, root): string {
    const ns = root.ns ? ` xmlns${root.ns.prefix ? ':' + root.ns.prefix : ''}="${escapeXml(root.ns.uri)}"` : '';
    return `${XML_DECL}<${root.name}${ns}>${xmlMembers(model, shape, value, {}, true)}</${root.name}>`;
  },
};

/** S3's x-amz-id-2 ("host id"): opaque base64; derived from the request id so logs line up. */
const hostId = (requestId: string) => hash('sha256', requestId, 'base64');

const idHeaders = (ctx: ResponseContext) => ({ 'x-amz-request-id': ctx.requestId, 'x-amz-id-2': hostId(ctx.requestId) });

export const restXmlCodec: Codec = {
  bodyFirst: false,
  resolve: (req: HttpRequest, model: ServiceModel) => resolveRoute(req, model),
  unknownOperation(req: HttpRequest): ServiceError {
    // What S3 answers a method its resource does not support.
    return new ServiceError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: req.method });
  },
  streamsInput,
  decode: (req: HttpRequest, op: Operation, model: ServiceModel) => decodeRest(req, op, model, xmlFormat),

  encode(output: unknown, op: Operation, model: ServiceModel, ctx: ResponseContext): HttpResponse {
    const r = encodeRest(output, op, model, xmlFormat);
    Object.assign(r.headers, idHeaders(ctx));
    return r;
  },

  encodeError(err: ServiceError, _op, model, ctx): HttpResponse {
    const headers: Record<string, string | string[]> = { 'content-type': 'application/xml', ...idHeaders(ctx) };
    const found = errorShape(model, err.code);
    let extra = '';
    for (const [k, v] of Object.entries(err.fields)) {
      if (v === undefined || v === null) continue;
      const ref = found?.shape.members?.[k];
      if (ref?.location) continue; // written as a header below
      if (ref && model) extra += xmlValue(model, ref, ref.locationName ?? k, v, {});
      else extra += `<${k}>${escapeXml(v instanceof Date ? toDate(v).toISOString() : String(v))}</${k}>`;
    }
    if (found && model) writeHeaders(model, found.shape, err.fields, headers);
    Object.assign(headers, err.headers);
    const body = `${XML_DECL}<Error><Code>${escapeXml(wireCode(err, model))}</Code><Message>${escapeXml(err.message)}</Message>${extra}`
      + `<RequestId>${escapeXml(ctx.requestId)}</RequestId><HostId>${hostId(ctx.requestId)}</HostId></Error>`;
    return { status: errorStatus(err, model), headers, body };
  },
};
