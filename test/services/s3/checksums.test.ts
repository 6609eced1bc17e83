// CRC64NVME, S3's default checksum, from native/crc64nvme (carry-less multiply) where it was
// built, else aws-crt: both must give the same values for every length and split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { checksumOf, checksummer, crc64Addon } from '../../../src/services/s3/checksums.js';

type Crt = { crc64nvme(data: Buffer, previous?: DataView): DataView };
const crt = createRequire(import.meta.url)('aws-crt/dist/native/checksums') as Crt;
const crtCrc64 = (parts: Buffer[]): string => {
  let c: DataView | undefined;
  for (const p of parts) c = crt.crc64nvme(p, c);
  return (c ? Buffer.from(c.buffer, c.byteOffset, 8) : Buffer.alloc(8)).toString('base64');
};

test('CRC64NVME: the catalogue check value, and the empty body', () => {
  // CRC RevEng catalogue, CRC-64/NVME: check("123456789") = 0xae8b14860a799888.
  assert.equal(checksumOf('CRC64NVME', Buffer.from('123456789')), Buffer.from('ae8b14860a799888', 'hex').toString('base64'));
  assert.equal(checksumOf('CRC64NVME', Buffer.alloc(0)), 'AAAAAAAAAAA=');
});

test('CRC64NVME: the addon and aws-crt agree on every length around the folding boundaries, whole and split', (t) => {
  const addon = crc64Addon();
  if (!addon) { t.skip('native/crc64nvme was not built here (see npm install output); aws-crt computes CRC64NVME'); return; }
  const ours = (parts: Buffer[]): string => { const state = Buffer.alloc(8); for (const p of parts) addon.update(p, state); return state.toString('base64'); };
  const lengths = [1, 15, 16, 127, 128, 129, 255, 256, 257, 383, 384, 385, 1000, 4096, 65_536 + 7, 1024 * 1024 + 13];
  for (const n of lengths) {
    const b = randomBytes(n);
    assert.equal(ours([b]), crtCrc64([b]), `${n} bytes`);
    for (const cut of [1, 100, n >> 1, n - 1]) {
      if (cut <= 0 || cut >= n) continue;
      assert.equal(ours([b.subarray(0, cut), b.subarray(cut)]), crtCrc64([b]), `${n} bytes split at ${cut}`);
    }
  }
  // The streaming checksummer S3 uses goes through the addon.
  const big = randomBytes(3 * 1024 * 1024 + 5);
  const c = checksummer('CRC64NVME');
  for (let o = 0; o < big.length; o += 65_536) c.update(big.subarray(o, o + 65_536));
  assert.equal(c.digest().toString('base64'), crtCrc64([big]));
  assert.throws(() => addon.update(Buffer.alloc(1), Buffer.alloc(4)), TypeError);
});
