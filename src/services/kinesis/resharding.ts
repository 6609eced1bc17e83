// Resharding: SplitShard, MergeShards and UpdateShardCount. A parent shard closes (its
// EndingSequenceNumber set, its records kept until retention) and children open with
// ParentShardId / AdjacentParentShardId; the stream is UPDATING for a moment on the clock.
// UpdateShardCount is done the way AWS describes it, as splits and merges (creating temporary
// shards), so every shard's lineage stays exact and readers finish parents before children.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, UPDATE_DELAY_MS, activeStream, evenRanges, invalidArgument, st } from './common.js';
import { Shard, type ShardRec, type Stream } from './state.js';
import { shardOf } from './records.js';
import { checkShardLimit } from './streams.js';
import { armTrim } from './retention.js';

function closeShard(s: Stream, sh: Shard, t: number): void {
  sh.rec.e = s.ctr;
  sh.rec.t1 = t;
  for (const l of [...sh.listeners]) l();
}

function openShard(s: Stream, lo: bigint, hi: bigint, t: number, p: number, a?: number): Shard {
  const rec: ShardRec = { i: s.rec.nextShard++, p, ...(a !== undefined ? { a } : {}), lo: String(lo), hi: String(hi), s: s.ctr, t0: t };
  s.rec.shards.push(rec);
  const sh = new Shard(rec);
  s.shards.set(rec.i, sh);
  return sh;
}

/** Splits an open shard at `at` (the second child starts there). */
function split(s: Stream, sh: Shard, at: bigint, t: number): [Shard, Shard] {
  s.ctr++;
  closeShard(s, sh, t);
  s.ctr++;
  return [openShard(s, sh.lo, at - 1n, t, sh.rec.i), openShard(s, at, sh.hi, t, sh.rec.i)];
}

/** Merges two open shards with adjacent hash key ranges. */
function merge(s: Stream, a: Shard, b: Shard, t: number): Shard {
  s.ctr++;
  closeShard(s, a, t);
  closeShard(s, b, t);
  s.ctr++;
  return openShard(s, a.lo < b.lo ? a.lo : b.lo, a.hi > b.hi ? a.hi : b.hi, t, a.rec.i, b.rec.i);
}

function finish(ctx: RequestContext, s: Stream, t: number): void {
  s.reindex();
  s.rec.ctr = s.ctr;
  s.rec.updatingUntil = t + UPDATE_DELAY_MS;
  const state = st(ctx);
  state.streams.touch(s.name);
  armTrim(state, s);
}

const notEligible = (ctx: RequestContext, s: Stream, sh: Shard, what: string) =>
  invalidArgument(`Shard ${sh.id} in stream ${s.name} under account ${ctx.accountId} has already been merged or split, and thus is not eligible for ${what}`);

export function splitShard(ctx: RequestContext, input: In<'SplitShard'>): Out<'SplitShard'> {
  const s = activeStream(ctx, input);
  const sh = shardOf(ctx, s, input.ShardToSplit);
  if (!sh.open) throw notEligible(ctx, s, sh, 'splitting');
  const at = BigInt(input.NewStartingHashKey);
  // AWS's bound, as its message words it: above StartingHashKey + 1 and below EndingHashKey.
  if (at <= sh.lo + 1n || at >= sh.hi) {
    throw invalidArgument(`NewStartingHashKey ${input.NewStartingHashKey} used in SplitShard() on shard ${sh.id} in stream ${s.name} under account ${ctx.accountId} is not both greater than one plus the shard's StartingHashKey ${sh.rec.lo} and less than the shard's EndingHashKey ${sh.rec.hi}.`);
  }
  checkShardLimit(ctx, 1);
  const t = clock.now();
  split(s, sh, at, t);
  finish(ctx, s, t);
  return undefined;
}

export function mergeShards(ctx: RequestContext, input: In<'MergeShards'>): Out<'MergeShards'> {
  const s = activeStream(ctx, input);
  const a = shardOf(ctx, s, input.ShardToMerge);
  const b = shardOf(ctx, s, input.AdjacentShardToMerge);
  if (!a.open) throw notEligible(ctx, s, a, 'merging');
  if (!b.open) throw notEligible(ctx, s, b, 'merging');
  if (a === b || (a.hi + 1n !== b.lo && b.hi + 1n !== a.lo)) {
    throw invalidArgument(`Shards ${a.id} and ${b.id} in stream ${s.name} under account ${ctx.accountId} are not an adjacent pair of shards eligible for merging`);
  }
  const t = clock.now();
  merge(s, a, b, t);
  finish(ctx, s, t);
  return undefined;
}

export function updateShardCount(ctx: RequestContext, input: In<'UpdateShardCount'>): Out<'UpdateShardCount'> {
  const s = activeStream(ctx, input);
  if (input.ScalingType !== 'UNIFORM_SCALING') throw invalidArgument(`Invalid ScalingType ${input.ScalingType}.`);
  if (s.rec.mode === 'ON_DEMAND') {
    throw invalidArgument(`UpdateShardCount is not supported for stream ${s.name} under account ${ctx.accountId} in ON_DEMAND mode.`);
  }
  const current = s.open.length;
  const target = input.TargetShardCount;
  // At most double, at least half the open shards in one call: the API reference lists these
  // among UpdateShardCount's default limits, so breaking them is LimitExceededException.
  if (target > current * 2) {
    throw new ServiceError('LimitExceededException', `UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: ${current} Target shard count: ${target}`, 400);
  }
  if (target * 2 < current) {
    throw new ServiceError('LimitExceededException', `UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: ${current} Target shard count: ${target}`, 400);
  }
  if (target > current) checkShardLimit(ctx, target - current);
  const t = clock.now();
  if (target !== current) {
    const ranges = evenRanges(target);
    // 1. split open shards at each new boundary that falls inside one
    for (const [lo] of ranges.slice(1)) {
      const sh = s.open.find((x) => x.lo < lo && lo <= x.hi);
      if (sh) { split(s, sh, lo, t); s.reindex(); }
    }
    // 2. merge, left to right, the shards that now make up each new range
    for (const [lo, hi] of ranges) {
      let parts = s.open.filter((x) => x.lo >= lo && x.hi <= hi);
      while (parts.length > 1) {
        const m = merge(s, parts[0], parts[1], t);
        s.reindex();
        parts = [m, ...parts.slice(2)];
      }
    }
  }
  finish(ctx, s, t);
  return { StreamName: s.name, StreamARN: s.rec.arn, CurrentShardCount: current, TargetShardCount: target };
}
