// Response streaming: InvokeWithResponseStream through the JS SDK (PayloadChunk events as the
// function writes, then InvokeComplete), awslambda.streamifyResponse / HttpResponseStream,
// errors mid-stream, buffered functions answered as one chunk, and RESPONSE_STREAM function
// URLs read with fetch. Also ES-module handlers importing the runtime's SDK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  LambdaClient, InvokeWithResponseStreamCommand, InvokeCommand, CreateFunctionUrlConfigCommand, PublishLayerVersionCommand,
} from '@aws-sdk/client-lambda';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, role, text, zipOf } from './util.js';

let n: Nimbus;
let lambda: LambdaClient;
let roleArn: string;
before(async () => {
  n = await nimbus();
  lambda = new LambdaClient(sdk(n));
  roleArn = await role(n);
});
after(async () => { n.reset(); await n.stop(); });

type Ev = { PayloadChunk?: { Payload?: Uint8Array }; InvokeComplete?: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string } };
async function collect(stream: AsyncIterable<Ev> | undefined): Promise<{ events: Ev[]; at: number[] }> {
  const events: Ev[] = [], at: number[] = [];
  for await (const e of stream!) { events.push(e); at.push(Date.now()); }
  return { events, at };
}

const STREAMER = `export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  responseStream.setContentType('text/plain');
  responseStream.write('first;');
  await new Promise((ok) => setTimeout(ok, 400));
  responseStream.write('second;');
  if (event.fail) throw new Error('broke mid-stream');
  responseStream.write(context.awsRequestId);
  responseStream.end();
});`;

test('InvokeWithResponseStream: chunks arrive as the function writes them, then InvokeComplete', async () => {
  await createFn(lambda, roleArn, 'streamer', { 'index.mjs': STREAMER });
  const r = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: Buffer.from('{}') }));
  assert.equal(r.StatusCode, 200);
  assert.equal(r.ExecutedVersion, '$LATEST');
  const { events, at } = await collect(r.EventStream as AsyncIterable<Ev>);
  const chunks = events.filter((e) => e.PayloadChunk).map((e) => text(e.PayloadChunk!.Payload));
  assert.ok(chunks.length >= 2, `written in pieces: ${JSON.stringify(chunks)}`);
  assert.equal(chunks[0], 'first;');
  assert.equal(chunks.join(''), `first;second;${r.$metadata.requestId}`);
  assert.ok(at[1] - at[0] >= 250, 'the first chunk came before the function finished');
  assert.deepEqual(events.at(-1), { InvokeComplete: {} });
  // The same function through Invoke: its whole stream as the payload.
  const b = await lambda.send(new InvokeCommand({ FunctionName: 'streamer' }));
  assert.equal(b.FunctionError, undefined);
  assert.match(text(b.Payload), /^first;second;[0-9a-f-]{36}$/);
});

test('boto3 reads the same event stream', async () => {
  const got = await boto3<{ status: number; chunks: string[]; complete: Record<string, unknown> }>(n, `
c = boto3.client('lambda', endpoint_url=endpoint, region_name='us-east-1')
r = c.invoke_with_response_stream(FunctionName='streamer', Payload=b'{}')
chunks, complete = [], None
for e in r['EventStream']:
    if 'PayloadChunk' in e: chunks.append(e['PayloadChunk']['Payload'].decode())
    if 'InvokeComplete' in e: complete = e['InvokeComplete']
print(json.dumps({'status': r['StatusCode'], 'chunks': chunks, 'complete': complete}))
`);
  assert.equal(got.status, 200);
  assert.ok(got.chunks.length >= 2);
  assert.match(got.chunks.join(''), /^first;second;[0-9a-f-]{36}$/);
  assert.deepEqual(got.complete, {});
});

