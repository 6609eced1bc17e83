// Kinesis Data Streams for DynamoDB: EnableKinesisStreamingDestination,
// DisableKinesisStreamingDestination, DescribeKinesisStreamingDestination,
// UpdateKinesisStreamingDestination, and the delivery of every item change to the ACTIVE
// destinations. A destination reads ENABLING for STATUS_CHANGE_MS after it is enabled, then
// ACTIVE; DISABLING then DISABLED after it is disabled; UPDATING for the same time after an update.
//
// Records follow the Developer Guide, "Change data capture for Kinesis Data Streams with
// DynamoDB": a JSON document with awsRegion, eventID, eventName, userIdentity, recordFormat
// "application/json", tableName, eventSource "aws:dynamodb" and dynamodb {ApproximateCreationDateTime
// (epoch milliseconds, or microseconds with that precision), Keys, NewImage, OldImage, SizeBytes,
// ApproximateCreationDateTimePrecision}. Both images are sent whenever they exist (no view type).
// The Kinesis partition key is an MD5 of the item's key, upper-case hex, which keeps one item's
// changes on one shard in order (AWS's exact derivation is not documented).
//
// Delivery never blocks the client's write: changes are buffered and sent with one PutRecords
// per stream from a clock task in the same tick (serviceContext). Records in the buffer when the
// process dies are lost, as AWS itself documents possible duplicates and misses are rare but not
// excluded ("may appear more than once"); Nimbus does not journal them.
import { createHash, randomUUID } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { callService, serviceContext } from '../../core/internal-client.js';
import { log } from '../../core/log.js';
import { onReset } from '../../core/state.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, st } from './common.js';
import type { KinesisDestRec, Table } from './state.js';
import type { Origin } from './streams.js';
import { type Item, itemSize, keyText, validation } from './values.js';
import { itemToJson } from './s3-data.js';

export const STATUS_CHANGE_MS = 5_000;

const tableNotFound = (name: string) =>
  new ServiceError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`, 400);

/** TableName may be the table's name or its ARN (API Reference, EnableKinesisStreamingDestination). */
function tableOf(ctx: RequestContext, nameOrArn: string): Table {
  const m = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([^/]+)$/.exec(nameOrArn);
  const name = m ? m[3] : nameOrArn;
  const t = m && (m[1] !== ctx.region || m[2] !== ctx.accountId) ? undefined : st(ctx).live.get(name);
  if (!t) throw tableNotFound(name);
  return t;
}

export function destinationStatus(d: KinesisDestRec, now = clock.now()): string {
  if (d.disabledAt !== undefined) return now < (d.offAt ?? 0) ? 'DISABLING' : 'DISABLED';
  if (now < d.activeAt) return 'ENABLING';
  if (d.updatingUntil !== undefined && now < d.updatingUntil) return 'UPDATING';
  return 'ACTIVE';
}

function save(ctx: RequestContext, t: Table, kinesis: KinesisDestRec[]): void {
  t.rec = { ...t.rec, kinesis: kinesis.length ? kinesis : undefined };
  st(ctx).tables.set(t.rec.name, t.rec);
}

/** The stream must exist: Kinesis answers for it (its DescribeStreamSummary). */
async function checkStream(ctx: RequestContext, arn: string): Promise<void> {
  const m = /^arn:aws[\w-]*:kinesis:([^:]+):(\d{12}):stream\/(.+)$/.exec(arn);
  if (!m) throw validation(`Invalid StreamArn: ${arn}`); // wording unverified
  try {
    await callService(ctx, 'kinesis', 'DescribeStreamSummary', { StreamARN: arn }, { accountId: m[2], region: m[1] });
  } catch (e) {
    // Not found, or no Kinesis in this Nimbus: either way the stream is not there (wording unverified).
    if (e instanceof ServiceError && e.code !== 'ResourceNotFoundException' && e.code !== 'InternalFailure') throw e;
    throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Stream: ${arn} not found`, 400);
  }
}

