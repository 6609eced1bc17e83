// Imports from S3: ImportTable, DescribeImport, ListImports (Developer Guide, "DynamoDB data
// import from Amazon S3"). ImportTable makes the table from TableCreationParameters (the
// CreateTable checks apply), reads every object under the key prefix through S3's handlers,
// and writes each good item; a bad line or row is counted in ErrorCount and skipped, as AWS
// does. The work is done when the request is taken; the import then reads IN_PROGRESS (and the
// table CREATING) until IMPORT_DURATION has passed on the virtual clock, so no timer is needed.
// Formats: DYNAMODB_JSON (lines of {"Item":{...}}) and CSV (table and index key attributes
// typed by AttributeDefinitions, every other column a string: "Amazon S3 import formats for
// DynamoDB" in the Developer Guide; a row whose column count differs from the header's is an error).
// ION is refused (Nimbus reads DYNAMODB_JSON and CSV only) and so is ZSTD (Node 20 has no
// zstd decompressor). Per-item errors are not logged to CloudWatch Logs.
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, checkItemKeys, checkSize, priorJob, st, writeItem } from './common.js';
import { pageByStart } from './exports.js';
import { type ImportRec, itemKey } from './state.js';
import { createTable } from './tables.js';
import { getS3Object, itemFromJson, listS3Keys } from './s3-data.js';
import { type Item, checkItem, normNumber, validation } from './values.js';

/** How long an import stays IN_PROGRESS (its table CREATING) on the virtual clock. */
export const IMPORT_DURATION = 60_000;

function statusOf(i: ImportRec): 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' {
  if (clock.now() < i.end) return 'IN_PROGRESS';
  return i.failure ? 'FAILED' : 'COMPLETED';
}

function description(i: ImportRec): Record<string, unknown> {
  const status = statusOf(i);
  const done = status !== 'IN_PROGRESS';
  return {
    ImportArn: i.arn, ImportStatus: status, TableArn: i.tableArn, TableId: i.tableId,
    ...(i.clientToken ? { ClientToken: i.clientToken } : {}),
    S3BucketSource: i.source, ErrorCount: done ? i.errors : 0, InputFormat: i.format,
    ...(i.formatOptions ? { InputFormatOptions: i.formatOptions } : {}),
    InputCompressionType: i.compression, TableCreationParameters: i.creation,
    StartTime: new Date(i.start), ...(done ? { EndTime: new Date(i.end) } : {}),
    ProcessedSizeBytes: done ? i.processedBytes : 0, ProcessedItemCount: done ? i.processed : 0,
    ImportedItemCount: done ? i.imported : 0,
    ...(status === 'FAILED' ? { FailureCode: i.failure!.code, FailureMessage: i.failure!.message } : {}),
  };
}

/** RFC 4180 rows with a one-character delimiter; quoted fields may hold delimiters, quotes ("") and newlines. */
export function parseCsv(text: string, delim: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = []; let field = ''; let quoted = false; let i = 0;
  const endRow = () => { row.push(field); field = ''; if (row.length > 1 || row[0] !== '') rows.push(row); row = []; };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === delim) { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { endRow(); i += 2; continue; }
    if (c === '\n') { endRow(); i++; continue; }
    field += c; i++;
  }
  if (field !== '' || row.length) endRow();
  return rows;
}

