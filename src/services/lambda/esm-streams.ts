// The DynamoDB Streams poller of an event source mapping, written against the documented
// DynamoDB Streams API (DescribeStream, GetShardIterator, GetRecords) through the in-process
// client. As AWS describes it ("Using AWS Lambda with Amazon DynamoDB",
// docs.aws.amazon.com/lambda/latest/dg/with-ddb.html): each shard is polled four times a
// second, records are processed in order one batch at a time per shard, a parent shard is
// finished before its children; a failed batch is retried (MaximumRetryAttempts, -1 =
// until the record expires), optionally split in two (BisectBatchOnFunctionError; splitting
// does not count as a retry), records older than MaximumRecordAgeInSeconds are skipped, and
// a batch given up on is described to the OnFailure destination (SQS/SNS) with its
// DDBStreamBatchInfo. With ReportBatchItemFailures, the function names failed records by
// sequence number and processing resumes from the lowest one.
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
import { matchesFilters } from './filters.js';
import { batchItemFailures } from './esm-sqs.js';

const POLL_MS = 250;
const RETRY_BACKOFF_MS = 1000;

interface Shard { ShardId: string; ParentShardId?: string; SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string } }
interface StreamRecord { eventID: string; eventName: string; eventVersion?: string; eventSource?: string; awsRegion?: string;
  dynamodb: { SequenceNumber: string; ApproximateCreationDateTime?: Date | number | string; [k: string]: unknown }; userIdentity?: unknown }

interface ShardState { iterator?: string; finished: boolean; pending: StreamRecord[]; firstAt?: number }

/** JSON as the Lambda event carries it: binary attribute values base64, timestamps in epoch seconds. */
const toEventJson = (v: unknown): unknown => {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return v.getTime() / 1000;
  if (Array.isArray(v)) return v.map(toEventJson);
  if (v && typeof v === 'object') {
    if (v instanceof Set) return [...v].map(toEventJson);
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = toEventJson(x);
    return o;
  }
  return v;
};

const arrivalMs = (r: StreamRecord): number => {
  const t = r.dynamodb.ApproximateCreationDateTime;
  return t instanceof Date ? t.getTime() : typeof t === 'number' ? (t < 1e12 ? t * 1000 : t) : typeof t === 'string' ? Date.parse(t) : clock.now();
};

export class StreamPoller {
  private stopped = false;
  private timer?: Timer;
  private busy = false;
  private readonly shards = new Map<string, ShardState>();
  private readonly streamArn: string;
  private readonly scope: { accountId: string; region: string };

  constructor(private readonly rec: EsmRec) {
    this.streamArn = String(rec.config.EventSourceArn);
    const [, , , region, accountId] = this.streamArn.split(':');
    this.scope = { accountId, region };
    this.schedule(0);
  }

