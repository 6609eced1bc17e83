// The stream poller of an event source mapping, shared by DynamoDB Streams (esm-ddb.ts) and
// Kinesis (esm-kinesis.ts): each source is an adapter that lists shards, hands out iterators
// and reads records already shaped as the Lambda event's records. What the poller does is what
// the Lambda developer guide describes for both ("Using AWS Lambda with Amazon DynamoDB",
// docs.aws.amazon.com/lambda/latest/dg/with-ddb.html; "Using AWS Lambda with Amazon Kinesis",
// docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html and services-kinesis-errors.html):
// - each shard is polled four times a second; records are processed in order, one batch at a
//   time per shard (ParallelizationFactor > 1: that many batches at once, records of one
//   partition key always in the same one, so their order holds);
// - a parent shard is read to its end before its children (both parents after a merge);
// - a failed batch is retried (MaximumRetryAttempts, -1 = until the record expires), optionally
//   split in two (BisectBatchOnFunctionError; splitting does not count as a retry); records
//   older than MaximumRecordAgeInSeconds are skipped; a batch given up on is described to the
//   OnFailure destination with the source's batch info (DDBStreamBatchInfo / KinesisBatchInfo);
// - with ReportBatchItemFailures the function names failed records by sequence number and
//   processing resumes from the lowest one;
// - TumblingWindowInSeconds: records are grouped by arrival into windows aligned to the window
//   length; each invocation gets the state the previous one returned (a response without
//   state is a failure), and the window's end brings a final invocation
//   (isFinalInvokeForWindow), retried until it succeeds; the position moves only then
//   ("Stateful processing", services-kinesis-windows.html / services-ddb-windows.html).
// Positions (the last sequence number processed per shard) are kept in the mapping's
// checkpoints so a restart resumes where it stopped.
import { clock } from '../../core/clock-instance.js';
import type { Timer } from '../../core/clock.js';
import { callService, serviceContext } from '../../core/internal-client.js';
import { ServiceError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import type { RequestContext } from '../service.js';
import { st } from './common.js';
import { deliver } from './destinations.js';
import type { EsmRec } from './state.js';
import { currentMapping, mappingFunctionArn, noteResult } from './esm.js';
import { matchesFilters, type FilterSource } from './filters.js';
import { batchItemFailures } from './esm-sqs.js';

const POLL_MS = 250;
const RETRY_BACKOFF_MS = 1000;

export interface SourceShard { ShardId: string; ParentShardId?: string; AdjacentParentShardId?: string }

/** A record as the poller handles it: its position, age, key, and the event record the function gets. */
export interface PolledRecord {
  seq: string;
  arrivalMs: number;
  /** Records with the same key stay in order across concurrent batches (ParallelizationFactor). */
  key: string;
  event: Record<string, unknown>;
}

export type StartPosition = { type: 'TRIM_HORIZON' | 'LATEST' } | { type: 'AT_TIMESTAMP'; timestamp: number }
  | { type: 'AFTER_SEQUENCE_NUMBER'; seq: string };

/** What differs between the stream services. */
export interface StreamSource {
  /** The stream the records come from (the batch info's streamArn). */
  readonly streamArn: string;
  readonly filterKind: FilterSource;
  shards(): Promise<SourceShard[]>;
  iterator(shardId: string, at: StartPosition): Promise<string | undefined>;
  /** One read; `next` undefined when the shard is closed and read to its end. */
  read(shardId: string, iterator: string, limit: number): Promise<{ records: PolledRecord[]; next?: string }>;
  /** The record a batch given up on is described by, besides requestContext/responseContext. */
  batchInfo(shardId: string, batch: PolledRecord[]): Record<string, unknown>;
  /** The largest read the source allows. */
  readonly maxRead: number;
}

/** An open tumbling window of a shard: its bounds, the state the function returned, the position to commit at its end. */
interface Window { start: number; end: number; state: unknown; last?: string }

interface ShardState { iterator?: string; finished: boolean; pending: PolledRecord[]; firstAt?: number; initial: boolean; window?: Window; busy: boolean }

/** Timestamps in batch info: ISO-8601 (DynamoDB's without milliseconds). */
export const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** A stable small hash of a partition key, to pick its concurrent batch. */
function lane(key: string, lanes: number): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % lanes;
}

export class StreamPoller {
  private stopped = false;
  private readonly timers = new Set<Timer>();
  private listing = false;
  private readonly shardStates = new Map<string, ShardState>();

  constructor(private readonly rec: EsmRec, private readonly source: StreamSource) {
    this.schedule(0);
  }

  stop(): void { this.stopped = true; for (const t of this.timers) t.cancel(); this.timers.clear(); }