export async function importTable(ctx: RequestContext, input: In<'ImportTable'>): Promise<Out<'ImportTable'>> {
  const s = st(ctx);
  const now = clock.now();
  const { ClientToken: token, ...rest } = input;
  const digest = createHash('sha256').update(JSON.stringify(rest)).digest('hex');
  const prior = priorJob(s.imports.values(), token, digest, now,
    () => new ServiceError('ImportConflictException', `Import with the same client token ${token} already exists with different parameters`, 400)); // wording unverified
  if (prior) return { ImportTableDescription: description(prior) } as Out<'ImportTable'>;
  if (input.InputFormat === 'ION') throw validation('InputFormat ION is not supported by Nimbus: it reads DYNAMODB_JSON and CSV only');
  const compression = input.InputCompressionType ?? 'NONE';
  if (compression === 'ZSTD') throw validation('InputCompressionType ZSTD is not supported by Nimbus: Node.js 20 cannot decompress zstd; use GZIP or NONE');
  const csv = input.InputFormatOptions?.Csv;
  if (csv && input.InputFormat !== 'CSV') throw validation('InputFormatOptions.Csv can only be specified when InputFormat is CSV'); // wording unverified
  const delim = csv?.Delimiter ?? ',';
  if (delim.length !== 1) throw validation('Delimiter must be a single character'); // wording unverified
  const params = input.TableCreationParameters;
  if (s.live.has(params.TableName)) throw new ServiceError('ResourceInUseException', `Table already exists: ${params.TableName}`, 400);

  // The CreateTable checks apply to TableCreationParameters; the table exists from here on.
  createTable(ctx, { ...params } as In<'CreateTable'>);
  const t = s.live.get(params.TableName)!;
  const id = `${String(now).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
  const rec: ImportRec = {
    arn: `${t.rec.arn}/import/${id}`, tableArn: t.rec.arn, tableId: t.rec.id, start: now, end: now + IMPORT_DURATION,
    ...(token ? { clientToken: token } : {}), digest, source: { ...input.S3BucketSource }, format: input.InputFormat,
    ...(input.InputFormatOptions ? { formatOptions: input.InputFormatOptions as Record<string, unknown> } : {}),
    compression, creation: params as unknown as Record<string, unknown>,
    processedBytes: 0, processed: 0, imported: 0, errors: 0,
  };
  t.rec = { ...t.rec, importUntil: rec.end };
  s.tables.set(t.rec.name, t.rec);

  const attrType = new Map(t.rec.attrDefs.map((d) => [d.AttributeName, d.AttributeType]));
  const write = (make: () => Item) => {
    rec.processed++;
    let item: Item;
    try {
      item = checkItem(make());
      checkItemKeys(t, item);
      checkSize(item);
    } catch {
      rec.errors++;
      return;
    }
    const pk = t.pkOf(item);
    writeItem(s, t, pk, s.items.get(itemKey(t.rec.name, pk))?.item, item);
    rec.imported++;
  };
  try {
    const bucket = input.S3BucketSource.S3Bucket;
    const objects = (await listS3Keys(ctx, bucket, input.S3BucketSource.S3KeyPrefix ?? '')).filter((o) => !o.key.endsWith('/'));
    for (const o of objects) {
      const body = await getS3Object(ctx, bucket, o.key);
      rec.processedBytes += body.length;
      let text: string;
      try {
        text = (compression === 'GZIP' ? gunzipSync(body) : body).toString('utf8');
      } catch {
        rec.errors++; // an object that does not decompress: counted and skipped
        continue;
      }
      if (input.InputFormat === 'CSV') {
        const rows = parseCsv(text, delim);
        const header = csv?.HeaderList ?? rows.shift() ?? [];
        for (const row of rows) {
          write(() => {
            if (row.length !== header.length) throw new Error('column count');
            const item: Item = {};
            header.forEach((name, i) => {
              const v = row[i];
              const type = attrType.get(name);
              if (type === 'N') item[name] = { N: normNumber(v) };
              else if (type === 'B') item[name] = { B: Buffer.from(v, 'base64') };
              else item[name] = { S: v }; // an empty cell is an empty string (allowed outside keys)
            });
            return item;
          });
        }
      } else {
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          write(() => {
            const parsed = JSON.parse(line) as { Item?: unknown };
            if (!parsed || typeof parsed !== 'object' || !parsed.Item) throw new Error('no Item');
            return itemFromJson(parsed.Item);
          });
        }
      }
    }
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    // S3 refused (no such bucket, access denied): the import fails and its table goes.
    // FailureCode as for exports: S3's code prefixed with "S3" (wording unverified).
    rec.failure = { code: `S3${err.code}`, message: err.message };
    for (const p of t.base.parts) for (const e of p.entries) s.items.delete(itemKey(t.rec.name, e.pk));
    s.tables.delete(t.rec.name);
    s.live.delete(t.rec.name);
  }
  s.imports.set(rec.arn, rec);
  return { ImportTableDescription: description(rec) } as Out<'ImportTable'>;
}

export function describeImport(ctx: RequestContext, input: In<'DescribeImport'>): Out<'DescribeImport'> {
  const i = st(ctx).imports.get(input.ImportArn);
  if (!i) throw new ServiceError('ImportNotFoundException', `Import not found: ${input.ImportArn}`, 400); // wording unverified
  return { ImportTableDescription: description(i) } as Out<'DescribeImport'>;
}

export function listImports(ctx: RequestContext, input: In<'ListImports'>): Out<'ListImports'> {
  const list = [...st(ctx).imports.values()].filter((i) => input.TableArn === undefined || i.tableArn === input.TableArn);
  const { page, next } = pageByStart('ListImports', list, input.PageSize ?? 25, input.NextToken);
  return {
    ImportSummaryList: page.map((i) => ({
      ImportArn: i.arn, ImportStatus: statusOf(i), TableArn: i.tableArn, S3BucketSource: i.source, InputFormat: i.format,
      StartTime: new Date(i.start), ...(statusOf(i) !== 'IN_PROGRESS' ? { EndTime: new Date(i.end) } : {}),
    })),
    ...(next ? { NextToken: next } : {}),
  } as Out<'ListImports'>;
}
