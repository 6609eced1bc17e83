// The request path, one direction, every stage named in order:
//
//   request:  hostRoutes → cors → internal → auth → identify → operation → body → authenticate → decode
//             → validate → dispatch → commit → encode
//   error:    encodeError
//   finally:  send (coalesced per event-loop turn, see flush) → log
//
// A stage is a small function over the Exchange; one that answers the request itself sets
// ex.response and the rest of the request stages are skipped.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Exchange, GatewayOptions } from './exchange.js';
import type { HttpResponse } from '../protocols/codec.js';
import { ServiceError, internalFailure, notImplemented } from '../core/errors.js';
import { requestId, s3RequestId } from '../core/ids.js';
import { log, logs } from '../core/log.js';
import { clock } from '../core/clock-instance.js';
import { accountFor, defaultAccount, findCredential, noteKeyUse, rootIdentity, signingSecret } from '../core/identity.js';
import { loadModel } from '../protocols/model.js';
import { shapeOf } from '../protocols/shapes.js';
import { validate } from '../protocols/validate.js';
import { loadService, loadedService } from '../services/registry.js';
import { codecFor } from './codecs.js';
import { identify, pickByVersion, s3HostBucket, type Identified } from './identify.js';
import { expectedSignature, parseAmzDate, parseAuth } from './sigv4.js';
import { internalRoute, serviceHttp } from './internal-routes.js';
import { callService, serviceContext } from '../core/internal-client.js';
import { readBody } from './body.js';
import { decodeAwsChunked, isAwsChunked } from './chunked.js';
import { validationError } from './errors-style.js';
import { commit } from '../core/durability.js';
import { BufferStream, SMALL_BLOB } from '../core/blobs.js';

type Stage = (ex: Exchange) => void | Promise<void>;

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'HEAD,GET,PUT,POST,DELETE,OPTIONS,PATCH',
  'access-control-allow-headers': '*',
  'access-control-expose-headers': '*',
};

/**
 * Function URLs (`<url-id>.lambda-url.<region>.on.aws`, or any host starting so, such as
 * `….lambda-url.us-east-1.localhost`): Lambda answers them whole, CORS included. AWS allows
 * 6 MB request payloads there, as for synchronous Invoke.
 */
const LAMBDA_URL_HOST = /^([a-z0-9]{32})\.lambda-url\.[a-z0-9-]+\./;
const hostRoutes: Stage = (ex) => {
  const m = LAMBDA_URL_HOST.exec(String(ex.req.headers.host ?? ''));
  if (!m) return;
  ex.label = 'lambda.FunctionUrl';
  ex.ownCors = true;
  return serviceHttp(ex, 'lambda', `/url/${m[1]}${ex.req.path}`, 6 * 1024 * 1024).then((r) => {
    ex.response = r ?? { status: 404, headers: { 'content-type': 'application/json' }, body: '{"Message":null}' };
  });
};

/**
 * Browsers' preflight requests are answered here, except those for an S3 bucket, which S3
 * answers from the bucket's CORS rules (OptionsObject). CORS headers go on every other
 * response in `send`.
 */
const cors: Stage = (ex) => {
  if (ex.req.method !== 'OPTIONS' || !ex.req.headers['access-control-request-method']) return;
  const bucket = preflightBucket(ex);
  if (!bucket || !ex.opts.enabled.has('s3')) { genericPreflight(ex); return; }
  return callService(serviceContext('s3', { accountId: defaultAccount, region: 'us-east-1' }, 'HeadBucket'), 's3', 'HeadBucket', { Bucket: bucket })
    .then(() => { ex.ownCors = true; }, () => genericPreflight(ex));
};

function genericPreflight(ex: Exchange): void {
  ex.label = 'cors.Preflight';
  ex.response = { status: 200, headers: { ...CORS_HEADERS, 'access-control-max-age': '86400' } };
}

/** The bucket a preflight names: by virtual host, else the first path segment. */
function preflightBucket(ex: Exchange): string | undefined {
  const host = s3HostBucket(String(ex.req.headers.host ?? ''));
  if (host.bucket) return host.bucket;
  const first = ex.req.path.split('/')[1];
  return first ? decodeURIComponent(first) : undefined;
}

const internal: Stage = (ex) => {
  if (ex.req.path.startsWith('/_nimbus/') || ex.req.path === '/_nimbus') {
    ex.label = `nimbus.${ex.req.path.slice(9) || 'root'}`;
    return internalRoute(ex).then((r) => { ex.response = r; });
  }
};

