// Lambda's control plane: functions, code, configuration, versions, aliases, tags,
// concurrency, account settings — errors as AWS words them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  LambdaClient, CreateFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand, ListFunctionsCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, DeleteFunctionCommand, PublishVersionCommand,
  ListVersionsByFunctionCommand, CreateAliasCommand, GetAliasCommand, UpdateAliasCommand, DeleteAliasCommand, ListAliasesCommand,
  TagResourceCommand, UntagResourceCommand, ListTagsCommand, GetAccountSettingsCommand, PutFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand, DeleteFunctionConcurrencyCommand, InvokeCommand, paginateListFunctions,
} from '@aws-sdk/client-lambda';
import { nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, parsed, role, zipOf } from './util.js';

let n: Nimbus;
let lambda: LambdaClient;
let roleArn: string;
before(async () => { n = await nimbus(); lambda = new LambdaClient(sdk(n)); roleArn = await role(n); });
after(async () => { n.reset(); await n.stop(); });

const code = (v: string) => ({ 'index.js': `exports.handler = async () => ${JSON.stringify(v)};` });

test('create, get, list, update, delete', async () => {
  const zip = zipOf(code('v1'));
  const c = await lambda.send(new CreateFunctionCommand({ FunctionName: 'f1', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: roleArn,
    Code: { ZipFile: zip }, Description: 'first', Timeout: 5, MemorySize: 256, Environment: { Variables: { AA: '1' } }, Tags: { team: 'x' } }));
  assert.equal(c.$metadata.httpStatusCode, 201);
  assert.equal(c.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:f1');
  assert.equal(c.CodeSha256, createHash('sha256').update(zip).digest('base64'));
  assert.equal(c.CodeSize, zip.length);
  assert.equal(c.Version, '$LATEST');
  assert.equal(c.State, 'Active');
  assert.equal(c.LastUpdateStatus, 'Successful');
  assert.equal(c.Timeout, 5);
  assert.equal(c.MemorySize, 256);
  assert.deepEqual(c.Environment?.Variables, { AA: '1' });
  assert.match(c.RevisionId!, /^[0-9a-f-]{36}$/);
  assert.match(c.LastModified!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

  const g = await lambda.send(new GetFunctionCommand({ FunctionName: 'f1' }));
  assert.equal(g.Configuration?.Description, 'first');
  assert.deepEqual(g.Tags, { team: 'x' });
  assert.equal(g.Code?.RepositoryType, 'S3');
  const byArn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: c.FunctionArn }));
  assert.equal(byArn.FunctionName, 'f1');

  await rejects(lambda.send(new CreateFunctionCommand({ FunctionName: 'f1', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: zip } })),
    'ResourceConflictException', 409);
  const nf = await rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })), 'ResourceNotFoundException', 404);
  assert.equal(nf.message, 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope');
  const badRole = await rejects(lambda.send(new CreateFunctionCommand({ FunctionName: 'f2', Runtime: 'nodejs22.x', Handler: 'index.handler',
    Role: 'arn:aws:iam::000000000000:role/missing', Code: { ZipFile: zip } })), 'InvalidParameterValueException', 400);
  assert.equal(badRole.message, 'The role defined for the function cannot be assumed by Lambda.');
  await rejects(lambda.send(new CreateFunctionCommand({ FunctionName: 'f2', Runtime: 'nodejs22.x', Handler: 'index.handler',
    Role: 'not-an-arn', Code: { ZipFile: zip } })), 'ValidationException', 400);
  const bad = await rejects(lambda.send(new CreateFunctionCommand({ FunctionName: 'f2', Runtime: 'nodejs22.x', Handler: 'index.handler',
    Role: roleArn, Code: { ZipFile: Buffer.from('not a zip') } })), 'InvalidParameterValueException', 400);
  assert.match(bad.message, /Could not unzip uploaded file/);
  const reserved = await rejects(lambda.send(new CreateFunctionCommand({ FunctionName: 'f2', Runtime: 'nodejs22.x', Handler: 'index.handler',
    Role: roleArn, Code: { ZipFile: zip }, Environment: { Variables: { AWS_REGION: 'x' } } })), 'InvalidParameterValueException', 400);
  assert.match(reserved.message, /Reserved keys used in this request: AWS_REGION/);

  for (const name of ['f3', 'f4', 'f5']) await createFn(lambda, roleArn, name, code(name));
  const names: string[] = [];
  for await (const p of paginateListFunctions({ client: lambda, pageSize: 2 }, {})) names.push(...p.Functions!.map((f) => f.FunctionName!));
  assert.deepEqual(names, ['f1', 'f3', 'f4', 'f5']);

  // Code and configuration updates change the RevisionId; the new code runs.
  assert.equal(parsed((await lambda.send(new InvokeCommand({ FunctionName: 'f1' }))).Payload), 'v1');
  const u = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'f1', ZipFile: zipOf(code('v2')) }));
  assert.notEqual(u.RevisionId, c.RevisionId);
  assert.notEqual(u.CodeSha256, c.CodeSha256);
  assert.equal(parsed((await lambda.send(new InvokeCommand({ FunctionName: 'f1' }))).Payload), 'v2');
  await rejects(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'f1', Timeout: 9, RevisionId: c.RevisionId })),
    'PreconditionFailedException', 412);
  const uc = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'f1', Timeout: 9, RevisionId: u.RevisionId, Environment: { Variables: {} } }));
  assert.equal(uc.Timeout, 9);
  assert.equal(uc.Environment, undefined);

  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'f3' }));
  await rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'f3' })), 'ResourceNotFoundException', 404);
});

