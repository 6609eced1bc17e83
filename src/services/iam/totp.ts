// Time-based one-time passwords for virtual MFA devices: RFC 6238 over RFC 4226 HOTP with
// HMAC-SHA1, a 30-second step and 6 digits, as authenticator apps compute them from the
// Base32StringSeed that CreateVirtualMFADevice hands out.
import { createHmac, randomBytes } from 'node:crypto';

export const STEP_MS = 30_000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, without padding (how IAM's Base32StringSeed reads). */
export function base32Encode(buf: Buffer): string {
  let bits = 0, value = 0, out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) { out += ALPHABET[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const clean = s.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0, value = 0;
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new RangeError(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}

/** A new seed: 20 random bytes (160 bits, RFC 4226's recommended key length), base32. */
export const newSeed = (): string => base32Encode(randomBytes(20));

/** HOTP (RFC 4226) for one counter value. */
export function hotp(key: Buffer, counter: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

/** The TOTP code of a base32 seed at a time (ms since the epoch). */
export function totp(seedBase32: string, timeMs: number): string {
  return hotp(base32Decode(seedBase32), Math.floor(timeMs / STEP_MS));
}

/**
 * Whether `code` is the code of some step within `window` steps of `timeMs`; returns the
 * matching step offset (-window…window) or undefined.
 */
export function verifyTotp(seedBase32: string, code: string, timeMs: number, window = 1): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const key = base32Decode(seedBase32);
  const step = Math.floor(timeMs / STEP_MS);
  for (let d = -window; d <= window; d++) if (hotp(key, step + d) === code) return d;
  return undefined;
}

/**
 * EnableMFADevice / ResyncMFADevice: two consecutive codes, the second one step after the
 * first, around the current time (code1 for step t-1 and code2 for t, or t and t+1; one more
 * step of slack either way for clock drift).
 */
export function verifyConsecutive(seedBase32: string, code1: string, code2: string, timeMs: number): boolean {
  if (!/^\d{6}$/.test(code1) || !/^\d{6}$/.test(code2)) return false;
  const key = base32Decode(seedBase32);
  const step = Math.floor(timeMs / STEP_MS);
  for (let d = -2; d <= 1; d++) {
    if (hotp(key, step + d) === code1 && hotp(key, step + d + 1) === code2) return true;
  }
  return false;
}