const auth: Stage = (ex) => {
  const a = parseAuth(ex.req);
  if (a === 'malformed') {
    throw new ServiceError('IncompleteSignature', 'Authorization header requires \'Credential\', \'Signature\' and \'SignedHeaders\' parameters.', 400);
  }
  ex.auth = a;
};

// Stages stay synchronous unless they must wait (for a body, a handler): every await costs.
const identifyService: Stage = (ex) => {
  const found = identify(ex.req, ex.auth);
  if (found && 'ambiguous' in found) {
    const candidates = found.ambiguous;
    return bufferBody(ex).then(() => useService(ex, pickByVersion(ex.req, candidates)));
  }
  return useService(ex, found);
};

function useService(ex: Exchange, found: Identified | undefined): void | Promise<void> {
  if (!found) throw new ServiceError('UnrecognizedService', 'Nimbus could not tell which AWS service this request is for.', 400);
  const { service, protocol } = found;
  ex.model = loadModel(service);
  ex.protocol = protocol;
  if (service === 's3') ex.requestId = s3RequestId();
  ex.codec = codecFor(protocol);
  ex.label = service;
  if (!ex.codec) throw new ServiceError('NotImplemented', `Nimbus does not speak the ${protocol} protocol of ${service} yet; use the json or query protocol.`, 501);
  if (!ex.opts.enabled.has(service)) {
    throw new ServiceError('NotImplemented', `Service ${service} is not enabled in this Nimbus (see --services).`, 501);
  }
  ex.service = loadedService(service);
  if (!ex.service) return loadService(service).then((s) => { ex.service = s; });
}

const operation: Stage = (ex) => {
  if (ex.codec!.bodyFirst && !ex.bodyRead) return bufferBody(ex).then(() => resolveOperation(ex));
  resolveOperation(ex);
};

function resolveOperation(ex: Exchange): void {
  const codec = ex.codec!;
  const op = codec.resolve(ex.req, ex.model!);
  if (!op) throw codec.unknownOperation(ex.req, ex.model!);
  ex.op = op;
  ex.label = `${ex.model!.name}.${op.name}`;
}

const body: Stage = (ex) => {
  if (ex.codec!.bodyFirst) return;
  const chunked = isAwsChunked(ex.req.headers);
  if (ex.codec!.streamsInput?.(ex.op!, ex.model!)) {
    if (!chunked) {
      // A body small enough to be kept whole anyway (most S3 objects in tests) is read in one
      // go: a fraction of the cost of streaming it through an async iterator.
      if (Number(ex.req.headers['content-length']) <= SMALL_BLOB) {
        return bufferBody(ex).then(() => { ex.req.stream = new BufferStream(ex.req.body); });
      }
      ex.req.stream = ex.raw;
      return;
    }
    const decoded = decodeAwsChunked(ex.raw);
    ex.req.stream = decoded.body;
    ex.req.trailers = decoded.trailers;
    return;
  }
  return bufferBody(ex, chunked);
};

async function bufferBody(ex: Exchange, chunked = false): Promise<void> {
  if (ex.bodyRead) return;
  ex.bodyRead = true;
  if (!chunked) { ex.req.body = await readBody(ex.raw, ex.opts.maxBodyBytes); return; }
  const decoded = decodeAwsChunked(ex.raw);
  ex.req.body = await readBody(decoded.body, ex.opts.maxBodyBytes);
  ex.req.trailers = decoded.trailers;
}

function tokenError(ex: Exchange, kind: 'expired' | 'invalid' | 'signature' | 'missing'): ServiceError {
  const s3 = ex.protocol === 'rest-xml';
  switch (kind) {
    case 'expired':
      return s3 ? new ServiceError('ExpiredToken', 'The provided token has expired.', 400)
        : new ServiceError(ex.protocol === 'query' || ex.protocol === 'ec2' ? 'ExpiredToken' : 'ExpiredTokenException',
          'The security token included in the request is expired', ex.protocol === 'query' ? 403 : 400);
    case 'invalid':
      return s3 ? new ServiceError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403)
        : new ServiceError(ex.protocol === 'query' || ex.protocol === 'ec2' ? 'InvalidClientTokenId' : 'UnrecognizedClientException',
          'The security token included in the request is invalid.', 403);
    case 'missing':
      return s3 ? new ServiceError('AccessDenied', 'Access Denied', 403)
        : new ServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    default:
      return new ServiceError('SignatureDoesNotMatch', s3
        ? 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'
        : 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.', 403);
  }
}

