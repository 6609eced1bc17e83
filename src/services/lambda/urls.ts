// Function URLs: Create/Get/Update/Delete/ListFunctionUrlConfigs, and serving them. AWS
// serves https://<url-id>.lambda-url.<region>.on.aws/; Nimbus serves the same function at
// <endpoint>/_nimbus/lambda/url/<url-id>/<path> (the gateway has no host route for
// *.lambda-url.*.on.aws yet), with the payload format 2.0 event and response mapping AWS
// documents ("Invoking Lambda function URLs", docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html).
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { randomAlnum } from '../../core/ids.js';
import { callService, serviceContext } from '../../core/internal-client.js';
import { onReset } from '../../core/state.js';
import { page } from '../../core/pagination.js';
import type { HttpResponse } from '../../protocols/codec.js';
import type { RequestContext, ServiceHttpRequest } from '../service.js';
import type { LambdaOperations } from '../../protocols/types/lambda.js';
import { fnArn, getFn, parseName, resolveConfig, st } from './common.js';
import { onRebuild, type UrlConfigRec } from './state.js';
import { invokeStreamed, prepare } from './invoke.js';

type In<K extends keyof LambdaOperations> = LambdaOperations[K]['input'];

/** url id → where its config lives (a derived index, rebuilt after a load). */
const byId = new Map<string, { accountId: string; region: string; key: string }>();

const notFound = () => new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
const now = () => clock.date().toISOString().replace('Z', '000Z'); // AWS shows microseconds

function target(ctx: RequestContext, fn: string, q?: string) {
  const { name, qualifier } = parseName(fn, q);
  const f = getFn(ctx, name);
  if (qualifier && /^\d+$/.test(qualifier)) throw new ServiceError('InvalidParameterValueException', 'Qualifier must be an alias name or $LATEST.');
  resolveConfig(ctx, f, qualifier);
  const ql = qualifier && qualifier !== '$LATEST' ? qualifier : undefined;
  return { name, qualifier: ql, key: `${name}:${ql ?? ''}`, arn: fnArn(ctx, name, ql) };
}

const shown = (u: UrlConfigRec, withModified = true) => ({
  FunctionUrl: u.FunctionUrl, FunctionArn: u.FunctionArn, AuthType: u.AuthType, ...(u.Cors ? { Cors: u.Cors } : {}),
  CreationTime: u.CreationTime, ...(withModified ? { LastModifiedTime: u.LastModifiedTime } : {}), InvokeMode: u.InvokeMode,
});

export function createFunctionUrlConfig(ctx: RequestContext, input: In<'CreateFunctionUrlConfig'>) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const s = st(ctx);
  if (s.urls.has(t.key)) {
    throw new ServiceError('ResourceConflictException', `Failed to create function url config for [functionArn = ${t.arn}]. `
      + 'Error message:  FunctionUrlConfig exists for this Lambda function', 409);
  }
  const urlId = randomAlnum(32).toLowerCase();
  const at = now();
  const u: UrlConfigRec = {
    function: t.name, ...(t.qualifier ? { qualifier: t.qualifier } : {}), urlId,
    FunctionUrl: `https://${urlId}.lambda-url.${ctx.region}.on.aws/`, FunctionArn: t.arn, AuthType: input.AuthType,
    ...(input.Cors ? { Cors: input.Cors as Record<string, unknown> } : {}), InvokeMode: input.InvokeMode ?? 'BUFFERED',
    CreationTime: at, LastModifiedTime: at,
  };
  s.urls.set(t.key, u);
  byId.set(urlId, { accountId: ctx.accountId, region: ctx.region, key: t.key });
  return shown(u, false);
}

export function getFunctionUrlConfig(ctx: RequestContext, input: In<'GetFunctionUrlConfig'>) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const u = st(ctx).urls.get(t.key);
  if (!u) throw notFound();
  return shown(u);
}

export function updateFunctionUrlConfig(ctx: RequestContext, input: In<'UpdateFunctionUrlConfig'>) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const u = st(ctx).urls.get(t.key);
  if (!u) throw notFound();
  const next: UrlConfigRec = { ...u, AuthType: input.AuthType ?? u.AuthType, InvokeMode: input.InvokeMode ?? u.InvokeMode, LastModifiedTime: now() };
  if (input.Cors !== undefined) next.Cors = input.Cors as Record<string, unknown>;
  st(ctx).urls.set(t.key, next);
  return shown(next);
}

export function deleteFunctionUrlConfig(ctx: RequestContext, input: In<'DeleteFunctionUrlConfig'>) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const u = st(ctx).urls.get(t.key);
  if (!u) throw notFound();
  st(ctx).urls.delete(t.key);
  byId.delete(u.urlId);
  return {};
}

