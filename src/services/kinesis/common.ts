// What every Kinesis handler shares: the state accessor, finding a stream by StreamName or
// StreamARN, stream status on the clock, sequence numbers, hash keys and Kinesis's error wording.
import { createHash } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import type { KinesisOperations } from '../../protocols/types/kinesis.js';
import { toDate } from '../../protocols/shapes.js';
import { kinesisState, type KinesisState, type Stream } from './state.js';

export type In<K extends keyof KinesisOperations> = KinesisOperations[K]['input'];
export type Out<K extends keyof KinesisOperations> = KinesisOperations[K]['output'];

export const st = (scope: { accountId: string; region: string }): KinesisState => kinesisState(scope);

/** How long a new stream is CREATING, and a resharded one UPDATING (AWS: seconds). */
export const CREATE_DELAY_MS = 1000;
export const UPDATE_DELAY_MS = 1000;

export const streamArn = (ctx: { region: string; accountId: string }, name: string): string =>
  `arn:aws:kinesis:${ctx.region}:${ctx.accountId}:stream/${name}`;

export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';

export function statusOf(s: Stream): StreamStatus {
  const t = clock.now();
  if (t < s.rec.activeAt) return 'CREATING';
  if (s.rec.updatingUntil !== undefined && t < s.rec.updatingUntil) return 'UPDATING';
  return 'ACTIVE';
}

// ---- errors, in Kinesis's words ----------------------------------------------------------

export const invalidArgument = (message: string) => new ServiceError('InvalidArgumentException', message, 400);

/** "Stream X under account Y not found." (as AWS words it; seen in KCL and SDK error reports). */
export const streamNotFound = (name: string, account: string) =>
  new ServiceError('ResourceNotFoundException', `Stream ${name} under account ${account} not found.`, 400);

export const streamInUse = (name: string, account: string, status: string) =>
  new ServiceError('ResourceInUseException', `Stream ${name} under account ${account} not ACTIVE, instead in state ${status}`, 400);

export const shardNotFound = (shard: string, name: string, account: string) =>
  new ServiceError('ResourceNotFoundException', `Shard ${shard} in stream ${name} under account ${account} does not exist`, 400);

// ---- finding the stream ------------------------------------------------------------------

const ARN = /^arn:aws[\w-]*:kinesis:([^:]*):(\d{12}):stream\/([a-zA-Z0-9_.-]+)$/;

export function parseStreamArn(arn: string): { region: string; account: string; name: string } | undefined {
  const m = ARN.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3] } : undefined;
}

/**
 * The stream a request names, by StreamName or StreamARN (every operation takes either). An ARN
 * must name this account and region: Nimbus keeps streams per account and region, so an ARN of
 * another one names a stream that is not here.
 */
export function findStream(ctx: RequestContext, input: { StreamName?: string; StreamARN?: string }): Stream {
  let name = input.StreamName;
  if (input.StreamARN !== undefined) {
    const p = parseStreamArn(input.StreamARN);
    if (!p) throw invalidArgument(`Invalid StreamARN ${input.StreamARN}.`);
    if (name !== undefined && name !== p.name) throw invalidArgument('StreamARN and StreamName do not refer to the same stream.');
    if (p.account !== ctx.accountId || p.region !== ctx.region) throw streamNotFound(p.name, p.account);
    name = p.name;
  }
  if (name === undefined) throw invalidArgument('Either StreamName or StreamARN should be provided.');
  const s = st(ctx).live.get(name);
  if (!s) throw streamNotFound(name, ctx.accountId);
  return s;
}

/** A stream operations that change it may act on: ACTIVE, else ResourceInUseException. */
export function activeStream(ctx: RequestContext, input: { StreamName?: string; StreamARN?: string }): Stream {
  const s = findStream(ctx, input);
  const status = statusOf(s);
  if (status !== 'ACTIVE') throw streamInUse(s.name, ctx.accountId, status);
  return s;
}

/** A stream records can be written to or read from: not while CREATING (it is not there yet). */
export function readyStream(ctx: RequestContext, input: { StreamName?: string; StreamARN?: string }): Stream {
  const s = findStream(ctx, input);
  if (statusOf(s) === 'CREATING') throw streamNotFound(s.name, ctx.accountId);
  return s;
}

// ---- sequence numbers --------------------------------------------------------------------

// AWS's sequence numbers are 56-digit decimals that only grow within a shard (the API reference
// says to compare them as big integers). Ours: "49", the stream-wide counter (31 digits, so
// later records, and child shards, sort after earlier ones), the shard index (8 digits), the
// stream's creation time (15 digits, so a number from another stream is recognised).
export function sequenceNumber(s: Stream, c: number, shard: number): string {
  return `49${String(c).padStart(31, '0')}${String(shard).padStart(8, '0')}${String(s.rec.created).padStart(15, '0')}`;
}

export interface ParsedSeq { c: number; shard: number; created: number }

export function parseSequenceNumber(seq: string): ParsedSeq | undefined {
  if (!/^49\d{54}$/.test(seq)) return undefined;
  return { c: Number(seq.slice(2, 33)), shard: Number(seq.slice(33, 41)), created: Number(seq.slice(41)) };
}

// ---- hash keys ---------------------------------------------------------------------------

export const MAX_HASH = (1n << 128n) - 1n;

/** A partition key's hash key: its MD5 digest as a 128-bit unsigned integer (Developer Guide, "Partition key"). */
export function hashKeyOf(partitionKey: string): bigint {
  return BigInt('0x' + createHash('md5').update(partitionKey, 'utf8').digest('hex'));
}

/** N shards splitting the hash key space evenly, as CreateStream lays them out. */
export function evenRanges(n: number): [bigint, bigint][] {
  const space = 1n << 128n;
  const out: [bigint, bigint][] = [];
  for (let i = 0; i < n; i++) out.push([space * BigInt(i) / BigInt(n), space * BigInt(i + 1) / BigInt(n) - 1n]);
  return out;
}

/** Java's Date.toString(), in UTC, which AWS's Kinesis messages print: "Thu Jun 17 12:22:44 UTC 2021". */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (x: number) => String(x).padStart(2, '0');
  return `${day} ${mon} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

export const toMs = (t: Date | number | string): number => toDate(t).getTime();
