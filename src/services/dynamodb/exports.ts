// Exports to S3: ExportTableToPointInTime, DescribeExport, ListExports. An export reads the
// table as of ExportTime from the PITR change log (pitr-log.ts) and writes, through S3's own
// handlers, the layout the Developer Guide documents ("DynamoDB table export output format"):
//   <prefix>/AWSDynamoDB/<ExportId>/_started, data/<26 chars>.json.gz (JSON lines of
//   {"Item":{...}}), manifest-files.json (+ .md5), manifest-summary.json (+ .md5).
// The files are written when the request is taken; the export then reads IN_PROGRESS until
// EXPORT_DURATION has passed on the virtual clock, and COMPLETED (or FAILED) after, so the
// status needs no timer and survives a restart.
// Nimbus writes DYNAMODB_JSON only: ION is refused with a ValidationException that says so.
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { decodeToken, encodeToken } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, priorJob, st } from './common.js';
import { itemsAt } from './pitr-log.js';
import { type ExportRec, type TableRec } from './state.js';
import { itemToJson, putS3Object, randomFileName } from './s3-data.js';
import { type Item, itemSize, validation } from './values.js';

/** How long an export stays IN_PROGRESS on the virtual clock. */
export const EXPORT_DURATION = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

function statusOf(e: ExportRec): 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' {
  if (clock.now() < e.end) return 'IN_PROGRESS';
  return e.failure ? 'FAILED' : 'COMPLETED';
}

function description(e: ExportRec): Record<string, unknown> {
  const status = statusOf(e);
  const done = status !== 'IN_PROGRESS';
  return {
    ExportArn: e.arn, ExportStatus: status, StartTime: new Date(e.start),
    ...(done ? { EndTime: new Date(e.end) } : {}),
    ...(status === 'COMPLETED' && e.manifest ? { ExportManifest: e.manifest } : {}),
    TableArn: e.tableArn, TableId: e.tableId,
    ...(e.type === 'FULL_EXPORT' ? { ExportTime: new Date(e.exportTime) } : {}),
    ...(e.clientToken ? { ClientToken: e.clientToken } : {}),
    S3Bucket: e.bucket, ...(e.bucketOwner ? { S3BucketOwner: e.bucketOwner } : {}),
    ...(e.prefix !== undefined ? { S3Prefix: e.prefix } : {}),
    S3SseAlgorithm: e.sse, ...(e.kmsKey ? { S3SseKmsKeyId: e.kmsKey } : {}),
    ...(status === 'FAILED' ? { FailureCode: e.failure!.code, FailureMessage: e.failure!.message } : {}),
    ExportFormat: e.format,
    ...(status === 'COMPLETED' ? { BilledSizeBytes: e.billedBytes, ItemCount: e.itemCount } : {}),
    ExportType: e.type,
    ...(e.incremental ? {
      IncrementalExportSpecification: {
        ExportFromTime: new Date(e.incremental.from), ExportToTime: new Date(e.incremental.to), ExportViewType: e.incremental.view,
      },
    } : {}),
  };
}

const tableNotFound = (arn: string) => new ServiceError('TableNotFoundException', `Table not found: ${arn}`, 400); // wording unverified

function tableOf(ctx: RequestContext, arn: string): TableRec {
  const m = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([^/]+)$/.exec(arn);
  if (!m) throw validation(`Invalid TableArn: ${arn}`); // wording unverified
  const t = m[1] === ctx.region && m[2] === ctx.accountId ? st(ctx).live.get(m[3]) : undefined;
  if (!t) throw tableNotFound(arn);
  return t.rec;
}

function keysOf(item: Item, attrs: string[]): Item {
  const out: Item = {};
  for (const a of attrs) if (item[a]) out[a] = item[a];
  return out;
}

const ms = (d: unknown) => new Date(d as Date).getTime();

/** The lines one export writes, full (items at an instant) or incremental (changes over a
 * span), and the bytes billed: the items' DynamoDB size (the table data read). */
function exportLines(ctx: RequestContext, rec: TableRec, e: ExportRec): { lines: string[]; bytes: number } {
  const s = st(ctx);
  if (!e.incremental) {
    const items = itemsAt(s, rec.name, e.exportTime);
    return { lines: items.map((item) => JSON.stringify({ Item: itemToJson(item) })), bytes: items.reduce((n, it) => n + itemSize(it), 0) };
  }
  // Incremental export output (Developer Guide, "Incremental export output"): one line per key
  // changed in the span, its keys, its image at the end (absent when deleted) and, for
  // NEW_AND_OLD_IMAGES, its image at the start; Metadata.WriteTimestampMicros is the last write.
  const { from, to, view } = e.incremental;
  const old = new Map<string, Item | undefined>();
  const now = new Map<string, { at: number; item?: Item }>();
  // ExportFromTime is inclusive, ExportToTime exclusive (API Reference, IncrementalExportSpecification).
  for (const x of s.pitr.get(rec.name) ?? []) {
    if (x.at >= to) break;
    if (x.at < from) { old.set(x.pk, x.item); continue; }
    now.set(x.pk, { at: x.at, item: x.item });
  }
  const keyAttrs = rec.keySchema.map((k) => k.AttributeName);
  const lines: string[] = [];
  let bytes = 0;
  for (const [pk, change] of now) {
    const before = old.get(pk);
    const image = change.item ?? before;
    if (!image) continue; // made and removed inside the span
    bytes += itemSize(image);
    const keys = keysOf(image, keyAttrs);
    lines.push(JSON.stringify({
      Metadata: { WriteTimestampMicros: { N: String(change.at * 1000) } },
      Keys: itemToJson(keys),
      ...(change.item ? { NewImage: itemToJson(change.item) } : {}),
      ...(view === 'NEW_AND_OLD_IMAGES' && before ? { OldImage: itemToJson(before) } : {}),
    }));
  }
  return { lines, bytes };
}

