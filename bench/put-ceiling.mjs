#!/usr/bin/env node
// The PUT ceiling for bench/s3-stream.mjs: a bare node:http server that receives each request
// body and computes its MD5 on a worker thread, in 1 MiB slabs, with Nimbus's own MD5 worker
// (an S3 PutObject cannot answer without the MD5: it is the ETag). Nothing else: no file, no
// CRC, no S3. No S3 server in Node.js can take a large PUT faster than this on the machine.
//
//   npm run build && node bench/put-ceiling.mjs PORT
import http from 'node:http';
import { workerMd5 } from '../dist/src/core/md5-worker.js';

const SLAB = 1024 * 1024;
const IN_FLIGHT = 4;
const idle = [];

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node bench/put-ceiling.mjs PORT');
  process.exit(2);
}

http.createServer(async (req, res) => {
  const md5 = workerMd5();
  const pending = [];
  let slab = idle.pop() ?? new ArrayBuffer(SLAB);
  let view = Buffer.from(slab);
  let fill = 0;
  const ship = () => {
    pending.push(md5.update(slab, fill).then((s) => { if (s) idle.push(s); }));
    slab = idle.pop() ?? new ArrayBuffer(SLAB); view = Buffer.from(slab); fill = 0;
  };
  for await (const chunk of req) {
    for (let off = 0; off < chunk.length;) {
      const n = Math.min(chunk.length - off, SLAB - fill);
      chunk.copy(view, fill, off, off + n);
      fill += n; off += n;
      if (fill === SLAB) ship();
    }
    while (pending.length >= IN_FLIGHT) await pending.shift();
  }
  if (fill) ship();
  await Promise.all(pending);
  idle.push(slab);
  const etag = `"${await md5.digest()}"`;
  res.writeHead(200, { etag, 'content-length': '0' }).end();
}).listen(port, '127.0.0.1');
