#!/usr/bin/env node
// npm run bench [-- --duration 10 --connections 32 --only nimbus,moto,ceiling --scenario NAME]
//
// Replays the same signed requests against three targets in one run, with one load generator
// (autocannon, in this process), and prints req/s, p50 and p99 per target and the ratios:
//
//   nimbus   node bin/nimbus.js start --port P --host 127.0.0.1 --log-level warn
//   moto     moto_server -H 127.0.0.1 -p P
//   dynalite node node_modules/dynalite/cli.js --port P (the Node DynamoDB emulator), only
//            for scenarios that name it in `peers`
//   ceiling  node bench/ceiling.mjs P: bare node:http answering a fixed body of the same
//            size and shape as Nimbus's answer
//
// Every server is a child process of its own (never this process's event loop), started fresh
// for each scenario, listening on 127.0.0.1 only, and killed at the end, on error and on Ctrl-C.
//
// NOTE on the numbers: this machine has 2 cores, and the load generator and the server under
// test compete for them (and the machine is shared). Absolute req/s and latencies say as much
// about the machine as about the server; what is meaningful is the ratio between targets
// measured in the same run with the same load generator. That is why the ratios are reported.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { scenarios as ALL_SCENARIOS, probe } from './scenarios.mjs';

// autocannon writes the next request on a connection as soon as a response is complete, even
// when that response said `Connection: close`. moto (werkzeug's dev server) closes every
// connection after one response, and before closing it drains the socket with a blocking read,
// so the eager request hangs until autocannon's 10 s timeout (one request per connection per
// 10 s). Real HTTP clients (the AWS SDKs, node's http.Agent) open a new connection instead, as
// RFC 9112 section 9.6 requires; make autocannon do the same. Servers that keep connections
// alive (Nimbus, the ceiling) never take the new path.
{
  const require = createRequire(import.meta.url);
  const Queue = require('autocannon/lib/pipelinedRequestsQueue.js');
  const Client = require('autocannon/lib/httpClient.js');
  const setHeaders = Queue.prototype.setHeaders;
  Queue.prototype.setHeaders = function (info) {
    if (info && info.shouldKeepAlive === false) this.serverWillClose = true;
    return setHeaders.call(this, info);
  };
  const doRequest = Client.prototype._doRequest;
  Client.prototype._doRequest = function (...args) {
    if (this.pipelinedRequests.serverWillClose && !this.destroyed) {
      this.pipelinedRequests.serverWillClose = false;
      return this._resetConnection(); // new connection, which sends the next request
    }
    return doRequest.apply(this, args);
  };
}

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const RESULTS = join(BENCH, 'results');
const LOGS = join(RESULTS, 'logs');
const HOST = '127.0.0.1';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const TARGET_NAMES = ['nimbus', 'moto', 'dynalite', 'ceiling'];
/** Targets that serve only some scenarios: a scenario lists them in `peers`. */
const PEER_ONLY = new Set(['dynalite']);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- options

const USAGE = `usage: node bench/run.mjs [options]   (npm run bench -- [options])

  --duration S      measured seconds per scenario and target (default 10, 1..600)
  --warmup S        warm-up seconds before each measured run (default 2, 0..60)
  --connections N   concurrent connections, pipelining 1 (default 32, 1..1024)
  --only LIST       targets, comma-separated: nimbus,moto,dynalite,ceiling (default all;
                    dynalite runs only in the DynamoDB scenarios)
  --scenario LIST   scenario names, comma-separated (default all): ${ALL_SCENARIOS.map((s) => s.name).join(', ')}
  --rounds N        measure every target N times, taking turns; report the median (default 1)
  --starts N        start-ups timed per server, median reported (default 5, 0 skips)
  --out FILE        JSON results (default bench/results/latest.json)`;

function fail(message) {
  const e = new Error(message);
  e.usage = true;
  throw e;
}

