// aws-chunked decoding against a real capture: the official S3 client uploads a stream to a
// bare node:http server, which records the body exactly as the gateway would receive it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { AwsChunkedDecoder, decodeAwsChunked, isAwsChunked } from '../../src/gateway/chunked.js';
import { ServiceError } from '../../src/core/errors.js';
import { crc32Base64 } from '../protocols/sdk-harness.js';

async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Feeds `bytes` to a fresh decoder in pieces of the given sizes (cycled). */
async function decodePieces(bytes: Buffer, sizes: number[], opts = {}) {
  const pieces: Buffer[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = sizes[k % sizes.length];
    pieces.push(bytes.subarray(i, i + n));
    i += n;
  }
  const { body, trailers } = decodeAwsChunked(Readable.from(pieces, { objectMode: false }), opts);
  const data = await collect(body);
  return { data, trailers: trailers(), decoder: body };
}

async function decodeError(bytes: Buffer, opts = {}): Promise<ServiceError> {
  const { body } = decodeAwsChunked(Readable.from([bytes]), opts);
  try { await collect(body); } catch (e) { return e as ServiceError; }
  assert.fail('expected the decoder to fail');
}

/** Captures one PutObject of `payload` (sent as a stream, so the SDK uses aws-chunked). */
async function capturePutObject(payload: Buffer): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  let captured: { headers: IncomingHttpHeaders; body: Buffer } | undefined;
  const server = createServer(async (req, res) => {
    captured = { headers: req.headers, body: await collect(req) };
    res.writeHead(200, { etag: '"x"', 'x-amz-request-id': 'r1' });
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    const s3 = new S3Client({
      region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    // Two stream pieces so the capture has more than one data chunk.
    const half = payload.length >> 1;
    await s3.send(new PutObjectCommand({
      Bucket: 'bucket', Key: 'key', ContentLength: payload.length,
      Body: Readable.from([payload.subarray(0, half), payload.subarray(half)]),
    }));
    s3.destroy();
  } finally {
    server.close();
  }
  assert.ok(captured, 'the SDK sent a request');
  return captured;
}

const payload = randomBytes(200 * 1024);
const capture = capturePutObject(payload);

test('the SDK sends a streamed PutObject as aws-chunked with a CRC32 trailer', async () => {
  const { headers, body } = await capture;
  assert.equal(isAwsChunked(headers), true);
  assert.equal(headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  assert.equal(headers['x-amz-trailer'], 'x-amz-checksum-crc32');
  assert.equal(headers['x-amz-decoded-content-length'], String(payload.length));
  assert.ok(body.length > payload.length, 'framing adds bytes');
});

test('decodes the captured body and its trailer in one piece', async () => {
  const { headers, body } = await capture;
  const { data, trailers, decoder } = await decodePieces(body, [body.length],
    { decodedLength: Number(headers['x-amz-decoded-content-length']) });
  assert.ok(data.equals(payload));
  assert.equal(trailers['x-amz-checksum-crc32'], crc32Base64(payload));
  assert.equal((decoder as AwsChunkedDecoder).decodedBytes, payload.length);
  const sizes = (decoder as AwsChunkedDecoder).chunks.map((c) => c.size);
  assert.equal(sizes[sizes.length - 1], 0, 'ends with the zero-length chunk');
  assert.equal(sizes.reduce((a, b) => a + b, 0), payload.length);
});

test('decodes the captured body fed one byte at a time', async () => {
  const { body } = await capture;
  const { data, trailers } = await decodePieces(body, [1]);
  assert.ok(data.equals(payload));
  assert.equal(trailers['x-amz-checksum-crc32'], (await decodePieces(body, [body.length])).trailers['x-amz-checksum-crc32']);
});

test('decodes the captured body split at irregular boundaries', async () => {
  const { body } = await capture;
  for (const sizes of [[2, 3, 5, 7], [4093, 1, 17], [65536, 3]]) {
    const { data, trailers } = await decodePieces(body, sizes);
    assert.ok(data.equals(payload), `sizes ${sizes}`);
    assert.match(trailers['x-amz-checksum-crc32'], /^[A-Za-z0-9+/]{6}==$/);
  }
});

// The signed form, framed as in the SigV4 streaming example of the S3 docs (signatures are
// opaque to the decoder; it keeps them, with each chunk's SHA-256, for verification).
const sig = (n: number) => createHash('sha256').update(`sig${n}`).digest('hex');
const chunkA = Buffer.alloc(65536, 'a');
const chunkB = Buffer.alloc(1024, 'b');
const signed = Buffer.concat([
  Buffer.from(`10000;chunk-signature=${sig(1)}\r\n`), chunkA, Buffer.from('\r\n'),
  Buffer.from(`400;chunk-signature=${sig(2)}\r\n`), chunkB, Buffer.from('\r\n'),
  Buffer.from(`0;chunk-signature=${sig(3)}\r\n\r\n`),
]);

test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: data, chunk signatures and chunk hashes', async () => {
  for (const sizes of [[signed.length], [1], [3, 80, 65535]]) {
    const { data, trailers, decoder } = await decodePieces(signed, sizes, { hashChunks: true, decodedLength: 66560 });
    assert.ok(data.equals(Buffer.concat([chunkA, chunkB])));
    assert.deepEqual(trailers, {});
    const chunks = (decoder as AwsChunkedDecoder).chunks;
    assert.deepEqual(chunks.map((c) => [c.size, c.signature]), [[65536, sig(1)], [1024, sig(2)], [0, sig(3)]]);
    assert.equal(chunks[0].sha256, createHash('sha256').update(chunkA).digest('hex'));
    assert.equal(chunks[2].sha256, createHash('sha256').update('').digest('hex'));
  }
});

test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: trailers and the trailer signature', async () => {
  const body = Buffer.concat([
    Buffer.from(`400;chunk-signature=${sig(1)}\r\n`), chunkB, Buffer.from('\r\n'),
    Buffer.from(`0;chunk-signature=${sig(2)}\r\nx-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${sig(3)}\r\n\r\n`),
  ]);
  const { data, trailers, decoder } = await decodePieces(body, [5]);
  assert.ok(data.equals(chunkB));
  assert.deepEqual(trailers, { 'x-amz-checksum-crc32c': 'sOO8/Q==', 'x-amz-trailer-signature': sig(3) });
  assert.deepEqual((decoder as AwsChunkedDecoder).chunks.map((c) => c.signature), [sig(1), sig(2)]);
});

