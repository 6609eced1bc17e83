// Retention: records older than the stream's retention period disappear on the virtual clock
// (so TRIM_HORIZON moves), and a closed shard goes once its last record could have expired.
// One clock timer per stream, set at the next moment something expires.
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, activeStream, invalidArgument, st } from './common.js';
import { onRebuild, recordKey, type KinesisState, type Stream } from './state.js';

const HOUR = 3_600_000;
export const MIN_RETENTION_H = 24;
export const MAX_RETENTION_H = 8760;

export const retentionMs = (s: Stream): number => s.rec.retentionH * HOUR;

/** Drops what expired and sets the timer for the next expiry. */
export function trimStream(state: KinesisState, s: Stream): void {
  s.trimTimer?.cancel();
  s.trimTimer = undefined;
  if (state.live.get(s.name) !== s) return;
  const cutoff = clock.now() - retentionMs(s);
  let next = Infinity;
  let shardsGone = false;
  let trimmed = false;
  for (const sh of [...s.shards.values()]) {
    const gone = sh.trim(cutoff);
    if (gone.length) trimmed = true;
    for (const r of gone) state.records.delete(recordKey(r));
    if (!sh.open && sh.size === 0 && sh.rec.t1! <= cutoff) {
      s.shards.delete(sh.rec.i);
      s.rec.shards = s.rec.shards.filter((x) => x.i !== sh.rec.i);
      shardsGone = true;
      continue;
    }
    if (sh.size) next = Math.min(next, sh.recs[sh.head].t + retentionMs(s));
    if (!sh.open) next = Math.min(next, sh.rec.t1! + retentionMs(s));
  }
  // The counter is kept with the stream so sequence numbers never repeat once records are gone.
  if (trimmed || shardsGone) {
    if (s.ctr > s.rec.ctr) s.rec.ctr = s.ctr;
    state.streams.touch(s.name);
  }
  if (next !== Infinity) s.trimTimer = clock.schedule(next + 1, () => trimStream(state, s));
}

/** After an append: makes sure a timer is waiting for the oldest record. */
export function armTrim(state: KinesisState, s: Stream): void {
  if (!s.trimTimer) trimStream(state, s);
}

/** Deletes every record of a stream from the journal (DeleteStream). */
export function dropStreamRecords(state: KinesisState, s: Stream): void {
  for (const sh of s.shards.values()) {
    for (let i = sh.head; i < sh.recs.length; i++) state.records.delete(recordKey(sh.recs[i]));
    sh.recs = []; sh.head = 0;
  }
}

onRebuild((state) => { for (const s of state.live.values()) trimStream(state, s); });

// Retention limits and wording: API reference, IncreaseStreamRetentionPeriod and
// DecreaseStreamRetentionPeriod (24 to 8760 hours; each only moves one way).
function checkRange(h: number): void {
  if (h < MIN_RETENTION_H) throw invalidArgument(`Minimum allowed retention period is ${MIN_RETENTION_H} hours. Requested retention period (${h} hours) is too short.`);
  if (h > MAX_RETENTION_H) throw invalidArgument(`Maximum allowed retention period is ${MAX_RETENTION_H} hours. Requested retention period (${h} hours) is too long.`);
}

export function increaseStreamRetentionPeriod(ctx: RequestContext, input: In<'IncreaseStreamRetentionPeriod'>): Out<'IncreaseStreamRetentionPeriod'> {
  const s = activeStream(ctx, input);
  const h = input.RetentionPeriodHours;
  checkRange(h);
  if (h < s.rec.retentionH) {
    throw invalidArgument(`Requested retention period (${h} hours) for stream ${s.name} can not be shorter than existing retention period (${s.rec.retentionH} hours). Use DecreaseRetentionPeriod API.`);
  }
  s.rec.retentionH = h;
  st(ctx).streams.touch(s.name);
  trimStream(st(ctx), s);
  return undefined;
}

export function decreaseStreamRetentionPeriod(ctx: RequestContext, input: In<'DecreaseStreamRetentionPeriod'>): Out<'DecreaseStreamRetentionPeriod'> {
  const s = activeStream(ctx, input);
  const h = input.RetentionPeriodHours;
  checkRange(h);
  if (h > s.rec.retentionH) {
    throw invalidArgument(`Requested retention period (${h} hours) for stream ${s.name} can not be longer than existing retention period (${s.rec.retentionH} hours). Use IncreaseRetentionPeriod API.`);
  }
  s.rec.retentionH = h;
  st(ctx).streams.touch(s.name);
  trimStream(st(ctx), s);
  return undefined;
}
