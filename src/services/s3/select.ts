// SelectObjectContent (S3 Select): runs a SQL expression (select-sql.ts) over one CSV or JSON
// object, optionally GZIP-compressed, and streams the result as events: Records (the output
// bytes, in batches), Progress (when asked for), Stats, End
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_SelectObjectContent.html and
// RESTSelectObjectAppendix.html). The request, the SQL and the serializations are checked
// before the 200; a problem in the data itself (a bad CSV quote, invalid JSON, a failed CAST)
// arrives as an error event after it, as on AWS. The object is streamed, never held whole.
// ScanRange: "Amazon S3 Select scan range requests … process only the records that start
// within the range", an End alone meaning the last End bytes; it is not available for
// compressed objects or JSON DOCUMENT input (API_ScanRange.html). BZIP2 and Parquet inputs
// answer NotImplemented: Nimbus carries no decoder for them.
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { ServiceError } from '../../core/errors.js';
import { readBlob } from '../../core/blobs.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { invalidArgument, ownBucket } from './common.js';
import { readVersion } from './targets.js';
import { checkReadable } from './archive.js';
import type { ObjectRec } from './state.js';
import { Aggregator, evaluate, itemName, parseQuery, type Query, type Row, type Step, type Value } from './select-sql.js';
import { csvFields, csvWriter, jsonWriter, parseJson, splitJsonValues, splitRecords, wholeRow, type RawRecord } from './select-formats.js';

/** Output is sent in Records events of about this many bytes. */
const BATCH = 64 * 1024;

const selectError = (code: string, message: string) => new ServiceError(code, message, 400);

type Range = { start: number; end: number };

function scanRangeOf(input: T.SelectObjectContentRequest, size: number): Range | undefined {
  const r = input.ScanRange;
  if (!r || (r.Start === undefined && r.End === undefined)) return undefined;
  if ((r.Start !== undefined && r.Start < 0) || (r.End !== undefined && r.End < 0)) {
    throw invalidArgument('Scan range start and end must not be negative.', 'ScanRange', `${r.Start ?? ''}-${r.End ?? ''}`);
  }
  if (r.Start !== undefined && r.End !== undefined && r.Start > r.End) {
    throw invalidArgument('The scan range end must not be before its start.', 'ScanRange', `${r.Start}-${r.End}`);
  }
  if (r.Start === undefined) return { start: Math.max(0, size - r.End!), end: Infinity };
  return { start: r.Start, end: r.End ?? Infinity };
}

export function selectObjectContent(ctx: RequestContext, input: T.SelectObjectContentRequest): T.SelectObjectContentOutput {
  const bucket = ownBucket(ctx, input.Bucket);
  if (input.ExpressionType !== 'SQL') throw selectError('InvalidExpressionType', 'The ExpressionType is invalid. Only SQL expressions are supported.');
  const inp = input.InputSerialization ?? {};
  const outp = input.OutputSerialization ?? {};
  const formats = [inp.CSV, inp.JSON, inp.Parquet].filter((x) => x !== undefined).length;
  if (formats === 0) throw selectError('MissingRequiredParameter', 'The SelectRequest entity is missing a required parameter: InputSerialization format (CSV, JSON or Parquet).');
  if (formats > 1 || (outp.CSV && outp.JSON)) {
    throw selectError('ObjectSerializationConflict', 'InputSerialization specifies more than one format (CSV, JSON, or Parquet), or OutputSerialization specifies more than one format (CSV or JSON).');
  }
  if (!outp.CSV && !outp.JSON) throw selectError('MissingRequiredParameter', 'The SelectRequest entity is missing a required parameter: OutputSerialization format (CSV or JSON).');
  if (inp.Parquet) throw new ServiceError('NotImplemented', 'Nimbus does not read Parquet objects in S3 Select.', 501);
  const compression = inp.CompressionType ?? 'NONE';
  if (compression === 'BZIP2') throw new ServiceError('NotImplemented', 'Nimbus does not decompress BZIP2 objects in S3 Select.', 501);
  if (compression !== 'NONE' && compression !== 'GZIP') throw selectError('InvalidCompressionFormat', 'The file is not in a supported compression format. Only GZIP and BZIP2 are supported.');
  if (inp.JSON && inp.JSON.Type !== 'DOCUMENT' && inp.JSON.Type !== 'LINES') throw selectError('InvalidJsonType', 'The JsonType is invalid. Only DOCUMENT and LINES are supported.');
  const fhi = inp.CSV?.FileHeaderInfo ?? 'NONE';
  if (!['USE', 'IGNORE', 'NONE'].includes(fhi)) throw selectError('InvalidFileHeaderInfo', 'The FileHeaderInfo is invalid. Only NONE, USE, and IGNORE are supported.');
  if (outp.CSV?.QuoteFields !== undefined && !['ALWAYS', 'ASNEEDED'].includes(outp.CSV.QuoteFields)) {
    throw selectError('InvalidQuoteFields', 'The QuoteFields is invalid. Only ALWAYS and ASNEEDED are supported.');
  }
  if (input.ScanRange && (compression !== 'NONE' || inp.JSON?.Type === 'DOCUMENT')) {
    throw selectError('UnsupportedScanRangeInput', 'Scan range queries are not supported on this type of object.');
  }
  const query = parseQuery(input.Expression);
  const o = readVersion(bucket, input.Key, undefined);
  checkReadable(o);
  const range = scanRangeOf(input, o.size);
  return { Payload: run(o, input, query, range) as unknown as T.SelectObjectContentOutput['Payload'] };
}