/** Account, region and caller; expired or revoked credentials; signatures when verifying. */
const authenticate: Stage = (ex) => {
  const a = ex.auth;
  const keyId = a?.accessKeyId;
  const accountId = accountFor(keyId);
  const cred = keyId ? findCredential(keyId) : undefined;
  const now = clock.now();
  if (cred?.expiresAt !== undefined && cred.expiresAt <= now) throw tokenError(ex, 'expired');
  if (cred && cred.active === false) throw tokenError(ex, 'invalid');
  if (a?.presigned) {
    const signedAt = parseAmzDate(a.amzDate);
    if (signedAt !== undefined && a.expires !== undefined && signedAt + a.expires * 1000 < now) {
      throw new ServiceError('AccessDenied', 'Request has expired', 403, ex.protocol === 'rest-xml'
        ? { 'X-Amz-Expires': String(a.expires), Expires: new Date(signedAt + a.expires * 1000).toISOString(), ServerTime: new Date(now).toISOString() }
        : {});
    }
  }
  if (ex.opts.verifySignatures) {
    const unsignedOk = ex.op?.authtype === 'none' || ex.op?.auth?.includes('smithy.api#noAuth') || ex.protocol === 'rest-xml';
    if (!a) { if (!unsignedOk) throw tokenError(ex, 'missing'); }
    else if (a.signature) {
      const secret = signingSecret(a.accessKeyId);
      if (secret === undefined) throw tokenError(ex, 'invalid');
      if (cred?.sessionToken && cred.sessionToken !== a.sessionToken) throw tokenError(ex, 'invalid');
      if (expectedSignature(a, ex.req, ex.raw, secret) !== a.signature) throw tokenError(ex, 'signature');
    }
  }
  if (cred?.kind === 'user') noteKeyUse(cred.accessKeyId, { date: now, service: ex.model!.name, region: a?.region || 'us-east-1' });
  ex.ctx = {
    service: ex.model!.name,
    operation: ex.op!.name,
    accountId,
    region: a?.region || 'us-east-1',
    requestId: ex.requestId,
    caller: cred ?? rootIdentity(accountId, keyId ?? ''),
    protocol: ex.protocol!,
    http: ex.req,
    endpoint: `http://${ex.req.headers.host ?? 'localhost:4566'}`,
    verifySignatures: ex.opts.verifySignatures,
    onClientGone: (fn) => { ex.res.once('close', () => { if (!ex.res.writableFinished) fn(); }); },
  };
};

const decode: Stage = (ex) => { ex.input = ex.codec!.decode(ex.req, ex.op!, ex.model!); };

const validateInput: Stage = (ex) => {
  if (!ex.op!.input) return;
  const violations = validate(ex.model!, shapeOf(ex.model!, ex.op!.input), ex.input, [], '', '', ex.service!.validatesItself);
  if (violations.length) throw (ex.service!.validationError ?? validationError)(violations, ex.protocol!);
};

const dispatch: Stage = (ex) => {
  const handler = ex.service!.handlers[ex.op!.name];
  if (!handler) throw notImplemented(ex.model!.name, ex.op!.name);
  const out = handler(ex.ctx!, ex.input ?? {});
  if (out instanceof Promise) return out.then((o) => { ex.output = o; });
  ex.output = out;
};

/** With --data-dir, the journal holds every write before the 2xx goes out. */
const commitState: Stage = () => commit();

const encode: Stage = (ex) => {
  ex.response = ex.codec!.encode(ex.output, ex.op!, ex.model!, { requestId: ex.requestId, service: ex.model!.name });
};

const requestStages: Stage[] = [hostRoutes, cors, internal, auth, identifyService, operation, body, authenticate, decode, validateInput, dispatch, commitState, encode];

