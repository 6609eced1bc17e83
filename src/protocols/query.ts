// The query and ec2 protocols: form-encoded `Action=…&Version=…` requests (body or query
// string) with flattened names (`Tags.member.1.Key`, EC2's `TagSpecification.1.Tag.1.Key`),
// answered in XML. Query wraps results in <OpResult> and <ResponseMetadata>; EC2 answers the
// members directly with a <requestId>. The naming rules follow botocore's serializers.
import type { Codec, HttpRequest, HttpResponse, ResponseContext } from './codec.js';
import type { MemberRef, Operation, ServiceModel, Shape } from './model.js';
import { ServiceError } from '../core/errors.js';
import { errorShape, errorStatus, isSenderFault, parseTimestamp, shapeOf, wireCode } from './shapes.js';
import { XML_DECL, escapeXml, xmlMembers, xmlValue } from './xml.js';

type Params = Map<string, string>;

// Parsed once per request (resolve and decode both need them); a body read later invalidates.
const parsed = new WeakMap<HttpRequest, { body: Buffer; params: Params }>();

/** Query parameters of the request: the query string, then a form-encoded body. */
export function queryParams(req: HttpRequest): Params {
  const hit = parsed.get(req);
  if (hit && hit.body === req.body) return hit.params;
  const params = readParams(req);
  parsed.set(req, { body: req.body, params });
  return params;
}

function readParams(req: HttpRequest): Params {
  const p: Params = new Map(req.query);
  const ct = String(req.headers['content-type'] ?? '');
  if (req.body.length && (ct === '' || ct.startsWith('application/x-www-form-urlencoded'))) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) p.set(k, v);
  }
  return p;
}

const ucfirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

class Reader {
  /** Every key and every dotted prefix of a key, so presence checks are O(1). */
  private readonly prefixes = new Set<string>();
  constructor(readonly model: ServiceModel, readonly params: Params, readonly ec2: boolean) {
    for (const k of params.keys()) {
      let i = k.indexOf('.');
      while (i >= 0) { this.prefixes.add(k.slice(0, i)); i = k.indexOf('.', i + 1); }
      this.prefixes.add(k);
    }
  }

  name(ref: MemberRef, dflt: string): string {
    if (!this.ec2) return ref.locationName ?? dflt;
    return ref.queryName ?? (ref.locationName ? ucfirst(ref.locationName) : dflt);
  }

  read(shape: Shape, ref: MemberRef | undefined, prefix: string): unknown {
    switch (shape.type) {
      case 'structure': {
        const out: Record<string, unknown> = {};
        let any = false;
        for (const [name, r] of Object.entries(shape.members ?? {})) {
          const key = (prefix ? prefix + '.' : '') + this.name(r, name);
          if (!this.prefixes.has(key)) continue;
          const v = this.read(shapeOf(this.model, r), r, key);
          if (v !== undefined) { out[name] = v; any = true; }
        }
        return any || !prefix ? out : undefined;
      }
      case 'list': {
        const member = shape.member!;
        let base: string;
        if (this.ec2) base = prefix;
        else if (shape.flattened || ref?.flattened) {
          base = member.locationName ? prefix.split('.').slice(0, -1).concat(member.locationName).join('.') : prefix;
        } else base = `${prefix}.${member.locationName ?? 'member'}`;
        const items: unknown[] = [];
        const ms = shapeOf(this.model, member);
        for (let i = 1; this.prefixes.has(`${base}.${i}`); i++) items.push(this.read(ms, member, `${base}.${i}`));
        // `Prefix=` with no items is how the query protocol sends an empty list.
        return items.length || this.params.get(prefix) === '' ? items : undefined;
      }
      case 'map': {
        const base = shape.flattened || ref?.flattened ? prefix : `${prefix}.entry`;
        const kn = shape.key!.locationName ?? 'key';
        const vn = shape.value!.locationName ?? 'value';
        const out: Record<string, unknown> = {};
        const vs = shapeOf(this.model, shape.value!);
        for (let i = 1; this.prefixes.has(`${base}.${i}`); i++) {
          const k = this.params.get(`${base}.${i}.${kn}`);
          if (k === undefined) continue;
          out[k] = this.read(vs, shape.value, `${base}.${i}.${vn}`);
        }
        return out;
      }
      default: {
        const raw = this.params.get(prefix);
        if (raw === undefined) return undefined;
        return this.scalar(shape, raw, prefix);
      }
    }
  }

