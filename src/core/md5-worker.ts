// MD5 of large blobs on a worker thread. An S3 upload needs both its MD5 (the ETag) and a CRC
// (the default x-amz-checksum-crc64nvme) before it is answered; MD5 cannot be split and runs at
// about 580 MB/s on one core, so hashing both on the main thread caps an upload near 400 MB/s
// and stalls every other request meanwhile. The worker hashes each slab of the upload while
// the main thread receives, checksums and writes the next ones.
//
// Slabs (see blobs.ts) are moved to the worker and back, never copied, one message each way
// per 1 MiB, so the threads do not wake each other for every 64 KiB socket read. (Shared
// memory would save the moves, but V8 copies into a SharedArrayBuffer with a slow relaxed
// memmove: 10% of an upload's time.)
import { Worker } from 'node:worker_threads';
import { onStop } from './lifecycle.js';

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.slab) {
    let h = jobs.get(m.id);
    if (!h) jobs.set(m.id, h = createHash('md5'));
    h.update(new Uint8Array(m.slab, 0, m.length));
    parentPort.postMessage({ id: m.id, seq: m.seq, slab: m.slab }, [m.slab]);
  } else if (m.end) {
    const h = jobs.get(m.id) ?? createHash('md5');
    jobs.delete(m.id);
    parentPort.postMessage({ id: m.id, digest: h.digest('hex') });
  } else if (m.abort) jobs.delete(m.id);
});
`;

interface Job {
  /** Slabs sent and not yet hashed, by sequence number: resolved with the slab when hashed. */
  pending: Map<number, { resolve(slab?: ArrayBuffer): void; reject(e: Error): void }>;
  seq: number;
  done?: (hex: string) => void;
  failed?: (e: Error) => void;
  error?: Error;
}

let worker: Worker | undefined;
let nextId = 1;
const jobs = new Map<number, Job>();

function start(): Worker {
  if (worker) return worker;
  const w = new Worker(SOURCE, { eval: true });
  w.on('message', (m: { id: number; seq?: number; digest?: string; slab?: ArrayBuffer }) => {
    const job = jobs.get(m.id);
    if (!job) return;
    if (m.seq !== undefined) {
      const p = job.pending.get(m.seq);
      job.pending.delete(m.seq);
      p?.resolve(m.slab);
    } else if (m.digest !== undefined) {
      forget(m.id);
      job.done?.(m.digest);
    }
  });
  // A worker that dies fails its jobs (the uploads answer 500) rather than leaving them waiting.
  w.on('error', (e) => {
    worker = undefined;
    for (const job of jobs.values()) {
      job.error = e;
      for (const p of job.pending.values()) p.reject(e);
      job.pending.clear();
      job.failed?.(e);
    }
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
  /**
   * Hashes the first `length` bytes of `slab`, after everything given before. The slab moves
   * to the worker (detached here) and comes back as the promise's value once hashed
   * (undefined if the job was aborted meanwhile).
   */
  update(slab: ArrayBuffer, length: number): Promise<ArrayBuffer | undefined>;
  /** The hex digest of everything updated. */
  digest(): Promise<string>;
  /** Forgets the job (a failed upload). */
  abort(): void;
}

export function workerMd5(): WorkerMd5 {
  const w = start();
  const id = nextId++;
  const job: Job = { pending: new Map(), seq: 0 };
  jobs.set(id, job);
  if (jobs.size === 1) w.ref();
  return {
    update(slab, length) {
      if (job.error) return Promise.reject(job.error); // the worker died
      const seq = job.seq++;
      return new Promise<ArrayBuffer | undefined>((resolve, reject) => {
        job.pending.set(seq, { resolve, reject });
        w.postMessage({ id, seq, slab, length }, [slab]);
      });
    },
    digest() {
      return new Promise<string>((resolve, reject) => {
        if (job.error) { reject(job.error); return; } // the worker died before the end
        job.done = resolve; job.failed = reject;
        w.postMessage({ id, end: true });
      });
    },
    abort() {
      for (const p of job.pending.values()) p.resolve(undefined); // nothing waits on a dropped job's slabs
      forget(id);
      w.postMessage({ id, abort: true });
    },
  };
}
