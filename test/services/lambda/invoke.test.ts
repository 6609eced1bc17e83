// Lambda invoking real code: Node.js (CommonJS and ES modules, async and callback handlers)
// and Python, the environment a function sees, errors, timeouts, warm reuse, LogType Tail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { nimbus, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, parsed, role, text } from './util.js';

let n: Nimbus;
let lambda: LambdaClient;
let roleArn: string;
before(async () => { n = await nimbus(); lambda = new LambdaClient(sdk(n)); roleArn = await role(n); });
after(async () => { n.reset(); await n.stop(); });

const invoke = (FunctionName: string, payload: unknown = {}, extra: Record<string, unknown> = {}) =>
  lambda.send(new InvokeCommand({ FunctionName, Payload: Buffer.from(JSON.stringify(payload)), ...extra }));

test('Node.js CommonJS async handler: event in, result out; cold and warm latency', async () => {
  await createFn(lambda, roleArn, 'cjs-async', {
    'index.js': `let count = 0;
exports.handler = async (event, context) => ({ echo: event, count: ++count, requestId: context.awsRequestId, cc: context.clientContext,
  fn: context.functionName, version: context.functionVersion, mem: context.memoryLimitInMB, arn: context.invokedFunctionArn,
  remaining: context.getRemainingTimeInMillis(), group: context.logGroupName, stream: context.logStreamName });`,
  });
  let t = performance.now();
  const r1 = await invoke('cjs-async', { a: 1 }, { ClientContext: Buffer.from(JSON.stringify({ custom: { k: 'v' } })).toString('base64') });
  const cold = performance.now() - t;
  t = performance.now();
  const r2 = await invoke('cjs-async', { a: 2 });
  const warm = performance.now() - t;
  const times: number[] = [];
  for (let i = 0; i < 10; i++) { t = performance.now(); await invoke('cjs-async', {}); times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(`# node cold invoke ${cold.toFixed(1)} ms, first warm ${warm.toFixed(1)} ms, warm median ${times[5].toFixed(1)} ms`);
  assert.equal(r1.StatusCode, 200);
  assert.equal(r1.ExecutedVersion, '$LATEST');
  assert.equal(r1.FunctionError, undefined);
  const p1 = parsed(r1.Payload), p2 = parsed(r2.Payload);
  assert.deepEqual(p1.echo, { a: 1 });
  assert.equal(p1.count, 1);
  assert.equal(p2.count, 2, 'the warm instance is reused');
  assert.equal(p1.fn, 'cjs-async');
  assert.equal(p1.version, '$LATEST');
  assert.equal(p1.mem, '128');
  assert.equal(p1.arn, 'arn:aws:lambda:us-east-1:000000000000:function:cjs-async');
  assert.ok(p1.remaining > 2000 && p1.remaining <= 3000);
  assert.equal(p1.group, '/aws/lambda/cjs-async');
  assert.match(p1.stream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(p1.requestId, r1.$metadata.requestId, 'the invocation id is the response\'s x-amzn-RequestId');
  assert.deepEqual(p1.cc, { custom: { k: 'v' } });
  assert.notEqual(p1.requestId, p2.requestId);
});

test('Node.js ES module and callback-style handlers', async () => {
  await createFn(lambda, roleArn, 'esm', { 'app.mjs': 'export const handler = async (e) => ({ esm: true, x: e.x * 2 });' }, { Handler: 'app.handler' });
  assert.deepEqual(parsed((await invoke('esm', { x: 21 })).Payload), { esm: true, x: 42 });
  await createFn(lambda, roleArn, 'cb', { 'index.js': 'exports.handler = (e, ctx, cb) => setTimeout(() => cb(null, { cb: e.v }), 10);' });
  assert.deepEqual(parsed((await invoke('cb', { v: 'ok' })).Payload), { cb: 'ok' });
  await createFn(lambda, roleArn, 'cb-err', { 'index.js': 'exports.handler = (e, ctx, cb) => cb(new TypeError("bad input"));' });
  const r = await invoke('cb-err');
  assert.equal(r.FunctionError, 'Unhandled');
  const p = parsed(r.Payload);
  assert.equal(p.errorType, 'TypeError');
  assert.equal(p.errorMessage, 'bad input');
});

test('the environment is Lambda\'s, not Nimbus\'s', async () => {
  process.env.NIMBUS_SECRET = 'do-not-leak';
  try {
    await createFn(lambda, roleArn, 'env', { 'index.js': 'exports.handler = async () => process.env;' },
      { Environment: { Variables: { GREETING: 'hello' } }, MemorySize: 256, Timeout: 7 });
    const env = parsed((await invoke('env')).Payload);
    assert.equal(env.NIMBUS_SECRET, undefined);
    assert.equal(env.GREETING, 'hello');
    assert.equal(env.AWS_ENDPOINT_URL, n.endpoint);
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'env');
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/env');
    assert.match(env.AWS_LAMBDA_LOG_STREAM_NAME, /\[\$LATEST\]/);
    assert.equal(env._HANDLER, 'index.handler');
    assert.ok(env.LAMBDA_TASK_ROOT);
    assert.match(env.AWS_ACCESS_KEY_ID, /^ASIA/);
    assert.ok(env.AWS_SECRET_ACCESS_KEY && env.AWS_SESSION_TOKEN);
    assert.match(env._X_AMZN_TRACE_ID, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};/);
    assert.equal(env.TZ, ':UTC');
    assert.match(env.AWS_LAMBDA_RUNTIME_API, /^127\.0\.0\.1:\d+$/);
  } finally { delete process.env.NIMBUS_SECRET; }
});

