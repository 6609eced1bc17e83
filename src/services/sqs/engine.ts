// The queue engine: O(1) receive whatever the depth. A message is in exactly one place:
//   standard queue: the ready list (intrusive doubly linked), the in-flight heap or the delay heap;
//   FIFO queue:     its group's list (in sequence order, in flight or not), and the heaps;
//                   groups whose head is ready and that have nothing in flight are in `avail`.
// Every message is also on the `all` list in enqueue order, which is retention order.
// Time is lazy: each operation first moves what became due (tick); long polls arm one clock
// timer per queue at the next due time, so a waiting receive wakes the moment a message is
// visible. Nothing scans the queue.
import { clock } from '../../core/clock-instance.js';
import type { Timer } from '../../core/clock.js';
import type { Collection } from '../../core/state.js';

export const READY = 0, INFLIGHT = 1, DELAYED = 2, GONE = 3;
export type MsgState = typeof READY | typeof INFLIGHT | typeof DELAYED | typeof GONE;

export interface Attr { DataType: string; StringValue?: string; BinaryValue?: Buffer }

/** The persisted fields of a message (what the journal keeps). */
export interface MsgRecord {
  q: string; id: string; n: number; body: string;
  ma?: Record<string, Attr>; md5b: string; md5a?: string; th?: string; md5s?: string;
  sent: number; sender: string; due: number; fl: number; rc: number; fr: number; r: number; rt: number;
  g?: string; dd?: string; sq?: string; src?: string; size: number;
}

export class Msg implements MsgRecord {
  // Times start as non-integers so V8 gives these fields a double representation from the
  // first message on: a field that turns from small integer to double later deprecates the
  // map of every message already queued, and each then deoptimizes the hot path once.
  q = ''; id = ''; n = 0.5; body = '';
  ma: Record<string, Attr> | undefined = undefined; md5b = ''; md5a: string | undefined = undefined;
  th: string | undefined = undefined; md5s: string | undefined = undefined;
  sent = 0.5; sender = '';
  /** Delayed: when it becomes visible. In flight: when its visibility timeout ends. */
  due = 0.5;
  /** 1 while in flight (persisted; an expired timeout is read back as visible). */
  fl = 0;
  rc = 0;
  fr = 0.5;
  /** Receive sequence: which receipt handle is current. */
  r = 0;
  /** When the current receive happened (the 12-hour visibility limit counts from it). */
  rt = 0.5;
  g: string | undefined = undefined; dd: string | undefined = undefined; sq: string | undefined = undefined;
  src: string | undefined = undefined;
  /** Message size as SQS counts it (body and message attributes). */
  size = 0;

  // runtime only
  st: MsgState = READY;
  prev: Msg | null = null; next: Msg | null = null;
  ap: Msg | null = null; an: Msg | null = null;
  hi = -1;
  grp: Group | null = null;
  key = '';

  constructor(r: MsgRecord) {
    this.q = r.q; this.id = r.id; this.n = r.n; this.body = r.body;
    this.ma = r.ma; this.md5b = r.md5b; this.md5a = r.md5a; this.th = r.th; this.md5s = r.md5s;
    this.sent = r.sent; this.sender = r.sender; this.due = r.due; this.fl = r.fl; this.rc = r.rc;
    this.fr = r.fr; this.r = r.r; this.rt = r.rt; this.g = r.g; this.dd = r.dd; this.sq = r.sq; this.src = r.src;
    this.size = r.size;
    this.key = `${r.q}/${r.id}`;
  }

  toJSON(): MsgRecord {
    return { q: this.q, id: this.id, n: this.n, body: this.body, ma: this.ma, md5b: this.md5b, md5a: this.md5a,
      th: this.th, md5s: this.md5s, sent: this.sent, sender: this.sender, due: this.due, fl: this.fl, rc: this.rc,
      fr: this.fr, r: this.r, rt: this.rt, g: this.g, dd: this.dd, sq: this.sq, src: this.src, size: this.size };
  }
}

export interface Group {
  id: string;
  head: Msg | null; tail: Msg | null;
  inflight: number;
  ap: Group | null; an: Group | null; inAvail: boolean;
}

/** A min-heap of messages by `due` (then enqueue order) that knows each message's position. */
export class Heap {
  private a: Msg[] = [];
  get size(): number { return this.a.length; }
  peek(): Msg | undefined { return this.a[0]; }
  push(m: Msg): void { m.hi = this.a.length; this.a.push(m); this.up(m.hi); }
  pop(): Msg | undefined {
    const top = this.a[0];
    if (top) this.removeAt(0);
    return top;
  }
  remove(m: Msg): void { if (m.hi >= 0 && this.a[m.hi] === m) this.removeAt(m.hi); }
  update(m: Msg): void { if (m.hi >= 0 && this.a[m.hi] === m) { this.up(m.hi); this.down(m.hi); } }
  clear(): Msg[] { const all = this.a; this.a = []; for (const m of all) m.hi = -1; return all; }

