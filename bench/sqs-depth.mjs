#!/usr/bin/env node
// SQS receive cost against queue depth: ReceiveMessage(10) + DeleteMessageBatch latency on a
// queue holding 1,000 messages and on one holding 1,000,000, through HTTP like any client.
// O(1) receive means the two medians are about the same.
//
//   npm run build && node bench/sqs-depth.mjs [--deep 1000000]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { deep: { type: 'string', default: '1000000' }, port: { type: 'string', default: '4590' } } });
const DEEP = Number(values.deep);
const PORT = Number(values.port);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function call(op, body) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const r = http.request({ host: '127.0.0.1', port: PORT, method: 'POST', path: '/', agent, headers: {
      'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}`, 'content-length': Buffer.byteLength(data),
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00',
    } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString() || '{}')) : reject(new Error(`${op}: ${res.statusCode} ${Buffer.concat(chunks)}`))));
    });
    r.on('error', reject);
    r.end(data);
  });
}

async function fill(url, n) {
  const batches = Math.ceil(n / 10);
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < batches) {
      next++;
      await call('SendMessageBatch', { QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })) });
    }
  }));
}

async function measure(url, rounds = 2000) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const r = await call('ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 });
    await call('DeleteMessageBatch', { QueueUrl: url, Entries: r.Messages.map((m, j) => ({ Id: `d${j}`, ReceiptHandle: m.ReceiptHandle })) });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)] };
}

const server = spawn(process.execPath, ['bin/nimbus.js', 'start', '--port', String(PORT), '--log-level', 'warn'], { stdio: 'inherit' });
try {
  for (let i = 0; i < 200; i++) { try { await call('ListQueues', {}); break; } catch { await new Promise((r) => setTimeout(r, 25)); } }
  const shallow = (await call('CreateQueue', { QueueName: 'shallow' })).QueueUrl;
  const deep = (await call('CreateQueue', { QueueName: 'deep' })).QueueUrl;
  await fill(shallow, 1000 + 2200 * 10); // keeps ~1,000 queued through the warm-up and the measurement
  let t = performance.now();
  await fill(deep, DEEP + 2000 * 10);
  console.log(`filled ${DEEP.toLocaleString()} messages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await measure(shallow, 200); // warm-up
  const a = await measure(shallow);
  const b = await measure(deep);
  const fmt = (x) => `p50 ${x.p50.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms`;
  console.log(`receive(10)+delete-batch with 1,000 queued:   ${fmt(a)}`);
  console.log(`receive(10)+delete-batch with ${DEEP.toLocaleString()} queued: ${fmt(b)}`);
  console.log(`ratio deep/shallow p50: ${(b.p50 / a.p50).toFixed(2)}x (1.00x = depth does not matter)`);
} finally {
  server.kill();
  agent.destroy();
}
