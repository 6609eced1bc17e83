// Function code: validating uploaded zips and extracting them for execution.
//
// Zips are read with yauzl (npm `yauzl`): a streaming reader that never inflates a whole
// archive in memory, validates entry names (absolute paths, `..` segments and backslashes
// are rejected by yauzl.validateFileName) and, with validateEntrySizes, fails an entry whose
// inflated bytes exceed the size its header declares — so the 250 MB unzipped limit checked
// on the declared sizes cannot be dodged by a lying header (a zip bomb).
// Extracted code lives under os.tmpdir()/nimbus-lambda-code/<sha256 of the zip> — the name is
// derived from the content, never from user input — and is shared by every function whose
// code is byte-identical.
import { createHash } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { buffer } from 'node:stream/consumers';
import yauzl from 'yauzl';
import { ServiceError } from '../../core/errors.js';
import { readBlob } from '../../core/blobs.js';

/** AWS's deployment package limits (Lambda quotas page). */
export const MAX_ZIPPED = 50 * 1024 * 1024;
export const MAX_UNZIPPED = 250 * 1024 * 1024;

const badZip = () => new ServiceError('InvalidParameterValueException',
  'Could not unzip uploaded file. Please check your file, then try to upload again.');

function open(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((ok, fail) => yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
    (err, zip) => (err || !zip ? fail(badZip()) : ok(zip))));
}

/** Checks a zip upload: readable, within the zipped and unzipped limits. */
export async function checkZip(buf: Buffer, operation: string): Promise<number> {
  // AWS measures the request, whose zip is base64: 50 MB zipped is 69905067 bytes of request.
  if (buf.length > MAX_ZIPPED) {
    throw new ServiceError('RequestTooLargeException', `Request must be smaller than 69905067 bytes for the ${operation} operation`, 413);
  }
  const zip = await open(buf);
  let total = 0;
  await new Promise<void>((ok, fail) => {
    zip.on('entry', (e: yauzl.Entry) => {
      if (yauzl.validateFileName(e.fileName.replace(/\\/g, '/')) !== null) { zip.close(); fail(badZip()); return; }
      total += e.uncompressedSize;
      if (total > MAX_UNZIPPED) {
        zip.close();
        fail(new ServiceError('InvalidParameterValueException', `Unzipped size must be smaller than ${MAX_UNZIPPED} bytes`));
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => ok());
    zip.on('error', () => fail(badZip()));
    zip.readEntry();
  });
  return total;
}

export const sha256b64 = (buf: Buffer) => createHash('sha256').update(buf).digest('base64');

const codeRoot = () => join(tmpdir(), 'nimbus-lambda-code');
const extracting = new Map<string, Promise<string>>();

/** The folder holding the extracted code of a blob (extracted once per content hash). */
export function codeDir(blobId: string, sha256: string): Promise<string> {
  const name = Buffer.from(sha256, 'base64').toString('hex');
  const dir = join(codeRoot(), name);
  if (existsSync(join(dir, '.nimbus-complete'))) return Promise.resolve(dir);
  let p = extracting.get(name);
  if (!p) {
    p = extract(blobId, dir).finally(() => extracting.delete(name));
    extracting.set(name, p);
  }
  return p;
}

async function extract(blobId: string, dir: string): Promise<string> {
  return build(dir, (tmp) => extractInto(blobId, tmp));
}

/** Builds a folder in a temporary place, marks it complete, then renames it into place. */
async function build(dir: string, fill: (tmp: string) => Promise<void>): Promise<string> {
  const tmp = `${dir}.${process.pid}.${Date.now()}.part`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    // A marker, then an atomic rename: a half-extracted folder is never used.
    writeFileSync(join(tmp, '.nimbus-complete'), '');
    // Another Nimbus process may have finished the same extraction meanwhile: keep its copy.
    if (existsSync(join(dir, '.nimbus-complete'))) rmSync(tmp, { recursive: true, force: true });
    else { rmSync(dir, { recursive: true, force: true }); renameSync(tmp, dir); }
    return dir;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Extracts a zip blob into `tmp` (later zips overwrite earlier files, as layers do in /opt). */
async function extractInto(blobId: string, tmp: string): Promise<void> {
  const root = resolve(tmp);
  const zip = await open(await buffer(readBlob(blobId)));
  let total = 0;
  try {
    await new Promise<void>((ok, fail) => {
      zip.on('error', fail);
      zip.on('end', () => ok());
      zip.on('entry', (e: yauzl.Entry) => {
        const name = e.fileName.replace(/\\/g, '/');
        const target = resolve(root, name);
        if (yauzl.validateFileName(name) !== null || (target !== root && !target.startsWith(root + sep))) {
          fail(badZip()); return;
        }
        if (name.endsWith('/')) { mkdirSync(target, { recursive: true }); zip.readEntry(); return; }
        zip.openReadStream(e, (err, stream) => {
          if (err || !stream) { fail(err ?? badZip()); return; }
          mkdirSync(dirname(target), { recursive: true });
          stream.on('data', (c: Buffer) => {
            total += c.length;
            if (total > MAX_UNZIPPED) stream.destroy(new Error('unzipped size limit exceeded'));
          });
          pipeline(stream, createWriteStream(target)).then(() => {
            // Unix permission bits live in the high half of the external attributes (zip -X / Info-ZIP).
            const mode = (e.externalFileAttributes >>> 16) & 0o777;
            chmodSync(target, mode ? mode | 0o400 : 0o644);
            zip.readEntry();
          }, fail);
        });
      });
      zip.readEntry();
    });
  } catch (e) {
    zip.close();
    throw e;
  }
}

/**
 * The /opt of a function: its layers extracted in order into one folder, named by the hash
 * of the layers' content hashes (shared by every function with the same layers).
 */
export function optDir(layers: { blobId: string; sha256: string }[]): Promise<string> {
  const name = createHash('sha256').update(layers.map((l) => l.sha256).join('\n')).digest('hex');
  const dir = join(tmpdir(), 'nimbus-lambda-opt', name);
  if (existsSync(join(dir, '.nimbus-complete'))) return Promise.resolve(dir);
  let p = extracting.get(`opt/${name}`);
  if (!p) {
    mkdirSync(dirname(dir), { recursive: true });
    p = build(dir, async (tmp) => { for (const l of layers) await extractInto(l.blobId, tmp); }).finally(() => extracting.delete(`opt/${name}`));
    extracting.set(`opt/${name}`, p);
  }
  return p;
}
