// A push-driven AsyncIterable: a producer (a streamed invocation) pushes items as they come, a
// consumer (the event-stream encoder, a function URL's response body) pulls them in order.
export class StreamQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private ended = false;
  private error?: unknown;
  private wake?: () => void;

  push(item: T): void { if (this.ended) return; this.items.push(item); this.notify(); }
  end(): void { this.ended = true; this.notify(); }
  fail(e: unknown): void { this.error = e; this.ended = true; this.notify(); }

  private notify(): void { const w = this.wake; this.wake = undefined; w?.(); }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.items.length) { yield this.items.shift()!; continue; }
      if (this.error !== undefined) throw this.error;
      if (this.ended) return;
      await new Promise<void>((ok) => { this.wake = ok; });
    }
  }
}