export function listFunctionUrlConfigs(ctx: RequestContext, input: In<'ListFunctionUrlConfigs'>) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  const items = [...st(ctx).urls.values()].filter((u) => u.function === f.name).sort((a, b) => ((a.qualifier ?? '') < (b.qualifier ?? '') ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (u) => u.qualifier ?? '', defaultLimit: 50, maxLimit: 50,
    invalidToken: () => new ServiceError('InvalidParameterValueException', 'Invalid Marker'),
  });
  out.FunctionUrlConfigs = (out.FunctionUrlConfigs as UrlConfigRec[]).map((u) => shown(u));
  return out;
}

// --- serving ---

const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

function corsHeaders(cors: Record<string, unknown> | undefined, origin: string | undefined): Record<string, string> {
  if (!cors || !origin) return {};
  const origins = (cors.AllowOrigins as string[] | undefined) ?? [];
  if (!origins.includes('*') && !origins.includes(origin)) return {};
  const h: Record<string, string> = { 'Access-Control-Allow-Origin': origins.includes('*') && !cors.AllowCredentials ? '*' : origin };
  if (cors.AllowCredentials) h['Access-Control-Allow-Credentials'] = 'true';
  if ((cors.ExposeHeaders as string[] | undefined)?.length) h['Access-Control-Expose-Headers'] = (cors.ExposeHeaders as string[]).join(',');
  return h;
}

/** /_nimbus/lambda/url/<id>/<path>: the function URL's request, as the 2.0 event. */
export async function serveUrl(req: ServiceHttpRequest, id: string, rawPath: string): Promise<HttpResponse> {
  const where = byId.get(id);
  const u = where ? st(where).urls.get(where.key) : undefined;
  if (!where || !u || u.urlId !== id) return { status: 404, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ Message: null }) };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const origin = headers.origin;
  const cors = corsHeaders(u.Cors, origin);
  if (req.method === 'OPTIONS' && u.Cors && headers['access-control-request-method']) {
    const c = u.Cors;
    return { status: 200, headers: { ...cors,
      ...((c.AllowMethods as string[] | undefined)?.length ? { 'Access-Control-Allow-Methods': (c.AllowMethods as string[]).join(',') } : {}),
      ...((c.AllowHeaders as string[] | undefined)?.length ? { 'Access-Control-Allow-Headers': (c.AllowHeaders as string[]).join(',') } : {}),
      ...(c.MaxAge !== undefined ? { 'Access-Control-Max-Age': String(c.MaxAge) } : {}) }, body: '' };
  }
  const query: Record<string, string> = {};
  for (const k of new Set(req.query.keys())) query[k] = req.query.getAll(k).join(',');
  const cookies = headers.cookie ? headers.cookie.split(/;\s*/).filter(Boolean) : undefined;
  delete headers.cookie;
  const textual = !req.body.length || TEXTUAL.test(headers['content-type'] ?? '');
  const domain = `${id}.lambda-url.${where.region}.on.aws`;
  const t = clock.date();
  const requestId = randomUUID();
  const mon = t.toUTCString().split(' ')[2];
  const p2 = (n: number) => String(n).padStart(2, '0');
  const event = {
    version: '2.0', routeKey: '$default', rawPath, rawQueryString: req.query.toString(),
    ...(cookies?.length ? { cookies } : {}), headers: { ...headers, host: domain },
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous', apiId: id, domainName: domain, domainPrefix: id,
      http: { method: req.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId, routeKey: '$default', stage: '$default',
      time: `${p2(t.getUTCDate())}/${mon}/${t.getUTCFullYear()}:${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())} +0000`,
      timeEpoch: t.getTime(),
    },
    ...(req.body.length ? { body: textual ? req.body.toString('utf8') : req.body.toString('base64') } : {}),
    isBase64Encoded: !textual,
  };
  const ctx = serviceContext('lambda', { accountId: where.accountId, region: where.region }, 'Invoke');
  if (u.InvokeMode === 'RESPONSE_STREAM') return streamUrl(ctx, u, event, cors);
  let r: { FunctionError?: string; Payload?: Uint8Array };
  try {
    r = await callService(ctx, 'lambda', 'Invoke', { FunctionName: u.FunctionArn, Payload: Buffer.from(JSON.stringify(event)) });
  } catch (e) {
    return invokeFailed(e, cors);
  }
  return bufferedResponse(r, cors);
}

function invokeFailed(e: unknown, cors: Record<string, string>): HttpResponse {
  const status = e instanceof ServiceError && e.status === 429 ? 429 : 502;
  return { status, headers: { 'Content-Type': 'application/json', ...cors }, body: JSON.stringify({ Message: status === 429 ? 'Rate Exceeded.' : 'Internal Server Error' }) };
}

