#!/usr/bin/env node
// Lambda latencies, against the floor of spawning `node` directly:
//
//   floor        spawn `node` running a hello-world handler once, to exit (what any local
//                Lambda must at least pay for a cold start)
//   cold start   first Invoke of a new Node.js hello-world function (new process, runtime
//                shim, Runtime API handshake), median over fresh functions
//   warm invoke  Invoke of a warm function, sequential; the overhead is its p50 minus the p50
//                of a trivial Lambda API call on the same connection (GetAccountSettings), i.e.
//                Nimbus's own time around the handler beyond HTTP
//   concurrency  100 Invokes at once of a handler that waits 100 ms: total time, instances
//
// moto cannot run functions without Docker, so it has no column here.
//
//   npm run build && node bench/lambda.mjs [--cold 10] [--warm 2000]
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';
import AdmZip from 'adm-zip';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { LambdaClient, CreateFunctionCommand, InvokeCommand, GetAccountSettingsCommand } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const { values } = parseArgs({ options: { cold: { type: 'string', default: '10' }, warm: { type: 'string', default: '2000' }, port: { type: 'string', default: '4591' } } });
const COLD = Number(values.cold);
const WARM = Number(values.warm);
const PORT = Number(values.port);
const endpoint = `http://127.0.0.1:${PORT}`;

const HANDLER = 'exports.handler = async (event) => ({ ok: true, echo: event });';
const SLOW = 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 100)); return process.pid; };';
const zip = (source) => { const z = new AdmZip(); z.addFile('index.js', Buffer.from(source), '', 0o644); return z.toBuffer(); };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * q))]; };
const ms = (x) => `${x.toFixed(2)} ms`;

function floor() {
  const times = [];
  for (let i = 0; i < COLD; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['-e', `${HANDLER}; exports.handler({}).then((x) => process.stdout.write(JSON.stringify(x)))`], { encoding: 'utf8' });
    if (!r.stdout.includes('"ok":true')) throw new Error(`node failed: ${r.stderr}`);
    times.push(performance.now() - t);
  }
  return median(times);
}

const server = spawn(process.execPath, ['bin/nimbus.js', 'start', '--port', String(PORT), '--log-level', 'warn'], { stdio: 'inherit' });
try {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: agent }) };
  const lambda = new LambdaClient(config);
  for (let i = 0; i < 200; i++) { try { await lambda.send(new GetAccountSettingsCommand({})); break; } catch { await new Promise((r) => setTimeout(r, 25)); } }
  const role = (await new IAMClient(config).send(new CreateRoleCommand({ RoleName: 'bench', AssumeRolePolicyDocument: JSON.stringify({
    Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }))).Role.Arn;
  const create = (name, source) => lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: zip(source) } }));
  const invoke = async (name, payload = '{}') => {
    const r = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(payload) }));
    if (r.FunctionError) throw new Error(`${name}: ${Buffer.from(r.Payload).toString()}`);
    return r;
  };

  const floorMs = floor();

  const cold = [];
  for (let i = 0; i < COLD; i++) {
    await create(`cold-${i}`, HANDLER);
    const t = performance.now();
    await invoke(`cold-${i}`);
    cold.push(performance.now() - t);
  }

  await create('warm', HANDLER);
  await invoke('warm');
  const warm = [], api = [];
  for (let i = 0; i < WARM; i++) {
    let t = performance.now();
    await invoke('warm', '{"n":1}');
    warm.push(performance.now() - t);
    t = performance.now();
    await lambda.send(new GetAccountSettingsCommand({}));
    api.push(performance.now() - t);
  }

  await create('slow', SLOW);
  const t = performance.now();
  const pids = await Promise.all(Array.from({ length: 100 }, () => invoke('slow').then((r) => Buffer.from(r.Payload).toString())));
  const concurrentMs = performance.now() - t;

  console.log(`Lambda (Node.js 20 hello world), ${COLD} cold starts, ${WARM} warm invokes`);
  console.log(`  floor: spawn node and run the handler     ${ms(floorMs)} (median)`);
  console.log(`  cold start, first Invoke of a function     ${ms(median(cold))} (median; ${(median(cold) / floorMs).toFixed(2)}x the floor)`);
  console.log(`  warm Invoke                                p50 ${ms(median(warm))}, p99 ${ms(pct(warm, 0.99))}`);
  console.log(`  trivial Lambda API call (same client)      p50 ${ms(median(api))}`);
  console.log(`  warm invoke overhead beyond HTTP           p50 ${ms(median(warm) - median(api))}`);
  console.log(`  100 concurrent Invokes of a 100 ms handler ${ms(concurrentMs)} total, ${new Set(pids).size} instances`);
} finally {
  server.kill('SIGTERM');
}
