// Shared by the DynamoDB handlers: typed inputs, table lookup, key and item checks against the
// schema, the one write path (journal + ordered indexes + TTL), and consumed capacity.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { DynamodbOperations } from '../../protocols/types/dynamodb.js';
import type { RequestContext } from '../service.js';
import { type DynamoState, type Table, dynamoState, itemKey } from './state.js';
import { type AV, type Item, MAX_ITEM, checkValue, finalItemSize, invalidParam, itemSize, typeOf, validation } from './values.js';
import { ExprContext } from './expr.js';
import { type Origin, recordChange } from './streams.js';
import { logChange } from './pitr-log.js';

export type In<K extends keyof DynamodbOperations> = DynamodbOperations[K]['input'];
export type Out<K extends keyof DynamodbOperations> = DynamodbOperations[K]['output'];

export const st = (ctx: RequestContext): DynamoState => dynamoState(ctx);

export const notFound = () => new ServiceError('ResourceNotFoundException', 'Requested resource not found', 400);

/** A table still CREATING: one ImportTable is filling (imports.ts) or a new replica (replicas.ts). */
export const isImporting = (t: Table): boolean => {
  const until = t.rec.importUntil ?? t.rec.replicaReadyAt;
  return until !== undefined && clock.now() < until;
};

/** A table for reads and writes: a CREATING one is not there yet, as on AWS. */
export function getTable(ctx: RequestContext, name: string): Table {
  const t = st(ctx).live.get(name);
  if (!t || isImporting(t)) throw notFound();
  return t;
}

const keyTypeOf = (t: Table, attr: string) => t.rec.attrDefs.find((a) => a.AttributeName === attr)?.AttributeType;

/** Checks a Key parameter (GetItem, DeleteItem, UpdateItem, batch keys): exactly the key attributes, right types. */
export function checkKey(t: Table, key: Record<string, AV> | undefined): Item {
  const k = key ?? {};
  const want = t.rangeAttr ? 2 : 1;
  const names = Object.keys(k);
  if (names.length !== want || !(t.hashAttr in k) || (t.rangeAttr && !(t.rangeAttr in k))) {
    throw validation('The provided key element does not match the schema');
  }
  const out: Item = {};
  for (const a of names) {
    const v = checkValue(k[a]);
    if (typeOf(v) !== keyTypeOf(t, a)) throw validation('The provided key element does not match the schema');
    if ((v.S !== undefined && v.S === '') || (v.B !== undefined && v.B.length === 0)) {
      throw validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${v.S !== undefined ? 'string' : 'binary'} value. Key: ${a}`);
    }
    out[a] = v;
  }
  return out;
}

/** Checks a whole item's key attributes and secondary index keys against the schema. */
export function checkItemKeys(t: Table, item: Item): void {
  for (const a of [t.hashAttr, ...(t.rangeAttr ? [t.rangeAttr] : [])]) {
    const v = item[a];
    if (!v) throw invalidParam(`Missing the key ${a} in the item`);
    const want = keyTypeOf(t, a);
    if (typeOf(v) !== want) throw invalidParam(`Type mismatch for key ${a} expected: ${want} actual: ${typeOf(v)}`);
    if ((v.S !== undefined && v.S === '') || (v.B !== undefined && v.B.length === 0)) {
      throw validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${v.S !== undefined ? 'string' : 'binary'} value. Key: ${a}`);
    }
  }
  for (const ix of [...t.rec.lsis, ...t.rec.gsis]) {
    for (const k of ix.keySchema) {
      const v = item[k.AttributeName];
      if (!v) continue;
      const want = keyTypeOf(t, k.AttributeName);
      if (typeOf(v) !== want) {
        throw invalidParam(`Type mismatch for Index Key ${k.AttributeName} Expected: ${want} Actual: ${typeOf(v)} IndexName: ${ix.name}`);
      }
      if ((v.S !== undefined && v.S === '') || (v.B !== undefined && v.B.length === 0)) {
        throw validation(`One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${v.S !== undefined ? 'string' : 'binary'} value. IndexName: ${ix.name}, IndexKey: ${k.AttributeName}`);
      }
    }
  }
}

export function checkSize(item: Item, update = false): number {
  const n = finalItemSize(item);
  if (n > MAX_ITEM) throw validation(update ? 'Item size to update has exceeded the maximum allowed size' : 'Item size has exceeded the maximum allowed size');
  return n;
}

export const currentItem = (s: DynamoState, t: Table, pk: string): Item | undefined => s.items.get(itemKey(t.rec.name, pk))?.item;

/** Hooks the TTL module sets: called after every write; and the fan-out to replicas and Kinesis
 * destinations (replication.ts), called only for tables that have either. */
export const writeHooks: {
  afterWrite?: (s: DynamoState, t: Table, pk: string, item: Item | undefined) => void;
  fanOut?: (s: DynamoState, t: Table, pk: string, before: Item | undefined, after: Item | undefined, origin: Origin) => void;
} = {};

