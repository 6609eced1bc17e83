#!/usr/bin/env node
// Nimbus's own cost per request, without sockets: STS GetCallerIdentity pushed straight
// through the gateway pipeline (identify, decode, validate, dispatch, encode) with a stub
// response. What the HTTP benchmarks add on top is Node's HTTP stack and the kernel.
//
//   npm run build && node bench/pipeline.mjs [--requests 100000]
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { handle } from '../dist/src/gateway/pipeline.js';
import { setLogLevel } from '../dist/src/core/log.js';

setLogLevel('silent');
const { values } = parseArgs({ options: { requests: { type: 'string', default: '100000' } } });
const N = Number(values.requests);
const opts = { version: 'bench', verifySignatures: false, maxBodyBytes: 1 << 20, enabled: new Set(['sts']), startedAt: Date.now(), stateLocation: 'memory' };
const headers = {
  host: '127.0.0.1:4566', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'x-amz-date': '20260101T000000Z',
  authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000',
};
const body = Buffer.from('Action=GetCallerIdentity&Version=2011-06-15');

function one() {
  return new Promise((resolve) => {
    const raw = Object.assign(Readable.from([body]), { method: 'POST', url: '/', headers });
    const res = { writeHead() {}, end: resolve, once() {}, on() {}, destroy() {}, writableFinished: true };
    handle(raw, res, opts);
  });
}

for (let i = 0; i < 20_000; i++) await one(); // warm-up: JIT, model loading
const t = performance.now();
for (let i = 0; i < N; i++) await one();
console.log(`gateway pipeline, STS GetCallerIdentity: ${((performance.now() - t) * 1000 / N).toFixed(2)} µs per request (${N} requests, including a stub stream per request)`);
