// The checksums S3 computes over object bodies as they stream (never buffered): CRC32 (zlib),
// CRC32C and CRC64NVME (table-driven, reflected), SHA-1 and SHA-256 (node:crypto). Values on
// the wire are the base64 of the big-endian digest, as in x-amz-checksum-<algorithm>.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
import { createHash, type Hash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Transform } from 'node:stream';

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

// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78.
const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

// CRC-64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5, kept as two 32-bit halves.
const CRC64_HI = new Uint32Array(256);
const CRC64_LO = new Uint32Array(256);
(() => {
  const PHI = 0x9a6c9329, PLO = 0xac4bc9b5;
  for (let n = 0; n < 256; n++) {
    let hi = 0, lo = n;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) { hi = (hi ^ PHI) >>> 0; lo = (lo ^ PLO) >>> 0; }
    }
    CRC64_HI[n] = hi; CRC64_LO[n] = lo;
  }
})();

/** An incremental checksum: update with chunks, then the base64 digest. */
export interface Checksummer { update(b: Buffer): void; digest(): Buffer }

export function checksummer(a: ChecksumAlgorithm): Checksummer {
  switch (a) {
    case 'CRC32': {
      let c = 0;
      return { update: (b) => { c = zlibCrc32(b, c); }, digest: () => u32(c) };
    }
    case 'CRC32C': {
      let c = 0xffffffff;
      return {
        update: (b) => { for (let i = 0; i < b.length; i++) c = CRC32C_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8); },
        digest: () => u32((c ^ 0xffffffff) >>> 0),
      };
    }
    case 'CRC64NVME': {
      let hi = 0xffffffff, lo = 0xffffffff;
      return {
        update: (b) => {
          for (let i = 0; i < b.length; i++) {
            const idx = (lo ^ b[i]) & 0xff;
            // crc = table[idx] ^ (crc >>> 8)
            lo = (CRC64_LO[idx] ^ ((lo >>> 8) | ((hi & 0xff) << 24))) >>> 0;
            hi = (CRC64_HI[idx] ^ (hi >>> 8)) >>> 0;
          }
        },
        digest: () => Buffer.concat([u32((hi ^ 0xffffffff) >>> 0), u32((lo ^ 0xffffffff) >>> 0)]),
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

/** A pass-through stream computing the given checksums; `results()` after it ended. */
export function checksumStream(algos: ChecksumAlgorithm[]): { transform: Transform; results(): Partial<Record<ChecksumAlgorithm, string>> } {
  const cs = algos.map((a) => [a, checksummer(a)] as const);
  const transform = new Transform({
    transform(chunk: Buffer, _e, done) { for (const [, c] of cs) c.update(chunk); done(null, chunk); },
  });
  return {
    transform,
    results: () => Object.fromEntries(cs.map(([a, c]) => [a, c.digest().toString('base64')])),
  };
}