  private removeAt(i: number): void {
    const a = this.a;
    const m = a[i];
    const last = a.pop()!;
    m.hi = -1;
    if (i < a.length) { a[i] = last; last.hi = i; this.up(i); this.down(last.hi); }
  }
  private less(x: Msg, y: Msg) { return x.due < y.due || (x.due === y.due && x.n < y.n); }
  private up(i: number): void {
    const a = this.a;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      const t = a[i]; a[i] = a[p]; a[p] = t; a[i].hi = i; a[p].hi = p; i = p;
    }
  }
  private down(i: number): void {
    const a = this.a;
    for (;;) {
      const l = 2 * i + 1, r = l + 1; let m = i;
      if (l < a.length && this.less(a[l], a[m])) m = l;
      if (r < a.length && this.less(a[r], a[m])) m = r;
      if (m === i) return;
      const t = a[i]; a[i] = a[m]; a[m] = t; a[i].hi = i; a[m].hi = m; i = m;
    }
  }
}

/** A receive waiting for messages (long polling). */
export interface Waiter {
  max: number;
  visMs: number;
  done: boolean;
  timer: Timer | undefined;
  resolve(msgs: Msg[]): void;
}

export interface EngineHooks {
  /** The dead-letter queue a message goes to once it was received maxReceiveCount times. */
  deadLetter(q: QueueEngine): { dlq: QueueEngine; max: number } | undefined;
  /** Moves a message into another queue (a DLQ), as a new message there. */
  moveTo(from: QueueEngine, m: Msg, to: QueueEngine): void;
}

/** One queue's messages. The queue's settings live in its record; the engine caches the timings. */
export class QueueEngine {
  // settings (refreshed by the owner when attributes change)
  visMs = 30_000;
  retentionMs = 345_600_000;
  readonly fifo: boolean;

  // standard: ready list
  private rHead: Msg | null = null; private rTail: Msg | null = null;
  // FIFO: groups, and the groups that can deliver
  readonly groups = new Map<string, Group>();
  private gHead: Group | null = null; private gTail: Group | null = null;
  readonly inflight = new Heap();
  readonly delayed = new Heap();
  // every message, in enqueue order
  private aHead: Msg | null = null; private aTail: Msg | null = null;

  nReady = 0; nInflight = 0; nDelayed = 0;

  private waiters: Waiter[] = [];
  private wake: Timer | undefined;
  private kickQueued = false;
  deleted = false;

  constructor(readonly name: string, fifo: boolean, private readonly store: Collection<Msg>, private readonly hooks: EngineHooks) {
    this.fifo = fifo;
  }

  get size(): number { return this.nReady + this.nInflight + this.nDelayed; }

  // ---- placing messages ------------------------------------------------------------------

  /** Adds a message (new, moved from another queue, or loaded after a restart). */
  insert(m: Msg, now: number, persist = true): void {
    this.allAppend(m);
    if (this.fifo) this.groupAppend(m);
    if (m.fl && m.due > now) {
      m.st = INFLIGHT; this.nInflight++; this.inflight.push(m);
      if (m.grp) m.grp.inflight++;
    } else if (!m.fl && m.due > now) {
      m.st = DELAYED; this.nDelayed++; this.delayed.push(m);
    } else {
      m.fl = 0;
      m.st = READY; this.nReady++;
      if (!this.fifo) this.readyAppend(m);
    }
    if (this.fifo) this.checkGroup(m.grp!, false);
    if (persist) this.store.set(m.key, m);
    if (m.st === READY) this.kick();
    else if (this.waiters.length) this.armWake();
  }

  /** Rebuild helper: once all messages are inserted, FIFO groups with in-flight heads are consistent. */
  afterLoad(): void { for (const g of this.groups.values()) this.checkGroup(g, false); }

  /** Takes a message out of the queue for good (deleted, expired, purged, moved). */
  remove(m: Msg, persist = true): void {
    switch (m.st) {
      case READY: this.nReady--; if (!this.fifo) this.readyUnlink(m); break;
      case INFLIGHT: this.nInflight--; this.inflight.remove(m); if (m.grp) m.grp.inflight--; break;
      case DELAYED: this.nDelayed--; this.delayed.remove(m); break;
      default: return;
    }
    m.st = GONE;
    this.allUnlink(m);
    if (this.fifo && m.grp) this.groupUnlink(m);
    if (persist) this.store.delete(m.key);
  }

  // ---- time ------------------------------------------------------------------------------