test('versions, aliases, weighted routing, RevisionId and CodeSha256 preconditions', async () => {
  const c = await createFn(lambda, roleArn, 'ver', code('one'));
  const stale = await rejects(lambda.send(new PublishVersionCommand({ FunctionName: 'ver', RevisionId: '00000000-0000-0000-0000-000000000000' })),
    'PreconditionFailedException', 412);
  assert.equal(stale.message, 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
  await rejects(lambda.send(new PublishVersionCommand({ FunctionName: 'ver', CodeSha256: 'abc' })), 'InvalidParameterValueException', 400);
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'ver', RevisionId: c.RevisionId, CodeSha256: c.CodeSha256 }));
  assert.equal(v1.Version, '1');
  assert.equal(v1.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:ver:1');
  const again = await lambda.send(new PublishVersionCommand({ FunctionName: 'ver' }));
  assert.equal(again.Version, '1', 'nothing changed: the same version');
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'ver', ZipFile: zipOf(code('two')) }));
  const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'ver', Description: 'second' }));
  assert.equal(v2.Version, '2');
  const vs = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
  assert.deepEqual(vs.Versions!.map((v) => v.Version), ['$LATEST', '1', '2']);

  const r1 = await lambda.send(new InvokeCommand({ FunctionName: 'ver', Qualifier: '1' }));
  assert.equal(parsed(r1.Payload), 'one');
  assert.equal(r1.ExecutedVersion, '1');
  assert.equal(parsed((await lambda.send(new InvokeCommand({ FunctionName: 'ver:2' }))).Payload), 'two');

  const a = await lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1',
    RoutingConfig: { AdditionalVersionWeights: { 2: 0.5 } } }));
  assert.equal(a.AliasArn, 'arn:aws:lambda:us-east-1:000000000000:function:ver:live');
  await rejects(lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1' })), 'ResourceConflictException', 409);
  assert.deepEqual((await lambda.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'live' }))).RoutingConfig, { AdditionalVersionWeights: { 2: 0.5 } });
  const counts: Record<string, number> = {};
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let i = 0; i < 50; i++) {
      const r = await lambda.send(new InvokeCommand({ FunctionName: 'ver', Qualifier: 'live' }));
      counts[r.ExecutedVersion!] = (counts[r.ExecutedVersion!] ?? 0) + 1;
      assert.equal(parsed(r.Payload), r.ExecutedVersion === '1' ? 'one' : 'two');
    }
  }));
  assert.equal(counts['1'] + counts['2'], 200);
  assert.ok(counts['1'] > 60 && counts['2'] > 60, JSON.stringify(counts));

  await rejects(lambda.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '2', RevisionId: 'stale' })),
    'PreconditionFailedException', 412);
  const ua = await lambda.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '2', RoutingConfig: {} }));
  assert.equal(ua.FunctionVersion, '2');
  assert.equal(ua.RoutingConfig, undefined);
  const r = await lambda.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:ver:live' }));
  assert.equal(r.ExecutedVersion, '2');
  assert.deepEqual((await lambda.send(new ListAliasesCommand({ FunctionName: 'ver' }))).Aliases!.map((x) => x.Name), ['live']);
  await rejects(lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '2' })), 'ResourceConflictException', 409);
  await lambda.send(new DeleteAliasCommand({ FunctionName: 'ver', Name: 'live' }));
  await rejects(lambda.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'live' })), 'ResourceNotFoundException', 404);
  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' }));
  await rejects(lambda.send(new InvokeCommand({ FunctionName: 'ver', Qualifier: '1' })), 'ResourceNotFoundException', 404);
});