/** Writes the export's files; returns the failure S3 gave, if any. */
async function writeFiles(ctx: RequestContext, rec: TableRec, e: ExportRec, exportId: string): Promise<ExportRec['failure']> {
  const base = `${e.prefix ? `${e.prefix.replace(/\/+$/, '')}/` : ''}AWSDynamoDB/${exportId}`;
  const { lines, bytes } = exportLines(ctx, rec, e);
  try {
    // _started verifies the bucket is writable before anything else (Developer Guide).
    await putS3Object(ctx, e.bucket, `${base}/_started`, Buffer.alloc(0));
    const raw = Buffer.from(lines.length ? `${lines.join('\n')}\n` : '');
    const gz = gzipSync(raw);
    const dataKey = `${base}/data/${randomFileName()}.json.gz`;
    const etag = await putS3Object(ctx, e.bucket, dataKey, gz, 'application/x-gzip');
    const filesJson = `${JSON.stringify({
      itemCount: lines.length, md5Checksum: createHash('md5').update(gz).digest('base64'), etag, dataFileS3Key: dataKey,
    })}\n`;
    const filesKey = `${base}/manifest-files.json`;
    await putS3Object(ctx, e.bucket, filesKey, Buffer.from(filesJson), 'application/json');
    await putS3Object(ctx, e.bucket, `${base}/manifest-files.md5`, Buffer.from(createHash('md5').update(filesJson).digest('base64')));
    e.itemCount = lines.length;
    e.billedBytes = bytes;
    const summary = JSON.stringify({
      // The incremental manifest's version and its exportFromTime/exportToTime/outputView fields
      // are from observed exports, not the guide (unverified).
      version: e.incremental ? '2023-08-01' : '2020-06-30', exportArn: e.arn, startTime: iso(e.start), endTime: iso(e.end),
      tableArn: e.tableArn, tableId: e.tableId,
      ...(e.incremental
        ? { exportFromTime: iso(e.incremental.from), exportToTime: iso(e.incremental.to) }
        : { exportTime: iso(e.exportTime) }),
      s3Bucket: e.bucket, s3Prefix: e.prefix ?? null, s3SseAlgorithm: e.sse, s3SseKmsKeyId: e.kmsKey ?? null,
      manifestFilesS3Key: filesKey, billedSizeBytes: e.billedBytes, itemCount: e.itemCount, outputFormat: e.format,
      ...(e.incremental ? { outputView: e.incremental.view } : {}), exportType: e.type,
    });
    const summaryKey = `${base}/manifest-summary.json`;
    await putS3Object(ctx, e.bucket, summaryKey, Buffer.from(summary), 'application/json');
    await putS3Object(ctx, e.bucket, `${base}/manifest-summary.md5`, Buffer.from(createHash('md5').update(summary).digest('base64')));
    e.manifest = summaryKey;
    return undefined;
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    // FailureCode is S3's error code prefixed with "S3" (S3NoSuchBucket, S3AccessDenied: observed,
    // floci-io/floci#653); the message is S3's.
    return { code: `S3${err.code}`, message: err.message };
  }
}