  stop(): void { this.stopped = true; this.timer?.cancel(); }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = clock.after(ms, () => { void this.tick(); });
  }

  private ctx(op: string): RequestContext { return serviceContext('lambda', { accountId: this.rec.accountId, region: this.rec.region }, op); }
  private call<T>(op: string, input: Record<string, unknown>): Promise<T> {
    return callService<T>(this.ctx('Poll'), 'dynamodbstreams', op, input, this.scope);
  }

  private checkpointKey(shardId: string) { return `${this.rec.UUID}/${shardId}`; }
  private checkpoint(shardId: string): string | undefined { return st(this.rec).checkpoints.get(this.checkpointKey(shardId)); }
  private setCheckpoint(shardId: string, seq: string): void {
    if (this.stopped || !currentMapping(this.rec)) return;
    st(this.rec).checkpoints.set(this.checkpointKey(shardId), seq);
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.busy) return;
    this.busy = true;
    try {
      const d = await this.call<{ StreamDescription: { Shards?: Shard[] } }>('DescribeStream', { StreamArn: this.streamArn });
      const shards = d.StreamDescription.Shards ?? [];
      const ids = new Set(shards.map((s) => s.ShardId));
      const firstTime = this.shards.size === 0;
      for (const sh of shards) {
        if (this.stopped) return;
        let state = this.shards.get(sh.ShardId);
        if (!state) { state = { finished: false, pending: [] }; this.shards.set(sh.ShardId, state); (state as ShardState & { initial?: boolean }).initial = firstTime; }
        if (state.finished) continue;
        // A child waits for its parent to be read to the end.
        const parent = sh.ParentShardId && ids.has(sh.ParentShardId) ? this.shards.get(sh.ParentShardId) : undefined;
        if (sh.ParentShardId && ids.has(sh.ParentShardId) && !parent?.finished) continue;
        await this.pollShard(sh, state as ShardState & { initial?: boolean });
      }
    } catch (e) {
      if (!this.stopped) log.debug(`lambda: event source mapping ${this.rec.UUID}: ${e instanceof ServiceError ? e.code : ''} ${(e as Error).message}`);
    } finally {
      this.busy = false;
      this.schedule(POLL_MS);
    }
  }

  private async iterator(sh: Shard, state: ShardState & { initial?: boolean }): Promise<string | undefined> {
    const cp = this.checkpoint(sh.ShardId);
    // LATEST applies to the shards open when the mapping started; later shards are read whole.
    const type = cp ? 'AFTER_SEQUENCE_NUMBER' : state.initial && this.rec.config.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON';
    const r = await this.call<{ ShardIterator?: string }>('GetShardIterator', {
      StreamArn: this.streamArn, ShardId: sh.ShardId, ShardIteratorType: type, ...(cp ? { SequenceNumber: cp } : {}),
    });
    return r.ShardIterator;
  }

  private async pollShard(sh: Shard, state: ShardState & { initial?: boolean }): Promise<void> {
    const batchSize = Number(this.rec.config.BatchSize ?? 100);
    const windowMs = Number(this.rec.config.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    if (state.iterator === undefined) {
      state.iterator = await this.iterator(sh, state);
      if (state.iterator === undefined) { state.finished = true; return; }
    }
    let r: { Records?: StreamRecord[]; NextShardIterator?: string };
    try {
      r = await this.call('GetRecords', { ShardIterator: state.iterator, Limit: Math.min(1000, Math.max(1, batchSize - state.pending.length)) });
    } catch (e) {
      if (e instanceof ServiceError && (e.code === 'ExpiredIteratorException' || e.code === 'TrimmedDataAccessException')) { state.iterator = undefined; state.pending = []; return; }
      throw e;
    }
    const recs = r.Records ?? [];
    if (recs.length && !state.pending.length) state.firstAt = clock.now();
    state.pending.push(...recs);
    const closed = !r.NextShardIterator;
    state.iterator = r.NextShardIterator;
    // Wait for more within the batching window unless the batch is full or the shard ended.
    const ready = state.pending.length >= batchSize || closed || clock.now() - (state.firstAt ?? 0) >= windowMs;
    if (state.pending.length && ready) {
      const batch = state.pending.splice(0, batchSize);
      await this.process(sh.ShardId, batch);
      if (state.pending.length) return; // the rest waits for the next turn
    }
    if (closed && !state.pending.length) state.finished = true;
  }

  private event(batch: StreamRecord[]) {
    return { Records: batch.map((x) => toEventJson({ ...x, eventSource: 'aws:dynamodb', eventVersion: x.eventVersion ?? '1.1',
      awsRegion: x.awsRegion ?? this.scope.region, eventSourceARN: this.streamArn })) as Record<string, unknown>[] };
  }

  /** Runs one batch to completion: success, skipped, or given up on (then reported). */
  private async process(shardId: string, batch: StreamRecord[], retries = 0): Promise<void> {
    const cfg = this.rec.config;
    const maxRetries = Number(cfg.MaximumRetryAttempts ?? -1);
    const maxAgeMs = Number(cfg.MaximumRecordAgeInSeconds ?? -1) * 1000;
    const filters = (cfg.FilterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters;
    let attempts = 0;
    while (!this.stopped && batch.length) {
      if (maxAgeMs >= 0) {
        const fresh = batch.filter((x) => clock.now() - arrivalMs(x) <= maxAgeMs);
        if (fresh.length < batch.length) {
          await this.giveUp(shardId, batch.filter((x) => !fresh.includes(x)), 'RecordAgeExceeded', attempts);
          batch = fresh;
          if (!batch.length) return;
        }
      }
      let records = this.event(batch).Records;
      let invokeBatch = batch;
      if (filters?.length) {
        // Records that match no filter are skipped (AWS: not sent, the position moves past them).
        const keep = records.map((x) => matchesFilters(filters, x, 'dynamodb'));
        invokeBatch = batch.filter((_, i) => keep[i]);
        records = records.filter((_, i) => keep[i]);
        if (!invokeBatch.length) { this.setCheckpoint(shardId, batch.at(-1)!.dynamodb.SequenceNumber); return; }
      }
      attempts++;
      const r = await callService<{ FunctionError?: string; Payload?: Buffer; ExecutedVersion?: string }>(this.ctx('Invoke'), 'lambda', 'Invoke', {
        FunctionName: mappingFunctionArn(this.rec), InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify({ Records: records })),
      }).catch((e) => ({ FunctionError: 'Unhandled', Payload: Buffer.from(JSON.stringify({ errorMessage: (e as Error).message })), ExecutedVersion: '$LATEST', system: true }));
      if (this.stopped) return;
      let failedFrom = -1; // index in batch of the first record to redo
      if (!r.FunctionError) {
        if ((cfg.FunctionResponseTypes as string[] | undefined)?.includes('ReportBatchItemFailures')) {
          const failed = batchItemFailures(r.Payload, new Set(invokeBatch.map((x) => x.dynamodb.SequenceNumber)));
          if (failed === 'all') failedFrom = 0;
          else if (failed.size) failedFrom = batch.findIndex((x) => failed.has(x.dynamodb.SequenceNumber));
        }
        if (failedFrom < 0) {
          this.setCheckpoint(shardId, batch.at(-1)!.dynamodb.SequenceNumber);
          noteResult(this.rec, 'OK');
          return;
        }
        // Resume from the lowest failed record: what came before it is done.
        if (failedFrom > 0) this.setCheckpoint(shardId, batch[failedFrom - 1].dynamodb.SequenceNumber);
        batch = batch.slice(failedFrom);
      } else {
        noteResult(this.rec, 'PROBLEM: Function call failed');
        if (cfg.BisectBatchOnFunctionError && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          await this.process(shardId, batch.slice(0, half), retries + attempts);
          await this.process(shardId, batch.slice(half), retries + attempts);
          return;
        }
      }
      if (maxRetries >= 0 && retries + attempts > maxRetries) {
        await this.giveUp(shardId, batch, 'RetryAttemptsExhausted', retries + attempts, r);
        return;
      }
      await new Promise<void>((ok) => { this.timer = clock.after(RETRY_BACKOFF_MS, ok); });
    }
  }

  private async giveUp(shardId: string, batch: StreamRecord[], condition: string, invokeCount: number,
    r?: { FunctionError?: string; ExecutedVersion?: string }): Promise<void> {
    this.setCheckpoint(shardId, batch.at(-1)!.dynamodb.SequenceNumber);
    const dest = (this.rec.config.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure?.Destination;
    if (!dest) return;
    const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const functionArn = mappingFunctionArn(this.rec);
    // The record AWS sends to an on-failure destination of a stream mapping ("Retaining
    // discarded batches for a DynamoDB event source", with-ddb.html).
    await deliver(dest, {
      requestContext: { requestId: serviceContext('lambda', this.scope).requestId, functionArn, condition, approximateInvokeCount: invokeCount },
      ...(r ? { responseContext: { statusCode: 200, executedVersion: r.ExecutedVersion ?? '$LATEST', functionError: r.FunctionError ?? 'Unhandled' } } : {}),
      version: '1.0',
      timestamp: clock.date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: batch[0].dynamodb.SequenceNumber,
        endSequenceNumber: batch.at(-1)!.dynamodb.SequenceNumber,
        approximateArrivalOfFirstRecord: iso(arrivalMs(batch[0])),
        approximateArrivalOfLastRecord: iso(arrivalMs(batch.at(-1)!)),
        batchSize: batch.length,
        streamArn: this.streamArn,
      },
    }, { functionArn, success: false });
  }
}