function intOption(values, name, def, min, max) {
  if (values[name] === undefined) return def;
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        duration: { type: 'string' }, warmup: { type: 'string' }, connections: { type: 'string' },
        only: { type: 'string' }, scenario: { type: 'string' }, starts: { type: 'string' }, rounds: { type: 'string' },
        out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    fail(e.message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const targets = values.only ? list(values.only) : TARGET_NAMES;
  const badTarget = targets.filter((t) => !TARGET_NAMES.includes(t));
  if (badTarget.length || !targets.length) fail(`--only takes ${TARGET_NAMES.join(',')}; got ${values.only}`);
  const names = values.scenario ? list(values.scenario) : ALL_SCENARIOS.map((s) => s.name);
  const badScenario = names.filter((n) => !ALL_SCENARIOS.some((s) => s.name === n));
  if (badScenario.length || !names.length) {
    fail(`unknown scenario ${badScenario.join(', ')}; known: ${ALL_SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  return {
    duration: intOption(values, 'duration', 10, 1, 600),
    warmup: intOption(values, 'warmup', 2, 0, 60),
    connections: Math.round(intOption(values, 'connections', 32, 1, 1024)),
    starts: Math.round(intOption(values, 'starts', 5, 0, 20)),
    rounds: Math.round(intOption(values, 'rounds', 1, 1, 20)),
    // Keep the fixed order nimbus, moto, dynalite, ceiling whatever order --only lists them in.
    targets: TARGET_NAMES.filter((t) => targets.includes(t)),
    scenarios: ALL_SCENARIOS.filter((s) => names.includes(s.name)),
    out: values.out ?? join(RESULTS, 'latest.json'),
  };
}

// ---------------------------------------------------------------- child processes

const children = new Set();

function killGroup(child, signal) {
  // Servers are spawned detached, i.e. as leaders of their own process group: signalling the
  // group also reaches anything they started themselves.
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

function killAllNow() {
  for (const c of children) killGroup(c, 'SIGKILL');
}

/** Kills every server still running and waits (bounded) for them to exit, so none is left over. */
async function killAll() {
  const running = [...children];
  killAllNow();
  await Promise.race([Promise.all(running.map((c) => c.exited)), sleep(3000)]);
  children.clear();
}

process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\n${sig}: stopping ${children.size} server(s)`);
    killAll().finally(() => process.exit(130));
  });
}