test('Python handler; boto3 inside the function reaches Nimbus with the role\'s credentials', async () => {
  await createFn(lambda, roleArn, 'py', {
    'app.py': `import os, boto3
calls = 0
def handler(event, context):
    global calls
    calls += 1
    ident = boto3.client('sts').get_caller_identity()
    print("hello from python")
    return {"n": event["n"] + 1, "calls": calls, "arn": ident["Arn"], "rid": context.aws_request_id,
            "fn": context.function_name, "remaining": context.get_remaining_time_in_millis(), "secret": os.environ.get("NIMBUS_SECRET")}
`,
  }, { Runtime: 'python3.12', Handler: 'app.handler', Timeout: 10 });
  process.env.NIMBUS_SECRET = 'x';
  const r = await invoke('py', { n: 41 }, { LogType: 'Tail' });
  delete process.env.NIMBUS_SECRET;
  assert.equal(r.FunctionError, undefined, text(r.Payload));
  const p = parsed(r.Payload);
  assert.equal(p.n, 42);
  assert.equal(p.arn, 'arn:aws:sts::000000000000:assumed-role/lambda-exec/py');
  assert.equal(p.fn, 'py');
  assert.equal(p.secret, null);
  const tail = Buffer.from(r.LogResult!, 'base64').toString('utf8');
  assert.match(tail, /START RequestId: [0-9a-f-]+ Version: \$LATEST/);
  assert.match(tail, /hello from python/);
  assert.match(tail, /REPORT RequestId: .*Duration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration/);
  const again = parsed((await invoke('py', { n: 1 })).Payload);
  assert.equal(again.calls, 2);
});

test('Node.js: the AWS SDK v3 is there to require, as the runtime provides it, and reaches Nimbus with the role\'s credentials', async () => {
  await createFn(lambda, roleArn, 'node-sdk', {
    'index.js': `const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
const sts = new STSClient({});
exports.handler = async () => ({ arn: (await sts.send(new GetCallerIdentityCommand({}))).Arn });`,
  }, { Timeout: 20 });
  const r = await invoke('node-sdk');
  assert.equal(r.FunctionError, undefined, text(r.Payload));
  assert.equal(parsed(r.Payload).arn, 'arn:aws:sts::000000000000:assumed-role/lambda-exec/node-sdk');
});

test('Python errors: raised exception and import failure', async () => {
  await createFn(lambda, roleArn, 'py-err', { 'app.py': 'def handler(e, c):\n    raise ValueError("nope")\n' }, { Runtime: 'python3.12', Handler: 'app.handler' });
  const r = await invoke('py-err');
  assert.equal(r.FunctionError, 'Unhandled');
  const p = parsed(r.Payload);
  assert.equal(p.errorType, 'ValueError');
  assert.equal(p.errorMessage, 'nope');
  assert.ok(Array.isArray(p.stackTrace));
  await createFn(lambda, roleArn, 'py-missing', { 'app.py': 'x = 1\n' }, { Runtime: 'python3.12', Handler: 'nothere.handler' });
  const m = await invoke('py-missing');
  assert.equal(m.FunctionError, 'Unhandled');
  assert.equal(parsed(m.Payload).errorType, 'Runtime.ImportModuleError');
  assert.match(parsed(m.Payload).errorMessage, /Unable to import module 'nothere'/);
});