  private schedule(ms: number): void {
    if (this.stopped) return;
    const t = clock.after(ms, () => { this.timers.delete(t); void this.tick(); });
    this.timers.add(t);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((ok) => { const t = clock.after(ms, () => { this.timers.delete(t); ok(); }); this.timers.add(t); });
  }

  private ctx(op: string): RequestContext { return serviceContext('lambda', { accountId: this.rec.accountId, region: this.rec.region }, op); }

  private checkpointKey(shardId: string) { return `${this.rec.UUID}/${shardId}`; }
  private checkpoint(shardId: string): string | undefined { return st(this.rec).checkpoints.get(this.checkpointKey(shardId)); }
  private setCheckpoint(shardId: string, seq: string): void {
    if (this.stopped || !currentMapping(this.rec)) return;
    st(this.rec).checkpoints.set(this.checkpointKey(shardId), seq);
  }

  /** Lists the shards and sets each ready one polling; a shard busy with a batch (or its retries) holds up no other. */
  private async tick(): Promise<void> {
    if (this.stopped || this.listing) return;
    this.listing = true;
    try {
      const shards = await this.source.shards();
      const ids = new Set(shards.map((s) => s.ShardId));
      const firstTime = this.shardStates.size === 0;
      // Shards trimmed away (past retention) are forgotten.
      for (const id of this.shardStates.keys()) if (!ids.has(id)) this.shardStates.delete(id);
      for (const sh of shards) {
        if (this.stopped) return;
        let state = this.shardStates.get(sh.ShardId);
        if (!state) { state = { finished: false, pending: [], initial: firstTime, busy: false }; this.shardStates.set(sh.ShardId, state); }
        if (state.finished || state.busy) continue;
        // A child waits for its parents (both, after a merge) to be read to the end.
        if ([sh.ParentShardId, sh.AdjacentParentShardId].some((p) => p && ids.has(p) && !this.shardStates.get(p)?.finished)) continue;
        const s = state;
        s.busy = true;
        void this.pollShard(sh, s).catch((e) => this.failed(e)).finally(() => { s.busy = false; });
      }
    } catch (e) {
      this.failed(e);
    } finally {
      this.listing = false;
      this.schedule(POLL_MS);
    }
  }

  private failed(e: unknown): void {
    if (!this.stopped) log.debug(`lambda: event source mapping ${this.rec.UUID}: ${e instanceof ServiceError ? e.code : ''} ${(e as Error).message}`);
  }

  private async iterator(sh: SourceShard, state: ShardState): Promise<string | undefined> {
    const cp = this.checkpoint(sh.ShardId);
    if (cp) return this.source.iterator(sh.ShardId, { type: 'AFTER_SEQUENCE_NUMBER', seq: cp });
    // The starting position applies to the shards there when the mapping started; later
    // shards (children of a reshard) are read whole.
    const start = this.rec.config.StartingPosition;
    if (state.initial && start === 'LATEST') return this.source.iterator(sh.ShardId, { type: 'LATEST' });
    if (state.initial && start === 'AT_TIMESTAMP') {
      const ts = this.rec.config.StartingPositionTimestamp;
      return this.source.iterator(sh.ShardId, { type: 'AT_TIMESTAMP', timestamp: ts instanceof Date ? ts.getTime() : typeof ts === 'number' ? ts * 1000 : Date.parse(String(ts)) });
    }
    return this.source.iterator(sh.ShardId, { type: 'TRIM_HORIZON' });
  }

