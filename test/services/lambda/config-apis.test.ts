// Resource policies (AddPermission/RemovePermission/GetPolicy), function URLs (the API, and
// serving them at /_nimbus/lambda/url/<id>/ with the 2.0 event), provisioned concurrency,
// code signing configs, recursion and runtime management settings, code from S3 and
// Code.Location downloads; and the warm invoke overhead, measured (not asserted).
import http from 'node:http';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  LambdaClient, AddPermissionCommand, RemovePermissionCommand, GetPolicyCommand, GetFunctionCommand, PublishVersionCommand,
  CreateAliasCommand, CreateFunctionUrlConfigCommand, GetFunctionUrlConfigCommand, UpdateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand, ListFunctionUrlConfigsCommand, PutProvisionedConcurrencyConfigCommand,
  GetProvisionedConcurrencyConfigCommand, ListProvisionedConcurrencyConfigsCommand, DeleteProvisionedConcurrencyConfigCommand,
  PutFunctionConcurrencyCommand, CreateCodeSigningConfigCommand, GetCodeSigningConfigCommand, ListCodeSigningConfigsCommand,
  PutFunctionCodeSigningConfigCommand, ListFunctionsByCodeSigningConfigCommand, DeleteCodeSigningConfigCommand,
  DeleteFunctionCodeSigningConfigCommand, GetFunctionRecursionConfigCommand, PutFunctionRecursionConfigCommand,
  GetRuntimeManagementConfigCommand, PutRuntimeManagementConfigCommand, CreateFunctionCommand, UpdateFunctionCodeCommand,
  InvokeCommand,
} from '@aws-sdk/client-lambda';
import { S3Client, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { aws, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, parsed, role, zipOf } from './util.js';

let n: Nimbus;
let lambda: LambdaClient;
let roleArn: string;
before(async () => { n = await nimbus(); lambda = new LambdaClient(sdk(n)); roleArn = await role(n); });
after(async () => { n.reset(); await n.stop(); });

const ACCOUNT = '000000000000';
const ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function`;

test('AddPermission / GetPolicy / RemovePermission: AWS\'s statement JSON, conflicts, revisions', async () => {
  await createFn(lambda, roleArn, 'pol-fn', { 'index.js': 'exports.handler = async () => 1;' });
  await rejects(lambda.send(new GetPolicyCommand({ FunctionName: 'pol-fn' })), 'ResourceNotFoundException', 404);
  const before = (await lambda.send(new GetFunctionCommand({ FunctionName: 'pol-fn' }))).Configuration!.RevisionId;
  const a = await lambda.send(new AddPermissionCommand({ FunctionName: 'pol-fn', StatementId: 's3-invoke', Action: 'lambda:InvokeFunction',
    Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::my-bucket', SourceAccount: '123456789012' }));
  assert.equal(a.$metadata.httpStatusCode, 201);
  assert.deepEqual(JSON.parse(a.Statement!), {
    Sid: 's3-invoke', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: `${ARN}:pol-fn`,
    Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-bucket' } },
  });
  const dup = await rejects(lambda.send(new AddPermissionCommand({ FunctionName: 'pol-fn', StatementId: 's3-invoke', Action: 'lambda:InvokeFunction',
    Principal: '*' })), 'ResourceConflictException', 409);
  assert.equal(dup.message, 'The statement id (s3-invoke) provided already exists. Please provide a new statement id, or remove the existing statement.');
  await rejects(lambda.send(new AddPermissionCommand({ FunctionName: 'pol-fn', StatementId: 'acct', Action: 'lambda:InvokeFunction',
    Principal: '111122223333', RevisionId: before })), 'PreconditionFailedException', 412);
  const p = await lambda.send(new GetPolicyCommand({ FunctionName: 'pol-fn' }));
  await lambda.send(new AddPermissionCommand({ FunctionName: 'pol-fn', StatementId: 'acct', Action: 'lambda:GetFunction',
    Principal: '111122223333', RevisionId: p.RevisionId }));
  const p2 = await lambda.send(new GetPolicyCommand({ FunctionName: 'pol-fn' }));
  const doc = JSON.parse(p2.Policy!);
  assert.equal(doc.Version, '2012-10-17');
  assert.equal(doc.Id, 'default');
  assert.deepEqual(doc.Statement[1], { Sid: 'acct', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' },
    Action: 'lambda:GetFunction', Resource: `${ARN}:pol-fn` });
  assert.equal(p2.RevisionId, (await lambda.send(new GetFunctionCommand({ FunctionName: 'pol-fn' }))).Configuration!.RevisionId,
    'the policy revision is the function\'s');
  // Qualified policies are separate.
  await lambda.send(new PublishVersionCommand({ FunctionName: 'pol-fn' }));
  await lambda.send(new AddPermissionCommand({ FunctionName: 'pol-fn', Qualifier: '1', StatementId: 'v1', Action: 'lambda:InvokeFunction', Principal: '*' }));
  const v1 = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'pol-fn:1' }))).Policy!);
  assert.deepEqual(v1.Statement.map((s: any) => [s.Sid, s.Resource, s.Principal]), [['v1', `${ARN}:pol-fn:1`, '*']]);
  await lambda.send(new RemovePermissionCommand({ FunctionName: 'pol-fn', StatementId: 's3-invoke' }));
  const e = await rejects(lambda.send(new RemovePermissionCommand({ FunctionName: 'pol-fn', StatementId: 's3-invoke' })), 'ResourceNotFoundException', 404);
  assert.equal(e.message, 'Statement s3-invoke is not found in resource policy.');
  // The aws CLI reads it back.
  const cli = await aws(n, ['lambda', 'get-policy', '--function-name', 'pol-fn']);
  assert.deepEqual(JSON.parse(JSON.parse(cli.stdout).Policy).Statement.map((s: any) => s.Sid), ['acct']);
});

test('function URLs: the config API, and a request served with the 2.0 event', async () => {
  await createFn(lambda, roleArn, 'url-fn', { 'index.js': `exports.handler = async (e) => {
  if (e.rawPath === '/plain') return { hello: 'world' };
  return { statusCode: 201, headers: { 'x-echo': e.requestContext.http.method }, cookies: ['a=1'],
    body: JSON.stringify({ path: e.rawPath, qs: e.queryStringParameters, body: e.body, b64: e.isBase64Encoded, version: e.version,
      route: e.routeKey, ua: e.requestContext.http.userAgent, cookies: e.cookies, ct: e.headers['content-type'] }) };
};` });
  const c = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-fn', AuthType: 'NONE',
    Cors: { AllowOrigins: ['https://example.com'], AllowMethods: ['GET', 'POST'], MaxAge: 60 } }));
  assert.equal(c.$metadata.httpStatusCode, 201);
  assert.match(c.FunctionUrl!, /^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/);
  assert.equal(c.FunctionArn, `${ARN}:url-fn`);
  assert.equal(c.InvokeMode, 'BUFFERED');
  assert.match(c.CreationTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  await rejects(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-fn', AuthType: 'NONE' })), 'ResourceConflictException', 409);
  const u = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'url-fn', AuthType: 'AWS_IAM' }));
  assert.equal(u.AuthType, 'AWS_IAM');
  assert.deepEqual(u.Cors?.AllowOrigins, ['https://example.com']);
  const g = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-fn' }));
  assert.equal(g.FunctionUrl, c.FunctionUrl);
  assert.ok(g.LastModifiedTime);
  const l = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'url-fn' }));
  assert.equal(l.FunctionUrlConfigs?.length, 1);
  const id = /^https:\/\/([a-z0-9]{32})\./.exec(c.FunctionUrl!)![1];
  const res = await fetch(`${n.endpoint}/_nimbus/lambda/url/${id}/items/7?a=1&a=2&b=x`, { method: 'POST', body: '{"k":"v"}',
    headers: { 'content-type': 'application/json', cookie: 'c1=v1; c2=v2', origin: 'https://example.com', 'user-agent': 'test-agent' } });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('x-echo'), 'POST');
  assert.equal(res.headers.get('set-cookie'), 'a=1');
  // The URL's own Cors answer, not the gateway's generic one.
  assert.equal(res.headers.get('access-control-allow-origin'), 'https://example.com');
  assert.deepEqual(await res.json(), { path: '/items/7', qs: { a: '1,2', b: 'x' }, body: '{"k":"v"}', b64: false, version: '2.0',
    route: '$default', ua: 'test-agent', cookies: ['c1=v1', 'c2=v2'], ct: 'application/json' });
  const plain = await fetch(`${n.endpoint}/_nimbus/lambda/url/${id}/plain`);
  assert.equal(plain.status, 200);
  assert.deepEqual(await plain.json(), { hello: 'world' });
  // The same function at its own host name, as AWS serves it (`….lambda-url.<region>.on.aws`).
  const byHost = await new Promise<{ status: number; body: string }>((ok, fail) => {
    const r = http.request(`${n.endpoint}/plain`, { headers: { host: `${id}.lambda-url.us-east-1.on.aws` } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => ok({ status: res.statusCode!, body }));
    });
    r.on('error', fail);
    r.end();
  });
  assert.equal(byHost.status, 200);
  assert.deepEqual(JSON.parse(byHost.body), { hello: 'world' });
  await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'url-fn' }));
  await rejects(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-fn' })), 'ResourceNotFoundException', 404);
  assert.equal((await fetch(`${n.endpoint}/_nimbus/lambda/url/${id}/plain`)).status, 404);
});

test('provisioned concurrency: stored, READY a minute later on the clock, bounded by reserved concurrency', async () => {
  await createFn(lambda, roleArn, 'pc-fn', { 'index.js': 'exports.handler = async () => 1;' });
  await lambda.send(new PublishVersionCommand({ FunctionName: 'pc-fn' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'pc-fn', Name: 'live', FunctionVersion: '1' }));
  await rejects(lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'pc-fn', Qualifier: '$LATEST', ProvisionedConcurrentExecutions: 1 })),
    'InvalidParameterValueException', 400);
  const p = await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'pc-fn', Qualifier: 'live', ProvisionedConcurrentExecutions: 5 }));
  assert.equal(p.$metadata.httpStatusCode, 202);
  assert.equal(p.Status, 'IN_PROGRESS');
  assert.equal(p.RequestedProvisionedConcurrentExecutions, 5);
  assert.equal(p.AllocatedProvisionedConcurrentExecutions, 0);
  n.clock.advance('PT2M');
  const g = await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'pc-fn', Qualifier: 'live' }));
  assert.equal(g.Status, 'READY');
  assert.equal(g.AllocatedProvisionedConcurrentExecutions, 5);
  assert.equal(g.AvailableProvisionedConcurrentExecutions, 5);
  const l = await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'pc-fn' }));
  assert.deepEqual(l.ProvisionedConcurrencyConfigs?.map((x) => x.FunctionArn), [`${ARN}:pc-fn:live`]);
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'pc-fn', ReservedConcurrentExecutions: 3 }));
  await rejects(lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'pc-fn', Qualifier: '1', ProvisionedConcurrentExecutions: 4 })),
    'InvalidParameterValueException', 400);
  await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'pc-fn', Qualifier: 'live' }));
  await rejects(lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'pc-fn', Qualifier: 'live' })), 'ProvisionedConcurrencyConfigNotFoundException', 404);
});

test('code signing configs, recursion and runtime management settings', async () => {
  await createFn(lambda, roleArn, 'csc-fn', { 'index.js': 'exports.handler = async () => 1;' });
  const profile = 'arn:aws:signer:us-east-1:000000000000:/signing-profiles/p/abcdef1234';
  const c = (await lambda.send(new CreateCodeSigningConfigCommand({ Description: 'd', AllowedPublishers: { SigningProfileVersionArns: [profile] } }))).CodeSigningConfig!;
  assert.match(c.CodeSigningConfigId!, /^csc-[a-z0-9]{17}$/);
  assert.equal(c.CodeSigningConfigArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:code-signing-config:${c.CodeSigningConfigId}`);
  assert.deepEqual(c.CodeSigningPolicies, { UntrustedArtifactOnDeployment: 'Warn' });
  assert.equal((await lambda.send(new GetCodeSigningConfigCommand({ CodeSigningConfigArn: c.CodeSigningConfigArn }))).CodeSigningConfig?.Description, 'd');
  assert.equal((await lambda.send(new ListCodeSigningConfigsCommand({}))).CodeSigningConfigs?.length, 1);
  await lambda.send(new PutFunctionCodeSigningConfigCommand({ FunctionName: 'csc-fn', CodeSigningConfigArn: c.CodeSigningConfigArn }));
  assert.deepEqual((await lambda.send(new ListFunctionsByCodeSigningConfigCommand({ CodeSigningConfigArn: c.CodeSigningConfigArn }))).FunctionArns, [`${ARN}:csc-fn`]);
  await rejects(lambda.send(new DeleteCodeSigningConfigCommand({ CodeSigningConfigArn: c.CodeSigningConfigArn })), 'ResourceConflictException', 409);
  await lambda.send(new DeleteFunctionCodeSigningConfigCommand({ FunctionName: 'csc-fn' }));
  await lambda.send(new DeleteCodeSigningConfigCommand({ CodeSigningConfigArn: c.CodeSigningConfigArn }));
  await rejects(lambda.send(new GetCodeSigningConfigCommand({ CodeSigningConfigArn: c.CodeSigningConfigArn })), 'ResourceNotFoundException', 404);
  assert.equal((await lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: 'csc-fn' }))).RecursiveLoop, 'Terminate');
  assert.equal((await lambda.send(new PutFunctionRecursionConfigCommand({ FunctionName: 'csc-fn', RecursiveLoop: 'Allow' }))).RecursiveLoop, 'Allow');
  assert.equal((await lambda.send(new GetFunctionRecursionConfigCommand({ FunctionName: 'csc-fn' }))).RecursiveLoop, 'Allow');
  const rm = await lambda.send(new GetRuntimeManagementConfigCommand({ FunctionName: 'csc-fn' }));
  assert.equal(rm.UpdateRuntimeOn, 'Auto');
  assert.equal(rm.FunctionArn, `${ARN}:csc-fn`);
  await rejects(lambda.send(new PutRuntimeManagementConfigCommand({ FunctionName: 'csc-fn', UpdateRuntimeOn: 'Manual' })), 'InvalidParameterValueException', 400);
  const rv = 'arn:aws:lambda:us-east-1::runtime:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
  const put = await lambda.send(new PutRuntimeManagementConfigCommand({ FunctionName: 'csc-fn', UpdateRuntimeOn: 'Manual', RuntimeVersionArn: rv }));
  assert.equal(put.RuntimeVersionArn, rv);
  assert.equal((await lambda.send(new GetRuntimeManagementConfigCommand({ FunctionName: 'csc-fn' }))).UpdateRuntimeOn, 'Manual');
});

