// Nimbus's Node.js runtime for Lambda: a small runtime interface client speaking the Lambda
// Runtime API (AWS_LAMBDA_RUNTIME_API). Loads the handler `file.export` from LAMBDA_TASK_ROOT
// (CommonJS .js/.cjs or ES module .mjs/.js), supports async and callback handlers, response
// streaming (the awslambda.streamifyResponse / awslambda.HttpResponseStream globals), and formats
// console output as the AWS Node.js runtime does (timestamp, request id, level, message).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { register } from 'node:module';

// ES modules ignore NODE_PATH; AWS's Node.js 18+ runtimes still resolve bare imports (the
// runtime's SDK, layers' node_modules) from it. A resolve hook does the same here.
register('./esm-resolve.mjs', import.meta.url);

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const root = process.env.LAMBDA_TASK_ROOT;
const handlerName = process.env._HANDLER || '';
const SENTINEL = '\u001eNIMBUS-END ';

function call(method, p, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path: `/2018-06-01/runtime${p}`, agent,
      headers: body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers } : headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

// --- logging: every console method and stderr go to stdout, one prefixed entry per call ---
let requestId;
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stderr.write = stdoutWrite;
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[method] = (...args) => {
    stdoutWrite(`${new Date().toISOString()}\t${requestId ?? 'undefined'}\t${level}\t${util.format(...args)}\n`);
  };
}

function errorOf(e, fallbackType) {
  const err = e instanceof Error ? e : new Error(typeof e === 'string' ? e : util.inspect(e));
  return { errorType: err.name === 'Error' && fallbackType ? fallbackType : err.name, errorMessage: err.message,
    trace: String(err.stack ?? '').split('\n') };
}

async function initError(errorType, e) {
  const body = errorOf(e);
  body.errorType = errorType;
  if (!(e instanceof Error)) body.errorMessage = String(e);
  console.error(`${errorType}: ${body.errorMessage}`);
  await call('POST', '/init/error', JSON.stringify(body), { 'Lambda-Runtime-Function-Error-Type': errorType });
  process.exit(1);
}

async function load() {
  const dot = handlerName.lastIndexOf('.');
  if (dot < 0) return initError('Runtime.MalformedHandlerName', new Error(`Bad handler ${handlerName}: missing module name`));
  const modPath = handlerName.slice(0, dot);
  const fnPath = handlerName.slice(dot + 1);
  let file;
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const f = path.resolve(root, modPath + ext);
    if (fs.existsSync(f)) { file = f; break; }
  }
  if (!file) {
    const e = new Error(`Cannot find module '${modPath}'\nRequire stack:\n- ${import.meta.url}`);
    e.name = 'Runtime.ImportModuleError';
    return initError('Runtime.ImportModuleError', e);
  }
  let mod;
  try { mod = await import(pathToFileURL(file).href); } catch (e) {
    if (e instanceof SyntaxError) return initError('Runtime.UserCodeSyntaxError', e);
    return initError('Runtime.ImportModuleError', e);
  }
  let fn = fnPath.split('.').reduce((o, k) => (o == null ? undefined : o[k]), mod);
  if (typeof fn !== 'function') fn = fnPath.split('.').reduce((o, k) => (o == null ? undefined : o[k]), mod.default);
  if (typeof fn !== 'function') {
    const e = new Error(`${handlerName} is undefined or not exported`);
    e.name = 'Runtime.HandlerNotFound';
    return initError('Runtime.HandlerNotFound', e);
  }
  return fn;
}

function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err); else resolve(result);
    };
    context.done = callback;
    context.succeed = (r) => callback(null, r);
    context.fail = (e) => callback(e ?? 'handled');
    let r;
    try { r = handler(event, context, callback); } catch (e) { callback(e); return; }
    if (r && typeof r.then === 'function') r.then((x) => callback(null, x), (e) => callback(e ?? new Error('handler rejected')));
    else if (handler.length < 3) callback(null, r);
  });
}

// --- response streaming ("Response streaming for Lambda functions",
// docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html) ---
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response';