export async function enableKinesisStreamingDestination(ctx: RequestContext, input: In<'EnableKinesisStreamingDestination'>): Promise<Out<'EnableKinesisStreamingDestination'>> {
  tableOf(ctx, input.TableName);
  const precision = (input.EnableKinesisStreamingConfiguration?.ApproximateCreationDateTimePrecision ?? 'MILLISECOND') as KinesisDestRec['precision'];
  await checkStream(ctx, input.StreamArn);
  const t = tableOf(ctx, input.TableName); // again: the table may have gone while Kinesis answered
  const now = clock.now();
  const live = (t.rec.kinesis ?? []).filter((d) => destinationStatus(d, now) !== 'DISABLED');
  if (live.some((d) => d.streamArn === input.StreamArn)) {
    throw new ServiceError('ResourceInUseException', `Table ${t.rec.name} is already streaming to ${input.StreamArn}`, 400); // wording unverified
  }
  const rest = (t.rec.kinesis ?? []).filter((d) => d.streamArn !== input.StreamArn);
  save(ctx, t, [...rest, { streamArn: input.StreamArn, enabledAt: now, activeAt: now + STATUS_CHANGE_MS, precision }]);
  return {
    TableName: t.rec.name, StreamArn: input.StreamArn, DestinationStatus: 'ENABLING',
    EnableKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: precision },
  };
}

