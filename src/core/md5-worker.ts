// MD5 of large blobs on a worker thread. An S3 upload needs both its MD5 (the ETag) and a CRC
// (the default x-amz-checksum-crc64nvme) before it is answered; MD5 cannot be split and runs at
// about 550 MB/s on one core, so hashing both on the main thread caps an upload near 400 MB/s
// and stalls every other request meanwhile. The worker hashes a copy of each chunk while the
// main thread receives, checksums and writes the next ones.
//
// One worker serves every upload (jobs by id). A job holds at most MAX_INFLIGHT bytes not yet
// hashed: beyond that `update` returns a promise to wait on, so a fast client cannot queue a
// whole upload in the worker's inbox.
import { Worker } from 'node:worker_threads';
import { onStop } from './lifecycle.js';

const MAX_INFLIGHT = 4 * 1024 * 1024;
/** Copies travel in these, handed back and forth rather than allocated per chunk. */
const SLOT = 64 * 1024;
const free: ArrayBuffer[] = [];

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.chunk) {
    let h = jobs.get(m.id);
    if (!h) jobs.set(m.id, h = createHash('md5'));
    h.update(new Uint8Array(m.chunk, 0, m.length));
    parentPort.postMessage({ id: m.id, hashed: m.length, chunk: m.chunk }, [m.chunk]);
  } else if (m.end) {
    const h = jobs.get(m.id) ?? createHash('md5');
    jobs.delete(m.id);
    parentPort.postMessage({ id: m.id, digest: h.digest('hex') });
  } else if (m.abort) jobs.delete(m.id);
});
`;

interface Job { inflight: number; drained?: () => void; done?: (hex: string) => void; failed?: (e: Error) => void; error?: Error }

let worker: Worker | undefined;
let nextId = 1;
const jobs = new Map<number, Job>();

function start(): Worker {
  if (worker) return worker;
  const w = new Worker(SOURCE, { eval: true });
  w.on('message', (m: { id: number; hashed?: number; digest?: string; chunk?: ArrayBuffer }) => {
    if (m.chunk?.byteLength === SLOT && free.length < MAX_INFLIGHT / SLOT) free.push(m.chunk);
    const job = jobs.get(m.id);
    if (!job) return;
    if (m.hashed !== undefined) {
      job.inflight -= m.hashed;
      if (job.drained && job.inflight <= MAX_INFLIGHT / 2) { const d = job.drained; job.drained = undefined; d(); }
    } else if (m.digest !== undefined) {
      forget(m.id);
      job.done?.(m.digest);
    }
  });
  // A worker that dies fails its jobs (the uploads answer 500) rather than leaving them waiting.
  w.on('error', (e) => {
    worker = undefined;
    for (const job of jobs.values()) { job.error = e; job.drained?.(); job.failed?.(e); }
    jobs.clear();
    w.unref();
  });
  // Keeps the process alive only while a job waits on it (unref after the listeners: adding
  // one refs the port again).
  w.unref();
  worker = w;
  return w;
}

function forget(id: number): void {
  jobs.delete(id);
  if (jobs.size === 0) worker?.unref();
}

onStop(async () => {
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
});

/** An incremental MD5 computed on the worker thread. */
export interface WorkerMd5 {
  /** Hashes a copy of `chunk`; resolves when the job may take more (undefined: at once). */
  update(chunk: Buffer): Promise<void> | undefined;
  /** The hex digest of everything updated. */
  digest(): Promise<string>;
  /** Forgets the job (a failed upload). */
  abort(): void;
}

export function workerMd5(): WorkerMd5 {
  const w = start();
  const id = nextId++;
  const job: Job = { inflight: 0 };
  jobs.set(id, job);
  if (jobs.size === 1) w.ref();
  return {
    update(chunk) {
      if (job.error) return undefined; // the worker died: digest() reports it
      job.inflight += chunk.length;
      // A copy of these bytes, moved (not cloned again) to the worker, which sends it back.
      const copy = chunk.length <= SLOT ? free.pop() ?? new ArrayBuffer(SLOT) : new ArrayBuffer(chunk.length);
      chunk.copy(new Uint8Array(copy));
      w.postMessage({ id, chunk: copy, length: chunk.length }, [copy]);
      if (job.inflight <= MAX_INFLIGHT) return undefined;
      return new Promise<void>((resolve) => { job.drained = resolve; });
    },
    digest() {
      return new Promise<string>((resolve, reject) => {
        if (job.error) { reject(job.error); return; } // the worker died before the end
        job.done = resolve; job.failed = reject;
        w.postMessage({ id, end: true });
      });
    },
    abort() { forget(id); w.postMessage({ id, abort: true }); },
  };
}
