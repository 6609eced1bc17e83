// Layers: publishing, reading, listing, downloading, policies, deleting; functions using
// layers from Node.js (NODE_PATH) and Python (PYTHONPATH), and the limits on them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  LambdaClient, PublishLayerVersionCommand, GetLayerVersionCommand, GetLayerVersionByArnCommand, ListLayersCommand,
  ListLayerVersionsCommand, DeleteLayerVersionCommand, AddLayerVersionPermissionCommand, RemoveLayerVersionPermissionCommand,
  GetLayerVersionPolicyCommand, InvokeCommand, UpdateFunctionConfigurationCommand, GetFunctionCommand,
} from '@aws-sdk/client-lambda';
import { boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, parsed, role, text, zipOf } from './util.js';

let n: Nimbus;
let lambda: LambdaClient;
let roleArn: string;
before(async () => { n = await nimbus(); lambda = new LambdaClient(sdk(n)); roleArn = await role(n); });
after(async () => { n.reset(); await n.stop(); });

const ACCOUNT = '000000000000';
const nodeLayer = zipOf({
  'nodejs/node_modules/greeter/index.js': 'exports.greet = (who) => "hello " + who + " from a layer";',
  'nodejs/node_modules/greeter/package.json': '{"name":"greeter","main":"index.js"}',
  'bin/tool.sh': ['#!/bin/sh\necho tool', 0o755],
});

test('publish, get, get by ARN, list, list versions, download, delete', async () => {
  const v1 = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'greeter', Description: 'first', Content: { ZipFile: nodeLayer },
    CompatibleRuntimes: ['nodejs20.x', 'nodejs22.x'], CompatibleArchitectures: ['x86_64'], LicenseInfo: 'MIT' }));
  assert.equal(v1.$metadata.httpStatusCode, 201);
  assert.equal(v1.Version, 1);
  assert.equal(v1.LayerArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:greeter`);
  assert.equal(v1.LayerVersionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:greeter:1`);
  assert.equal(v1.Content?.CodeSize, nodeLayer.length);
  assert.equal(v1.Content?.CodeSha256, createHash('sha256').update(nodeLayer).digest('base64'));
  assert.match(v1.CreatedDate!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  assert.deepEqual(v1.CompatibleRuntimes, ['nodejs20.x', 'nodejs22.x']);
  assert.equal(v1.LicenseInfo, 'MIT');
  // Content.Location really downloads the zip.
  const dl = await fetch(v1.Content!.Location!);
  assert.equal(dl.status, 200);
  assert.deepEqual(Buffer.from(await dl.arrayBuffer()), nodeLayer);
  const forged = await fetch(v1.Content!.Location!.replace(/Signature=[0-9a-f]{4}/, 'Signature=0000'));
  assert.equal(forged.status, 403);
  const v2 = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'greeter', Content: { ZipFile: nodeLayer }, CompatibleRuntimes: ['python3.12'] }));
  assert.equal(v2.Version, 2);
  const g = await lambda.send(new GetLayerVersionCommand({ LayerName: 'greeter', VersionNumber: 1 }));
  assert.equal(g.Description, 'first');
  const byArn = await lambda.send(new GetLayerVersionByArnCommand({ Arn: v2.LayerVersionArn }));
  assert.equal(byArn.Version, 2);
  const versions = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'greeter' }));
  assert.deepEqual(versions.LayerVersions?.map((v) => v.Version), [2, 1], 'newest first');
  assert.equal(versions.LayerVersions?.[0].LayerVersionArn, v2.LayerVersionArn);
  const nodeOnly = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'greeter', CompatibleRuntime: 'nodejs20.x' }));
  assert.deepEqual(nodeOnly.LayerVersions?.map((v) => v.Version), [1]);
  await lambda.send(new PublishLayerVersionCommand({ LayerName: 'another', Content: { ZipFile: nodeLayer } }));
  const layers = await lambda.send(new ListLayersCommand({}));
  assert.deepEqual(layers.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]), [['another', 1], ['greeter', 2]]);
  const forNode = await lambda.send(new ListLayersCommand({ CompatibleRuntime: 'nodejs22.x' }));
  assert.deepEqual(forNode.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]), [['greeter', 1]]);
  await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'greeter', VersionNumber: 2 }));
  await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'greeter', VersionNumber: 2 })); // idempotent
  const nf = await rejects(lambda.send(new GetLayerVersionCommand({ LayerName: 'greeter', VersionNumber: 2 })), 'ResourceNotFoundException', 404);
  assert.equal(nf.message, 'The resource you requested does not exist.');
  // Version numbers are never reused.
  const v3 = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'greeter', Content: { ZipFile: nodeLayer } }));
  assert.equal(v3.Version, 3);
  await rejects(lambda.send(new PublishLayerVersionCommand({ LayerName: 'bad', Content: { ZipFile: Buffer.from('not a zip') } })), 'InvalidParameterValueException', 400);
});

