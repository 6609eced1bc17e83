// The one clock: timers fire in order when virtual time is advanced or set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clock, parseDuration } from '../../src/core/clock.js';

test('advancing the clock fires due timers in order, and only those', () => {
  const c = new Clock();
  const fired: string[] = [];
  const t0 = c.now();
  c.schedule(t0 + 60_000, () => fired.push('1m'));
  c.schedule(t0 + 30_000, () => fired.push('30s'));
  const cancelled = c.schedule(t0 + 10_000, () => fired.push('cancelled'));
  c.after(3_600_000, () => fired.push('1h'));
  cancelled.cancel();
  c.advance(parseDuration('PT1M'));
  assert.deepEqual(fired, ['30s', '1m']);
  assert.ok(c.now() - t0 >= 60_000);
  c.set(t0 + 7_200_000);
  assert.deepEqual(fired, ['30s', '1m', '1h']);
  c.reset();
  assert.ok(Math.abs(c.now() - Date.now()) < 50);
});

test('ISO 8601 durations', () => {
  assert.equal(parseDuration('PT5M'), 300_000);
  assert.equal(parseDuration('P1DT2H'), 93_600_000);
  assert.equal(parseDuration('PT0.5S'), 500);
  assert.throws(() => parseDuration('5 minutes'), RangeError);
  assert.throws(() => parseDuration('P'), RangeError);
  assert.throws(() => new Clock().advance(-1), RangeError);
});

test('a timer in real time fires without advancing', async () => {
  const c = new Clock();
  const fired = await new Promise<boolean>((ok) => { c.after(20, () => ok(true)); setTimeout(() => ok(false), 2000); });
  assert.equal(fired, true);
});
