// Routing of the rest protocols over every operation: for S3 and Lambda, every command of the
// official SDK (with its required members filled in) must resolve to its own operation and
// decode without error; for the other rest models, a request synthesized from each
// operation's requestUri must. Plus the S3 routing rules that live outside the model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as s3sdk from '@aws-sdk/client-s3';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import type { HttpRequest } from '../../src/protocols/codec.js';
import type { Operation, ServiceModel, Shape } from '../../src/protocols/model.js';
import { loadModel } from '../../src/protocols/model.js';
import { shapeOf } from '../../src/protocols/shapes.js';
import { restXmlCodec } from '../../src/protocols/rest-xml.js';
import { restJsonCodec } from '../../src/protocols/rest-json.js';
import { Harness } from './sdk-harness.js';

/** A value of `shape` with its required members filled in (what an SDK needs to send it). */
function sample(model: ServiceModel, shape: Shape, depth = 0): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      for (const name of shape.required ?? []) out[name] = sample(model, shapeOf(model, shape.members![name]), depth + 1);
      return out;
    }
    case 'list': return [sample(model, shapeOf(model, shape.member!), depth + 1)];
    case 'map': return { k: sample(model, shapeOf(model, shape.value!), depth + 1) };
    case 'string': return shape.enum?.[0] ?? 'x1';
    case 'integer': case 'long': return Math.max(1, shape.min ?? 1);
    case 'float': case 'double': return 1.5;
    case 'boolean': return true;
    case 'timestamp': return new Date('2024-01-01T00:00:00Z');
    case 'blob': return Buffer.from('data');
    default: return undefined;
  }
}

type Sdk = Record<string, unknown>;

async function everyCommand(h: Harness<{ send(c: unknown): Promise<unknown> }>, sdk: Sdk, skip: Set<string>) {
  const misrouted: string[] = [];
  let checked = 0;
  for (const op of Object.values(h.model.operations)) {
    if (skip.has(op.name)) continue;
    const Command = sdk[`${op.name}Command`] as (new (input: unknown) => unknown) | undefined;
    if (!Command) continue; // an operation newer than the installed SDK
    const input = op.input ? sample(h.model, shapeOf(h.model, op.input)) : {};
    h.wire.captured = undefined;
    const { op: found, req } = await h.request(new Command(input));
    assert.ok(req, `${op.name}: the SDK sent a request`);
    if (found?.name !== op.name) misrouted.push(`${op.name} (${req.method} ${req.path}?${new URLSearchParams(req.query)}) -> ${found?.name}`);
    checked++;
  }
  assert.deepEqual(misrouted, []);
  return checked;
}

test('every S3 command the SDK sends resolves to its operation and decodes', async () => {
  const h = new Harness(restXmlCodec, 's3', (c) => new s3sdk.S3Client({ ...c, forcePathStyle: true }));
  // Sent to other endpoints (s3-object-lambda, s3express session) with host prefixes; still routed by path.
  const checked = await everyCommand(h, s3sdk as unknown as Sdk, new Set(['ListDirectoryBuckets']));
  assert.ok(checked > 100, `checked ${checked}`);
});

test('every Lambda command the SDK sends resolves to its operation and decodes', async () => {
  const h = new Harness(restJsonCodec, 'lambda', (c) => new lambdaSdk.LambdaClient(c));
  const checked = await everyCommand(h, lambdaSdk as unknown as Sdk, new Set());
  assert.ok(checked > 80, `checked ${checked}`);
});

/** A request for `op` from its requestUri, with every required query/header member present. */
function synthesize(model: ServiceModel, op: Operation): HttpRequest {
  const [pathPart, queryPart] = op.http.requestUri.split('?');
  const path = pathPart.replace(/\{([^}]+?)\+\}/g, 'a/b').replace(/\{[^}]+\}/g, 'x1');
  const query: [string, string][] = queryPart ? [...new URLSearchParams(queryPart)] : [];
  const headers: Record<string, string> = {};
  if (op.input) {
    const shape = shapeOf(model, op.input);
    for (const name of shape.required ?? []) {
      const ref = shape.members![name];
      if (ref.location === 'querystring' && ref.locationName) query.push([ref.locationName, '1']);
      if (ref.location === 'header') headers[ref.locationName!.toLowerCase()] = '1';
    }
  }
  return { method: op.http.method, path, query, headers, body: Buffer.alloc(0) };
}

for (const [service, codec] of [['apigateway', restJsonCodec], ['fis', restJsonCodec], ['xray', restJsonCodec], ['cloudfront', restXmlCodec], ['s3', restXmlCodec], ['lambda', restJsonCodec]] as const) {
  test(`every ${service} requestUri routes to its operation`, () => {
    const model = loadModel(service);
    const wrong: string[] = [];
    for (const op of Object.values(model.operations)) {
      const found = codec.resolve(synthesize(model, op), model);
      if (found?.name !== op.name) wrong.push(`${op.name} -> ${found?.name}`);
    }
    // Pairs AWS itself tells apart only by endpoint or not at all (the model keeps a
    // deprecated twin of the same request); the current operation wins.
    const twins = ['GetBucketLifecycle -> GetBucketLifecycleConfiguration', 'PutBucketLifecycle -> PutBucketLifecycleConfiguration',
      'GetBucketNotification -> GetBucketNotificationConfiguration', 'PutBucketNotification -> PutBucketNotificationConfiguration',
      'ListDirectoryBuckets -> ListBuckets'];
    assert.deepEqual(wrong.filter((w) => !twins.includes(w)), []);
  });
}