test('code from S3 (create and update), Code.Location downloads the zip; warm invoke overhead', async () => {
  const s3 = new S3Client({ ...sdk(n), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'code-bucket' }));
  const v1 = zipOf({ 'index.js': 'exports.handler = async () => "v1";' });
  const v2 = zipOf({ 'index.js': 'exports.handler = async () => "v2";' });
  await s3.send(new PutObjectCommand({ Bucket: 'code-bucket', Key: 'v1.zip', Body: v1 }));
  await s3.send(new PutObjectCommand({ Bucket: 'code-bucket', Key: 'v2.zip', Body: v2 }));
  const c = await lambda.send(new CreateFunctionCommand({ FunctionName: 's3-fn', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn,
    Code: { S3Bucket: 'code-bucket', S3Key: 'v1.zip' } }));
  assert.equal(c.CodeSize, v1.length);
  assert.equal(parsed((await lambda.send(new InvokeCommand({ FunctionName: 's3-fn' }))).Payload), 'v1');
  const g = await lambda.send(new GetFunctionCommand({ FunctionName: 's3-fn' }));
  assert.equal(g.Code?.RepositoryType, 'S3');
  const dl = await fetch(g.Code!.Location!);
  assert.equal(dl.status, 200);
  assert.deepEqual(Buffer.from(await dl.arrayBuffer()), v1);
  n.clock.advance('PT11M');
  assert.equal((await fetch(g.Code!.Location!)).status, 403, 'the URL expires after 10 minutes');
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 's3-fn', S3Bucket: 'code-bucket', S3Key: 'v2.zip' }));
  assert.equal(parsed((await lambda.send(new InvokeCommand({ FunctionName: 's3-fn' }))).Payload), 'v2');
  const e = await rejects(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 's3-fn', S3Bucket: 'code-bucket', S3Key: 'missing.zip' })),
    'InvalidParameterValueException', 400);
  assert.match(e.message, /NoSuchKey/);
  // Warm invoke overhead through the SDK (a measurement for the report, not an assertion).
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await lambda.send(new InvokeCommand({ FunctionName: 's3-fn' }));
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`# warm invoke p50 ${times[25].toFixed(2)} ms, p90 ${times[45].toFixed(2)} ms (50 sequential SDK invokes)`);
});
