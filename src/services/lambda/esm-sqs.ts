// The SQS poller of an event source mapping. Like Lambda's own pollers it long-polls the queue
// (ReceiveMessage, WaitTimeSeconds 20: it waits on the queue, never spins), gathers up to
// BatchSize messages within MaximumBatchingWindowInSeconds, invokes the function
// synchronously with the SQS event, and then ("Using Lambda with Amazon SQS",
// docs.aws.amazon.com/lambda/latest/dg/with-sqs.html and services-sqs-errorhandling.html):
// - on success deletes the batch;
// - on a function error deletes nothing: the messages reappear when the queue's visibility
//   timeout ends, and the queue's redrive policy moves them to its dead-letter queue after
//   maxReceiveCount receives;
// - with FunctionResponseTypes ["ReportBatchItemFailures"], deletes all but the messages the
//   function lists in batchItemFailures (they are simply not deleted, no visibility change);
//   an invalid response (a missing, empty or unknown itemIdentifier) fails the whole batch.
// One gatherer fills batches; up to five batches are processed at once (AWS starts with five
// concurrent batches), fewer when ScalingConfig.MaximumConcurrency says so.
import { clock } from '../../core/clock-instance.js';
import type { Timer } from '../../core/clock.js';
import { callService, serviceContext } from '../../core/internal-client.js';
import { ServiceError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import type { RequestContext } from '../service.js';
import type { EsmRec } from './state.js';
import { currentMapping, mappingFunctionArn } from './esm.js';
import { matchesFilters } from './filters.js';

interface SqsMessage {
  MessageId: string; ReceiptHandle: string; Body: string; MD5OfBody: string; MD5OfMessageAttributes?: string;
  Attributes?: Record<string, string>;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array; StringListValues?: string[]; BinaryListValues?: Uint8Array[] }>;
}

const ERROR_BACKOFF_MS = 10_000;

export class SqsPoller {
  private stopped = false;
  private readonly aborts = new Set<() => void>();
  private readonly timers = new Set<Timer>();
  private readonly scope: { accountId: string; region: string };
  private readonly queueName: string;
  private readonly queueOwner: string;

