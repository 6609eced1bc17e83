// Receiving an object body: streamed into a blob while its MD5 and the requested checksums are
// computed, then Content-MD5 and x-amz-checksum-* (in headers, or in aws-chunked trailers)
// are checked. The blob is deleted again when a check fails.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ServiceError } from '../../core/errors.js';
import { deleteBlob, putBlob, type StoredBlob } from '../../core/blobs.js';
import type { RequestContext } from '../service.js';
import { ALGORITHMS, algorithmOf, checksumObserver, headerOf, memberOf, type ChecksumAlgorithm } from './checksums.js';
import { header } from './common.js';

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };
const UNSUPPORTED = ['SHA512', 'MD5', 'XXHASH64', 'XXHASH3', 'XXHASH128'].map((u) => [u, `Checksum${u}`]);
/** Each algorithm with its input member (ChecksumCRC32 …), built once: this runs for every upload. */
const MEMBERS = ALGORITHMS.map((a) => [a, memberOf(a)] as const);

export interface ReceivedBody {
  blob: StoredBlob;
  /** The checksum stored with the object (the client's algorithm, else CRC64NVME). */
  checksum: { algorithm: ChecksumAlgorithm; value: string };
}

/** What a request says about checksums: the algorithm and, when sent in a header, the value. */
export function requestedChecksum(ctx: RequestContext, input: Record<string, unknown>, fallback: ChecksumAlgorithm | undefined = 'CRC64NVME'):
  { algorithm?: ChecksumAlgorithm; expected?: string; trailer?: string } {
  for (const [u, member] of UNSUPPORTED) {
    if (input[member] !== undefined) throw new ServiceError('NotImplemented', `Nimbus does not compute ${u} checksums yet.`, 501);
  }
  let a: ChecksumAlgorithm | undefined;
  let given: unknown;
  for (const [algorithm, member] of MEMBERS) {
    if (input[member] === undefined) continue;
    if (a) throw new ServiceError('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.', 400);
    a = algorithm; given = input[member];
  }
  if (a) {
    const v = String(given);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || Buffer.from(v, 'base64').length !== DIGEST_BYTES[a]) {
      throw new ServiceError('InvalidRequest', `Value for ${headerOf(a)} header is invalid.`, 400);
    }
    return { algorithm: a, expected: v };
  }
  const trailer = header(ctx, 'x-amz-trailer')?.trim().toLowerCase();
  if (trailer?.startsWith('x-amz-checksum-')) {
    const a = algorithmOf(trailer);
    if (!a) throw new ServiceError('NotImplemented', `Nimbus does not compute ${trailer} checksums yet.`, 501);
    return { algorithm: a, trailer };
  }
  const sdk = input.ChecksumAlgorithm as string | undefined;
  if (sdk) {
    const a = algorithmOf(sdk);
    if (!a) throw new ServiceError('NotImplemented', `Nimbus does not compute ${sdk} checksums yet.`, 501);
    return { algorithm: a };
  }
  return { algorithm: fallback };
}

/** Content-MD5 as 16 bytes; InvalidDigest when it is not base64 of 16 bytes. */
export function contentMd5(ctx: RequestContext): Buffer | undefined {
  const v = header(ctx, 'content-md5');
  if (v === undefined) return undefined;
  const b = Buffer.from(v.trim(), 'base64');
  if (b.length !== 16 || !/^[A-Za-z0-9+/]+={0,2}$/.test(v.trim())) {
    throw new ServiceError('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, { 'Content-MD5': v });
  }
  return b;
}

export const badMd5 = () => new ServiceError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
const badChecksum = (a: ChecksumAlgorithm) =>
  new ServiceError('BadDigest', `The ${a} you specified did not match the calculated checksum.`, 400);

/** Streams a request body into a blob, checking Content-MD5 and the request's checksum. */
export async function receiveBody(ctx: RequestContext, body: Readable | undefined, input: Record<string, unknown>,
  fallback: ChecksumAlgorithm = 'CRC64NVME'): Promise<ReceivedBody> {
  const md5 = contentMd5(ctx);
  const want = requestedChecksum(ctx, input, fallback);
  const algorithm = want.algorithm ?? fallback;
  const cs = checksumObserver([algorithm]);
  const blob = await putBlob(body ?? Readable.from([]), [cs.observe], 's3');
  try {
    if (md5 && md5.toString('hex') !== blob.md5) throw badMd5();
    const value = cs.results()[algorithm]!;
    let expected = want.expected;
    if (want.trailer) {
      expected = ctx.http?.trailers?.()[want.trailer];
      if (expected === undefined) throw new ServiceError('InvalidRequest', `The ${want.trailer} trailer was declared in x-amz-trailer but not sent.`, 400);
    }
    if (expected !== undefined && expected !== value) throw badChecksum(algorithm);
    return { blob, checksum: { algorithm, value } };
  } catch (e) {
    deleteBlob(blob.id);
    throw e;
  }
}

/** Checks Content-MD5 of a buffered (XML) request body, as S3 does for DeleteObjects & co. */
export function checkBufferedMd5(ctx: RequestContext): void {
  const md5 = contentMd5(ctx);
  if (md5 && !md5.equals(createHash('md5').update(ctx.http?.body ?? Buffer.alloc(0)).digest())) throw badMd5();
}
