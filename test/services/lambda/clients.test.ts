// Lambda through the aws CLI and boto3, asynchronous invocations with retries on the clock,
// and deployment packages that must be refused (path traversal, more than 250 MB unzipped).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaClient, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, role, zipOf } from './util.js';

let n: Nimbus;
let lambda: LambdaClient;
let roleArn: string;
before(async () => { n = await nimbus(); lambda = new LambdaClient(sdk(n)); roleArn = await role(n); });
after(async () => { n.reset(); await n.stop(); });

const pyZip = (script: string): Buffer => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-test-'));
  try {
    execFileSync('python3', ['-c', `import zipfile, sys\nz = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n${script}\nz.close()`, join(dir, 'x.zip')]);
    return readFileSync(join(dir, 'x.zip'));
  } finally { rmSync(dir, { recursive: true, force: true }); }
};

test('aws CLI: create-function, invoke with a raw JSON payload and --log-type Tail, errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-cli-'));
  try {
    const zipPath = join(dir, 'code.zip');
    execFileSync('python3', ['-c', `import zipfile\nz = zipfile.ZipFile('${zipPath}', 'w')\nz.writestr('index.js', 'exports.handler = async (e) => { console.log("cli says", e.msg); return { got: e.msg }; };')\nz.close()`]);
    const c = await aws(n, ['lambda', 'create-function', '--function-name', 'cli-fn', '--runtime', 'nodejs20.x', '--handler', 'index.handler',
      '--role', roleArn, '--zip-file', `fileb://${zipPath}`]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(JSON.parse(c.stdout).FunctionName, 'cli-fn');
    // awscli v1 sends --payload as given (v2 would need --cli-binary-format raw-in-base64-out).
    const out = join(dir, 'out.json');
    const r = await aws(n, ['lambda', 'invoke', '--function-name', 'cli-fn', '--payload', '{"msg":"hi"}', '--log-type', 'Tail', out]);
    assert.equal(r.code, 0, r.stderr);
    const meta = JSON.parse(r.stdout);
    assert.equal(meta.StatusCode, 200);
    assert.equal(meta.ExecutedVersion, '$LATEST');
    assert.match(Buffer.from(meta.LogResult, 'base64').toString(), /INFO\tcli says hi/);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { got: 'hi' });
    const missing = await aws(n, ['lambda', 'get-function', '--function-name', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /\(ResourceNotFoundException\).*Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('boto3: create, invoke (FunctionError), list, modelled exceptions', async () => {
  const zip = zipOf({ 'index.js': 'exports.handler = async (e) => { if (e.fail) throw new Error("asked to fail"); return e.n * 2; };' });
  const out = await boto3<Record<string, unknown>>(n, `
import base64
c = boto3.client('lambda', endpoint_url=endpoint, region_name='us-east-1')
c.create_function(FunctionName='py-made', Runtime='nodejs20.x', Handler='index.handler', Role=${JSON.stringify(roleArn)},
                  Code={'ZipFile': base64.b64decode(${JSON.stringify(zip.toString('base64'))})})
ok = c.invoke(FunctionName='py-made', Payload=json.dumps({'n': 21}))
bad = c.invoke(FunctionName='py-made', Payload=json.dumps({'fail': True}))
try:
    c.create_function(FunctionName='py-made', Runtime='nodejs20.x', Handler='index.handler', Role=${JSON.stringify(roleArn)}, Code={'ZipFile': b'x'})
    conflict = ''
except c.exceptions.ResourceConflictException as e:
    conflict = e.response['Error']['Message']
print(json.dumps({'ok': json.loads(ok['Payload'].read()), 'err': bad.get('FunctionError'), 'msg': json.loads(bad['Payload'].read())['errorMessage'],
                  'names': [f['FunctionName'] for f in c.list_functions()['Functions']], 'conflict': conflict}))
`);
  assert.deepEqual(out, { ok: 42, err: 'Unhandled', msg: 'asked to fail', names: ['cli-fn', 'py-made'], conflict: 'Function already exist: py-made' });
});

test('Event invocations run in the background and are retried twice on error', async () => {
  await createFn(lambda, roleArn, 'async-fail', { 'index.js': 'exports.handler = async (e) => { console.log("attempt for", e.tag); throw new Error("always"); };' });
  const r = await aws(n, ['lambda', 'invoke', '--function-name', 'async-fail', '--invocation-type', 'Event', '--payload', '{"tag":"t1"}', '/dev/null']);
  assert.equal(JSON.parse(r.stdout).StatusCode, 202);
  const logs = new CloudWatchLogsClient(sdk(n));
  const attempts = async () => (await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/async-fail', filterPattern: '"attempt for t1"' }))
    .catch(() => ({ events: [] }))).events!.length;
  const until = async (want: number) => { for (let i = 0; i < 100 && await attempts() < want; i++) await new Promise((ok) => setTimeout(ok, 30)); return attempts(); };
  assert.equal(await until(1), 1);
  n.clock.advance('PT1M');
  assert.equal(await until(2), 2);
  n.clock.advance('PT2M');
  assert.equal(await until(3), 3);
  n.clock.advance('PT10M');
  await new Promise((ok) => setTimeout(ok, 200));
  assert.equal(await attempts(), 3, 'two retries, no more');
});

test('zips: path traversal and more than 250 MB unzipped are refused', async () => {
  const traversal = pyZip(`z.writestr('index.js', 'x')\nz.writestr('../../evil.js', 'owned')`);
  const e1 = await rejects(lambda.send(new CreateFunctionCommand({ FunctionName: 'evil', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn,
    Code: { ZipFile: traversal } })), 'InvalidParameterValueException', 400);
  assert.match(e1.message, /Could not unzip uploaded file/);
  const absolute = pyZip(`z.writestr('/etc/evil.js', 'owned')`);
  await rejects(lambda.send(new CreateFunctionCommand({ FunctionName: 'evil', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn,
    Code: { ZipFile: absolute } })), 'InvalidParameterValueException', 400);
  // 251 MiB of zeros deflates to a few hundred KB.
  const bomb = pyZip(`with z.open('zeros.bin', 'w', force_zip64=True) as f:\n    block = bytes(1 << 20)\n    for _ in range(251):\n        f.write(block)`);
  assert.ok(bomb.length < 2 * 1024 * 1024);
  const e2 = await rejects(lambda.send(new CreateFunctionCommand({ FunctionName: 'bomb', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn,
    Code: { ZipFile: bomb } })), 'InvalidParameterValueException', 400);
  assert.equal(e2.message, 'Unzipped size must be smaller than 262144000 bytes');
});
