// Execution: instances of a function version as real processes, each speaking the Lambda
// Runtime API (/2018-06-01/runtime/invocation/next, /response, /error, /init/error) to a
// node:http server of ours on 127.0.0.1.
//
// Every instance gets its own Runtime API listener (a random port): AWS_LAMBDA_RUNTIME_API is
// then a plain host:port, exactly as on AWS, so any runtime interface client works unchanged
// (some parse it as an authority and would reject a path prefix that a shared server would
// need to tell instances apart). Listeners, their sockets, the processes and their pipes are
// all unref()'d: they never keep Nimbus's process alive, and the processes are killed on reset,
// on process exit, when idle too long, and when their function changes.
//
// Time here is real time, not the virtual clock: a handler's wall-clock runtime is real (a
// process sleeping 3 s takes 3 s whatever the clock says), so timeouts, durations and idle
// reaping are measured with real timers.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { iamId, secretKey, uuid } from '../../core/ids.js';
import { registerCredential, forgetCredential } from '../../core/identity.js';
import { callService } from '../../core/internal-client.js';
import { onReset } from '../../core/state.js';
import { onStop } from '../../core/lifecycle.js';
import { log } from '../../core/log.js';
import type { RequestContext } from '../service.js';
import { codeDir, optDir } from './code.js';
import type { FnConfig } from './state.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const RUNTIMES_DIR = join(ROOT, 'runtimes');
/**
 * The AWS SDK for JavaScript v3 as the Node.js runtimes provide it (AWS puts it in
 * /var/runtime/node_modules, on NODE_PATH after the layers and before the function's code):
 * runtimes/node/sdk holds links to Nimbus's own @aws-sdk and @smithy packages, so a function
 * may `require('@aws-sdk/client-s3')` without bundling it. A function's own node_modules
 * still wins, as on AWS. (NODE_PATH serves require(); ES module imports do not read it.)
 */
const NODE_SDK_DIR = join(RUNTIMES_DIR, 'node', 'sdk');

/** How long an idle instance is kept warm (AWS keeps them for minutes; it is not documented). */
export const IDLE_MS = 5 * 60_000;
/** AWS's init phase limit for on-demand functions. */
const INIT_LIMIT_MS = 10_000;
export const MAX_SYNC_RESPONSE = 6 * 1024 * 1024;
/** Streamed responses may be larger: 200 MB (Lambda quotas, "Invocation payload ... streamed responses"). */
const MAX_STREAMED_RESPONSE = 200 * 1024 * 1024;
const SENTINEL = '\u001eNIMBUS-END ';

export interface InvokeResult {
  payload: Buffer;
  functionError?: string;
  /** Whether the runtime streamed its response (Lambda-Runtime-Function-Response-Mode: streaming). */
  streamed?: boolean;
  /** This invocation's log lines (START … REPORT). */
  logs: string[];
}

/** Where a streamed response goes as the function writes it. */
export interface StreamSink {
  /** The runtime opened its streaming response, with this content type. */
  open(contentType: string): void;
  chunk(b: Buffer): void;
}

interface Invocation {
  id: string;
  payload: Buffer;
  sink?: StreamSink;
  streamed?: boolean;
  invokedArn: string;
  clientContext?: string;
  traceId: string;
  lines: string[];
  start?: bigint;
  deadline?: number;
  timer?: NodeJS.Timeout;
  done: boolean;
  finishing?: boolean;
  sentinel: boolean;
  onSentinel?: () => void;
  resolve(r: InvokeResult): void;
}

type Kind = 'node' | 'python' | 'provided';

/**
 * The V8 heap limits AWS's Node.js runtime derives from the function's memory size (its
 * bootstrap script: a tenth for the new space, half of that per semi-space, the rest old
 * space), so a function that outgrows its memory fails here as it would there.
 */
