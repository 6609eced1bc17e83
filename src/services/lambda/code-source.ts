// Where code zips come from and how clients download them again:
// - ZipFile in the request, or an S3 object (S3Bucket/S3Key/S3ObjectVersion) read through
//   the in-process client, as Lambda reads it from S3 with the caller's permissions;
// - Code.Location / Content.Location: a presigned-style URL, valid 10 minutes on the
//   virtual clock as AWS's are, that really downloads the zip from
//   /_nimbus/lambda/code/<blob>?Expires=…&Signature=… (served by the service's http hook).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ServiceError } from '../../core/errors.js';
import { callService } from '../../core/internal-client.js';
import { clock } from '../../core/clock-instance.js';
import { readBlob } from '../../core/blobs.js';
import type { HttpResponse } from '../../protocols/codec.js';
import type { RequestContext, ServiceHttpRequest } from '../service.js';
import { MAX_UNZIPPED } from './code.js';

const toBuffer = (b: unknown): Buffer | undefined =>
  b === undefined || b === null ? undefined : Buffer.isBuffer(b) ? b : typeof b === 'string' ? Buffer.from(b, 'base64') : Buffer.from(b as Uint8Array);

/** The zip a request names: inline, or from S3. Undefined when it names none. */
export async function codeZip(ctx: RequestContext, c: { ZipFile?: unknown; S3Bucket?: string; S3Key?: string; S3ObjectVersion?: string }): Promise<Buffer | undefined> {
  const inline = toBuffer(c.ZipFile);
  if (inline) return inline;
  if (!c.S3Bucket && !c.S3Key) return undefined;
  if (!c.S3Bucket || !c.S3Key) throw new ServiceError('InvalidParameterValueException', 'Please provide a source for function code.');
  let out: { Body?: Readable };
  try {
    out = await callService<{ Body?: Readable }>(ctx, 's3', 'GetObject', { Bucket: c.S3Bucket, Key: c.S3Key, ...(c.S3ObjectVersion ? { VersionId: c.S3ObjectVersion } : {}) });
  } catch (e) {
    if (e instanceof ServiceError && e.status !== undefined && e.status < 500) {
      // AWS's wording when the object cannot be read.
      const what = e.code === 'NoSuchBucket' ? 'bucket does not exist' : e.code === 'NoSuchKey' || e.code === 'NoSuchVersion' ? 'key does not exist' : e.code;
      throw new ServiceError('InvalidParameterValueException', `Error occurred while GetObject. S3 Error Code: ${e.code}. S3 Error Message: The specified ${what}`);
    }
    throw e;
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of out.Body ?? []) {
    size += (chunk as Buffer).length;
    if (size > MAX_UNZIPPED) throw new ServiceError('InvalidParameterValueException', `Unzipped size must be smaller than 262144000 bytes`);
    parts.push(Buffer.from(chunk as Buffer));
  }
  return Buffer.concat(parts);
}

// Random per process: a URL handed out before a restart stops working, as an expired one would.
const secret = randomBytes(32);
const sign = (blob: string, expires: number) => createHmac('sha256', secret).update(`${blob}\n${expires}`).digest('hex');
const URL_TTL_S = 600;

export function codeLocation(ctx: RequestContext, blobId: string): string {
  const expires = Math.floor(clock.now() / 1000) + URL_TTL_S;
  return `${ctx.endpoint}/_nimbus/lambda/code/${encodeURIComponent(blobId)}?Expires=${expires}&Signature=${sign(blobId, expires)}`;
}

const denied = (msg: string): HttpResponse => ({ status: 403, headers: { 'Content-Type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${msg}</Message></Error>` });

/** GET code/<blob>?Expires&Signature: the zip, if the URL is genuine and not expired. */
export function serveCode(req: ServiceHttpRequest, blobId: string): HttpResponse {
  const expires = Number(req.query.get('Expires'));
  const given = Buffer.from(req.query.get('Signature') ?? '', 'utf8');
  const want = Buffer.from(sign(blobId, expires), 'utf8');
  if (given.length !== want.length || !timingSafeEqual(given, want)) return denied('Signature does not match');
  if (!(expires * 1000 >= clock.now())) return denied('Request has expired');
  let body: Readable;
  try { body = readBlob(blobId); } catch { return { status: 404, headers: {}, body: '' }; }
  return { status: 200, headers: { 'Content-Type': 'application/zip' }, body };
}