test('tags, account settings, reserved concurrency and throttling', async () => {
  const f = await createFn(lambda, roleArn, 'conc', { 'index.js': 'exports.handler = async (e) => { await new Promise(r => setTimeout(r, e.ms ?? 0)); return "done"; };' });
  await lambda.send(new TagResourceCommand({ Resource: f.FunctionArn, Tags: { a: '1', b: '2' } }));
  await lambda.send(new UntagResourceCommand({ Resource: f.FunctionArn, TagKeys: ['a'] }));
  assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: f.FunctionArn }))).Tags, { b: '2' });

  const s0 = await lambda.send(new GetAccountSettingsCommand({}));
  assert.equal(s0.AccountLimit?.ConcurrentExecutions, 1000);
  assert.equal(s0.AccountLimit?.UnreservedConcurrentExecutions, 1000);
  assert.equal(s0.AccountLimit?.CodeSizeZipped, 52428800);
  const tooMuch = await rejects(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'conc', ReservedConcurrentExecutions: 901 })),
    'InvalidParameterValueException', 400);
  assert.match(tooMuch.message, /below its minimum value of \[100\]/);
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'conc', ReservedConcurrentExecutions: 1 }));
  assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'conc' }))).ReservedConcurrentExecutions, 1);
  assert.equal((await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions, 999);
  const slow = lambda.send(new InvokeCommand({ FunctionName: 'conc', Payload: Buffer.from('{"ms":800}') }));
  await new Promise((r) => setTimeout(r, 300));
  const t = await rejects(lambda.send(new InvokeCommand({ FunctionName: 'conc' })), 'TooManyRequestsException', 429);
  assert.equal((t as unknown as { Reason: string }).Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
  assert.equal(parsed((await slow).Payload), 'done');
  await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'conc' }));
  assert.deepEqual(Object.keys(await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'conc' }))).filter((k) => k !== '$metadata'), []);
  // Zero reserved concurrency throttles every invocation.
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'conc', ReservedConcurrentExecutions: 0 }));
  await rejects(lambda.send(new InvokeCommand({ FunctionName: 'conc' })), 'TooManyRequestsException', 429);
});

test('Invoke: Event, DryRun, payload limits, bad JSON', async () => {
  await createFn(lambda, roleArn, 'inv', { 'index.js': 'exports.handler = async (e) => { console.log("event", JSON.stringify(e)); return e; };' });
  const ev = await lambda.send(new InvokeCommand({ FunctionName: 'inv', InvocationType: 'Event', Payload: Buffer.from('{"async":true}') }));
  assert.equal(ev.StatusCode, 202);
  const dry = await lambda.send(new InvokeCommand({ FunctionName: 'inv', InvocationType: 'DryRun' }));
  assert.equal(dry.StatusCode, 204);
  const big = await rejects(lambda.send(new InvokeCommand({ FunctionName: 'inv', Payload: Buffer.from(JSON.stringify('x'.repeat(6 * 1024 * 1024))) })),
    'RequestTooLargeException', 413);
  assert.equal(big.message, 'Request must be smaller than 6291456 bytes for the InvokeFunction operation');
  await rejects(lambda.send(new InvokeCommand({ FunctionName: 'inv', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify('x'.repeat(1024 * 1024))) })),
    'RequestTooLargeException', 413);
  await rejects(lambda.send(new InvokeCommand({ FunctionName: 'inv', Payload: Buffer.from('{not json') })), 'InvalidRequestContentException', 400);
});