export function nodeMemoryArgs(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}
/**
 * The experimental Node.js features AWS turns off in its runtimes (require() of ES modules;
 * guessing ES modules from their syntax): "Building Lambda functions with Node.js",
 * docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html. A .js file with ES module syntax
 * needs "type": "module" (or .mjs), as there.
 */
const NODE_FLAGS = ['--no-experimental-require-module', '--no-experimental-detect-module'];
export const runtimeKind = (runtime: string | undefined): Kind | undefined =>
  !runtime ? undefined : runtime.startsWith('nodejs') ? 'node' : /^python3\.\d+$/.test(runtime) ? 'python'
    : runtime.startsWith('provided') ? 'provided' : undefined;

class Pool {
  readonly instances = new Set<Instance>();
  retired = false;
  group = false;
  /** Whether the function has reserved concurrency (its invocations don't count against the unreserved pool). */
  reservedFn = false;
  cred?: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  constructor(readonly key: string, readonly fnKey: string, readonly config: FnConfig, readonly ctx: RequestContext) {}
}

const pools = new Map<string, Pool>();

/** In-flight invocations per function (`account/region/name`), for reserved concurrency. */
export function busyCount(prefix: string): number {
  let n = 0;
  for (const p of pools.values()) if (p.fnKey === prefix || prefix.endsWith('/*') && p.fnKey.startsWith(prefix.slice(0, -1))) {
    if (prefix.endsWith('/*') && p.reservedFn) continue;
    for (const i of p.instances) if (i.current || i.queued) n++;
  }
  return n;
}

let pythonExe: Promise<string> | undefined;
const python = () => (pythonExe ??= promisify(execFile)('python3', ['-c', 'import sys; print(sys.executable)'])
  .then((r) => r.stdout.trim()).catch(() => 'python3'));