test('thrown errors, missing handlers, timeouts', async () => {
  await createFn(lambda, roleArn, 'throws', { 'index.js': 'exports.handler = async () => { throw new RangeError("too far"); };' });
  const r = await invoke('throws', {}, { LogType: 'Tail' });
  assert.equal(r.StatusCode, 200);
  assert.equal(r.FunctionError, 'Unhandled');
  const p = parsed(r.Payload);
  assert.equal(p.errorType, 'RangeError');
  assert.equal(p.errorMessage, 'too far');
  assert.ok(Array.isArray(p.trace));
  assert.match(Buffer.from(r.LogResult!, 'base64').toString(), /Invoke Error/);

  await createFn(lambda, roleArn, 'nohandler', { 'index.js': 'exports.other = 1;' });
  const h = await invoke('nohandler');
  assert.equal(h.FunctionError, 'Unhandled');
  assert.equal(parsed(h.Payload).errorType, 'Runtime.HandlerNotFound');
  assert.equal(parsed(h.Payload).errorMessage, 'index.handler is undefined or not exported');

  await createFn(lambda, roleArn, 'slow', { 'index.js': 'let n = 0; exports.handler = async (e) => { n++; if (e.sleep) await new Promise(r => setTimeout(r, e.sleep)); return n; };' },
    { Timeout: 1 });
  const t0 = Date.now();
  const s = await invoke('slow', { sleep: 3000 }, { LogType: 'Tail' });
  assert.ok(Date.now() - t0 < 2500, 'the timeout ends the invocation');
  assert.equal(s.FunctionError, 'Unhandled');
  assert.match(parsed(s.Payload).errorMessage, /Task timed out after 1\.00 seconds/);
  assert.match(Buffer.from(s.LogResult!, 'base64').toString(), /Task timed out after 1\.00 seconds/);
  // The timed-out instance is gone: the next invocation starts fresh.
  assert.equal(parsed((await invoke('slow', {})).Payload), 1);
});

test('a runtime that exits mid-invocation: Runtime.ExitError, and the next invocation starts a new instance', async () => {
  await createFn(lambda, roleArn, 'exits', { 'index.js': 'let n = 0; exports.handler = async (e) => { n++; if (e.exit) process.exit(3); return n; };' });
  assert.equal(parsed((await invoke('exits')).Payload), 1);
  const r = await invoke('exits', { exit: true });
  assert.equal(r.FunctionError, 'Unhandled');
  const p = parsed(r.Payload);
  assert.equal(p.errorType, 'Runtime.ExitError');
  assert.match(p.errorMessage, /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/);
  assert.equal(parsed((await invoke('exits')).Payload), 1);
});

test('memory size: a Node.js function that outgrows its heap (as AWS sizes it from MemorySize) dies; with more memory it runs', async () => {
  // Keeps ~200 MB of strings alive: over a 128 MB function's heap, within a 512 MB one's.
  const code = 'exports.handler = async () => { const keep = []; for (let i = 0; i < 200; i++) keep.push("x".repeat(1 << 20).split("").join("")); return keep.length; };';
  await createFn(lambda, roleArn, 'small-mem', { 'index.js': code }, { MemorySize: 128, Timeout: 60 });
  await createFn(lambda, roleArn, 'big-mem', { 'index.js': code }, { MemorySize: 512, Timeout: 60 });
  const small = await invoke('small-mem');
  assert.equal(small.FunctionError, 'Unhandled');
  assert.equal(parsed(small.Payload).errorType, 'Runtime.ExitError');
  const big = await invoke('big-mem');
  assert.equal(big.FunctionError, undefined, text(big.Payload));
  assert.equal(parsed(big.Payload), 200);
});

test('provided.al2023: the zip\'s bootstrap speaks the Runtime API', async () => {
  const bootstrap = `#!/bin/sh
set -e
API="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
while true; do
  HEADERS=$(mktemp)
  EVENT=$(curl -sS -D "$HEADERS" "$API/invocation/next")
  ID=$(grep -i Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  echo "custom runtime got $EVENT"
  curl -sS -X POST "$API/invocation/$ID/response" -d "{\\"custom\\":$EVENT}" > /dev/null
done
`;
  await createFn(lambda, roleArn, 'custom', { bootstrap: [bootstrap, 0o755] }, { Runtime: 'provided.al2023', Handler: 'unused' });
  const r = await invoke('custom', { hi: 1 });
  assert.equal(r.FunctionError, undefined, text(r.Payload));
  assert.deepEqual(parsed(r.Payload), { custom: { hi: 1 } });
});