  constructor(private readonly rec: EsmRec) {
    const [, , , , accountId, name] = String(rec.config.EventSourceArn).split(':');
    this.scope = { accountId: rec.accountId, region: rec.region };
    this.queueName = name;
    this.queueOwner = accountId;
    const max = (rec.config.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency;
    this.concurrency = Math.min(5, max ?? 5);
    void this.loop();
  }

  private readonly concurrency: number;
  private inflight = 0;
  private slotFreed?: () => void;

  stop(): void {
    this.stopped = true;
    this.slotFreed?.();
    for (const a of [...this.aborts]) a();
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((ok) => {
      const t = clock.after(ms, () => { this.timers.delete(t); ok(); });
      this.timers.add(t);
      const abort = () => { t.cancel(); this.timers.delete(t); this.aborts.delete(abort); ok(); };
      this.aborts.add(abort);
    });
  }

  private ctx(op: string): RequestContext { return serviceContext('lambda', this.scope, op); }

  private async queueUrl(): Promise<string> {
    const [, , , region] = String(this.rec.config.EventSourceArn).split(':');
    const r = await callService<{ QueueUrl: string }>(this.ctx('Poll'), 'sqs', 'GetQueueUrl',
      { QueueName: this.queueName, QueueOwnerAWSAccountId: this.queueOwner }, { accountId: this.queueOwner, region });
    return r.QueueUrl;
  }

  /** One long poll; ends at once when the poller stops (the receive is told its client went away). */
  private async receive(url: string, max: number, waitS: number): Promise<SqsMessage[]> {
    let gone: (() => void) | undefined;
    const abort = () => gone?.();
    this.aborts.add(abort);
    const [, , , region] = String(this.rec.config.EventSourceArn).split(':');
    const ctx: RequestContext = { ...this.ctx('Poll'), onClientGone: (fn) => { gone = fn; } };
    try {
      const r = await callService<{ Messages?: SqsMessage[] }>(ctx, 'sqs', 'ReceiveMessage', {
        QueueUrl: url, MaxNumberOfMessages: max, WaitTimeSeconds: waitS,
        AttributeNames: ['All'], MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'],
      }, { accountId: this.queueOwner, region });
      return r.Messages ?? [];
    } finally { this.aborts.delete(abort); }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        const url = await this.queueUrl();
        const batchSize = Number(this.rec.config.BatchSize ?? 10);
        const windowMs = Number(this.rec.config.MaximumBatchingWindowInSeconds ?? 0) * 1000;
        const batch = await this.receive(url, Math.min(10, batchSize), 20);
        if (this.stopped || !batch.length) continue;
        const deadline = clock.now() + windowMs;
        while (!this.stopped && batch.length < batchSize && deadline > clock.now()) {
          const more = await this.receive(url, Math.min(10, batchSize - batch.length), Math.min(20, Math.ceil((deadline - clock.now()) / 1000)));
          batch.push(...more);
        }
        if (this.stopped) return; // what was received comes back after its visibility timeout
        this.inflight++;
        void this.process(url, batch).catch((e) => log.debug(`lambda: event source mapping ${this.rec.UUID}: ${(e as Error).message}`))
          .finally(() => { this.inflight--; const f = this.slotFreed; this.slotFreed = undefined; f?.(); });
        while (!this.stopped && this.inflight >= this.concurrency) await new Promise<void>((ok) => { this.slotFreed = ok; });
      } catch (e) {
        if (this.stopped) return;
        log.debug(`lambda: event source mapping ${this.rec.UUID}: ${e instanceof ServiceError ? e.code : ''} ${(e as Error).message}`);
        await this.sleep(ERROR_BACKOFF_MS);
      }
    }
  }

  private record(m: SqsMessage): Record<string, unknown> {
    const messageAttributes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) {
      messageAttributes[k] = {
        ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
        ...(v.BinaryValue !== undefined ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') } : {}),
        stringListValues: v.StringListValues ?? [], binaryListValues: (v.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
        dataType: v.DataType,
      };
    }
    return {
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: { ...(m.Attributes ?? {}) },
      messageAttributes,
      md5OfBody: m.MD5OfBody,
      ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.rec.config.EventSourceArn,
      awsRegion: String(this.rec.config.EventSourceArn).split(':')[3],
    };
  }

  private async deleteAll(url: string, msgs: SqsMessage[]): Promise<void> {
    const [, , , region] = String(this.rec.config.EventSourceArn).split(':');
    for (let i = 0; i < msgs.length; i += 10) {
      const Entries = msgs.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle }));
      await callService(this.ctx('Poll'), 'sqs', 'DeleteMessageBatch', { QueueUrl: url, Entries }, { accountId: this.queueOwner, region });
    }
  }

  private async process(url: string, batch: SqsMessage[]): Promise<void> {
    const cur = currentMapping(this.rec);
    if (!cur || cur.State !== 'Enabled') return;
    let records = batch.map((m) => this.record(m));
    // Messages that match no filter are deleted without invoking (AWS: "Lambda event filtering").
    const filters = (this.rec.config.FilterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters;
    if (filters?.length) {
      const keep = records.map((r) => matchesFilters(filters, r, 'sqs'));
      await this.deleteAll(url, batch.filter((_, i) => !keep[i]));
      batch = batch.filter((_, i) => keep[i]);
      records = records.filter((_, i) => keep[i]);
      if (!batch.length) return;
    }
    const r = await callService<{ StatusCode: number; FunctionError?: string; Payload?: Buffer }>(this.ctx('Invoke'), 'lambda', 'Invoke', {
      FunctionName: mappingFunctionArn(this.rec), InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify({ Records: records })),
    }).catch((e) => { log.debug(`lambda: event source mapping ${this.rec.UUID}: invoke failed: ${(e as Error).message}`); return undefined; });
    if (!r || r.FunctionError) return; // left to the visibility timeout (and the redrive policy)
    let done = batch;
    if ((this.rec.config.FunctionResponseTypes as string[] | undefined)?.includes('ReportBatchItemFailures')) {
      const failed = batchItemFailures(r.Payload, new Set(batch.map((m) => m.MessageId)));
      if (failed === 'all') return;
      done = batch.filter((m) => !failed.has(m.MessageId));
    }
    await this.deleteAll(url, done);
  }
}

/**
 * The failed item identifiers of a partial batch response, or 'all' when the response is
 * invalid (AWS treats the whole batch as failed). An empty or absent list is full success.
 */
export function batchItemFailures(payload: Uint8Array | undefined, known: Set<string>): Set<string> | 'all' {
  let body: unknown;
  try { body = JSON.parse(Buffer.from(payload ?? []).toString('utf8') || 'null'); } catch { return 'all'; }
  if (body === null || typeof body !== 'object') return new Set();
  const list = (body as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return 'all';
  const out = new Set<string>();
  for (const item of list) {
    const id = item && typeof item === 'object' ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || !id || !known.has(id)) return 'all';
    out.add(id);
  }
  return out;
}
