// What exports and imports share: DynamoDB JSON as the export files hold it (the wire's
// marshalled form, binary as base64) and S3 reached only through the in-process client.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { callService } from '../../core/internal-client.js';
import type { RequestContext } from '../service.js';
import type { AV, Item } from './values.js';

/** One attribute value in DynamoDB JSON. */
export function avToJson(v: AV): unknown {
  if (v.B !== undefined) return { B: v.B.toString('base64') };
  if (v.BS !== undefined) return { BS: v.BS.map((b) => b.toString('base64')) };
  if (v.M !== undefined) return { M: itemToJson(v.M) };
  if (v.L !== undefined) return { L: v.L.map(avToJson) };
  return v;
}
export function itemToJson(item: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = avToJson(v);
  return out;
}

/** Parses one DynamoDB JSON attribute value back (binary from base64); checkValue validates it after. */
export function avFromJson(v: unknown): AV {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an attribute value');
  const o = v as Record<string, unknown>;
  if (typeof o.B === 'string') return { B: Buffer.from(o.B, 'base64') };
  if (Array.isArray(o.BS)) return { BS: o.BS.map((b) => Buffer.from(String(b), 'base64')) };
  if (o.M !== undefined) return { M: itemFromJson(o.M) };
  if (Array.isArray(o.L)) return { L: o.L.map(avFromJson) };
  return o as AV;
}
export function itemFromJson(v: unknown): Item {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an item');
  const out: Item = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = avFromJson(x);
  return out;
}

/** A data file name as AWS makes them: 26 lowercase base32 characters. */
export function randomFileName(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(26)].map((b) => alphabet[b & 31]).join('');
}

export async function putS3Object(ctx: RequestContext, bucket: string, key: string, body: Buffer, contentType?: string): Promise<string> {
  const out = await callService<{ ETag?: string }>(ctx, 's3', 'PutObject', {
    Bucket: bucket, Key: key, Body: Readable.from([body]), ContentLength: body.length, ...(contentType ? { ContentType: contentType } : {}),
  });
  return (out.ETag ?? '').replace(/"/g, '');
}

export async function getS3Object(ctx: RequestContext, bucket: string, key: string): Promise<Buffer> {
  const out = await callService<{ Body?: Readable }>(ctx, 's3', 'GetObject', { Bucket: bucket, Key: key });
  return out.Body ? buffer(out.Body) : Buffer.alloc(0);
}

/** Every object key under a prefix, in key order. */
export async function listS3Keys(ctx: RequestContext, bucket: string, prefix: string): Promise<{ key: string; size: number }[]> {
  const keys: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const out = await callService<{ Contents?: { Key: string; Size?: number }[]; NextContinuationToken?: string; IsTruncated?: boolean }>(
      ctx, 's3', 'ListObjectsV2', { Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) });
    for (const o of out.Contents ?? []) keys.push({ key: o.Key, size: Number(o.Size ?? 0) });
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
