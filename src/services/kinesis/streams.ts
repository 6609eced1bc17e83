// Streams: create (CREATING, then ACTIVE on the clock), delete, describe (with paged shards),
// summaries, listing, the shard listing with its filters, stream mode, encryption settings,
// enhanced monitoring and the account's limits.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { decodeToken, encodeToken } from '../../core/pagination.js';
import { callService } from '../../core/internal-client.js';
import type { RequestContext } from '../service.js';
import {
  type In, type Out, CREATE_DELAY_MS, UPDATE_DELAY_MS, activeStream, evenRanges, findStream, invalidArgument, sequenceNumber,
  st, statusOf, streamArn, streamNotFound, toMs,
} from './common.js';
import { Stream, shardId, type Shard, type StreamRec } from './state.js';
import { dropStreamRecords } from './retention.js';
import { consumersOf, deleteConsumer } from './consumers.js';

/** Shards an on-demand stream starts with (AWS starts them at 4 MiB/s write capacity). */
export const ON_DEMAND_SHARDS = 4;
/** Default shard quota per account and region ("Quotas and limits", Developer Guide: 500 in the large Regions). */
export const SHARD_LIMIT = 500;
/** On-demand streams per account and region (same page). */
export const ON_DEMAND_STREAM_LIMIT = 50;

export function openShardCount(ctx: RequestContext): number {
  let n = 0;
  for (const s of st(ctx).live.values()) n += s.open.length;
  return n;
}

export function checkShardLimit(ctx: RequestContext, adding: number): void {
  const current = openShardCount(ctx);
  if (current + adding > SHARD_LIMIT) {
    throw new ServiceError('LimitExceededException',
      `This request would exceed the shard limit for the account ${ctx.accountId} in ${ctx.region}. Current shard count for the account: ${current}. Limit: ${SHARD_LIMIT}. Number of additional shards that would have resulted from this request: ${adding}. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`, 400);
  }
}

export function createStream(ctx: RequestContext, input: In<'CreateStream'>): Out<'CreateStream'> {
  const s = st(ctx);
  const name = input.StreamName;
  const mode = (input.StreamModeDetails?.StreamMode ?? (input.ShardCount === undefined ? 'ON_DEMAND' : 'PROVISIONED')) as StreamRec['mode'];
  if (mode !== 'ON_DEMAND' && mode !== 'PROVISIONED') throw invalidArgument(`Invalid StreamMode ${mode}.`);
  let count: number;
  if (mode === 'PROVISIONED') {
    if (input.ShardCount === undefined) throw invalidArgument('ShardCount is required for streams in PROVISIONED mode.');
    count = input.ShardCount;
  } else {
    if (input.ShardCount !== undefined) throw invalidArgument('ShardCount cannot be specified for streams in ON_DEMAND mode.');
    count = ON_DEMAND_SHARDS;
    let onDemand = 0;
    for (const x of s.live.values()) if (x.rec.mode === 'ON_DEMAND') onDemand++;
    if (onDemand >= ON_DEMAND_STREAM_LIMIT) {
      throw new ServiceError('LimitExceededException', `This request would exceed the on-demand stream limit of ${ON_DEMAND_STREAM_LIMIT} for the account ${ctx.accountId} in ${ctx.region}.`, 400);
    }
  }
  if (s.live.has(name)) throw new ServiceError('ResourceInUseException', `Stream ${name} under account ${ctx.accountId} already exists.`, 400);
  checkShardLimit(ctx, count);
  const t = clock.now();
  const rec: StreamRec = {
    name, arn: streamArn(ctx, name), created: t, activeAt: t + CREATE_DELAY_MS, mode, retentionH: 24,
    tags: { ...(input.Tags ?? {}) }, encryption: 'NONE', metrics: [], shards: [], nextShard: count, ctr: 0,
    maxRecordKiB: input.MaxRecordSizeInKiB ?? 1024,
  };
  rec.shards = evenRanges(count).map(([lo, hi], i) => ({ i, lo: String(lo), hi: String(hi), s: 0, t0: t }));
  s.streams.set(name, rec);
  const stream = new Stream(rec);
  s.live.set(name, stream);
  return undefined;
}

export function deleteStream(ctx: RequestContext, input: In<'DeleteStream'>): Out<'DeleteStream'> {
  const stream = findStream(ctx, input);
  const s = st(ctx);
  const consumers = consumersOf(ctx, stream);
  if (consumers.length && !input.EnforceConsumerDeletion) {
    // AWS's wording, as reported from CloudFormation and Terraform runs.
    throw new ServiceError('ResourceInUseException',
      `DeleteStream can't delete ${ctx.accountId}:${stream.name} because there are consumers associated with this data stream. To delete ${stream.name} anyway, set the EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that are associated with it.`, 400);
  }
  for (const c of consumers) deleteConsumer(ctx, c);
  // AWS shows the stream DELETING for a moment; here it is gone at once (waiters accept both).
  dropStreamRecords(s, stream);
  stream.trimTimer?.cancel();
  for (const sh of stream.shards.values()) for (const l of [...sh.listeners]) l();
  s.live.delete(stream.name);
  s.streams.delete(stream.name);
  return undefined;
}