function encodeError(ex: Exchange, e: unknown): HttpResponse {
  let err: ServiceError;
  if (e instanceof ServiceError) err = e;
  else {
    log.error(`${ex.label ?? 'request'} failed: ${(e as Error)?.stack ?? e}`);
    err = internalFailure();
  }
  const ctx = { requestId: ex.requestId, service: ex.model?.name ?? 'unknown' };
  if (ex.codec) {
    try { return ex.codec.encodeError(err, ex.op, ex.model, ctx); } catch (e2) {
      log.error(`encoding error ${err.code} failed: ${(e2 as Error).stack}`);
    }
  }
  // No protocol known: the query protocol's error document, which most clients can read.
  const body = `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type><Code>${err.code}</Code><Message>${err.message.replace(/[<&>]/g, (c) => `&#${c.charCodeAt(0)};`)}</Message></Error><RequestId>${ex.requestId}</RequestId></ErrorResponse>`;
  return { status: err.status ?? 400, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': ex.requestId }, body };
}

function send(ex: Exchange, r: HttpResponse): void {
  const res = ex.res;
  // Browser requests get CORS headers: the service's own (S3 bucket rules) or allow-all.
  const headers: Record<string, string | string[]> = !ex.req.headers.origin || ex.ownCors ? r.headers
    : { ...(ex.service?.cors ? ex.service.cors(ex.req, ex.input) : CORS_HEADERS), ...r.headers };
  const head = ex.req.method === 'HEAD';
  // A body already whole in memory (a small blob) goes out in one write, like a string.
  if (r.body instanceof BufferStream) r = { ...r, body: r.body.buffer };
  if (r.body instanceof Readable) {
    res.writeHead(r.status, headers);
    if (head) { r.body.destroy(); res.end(); return; }
    const body = r.body;
    body.on('error', (e) => { log.error(`response stream failed: ${e.message}`); res.destroy(e); });
    // A client that leaves mid-stream ends the producer too (an event-stream subscription).
    res.once('close', () => { if (!body.readableEnded) body.destroy(); });
    body.pipe(res);
    return;
  }
  // A string body goes out in the same write as the headers (Node joins them; a Buffer
  // would cost a second writev), which matters for small JSON/XML answers.
  const len = r.body === undefined ? 0 : typeof r.body === 'string' ? Buffer.byteLength(r.body) : r.body.length;
  // A HEAD answer (S3 HeadObject) carries the object's Content-Length, in the model's casing.
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) headers['content-length'] = String(len);
  res.writeHead(r.status, headers);
  res.end(head ? undefined : r.body);
}

export function handle(raw: IncomingMessage, res: ServerResponse, opts: GatewayOptions): void {
  const url = raw.url ?? '/';
  const q = url.indexOf('?');
  const query: [string, string][] = q < 0 ? [] : [...new URLSearchParams(url.slice(q + 1))];
  // HTTP/2 carries the host as the :authority pseudo-header; services read `host`.
  const headers = raw.httpVersionMajor === 2 && raw.headers.host === undefined
    ? { ...raw.headers, host: raw.headers[':authority'] as string } : raw.headers;
  const ex: Exchange = {
    raw, res, opts, requestId: requestId(), started: performance.now(),
    req: { method: raw.method ?? 'GET', path: q < 0 ? url : url.slice(0, q), query, headers, body: EMPTY },
  };
  run(ex).then((r) => finish(ex, r), (e) => finish(ex, encodeError(ex, e)));
}

const EMPTY = Buffer.alloc(0);

// Responses finished in the same turn of the event loop go out together. The first is sent at
// once (a lone client waits for nothing); the rest wait in the outbox until the turn's check
// phase, so a client whose answers all arrive in one burst is woken once, not once per answer.
// On a virtual machine a wake-up (an inter-processor interrupt) costs more than a small
// request's whole handling: with 32 concurrent connections this coalescing took PutItem from
// ~18-20k to ~23k req/s. Netty's FlushConsolidationHandler does the same for the same reason.
let outbox: [Exchange, HttpResponse][] = [];
let turnOpen = false;
function flush(): void {
  turnOpen = false;
  const batch = outbox;
  outbox = [];
  for (const [ex, r] of batch) sendNow(ex, r);
}
function sendNow(ex: Exchange, r: HttpResponse): void {
  try { send(ex, r); } catch (e) { log.error(`sending the response failed: ${(e as Error).stack}`); ex.res.destroy(); }
}

async function run(ex: Exchange): Promise<HttpResponse> {
  for (const stage of requestStages) {
    const p = stage(ex);
    if (p) await p;
    if (ex.response) return ex.response;
  }
  return ex.response!;
}

function finish(ex: Exchange, r: HttpResponse): void {
  if (!turnOpen) { turnOpen = true; setImmediate(flush); sendNow(ex, r); }
  else outbox.push([ex, r]);
  if (logs('info')) log.info(`${ex.label ?? 'unknown'} ${r.status} ${(performance.now() - ex.started).toFixed(1)}ms`);
  // A body we never read (an early error) must not keep the socket waiting.
  if (!ex.bodyRead && !ex.req.stream) ex.raw.resume();
}