  /** Moves everything that became due: visibility timeouts, delays, retention. */
  tick(now: number): void {
    let m: Msg | undefined;
    let front: Msg | null = null;
    while ((m = this.inflight.peek()) && m.due <= now) {
      this.inflight.pop();
      m.st = READY; m.fl = 0; this.nInflight--; this.nReady++;
      if (this.fifo) { m.grp!.inflight--; this.checkGroup(m.grp!, true); }
      else { this.readyInsertAfter(front, m); front = m; } // back at the front, in timeout order
    }
    while ((m = this.delayed.peek()) && m.due <= now) {
      this.delayed.pop();
      m.st = READY; this.nDelayed--; this.nReady++;
      if (this.fifo) this.checkGroup(m.grp!, false);
      else this.readyAppend(m);
    }
    const cutoff = now - this.retentionMs;
    while (this.aHead && this.aHead.sent <= cutoff) this.remove(this.aHead);
  }

  // ---- receiving -------------------------------------------------------------------------

  get hasReady(): boolean { return this.fifo ? this.gHead !== null : this.rHead !== null; }

  /** Receives up to `max` visible messages, making them invisible for `visMs`. */
  receive(max: number, visMs: number, now: number): Msg[] {
    this.tick(now);
    const out: Msg[] = [];
    const dl = this.nReady ? this.hooks.deadLetter(this) : undefined;
    if (!this.fifo) {
      let m: Msg | null;
      while (out.length < max && (m = this.rHead)) {
        if (dl && m.rc >= dl.max) { this.hooks.moveTo(this, m, dl.dlq); continue; }
        this.deliver(m, visMs, now);
        out.push(m);
      }
      return out;
    }
    let g: Group | null;
    while (out.length < max && (g = this.gHead)) {
      this.availUnlink(g);
      let m = g.head;
      while (m && m.st === READY && out.length < max) {
        const next = m.next;
        if (dl && m.rc >= dl.max) { this.hooks.moveTo(this, m, dl.dlq); m = next; continue; }
        this.deliver(m, visMs, now);
        g.inflight++;
        out.push(m);
        m = next;
      }
      if (this.groups.get(g.id) === g) this.checkGroup(g, false);
    }
    return out;
  }

  private deliver(m: Msg, visMs: number, now: number): void {
    if (!this.fifo) this.readyUnlink(m);
    m.st = INFLIGHT; this.nReady--; this.nInflight++;
    m.rc++; m.r++; m.rt = now; if (!m.fr) m.fr = now;
    m.fl = 1; m.due = now + visMs;
    this.inflight.push(m);
    this.store.touch(m.key);
  }

  /** The next visible message without receiving it (message move tasks). */
  peekReady(now: number): Msg | undefined {
    this.tick(now);
    if (!this.fifo) return this.rHead ?? undefined;
    return this.gHead?.head ?? undefined;
  }

  /** A new visibility timeout for a message in flight. */
  changeVisibility(m: Msg, visMs: number, now: number): void {
    m.due = now + visMs;
    this.inflight.update(m);
    this.store.touch(m.key);
    if (visMs === 0) { this.tick(now); this.kick(); } else if (this.waiters.length) this.armWake();
  }

  /** Removes every message (PurgeQueue, DeleteQueue). */
  purge(): number {
    let n = 0;
    for (let m = this.aHead; m; ) { const next = m.an; this.remove(m); n++; m = next; }
    return n;
  }

  // ---- long polling ----------------------------------------------------------------------