/** The object's bytes, decompressed, with the counts Stats reports. */
function source(o: ObjectRec, gzip: boolean, stats: { scanned: number; processed: number }): AsyncIterable<Buffer> {
  const raw: Readable = o.size === 0 ? Readable.from([]) : readBlob(o.blob);
  raw.on('data', (c: Buffer) => { stats.scanned += c.length; });
  const body = gzip ? raw.pipe(createGunzip()) : raw;
  return (async function* () {
    try {
      for await (const c of body as AsyncIterable<Buffer>) { stats.processed += c.length; yield c; }
    } catch (e) {
      if (gzip && !(e instanceof ServiceError)) throw selectError('InvalidCompressionFormat', 'The file is not in a supported compression format. Only GZIP and BZIP2 are supported.');
      throw e;
    } finally { raw.destroy(); }
  })();
}

/** The input's rows, in order, after header handling, comments and the scan range. */
async function* rows(o: ObjectRec, input: T.SelectObjectContentRequest, query: Query, range: Range | undefined,
  stats: { scanned: number; processed: number }): AsyncGenerator<Row> {
  const inp = input.InputSerialization;
  const bytes = source(o, inp.CompressionType === 'GZIP', stats);
  const inRange = (r: RawRecord) => !range || (r.start >= range.start && r.start <= range.end);
  if (inp.CSV) {
    const c = inp.CSV;
    const rd = c.RecordDelimiter || '\n', fd = c.FieldDelimiter || ',';
    const quote = c.QuoteCharacter ?? '"', escape = c.QuoteEscapeCharacter ?? '"';
    const comment = c.Comments ?? '#';
    const fhi = c.FileHeaderInfo ?? 'NONE';
    const quoteByte = c.AllowQuotedRecordDelimiter && quote ? Buffer.from(quote)[0] : undefined;
    const escapeByte = quoteByte !== undefined && escape ? Buffer.from(escape)[0] : undefined;
    let header: string[] | undefined;
    let first = true;
    for await (const rec of splitRecords(bytes, Buffer.from(rd), quoteByte, escapeByte)) {
      let line = rec.bytes.toString('utf8');
      if (rd === '\n' && line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '' || (comment && line.startsWith(comment))) continue;
      if (first) {
        first = false;
        if (fhi === 'USE') { header = csvFields(line, fd, quote, escape); continue; }
        if (fhi === 'IGNORE') continue;
      }
      if (!inRange(rec)) { if (range && rec.start > range.end) return; continue; }
      yield { csv: { values: csvFields(line, fd, quote, escape), header } };
    }
    return;
  }
  const values = inp.JSON!.Type === 'LINES' ? splitRecords(bytes, Buffer.from('\n')) : splitJsonValues(bytes);
  for await (const rec of values) {
    if (rec.bytes.toString('utf8').trim() === '') continue;
    if (!inRange(rec)) { if (range && rec.start > range.end) return; continue; }
    yield* fromPath(parseJson(rec.bytes), query.from);
  }
}