// ---- describing --------------------------------------------------------------------------

export function shardOut(stream: Stream, sh: Shard) {
  const r = sh.rec;
  return {
    ShardId: sh.id,
    ...(r.p !== undefined ? { ParentShardId: shardId(r.p) } : {}),
    ...(r.a !== undefined ? { AdjacentParentShardId: shardId(r.a) } : {}),
    HashKeyRange: { StartingHashKey: r.lo, EndingHashKey: r.hi },
    SequenceNumberRange: {
      StartingSequenceNumber: sequenceNumber(stream, r.s, r.i),
      ...(r.e !== undefined ? { EndingSequenceNumber: sequenceNumber(stream, r.e, r.i) } : {}),
    },
  };
}

const encryptionOut = (r: StreamRec) => ({ EncryptionType: r.encryption, ...(r.keyId ? { KeyId: r.keyId } : {}) });

export function describeStream(ctx: RequestContext, input: In<'DescribeStream'>): Out<'DescribeStream'> {
  const stream = findStream(ctx, input);
  const r = stream.rec;
  // Default 100, and never more (API reference, DescribeStream: Limit).
  const limit = Math.min(input.Limit ?? 100, 100);
  let shards = stream.ordered();
  if (input.ExclusiveStartShardId !== undefined) shards = shards.filter((sh) => sh.id > input.ExclusiveStartShardId!);
  const pageOf = shards.slice(0, limit);
  return {
    StreamDescription: {
      StreamName: r.name, StreamARN: r.arn, StreamStatus: statusOf(stream), StreamModeDetails: { StreamMode: r.mode },
      Shards: pageOf.map((sh) => shardOut(stream, sh)), HasMoreShards: shards.length > limit,
      RetentionPeriodHours: r.retentionH, StreamCreationTimestamp: r.created,
      EnhancedMonitoring: [{ ShardLevelMetrics: [...r.metrics] }], ...encryptionOut(r),
    },
  };
}

export function describeStreamSummary(ctx: RequestContext, input: In<'DescribeStreamSummary'>): Out<'DescribeStreamSummary'> {
  const stream = findStream(ctx, input);
  const r = stream.rec;
  return {
    StreamDescriptionSummary: {
      StreamName: r.name, StreamARN: r.arn, StreamStatus: statusOf(stream), StreamModeDetails: { StreamMode: r.mode },
      RetentionPeriodHours: r.retentionH, StreamCreationTimestamp: r.created,
      EnhancedMonitoring: [{ ShardLevelMetrics: [...r.metrics] }], ...encryptionOut(r),
      OpenShardCount: stream.open.length, ConsumerCount: consumersOf(ctx, stream).length,
      MaxRecordSizeInKiB: r.maxRecordKiB,
    },
  };
}

// ---- listing -----------------------------------------------------------------------------

const badToken = () => invalidArgument('Invalid NextToken.');

export function listStreams(ctx: RequestContext, input: In<'ListStreams'>): Out<'ListStreams'> {
  // Default 100, and never more (API reference, ListStreams: Limit).
  const limit = Math.min(input.Limit ?? 100, 100);
  let after = input.ExclusiveStartStreamName;
  if (input.NextToken !== undefined) {
    const pos = decodeToken('ListStreams', input.NextToken);
    if (!pos || pos.k === undefined) throw badToken();
    after = pos.k;
  }
  const names = [...st(ctx).live.keys()].sort().filter((n) => after === undefined || n > after);
  const pageOf = names.slice(0, limit);
  const more = names.length > limit;
  const live = st(ctx).live;
  return {
    StreamNames: pageOf,
    HasMoreStreams: more,
    ...(more ? { NextToken: encodeToken('ListStreams', { k: pageOf[pageOf.length - 1] }) } : {}),
    StreamSummaries: pageOf.map((n) => {
      const s = live.get(n)!;
      return { StreamName: n, StreamARN: s.rec.arn, StreamStatus: statusOf(s), StreamModeDetails: { StreamMode: s.rec.mode }, StreamCreationTimestamp: s.rec.created };
    }),
  };
}

/** ListShards tokens are good for 300 seconds (API reference, ListShards: ExpiredNextTokenException). */
const LIST_SHARDS_TOKEN_MS = 300_000;

