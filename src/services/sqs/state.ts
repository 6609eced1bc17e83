// SQS state per account and region: queue records, message records, FIFO deduplication
// entries and message move tasks are journalled collections; each queue's engine (ready
// lists, heaps, groups) lives beside them and is rebuilt from the messages after a restart.
import { defineState, onReset, type Collection } from '../../core/state.js';
import { clock } from '../../core/clock-instance.js';
import { Msg, QueueEngine, type EngineHooks, type MsgRecord } from './engine.js';

export interface QueueRec {
  name: string;
  account: string;
  region: string;
  arn: string;
  fifo: boolean;
  /** Settable attributes as SQS reports them (strings), defaults included. */
  attrs: Record<string, string>;
  tags: Record<string, string>;
  /** Epoch seconds. */
  created: number;
  modified: number;
  /** Epoch ms of the last PurgeQueue (one per 60 s). */
  lastPurge?: number;
}

/** A FIFO deduplication entry: a message id seen within the 5-minute window. */
export interface DedupRec { q: string; k: string; id: string; sq?: string; at: number }

export interface TaskRec {
  id: string;
  handle: string;
  source: string;
  destination?: string;
  rate?: number;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  moved: number;
  toMove: number;
  started: number;
  failure?: string;
}

export interface Attempt { at: number; msgs: { m: Msg; r: number }[] }

/** A live queue: its record, its engine and the caches derived from its attributes. */
export class Queue {
  readonly engine: QueueEngine;
  /** Deduplication entries in the order they were made (= expiry order). */
  readonly dedup = new Map<string, DedupRec>();
  /** FIFO ReceiveRequestAttemptId → the messages that attempt returned. */
  readonly attempts = new Map<string, Attempt>();
  lastN = 0;
  delayS = 0;
  maxSize = 1_048_576;
  waitS = 0;
  redrive: { arn: string; max: number } | undefined;
  contentDedup = false;
  dedupByGroup = false;
  /** The move task running with this queue as its source, if any. */
  task: TaskRec | undefined;

  constructor(readonly st: SqsState, public rec: QueueRec) {
    this.engine = new QueueEngine(rec.name, rec.fifo, st.messages, st.hooks);
    this.applyAttrs();
  }

  get name(): string { return this.rec.name; }
  get arn(): string { return this.rec.arn; }
  get fifo(): boolean { return this.rec.fifo; }

  applyAttrs(): void {
    const a = this.rec.attrs;
    this.engine.visMs = Number(a.VisibilityTimeout ?? 30) * 1000;
    this.engine.retentionMs = Number(a.MessageRetentionPeriod ?? 345600) * 1000;
    this.delayS = Number(a.DelaySeconds ?? 0);
    this.maxSize = Number(a.MaximumMessageSize ?? 1_048_576);
    this.waitS = Number(a.ReceiveMessageWaitTimeSeconds ?? 0);
    this.contentDedup = a.ContentBasedDeduplication === 'true';
    this.dedupByGroup = a.DeduplicationScope === 'messageGroup';
    this.redrive = undefined;
    if (a.RedrivePolicy) {
      try {
        const p = JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
        this.redrive = { arn: p.deadLetterTargetArn, max: Number(p.maxReceiveCount) };
      } catch { /* validated on the way in */ }
    }
  }

  /** Message order numbers: increasing, and across restarts (they seed FIFO sequence numbers). */
  nextN(): number {
    const n = Math.max(this.lastN + 1, Date.now() * 1000);
    this.lastN = n;
    return n;
  }

  /** Forgets deduplication entries and receive attempts older than 5 minutes. */
  expire(now: number): void {
    if (this.dedup.size) {
      for (const [k, d] of this.dedup) {
        if (d.at + DEDUP_WINDOW_MS > now) break;
        this.dedup.delete(k);
        this.st.dedup.delete(`${this.name}/${k}`);
      }
    }
    if (this.attempts.size) {
      for (const [k, a] of this.attempts) {
        if (a.at + DEDUP_WINDOW_MS > now) break;
        this.attempts.delete(k);
      }
    }
  }
}

export const DEDUP_WINDOW_MS = 5 * 60 * 1000;

export interface SqsState {
  queues: Collection<QueueRec>;
  messages: Collection<Msg>;
  dedup: Collection<DedupRec>;
  tasks: Collection<TaskRec>;
  live: Map<string, Queue>;
  /** Queue name → when it was deleted (a new queue of that name must wait 60 s). */
  deletedAt: Map<string, number>;
  hooks: EngineHooks;
}