export async function exportTableToPointInTime(ctx: RequestContext, input: In<'ExportTableToPointInTime'>): Promise<Out<'ExportTableToPointInTime'>> {
  const s = st(ctx);
  const now = clock.now();
  const { ClientToken: token, ...rest } = input;
  const digest = createHash('sha256').update(JSON.stringify(rest)).digest('hex');
  const prior = priorJob(s.exports.values(), token, digest, now,
    () => new ServiceError('ExportConflictException', `Export with the same client token ${token} already exists with different parameters`, 400)); // wording unverified
  if (prior) return { ExportDescription: description(prior) } as Out<'ExportTableToPointInTime'>;
  const format = input.ExportFormat ?? 'DYNAMODB_JSON';
  if (format === 'ION') throw validation('ExportFormat ION is not supported by Nimbus: it writes DYNAMODB_JSON only');
  const rec = tableOf(ctx, input.TableArn);
  if (!rec.pitr?.enabled) {
    throw new ServiceError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${rec.name}'`, 400); // wording unverified
  }
  const earliest = Math.max(rec.pitr.since, now - rec.pitr.days * 86_400_000);
  const type = input.ExportType ?? 'FULL_EXPORT';
  let exportTime = now;
  let incremental: ExportRec['incremental'];
  if (type === 'INCREMENTAL_EXPORT') {
    if (input.ExportTime !== undefined) throw validation('ExportTime cannot be specified for an incremental export'); // wording unverified
    const spec = input.IncrementalExportSpecification;
    if (!spec?.ExportFromTime) throw validation('IncrementalExportSpecification.ExportFromTime must be specified for an incremental export'); // wording unverified
    const from = ms(spec.ExportFromTime);
    const to = spec.ExportToTime !== undefined ? ms(spec.ExportToTime) : now;
    // The period is 15 minutes to 24 hours, inside the PITR window (API Reference,
    // IncrementalExportSpecification; Developer Guide, "Incremental export").
    if (from < earliest || to > now || from >= to) {
      throw new ServiceError('InvalidExportTimeException', `Incremental export period must be within the point in time recovery window: ${iso(earliest)} to ${iso(now)}`, 400); // wording unverified
    }
    if (to - from < 15 * 60_000 || to - from > 24 * 3600_000) {
      throw validation('The incremental export period must be at least 15 minutes and at most 24 hours'); // wording unverified
    }
    incremental = { from, to, view: spec.ExportViewType ?? 'NEW_AND_OLD_IMAGES' };
    exportTime = to;
  } else {
    if (input.IncrementalExportSpecification) throw validation('IncrementalExportSpecification can only be specified for an incremental export'); // wording unverified
    if (input.ExportTime !== undefined) exportTime = ms(input.ExportTime);
    if (exportTime < earliest || exportTime > now) {
      throw new ServiceError('InvalidExportTimeException', `Export time must be between ${iso(earliest)} and ${iso(now)}`, 400); // wording unverified
    }
  }
  // ExportArn: the table's ARN + /export/ + 14-digit epoch ms + '-' + 8 hex (API Reference example).
  const exportId = `${String(now).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
  const e: ExportRec = {
    arn: `${rec.arn}/export/${exportId}`, tableArn: rec.arn, tableId: rec.id, start: now, end: now + EXPORT_DURATION,
    exportTime, ...(token ? { clientToken: token } : {}), digest, bucket: input.S3Bucket,
    ...(input.S3BucketOwner ? { bucketOwner: input.S3BucketOwner } : {}),
    ...(input.S3Prefix !== undefined ? { prefix: input.S3Prefix } : {}),
    sse: input.S3SseAlgorithm ?? 'AES256', ...(input.S3SseKmsKeyId ? { kmsKey: input.S3SseKmsKeyId } : {}),
    format, type, ...(incremental ? { incremental } : {}), itemCount: 0, billedBytes: 0,
  };
  const failure = await writeFiles(ctx, rec, e, exportId);
  if (failure) e.failure = failure;
  s.exports.set(e.arn, e);
  return { ExportDescription: description(e) } as Out<'ExportTableToPointInTime'>;
}

export function describeExport(ctx: RequestContext, input: In<'DescribeExport'>): Out<'DescribeExport'> {
  const e = st(ctx).exports.get(input.ExportArn);
  if (!e) throw new ServiceError('ExportNotFoundException', `Export not found: ${input.ExportArn}`, 400); // wording unverified
  return { ExportDescription: description(e) } as Out<'DescribeExport'>;
}

/** Pages of a start-ordered list, with opaque tamper-checked tokens (the model gives these no paginator). */
export function pageByStart<T extends { arn: string; start: number }>(op: string, list: T[], limit: number, token: string | undefined): { page: T[]; next?: string } {
  const sorted = list.sort((a, b) => a.start - b.start || (a.arn < b.arn ? -1 : 1));
  let from = 0;
  if (token !== undefined) {
    const pos = decodeToken(op, Buffer.from(token, 'hex').toString('utf8').replace(/\0+$/, ''));
    if (!pos || pos.k === undefined) throw validation('Invalid NextToken'); // wording unverified
    const at = sorted.findIndex((x) => `${String(x.start).padStart(14, '0')}|${x.arn}` > pos.k!);
    from = at < 0 ? sorted.length : at;
  }
  const page = sorted.slice(from, from + limit);
  const last = page[page.length - 1];
  if (!(from + limit < sorted.length && last)) return { page };
  // Hex in 16-digit groups: ListImports's NextToken pattern is ([0-9a-f]{16})+.
  const raw = Buffer.from(encodeToken(op, { k: `${String(last.start).padStart(14, '0')}|${last.arn}` }));
  return { page, next: Buffer.concat([raw, Buffer.alloc((8 - (raw.length % 8)) % 8)]).toString('hex') };
}

export function listExports(ctx: RequestContext, input: In<'ListExports'>): Out<'ListExports'> {
  const list = [...st(ctx).exports.values()].filter((e) => input.TableArn === undefined || e.tableArn === input.TableArn);
  const { page, next } = pageByStart('ListExports', list, input.MaxResults ?? 25, input.NextToken);
  return {
    ExportSummaries: page.map((e) => ({ ExportArn: e.arn, ExportStatus: statusOf(e), ExportType: e.type })),
    ...(next ? { NextToken: next } : {}),
  } as Out<'ListExports'>;
}