  private async pollShard(sh: SourceShard, state: ShardState): Promise<void> {
    const batchSize = Number(this.rec.config.BatchSize ?? 100);
    const windowMs = Number(this.rec.config.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    if (state.iterator === undefined) {
      state.iterator = await this.iterator(sh, state);
      if (state.iterator === undefined) { state.finished = true; return; }
    }
    let r: { records: PolledRecord[]; next?: string };
    try {
      r = await this.source.read(sh.ShardId, state.iterator, Math.min(this.source.maxRead, Math.max(1, batchSize - state.pending.length)));
    } catch (e) {
      if (e instanceof ServiceError && (e.code === 'ExpiredIteratorException' || e.code === 'TrimmedDataAccessException')) { state.iterator = undefined; state.pending = []; return; }
      throw e;
    }
    if (r.records.length && !state.pending.length) state.firstAt = clock.now();
    state.pending.push(...r.records);
    const closed = !r.next;
    state.iterator = r.next;
    // Wait for more within the batching window unless the batch is full or the shard ended.
    const ready = state.pending.length >= batchSize || closed || clock.now() - (state.firstAt ?? 0) >= windowMs;
    const tumbling = Number(this.rec.config.TumblingWindowInSeconds ?? 0) * 1000;
    if (state.pending.length && ready) {
      const batch = state.pending.splice(0, batchSize);
      if (tumbling > 0) await this.processWindowed(sh.ShardId, state, batch, tumbling);
      else await this.processConcurrently(sh.ShardId, batch);
      if (state.pending.length) return; // the rest waits for the next turn
    }
    if (state.window && (clock.now() >= state.window.end || closed && !state.pending.length)) await this.closeWindow(sh.ShardId, state);
    if (closed && !state.pending.length && !state.window) state.finished = true;
  }

  /** ParallelizationFactor: the batch split by partition key into concurrent batches, the shard's position moved once all are done. */
  private async processConcurrently(shardId: string, batch: PolledRecord[]): Promise<void> {
    const factor = Math.max(1, Number(this.rec.config.ParallelizationFactor ?? 1));
    if (factor === 1) { await this.process(shardId, batch, (seq) => this.setCheckpoint(shardId, seq)); return; }
    const lanes = new Map<number, PolledRecord[]>();
    for (const x of batch) { const l = lane(x.key, factor); lanes.set(l, [...(lanes.get(l) ?? []), x]); }
    await Promise.all([...lanes.values()].map((b) => this.process(shardId, b, () => {})));
    if (!this.stopped) this.setCheckpoint(shardId, batch.at(-1)!.seq);
  }

  /** Tumbling windows: each record goes to the window its arrival falls in; a later window closes the current one first. */
  private async processWindowed(shardId: string, state: ShardState, batch: PolledRecord[], length: number): Promise<void> {
    while (!this.stopped && batch.length) {
      const start = Math.floor(batch[0].arrivalMs / length) * length;
      if (state.window && state.window.start !== start) {
        await this.closeWindow(shardId, state);
        if (this.stopped) return;
      }
      const win = state.window ??= { start, end: start + length, state: {} };
      let n = 1;
      while (n < batch.length && Math.floor(batch[n].arrivalMs / length) * length === start) n++;
      await this.process(shardId, batch.slice(0, n), (seq) => { win.last = seq; }, 0, win);
      batch = batch.slice(n);
    }
  }

  private windowEvent(shardId: string, records: PolledRecord[], win: Window, final: boolean) {
    return { Records: records.map((x) => x.event), shardId, eventSourceARN: this.source.streamArn,
      window: { start: isoSeconds(win.start), end: isoSeconds(win.end) }, state: win.state ?? {}, isFinalInvokeForWindow: final, isWindowTerminatedEarly: false };
  }

  /** The window's final invocation, retried until it succeeds; then the shard's position moves past the window. */
  private async closeWindow(shardId: string, state: ShardState): Promise<void> {
    const win = state.window!;
    while (!this.stopped) {
      const r = await this.invoke(this.windowEvent(shardId, [], win, true));
      if (this.stopped) return;
      if (!r.FunctionError) break;
      noteResult(this.rec, 'PROBLEM: Function call failed');
      await this.sleep(RETRY_BACKOFF_MS);
    }
    if (this.stopped) return;
    if (win.last) this.setCheckpoint(shardId, win.last);
    state.window = undefined;
  }

  private invoke(payload: unknown): Promise<{ FunctionError?: string; Payload?: Buffer; ExecutedVersion?: string }> {
    return callService<{ FunctionError?: string; Payload?: Buffer; ExecutedVersion?: string }>(this.ctx('Invoke'), 'lambda', 'Invoke', {
      FunctionName: mappingFunctionArn(this.rec), InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payload)),
    }).catch((e) => ({ FunctionError: 'Unhandled', Payload: Buffer.from(JSON.stringify({ errorMessage: (e as Error).message })), ExecutedVersion: '$LATEST' }));
  }

  /** Runs one batch to completion: success, skipped, or given up on (then reported). */
  private async process(shardId: string, batch: PolledRecord[], commit: (seq: string) => void, retries = 0, win?: Window): Promise<void> {
    const cfg = this.rec.config;
    const maxRetries = Number(cfg.MaximumRetryAttempts ?? -1);
    const maxAgeMs = Number(cfg.MaximumRecordAgeInSeconds ?? -1) * 1000;
    const filters = (cfg.FilterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters;
    let attempts = 0;
    while (!this.stopped && batch.length) {
      if (maxAgeMs >= 0) {
        const fresh = batch.filter((x) => clock.now() - x.arrivalMs <= maxAgeMs);
        if (fresh.length < batch.length) {
          await this.giveUp(shardId, batch.filter((x) => !fresh.includes(x)), 'RecordAgeExceeded', attempts, commit);
          batch = fresh;
          if (!batch.length) return;
        }
      }
      let invokeBatch = batch;
      if (filters?.length) {
        // Records that match no filter are skipped (AWS: not sent, the position moves past them).
        invokeBatch = batch.filter((x) => matchesFilters(filters, x.event, this.source.filterKind));
        if (!invokeBatch.length) { commit(batch.at(-1)!.seq); return; }
      }
      attempts++;
      const r = await this.invoke(win ? this.windowEvent(shardId, invokeBatch, win, false) : { Records: invokeBatch.map((x) => x.event) });
      if (this.stopped) return;
      let failedFrom = -1; // index in batch of the first record to redo
      // In a tumbling window the response must carry the state: without it the invocation failed.
      const windowState = win && !r.FunctionError ? responseState(r.Payload) : undefined;
      if (win && !r.FunctionError && windowState === undefined) r.FunctionError = 'Unhandled';
      else if (win && windowState !== undefined) win.state = windowState;
      if (!r.FunctionError) {
        if ((cfg.FunctionResponseTypes as string[] | undefined)?.includes('ReportBatchItemFailures')) {
          const failed = batchItemFailures(r.Payload, new Set(invokeBatch.map((x) => x.seq)));
          if (failed === 'all') failedFrom = 0;
          else if (failed.size) failedFrom = batch.findIndex((x) => failed.has(x.seq));
        }
        if (failedFrom < 0) {
          commit(batch.at(-1)!.seq);
          noteResult(this.rec, 'OK');
          return;
        }
        // Resume from the lowest failed record: what came before it is done.
        if (failedFrom > 0) commit(batch[failedFrom - 1].seq);
        batch = batch.slice(failedFrom);
      } else {
        noteResult(this.rec, 'PROBLEM: Function call failed');
        if (cfg.BisectBatchOnFunctionError && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          await this.process(shardId, batch.slice(0, half), commit, retries + attempts, win);
          await this.process(shardId, batch.slice(half), commit, retries + attempts, win);
          return;
        }
      }
      if (maxRetries >= 0 && retries + attempts > maxRetries) {
        await this.giveUp(shardId, batch, 'RetryAttemptsExhausted', retries + attempts, commit, r);
        return;
      }
      await this.sleep(RETRY_BACKOFF_MS);
    }
  }

  private async giveUp(shardId: string, batch: PolledRecord[], condition: string, invokeCount: number, commit: (seq: string) => void,
    r?: { FunctionError?: string; ExecutedVersion?: string }): Promise<void> {
    commit(batch.at(-1)!.seq);
    const dest = (this.rec.config.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure?.Destination;
    if (!dest) return;
    const functionArn = mappingFunctionArn(this.rec);
    const requestId = serviceContext('lambda', this.rec).requestId;
    // The record AWS sends to an on-failure destination of a stream mapping ("Retaining
    // discarded batches", with-ddb.html / kinesis-on-failure-destination.html).
    const record: Record<string, unknown> = {
      requestContext: { requestId, functionArn, condition, approximateInvokeCount: invokeCount },
      ...(r ? { responseContext: { statusCode: 200, executedVersion: r.ExecutedVersion ?? '$LATEST', functionError: r.FunctionError ?? 'Unhandled' } } : {}),
      version: '1.0',
      timestamp: clock.date().toISOString(),
      ...this.source.batchInfo(shardId, batch),
    };
    // An S3 destination also gets the invocation's payload (kinesis-on-failure-destination.html).
    if (/^arn:aws[a-zA-Z-]*:s3:/.test(dest)) record.payload = JSON.stringify({ Records: batch.map((x) => x.event) });
    await deliver(dest, record, { functionArn, success: false, s3Key: () => this.s3Key(shardId) });
  }

  /** aws/lambda/<mapping UUID>/<shard>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>, the key AWS documents for S3 on-failure records. */
  private s3Key(shardId: string): string {
    const d = clock.date().toISOString();
    const [date, time] = [d.slice(0, 10), d.slice(11, 19).replace(/:/g, '.')];
    return `aws/lambda/${this.rec.UUID}/${shardId}/${date.replace(/-/g, '/')}/${date}T${time}-${serviceContext('lambda', this.rec).requestId}`;
  }
}

/** The state a tumbling-window invocation returned, or undefined when it returned none. */
function responseState(payload: Uint8Array | undefined): unknown {
  try {
    const body = JSON.parse(Buffer.from(payload ?? []).toString('utf8'));
    return body && typeof body === 'object' && body.state !== undefined && body.state !== null ? body.state : undefined;
  } catch { return undefined; }
}

/** Pages a list call through its continuation token. */
export async function allPages<T>(first: () => Promise<{ items: T[]; next?: string }>, more: (token: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  let r = await first();
  const out = [...r.items];
  for (let i = 0; r.next && i < 1000; i++) { r = await more(r.next); out.push(...r.items); }
  return out;
}

/** Calls another service as the mapping's poller. */
export function pollerCall<T>(rec: EsmRec, service: string, op: string, input: Record<string, unknown>, scope: { accountId: string; region: string }): Promise<T> {
  return callService<T>(serviceContext('lambda', { accountId: rec.accountId, region: rec.region }, 'Poll'), service, op, input, scope);
}