test('S3 routing: path and virtual-host style, bucket-level vs object-level, sub-resources', () => {
  const model = loadModel('s3');
  const r = (method: string, path: string, query: [string, string][] = [], headers: Record<string, string> = {}, hostBucket?: string) =>
    restXmlCodec.resolve({ method, path, query, headers, body: Buffer.alloc(0), hostBucket }, model)?.name;
  assert.equal(r('GET', '/'), 'ListBuckets');
  assert.equal(r('GET', '/', [['max-directory-buckets', '5']]), 'ListDirectoryBuckets');
  assert.equal(r('GET', '/b'), 'ListObjects');
  assert.equal(r('GET', '/b/'), 'ListObjects');
  assert.equal(r('GET', '/b', [['list-type', '2']]), 'ListObjectsV2');
  assert.equal(r('GET', '/', [['list-type', '2']], {}, 'b'), 'ListObjectsV2');
  assert.equal(r('GET', '/', [], {}, 'b'), 'ListObjects');
  assert.equal(r('GET', '/k/with/slashes', [], {}, 'b'), 'GetObject');
  assert.equal(r('PUT', '/b'), 'CreateBucket');
  assert.equal(r('HEAD', '/b'), 'HeadBucket');
  assert.equal(r('HEAD', '/b/k'), 'HeadObject');
  assert.equal(r('PUT', '/b/k'), 'PutObject');
  assert.equal(r('PUT', '/b/k', [], { 'x-amz-copy-source': '/src/k' }), 'CopyObject');
  assert.equal(r('PUT', '/b/k', [['partNumber', '1'], ['uploadId', 'u']]), 'UploadPart');
  assert.equal(r('PUT', '/b/k', [['partNumber', '1'], ['uploadId', 'u']], { 'x-amz-copy-source': '/src/k' }), 'UploadPartCopy');
  assert.equal(r('POST', '/b/k', [['uploads', '']]), 'CreateMultipartUpload');
  assert.equal(r('POST', '/b/k', [['uploadId', 'u']]), 'CompleteMultipartUpload');
  assert.equal(r('GET', '/b/k', [['uploadId', 'u']]), 'ListParts');
  assert.equal(r('DELETE', '/b/k', [['uploadId', 'u']]), 'AbortMultipartUpload');
  assert.equal(r('DELETE', '/b/k'), 'DeleteObject');
  assert.equal(r('GET', '/b', [['tagging', '']]), 'GetBucketTagging');
  assert.equal(r('GET', '/b/k', [['tagging', '']]), 'GetObjectTagging');
  assert.equal(r('GET', '/b', [['analytics', '']]), 'ListBucketAnalyticsConfigurations');
  assert.equal(r('GET', '/b', [['analytics', ''], ['id', 'a']]), 'GetBucketAnalyticsConfiguration');
  assert.equal(r('GET', '/b', [['lifecycle', '']]), 'GetBucketLifecycleConfiguration');
  assert.equal(r('POST', '/b/k', [['select', ''], ['select-type', '2']]), 'SelectObjectContent');
  // A literal value must match: select-type=3 is not SelectObjectContent (what remains is a POST
  // on an object, which then fails validation for its missing uploadId).
  assert.notEqual(r('POST', '/b/k', [['select', ''], ['select-type', '3']]), 'SelectObjectContent');
  assert.equal(r('PATCH', '/b/k'), undefined);
});

test('S3 decoding: keys keep slashes and percent-decode; query maps and header prefixes', () => {
  const model = loadModel('s3');
  const req: HttpRequest = {
    method: 'PUT', path: '/b/dir%2Fsub/a%20b%2Bc/', query: [], body: Buffer.alloc(0),
    headers: { 'x-amz-meta-color': 'red', 'x-amz-meta-empty': '', 'content-encoding': 'aws-chunked,gzip', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-decoded-content-length': '7' },
  };
  const op = restXmlCodec.resolve(req, model)!;
  assert.equal(op.name, 'PutObject');
  const input = restXmlCodec.decode(req, op, model);
  assert.equal(input.Key, 'dir/sub/a b+c/');
  assert.deepEqual(input.Metadata, { color: 'red', empty: '' });
  // aws-chunked is framing, not the object's encoding; the length is the decoded one.
  assert.equal(input.ContentEncoding, 'gzip');
  assert.equal(input.ContentLength, 7);
  const lead = restXmlCodec.decode({ ...req, path: '/b//leading' }, op, model);
  assert.equal(lead.Key, '/leading');
});

test('rest-json: a querystring map member takes the remaining parameters', () => {
  const model = loadModel('apigateway');
  const op = Object.values(model.operations).find((o) => {
    const s = o.input && shapeOf(model, o.input);
    return Object.values(s?.members ?? {}).some((r) => r.location === 'querystring' && shapeOf(model, r).type === 'map');
  });
  assert.ok(op, 'API Gateway has an operation with a query-string map');
  const shape = shapeOf(model, op.input!);
  const [mapName, mapRef] = Object.entries(shape.members!).find(([, r]) => r.location === 'querystring' && shapeOf(model, r).type === 'map')!;
  const named = Object.values(shape.members!).filter((r) => r.location === 'querystring' && r.locationName).map((r) => r.locationName!);
  const req = synthesize(model, op);
  req.query.push(['custom', 'v1'], ['other', 'v2']);
  const input = restJsonCodec.decode(req, op, model);
  const listValued = shapeOf(model, shapeOf(model, mapRef).value!).type === 'list';
  const expected: Record<string, unknown> = listValued ? { custom: ['v1'], other: ['v2'] } : { custom: 'v1', other: 'v2' };
  for (const [k, v] of req.query) if (!named.includes(k) && !(k in expected)) expected[k] = listValued ? [v] : v;
  assert.deepEqual(input[mapName], expected);
});
