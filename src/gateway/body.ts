// Reading request bodies: bounded buffering, or a stream for payloads that must not be
// held whole in memory.
import type { Readable } from 'node:stream';
import { ServiceError } from '../core/errors.js';

export function readBody(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // Stop keeping it, but let the rest drain so the client can read our 413 (a reset
        // socket would hide the answer); the connection closes after the response.
        stream.off('data', onData);
        chunks.length = 0;
        stream.resume();
        reject(new ServiceError('RequestEntityTooLarge', `Request body exceeds the maximum of ${limit} bytes`, 413,
          {}, true, { connection: 'close' }));
        return;
      }
      chunks.push(c);
    };
    stream.on('data', onData);
    stream.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    stream.on('error', (e) => reject(e instanceof ServiceError ? e
      : new ServiceError('IncompleteBody', 'The request body could not be read completely', 400)));
  });
}