/**
 * FROM S3Object[*].a[*]…: the leading [*] is the top-level values themselves; later steps
 * descend, a [*] fanning out over an array's elements.
 */
function* fromPath(doc: Value, steps: Step[]): Generator<Row> {
  const rest = steps.length && 'star' in steps[0] ? steps.slice(1) : steps;
  let cur: Value[] = [doc];
  for (const s of rest) {
    const next: Value[] = [];
    for (const v of cur) {
      if ('star' in s) { if (Array.isArray(v)) next.push(...v); else if (v && typeof v === 'object') next.push(v); continue; }
      if ('index' in s) { if (Array.isArray(v) && v[s.index] !== undefined) next.push(v[s.index]); continue; }
      if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
        const k = s.name in v ? s.name : s.quoted ? undefined : Object.keys(v).find((x) => x.toLowerCase() === s.name.toLowerCase());
        if (k !== undefined) next.push((v as Record<string, Value>)[k]);
      }
    }
    cur = next;
  }
  for (const json of cur) yield { json };
}

async function* run(o: ObjectRec, input: T.SelectObjectContentRequest, query: Query, range: Range | undefined): AsyncGenerator<Record<string, unknown>> {
  const stats = { scanned: 0, processed: 0 };
  let returned = 0;
  let out = '';
  const scope = { alias: query.alias };
  const outp = input.OutputSerialization;
  const csvOut = outp.CSV ? csvWriter(outp.CSV) : undefined;
  const jsonOut = outp.JSON ? jsonWriter(outp.JSON) : undefined;

  const write = (row: Row, aggregateResults?: Map<unknown, Value>) => {
    const sc = aggregateResults ? { ...scope, aggregateResults: aggregateResults as never } : scope;
    if (!query.items) {
      const whole = wholeRow(row);
      if (row.csv) {
        const { names, values } = whole as { names: string[]; values: Value[] };
        return csvOut ? csvOut(values) : jsonOut!(Object.fromEntries(names.map((n, i) => [n, values[i]])));
      }
      const v = whole as Value;
      if (csvOut) return csvOut(v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? Object.values(v) : [v]);
      return jsonOut!(v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? v : { _1: v });
    }
    const values = query.items.map((it) => evaluate(it.e, row, sc));
    if (csvOut) return csvOut(values);
    const rec: Record<string, Value> = {};
    query.items.forEach((it, i) => { if (values[i] !== undefined) rec[itemName(it, i + 1)] = values[i]; });
    return jsonOut!(rec);
  };

  const agg = query.aggregates.length ? new Aggregator(query.aggregates) : undefined;
  let emitted = 0;
  for await (const row of rows(o, input, query, range, stats)) {
    if (query.where && evaluate(query.where, row, scope) !== true) continue;
    if (agg) { agg.add(row, scope); continue; }
    if (query.limit !== undefined && emitted >= query.limit) break;
    out += write(row);
    emitted++;
    if (out.length >= BATCH) {
      const payload = Buffer.from(out, 'utf8');
      returned += payload.length;
      out = '';
      yield { Records: { Payload: payload } };
    }
  }
  if (agg && (query.limit === undefined || query.limit > 0)) out += write({ json: {} }, agg.results());
  if (out) {
    const payload = Buffer.from(out, 'utf8');
    returned += payload.length;
    yield { Records: { Payload: payload } };
  }
  const details = { BytesScanned: stats.scanned, BytesProcessed: stats.processed, BytesReturned: returned };
  if (input.RequestProgress?.Enabled) yield { Progress: { Details: details } };
  yield { Stats: { Details: details } };
  yield { End: {} };
}