const streamName = (version: string) => {
  const d = clock.date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/[${version}]${randomBytes(16).toString('hex')}`;
};

const traceId = () => `Root=1-${Math.floor(clock.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};`
  + `Parent=${randomBytes(8).toString('hex')};Sampled=0;Lineage=1:${randomBytes(4).toString('hex')}:0`;

class Instance {
  proc?: ChildProcess;
  server!: Server;
  current?: Invocation;
  queued?: Invocation;
  waiting?: ServerResponse;
  dead = false;
  retireWhenDone = false;
  readonly stream: string;
  streamCreated = false;
  readonly spawnedAt = process.hrtime.bigint();
  initDuration?: number;
  initLines: string[] = [];
  idleTimer?: NodeJS.Timeout;
  private partial = '';

  constructor(readonly pool: Pool, first: Invocation) {
    this.queued = first;
    this.stream = streamName(pool.config.Version);
  }

  async start(): Promise<void> {
    const c = this.pool.config;
    const kind = runtimeKind(c.Runtime)!;
    const dir = await codeDir(c.blobId, c.CodeSha256);
    const opt = c.layerBlobs?.length ? await optDir(c.layerBlobs) : undefined;
    this.server = createServer((req, res) => this.route(req, res));
    this.server.on('connection', (s) => s.unref());
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', () => ok()));
    this.server.unref();
    const port = (this.server.address() as AddressInfo).port;
    const [cmd, args] = kind === 'node' ? [process.execPath, [...nodeMemoryArgs(this.pool.config.MemorySize ?? 128), ...NODE_FLAGS, join(RUNTIMES_DIR, 'node', 'bootstrap.mjs')]]
      : kind === 'python' ? [await python(), [join(RUNTIMES_DIR, 'python', 'bootstrap.py')]]
        : [join(dir, 'bootstrap'), []];
    if (this.dead) return;
    const env = this.env(port, dir, opt);
    const proc = spawn(cmd, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.unref();
    for (const s of [proc.stdout!, proc.stderr!]) {
      (s as unknown as { unref?: () => void }).unref?.();
      s.setEncoding('utf8');
      s.on('data', (d: string) => this.output(d));
    }
    proc.on('error', (e) => this.exited(`Runtime exited with error: ${e.message}`, 'Runtime.InvalidEntrypoint'));
    proc.on('exit', (code, signal) => this.exited(`Runtime exited with error: ${signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code}`}`,
      'Runtime.ExitError'));
    // The init phase has its own limit on AWS (10 s), then the invocation's timeout runs.
    const first = this.queued!;
    first.timer = setTimeout(() => this.timedOut(first), INIT_LIMIT_MS + c.Timeout * 1000);
    first.timer.unref();
  }

  private env(port: number, dir: string, opt?: string): Record<string, string> {
    const c = this.pool.config;
    const ctx = this.pool.ctx;
    const creds = credentialsFor(this.pool);
    const base: Record<string, string> = {};
    // Only the basics of the host environment; never Nimbus's own variables.
    for (const k of ['PATH', 'LD_LIBRARY_PATH', 'SYSTEMROOT']) if (process.env[k]) base[k] = process.env[k]!;
    if (opt) Object.assign(base, layerEnv(c.Runtime ?? '', opt, base));
    if (runtimeKind(c.Runtime) === 'node') base.NODE_PATH = [base.NODE_PATH, NODE_SDK_DIR, dir].filter(Boolean).join(':');
    return {
      ...base,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_ENDPOINT_URL: ctx.endpoint,
      ...(c.Environment?.Variables ?? {}),
      PYTHONUNBUFFERED: '1',
      _HANDLER: c.Handler ?? '',
      AWS_EXECUTION_ENV: `AWS_Lambda_${c.Runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: c.FunctionName,
      AWS_LAMBDA_FUNCTION_VERSION: c.Version,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.MemorySize),
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: c.LoggingConfig.LogGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: this.stream,
      AWS_REGION: ctx.region,
      AWS_DEFAULT_REGION: ctx.region,
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_SESSION_TOKEN: creds.sessionToken,
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
      LAMBDA_TASK_ROOT: dir,
      LAMBDA_RUNTIME_DIR: join(RUNTIMES_DIR, runtimeKind(c.Runtime)!),
    };
  }

  // --- process output → the current invocation's log lines ---
  private output(d: string): void {
    const text = this.partial + d;
    const parts = text.split('\n');
    this.partial = parts.pop()!;
    for (const line of parts) this.line(line);
  }

  private line(line: string): void {
    if (line.startsWith(SENTINEL)) {
      const id = line.slice(SENTINEL.length).trim();
      const inv = this.current?.id === id ? this.current : undefined;
      if (inv) { inv.sentinel = true; inv.onSentinel?.(); }
      return;
    }
    if (this.current && !this.current.done) this.current.lines.push(line);
    else this.initLines.push(line);
  }

  // --- the Runtime API ---
  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const streaming = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/response$/.exec(url);
    if (req.method === 'POST' && streaming && String(req.headers['lambda-runtime-function-response-mode'] ?? '').toLowerCase() === 'streaming') {
      return this.streamedResponse(req, res, decodeURIComponent(streaming[1]));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => { size += c.length; if (size <= MAX_SYNC_RESPONSE + 1) chunks.push(c); });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') return this.next(res);
      if (req.method === 'POST' && m) {
        const inv = this.current;
        if (!inv || inv.id !== decodeURIComponent(m[1]) || inv.finishing) {
          return json(res, 400, { errorMessage: `Invalid request ID: ${m[1]}`, errorType: 'InvalidRequestID' });
        }
        json(res, 202, { status: 'OK' });
        if (m[2] === 'response') {
          if (size > MAX_SYNC_RESPONSE) {
            return void this.finish(inv, Buffer.from(JSON.stringify({ errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_RESPONSE} bytes).`,
              errorType: 'Function.ResponseSizeTooLarge' })), 'Unhandled');
          }
          return void this.finish(inv, body);
        }
        return void this.finish(inv, errorBody(body, req.headers['lambda-runtime-function-error-type']), 'Unhandled');
      }
      if (req.method === 'POST' && url === '/2018-06-01/runtime/init/error') {
        json(res, 202, { status: 'OK' });
        const inv = this.current ?? this.queued;
        const errType = String(req.headers['lambda-runtime-function-error-type'] ?? 'Runtime.Unknown');
        this.initLines.push(`INIT_REPORT Init Duration: ${ms(process.hrtime.bigint() - this.spawnedAt).toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${errType}`);
        if (inv) { this.current = inv; this.queued = undefined; inv.start ??= process.hrtime.bigint(); void this.finish(inv, errorBody(body, errType), 'Unhandled'); }
        this.kill();
        return;
      }
      json(res, 404, { errorMessage: 'Not found', errorType: 'NotFound' });
    });
  }

  /**
   * A response the runtime streams ("Building a custom runtime: response streaming",
   * docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming):
   * a chunked POST with Lambda-Runtime-Function-Response-Mode: streaming; each chunk goes out as
   * it arrives, and an error mid-stream comes as the trailers Lambda-Runtime-Function-Error-Type
   * and Lambda-Runtime-Function-Error-Body (base64).
   */
  private streamedResponse(req: IncomingMessage, res: ServerResponse, id: string): void {
    const inv = this.current;
    if (!inv || inv.id !== id || inv.finishing) {
      req.resume();
      return json(res, 400, { errorMessage: `Invalid request ID: ${id}`, errorType: 'InvalidRequestID' });
    }
    inv.streamed = true;
    inv.sink?.open(String(req.headers['content-type'] ?? 'application/octet-stream'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (inv.finishing) return;
      size += c.length;
      if (size <= MAX_STREAMED_RESPONSE) { chunks.push(c); inv.sink?.chunk(c); }
    });
    req.on('end', () => {
      json(res, 202, { status: 'OK' });
      if (inv.finishing) return;
      const t = req.trailers;
      const errType = t['lambda-runtime-function-error-type'];
      if (errType) return void this.finish(inv, errorBody(Buffer.from(t['lambda-runtime-function-error-body'] ?? '', 'base64'), errType), 'Unhandled');
      if (size > MAX_STREAMED_RESPONSE) {
        return void this.finish(inv, Buffer.from(JSON.stringify({ errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_STREAMED_RESPONSE} bytes).`,
          errorType: 'Function.ResponseSizeTooLarge' })), 'Unhandled');
      }
      void this.finish(inv, Buffer.concat(chunks));
    });
  }

  private next(res: ServerResponse): void {
    if (this.initDuration === undefined) this.initDuration = ms(process.hrtime.bigint() - this.spawnedAt);
    this.waiting = res;
    res.on('close', () => { if (this.waiting === res) this.waiting = undefined; });
    if (this.queued) this.deliver(this.queued);
    else this.becameIdle();
  }

  /** Hands an invocation to this instance (its /next is waiting, or it is starting). */
  assign(inv: Invocation): void {
    clearTimeout(this.idleTimer);
    this.queued = inv;
    if (this.waiting) this.deliver(inv);
  }

  /**
   * Free for the next invocation: initialised, nothing in flight. Its /next may not have
   * arrived yet (the runtime is between posting a response and asking again); the invocation
   * then waits for it, as it would on AWS.
   */
  get idle(): boolean { return !this.dead && this.initDuration !== undefined && !this.current && !this.queued && !this.retireWhenDone; }

  private deliver(inv: Invocation): void {
    const res = this.waiting!;
    this.waiting = undefined;
    this.queued = undefined;
    this.current = inv;
    const c = this.pool.config;
    clearTimeout(inv.timer);
    inv.start = process.hrtime.bigint();
    inv.deadline = Date.now() + c.Timeout * 1000;
    inv.timer = setTimeout(() => this.timedOut(inv), c.Timeout * 1000);
    inv.timer.unref();
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': inv.id,
      'Lambda-Runtime-Deadline-Ms': String(inv.deadline),
      'Lambda-Runtime-Invoked-Function-Arn': inv.invokedArn,
      'Lambda-Runtime-Trace-Id': inv.traceId,
      ...(inv.clientContext ? { 'Lambda-Runtime-Client-Context': inv.clientContext } : {}),
    });
    res.end(inv.payload);
  }

  private becameIdle(): void {
    if (this.retireWhenDone) { this.kill(); return; }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.kill(), IDLE_MS);
    this.idleTimer.unref();
  }

  private timedOut(inv: Invocation): void {
    if (inv.finishing) return;
    const secs = this.pool.config.Timeout.toFixed(2);
    this.current = inv; this.queued = undefined;
    inv.start ??= process.hrtime.bigint();
    inv.lines.push(`${clock.date().toISOString()} ${inv.id} Task timed out after ${secs} seconds`);
    // The payload recent runtimes return for a timeout (Sandbox.Timedout); older ones answered
    // {"errorMessage":"<date> <id> Task timed out after N.NN seconds"}; both carry the phrase.
    void this.finish(inv, Buffer.from(JSON.stringify({ errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${inv.id} Error: Task timed out after ${secs} seconds` })), 'Unhandled', true);
    this.kill();
  }

  private exited(message: string, type: string): void {
    const inv = this.current ?? this.queued;
    const wasDead = this.dead;
    this.dead = true;
    this.pool.instances.delete(this);
    this.server?.close();
    clearTimeout(this.idleTimer);
    if (inv && !inv.finishing) {
      this.current = inv;
      inv.start ??= process.hrtime.bigint();
      if (this.partial) { this.line(this.partial); this.partial = ''; }
      void this.finish(inv, Buffer.from(JSON.stringify({ errorType: type, errorMessage: `RequestId: ${inv.id} Error: ${message}` })), 'Unhandled', true);
    }
    void wasDead;
  }

  kill(): void {
    if (this.dead && !this.proc) return;
    this.dead = true;
    this.pool.instances.delete(this);
    clearTimeout(this.idleTimer);
    this.waiting?.destroy();
    this.server?.close();
    try { this.proc?.kill('SIGKILL'); } catch { /* gone */ }
    this.proc = undefined;
  }

  private async finish(inv: Invocation, payload: Buffer, functionError?: string, noWait = false): Promise<void> {
    if (inv.finishing) return;
    inv.finishing = true;
    clearTimeout(inv.timer);
    // Our shims print a sentinel line before answering, so every line the handler printed has
    // been read once it arrives; other runtimes get one turn of the event loop.
    if (!noWait && runtimeKind(this.pool.config.Runtime) !== 'provided' && !inv.sentinel) {
      await new Promise<void>((ok) => { inv.onSentinel = ok; setTimeout(ok, 200).unref(); });
    } else if (!noWait) await new Promise((r) => setImmediate(r));
    inv.done = true;
    const c = this.pool.config;
    const duration = ms(process.hrtime.bigint() - (inv.start ?? process.hrtime.bigint()));
    const cold = this.initDuration !== undefined && !this.reportedInit ? this.initDuration : undefined;
    this.reportedInit = true;
    const lines = [
      ...this.initLines.splice(0),
      `START RequestId: ${inv.id} Version: ${c.Version}`,
      ...inv.lines,
      `END RequestId: ${inv.id}`,
      `REPORT RequestId: ${inv.id}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(duration))} ms\t`
        + `Memory Size: ${c.MemorySize} MB\tMax Memory Used: ${this.maxMemoryMb()} MB\t${cold !== undefined ? `Init Duration: ${cold.toFixed(2)} ms\t` : ''}`,
    ];
    if (this.current === inv) this.current = undefined;
    await this.writeLogs(lines).catch((e) => log.warn(`lambda: could not write logs: ${(e as Error).message}`));
    inv.resolve({ payload, functionError, logs: lines, ...(inv.streamed ? { streamed: true } : {}) });
    if (!this.dead && this.waiting && !this.queued && !this.current) this.becameIdle();
    if (this.retireWhenDone && !this.current && !this.queued) this.kill();
  }

  private reportedInit = false;

  private maxMemoryMb(): number {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.proc?.pid}/status`, 'utf8'));
      if (m) return Math.ceil(Number(m[1]) / 1024);
    } catch { /* not Linux, or gone */ }
    return 0;
  }

  private async writeLogs(lines: string[], retry = false): Promise<void> {
    const ctx = this.pool.ctx;
    const group = this.pool.config.LoggingConfig.LogGroup;
    const ignoreExists = (e: unknown) => { if (!(e instanceof ServiceError && e.code === 'ResourceAlreadyExistsException')) throw e; };
    if (!this.pool.group) { await callService(ctx, 'logs', 'CreateLogGroup', { logGroupName: group }).catch(ignoreExists); this.pool.group = true; }
    if (!this.streamCreated) {
      await callService(ctx, 'logs', 'CreateLogStream', { logGroupName: group, logStreamName: this.stream }).catch(async (e) => {
        if (e instanceof ServiceError && e.code === 'ResourceNotFoundException') { // the group was deleted meanwhile
          await callService(ctx, 'logs', 'CreateLogGroup', { logGroupName: group }).catch(ignoreExists);
          await callService(ctx, 'logs', 'CreateLogStream', { logGroupName: group, logStreamName: this.stream }).catch(ignoreExists);
        } else ignoreExists(e);
      });
      this.streamCreated = true;
    }
    const t = clock.now();
    const put = () => callService(ctx, 'logs', 'PutLogEvents', { logGroupName: group, logStreamName: this.stream,
      logEvents: lines.map((message) => ({ timestamp: t, message: `${message}\n` })) });
    await put().catch(async (e) => {
      // Someone deleted the group or the stream: create them again, as Lambda does.
      if (!(e instanceof ServiceError && e.code === 'ResourceNotFoundException') || retry) throw e;
      this.pool.group = false; this.streamCreated = false;
      await this.writeLogs(lines, true);
    });
  }
}

const ms = (ns: bigint) => Number(ns) / 1e6;

/**
 * Where each runtime looks for layer content, as Lambda sets it with /opt ("Packaging your
 * layer content", docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html), with /opt
 * being this function's own folder: NODE_PATH /opt/nodejs/nodeNN/node_modules:
 * /opt/nodejs/node_modules; Python /opt/python and /opt/python/lib/python3.x/site-packages;
 * binaries in /opt/bin and libraries in /opt/lib.
 */
function layerEnv(runtime: string, opt: string, base: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {
    PATH: [join(opt, 'bin'), base.PATH].filter(Boolean).join(':'),
    LD_LIBRARY_PATH: [join(opt, 'lib'), base.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
  const node = /^nodejs(\d+)/.exec(runtime);
  if (node) out.NODE_PATH = [join(opt, 'nodejs', `node${node[1]}`, 'node_modules'), join(opt, 'nodejs', 'node_modules')].join(':');
  const py = /^python(3\.\d+)$/.exec(runtime);
  if (py) out.PYTHONPATH = [join(opt, 'python', 'lib', `python${py[1]}`, 'site-packages'), join(opt, 'python')].join(':');
  return out;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function errorBody(body: Buffer, type: unknown): Buffer {
  try { JSON.parse(body.toString('utf8')); return body; } catch {
    return Buffer.from(JSON.stringify({ errorMessage: body.toString('utf8'), errorType: String(type ?? 'Unknown') }));
  }
}

/** Temporary credentials of the execution role, as Lambda hands its functions. */
function credentialsFor(pool: Pool): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  if (pool.cred) return pool.cred;
  const c = pool.config;
  const [, , , , account, resource] = c.Role.split(':');
  const roleName = resource.split('/').pop()!;
  const accessKeyId = iamId('ASIA');
  const cred = { accessKeyId, secretAccessKey: secretKey(), sessionToken: randomBytes(96).toString('base64') };
  registerCredential({ ...cred, accountId: account, arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${c.FunctionName}`,
    userId: `${iamId('AROA')}:${c.FunctionName}`, kind: 'assumed-role', expiresAt: clock.now() + 12 * 3600_000, owner: 'sts' });
  pool.cred = cred;
  return cred;
}