/** A function's whole result as the URL's response (payload format 2.0 response mapping). */
function bufferedResponse(r: { FunctionError?: string; Payload?: Uint8Array }, cors: Record<string, string>): HttpResponse {
  if (r.FunctionError) return { status: 502, headers: { 'Content-Type': 'application/json', ...cors }, body: JSON.stringify({ Message: 'Internal Server Error' }) };
  const text = Buffer.from(r.Payload ?? []).toString('utf8');
  let out: unknown;
  try { out = JSON.parse(text); } catch { out = text; }
  // A result with statusCode is a response description; anything else is a JSON body.
  if (out && typeof out === 'object' && !Array.isArray(out) && 'statusCode' in out) {
    const o = out as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] };
    const h: Record<string, string | string[]> = { 'Content-Type': 'application/json', ...cors };
    for (const [k, v] of Object.entries(o.headers ?? {})) h[k] = String(v);
    if (o.cookies?.length) h['Set-Cookie'] = o.cookies;
    const body = o.body === undefined ? '' : o.isBase64Encoded ? Buffer.from(o.body, 'base64') : String(o.body);
    return { status: Number(o.statusCode) || 200, headers: h, body };
  }
  return { status: 200, headers: { 'Content-Type': 'application/json', ...cors }, body: typeof out === 'string' && out === text ? text : JSON.stringify(out) };
}

const PRELUDE_END = Buffer.alloc(8);

/**
 * InvokeMode RESPONSE_STREAM: the body goes out chunk by chunk as the function writes it. A
 * function using awslambda.HttpResponseStream.from first writes a JSON prelude (statusCode,
 * headers, cookies) and eight NUL bytes ("Writing response streaming-enabled functions",
 * docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html); a function that does
 * not stream is answered as a buffered one.
 */
async function streamUrl(ctx: RequestContext, u: UrlConfigRec, event: unknown, cors: Record<string, string>): Promise<HttpResponse> {
  let run;
  try {
    const f = getFn(ctx, u.function);
    const { config, opts } = prepare(ctx, f, u.qualifier);
    run = invokeStreamed(ctx, config, Buffer.from(JSON.stringify(event)), { ...opts, requestId: ctx.requestId });
  } catch (e) { return invokeFailed(e, cors); }
  run.done.catch(() => undefined);
  let contentType: string | undefined;
  try { contentType = await Promise.race([run.opened, run.done.then(() => undefined)]); } catch (e) { return invokeFailed(e, cors); }
  if (contentType === undefined) {
    const r = await run.done.catch(() => undefined);
    if (!r) return invokeFailed(undefined, cors);
    if (!r.streamed) return bufferedResponse({ FunctionError: r.functionError, Payload: r.payload }, cors);
    contentType = 'application/octet-stream';
  }
  const it = run.chunks[Symbol.asyncIterator]();
  let status = 200;
  const headers: Record<string, string | string[]> = { 'Content-Type': contentType, ...cors };
  let first: Buffer[] = [];
  if (contentType === 'application/vnd.awslambda.http-integration-response') {
    let head = Buffer.alloc(0);
    let at = -1;
    for (;;) {
      const n = await it.next().catch(() => ({ done: true as const, value: undefined }));
      if (n.done) break;
      head = Buffer.concat([head, n.value]);
      if ((at = head.indexOf(PRELUDE_END)) >= 0) break;
    }
    if (at < 0) return invokeFailed(undefined, cors);
    let prelude: { statusCode?: number; headers?: Record<string, string>; cookies?: string[] } = {};
    try { prelude = JSON.parse(head.subarray(0, at).toString('utf8')); } catch { return invokeFailed(undefined, cors); }
    status = Number(prelude.statusCode) || 200;
    headers['Content-Type'] = 'application/octet-stream';
    for (const [k, v] of Object.entries(prelude.headers ?? {})) headers[k] = String(v);
    if (prelude.cookies?.length) headers['Set-Cookie'] = prelude.cookies;
    first = [head.subarray(at + 8)];
  }
  async function* body(): AsyncGenerator<Buffer> {
    for (const b of first) if (b.length) yield b;
    for (;;) {
      const n = await it.next().catch(() => ({ done: true as const, value: undefined }));
      if (n.done) return;
      yield n.value;
    }
  }
  return { status, headers, body: Readable.from(body()) };
}

onRebuild((s) => {
  for (const [key, u] of s.urls.entries()) {
    const region = u.FunctionUrl.split('.')[2];
    const accountId = u.FunctionArn.split(':')[4];
    byId.set(u.urlId, { accountId, region, key });
  }
});
onReset((service) => { if (!service || service === 'lambda') byId.clear(); });
