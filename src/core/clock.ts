// The one clock. Every time-based behaviour reads `clock.now()` and schedules through
// `clock.schedule()`, so a test can jump ahead (POST /_nimbus/clock) instead of sleeping.
// Virtual time = real time + offset; advancing moves the offset and fires what became due.

export interface Timer { readonly at: number; cancel(): void }

interface Entry { at: number; seq: number; fn: () => void; cancelled: boolean }

export class Clock {
  private offset = 0;
  private heap: Entry[] = [];
  private seq = 0;
  private wake: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;

  /** Milliseconds since the epoch, on the virtual clock. */
  now(): number { return Date.now() + this.offset; }
  date(): Date { return new Date(this.now()); }

  /** Moves virtual time forward by `ms`, firing every timer that became due, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('the clock only moves forward');
    this.offset += ms;
    this.fireDue();
  }

  /** Sets virtual time. Moving backwards is allowed (timers simply wait longer). */
  set(epochMs: number): void {
    this.offset = epochMs - Date.now();
    this.fireDue();
  }

  /** Back to real time, no timers. */
  reset(): void {
    this.offset = 0;
    this.heap = [];
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    this.wakeAt = Infinity;
  }

  /** Runs `fn` once virtual time reaches `at` (ms since epoch). */
  schedule(at: number, fn: () => void): Timer {
    const e: Entry = { at, seq: this.seq++, fn, cancelled: false };
    this.push(e);
    this.arm();
    return { at, cancel: () => { e.cancelled = true; } };
  }

  /** Runs `fn` after `ms` of virtual time. */
  after(ms: number, fn: () => void): Timer { return this.schedule(this.now() + ms, fn); }

  private fireDue(): void {
    const now = this.now();
    while (this.heap.length && this.heap[0].at <= now) {
      const e = this.pop()!;
      if (e.cancelled) continue;
      try { e.fn(); } catch (err) { console.error('nimbus: scheduled task failed', err); }
    }
    this.arm();
  }

  private arm(): void {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
    const next = this.heap.length ? this.heap[0].at : Infinity;
    if (next === this.wakeAt && this.wake) return;
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    this.wakeAt = next;
    if (next === Infinity) return;
    // setTimeout caps at ~24.8 days; longer waits simply re-arm.
    const delay = Math.min(Math.max(0, next - this.now()), 2 ** 31 - 1);
    this.wake = setTimeout(() => { this.wake = undefined; this.wakeAt = Infinity; this.fireDue(); }, delay);
    this.wake.unref();
  }

  private less(a: Entry, b: Entry) { return a.at < b.at || (a.at === b.at && a.seq < b.seq); }
  private push(e: Entry) {
    const h = this.heap; h.push(e);
    let i = h.length - 1;
    while (i > 0) { const p = (i - 1) >> 1; if (!this.less(h[i], h[p])) break; [h[i], h[p]] = [h[p], h[i]]; i = p; }
  }
  private pop(): Entry | undefined {
    const h = this.heap; if (!h.length) return undefined;
    const top = h[0]; const last = h.pop()!;
    if (h.length) {
      h[0] = last; let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1; let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break; [h[i], h[m]] = [h[m], h[i]]; i = m;
      }
    }
    return top;
  }
}

/** ISO 8601 durations as the clock route takes them: PT5M, P1DT2H, PT0.5S. */
export function parseDuration(s: string): number {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(s);
  if (!m || s === 'P' || s.endsWith('T')) throw new RangeError(`not an ISO 8601 duration: ${s}`);
  const [, d, h, min, sec] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return (((d * 24 + h) * 60 + min) * 60 + sec) * 1000;
}
