#!/usr/bin/env node
// Nimbus's own cost per request, without sockets: the requests of bench/scenarios.mjs pushed
// straight through the gateway pipeline (identify, decode, validate, dispatch, commit, encode)
// in this process. What the HTTP benchmarks add on top is Node's HTTP stack and the kernel;
// this isolates Nimbus's part, and `--cpu-prof` on this script shows where it goes.
//
//   npm run build && node bench/pipeline.mjs [--requests 100000] [--connections 32] [--scenario LIST]
//   node --cpu-prof --cpu-prof-dir /tmp/prof bench/pipeline.mjs --scenario ddb-put-item
//   BENCH_DIST=dist-base node bench/pipeline.mjs   (another build, e.g. `git worktree` of HEAD~1)
import { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
// BENCH_DIST=dist-other compares another build (e.g. the last commit's) side by side.
const dist = new URL(`../${process.env.BENCH_DIST ?? 'dist'}/src/`, import.meta.url);
const { handle } = await import(new URL('gateway/pipeline.js', dist));
const { setLogLevel } = await import(new URL('core/log.js', dist));
const { allServiceNames } = await import(new URL('services/registry.js', dist));
const { resetState } = await import(new URL('core/state.js', dist));
import { scenarios } from './scenarios.mjs';

setLogLevel('silent');
const { values } = parseArgs({ options: { requests: { type: 'string', default: '100000' }, connections: { type: 'string', default: '32' }, scenario: { type: 'string' } } });
const N = Number(values.requests);
const CONNECTIONS = Number(values.connections);
const chosen = values.scenario ? values.scenario.split(',') : scenarios.map((s) => s.name);
const opts = { version: 'bench', verifySignatures: false, maxBodyBytes: 80 << 20, enabled: new Set(allServiceNames()), startedAt: Date.now(), stateLocation: 'memory' };
const HOST = '127.0.0.1:4566';

/** A response sink with the parts of ServerResponse the pipeline uses. */
class Sink extends Writable {
  constructor(done) { super(); this.done = done; this.chunks = []; this.writableFinishedFlag = false; }
  writeHead(status, headers) { this.status = status; this.headers = headers; return this; }
  _write(c, _e, cb) { this.chunks.push(Buffer.from(c)); cb(); }
  end(body, ...rest) {
    if (body !== undefined && typeof body !== 'function') this.chunks.push(Buffer.from(body));
    super.end(...(typeof body === 'function' ? [body] : rest));
    this.done({ status: this.status, headers: this.headers ?? {}, body: Buffer.concat(this.chunks).toString() });
    return this;
  }
}

function call(req) {
  return new Promise((resolve) => {
    const body = req.body ? Buffer.from(req.body) : Buffer.alloc(0);
    const service = req.service;
    const headers = {
      host: HOST, 'x-amz-date': '20260101T000000Z', 'content-length': String(body.length),
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000`,
      ...Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    };
    const raw = Object.assign(Readable.from(body.length ? [body] : []), { method: req.method, url: req.path, headers, rawHeaders: [], httpVersionMajor: 1 });
    handle(raw, new Sink(resolve), opts);
  });
}

for (const scenario of scenarios.filter((s) => chosen.includes(s.name))) {
  resetState(); // every scenario starts from empty state, as bench/run.mjs's fresh servers do
  const svcCall = (r) => call({ ...r, service: r.service ?? scenario.service });
  const state = scenario.setup ? await scenario.setup('http://' + HOST, { call: svcCall, target: 'nimbus' }) : undefined;
  const requests = [].concat(scenario.requests('http://' + HOST, state)).map((r) => ({ ...r, service: r.service ?? scenario.service }));
  // CONNECTIONS workers, each replaying the scenario's cycle with autocannon's setupRequest /
  // onResponse hooks and a context of its own, as autocannon's connections do: the gateway
  // coalesces the responses of one event-loop turn, so one request at a time would measure that.
  async function worker(count) {
    const context = {};
    for (let i = 0; i < count; i++) {
      const base = requests[i % requests.length];
      const req = base.setupRequest ? base.setupRequest(base, context) : base;
      const r = await call(req);
      if (r.status >= 300 && !(scenario.name === 'sqs-receive-delete')) throw new Error(`${scenario.name}: ${r.status} ${r.body.slice(0, 300)}`);
      base.onResponse?.(r.status, r.body, context);
    }
  }
  const perWorker = (n) => Math.ceil(n / CONNECTIONS / requests.length) * requests.length;
  const run = (n) => Promise.all(Array.from({ length: CONNECTIONS }, () => worker(perWorker(n))));
  const total = perWorker(N) * CONNECTIONS;
  await run(Math.min(20_000, N));
  const t = performance.now();
  const cpu = process.cpuUsage();
  await run(N);
  // CPU time is the steadier number on a busy machine; wall time includes waiting for a core.
  const used = process.cpuUsage(cpu);
  const us = (x) => (x / total).toFixed(2).padStart(7);
  console.log(`${scenario.name.padEnd(28)} ${us((performance.now() - t) * 1000)} µs wall, ${us(used.user + used.system)} µs CPU per request (${total} requests, ${CONNECTIONS} at a time)`);
}
