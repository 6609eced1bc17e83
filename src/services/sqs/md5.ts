// The digests SQS returns and clients verify (the JS SDK v3 and boto3 fail the call on a
// mismatch). MD5OfMessageAttributes, per "Calculating the MD5 message digest for message
// attributes" (SQS Developer Guide): attributes sorted by name, each encoded as
//   4-byte big-endian length + UTF-8 name, length + data type, one transport byte
//   (1 String/Number, 2 Binary, 3 string list, 4 binary list), length + value;
// MD5OfMessageSystemAttributes is the same over the system attributes (AWSTraceHeader).
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import type { Attr } from './engine.js';

// crypto.hash (Node >= 20.12) is the one-shot digest, about twice as fast as createHash.
const oneShot = (crypto as { hash?: (alg: string, data: string | Buffer, enc: 'hex') => string }).hash;
export const md5Hex: (s: string) => string = oneShot
  ? (s) => oneShot('md5', s, 'hex')
  : (s) => createHash('md5').update(s, 'utf8').digest('hex');

function lenPrefixed(parts: Buffer[], b: Buffer): void {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(b.length, 0);
  parts.push(len, b);
}

export interface AnyAttr {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer | Uint8Array | string;
  StringListValues?: string[];
  BinaryListValues?: (Buffer | Uint8Array | string)[];
}

const toBuf = (v: Buffer | Uint8Array | string): Buffer =>
  Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);

/** MD5 over a set of message (or system) attributes. */
export function md5OfAttributes(attrs: Record<string, Attr | AnyAttr>, names?: string[]): string {
  const parts: Buffer[] = [];
  for (const name of (names ?? Object.keys(attrs)).slice().sort()) {
    const a = attrs[name] as AnyAttr;
    lenPrefixed(parts, Buffer.from(name, 'utf8'));
    lenPrefixed(parts, Buffer.from(a.DataType, 'utf8'));
    if (a.StringValue !== undefined) {
      parts.push(Buffer.of(1));
      lenPrefixed(parts, Buffer.from(a.StringValue, 'utf8'));
    } else if (a.BinaryValue !== undefined) {
      parts.push(Buffer.of(2));
      lenPrefixed(parts, toBuf(a.BinaryValue));
    } else if (a.StringListValues) {
      parts.push(Buffer.of(3));
      for (const s of a.StringListValues) lenPrefixed(parts, Buffer.from(s, 'utf8'));
    } else if (a.BinaryListValues) {
      parts.push(Buffer.of(4));
      for (const b of a.BinaryListValues) lenPrefixed(parts, toBuf(b));
    }
  }
  const all = Buffer.concat(parts);
  return oneShot ? oneShot('md5', all, 'hex') : createHash('md5').update(all).digest('hex');
}