function resolveMoto() {
  if (process.env.MOTO_SERVER) return process.env.MOTO_SERVER;
  // moto_server is usually a pyenv shim (a shell script that execs pyenv that execs python):
  // go straight to the real script so start-up times do not include the shim.
  try {
    const real = execFileSync('pyenv', ['which', 'moto_server'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (real && existsSync(real)) return real;
  } catch { /* no pyenv */ }
  return 'moto_server';
}

function motoVersion(bin) {
  try {
    const first = readFileSync(bin, 'utf8').split('\n', 1)[0];
    const python = first.startsWith('#!') ? first.slice(2).trim().split(/\s+/)[0] : 'python3';
    return execFileSync(python, ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

const NIMBUS_BIN = join(ROOT, 'bin', 'nimbus.js');
const CEILING_BIN = join(BENCH, 'ceiling.mjs');
let MOTO_BIN;

const TARGETS = {
  nimbus: {
    label: 'nimbus',
    command: (port) => [process.execPath, [NIMBUS_BIN, 'start', '--port', String(port), '--host', HOST, '--log-level', 'warn'], {}],
  },
  moto: {
    label: 'moto',
    command: (port) => [MOTO_BIN, ['-H', HOST, '-p', String(port)], {}],
  },
  dynalite: {
    label: 'dynalite',
    // Tables go ACTIVE at once (its default delays them by 500 ms, as AWS does by seconds).
    command: (port) => [process.execPath, [join(ROOT, 'node_modules', 'dynalite', 'cli.js'), '--port', String(port),
      '--createTableMs', '0', '--deleteTableMs', '0', '--updateTableMs', '0'], {}],
  },
  ceiling: {
    label: 'ceiling',
    command: (port, scenario) => [process.execPath, [CEILING_BIN, String(port)],
      scenario?.ceiling ? { BENCH_CEILING_RESPONSE: JSON.stringify(scenario.ceiling) } : {}],
  },
};

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function logTail(file, chars = 3000) {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > chars ? '...' + text.slice(-chars) : text;
  } catch {
    return '';
  }
}

/**
 * Spawns a target's server and waits until it answers the probe request.
 * requireOk: wait for a 200 (start-up timing); otherwise any HTTP answer means ready.
 */
async function startServer(target, scenario, logName, { requireOk = false, timeoutMs = 60_000 } = {}) {
  const port = await freePort();
  const [cmd, args, env] = TARGETS[target].command(port, scenario);
  const probeReq = await sign(probe, port, probe.service);
  mkdirSync(LOGS, { recursive: true });
  const logFile = join(LOGS, `${logName}.log`);
  const fd = openSync(logFile, 'w');
  const t0 = performance.now();
  const child = spawn(cmd, args, {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd], detached: true,
  });
  closeSync(fd);
  children.add(child);
  let exitInfo = null;
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => { exitInfo = { code, signal }; children.delete(child); resolve(exitInfo); });
    child.once('error', (err) => { exitInfo = { error: err }; children.delete(child); resolve(exitInfo); });
  });
  const server = { target, port, endpoint: `http://${HOST}:${port}`, child, pid: child.pid, logFile };
  const deadline = t0 + timeoutMs;
  let last = 'no answer';
  for (;;) {
    if (exitInfo) {
      await stopServer(server);
      throw new Error(`${target} exited during start-up (${exitInfo.error?.message ?? `code ${exitInfo.code}, signal ${exitInfo.signal}`}); `
        + `command: ${cmd} ${args.join(' ')}\n--- ${relative(ROOT, logFile)}:\n${logTail(logFile)}`);
    }
    try {
      const r = await send(port, probeReq, 2000);
      if (!requireOk || r.status === 200) {
        server.readyMs = performance.now() - t0;
        return server;
      }
      last = `HTTP ${r.status}: ${r.body.slice(0, 300)}`;
    } catch (e) {
      last = e.code ?? e.message;
    }
    if (performance.now() > deadline) {
      await stopServer(server);
      throw new Error(`${target} did not answer ${requireOk ? 'GetCallerIdentity with 200 ' : ''}within ${timeoutMs / 1000} s (last: ${last})\n`
        + `--- ${relative(ROOT, logFile)}:\n${logTail(logFile)}`);
    }
    await sleep(5);
  }
}

async function stopServer(server) {
  const { child } = server;
  if (!children.has(child)) return;
  killGroup(child, 'SIGTERM');
  const done = await Promise.race([child.exited, sleep(3000).then(() => null)]);
  if (!done) {
    killGroup(child, 'SIGKILL');
    await Promise.race([child.exited, sleep(3000)]);
  }
  children.delete(child);
}

function rssMb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- requests

const signers = new Map();

/** Signs a request once (SigV4, test/test, us-east-1) for a server on 127.0.0.1:port. */
async function sign(req, port, service) {
  if (!signers.has(service)) {
    signers.set(service, new SignatureV4({ service, region: REGION, credentials: CREDENTIALS, sha256: Sha256 }));
  }
  const [path, qs] = req.path.split('?');
  const query = {};
  for (const [k, v] of new URLSearchParams(qs ?? '')) {
    query[k] = k in query ? [].concat(query[k], v) : v;
  }
  const unsigned = new HttpRequest({
    method: req.method, protocol: 'http:', hostname: HOST, port, path, query,
    headers: { host: `${HOST}:${port}`, ...req.headers }, body: req.body ?? '',
  });
  const signed = await signers.get(service).sign(unsigned);
  const { service: _s, ...rest } = req;
  return { ...rest, headers: signed.headers, body: req.body ?? '' };
}