/** Name of the queue an SQS ARN names, if it is in this account and region. */
export function arnParts(arn: string): { region: string; account: string; name: string } | undefined {
  const m = /^arn:aws[\w-]*:sqs:([^:]*):([^:]*):([^:]+)$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3] } : undefined;
}

export function queueByArn(s: SqsState, arn: string): Queue | undefined {
  const p = arnParts(arn);
  if (!p) return undefined;
  const q = s.live.get(p.name);
  return q && q.arn === arn ? q : undefined;
}

function hooksFor(s: SqsState): EngineHooks {
  return {
    deadLetter(e) {
      const q = s.live.get(e.name);
      if (!q?.redrive) return undefined;
      const dlq = queueByArn(s, q.redrive.arn);
      return dlq ? { dlq: dlq.engine, max: q.redrive.max } : undefined;
    },
    moveTo(from, m, to) {
      const src = s.live.get(from.name);
      const dst = s.live.get(to.name);
      if (!src || !dst) return;
      moveMessage(src, m, dst, src.arn);
    },
  };
}

/**
 * Moves a message into another queue, as a new message there with the same MessageId. Its
 * receive count starts again; a standard queue keeps the original enqueue time (retention
 * counts from it), a FIFO queue restarts it ("Amazon SQS dead-letter queues", Developer Guide).
 */
export function moveMessage(from: Queue, m: Msg, to: Queue, dlqSource: string | undefined): Msg {
  const now = clock.now();
  from.engine.remove(m);
  const n = to.nextN();
  const rec: MsgRecord = {
    q: to.name, id: m.id, n, body: m.body, ma: m.ma, md5b: m.md5b, md5a: m.md5a, th: m.th, md5s: m.md5s,
    sent: to.fifo ? now : m.sent, sender: m.sender, due: now, fl: 0, rc: 0, fr: 0, r: 0, rt: 0,
    g: m.g, dd: m.dd, sq: to.fifo ? sequenceNumber(n) : undefined, src: dlqSource, size: m.size,
  };
  if (to.fifo && rec.g === undefined) rec.g = '';
  const copy = new Msg(rec);
  const old = to.engine.name === from.engine.name ? undefined : to.st.messages.get(copy.key);
  if (old) to.engine.remove(old);
  to.engine.insert(copy, now);
  return copy;
}

export const sequenceNumber = (n: number): string => '1' + String(n).padStart(19, '0');

export const sqsState = defineState<SqsState>({
  service: 'sqs',
  create: (c) => {
    const s = {
      queues: c.collection<QueueRec>('queues'),
      messages: c.collection<Msg>('messages'),
      dedup: c.collection<DedupRec>('dedup'),
      tasks: c.collection<TaskRec>('tasks'),
      live: new Map<string, Queue>(),
      deletedAt: new Map<string, number>(),
    } as SqsState;
    s.hooks = hooksFor(s);
    allStates.add(s);
    return s;
  },
  rebuild(s) {
    for (const q of s.live.values()) q.engine.close();
    s.live.clear();
    for (const rec of s.queues.values()) s.live.set(rec.name, new Queue(s, rec));
    const now = clock.now();
    const byQueue = new Map<string, Msg[]>();
    for (const [key, v] of [...s.messages.entries()]) {
      const m = v instanceof Msg ? v : new Msg(v as unknown as MsgRecord);
      if (!s.live.has(m.q)) { s.messages.delete(key); continue; }
      m.st = 0; m.prev = m.next = m.ap = m.an = null; m.hi = -1; m.grp = null;
      s.messages.load(key, m);
      let list = byQueue.get(m.q);
      if (!list) byQueue.set(m.q, list = []);
      list.push(m);
    }
    for (const [name, list] of byQueue) {
      const q = s.live.get(name)!;
      list.sort((a, b) => a.n - b.n);
      for (const m of list) { q.engine.insert(m, now, false); if (m.n > q.lastN) q.lastN = m.n; }
      q.engine.afterLoad();
    }
    const dd = [...s.dedup.values()].sort((a, b) => a.at - b.at);
    for (const d of dd) {
      const q = s.live.get(d.q);
      if (q) q.dedup.set(d.k, d); else s.dedup.delete(`${d.q}/${d.k}`);
    }
    for (const q of s.live.values()) q.engine.tick(now);
  },
});

const allStates = new Set<SqsState>();
/** Lets the move-task runner resume its tasks after a restart. */
export const onRebuild = sqsState.onRebuild;

// Reset drops the scopes; waiting receives and timers of the old queues end here.
onReset((service) => {
  if (service && service !== 'sqs') return;
  for (const s of allStates) for (const q of s.live.values()) q.engine.close();
  allStates.clear();
});
