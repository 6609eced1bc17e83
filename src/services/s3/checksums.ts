// The checksums S3 computes over object bodies as they stream (never buffered): CRC32 (zlib),
// CRC32C (aws-crt), CRC64NVME (native/crc64nvme, else aws-crt), SHA-1 and SHA-256
// (node:crypto). Values on the wire are the base64 of the big-endian digest, as in
// x-amz-checksum-<algorithm>.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
import { createHash, type Hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/** The x-amz-checksum-* header of an algorithm. */
export const headerOf = (a: ChecksumAlgorithm): string => `x-amz-checksum-${a.toLowerCase()}`;
/** The input/output member carrying an algorithm's value (ChecksumCRC32 …). */
export const memberOf = (a: ChecksumAlgorithm): string => `Checksum${a}`;

export const algorithmOf = (name: string | undefined): ChecksumAlgorithm | undefined => {
  const u = name?.toUpperCase().replace(/^X-AMZ-CHECKSUM-/, '');
  return ALGORITHMS.find((a) => a === u);
};

// CRC32C and CRC64NVME come from the AWS Common Runtime (aws-crt), the native library the AWS
// SDKs use for them: a table-driven JavaScript CRC64 runs at ~15-90 MB/s, which would cap S3
// uploads (S3 computes CRC64NVME for every object sent without a checksum). Loaded on first
// use, so start-up does not pay for it.
type CrtChecksums = { crc32c(data: Buffer, previous?: number): number; crc64nvme(data: Buffer, previous?: DataView): DataView };
let crt: CrtChecksums | undefined;
const require = createRequire(import.meta.url);
const crtChecksums = (): CrtChecksums => (crt ??= require('aws-crt/dist/native/checksums') as CrtChecksums);

// aws-crt's npm binary has only the table-driven CRC64NVME (~1.4 GB/s here: 0.75 s of the
// receiving thread per GiB uploaded). Nimbus's own addon, native/crc64nvme (built at install
// by scripts/build-native.mjs), uses the CPU's carry-less multiply: ~20 GB/s. Where it was not
// built, or the CPU lacks the instruction, aws-crt does the work.
/** `update` folds data into an 8-byte state: the CRC so far, big-endian, as S3 sends it. */
export type Crc64Addon = { update(data: Uint8Array, state: Uint8Array): void; accelerated: boolean };
let addon: Crc64Addon | null | undefined;
export function crc64Addon(): Crc64Addon | null {
  if (addon === undefined) {
    try { addon = require('../../../../native/crc64nvme/build/Release/crc64nvme.node') as Crc64Addon; } catch { addon = null; }
    if (addon && !addon.accelerated) addon = null;
  }
  return addon;
}

/** An incremental checksum: update with chunks, then the base64 digest. */
export interface Checksummer { update(b: Buffer): void; digest(): Buffer }

export function checksummer(a: ChecksumAlgorithm): Checksummer {
  switch (a) {
    case 'CRC32': {
      let c = 0;
      return { update: (b) => { c = zlibCrc32(b, c); }, digest: () => u32(c) };
    }
    case 'CRC32C': {
      let c: number | undefined;
      return { update: (b) => { c = crtChecksums().crc32c(b, c); }, digest: () => u32(c ?? 0) };
    }
    case 'CRC64NVME': {
      const fast = crc64Addon();
      if (fast) {
        const state = Buffer.alloc(8);
        return { update: (b) => { fast.update(b, state); }, digest: () => Buffer.from(state) };
      }
      let c: DataView | undefined;
      return {
        update: (b) => { c = crtChecksums().crc64nvme(b, c); },
        digest: () => (c ? Buffer.from(c.buffer, c.byteOffset, 8) : Buffer.alloc(8)),
      };
    }
    default: {
      const h: Hash = createHash(a === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (b) => { h.update(b); }, digest: () => h.digest() };
    }
  }
}

const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };

/** The base64 checksum of a whole buffer. */
export function checksumOf(a: ChecksumAlgorithm, data: Buffer): string {
  const c = checksummer(a); c.update(data); return c.digest().toString('base64');
}

/** A blob observer computing the given checksums as chunks go by; `results()` once all are seen. */
export function checksumObserver(algos: ChecksumAlgorithm[]): { observe(chunk: Buffer): void; results(): Partial<Record<ChecksumAlgorithm, string>> } {
  const cs = algos.map((a) => [a, checksummer(a)] as const);
  return {
    observe: (chunk) => { for (const [, c] of cs) c.update(chunk); },
    results: () => Object.fromEntries(cs.map(([a, c]) => [a, c.digest().toString('base64')])),
  };
}