export function listShards(ctx: RequestContext, input: In<'ListShards'>): Out<'ListShards'> {
  let after = input.ExclusiveStartShardId;
  let stream: Stream;
  if (input.NextToken !== undefined) {
    if (input.StreamName !== undefined || input.StreamARN !== undefined) {
      throw invalidArgument('NextToken and StreamName cannot be provided together.');
    }
    if (input.ExclusiveStartShardId !== undefined || input.StreamCreationTimestamp !== undefined || input.ShardFilter !== undefined) {
      throw invalidArgument('NextToken cannot be provided together with ExclusiveStartShardId, StreamCreationTimestamp or ShardFilter.');
    }
    const pos = decodeToken('ListShards', input.NextToken);
    if (!pos || pos.k === undefined) throw badToken();
    const [name, created, last, issued, filter] = JSON.parse(pos.k) as [string, number, string, number, unknown];
    if (clock.now() - issued > LIST_SHARDS_TOKEN_MS) {
      throw new ServiceError('ExpiredNextTokenException', 'The timestamp of the last ListShard call is more than 5 minutes old. Please call ListShards again to get a fresh NextToken.', 400);
    }
    const s = st(ctx).live.get(name);
    if (!s || s.rec.created !== created) throw streamNotFound(name, ctx.accountId);
    stream = s;
    after = last;
    input = { ...input, ShardFilter: filter as In<'ListShards'>['ShardFilter'] };
  } else {
    stream = findStream(ctx, input);
    if (input.StreamCreationTimestamp !== undefined && toMs(input.StreamCreationTimestamp) !== stream.rec.created
      && Math.floor(toMs(input.StreamCreationTimestamp) / 1000) !== Math.floor(stream.rec.created / 1000)) {
      throw streamNotFound(stream.name, ctx.accountId);
    }
  }
  let shards = filterShards(stream, input.ShardFilter);
  if (after !== undefined) shards = shards.filter((sh) => sh.id > after!);
  // Default 1000, and never more (API reference, ListShards: MaxResults).
  const limit = Math.min(input.MaxResults ?? 1000, 1000);
  const pageOf = shards.slice(0, limit);
  const out: Out<'ListShards'> = { Shards: pageOf.map((sh) => shardOut(stream, sh)) };
  if (shards.length > limit) {
    out.NextToken = encodeToken('ListShards', {
      k: JSON.stringify([stream.name, stream.rec.created, pageOf[pageOf.length - 1].id, clock.now(), input.ShardFilter ?? null]),
    });
  }
  return out;
}

/** ListShards' ShardFilter types (API reference, ShardFilter). */
function filterShards(stream: Stream, f: In<'ListShards'>['ShardFilter']): Shard[] {
  const all = stream.ordered();
  if (!f) return all;
  const ts = f.Timestamp !== undefined ? toMs(f.Timestamp) : undefined;
  switch (f.Type) {
    case 'AFTER_SHARD_ID':
      if (f.ShardId === undefined) throw invalidArgument('ShardId is required for the AFTER_SHARD_ID ShardFilter type.');
      return all.filter((sh) => sh.id > f.ShardId!);
    case 'AT_TRIM_HORIZON':
      // The shards open at the trim horizon: those whose parents are gone (or that have none).
      return all.filter((sh) => (sh.rec.p === undefined || !stream.shards.has(sh.rec.p)) && (sh.rec.a === undefined || !stream.shards.has(sh.rec.a)));
    case 'FROM_TRIM_HORIZON':
      return all;
    case 'AT_LATEST':
      return all.filter((sh) => sh.open);
    case 'AT_TIMESTAMP':
    case 'FROM_TIMESTAMP': {
      if (ts === undefined) throw invalidArgument(`Timestamp is required for the ${f.Type} ShardFilter type.`);
      // AT_TIMESTAMP: started at or before it and open then; FROM_TIMESTAMP: open at or after it.
      if (f.Type === 'AT_TIMESTAMP') return all.filter((sh) => sh.rec.t0 <= ts && (sh.rec.t1 === undefined || sh.rec.t1 >= ts));
      return all.filter((sh) => sh.rec.t1 === undefined || sh.rec.t1 >= ts);
    }
    default:
      throw invalidArgument(`Invalid ShardFilter type ${f.Type}.`);
  }
}

// ---- settings ----------------------------------------------------------------------------

export function updateStreamMode(ctx: RequestContext, input: In<'UpdateStreamMode'>): Out<'UpdateStreamMode'> {
  const stream = activeStream(ctx, { StreamARN: input.StreamARN });
  const mode = input.StreamModeDetails.StreamMode as StreamRec['mode'];
  if (mode !== 'ON_DEMAND' && mode !== 'PROVISIONED') throw invalidArgument(`Invalid StreamMode ${mode}.`);
  if (mode === stream.rec.mode) throw invalidArgument(`Stream ${stream.name} under account ${ctx.accountId} is already in ${mode} mode.`);
  stream.rec.mode = mode;
  stream.rec.updatingUntil = clock.now() + UPDATE_DELAY_MS;
  st(ctx).streams.touch(stream.name);
  return undefined;
}