/** One request on a fresh connection; resolves to {status, headers, body}. */
function send(port, req, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const r = http.request({
      host: HOST, port, method: req.method, path: req.path, headers: req.headers, agent: false, timeout: timeoutMs,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    r.on('timeout', () => r.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TIMEOUT' })));
    r.on('error', reject);
    r.end(req.body ?? '');
  });
}

function matches(body, expect) {
  if (expect === undefined) return true;
  return expect instanceof RegExp ? expect.test(body) : body.includes(expect);
}

// ---------------------------------------------------------------- load

function percentile(sorted, q) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** One autocannon run; with `record`, keeps every 2xx latency (ms, sub-ms resolution). */
async function runLoad(port, requests, seconds, connections, record) {
  const latencies = record ? [] : null;
  const instance = autocannon({
    url: `http://${HOST}:${port}`, connections, pipelining: 1, duration: seconds, timeout: 10,
    requests: requests.map(({ expect: _e, ...r }) => r),
  });
  if (latencies) {
    instance.on('response', (_client, status, _bytes, ms) => { if (status >= 200 && status < 300) latencies.push(ms); });
  }
  const result = await instance;
  if (!latencies) return result;
  const sorted = Float64Array.from(latencies).sort();
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;
  return {
    reqPerSec: result.requests.average,
    latencyMs: {
      p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99),
      mean, max: sorted.length ? sorted[sorted.length - 1] : null,
    },
    responses2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
    seconds: result.duration,
  };
}

async function benchTarget(target, scenario, opts) {
  const label = TARGETS[target].label;
  const say = (m) => console.error(`  [${scenario.name}] ${label}: ${m}`);
  say('starting');
  const server = await startServer(target, scenario, `${scenario.name}-${target}`);
  try {
    await sleep(500);
    const rssAfterStart = rssMb(server.pid);
    const call = async (req) => send(server.port, await sign(req, server.port, req.service ?? scenario.service));
    // The ceiling answers one fixed body to everything: there is nothing to set up.
    const state = scenario.setup && target !== 'ceiling' ? await scenario.setup(server.endpoint, { call, target }) : undefined;
    const built = [].concat(scenario.requests(server.endpoint, state));
    const requests = await Promise.all(built.map((r) => sign(r, server.port, r.service ?? scenario.service)));

    // Check every request once before any load: a benchmark of error answers is worthless.
    const responseBytes = [];
    for (const [i, req] of requests.entries()) {
      const r = await send(server.port, req);
      // The ceiling answers one fixed body to everything: only its status is checked.
      if (r.status !== 200 || (target !== 'ceiling' && !matches(r.body, req.expect))) {
        throw new Error(`${label} failed the check of scenario ${scenario.name}, request ${i + 1} (${req.method} ${req.path}): `
          + `HTTP ${r.status}${req.expect !== undefined ? `, expected the body to contain ${req.expect}` : ''}\n`
          + `--- body:\n${r.body.slice(0, 1500)}\n--- ${relative(ROOT, server.logFile)}:\n${logTail(server.logFile)}`);
      }
      responseBytes.push(Buffer.byteLength(r.body));
    }

    if (opts.warmup > 0) {
      say(`warm-up ${opts.warmup} s`);
      await runLoad(server.port, requests, opts.warmup, opts.connections, false);
    }
    say(`measuring ${opts.duration} s, ${opts.connections} connections`);
    const stats = await runLoad(server.port, requests, opts.duration, opts.connections, true);
    await sleep(1000);
    const rssAfterLoad = rssMb(server.pid);
    if (!children.has(server.child)) throw new Error(`${label} died during the load\n${logTail(server.logFile)}`);
    return { ...stats, responseBytes, rssMb: { afterStart: rssAfterStart, afterLoad: rssAfterLoad }, pid: server.pid };
  } finally {
    await stopServer(server);
  }
}