export interface InvokeOptions {
  /** The invocation's request id (a synchronous Invoke uses its own x-amzn-RequestId, as AWS does). */
  requestId?: string;
  invokedArn: string;
  clientContext?: string;
  reserved?: number;
  unreservedLimit: number;
  /** Receives a streamed response as it is written (InvokeWithResponseStream, streaming URLs). */
  sink?: StreamSink;
}

/** Runs one invocation on a warm instance, or a new one; throws 429 when at the concurrency limit. */
export function invokeOn(ctx: RequestContext, config: FnConfig, payload: Buffer, o: InvokeOptions): Promise<InvokeResult> {
  if (!runtimeKind(config.Runtime)) {
    throw new ServiceError('InvalidRuntimeException', `Nimbus cannot run the runtime ${config.Runtime} (it runs nodejs*, python3.* and provided.*).`, 502);
  }
  const fnKey = `${ctx.accountId}/${ctx.region}/${config.FunctionName}`;
  const key = `${fnKey}/${config.Version}/${config.RevisionId}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(key, fnKey, config, { ...ctx, http: undefined });
    pools.set(key, pool);
  }
  pool.reservedFn = o.reserved !== undefined;
  // Concurrency is what is in flight: a function's reserved concurrency, else the account's
  // unreserved pool (AWS throttles rather than queues synchronous invocations).
  if (o.reserved !== undefined && busyCount(fnKey) >= o.reserved) {
    throw new ServiceError('TooManyRequestsException', 'Rate Exceeded.', 429, { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' }, true);
  }
  if (o.reserved === undefined && busyCount(`${ctx.accountId}/${ctx.region}/*`) >= o.unreservedLimit) {
    throw new ServiceError('TooManyRequestsException', 'Rate Exceeded.', 429, { Reason: 'ConcurrentInvocationLimitExceeded' }, true);
  }
  const idle = [...pool.instances].find((i) => i.idle);
  return new Promise<InvokeResult>((resolve, reject) => {
    const inv: Invocation = { id: o.requestId ?? uuid(), payload, sink: o.sink, invokedArn: o.invokedArn, clientContext: o.clientContext, traceId: traceId(),
      lines: [], done: false, sentinel: false, resolve };
    if (idle) { idle.assign(inv); return; }
    const inst = new Instance(pool!, inv);
    pool!.instances.add(inst);
    inst.start().catch((e) => { inst.kill(); reject(e); });
  });
}

/** Ends the instances of a function (or one version of it): its code or configuration changed. */
export function retire(ctx: { accountId: string; region: string }, name: string, version?: string): void {
  const prefix = `${ctx.accountId}/${ctx.region}/${name}/${version ? `${version}/` : ''}`;
  for (const [k, p] of pools) {
    if (!k.startsWith(prefix)) continue;
    pools.delete(k);
    p.retired = true;
    if (p.cred) forgetCredential(p.cred.accessKeyId);
    for (const i of [...p.instances]) { if (i.current || i.queued) i.retireWhenDone = true; else i.kill(); }
  }
}

export function killAll(): void {
  for (const p of pools.values()) for (const i of [...p.instances]) i.kill();
  pools.clear();
}

onReset((service) => { if (!service || service === 'lambda') killAll(); });
onStop(killAll);
// Nimbus killed without stop() (a CLI process exiting) still takes its instances with it.
process.on('exit', killAll);
