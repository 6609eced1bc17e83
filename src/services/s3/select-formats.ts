// S3 Select's input and output serializations: CSV records (record and field delimiters, quote
// and quote-escape characters, comment lines, quoted record delimiters) and JSON (LINES: one
// value a line; DOCUMENT: whole values, possibly several), read incrementally from the
// object's bytes with each record's starting byte offset (for ScanRange); CSV and JSON output.
// Element meanings from the API reference: CSVInput, JSONInput, CSVOutput, JSONOutput.
import { ServiceError } from '../../core/errors.js';
import type * as T from '../../protocols/types/s3.js';
import type { Row, Value } from './select-sql.js';

export interface RawRecord { start: number; bytes: Buffer }

/**
 * Splits a byte stream into records at `delimiter`, optionally not inside quotes. Yields each
 * record with the byte offset where it starts; the last record needs no delimiter.
 */
export async function* splitRecords(source: AsyncIterable<Buffer>, delimiter: Buffer, quote?: number, escape?: number): AsyncGenerator<RawRecord> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let recordStart = 0;
  let offset = 0;
  let inQuote = false;
  for await (const chunk of source) {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (quote !== undefined) {
        if (inQuote && escape !== undefined && escape !== quote && b === escape) { i++; continue; }
        if (b === quote) { inQuote = !inQuote; continue; }
        if (inQuote) continue;
      }
      if (b !== delimiter[0]) continue;
      if (delimiter.length > 1) {
        // A multi-byte delimiter is matched within one chunk.
        if (!chunk.subarray(i, i + delimiter.length).equals(delimiter)) continue;
      }
      pending.push(chunk.subarray(from, i));
      pendingLen += i - from;
      yield { start: recordStart, bytes: pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingLen) };
      pending = []; pendingLen = 0;
      i += delimiter.length - 1;
      from = i + 1;
      recordStart = offset + from;
    }
    if (from < chunk.length) { pending.push(chunk.subarray(from)); pendingLen += chunk.length - from; }
    offset += chunk.length;
  }
  if (pendingLen > 0) yield { start: recordStart, bytes: Buffer.concat(pending, pendingLen) };
}

/** One CSV record's fields, with quoting as configured. */
export function csvFields(line: string, fieldDelimiter: string, quote: string, escape: string): string[] {
  const out: string[] = [];
  let cur = '';
  let i = 0;
  let quoted = false;
  let wasQuoted = false;
  while (i < line.length) {
    const c = line[i];
    if (quoted) {
      if (c === escape && escape !== quote && i + 1 < line.length) { cur += line[i + 1]; i += 2; continue; }
      if (c === quote) {
        if (line[i + 1] === quote) { cur += quote; i += 2; continue; }
        quoted = false; i++; continue;
      }
      cur += c; i++; continue;
    }
    if (quote && c === quote && (cur === '' || wasQuoted)) { quoted = true; wasQuoted = true; i++; continue; }
    if (line.startsWith(fieldDelimiter, i)) { out.push(cur); cur = ''; wasQuoted = false; i += fieldDelimiter.length; continue; }
    cur += c; i++;
  }
  if (quoted) throw new ServiceError('CSVUnescapedQuote', 'A quote character in a CSV record is not escaped.', 400);
  out.push(cur);
  return out;
}

/** Splits a DOCUMENT stream into its top-level JSON values (one or more, whitespace-separated). */
export async function* splitJsonValues(source: AsyncIterable<Buffer>): AsyncGenerator<RawRecord> {
  let pending: Buffer[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false;
  let offset = 0;
  let valueStart = 0;
  for await (const chunk of source) {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (!started) {
        if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x2c) { from = i + 1; continue; }
        started = true; valueStart = offset + i; from = i;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true;
        else if (b === 0x22) inString = false;
        if (!(depth === 0 && !inString)) continue;
      } else if (b === 0x22) { inString = true; continue; } else if (b === 0x7b || b === 0x5b) { depth++; continue; } else if (b === 0x7d || b === 0x5d) {
        depth--;
        if (depth < 0) throw new ServiceError('JSONParsingError', 'Encountered an error parsing the JSON file. Check the file and try again.', 400);
        if (depth > 0) continue;
      } else if (depth > 0 || !(b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x2c)) continue;
      // A value ends here (a closing bracket at depth 0, the end of a top-level string, or a separator after a scalar).
      const endsAfter = b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x2c ? i : i + 1;
      pending.push(chunk.subarray(from, endsAfter));
      yield { start: valueStart, bytes: Buffer.concat(pending) };
      pending = [];
      started = false;
      from = i + 1;
    }
    if (started && from < chunk.length) pending.push(chunk.subarray(from));
    offset += chunk.length;
  }
  if (started && pending.length) yield { start: valueStart, bytes: Buffer.concat(pending) };
}

export function parseJson(bytes: Buffer): Value {
  try { return JSON.parse(bytes.toString('utf8')) as Value; } catch {
    throw new ServiceError('JSONParsingError', 'Encountered an error parsing the JSON file. Check the file and try again.', 400);
  }
}

// --- output -------------------------------------------------------------------------------

const scalarText = (v: Value): string => {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

export function csvWriter(o: T.CSVOutput) {
  const fd = o.FieldDelimiter ?? ',', rd = o.RecordDelimiter ?? '\n', q = o.QuoteCharacter ?? '"', esc = o.QuoteEscapeCharacter ?? '"';
  const always = o.QuoteFields === 'ALWAYS';
  const quoteField = (s: string) => {
    if (!always && !(s.includes(fd) || s.includes(q) || s.includes(rd) || s.includes('\n') || s.includes('\r'))) return s;
    return q + s.split(q).join(esc + q) + q;
  };
  return (values: Value[]): string => values.map((v) => quoteField(scalarText(v))).join(fd) + rd;
}

const jsonValue = (v: Value): unknown => (v instanceof Date ? v.toISOString() : v);

export function jsonWriter(o: T.JSONOutput) {
  const rd = o.RecordDelimiter ?? '\n';
  return (record: Record<string, Value>): string => JSON.stringify(record, (_k, v: Value) => jsonValue(v)) + rd;
}

/** The columns of `SELECT *` for a row: CSV values with their names, or a JSON value as is. */
export function wholeRow(row: Row): { names: string[]; values: Value[] } | Value {
  if (row.csv) {
    const names = row.csv.values.map((_, i) => row.csv!.header?.[i] ?? `_${i + 1}`);
    return { names, values: row.csv.values };
  }
  return row.json;
}
