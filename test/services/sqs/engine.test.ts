// The queue engine on its own: receive at depth takes the oldest messages without a scan, and
// the in-flight / delay heaps keep order under updates and removals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Collection } from '../../../src/core/state.js';
import { Heap, Msg, QueueEngine, type EngineHooks } from '../../../src/services/sqs/engine.js';

const hooks: EngineHooks = { deadLetter: () => undefined, moveTo: () => undefined };

function msg(q: string, i: number, now: number, due = now): Msg {
  return new Msg({ q, id: `id-${i}`, n: i, body: 'x', md5b: '', sent: now, sender: 's', due, fl: 0, rc: 0, fr: 0, r: 0, rt: 0, size: 1 });
}

function engineWith(depth: number, fifo = false): { e: QueueEngine; now: number } {
  const store = new Collection<Msg>('sqs', 'a', 'r', 'messages');
  const e = new QueueEngine(fifo ? 'q.fifo' : 'q', fifo, store, hooks);
  const now = Date.now();
  for (let i = 0; i < depth; i++) {
    const m = msg(e.name, i, now);
    if (fifo) m.g = `g${i % 1000}`;
    e.insert(m, now);
  }
  return { e, now };
}

// Receive cost against depth is a number, so it is measured in bench/sqs-depth.mjs, not timed
// here. This test holds the structure that makes it O(1): a receive at depth takes the oldest
// ready messages (FIFO: one group's head), touches nothing else, and the counts stay exact.
test('receive at 210,000 queued takes the oldest messages and leaves the rest untouched', () => {
  for (const fifo of [false, true]) {
    const { e, now } = engineWith(210_000, fifo);
    const got = e.receive(10, 30_000, now);
    assert.equal(got.length, 10);
    if (fifo) assert.deepEqual(got.map((m) => m.n), Array.from({ length: 10 }, (_, i) => i * 1000), 'the first group, its messages in order');
    else assert.deepEqual(got.map((m) => m.n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual([e.nReady, e.nInflight], [210_000 - 10, 10]);
    for (const m of got) e.remove(m);
    const next = e.receive(10, 30_000, now);
    if (!fifo) assert.deepEqual(next.map((m) => m.n), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    assert.deepEqual([e.nReady, e.nInflight], [210_000 - 20, 10]);
  }
});

test('heap: pops by due time, survives updates and removals', () => {
  const h = new Heap();
  const now = 1_000_000;
  const ms = Array.from({ length: 500 }, (_, i) => msg('q', i, now, now + ((i * 7919) % 1000)));
  for (const m of ms) h.push(m);
  for (let i = 0; i < 500; i += 5) h.remove(ms[i]);
  for (let i = 1; i < 500; i += 7) { ms[i].due = now + 5000 - i; h.update(ms[i]); }
  let last = -Infinity;
  let count = 0;
  for (let m = h.pop(); m; m = h.pop()) {
    assert.ok(m.due >= last);
    assert.equal(m.hi, -1);
    last = m.due;
    count++;
  }
  assert.equal(count, 400);
});

test('engine: visibility, delay and retention move by time; counts stay exact', () => {
  const { e, now } = engineWith(0);
  e.retentionMs = 100_000;
  for (let i = 0; i < 10; i++) e.insert(msg('q', i, now, i < 3 ? now + 5_000 : now), now);
  assert.deepEqual([e.nReady, e.nInflight, e.nDelayed], [7, 0, 3]);
  const got = e.receive(4, 10_000, now);
  assert.equal(got.length, 4);
  assert.deepEqual([e.nReady, e.nInflight, e.nDelayed], [3, 4, 3]);
  e.tick(now + 5_000);
  assert.deepEqual([e.nReady, e.nInflight, e.nDelayed], [6, 4, 0]);
  e.tick(now + 10_000);
  assert.deepEqual([e.nReady, e.nInflight, e.nDelayed], [10, 0, 0]);
  assert.equal(e.receive(10, 10_000, now + 10_000)[0].id, got[0].id, 'a message whose timeout ended comes first');
  e.tick(now + 100_000);
  assert.deepEqual([e.nReady, e.nInflight, e.nDelayed], [0, 0, 0]);
});
