// Large payloads (S3 object bodies, Lambda code) live in files, streamed in and out, never
// whole in memory. With --data-dir they are under DIR/blobs and survive restarts; in memory
// mode under a temporary folder removed at stop. File names are random ids, never derived
// from user input. A blob is written to a temporary name and renamed once complete, so a
// crash never leaves a half-written blob under a live id. Each service's blobs are in a folder
// of its own, so resetting the service removes them.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, renameSync, unlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { onReset } from './state.js';

export interface StoredBlob {
  id: string;
  size: number;
  md5: string;      // hex
}

let root: string | undefined;
let temporary = false;

/** Where blobs go: DIR/blobs with --data-dir, else a temporary folder (set on first use). */
export function setBlobRoot(dataDir: string | undefined): void {
  if (dataDir) { root = join(dataDir, 'blobs'); temporary = false; mkdirSync(root, { recursive: true }); }
}

function dir(): string {
  if (!root) { root = mkdtempSync(join(tmpdir(), 'nimbus-blobs-')); temporary = true; }
  return root;
}

/** A blob id is `<owner service>/<uuid>`. */
const pathOf = (id: string): string => {
  if (!/^[a-z0-9]+\/[0-9a-f-]{36}$/.test(id)) throw new Error(`not a blob id: ${id}`);
  return join(dir(), id);
};

onReset((service) => {
  if (!root) return;
  const target = service ? join(root, service) : root;
  if (!existsSync(target)) return;
  if (service) rmSync(target, { recursive: true, force: true });
  else for (const e of readdirSync(root)) rmSync(join(root, e), { recursive: true, force: true });
});

/**
 * Streams `source` into a new blob through optional transforms (e.g. checksum calculators),
 * computing its size and MD5 on the way.
 */
export async function putBlob(source: Readable | Buffer, transforms: Transform[] = [], owner = 'shared'): Promise<StoredBlob> {
  const id = `${owner}/${randomUUID()}`;
  const final = pathOf(id);
  mkdirSync(join(dir(), owner), { recursive: true });
  const partial = `${final}.part`;
  const md5 = createHash('md5');
  let size = 0;
  const out = createWriteStream(partial);
  try {
    if (Buffer.isBuffer(source)) {
      md5.update(source); size = source.length;
      await new Promise<void>((ok, fail) => out.end(source, () => ok()).on('error', fail));
    } else {
      const measure = new Transform({
        transform(c: Buffer, _e, done) { md5.update(c); size += c.length; done(null, c); },
      });
      await pipeline([source, ...transforms, measure, out] as unknown as [Readable, ...Transform[]]);
    }
    renameSync(partial, final);
  } catch (e) {
    out.destroy();
    try { unlinkSync(partial); } catch { /* never created */ }
    throw e;
  }
  return { id, size, md5: md5.digest('hex') };
}

/** Reads a blob, or the inclusive byte range [start, end] of it. */
export function readBlob(id: string, range?: { start: number; end: number }): Readable {
  return createReadStream(pathOf(id), range);
}

export function blobSize(id: string): number { return statSync(pathOf(id)).size; }

export function deleteBlob(id: string): void {
  try { unlinkSync(pathOf(id)); } catch { /* already gone */ }
}

/** Removes the temporary folder of an in-memory Nimbus. */
export function closeBlobs(): void {
  if (temporary && root) rmSync(root, { recursive: true, force: true });
  root = undefined; temporary = false;
}