test('an error mid-stream: what was written stays sent, InvokeComplete carries the error and the log tail', async () => {
  const r = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: Buffer.from('{"fail":true}'), LogType: 'Tail' }));
  const { events } = await collect(r.EventStream as AsyncIterable<Ev>);
  assert.equal(events.filter((e) => e.PayloadChunk).map((e) => text(e.PayloadChunk!.Payload)).join(''), 'first;second;');
  const done = events.at(-1)!.InvokeComplete!;
  assert.equal(done.ErrorCode, 'Error');
  assert.equal(done.ErrorDetails, 'broke mid-stream');
  const log = Buffer.from(done.LogResult!, 'base64').toString('utf8');
  assert.match(log, /START RequestId: /);
  assert.match(log, /broke mid-stream/);
});

test('a function that does not stream answers its whole result as one chunk; errors and missing functions', async () => {
  await createFn(lambda, roleArn, 'buffered', { 'index.js': 'exports.handler = async (e) => { if (e.fail) throw new TypeError("bad input"); return { ok: true, e }; };' });
  const r = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'buffered', Payload: Buffer.from('{"a":1}') }));
  const { events } = await collect(r.EventStream as AsyncIterable<Ev>);
  assert.equal(events.length, 2);
  assert.deepEqual(JSON.parse(text(events[0].PayloadChunk!.Payload)), { ok: true, e: { a: 1 } });
  assert.deepEqual(events[1], { InvokeComplete: {} });
  const f = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'buffered', Payload: Buffer.from('{"fail":true}') }));
  const fe = (await collect(f.EventStream as AsyncIterable<Ev>)).events;
  assert.equal(fe.length, 1, 'no payload chunk for a failed invocation');
  assert.deepEqual(fe[0].InvokeComplete, { ErrorCode: 'TypeError', ErrorDetails: 'bad input' });
  await rejects(lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'nope', Payload: Buffer.from('{}') })), 'ResourceNotFoundException', 404);
  await rejects(lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'buffered', Payload: Buffer.from('not json') })), 'InvalidRequestContentException', 400);
  const dry = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'buffered', InvocationType: 'DryRun' }));
  assert.equal(dry.StatusCode, 204);
});

test('a RESPONSE_STREAM function URL streams the body, with the status and headers of HttpResponseStream.from', async () => {
  await createFn(lambda, roleArn, 'url-stream', { 'index.mjs': `export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const out = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { 'Content-Type': 'text/event-stream', 'X-Custom': 'yes' }, cookies: ['a=1'] });
  out.write('data: one\\n\\n');
  await new Promise((ok) => setTimeout(ok, 400));
  out.write('data: ' + event.rawPath + '\\n\\n');
  out.end();
});` });
  const u = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-stream', AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
  assert.equal(u.InvokeMode, 'RESPONSE_STREAM');
  const id = new URL(u.FunctionUrl!).hostname.split('.')[0];
  const res = await fetch(`${n.endpoint}/_nimbus/lambda/url/${id}/events`);
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  assert.equal(res.headers.get('x-custom'), 'yes');
  assert.equal(res.headers.get('set-cookie'), 'a=1');
  const reader = res.body!.getReader();
  const parts: { t: number; s: string }[] = [];
  for (;;) { const { done, value } = await reader.read(); if (done) break; parts.push({ t: Date.now(), s: Buffer.from(value).toString() }); }
  assert.equal(parts.map((p) => p.s).join(''), 'data: one\n\ndata: /events\n\n');
  assert.ok(parts.length >= 2 && parts.at(-1)!.t - parts[0].t >= 250, 'the first part arrived before the function finished');
  // A plain (non-streaming) function behind a streaming URL answers as a buffered one.
  await createFn(lambda, roleArn, 'url-plain', { 'index.js': 'exports.handler = async () => ({ statusCode: 202, body: "plain" });' });
  const p = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-plain', AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
  const pr = await fetch(`${n.endpoint}/_nimbus/lambda/url/${new URL(p.FunctionUrl!).hostname.split('.')[0]}/`);
  assert.equal(pr.status, 202);
  assert.equal(await pr.text(), 'plain');
});

