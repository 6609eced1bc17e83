#!/usr/bin/env node
// S3 streaming and listing at size, through HTTP like any client:
//
//   1 GiB PutObject and GetObject (path-style, UNSIGNED-PAYLOAD, one stream each way): MB/s,
//   and the server's RSS growth sampled every 50 ms during each transfer (constant memory
//   means a small bounded growth, whatever the size).
//   The same PUT against bench/put-ceiling.mjs (receive and MD5 only: the least any S3 server
//   must do), and Nimbus's share of it.
//   ListObjectsV2 (100 keys per page) on a bucket of 1,000 keys and one of --keys keys (default
//   1,000,000): median page latency from the start, the middle and the end of the key space.
//   An ordered index answers all of them alike (O(log n + page)).
//
//   npm run build && node bench/s3-stream.mjs [--gib 1] [--keys 1000000] [--data-dir DIR]
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: {
  gib: { type: 'string', default: '1' }, keys: { type: 'string', default: '1000000' }, port: { type: 'string', default: '4592' },
  'data-dir': { type: 'string' },
} });
const BYTES = Math.round(Number(values.gib) * 2 ** 30);
const KEYS = Number(values.keys);
const PORT = Number(values.port);
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00';

function request(method, path, { body, headers = {}, sink = false, port = PORT } = {}) {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method, path, agent, headers: {
      authorization: AUTH, 'x-amz-date': '20260101T000000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers,
    } }, (res) => {
      let bytes = 0;
      const chunks = [];
      res.on('data', (c) => { bytes += c.length; if (!sink) chunks.push(c); });
      res.on('end', () => (res.statusCode < 300 ? resolve({ bytes, body: Buffer.concat(chunks).toString() })
        : reject(new Error(`${method} ${path}: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`))));
      res.on('error', reject);
    });
    r.on('error', reject);
    if (body instanceof Readable) body.pipe(r); else r.end(body ?? '');
  });
}

/** `total` bytes of a repeating 1 MiB pattern, generated as it is read. */
function generated(total) {
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31) & 0xff;
  let sent = 0;
  return new Readable({ read() {
    if (sent >= total) { this.push(null); return; }
    const n = Math.min(block.length, total - sent);
    sent += n;
    this.push(n === block.length ? block : block.subarray(0, n));
  } });
}

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function transfer(pid, fn) {
  const before = rssMb(pid);
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, rssMb(pid)); }, 50);
  const t = performance.now();
  try { await fn(); } finally { clearInterval(timer); }
  const s = (performance.now() - t) / 1000;
  return { mbPerS: BYTES / 2 ** 20 / s, seconds: s, rssGrowthMb: peak - before, before };
}

async function pageLatency(bucket, prefixKeys) {
  const times = [];
  for (const start of prefixKeys) {
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const r = await request('GET', `/${bucket}?list-type=2&max-keys=100&start-after=${encodeURIComponent(start)}`);
      times.push(performance.now() - t);
      if (!r.body.includes('<KeyCount>100</KeyCount>')) throw new Error(`short page after ${start}`);
    }
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

async function fill(bucket, n) {
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < n) {
      const i = next++;
      await request('PUT', `/${bucket}/key-${String(i).padStart(8, '0')}`, { body: 'v' });
    }
  }));
}

/** The PUT of a BYTES body against bench/put-ceiling.mjs on the next port. */
async function ceilingPut() {
  const port = PORT + 1;
  const ceiling = spawn(process.execPath, ['bench/put-ceiling.mjs', String(port)], { stdio: 'inherit' });
  try {
    for (let i = 0; i < 200; i++) { try { await request('PUT', '/warm', { port }); break; } catch { await new Promise((r) => setTimeout(r, 25)); } }
    return await transfer(ceiling.pid, () => request('PUT', '/x', { port, body: generated(BYTES), headers: { 'content-length': String(BYTES) } }));
  } finally {
    ceiling.kill('SIGTERM');
  }
}

const { crc64Addon, checksummer } = await import('../dist/src/services/s3/checksums.js');

/** MB/s of the server's CRC64NVME (S3's default checksum, computed on the main thread) over 256 MiB. */
function crc64MbPerS() {
  const block = Buffer.alloc(1 << 20, 7);
  const c = checksummer('CRC64NVME');
  const t = performance.now();
  for (let i = 0; i < 256; i++) c.update(block);
  c.digest();
  return 256 / ((performance.now() - t) / 1000);
}
const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'nimbus-s3-bench-'));
const server = spawn(process.execPath, ['bin/nimbus.js', 'start', '--port', String(PORT), '--log-level', 'warn', '--data-dir', dataDir], { stdio: 'inherit' });
try {
  for (let i = 0; i < 200; i++) { try { await request('GET', '/'); break; } catch { await new Promise((r) => setTimeout(r, 25)); } }
  await request('PUT', '/stream');
  const put = await transfer(server.pid, () => request('PUT', '/stream/big', { body: generated(BYTES), headers: { 'content-length': String(BYTES) } }));
  const get = await transfer(server.pid, async () => {
    const r = await request('GET', '/stream/big', { sink: true });
    if (r.bytes !== BYTES) throw new Error(`GET returned ${r.bytes} of ${BYTES} bytes`);
  });
  const ceiling = await ceilingPut();
  console.log(`S3 ${values.gib} GiB over loopback (--data-dir ${values['data-dir'] ? dataDir : 'a temporary folder'}; CRC64NVME by ${crc64Addon() ? 'native/crc64nvme' : 'aws-crt'} at ${crc64MbPerS().toFixed(0)} MB/s):`);
  console.log(`  PUT ${put.mbPerS.toFixed(0)} MB/s (${put.seconds.toFixed(2)} s), server RSS +${put.rssGrowthMb.toFixed(1)} MB over ${put.before.toFixed(1)} MB`);
  console.log(`  PUT ceiling (receive + MD5 only) ${ceiling.mbPerS.toFixed(0)} MB/s: Nimbus at ${(put.mbPerS / ceiling.mbPerS).toFixed(2)}x`);
  console.log(`  GET ${get.mbPerS.toFixed(0)} MB/s (${get.seconds.toFixed(2)} s), server RSS +${get.rssGrowthMb.toFixed(1)} MB over ${get.before.toFixed(1)} MB`);

  await request('PUT', '/small');
  await request('PUT', '/large');
  await fill('small', 1000);
  let t = performance.now();
  await fill('large', KEYS);
  console.log(`  filled a bucket with ${KEYS} keys in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const small = await pageLatency('small', ['', 'key-00000450', 'key-00000890']);
  const large = await pageLatency('large', ['', `key-${String(Math.floor(KEYS / 2)).padStart(8, '0')}`, `key-${String(KEYS - 200).padStart(8, '0')}`]);
  console.log(`  ListObjectsV2, 100 keys per page, median: ${small.toFixed(2)} ms at 1,000 keys, ${large.toFixed(2)} ms at ${KEYS} keys`);
} finally {
  server.kill('SIGTERM');
  if (!values['data-dir']) setTimeout(() => rmSync(dataDir, { recursive: true, force: true }), 500);
}