  scalar(shape: Shape, raw: string, key: string): unknown {
    const bad = () => new ServiceError(this.ec2 ? 'InvalidParameterValue' : 'MalformedInput',
      `Value (${raw}) for parameter ${key} is invalid.`, 400);
    switch (shape.type) {
      case 'integer': case 'long': {
        if (!/^[-+]?\d+$/.test(raw.trim())) throw bad();
        return Number(raw);
      }
      case 'float': case 'double': case 'bigdecimal': {
        const n = Number(raw);
        if (raw.trim() === '' || (Number.isNaN(n) && raw !== 'NaN')) throw bad();
        return n;
      }
      case 'boolean': {
        const l = raw.toLowerCase();
        if (l !== 'true' && l !== 'false') throw bad();
        return l === 'true';
      }
      case 'timestamp': {
        const d = parseTimestamp(raw);
        if (!d) throw bad();
        return d;
      }
      case 'blob': return Buffer.from(raw, 'base64');
      default: return raw;
    }
  }
}

export function makeQueryCodec(flavor: 'query' | 'ec2'): Codec {
  const ec2 = flavor === 'ec2';
  const ns = (model: ServiceModel | undefined) =>
    model?.metadata.xmlNamespace ? ` xmlns="${escapeXml(model.metadata.xmlNamespace)}${ec2 && !model.metadata.xmlNamespace.endsWith('/') ? '/' : ''}"` : '';

  return {
    bodyFirst: true,
    resolve(req: HttpRequest, model: ServiceModel): Operation | undefined {
      const a = queryParams(req).get('Action');
      return a === undefined ? undefined : model.operations[a];
    },

    unknownOperation(req: HttpRequest): ServiceError {
      const a = queryParams(req).get('Action');
      if (a === undefined) return new ServiceError('MissingAction', 'Missing Action', 400);
      // Wording of the query services' InvalidAction errors.
      return new ServiceError('InvalidAction', ec2 ? `The action ${a} is not valid for this web service.`
        : `Could not find operation ${a} for version ${queryParams(req).get('Version') ?? 'NO_VERSION_SPECIFIED'}`, 400);
    },

    decode(req: HttpRequest, op: Operation, model: ServiceModel): Record<string, unknown> {
      if (!op.input) return {};
      const reader = new Reader(model, queryParams(req), ec2);
      return reader.read(shapeOf(model, op.input), undefined, '') as Record<string, unknown>;
    },

    encode(output: unknown, op: Operation, model: ServiceModel, ctx: ResponseContext): HttpResponse {
      const shape = op.output ? shapeOf(model, op.output) : undefined;
      const members = shape && output ? xmlMembers(model, shape, output as Record<string, unknown>, {}) : '';
      let body: string;
      if (ec2) {
        body = `${XML_DECL}<${op.name}Response${ns(model)}><requestId>${ctx.requestId}</requestId>${members}</${op.name}Response>`;
      } else {
        const wrapper = op.output?.resultWrapper ?? `${op.name}Result`;
        const result = shape ? `<${wrapper}>${members}</${wrapper}>` : '';
        body = `${XML_DECL}<${op.name}Response${ns(model)}>${result}<ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></${op.name}Response>`;
      }
      return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': ctx.requestId }, body };
    },

    encodeError(err: ServiceError, _op, model, ctx): HttpResponse {
      const found = errorShape(model, err.code);
      let extra = '';
      if (found && model) {
        for (const [k, v] of Object.entries(err.fields)) {
          const ref = found.shape.members?.[k];
          if (ref && v !== undefined) extra += xmlValue(model, ref, ref.locationName ?? k, v, {});
        }
      }
      const code = escapeXml(wireCode(err, model));
      const message = escapeXml(err.message);
      const body = ec2
        ? `${XML_DECL}<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message>${extra}</Error></Errors><RequestID>${ctx.requestId}</RequestID></Response>`
        : `${XML_DECL}<ErrorResponse${ns(model)}><Error><Type>${isSenderFault(err, model) ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message>${extra}</Error><RequestId>${ctx.requestId}</RequestId></ErrorResponse>`;
      return { status: errorStatus(err, model), headers: { 'content-type': 'text/xml', 'x-amzn-requestid': ctx.requestId, ...err.headers }, body };
    },
  };
}

export const queryCodec = makeQueryCodec('query');
export const ec2Codec = makeQueryCodec('ec2');