  /** Waits up to `waitMs` for messages; resolves with what arrived (maybe nothing). */
  wait(max: number, visMs: number, waitMs: number, onGone?: (fn: () => void) => void): Promise<Msg[]> {
    return new Promise((resolve) => {
      const w: Waiter = { max, visMs, done: false, timer: undefined, resolve };
      const leave = () => {
        w.done = true;
        w.timer?.cancel();
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      w.timer = clock.after(waitMs, () => {
        if (w.done) return;
        leave();
        // A message that became visible at this very moment still counts.
        resolve(this.deleted ? [] : this.receive(max, visMs, clock.now()));
        this.armWake();
      });
      // A client that hung up takes nothing: its messages stay visible for others.
      onGone?.(() => { if (!w.done) { leave(); resolve([]); this.armWake(); } });
      this.waiters.push(w);
      this.armWake();
    });
  }

  /** Serves waiting receives once the current request is done (a batch lands whole first). */
  kick(): void {
    if (!this.waiters.length || this.kickQueued) return;
    this.kickQueued = true;
    queueMicrotask(() => { this.kickQueued = false; this.serve(); });
  }

  private serve(): void {
    if (!this.waiters.length) return;
    const now = clock.now();
    this.tick(now);
    while (this.waiters.length && this.hasReady) {
      const w = this.waiters[0];
      const got = this.receive(w.max, w.visMs, now);
      if (!got.length) break;
      this.waiters.shift();
      w.done = true;
      w.timer?.cancel();
      w.resolve(got);
    }
    this.armWake();
  }

  /** One clock timer per queue, at the next visibility or delay deadline, while receives wait. */
  private armWake(): void {
    if (!this.waiters.length || this.deleted) {
      this.wake?.cancel(); this.wake = undefined;
      return;
    }
    const a = this.inflight.peek()?.due ?? Infinity;
    const b = this.delayed.peek()?.due ?? Infinity;
    const next = Math.min(a, b);
    if (this.wake && this.wake.at === next) return;
    this.wake?.cancel(); this.wake = undefined;
    if (next === Infinity) return;
    this.wake = clock.schedule(next, () => { this.wake = undefined; this.serve(); });
  }

  /** The queue was deleted: waiting receives end empty, timers stop. */
  close(): void {
    this.deleted = true;
    for (const w of this.waiters.splice(0)) { w.done = true; w.timer?.cancel(); w.resolve([]); }
    this.wake?.cancel(); this.wake = undefined;
  }

  // ---- lists -----------------------------------------------------------------------------

  private readyAppend(m: Msg): void {
    m.next = null; m.prev = this.rTail;
    if (this.rTail) this.rTail.next = m; else this.rHead = m;
    this.rTail = m;
  }
  /** Inserts after `after`, or at the front when it is null. */
  private readyInsertAfter(after: Msg | null, m: Msg): void {
    m.prev = after;
    m.next = after ? after.next : this.rHead;
    if (m.prev) m.prev.next = m; else this.rHead = m;
    if (m.next) m.next.prev = m; else this.rTail = m;
  }
  private readyUnlink(m: Msg): void {
    if (m.prev) m.prev.next = m.next; else this.rHead = m.next;
    if (m.next) m.next.prev = m.prev; else this.rTail = m.prev;
    m.prev = m.next = null;
  }

  private allAppend(m: Msg): void {
    // Messages arrive in time order, except ones moved here with their original enqueue time
    // (standard DLQs keep it): those are put in their place, walking from the nearer end.
    let after = this.aTail;
    if (after && after.sent > m.sent) {
      if (this.aHead && m.sent - this.aHead.sent < after.sent - m.sent) {
        let before: Msg | null = this.aHead;
        while (before && before.sent <= m.sent) before = before.an;
        after = before ? before.ap : this.aTail;
      } else {
        while (after && after.sent > m.sent) after = after.ap;
      }
    }
    m.ap = after;
    m.an = after ? after.an : this.aHead;
    if (m.ap) m.ap.an = m; else this.aHead = m;
    if (m.an) m.an.ap = m; else this.aTail = m;
  }
  private allUnlink(m: Msg): void {
    if (m.ap) m.ap.an = m.an; else this.aHead = m.an;
    if (m.an) m.an.ap = m.ap; else this.aTail = m.ap;
    m.ap = m.an = null;
  }

  private groupAppend(m: Msg): void {
    const id = m.g ?? '';
    let g = this.groups.get(id);
    if (!g) {
      g = { id, head: null, tail: null, inflight: 0, ap: null, an: null, inAvail: false };
      this.groups.set(id, g);
    }
    m.grp = g;
    m.next = null; m.prev = g.tail;
    if (g.tail) g.tail.next = m; else g.head = m;
    g.tail = m;
  }
  private groupUnlink(m: Msg): void {
    const g = m.grp!;
    if (m.prev) m.prev.next = m.next; else g.head = m.next;
    if (m.next) m.next.prev = m.prev; else g.tail = m.prev;
    m.prev = m.next = null; m.grp = null;
    if (!g.head) {
      if (g.inAvail) this.availUnlink(g);
      this.groups.delete(g.id);
    } else this.checkGroup(g, false);
  }

  /** Puts a group on the available list when it can deliver (nothing in flight, head visible). */
  private checkGroup(g: Group, front: boolean): void {
    const ok = g.inflight === 0 && g.head !== null && g.head.st === READY;
    if (ok && !g.inAvail) {
      g.inAvail = true;
      if (front) {
        g.ap = null; g.an = this.gHead;
        if (this.gHead) this.gHead.ap = g; else this.gTail = g;
        this.gHead = g;
      } else {
        g.an = null; g.ap = this.gTail;
        if (this.gTail) this.gTail.an = g; else this.gHead = g;
        this.gTail = g;
      }
      this.kick();
    } else if (!ok && g.inAvail) this.availUnlink(g);
  }
  private availUnlink(g: Group): void {
    if (!g.inAvail) return;
    if (g.ap) g.ap.an = g.an; else this.gHead = g.an;
    if (g.an) g.an.ap = g.ap; else this.gTail = g.ap;
    g.ap = g.an = null; g.inAvail = false;
  }
}