function activeDestination(t: Table, arn: string): KinesisDestRec {
  const d = t.rec.kinesis?.find((x) => x.streamArn === arn && x.disabledAt === undefined);
  if (!d) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Kinesis streaming destination ${arn} not found for table ${t.rec.name}`, 400); // wording unverified
  return d;
}

export function disableKinesisStreamingDestination(ctx: RequestContext, input: In<'DisableKinesisStreamingDestination'>): Out<'DisableKinesisStreamingDestination'> {
  const t = tableOf(ctx, input.TableName);
  const d = activeDestination(t, input.StreamArn);
  const now = clock.now();
  const status = destinationStatus(d, now);
  if (status === 'ENABLING' || status === 'UPDATING') {
    throw new ServiceError('ResourceInUseException', `Kinesis streaming destination ${input.StreamArn} is ${status}`, 400); // wording unverified
  }
  const off: KinesisDestRec = { ...d, disabledAt: now, offAt: now + STATUS_CHANGE_MS };
  save(ctx, t, t.rec.kinesis!.map((x) => (x === d ? off : x)));
  return {
    TableName: t.rec.name, StreamArn: input.StreamArn, DestinationStatus: 'DISABLING',
    EnableKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: d.precision },
  };
}

export function describeKinesisStreamingDestination(ctx: RequestContext, input: In<'DescribeKinesisStreamingDestination'>): Out<'DescribeKinesisStreamingDestination'> {
  const t = tableOf(ctx, input.TableName);
  const now = clock.now();
  return {
    TableName: t.rec.name,
    KinesisDataStreamDestinations: (t.rec.kinesis ?? []).map((d) => ({
      StreamArn: d.streamArn, DestinationStatus: destinationStatus(d, now), ApproximateCreationDateTimePrecision: d.precision,
    })),
  };
}

export function updateKinesisStreamingDestination(ctx: RequestContext, input: In<'UpdateKinesisStreamingDestination'>): Out<'UpdateKinesisStreamingDestination'> {
  const t = tableOf(ctx, input.TableName);
  const d = activeDestination(t, input.StreamArn);
  const precision = input.UpdateKinesisStreamingConfiguration?.ApproximateCreationDateTimePrecision;
  // Wordings below unverified; the API Reference lists ValidationException, ResourceInUseException.
  if (!precision) throw validation('UpdateKinesisStreamingConfiguration must be specified');
  const now = clock.now();
  const status = destinationStatus(d, now);
  if (status !== 'ACTIVE') throw new ServiceError('ResourceInUseException', `Kinesis streaming destination ${input.StreamArn} is ${status}`, 400);
  if (precision === d.precision) throw validation(`ApproximateCreationDateTimePrecision is already ${precision}`);
  const next: KinesisDestRec = { ...d, precision: precision as KinesisDestRec['precision'], updatingUntil: now + STATUS_CHANGE_MS };
  save(ctx, t, t.rec.kinesis!.map((x) => (x === d ? next : x)));
  return {
    TableName: t.rec.name, StreamArn: input.StreamArn, DestinationStatus: 'UPDATING',
    UpdateKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: precision },
  };
}

// ---------------------------------------------------------------------------------------------
// Delivery.

interface Outgoing { accountId: string; region: string; streamArn: string; records: { Data: Buffer; PartitionKey: string; attempts?: number }[] }
const outbox = new Map<string, Outgoing>();
let flushing = false;
onReset((service) => { if (!service || service === 'dynamodb') outbox.clear(); });

/** Called by the write path (replication.ts fan-out) for a table with Kinesis destinations. */
export function deliverToKinesis(t: Table, before: Item | undefined, after: Item | undefined, origin: Origin): void {
  if (!before && !after) return;
  const now = clock.now();
  const [, , , region, accountId] = t.rec.arn.split(':');
  for (const d of t.rec.kinesis ?? []) {
    const status = destinationStatus(d, now);
    if (status !== 'ACTIVE' && status !== 'UPDATING') continue;
    const keys = t.keyOf((after ?? before)!);
    const micro = d.precision === 'MICROSECOND';
    const record = {
      awsRegion: region,
      eventID: randomUUID(),
      eventName: !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY',
      userIdentity: origin === 'ttl' ? { type: 'Service', principalId: 'dynamodb.amazonaws.com' } : null,
      recordFormat: 'application/json',
      tableName: t.rec.name,
      dynamodb: {
        ApproximateCreationDateTime: micro ? now * 1000 : now,
        Keys: itemToJson(keys),
        ...(after ? { NewImage: itemToJson(after) } : {}),
        ...(before ? { OldImage: itemToJson(before) } : {}),
        SizeBytes: itemSize(keys) + (after ? itemSize(after) : 0) + (before ? itemSize(before) : 0),
        ApproximateCreationDateTimePrecision: d.precision,
      },
      eventSource: 'aws:dynamodb',
    };
    const key = `${accountId}\u0000${d.streamArn}`;
    let o = outbox.get(key);
    if (!o) outbox.set(key, o = { accountId, region, streamArn: d.streamArn, records: [] });
    o.records.push({
      Data: Buffer.from(JSON.stringify(record)),
      PartitionKey: createHash('md5').update(keyText(keys[t.hashAttr]) + (t.rangeAttr ? `\u0000${keyText(keys[t.rangeAttr])}` : '')).digest('hex').toUpperCase(),
    });
  }
  if (outbox.size && !flushing) {
    flushing = true;
    clock.after(0, () => { flushing = false; void flush(); });
  }
}

/** PutRecords takes at most 500 records a call (Kinesis API Reference, PutRecords). Records
 * Kinesis refuses (throttled shards) are sent again a second later on the clock, a few times:
 * AWS documents that records may arrive out of order and more than once, never that it drops them. */
async function flush(): Promise<void> {
  const batches = [...outbox.values()];
  outbox.clear();
  for (const o of batches) {
    const m = /^arn:aws[\w-]*:kinesis:([^:]+):(\d{12}):/.exec(o.streamArn);
    const scope = { accountId: m?.[2] ?? o.accountId, region: m?.[1] ?? o.region };
    const ctx = serviceContext('dynamodb', { accountId: o.accountId, region: o.region });
    const retry: Outgoing['records'] = [];
    for (let i = 0; i < o.records.length; i += 500) {
      const chunk = o.records.slice(i, i + 500);
      try {
        const out = await callService<{ Records?: { ErrorCode?: string }[] }>(ctx, 'kinesis', 'PutRecords', { StreamARN: o.streamArn, Records: chunk.map(({ Data, PartitionKey }) => ({ Data, PartitionKey })) }, scope);
        out.Records?.forEach((r, j) => { if (r.ErrorCode && (chunk[j].attempts ?? 0) < MAX_ATTEMPTS) retry.push({ ...chunk[j], attempts: (chunk[j].attempts ?? 0) + 1 }); });
      } catch (e) {
        log.warn(`dynamodb: Kinesis delivery to ${o.streamArn} failed: ${(e as Error).message}`);
      }
    }
    if (retry.length) {
      clock.after(1000, () => {
        const key = `${o.accountId}\u0000${o.streamArn}`;
        let q = outbox.get(key);
        if (!q) outbox.set(key, q = { ...o, records: [] });
        q.records.unshift(...retry);
        void flush();
      });
    }
  }
}
const MAX_ATTEMPTS = 5;