/** Streams take records up to 10 MiB once raised ("Handle large records", Developer Guide); the model bounds 1024..10240 KiB. */
export function updateMaxRecordSize(ctx: RequestContext, input: In<'UpdateMaxRecordSize'>): Out<'UpdateMaxRecordSize'> {
  const stream = activeStream(ctx, { StreamARN: input.StreamARN });
  stream.rec.maxRecordKiB = input.MaxRecordSizeInKiB;
  stream.rec.updatingUntil = clock.now() + UPDATE_DELAY_MS;
  st(ctx).streams.touch(stream.name);
  return undefined;
}

/**
 * The KMS key must exist and be usable: Kinesis reports KMS's answer as its own KMS* errors
 * (API reference, StartStreamEncryption: KMSNotFoundException, KMSDisabledException,
 * KMSInvalidStateException). AWS managed aliases (alias/aws/kinesis) resolve as in KMS.
 */
async function checkKey(ctx: RequestContext, keyId: string): Promise<void> {
  let state: string;
  try {
    const out = await callService<{ KeyMetadata: { KeyState: string } }>(ctx, 'kms', 'DescribeKey', { KeyId: keyId });
    state = out.KeyMetadata.KeyState;
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'NotFoundException') throw new ServiceError('KMSNotFoundException', e.message, 400);
    if (e instanceof ServiceError && e.code === 'InvalidArnException') throw invalidArgument(e.message);
    throw e;
  }
  if (state === 'Disabled') throw new ServiceError('KMSDisabledException', `KMS key ${keyId} is disabled.`, 400);
  if (state !== 'Enabled') throw new ServiceError('KMSInvalidStateException', `KMS key ${keyId} is in state ${state}, not Enabled.`, 400);
}

export async function startStreamEncryption(ctx: RequestContext, input: In<'StartStreamEncryption'>): Promise<Out<'StartStreamEncryption'>> {
  activeStream(ctx, input);
  if (input.EncryptionType !== 'KMS') throw invalidArgument(`Invalid EncryptionType ${input.EncryptionType}. Only KMS is supported.`);
  await checkKey(ctx, input.KeyId);
  const stream = activeStream(ctx, input); // again: the stream may have changed meanwhile
  stream.rec.encryption = 'KMS';
  stream.rec.keyId = input.KeyId;
  stream.rec.updatingUntil = clock.now() + UPDATE_DELAY_MS;
  st(ctx).streams.touch(stream.name);
  return undefined;
}

export function stopStreamEncryption(ctx: RequestContext, input: In<'StopStreamEncryption'>): Out<'StopStreamEncryption'> {
  const stream = activeStream(ctx, input);
  if (input.EncryptionType !== 'KMS') throw invalidArgument(`Invalid EncryptionType ${input.EncryptionType}. Only KMS is supported.`);
  stream.rec.encryption = 'NONE';
  delete stream.rec.keyId;
  stream.rec.updatingUntil = clock.now() + UPDATE_DELAY_MS;
  st(ctx).streams.touch(stream.name);
  return undefined;
}

const ALL_METRICS = ['IncomingBytes', 'IncomingRecords', 'OutgoingBytes', 'OutgoingRecords', 'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded', 'IteratorAgeMilliseconds'];

function setMetrics(ctx: RequestContext, input: In<'EnableEnhancedMonitoring'>, enable: boolean): Out<'EnableEnhancedMonitoring'> {
  const stream = activeStream(ctx, input);
  const asked = input.ShardLevelMetrics.includes('ALL') ? ALL_METRICS : input.ShardLevelMetrics;
  const current = [...stream.rec.metrics];
  const next = new Set(current);
  for (const m of asked) if (enable) next.add(m); else next.delete(m);
  stream.rec.metrics = ALL_METRICS.filter((m) => next.has(m));
  st(ctx).streams.touch(stream.name);
  return { StreamName: stream.name, StreamARN: stream.rec.arn, CurrentShardLevelMetrics: current, DesiredShardLevelMetrics: [...stream.rec.metrics] };
}

export const enableEnhancedMonitoring = (ctx: RequestContext, input: In<'EnableEnhancedMonitoring'>) => setMetrics(ctx, input, true);
export const disableEnhancedMonitoring = (ctx: RequestContext, input: In<'DisableEnhancedMonitoring'>) => setMetrics(ctx, input, false);

export function describeLimits(ctx: RequestContext): Out<'DescribeLimits'> {
  let onDemand = 0;
  for (const s of st(ctx).live.values()) if (s.rec.mode === 'ON_DEMAND') onDemand++;
  return { ShardLimit: SHARD_LIMIT, OpenShardCount: openShardCount(ctx), OnDemandStreamCount: onDemand, OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT };
}