test('ES-module handlers import the runtime\'s AWS SDK without bundling it; a function\'s own node_modules wins', async () => {
  await new S3Client({ ...sdk(n), forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'esm-bucket' }));
  const handler = `import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
export const handler = async () => {
  const r = await new S3Client({ forcePathStyle: true }).send(new ListBucketsCommand({}));
  return { buckets: r.Buckets.map((b) => b.Name), item: marshall({ a: 1 }) };
};`;
  await createFn(lambda, roleArn, 'esm-mjs', { 'index.mjs': handler });
  const a = await lambda.send(new InvokeCommand({ FunctionName: 'esm-mjs' }));
  assert.equal(a.FunctionError, undefined, text(a.Payload));
  const out = JSON.parse(text(a.Payload));
  assert.ok(out.buckets.includes('esm-bucket'));
  assert.deepEqual(out.item, { a: { N: '1' } });
  // "type": "module" with index.js, and a bundled copy of a package that shadows the runtime's.
  await createFn(lambda, roleArn, 'esm-own', {
    'package.json': '{"type":"module"}',
    'index.js': `import { S3Client } from '@aws-sdk/client-s3';
import { KMSClient } from '@aws-sdk/client-kms';
export const handler = async () => ({ s3: S3Client.mine ?? 'runtime', kms: typeof KMSClient });`,
    'node_modules/@aws-sdk/client-s3/package.json': '{"name":"@aws-sdk/client-s3","type":"module","exports":"./index.js"}',
    'node_modules/@aws-sdk/client-s3/index.js': 'export class S3Client { static mine = "bundled"; }',
  });
  const b = await lambda.send(new InvokeCommand({ FunctionName: 'esm-own' }));
  assert.equal(b.FunctionError, undefined, text(b.Payload));
  assert.deepEqual(JSON.parse(text(b.Payload)), { s3: 'bundled', kms: 'function' });
  // A package nobody provides still fails as on AWS.
  await createFn(lambda, roleArn, 'esm-missing', { 'index.mjs': 'import x from "left-pad-nowhere"; export const handler = async () => x;' });
  const c = await lambda.send(new InvokeCommand({ FunctionName: 'esm-missing' }));
  assert.equal(c.FunctionError, 'Unhandled');
  assert.equal(JSON.parse(text(c.Payload)).errorType, 'Runtime.ImportModuleError');
});

test('ES-module handlers import packages from layers; require() of an ES module fails as on AWS', async () => {
  const layer = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'esm-lib', CompatibleRuntimes: ['nodejs20.x'], Content: { ZipFile: zipOf({
    'nodejs/node_modules/shout/package.json': '{"name":"shout","type":"module","exports":{"import":"./index.js"}}',
    'nodejs/node_modules/shout/index.js': 'export const shout = (s) => s.toUpperCase() + "!";',
  }) } }));
  await createFn(lambda, roleArn, 'esm-layer', { 'index.mjs': 'import { shout } from "shout"; export const handler = async () => shout("hi");' },
    { Layers: [layer.LayerVersionArn!] });
  const a = await lambda.send(new InvokeCommand({ FunctionName: 'esm-layer' }));
  assert.equal(a.FunctionError, undefined, text(a.Payload));
  assert.equal(JSON.parse(text(a.Payload)), 'HI!');
  // AWS runs Node.js with --no-experimental-require-module and --no-experimental-detect-module.
  await createFn(lambda, roleArn, 'cjs-require-esm', { 'index.js': 'const { v } = require("./lib.mjs"); exports.handler = async () => v;', 'lib.mjs': 'export const v = 1;' });
  const b = await lambda.send(new InvokeCommand({ FunctionName: 'cjs-require-esm' }));
  assert.equal(b.FunctionError, 'Unhandled');
  assert.match(text(b.Payload), /ERR_REQUIRE_ESM|require\(\) of ES Module/);
  await createFn(lambda, roleArn, 'esm-syntax-in-cjs', { 'index.js': 'export const handler = async () => 1;' });
  const c = await lambda.send(new InvokeCommand({ FunctionName: 'esm-syntax-in-cjs' }));
  assert.equal(c.FunctionError, 'Unhandled');
  assert.equal(JSON.parse(text(c.Payload)).errorType, 'Runtime.UserCodeSyntaxError');
});