test('layer version policies', async () => {
  await lambda.send(new PublishLayerVersionCommand({ LayerName: 'shared', Content: { ZipFile: nodeLayer } }));
  await rejects(lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 })), 'ResourceNotFoundException', 404);
  const a = await lambda.send(new AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'xaccount',
    Action: 'lambda:GetLayerVersion', Principal: '210987654321' }));
  assert.deepEqual(JSON.parse(a.Statement!), { Sid: 'xaccount', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' },
    Action: 'lambda:GetLayerVersion', Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:shared:1` });
  await rejects(lambda.send(new AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'xaccount',
    Action: 'lambda:GetLayerVersion', Principal: '*' })), 'ResourceConflictException', 409);
  await rejects(lambda.send(new AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'org',
    Action: 'lambda:GetLayerVersion', Principal: '*', OrganizationId: 'o-abcdefghij', RevisionId: 'stale' })), 'PreconditionFailedException', 412);
  const b = await lambda.send(new AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'org',
    Action: 'lambda:GetLayerVersion', Principal: '*', OrganizationId: 'o-abcdefghij', RevisionId: a.RevisionId }));
  const p = await lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 }));
  assert.equal(p.RevisionId, b.RevisionId);
  const doc = JSON.parse(p.Policy!);
  assert.equal(doc.Version, '2012-10-17');
  assert.deepEqual(doc.Statement.map((s: any) => s.Sid), ['xaccount', 'org']);
  assert.deepEqual(doc.Statement[1].Condition, { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } });
  assert.equal(doc.Statement[1].Principal, '*');
  await lambda.send(new RemoveLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'xaccount' }));
  await rejects(lambda.send(new RemoveLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'xaccount' })), 'ResourceNotFoundException', 404);
});

test('a Node.js function requires a module from its layer (NODE_PATH) and finds /opt/bin on PATH', async () => {
  const l = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'node-lib', Content: { ZipFile: nodeLayer } }));
  const fn = await createFn(lambda, roleArn, 'uses-layer', { 'index.js': `const { greet } = require('greeter');
const { execSync } = require('child_process');
exports.handler = async () => ({ msg: greet('node'), tool: execSync('tool.sh').toString().trim(), nodePath: process.env.NODE_PATH });` },
  { Layers: [l.LayerVersionArn!] });
  assert.deepEqual(fn.Layers, [{ Arn: l.LayerVersionArn, CodeSize: nodeLayer.length }]);
  const r = await lambda.send(new InvokeCommand({ FunctionName: 'uses-layer' }));
  assert.equal(r.FunctionError, undefined, text(r.Payload));
  const p = parsed(r.Payload);
  assert.equal(p.msg, 'hello node from a layer');
  assert.equal(p.tool, 'tool');
  assert.match(p.nodePath, /nodejs\/node20\/node_modules:.*nodejs\/node_modules/);
  // Layers are replaced as a whole by UpdateFunctionConfiguration; without it the require fails.
  const u = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'uses-layer', Layers: [] }));
  assert.equal(u.Layers, undefined);
  const r2 = await lambda.send(new InvokeCommand({ FunctionName: 'uses-layer' }));
  assert.equal(r2.FunctionError, 'Unhandled');
  assert.match(parsed(r2.Payload).errorMessage, /greeter/);
  // A deleted layer version still serves the functions that use it (AWS keeps a copy).
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'uses-layer', Layers: [l.LayerVersionArn!] }));
  await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'node-lib', VersionNumber: 1 }));
  assert.equal(parsed((await lambda.send(new InvokeCommand({ FunctionName: 'uses-layer' }))).Payload).msg, 'hello node from a layer');
  const g = await lambda.send(new GetFunctionCommand({ FunctionName: 'uses-layer' }));
  assert.deepEqual(g.Configuration?.Layers?.map((x) => x.Arn), [l.LayerVersionArn]);
  // ...but the layer can no longer be added to a function.
  await createFn(lambda, roleArn, 'other-fn', { 'index.js': 'exports.handler = async () => 1;' });
  await rejects(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'other-fn', Layers: [l.LayerVersionArn!] })),
    'InvalidParameterValueException', 400);
});

test('a Python function imports from its layer (python/ and python/lib/python3.x/site-packages); boto3 publishes', async () => {
  const pyLayer = zipOf({
    'python/helper.py': 'def shout(s):\n    return s.upper() + "!"\n',
    'python/lib/python3.12/site-packages/deep/__init__.py': 'VALUE = 42\n',
  });
  const out = await boto3<{ arn: string; version: number }>(n, `
import base64
c = boto3.client('lambda', endpoint_url=endpoint, region_name='us-east-1')
r = c.publish_layer_version(LayerName='py-lib', Content={'ZipFile': base64.b64decode('${pyLayer.toString('base64')}')}, CompatibleRuntimes=['python3.12'])
print(json.dumps({'arn': r['LayerVersionArn'], 'version': r['Version']}))`);
  assert.equal(out.version, 1);
  await createFn(lambda, roleArn, 'py-layer', { 'app.py': 'import helper\nimport deep\ndef handler(e, c):\n    return {"s": helper.shout("hi"), "v": deep.VALUE}\n' },
    { Runtime: 'python3.12', Handler: 'app.handler', Layers: [out.arn], Timeout: 10 });
  const r = await lambda.send(new InvokeCommand({ FunctionName: 'py-layer' }));
  assert.equal(r.FunctionError, undefined, text(r.Payload));
  assert.deepEqual(parsed(r.Payload), { s: 'HI!', v: 42 });
});

test('layer limits: at most five, and they must exist', async () => {
  const l = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'many', Content: { ZipFile: nodeLayer } }));
  const six = Array.from({ length: 6 }, () => l.LayerVersionArn!);
  const e = await rejects(createFn(lambda, roleArn, 'too-many', { 'index.js': 'exports.handler = async () => 1;' }, { Layers: six }), 'InvalidParameterValueException', 400);
  assert.equal(e.message, 'Cannot reference more than 5 layers.');
  const missing = `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:many:9`;
  const m = await rejects(createFn(lambda, roleArn, 'missing-layer', { 'index.js': 'exports.handler = async () => 1;' }, { Layers: [missing] }),
    'InvalidParameterValueException', 400);
  assert.equal(m.message, `Layer version ${missing} does not exist.`);
});
