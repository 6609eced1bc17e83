// AWS Signature Version 4: reading the credential scope from the Authorization header or a
// presigned URL, and (with --verify-signatures) checking the signature the way AWS computes
// it. Reference: "Create a signed AWS API request" / "Authenticating Requests: Using Query
// Parameters" in the IAM and S3 user guides.
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HttpRequest } from '../protocols/codec.js';

export interface SigV4Auth {
  presigned: boolean;
  accessKeyId: string;
  date: string;        // yyyymmdd of the scope
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate?: string;    // X-Amz-Date (header or query)
  expires?: number;    // X-Amz-Expires, presigned only
  sessionToken?: string;
}

const HEADER_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

/** `AKID/yyyymmdd/region/service/aws4_request` -> its parts (the key id is what precedes the last four). */
function splitScope(cred: string): [string, string, string, string] | undefined {
  if (!cred.endsWith('/aws4_request')) return undefined;
  const s3 = cred.length - 13;                  // the slash before aws4_request
  const s2 = cred.lastIndexOf('/', s3 - 1);     // before service
  const s1 = s2 > 0 ? cred.lastIndexOf('/', s2 - 1) : -1; // before region
  const s0 = s1 > 0 ? cred.lastIndexOf('/', s1 - 1) : -1; // before date
  if (s0 < 0) return undefined;
  return [cred.slice(0, s0), cred.slice(s0 + 1, s1), cred.slice(s1 + 1, s2), cred.slice(s2 + 1, s3)];
}

/** The SigV4 parameters of a request, or undefined for an unsigned request. Throws on a garbled one. */
export function parseAuth(req: HttpRequest): SigV4Auth | 'malformed' | undefined {
  const h = req.headers.authorization;
  if (typeof h === 'string' && h.startsWith('AWS4-HMAC-SHA256')) {
    const m = HEADER_RE.exec(h);
    const scope = m && splitScope(m[1]);
    if (!m || !scope) return 'malformed';
    return {
      presigned: false, accessKeyId: scope[0], date: scope[1], region: scope[2], service: scope[3],
      signedHeaders: m[2].split(';'), signature: m[3].toLowerCase(),
      amzDate: str(req.headers['x-amz-date']), sessionToken: str(req.headers['x-amz-security-token']),
    };
  }
  const q = new Map(req.query);
  if (q.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' || q.has('X-Amz-Credential')) {
    const scope = splitScope(q.get('X-Amz-Credential') ?? '');
    if (!scope) return 'malformed';
    const expires = Number(q.get('X-Amz-Expires') ?? '');
    return {
      presigned: true, accessKeyId: scope[0], date: scope[1], region: scope[2], service: scope[3],
      signedHeaders: (q.get('X-Amz-SignedHeaders') ?? 'host').split(';'),
      signature: (q.get('X-Amz-Signature') ?? '').toLowerCase(),
      amzDate: q.get('X-Amz-Date'), expires: Number.isFinite(expires) ? expires : undefined,
      sessionToken: q.get('X-Amz-Security-Token'),
    };
  }
  if (typeof h === 'string' && /^AWS [^:]+:/.test(h)) {
    // Signature V2 (old S3 clients): the key selects the account; never verified.
    const key = h.slice(4, h.indexOf(':'));
    return { presigned: false, accessKeyId: key, date: '', region: '', service: '', signedHeaders: [], signature: '' };
  }
  return undefined;
}

const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** "20261126T013907Z" -> epoch ms. */
export function parseAmzDate(s: string | undefined): number | undefined {
  const m = s && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

// RFC 3986 unreserved characters stay; everything else is %XX (upper-case hex).
export function uriEncode(s: string, keepSlash = false): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

function canonicalUri(path: string, service: string): string {
  if (service === 's3') {
    // S3 signs the path as sent, each segment encoded once.
    return path.split('/').map((seg) => uriEncode(safeDecode(seg))).join('/') || '/';
  }
  // Other services normalise the path and encode it twice (the SDKs sign it that way).
  const segs: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '.' || seg === '') continue;
    if (seg === '..') segs.pop(); else segs.push(seg);
  }
  const norm = '/' + segs.join('/') + (path.endsWith('/') && segs.length ? '/' : '');
  return norm.split('/').map((seg) => uriEncode(uriEncode(safeDecode(seg)))).join('/');
}

function canonicalQuery(query: [string, string][], presigned: boolean): string {
  return query
    .filter(([k]) => !(presigned && k === 'X-Amz-Signature'))
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalHeaders(raw: IncomingMessage, signed: string[]): string {
  const values = new Map<string, string[]>();
  for (let i = 0; i < raw.rawHeaders.length; i += 2) {
    const name = raw.rawHeaders[i].toLowerCase();
    const list = values.get(name) ?? [];
    list.push(raw.rawHeaders[i + 1].trim().replace(/\s+/g, ' '));
    values.set(name, list);
  }
  // Over HTTP/2 the signed `host` travels as :authority.
  if (!values.has('host') && values.has(':authority')) values.set('host', values.get(':authority')!);
  return signed.map((h) => `${h}:${(values.get(h) ?? []).join(',')}\n`).join('');
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
}

/** The signature AWS would compute for this request with this secret. */
export function expectedSignature(auth: SigV4Auth, req: HttpRequest, raw: IncomingMessage, secret: string): string {
  // The payload hash: as the client declared it; S3 presigned URLs sign UNSIGNED-PAYLOAD;
  // everything else signs the body's SHA-256.
  const declared = str(req.headers['x-amz-content-sha256']) ?? req.query.find(([k]) => k === 'X-Amz-Content-Sha256')?.[1];
  const payloadHash = declared ?? (auth.presigned && auth.service === 's3' ? 'UNSIGNED-PAYLOAD' : sha256(req.body));
  const canonical = [
    req.method,
    canonicalUri(req.path, auth.service),
    canonicalQuery(req.query, auth.presigned),
    canonicalHeaders(raw, auth.signedHeaders),
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', auth.amzDate ?? str(req.headers.date) ?? '', scope, sha256(canonical)].join('\n');
  return createHmac('sha256', signingKey(secret, auth.date, auth.region, auth.service)).update(toSign).digest('hex');
}
