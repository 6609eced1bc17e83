// Every operation of every enabled model, sent the way its protocol sends it, reaches the
// right service and operation (identification + the codec's operation resolution).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, modelIndex, type Operation, type ServiceModel } from '../../src/protocols/model.js';
import type { HttpRequest } from '../../src/protocols/codec.js';
import { identify, pickByVersion } from '../../src/gateway/identify.js';
import { codecFor } from '../../src/gateway/codecs.js';
import type { SigV4Auth } from '../../src/gateway/sigv4.js';

function requestFor(model: ServiceModel, op: Operation, protocol: string): HttpRequest {
  const headers: Record<string, string> = { host: 'localhost:4566' };
  if (protocol === 'json') {
    headers['x-amz-target'] = `${model.metadata.targetPrefix}.${op.name}`;
    headers['content-type'] = `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`;
    return { method: 'POST', path: '/', query: [], headers, body: Buffer.from('{}') };
  }
  if (protocol === 'query' || protocol === 'ec2') {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    return { method: 'POST', path: '/', query: [], headers, body: Buffer.from(`Action=${op.name}&Version=${model.metadata.apiVersion}`) };
  }
  // REST: fill the URI template; add the literal query keys and required headers.
  const [rawPath, rawQuery] = op.http.requestUri.split('?');
  const path = rawPath.replace(/\{(\w+)\+\}/g, 'seg1/seg2').replace(/\{(\w+)\}/g, 'x1');
  const query: [string, string][] = rawQuery ? rawQuery.split('&').map((kv) => {
    const [k, v] = kv.split('=');
    return [k, v ?? ''] as [string, string];
  }) : [];
  const input = op.input ? model.shapes[op.input.shape] : undefined;
  for (const name of input?.required ?? []) {
    const m = input!.members![name];
    if (m.location === 'header') headers[m.locationName!.toLowerCase()] = 'x1';
    if (m.location === 'querystring' && !query.some(([k]) => k === m.locationName)) query.push([m.locationName!, 'x1']);
  }
  return { method: op.http.method, path, query, headers, body: Buffer.alloc(0) };
}

test('every operation of every model routes to itself', () => {
  const failures: string[] = [];
  let count = 0;
  for (const [name, entry] of Object.entries(modelIndex())) {
    const model = loadModel(name);
    const protocol = entry.protocols.includes('json') ? 'json' : entry.protocols[0];
    const codec = codecFor(protocol as never);
    if (!codec) { failures.push(`${name}: no codec for ${protocol}`); continue; }
    for (const op of Object.values(model.operations)) {
      count++;
      const req = requestFor(model, op, protocol);
      const auth: SigV4Auth = { presigned: false, accessKeyId: 'test', date: '20260101', region: 'us-east-1', service: entry.signingName, signedHeaders: ['host'], signature: '0'.repeat(64) };
      let found = identify(req, auth);
      if (found && 'ambiguous' in found) found = pickByVersion(req, found.ambiguous);
      if (!found || 'ambiguous' in found || found.service !== name) { failures.push(`${name}.${op.name}: identified as ${JSON.stringify(found)}`); continue; }
      const resolved = codec.resolve(req, model);
      // Twins with the same wire form (S3's deprecated GetBucketLifecycle and its successor;
      // ListDirectoryBuckets, told apart only by the S3 Express endpoint) cannot be told apart
      // by anyone: the request reaches the current one.
      const twin = resolved && resolved.http.method === op.http.method && resolved.http.requestUri === op.http.requestUri;
      if (resolved?.name !== op.name && !twin) failures.push(`${name}.${op.name}: ${op.http.method} ${op.http.requestUri} resolved to ${resolved?.name}`);
    }
  }
  assert.ok(count > 2500, `only ${count} operations`);
  assert.deepEqual(failures, []);
});