/** The responseStream a streaming handler writes to: a chunked POST to the Runtime API, opened on first use. */
class ResponseStream extends Writable {
  constructor(id) {
    super();
    this.id = id;
    this.contentType = 'application/octet-stream';
    this.req = undefined;
    this.answered = undefined;
  }
  setContentType(t) { if (!this.req) this.contentType = String(t); }
  get opened() { return !!this.req; }
  open() {
    if (this.req) return this.req;
    const req = http.request({ host, port: Number(port), method: 'POST', path: `/2018-06-01/runtime/invocation/${this.id}/response`, agent,
      headers: { 'Content-Type': this.contentType, 'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Transfer-Encoding': 'chunked',
        Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body' } });
    this.answered = new Promise((resolve) => {
      req.on('response', (res) => { res.resume(); res.on('end', resolve); res.on('error', resolve); });
      req.on('error', resolve);
    });
    this.req = req;
    return req;
  }
  _write(chunk, encoding, cb) { this.open().write(chunk, encoding, cb); }
  _final(cb) { const req = this.open(); stdoutWrite(`${SENTINEL}${this.id}\n`); req.end(); cb(); }
  /** Ends the response with the error as trailers (what the function wrote so far stays sent). */
  fail(err) {
    const req = this.open();
    stdoutWrite(`${SENTINEL}${this.id}\n`);
    req.addTrailers({ 'Lambda-Runtime-Function-Error-Type': err.errorType, 'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(err)).toString('base64') });
    req.end();
    return this.answered;
  }
}

globalThis.awslambda = {
  streamifyResponse(fn, options) {
    fn[HANDLER_STREAMING] = 'response';
    if (options?.highWaterMark) fn.highWaterMark = options.highWaterMark;
    return fn;
  },
  HttpResponseStream: {
    /** Status code, headers and cookies as a JSON prelude, then eight NUL bytes, then the body. */
    from(stream, prelude) {
      stream.setContentType(HTTP_INTEGRATION);
      stream.write(JSON.stringify(prelude ?? {}));
      stream.write(new Uint8Array(8));
      return stream;
    },
  },
};

async function runStreaming(handler, event, context, id) {
  const rs = new ResponseStream(id);
  try {
    await handler(event, rs, context);
    if (!rs.writableEnded) rs.end();
    await new Promise((resolve, reject) => {
      if (rs.writableFinished) resolve(); else { rs.on('finish', resolve); rs.on('error', reject); }
    });
    await rs.answered;
  } catch (e) {
    const err = errorOf(e);
    console.error(`Invoke Error \t${JSON.stringify(err)}`);
    if (rs.opened) { await rs.fail(err); return; }
    stdoutWrite(`${SENTINEL}${id}\n`);
    await call('POST', `/invocation/${id}/error`, JSON.stringify(err), { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' });
  }
}

const handler = await load();
const fnName = process.env.AWS_LAMBDA_FUNCTION_NAME;
for (;;) {
  const next = await call('GET', '/invocation/next');
  const h = next.headers;
  const id = h['lambda-runtime-aws-request-id'];
  const deadline = Number(h['lambda-runtime-deadline-ms']);
  requestId = id;
  if (h['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
  else delete process.env._X_AMZN_TRACE_ID;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fnName,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  if (h['lambda-runtime-client-context']) {
    try { context.clientContext = JSON.parse(h['lambda-runtime-client-context']); } catch { /* leave undefined */ }
  }
  let event;
  try { event = JSON.parse(next.body.toString('utf8') || 'null'); } catch { event = next.body.toString('utf8'); }
  if (handler[HANDLER_STREAMING] === 'response') { await runStreaming(handler, event, context, id); continue; }
  let path_, body;
  try {
    const result = await run(handler, event, context);
    body = JSON.stringify(result === undefined ? null : result);
    path_ = `/invocation/${id}/response`;
  } catch (e) {
    const err = errorOf(e);
    console.error(`Invoke Error \t${JSON.stringify(err)}`);
    body = JSON.stringify(err);
    path_ = `/invocation/${id}/error`;
  }
  stdoutWrite(`${SENTINEL}${id}\n`);
  await call('POST', path_, body, path_.endsWith('/error') ? { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' } : {});
}