async function timeStartups(target, n) {
  const runs = [];
  for (let i = 0; i < n; i++) {
    const server = await startServer(target, null, `startup-${target}`, { requireOk: true });
    runs.push(Math.round(server.readyMs));
    await stopServer(server);
    await sleep(200);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const medianMs = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { runsMs: runs, medianMs };
}

// ---------------------------------------------------------------- output

const fmt = (n, digits = 0) => (n === null || n === undefined ? '-' : n.toFixed(digits));
const ratio = (x) => (x >= 10 ? x.toFixed(1) : x.toFixed(2)) + 'x';

function table(rows) {
  const header = ['target', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'];
  const lines = [header, ...rows.map(([target, s]) => s.skipped
    ? [target, 'skipped', '', '', '', '']
    : [target, fmt(s.reqPerSec), fmt(s.latencyMs.p50, 2), fmt(s.latencyMs.p99, 2), String(s.non2xx), String(s.errors + (s.timeouts ? ` (${s.timeouts} timeouts)` : ''))])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  return lines.map((l) => '  ' + l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ')).join('\n');
}

function ratios(results) {
  const n = results.nimbus?.reqPerSec;
  const out = {};
  if (n && results.moto?.reqPerSec) out.nimbusOverMoto = n / results.moto.reqPerSec;
  if (n && results.dynalite?.reqPerSec) out.nimbusOverDynalite = n / results.dynalite.reqPerSec;
  if (n && results.ceiling?.reqPerSec) out.nimbusOverCeiling = n / results.ceiling.reqPerSec;
  return out;
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  if (opts.targets.includes('nimbus') && !existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) {
    throw new Error('dist/src/cli.js is missing: run `npm run build` first (or use `npm run bench`)');
  }
  if (opts.targets.includes('moto')) MOTO_BIN = resolveMoto();

  // A hard bound on the whole run, whatever hangs.
  const perTarget = opts.warmup + opts.duration + 90;
  const budgetS = opts.scenarios.length * opts.targets.length * opts.rounds * perTarget + opts.starts * 2 * 65 + 60;
  setTimeout(() => {
    console.error(`bench: gave up after ${budgetS} s (watchdog)`);
    killAll().finally(() => process.exit(1));
  }, budgetS * 1000).unref();

  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const machine = {
    cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    node: process.version, platform: `${os.platform()} ${os.release()}`,
  };
  const versions = { nimbus: pkg.version, moto: opts.targets.includes('moto') ? motoVersion(MOTO_BIN) : undefined, autocannon: createRequire(import.meta.url)('autocannon/package.json').version };
  const report = {
    date: new Date().toISOString(), machine, versions,
    options: { duration: opts.duration, warmup: opts.warmup, connections: opts.connections, pipelining: 1, targets: opts.targets, starts: opts.starts, rounds: opts.rounds },
    startup: {}, scenarios: [],
  };

  console.log(`Nimbus bench: ${machine.cpus} CPU(s) (${machine.cpuModel}), node ${machine.node}, nimbus ${versions.nimbus}`
    + `${versions.moto ? `, moto ${versions.moto}` : ''}`);
  console.log(`load: autocannon ${versions.autocannon}, ${opts.connections} connections, pipelining 1, ${opts.warmup} s warm-up + ${opts.duration} s measured per target`
    + (opts.rounds > 1 ? `, ${opts.rounds} rounds (median)` : ''));
  console.log('(load generator and server share the CPUs: compare the ratios, not the absolute numbers)');

  // Start-up is timed on STS GetCallerIdentity, which only full AWS emulators answer.
  const timed = opts.targets.filter((t) => t !== 'ceiling' && !PEER_ONLY.has(t));
  if (opts.starts > 0 && timed.length) {
    console.error(`timing start-ups (${opts.starts} per server)`);
    for (const t of timed) report.startup[t] = await timeStartups(t, opts.starts);
    console.log(`\nstart-up, spawn to first 200 on GetCallerIdentity (median of ${opts.starts}):`);
    for (const t of timed) {
      console.log(`  ${t.padEnd(7)} ${String(report.startup[t].medianMs).padStart(6)} ms   (runs: ${report.startup[t].runsMs.join(', ')} ms)`);
    }
  }

  for (const scenario of opts.scenarios) {
    // With --rounds N the targets take turns N times (nimbus, moto, ceiling, nimbus, ...), so a
    // burst of other work on the machine hits all of them alike; each target's reported run is
    // its median one by req/s.
    const runs = Object.fromEntries(opts.targets.map((t) => [t, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      if (opts.rounds > 1) console.error(`  [${scenario.name}] round ${round} of ${opts.rounds}`);
      for (const t of opts.targets) {
        if (t === 'ceiling' && !scenario.ceiling) continue;
        if (PEER_ONLY.has(t) && !scenario.peers?.includes(t)) continue;
        runs[t].push(await benchTarget(t, scenario, opts));
      }
    }
    const results = {};
    for (const t of opts.targets) {
      if (!runs[t].length) {
        results[t] = { skipped: t === 'ceiling' ? 'the scenario has no `ceiling` response' : `${t} serves other scenarios only` };
        continue;
      }
      const sorted = [...runs[t]].sort((a, b) => a.reqPerSec - b.reqPerSec);
      results[t] = { ...sorted[(sorted.length - 1) >> 1], roundsReqPerSec: runs[t].map((x) => x.reqPerSec) };
    }
    const r = ratios(results);
    report.scenarios.push({ name: scenario.name, title: scenario.title, targets: results, ratios: r });

    console.log(`\nscenario ${scenario.name}: ${scenario.title}`);
    console.log(table(opts.targets.filter((t) => !PEER_ONLY.has(t) || scenario.peers?.includes(t)).map((t) => [t, results[t]])));
    const parts = [];
    if (r.nimbusOverMoto !== undefined) parts.push(`${ratio(r.nimbusOverMoto)} moto`);
    if (r.nimbusOverDynalite !== undefined) parts.push(`${ratio(r.nimbusOverDynalite)} dynalite`);
    if (r.nimbusOverCeiling !== undefined) parts.push(`${ratio(r.nimbusOverCeiling)} node:http ceiling`);
    if (parts.length) console.log(`  nimbus = ${parts.join(', ')}`);
    const measured = opts.targets.filter((t) => !results[t].skipped);
    if (opts.rounds > 1) {
      console.log(`  req/s per round (median shown above): ${measured.map((t) => `${t} ${results[t].roundsReqPerSec.map((x) => fmt(x)).join('/')}`).join(', ')}`);
    }
    console.log(`  response bytes: ${measured.map((t) => `${t} ${results[t].responseBytes.join('+')}`).join(', ')}`);
    console.log(`  server RSS MB, idle after start-up -> after the load: ${measured.map((t) => `${t} ${fmt(results[t].rssMb.afterStart, 1)} -> ${fmt(results[t].rssMb.afterLoad, 1)}`).join(', ')}`);
    for (const t of measured) {
      const s = results[t];
      if (s.non2xx || s.errors) console.log(`  WARNING: ${t} had ${s.non2xx} non-2xx answers (${JSON.stringify(s.statusCodes)}) and ${s.errors} errors under load`);
    }
  }

  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nresults: ${relative(process.cwd(), opts.out) || opts.out}`);
}

main().then(async () => {
  await killAll();
  process.exit(0);
}, async (e) => {
  console.error(e.usage ? `bench: ${e.message}\n\n${USAGE}` : `bench FAILED: ${e.stack ?? e.message}`);
  await killAll();
  process.exit(e.usage ? 2 : 1);
});
