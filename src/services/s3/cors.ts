// CORS preflight (OPTIONS object): the request's Origin, Access-Control-Request-Method and
// Access-Control-Request-Headers are matched against the bucket's CORSRules, first match wins
// (S3 User Guide, "How does Amazon S3 evaluate the CORS configuration on a bucket?"; API
// reference, RESTOPTIONSobject.html). The two 403 CORSResponse messages (no configuration; no
// rule matches) are those of the S3 User Guide, "Troubleshooting CORS" (cors-troubleshooting.html).
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { ownBucket } from './common.js';
import { s3State } from './state.js';
import type { HttpRequest } from '../../protocols/codec.js';

/** An AllowedOrigin/AllowedHeader pattern: at most one '*' matching any run of characters. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star), tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

export interface PreflightResult {
  AccessControlAllowOrigin: string;
  AccessControlAllowMethods: string;
  AccessControlAllowHeaders?: string;
  AccessControlExposeHeaders?: string;
  AccessControlMaxAge?: string;
  AccessControlAllowCredentials?: string;
  Vary: string;
}

/** The first rule allowing this origin, method and headers, as response headers; undefined when none does. */
export function matchCors(rules: T.CORSRule[], origin: string, method: string, requestHeaders: string[]): PreflightResult | undefined {
  for (const r of rules) {
    if (!r.AllowedOrigins.some((o) => wildcardMatch(o, origin))) continue;
    if (!r.AllowedMethods.includes(method)) continue;
    if (!requestHeaders.every((h) => (r.AllowedHeaders ?? []).some((a) => wildcardMatch(a, h, true)))) continue;
    const any = r.AllowedOrigins.includes('*');
    return {
      AccessControlAllowOrigin: any ? '*' : origin,
      AccessControlAllowMethods: r.AllowedMethods.join(', '),
      AccessControlAllowHeaders: requestHeaders.length ? requestHeaders.join(', ') : undefined,
      AccessControlExposeHeaders: r.ExposeHeaders?.length ? r.ExposeHeaders.join(', ') : undefined,
      AccessControlMaxAge: r.MaxAgeSeconds !== undefined ? String(r.MaxAgeSeconds) : undefined,
      AccessControlAllowCredentials: any ? undefined : 'true',
      Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    };
  }
  return undefined;
}

export function optionsObject(ctx: RequestContext, input: T.OptionsObjectRequest): T.OptionsObjectOutput {
  const b = ownBucket(ctx, input.Bucket);
  if (!input.Origin) throw new ServiceError('BadRequest', 'Insufficient information. Origin request header needed.', 400);
  if (!input.AccessControlRequestMethod) {
    throw new ServiceError('BadRequest', 'Invalid Access-Control-Request-Method: null', 400);
  }
  const rules = b.config?.cors as T.CORSRule[] | undefined;
  if (!rules) throw new ServiceError('CORSResponse', 'CORS is not enabled for this bucket.', 403);
  const headers = (input.AccessControlRequestHeaders ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const m = matchCors(rules, input.Origin, input.AccessControlRequestMethod, headers);
  if (!m) {
    throw new ServiceError('CORSResponse', "This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.", 403);
  }
  return m;
}

/**
 * CORS headers for an ordinary (not preflight) browser request to a bucket: those of the first
 * rule matching its origin and method; none when no rule matches or the bucket has no CORS
 * configuration, so the browser refuses the answer as it would refuse S3's.
 */
export function corsHeaders(req: HttpRequest, input: Record<string, unknown> | undefined): Record<string, string> {
  const origin = String(req.headers.origin ?? '');
  const bucket = typeof input?.Bucket === 'string' ? input.Bucket : req.hostBucket ?? decodeURIComponent(req.path.split('/')[1] ?? '');
  const rules = s3State().buckets.get(bucket)?.config?.cors as T.CORSRule[] | undefined;
  const m = rules && matchCors(rules, origin, req.method === 'HEAD' ? 'HEAD' : req.method, []);
  if (!m) return {};
  const h: Record<string, string> = { 'Access-Control-Allow-Origin': m.AccessControlAllowOrigin, 'Access-Control-Allow-Methods': m.AccessControlAllowMethods, Vary: m.Vary };
  if (m.AccessControlExposeHeaders) h['Access-Control-Expose-Headers'] = m.AccessControlExposeHeaders;
  if (m.AccessControlMaxAge) h['Access-Control-Max-Age'] = m.AccessControlMaxAge;
  if (m.AccessControlAllowCredentials) h['Access-Control-Allow-Credentials'] = m.AccessControlAllowCredentials;
  return h;
}