/** The one write path: journal, ordered indexes, TTL, the table's stream. `after` undefined deletes. */
export function writeItem(s: DynamoState, t: Table, pk: string, before: Item | undefined, after: Item | undefined, origin: Origin = 'client'): void {
  const k = itemKey(t.rec.name, pk);
  if (after) s.items.set(k, { t: t.rec.name, item: after }); else if (before) s.items.delete(k);
  t.index(before, after, pk);
  writeHooks.afterWrite?.(s, t, pk, after);
  recordChange(s, t, before, after, origin);
  logChange(s, t, pk, after);
  // One cheap check keeps tables without replicas or Kinesis destinations off this path.
  if (t.rec.replicas || t.rec.legacyGroup || t.rec.kinesis) writeHooks.fanOut?.(s, t, pk, before, after, origin);
}

/** Builds the request's ExprContext and checks names/values are only given with expressions. */
export function exprContext(input: { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: object }, anyExpression: boolean): ExprContext {
  if (!anyExpression) {
    if (input.ExpressionAttributeNames) throw validation('ExpressionAttributeNames can only be specified when using expressions');
    if (input.ExpressionAttributeValues) throw validation('ExpressionAttributeValues can only be specified when using expressions');
  }
  if (input.ExpressionAttributeValues && Object.keys(input.ExpressionAttributeValues).length === 0) {
    throw validation('ExpressionAttributeValues must not be empty');
  }
  if (input.ExpressionAttributeNames && Object.keys(input.ExpressionAttributeNames).length === 0) {
    throw validation('ExpressionAttributeNames must not be empty');
  }
  return new ExprContext(input.ExpressionAttributeNames, input.ExpressionAttributeValues as Record<string, AV> | undefined);
}

// ---------------------------------------------------------------------------------------------
// Consumed capacity (Developer Guide, "Read/write capacity mode"): reads in 4 KB units, halved
// when eventually consistent, doubled in transactions; writes in 1 KB units; each GSI/LSI
// write the item causes is counted against the index.

export const readUnits = (bytes: number, consistent: boolean, tx = false) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (tx ? 2 : consistent ? 1 : 0.5);
export const writeUnits = (bytes: number, tx = false) => Math.max(1, Math.ceil(bytes / 1024)) * (tx ? 2 : 1);

export interface Usage { table: number; indexes: Map<string, { units: number; global: boolean }>; read: boolean }

export const newUsage = (read: boolean): Usage => ({ table: 0, indexes: new Map(), read });

/** Index writes a change causes: 1 per index the item enters, leaves or changes in (2 if its key moves). */
export function addIndexWrites(u: Usage, t: Table, before: Item | undefined, after: Item | undefined, tx = false): void {
  for (const ix of [...t.rec.lsis, ...t.rec.gsis]) {
    const o = t.indexes.get(ix.name)!;
    const pb = before && o.entryOf(before, '') ? t.projectFor(ix, before) : undefined;
    const pa = after && o.entryOf(after, '') ? t.projectFor(ix, after) : undefined;
    if (!pb && !pa) continue;
    let units = 0;
    const keyMoved = pb && pa && ix.keySchema.some((k) => JSON.stringify(pb[k.AttributeName]) !== JSON.stringify(pa[k.AttributeName]));
    if (pb && pa && !keyMoved) {
      if (JSON.stringify(pb) === JSON.stringify(pa)) continue;
      units = writeUnits(Math.max(itemSize(pb), itemSize(pa)), tx);
    } else {
      if (pb) units += writeUnits(itemSize(pb), tx);
      if (pa) units += writeUnits(itemSize(pa), tx);
    }
    const cur = u.indexes.get(ix.name) ?? { units: 0, global: ix.global };
    cur.units += units;
    u.indexes.set(ix.name, cur);
  }
}

export function consumed(mode: string | undefined, tableName: string, u: Usage): Record<string, unknown> | undefined {
  if (!mode || mode === 'NONE') return undefined;
  const kind = u.read ? 'ReadCapacityUnits' : 'WriteCapacityUnits';
  let total = u.table;
  for (const x of u.indexes.values()) total += x.units;
  const out: Record<string, unknown> = { TableName: tableName, CapacityUnits: total, [kind]: total };
  if (mode === 'INDEXES') {
    out.Table = { CapacityUnits: u.table, [kind]: u.table };
    const g: Record<string, unknown> = {}; const l: Record<string, unknown> = {};
    for (const [name, x] of u.indexes) (x.global ? g : l)[name] = { CapacityUnits: x.units, [kind]: x.units };
    if (Object.keys(g).length) out.GlobalSecondaryIndexes = g;
    if (Object.keys(l).length) out.LocalSecondaryIndexes = l;
  }
  return out;
}

export const nowSeconds = (ms: number) => ms / 1000;

const CLIENT_TOKEN_WINDOW = 8 * 3600_000;

/**
 * A ClientToken seen within the last 8 hours (API Reference, ExportTableToPointInTime and
 * ImportTable ClientToken): the earlier job when this request is the same, `conflict` when it
 * differs; undefined for a new token. `digest` identifies the request without its token.
 */
export function priorJob<R extends { clientToken?: string; digest: string; start: number }>(jobs: Iterable<R>, token: string | undefined,
  digest: string, now: number, conflict: () => ServiceError): R | undefined {
  if (!token) return undefined;
  for (const j of jobs) {
    if (j.clientToken !== token || now - j.start >= CLIENT_TOKEN_WINDOW) continue;
    if (j.digest !== digest) throw conflict();
    return j;
  }
  return undefined;
}