test('an unsigned trailer may end without the final empty line', async () => {
  const body = Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n');
  const { data, trailers } = await decodePieces(body, [1]);
  assert.equal(data.toString(), 'abc');
  assert.deepEqual(trailers, { 'x-amz-checksum-crc32': 'NSRBwg==' });
});

test('malformed framing is an error', async () => {
  const bad = await decodeError(Buffer.from('zz\r\nabc\r\n0\r\n\r\n'));
  assert.equal(bad.code, 'InvalidRequest');
  assert.equal(bad.status, 400);
  const noCrlf = await decodeError(Buffer.from('3\r\nabcX\r\n0\r\n\r\n'));
  assert.equal(noCrlf.code, 'InvalidRequest');
  const bareLf = await decodeError(Buffer.from('3\nabc\r\n0\r\n\r\n'));
  assert.equal(bareLf.code, 'InvalidRequest');
  const truncated = await decodeError(signed.subarray(0, 1000));
  assert.equal(truncated.code, 'IncompleteBody');
  const noFinalChunk = await decodeError(Buffer.from('3\r\nabc\r\n'));
  assert.equal(noFinalChunk.code, 'IncompleteBody');
  const wrongLength = await decodeError(Buffer.from('3\r\nabc\r\n0\r\n\r\n'), { decodedLength: 4 });
  assert.equal(wrongLength.code, 'IncompleteBody');
  assert.match(wrongLength.message, /x-amz-decoded-content-length/);
});

test('a source stream error reaches the decoded stream', async () => {
  const src = new Readable({ read() {} });
  const { body } = decodeAwsChunked(src);
  src.push(Buffer.from('3\r\nab'));
  setImmediate(() => src.destroy(new Error('socket hang up')));
  await assert.rejects(collect(body), /socket hang up/);
});

test('isAwsChunked', () => {
  assert.equal(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }), true);
  assert.equal(isAwsChunked({ 'content-encoding': 'gzip, aws-chunked' }), true);
  assert.equal(isAwsChunked({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-encoding': 'gzip' }), false);
  assert.equal(isAwsChunked({}), false);
});
