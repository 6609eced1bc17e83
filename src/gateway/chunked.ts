// aws-chunked request bodies (SigV4 streaming uploads), decoded as they stream:
//
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD          <hex>;chunk-signature=<sig>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n\r\n
//   STREAMING-UNSIGNED-PAYLOAD-TRAILER          <hex>\r\n<data>\r\n ... 0\r\n<name>:<value>\r\n\r\n
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  signed chunks, then trailers and x-amz-trailer-signature
//
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
// Framing may be split anywhere across reads; data is passed on without copying. Each chunk's
// signature (and, on request, the SHA-256 of its data) is kept for signature verification.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import { ServiceError } from '../core/errors.js';

export interface ChunkInfo {
  /** Decoded size of the chunk (0 for the final chunk). */
  size: number;
  /** The `chunk-signature` extension, when the payload is signed. */
  signature?: string;
  /** Hex SHA-256 of the chunk's data, when the decoder was asked to hash chunks. */
  sha256?: string;
}

export interface AwsChunkedOptions {
  /** Hash each chunk's data (what a chunk signature signs); off by default. */
  hashChunks?: boolean;
  /** x-amz-decoded-content-length: the decoded body must have exactly this many bytes. */
  decodedLength?: number;
}

/** A chunk header or trailer line longer than this is not framing (64 hex digits + extensions). */
const MAX_LINE = 4096;

const malformed = (why: string) => new ServiceError('InvalidRequest', `Malformed aws-chunked request body: ${why}`, 400);
const incomplete = () => new ServiceError('IncompleteBody', 'The request body terminated unexpectedly', 400);

export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const sha = headers['x-amz-content-sha256'];
  if (typeof sha === 'string' && sha.startsWith('STREAMING-')) return true;
  const ce = headers['content-encoding'];
  return typeof ce === 'string' && ce.split(',').some((t) => t.trim().toLowerCase() === 'aws-chunked');
}

export class AwsChunkedDecoder extends Transform {
  /** Trailing headers (lower-case names), complete once 'end' has fired. */
  readonly trailers: Record<string, string> = {};
  /** Every chunk seen so far, in order, the final zero-length chunk included. */
  readonly chunks: ChunkInfo[] = [];
  /** Decoded bytes passed on so far. */
  decodedBytes = 0;

  private state: 'size' | 'data' | 'crlf' | 'trailer' | 'done' = 'size';
  private line = '';
  private remaining = 0;
  private crlfSeen = 0;
  private current: ChunkInfo = { size: 0 };
  private hash?: Hash;

  constructor(private readonly opts: AwsChunkedOptions = {}) {
    super();
  }

  override _transform(buf: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try { this.consume(buf); cb(); } catch (e) { cb(e as Error); }
  }

  override _flush(cb: TransformCallback): void {
    // The unsigned-trailer form may end right after the last trailer line's CRLF.
    const ended = this.state === 'done' || (this.state === 'trailer' && this.line === '' && this.chunks.length > 0);
    if (!ended) return cb(incomplete());
    if (this.opts.decodedLength !== undefined && this.decodedBytes !== this.opts.decodedLength) {
      return cb(new ServiceError('IncompleteBody',
        `You did not provide the number of bytes specified by the x-amz-decoded-content-length header (${this.opts.decodedLength}); got ${this.decodedBytes}.`, 400));
    }
    cb();
  }

  private consume(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      switch (this.state) {
        case 'size': case 'trailer': {
          const nl = buf.indexOf(0x0a, i);
          const end = nl < 0 ? buf.length : nl + 1;
          this.line += buf.toString('latin1', i, end);
          i = end;
          if (this.line.length > MAX_LINE) throw malformed('chunk header line too long');
          if (nl < 0) break;
          if (!this.line.endsWith('\r\n')) throw malformed('line not terminated by CRLF');
          const line = this.line.slice(0, -2);
          this.line = '';
          if (this.state === 'size') this.sizeLine(line); else this.trailerLine(line);
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, buf.length - i);
          const part = buf.subarray(i, i + n);
          this.hash?.update(part);
          this.push(part);
          this.decodedBytes += n;
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) this.state = 'crlf';
          break;
        }
        case 'crlf': {
          if (buf[i++] !== (this.crlfSeen === 0 ? 0x0d : 0x0a)) throw malformed('chunk data not followed by CRLF');
          if (++this.crlfSeen === 2) {
            this.crlfSeen = 0;
            this.endChunk();
            this.state = 'size';
          }
          break;
        }
        case 'done':
          // Nothing may follow the final CRLF but (tolerated) whitespace.
          if (buf.subarray(i).some((b) => b !== 0x0d && b !== 0x0a && b !== 0x20)) throw malformed('data after the final chunk');
          i = buf.length;
          break;
      }
    }
  }

  /** `<hex size>[;chunk-signature=<sig>][;other-ext]` */
  private sizeLine(line: string): void {
    const [hex, ...exts] = line.split(';');
    if (!/^[0-9a-fA-F]{1,13}$/.test(hex.trim())) throw malformed(`invalid chunk size '${hex.slice(0, 20)}'`);
    const size = parseInt(hex, 16);
    this.current = { size };
    for (const e of exts) {
      const eq = e.indexOf('=');
      if (eq > 0 && e.slice(0, eq).trim() === 'chunk-signature') this.current.signature = e.slice(eq + 1).trim();
    }
    if (this.opts.hashChunks) this.hash = createHash('sha256');
    if (size === 0) { this.endChunk(); this.state = 'trailer'; }
    else { this.remaining = size; this.state = 'data'; }
  }

  private endChunk(): void {
    if (this.hash) { this.current.sha256 = this.hash.digest('hex'); this.hash = undefined; }
    this.chunks.push(this.current);
    this.emit('chunk', this.current);
  }

  /** `name:value`, or the empty line that ends the body. */
  private trailerLine(line: string): void {
    if (line === '') { this.state = 'done'; return; }
    const colon = line.indexOf(':');
    if (colon < 1) throw malformed('invalid trailer line');
    this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
}

/** Decodes an aws-chunked request stream; the trailers are known once the body has ended. */
export function decodeAwsChunked(stream: Readable, opts: AwsChunkedOptions = {}): { body: AwsChunkedDecoder; trailers(): Record<string, string> } {
  const decoder = new AwsChunkedDecoder(opts);
  stream.on('error', (e) => decoder.destroy(e));
  stream.pipe(decoder);
  return { body: decoder, trailers: () => decoder.trailers };
}
