// SQS under load, against Nimbus in its own process (as users run it): 16 concurrent consumers
// drain 100,000 messages while producers send them in batches of 10, and every message arrives
// exactly once (no visibility timeout expires meanwhile); on a FIFO queue every group's order
// holds; and with --data-dir, kill -9 in the middle of such a load loses no acknowledged send
// and brings back no acknowledged delete. The load speaks the JSON protocol over keep-alive
// HTTP (see util.wire): the SDK's own CPU cost would otherwise be most of the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kill9, startProcess } from '../../process.js';
import { wire } from './util.js';

interface Msg { Body: string; ReceiptHandle: string; Attributes?: Record<string, string> }

async function drain(endpoint: string, opts: { total: number; fifo: boolean; groups: number; producers: number; consumers: number }) {
  const c = wire(endpoint);
  const name = opts.fifo ? 'load.fifo' : 'load';
  const { QueueUrl } = await c.call('CreateQueue', { QueueName: name, Attributes: { VisibilityTimeout: '900', ...(opts.fifo ? { FifoQueue: 'true' } : {}) } });
  let next = 0;
  let sendsDone = false;
  const producer = async () => {
    for (;;) {
      const base = next; next += 10;
      if (base >= opts.total) return;
      const Entries = Array.from({ length: 10 }, (_, i) => {
        const k = base + i;
        return { Id: `e${i}`, MessageBody: String(k), ...(opts.fifo ? { MessageGroupId: `g${k % opts.groups}`, MessageDeduplicationId: String(k) } : {}) };
      });
      const r = await c.call('SendMessageBatch', { QueueUrl, Entries });
      assert.equal(r.Successful.length, 10);
    }
  };
  const seen = new Uint8Array(opts.total);
  let distinct = 0;
  let duplicates = 0;
  const lastInGroup = new Map<string, string>();
  let orderBreaks = 0;
  const consumer = async () => {
    let idle = 0;
    while (distinct < opts.total && idle < 20) {
      const r = await c.call<{ Messages?: Msg[] }>('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, ...(opts.fifo ? { MessageSystemAttributeNames: ['MessageGroupId', 'SequenceNumber'] } : {}) });
      const ms = r.Messages ?? [];
      if (!ms.length) { if (sendsDone) idle++; continue; }
      idle = 0;
      for (const m of ms) {
        const k = Number(m.Body);
        if (seen[k]) duplicates++; else { seen[k] = 1; distinct++; }
        if (opts.fifo) {
          // Messages of a group are received in the order they were sent (their sequence
          // numbers, 20 digits, increase in send order).
          const g = m.Attributes!.MessageGroupId;
          const sq = m.Attributes!.SequenceNumber;
          if ((lastInGroup.get(g) ?? '') >= sq) orderBreaks++;
          lastInGroup.set(g, sq);
        }
      }
      const d = await c.call('DeleteMessageBatch', { QueueUrl, Entries: ms.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
      assert.equal(d.Successful.length, ms.length);
    }
  };
  const started = performance.now();
  const consumers = Promise.all(Array.from({ length: opts.consumers }, consumer));
  await Promise.all(Array.from({ length: opts.producers }, producer));
  sendsDone = true;
  await consumers;
  const ms = performance.now() - started;
  const a = await c.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
  c.close();
  return { distinct, duplicates, orderBreaks, ms, attrs: a.Attributes as Record<string, string> };
}

test('16 consumers drain 100,000 messages: every message once, none lost', { timeout: 120_000 }, async () => {
  const p = await startProcess([]);
  try {
    const r = await drain(p.endpoint, { total: 100_000, fifo: false, groups: 0, producers: 16, consumers: 16 });
    console.log(`# standard: 100,000 messages sent and drained in ${r.ms.toFixed(0)} ms`);
    assert.equal(r.duplicates, 0);
    assert.equal(r.distinct, 100_000);
    assert.equal(r.attrs.ApproximateNumberOfMessages, '0');
    assert.equal(r.attrs.ApproximateNumberOfMessagesNotVisible, '0');
  } finally { await kill9(p); }
});

test('FIFO: 16 consumers drain 100,000 messages in 100 groups; each group in order', { timeout: 120_000 }, async () => {
  const p = await startProcess([]);
  try {
    const r = await drain(p.endpoint, { total: 100_000, fifo: true, groups: 100, producers: 16, consumers: 16 });
    console.log(`# fifo: 100,000 messages sent and drained in ${r.ms.toFixed(0)} ms`);
    assert.equal(r.duplicates, 0);
    assert.equal(r.orderBreaks, 0);
    assert.equal(r.distinct, 100_000);
  } finally { await kill9(p); }
});

test('--data-dir: kill -9 under load loses no acknowledged send and resurrects no acknowledged delete', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-sqs-'));
  try {
    let p = await startProcess(['--data-dir', dir]);
    let c = wire(p.endpoint, 32);
    const { QueueUrl } = await c.call('CreateQueue', { QueueName: 'durable', Attributes: { VisibilityTimeout: '900' } });
    const acked = new Set<string>();      // sends the server answered 200
    const deleting = new Set<string>();   // deletes we asked for (answered or not)
    const deleted = new Set<string>();    // deletes the server answered 200
    let stop = false;
    let seq = 0;
    const producer = async () => {
      while (!stop) {
        const bodies = Array.from({ length: 10 }, () => `m${seq++}`);
        try {
          await c.call('SendMessageBatch', { QueueUrl, Entries: bodies.map((b, i) => ({ Id: `e${i}`, MessageBody: b })) });
          for (const b of bodies) acked.add(b);
        } catch { return; }
      }
    };
    const consumer = async () => {
      while (!stop) {
        try {
          const r = await c.call<{ Messages?: Msg[] }>('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
          const ms = r.Messages ?? [];
          if (!ms.length) continue;
          for (const m of ms) deleting.add(m.Body);
          await c.call('DeleteMessageBatch', { QueueUrl, Entries: ms.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
          for (const m of ms) deleted.add(m.Body);
        } catch { return; }
      }
    };
    const load = Promise.all([...Array.from({ length: 8 }, producer), ...Array.from({ length: 8 }, consumer)]);
    // Kill once a good amount of work was acknowledged.
    while (acked.size < 20_000 || deleted.size < 5_000) await new Promise((r) => setTimeout(r, 20));
    await kill9(p);
    stop = true;
    await load;
    c.close();

    p = await startProcess(['--data-dir', dir]);
    c = wire(p.endpoint, 8);
    // Messages that were in flight at the kill become visible once their timeout ends.
    await fetch(`${p.endpoint}/_nimbus/clock`, { method: 'POST', body: JSON.stringify({ advance: 'PT16M' }) });
    const left = new Set<string>();
    for (let empty = 0; empty < 3;) {
      const r = await c.call<{ Messages?: Msg[] }>('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 900 });
      const ms = r.Messages ?? [];
      if (!ms.length) { empty++; continue; }
      for (const m of ms) left.add(m.Body);
    }
    console.log(`# kill -9 after ${acked.size} acknowledged sends and ${deleted.size} acknowledged deletes; ${left.size} messages left`);
    const lost = [...acked].filter((b) => !left.has(b) && !deleting.has(b));
    assert.deepEqual(lost.slice(0, 5), [], `${lost.length} acknowledged sends lost`);
    const resurrected = [...deleted].filter((b) => left.has(b));
    assert.deepEqual(resurrected.slice(0, 5), [], `${resurrected.length} acknowledged deletes came back`);
    c.close();
    await kill9(p);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('--data-dir: queues, in-flight and delayed messages, FIFO groups and deduplication survive kill -9', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-sqs-'));
  try {
    let p = await startProcess(['--data-dir', dir]);
    let c = wire(p.endpoint, 4);
    const std = (await c.call('CreateQueue', { QueueName: 'keep', Attributes: { VisibilityTimeout: '600' }, tags: { team: 'a' } })).QueueUrl;
    const fifo = (await c.call('CreateQueue', { QueueName: 'keep.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '600' } })).QueueUrl;
    await c.call('SendMessage', { QueueUrl: std, MessageBody: 'held' });
    const held = await c.call<{ Messages: Msg[] }>('ReceiveMessage', { QueueUrl: std });
    await c.call('SendMessage', { QueueUrl: std, MessageBody: 'visible', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } });
    await c.call('SendMessage', { QueueUrl: std, MessageBody: 'delayed', DelaySeconds: 300 });
    const first = await c.call('SendMessage', { QueueUrl: fifo, MessageBody: 'f1', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    await c.call('SendMessage', { QueueUrl: fifo, MessageBody: 'f2', MessageGroupId: 'g', MessageDeduplicationId: 'd2' });
    await c.call('ReceiveMessage', { QueueUrl: fifo, MaxNumberOfMessages: 1 });
    await kill9(p);
    c.close();

    p = await startProcess(['--data-dir', dir]);
    c = wire(p.endpoint, 4);
    const a = (await c.call('GetQueueAttributes', { QueueUrl: std, AttributeNames: ['All'] })).Attributes;
    assert.deepEqual([a.ApproximateNumberOfMessages, a.ApproximateNumberOfMessagesNotVisible, a.ApproximateNumberOfMessagesDelayed, a.VisibilityTimeout], ['1', '1', '1', '600']);
    assert.deepEqual((await c.call('ListQueueTags', { QueueUrl: std })).Tags, { team: 'a' });
    const vis = await c.call<{ Messages: (Msg & { MessageAttributes: Record<string, { StringValue: string }> })[] }>('ReceiveMessage', { QueueUrl: std, MessageAttributeNames: ['All'] });
    assert.equal(vis.Messages[0].Body, 'visible');
    assert.equal(vis.Messages[0].MessageAttributes.k.StringValue, 'v');
    // the old receipt handle is still the current one
    await c.call('ChangeMessageVisibility', { QueueUrl: std, ReceiptHandle: held.Messages[0].ReceiptHandle, VisibilityTimeout: 0 });
    assert.equal((await c.call<{ Messages: Msg[] }>('ReceiveMessage', { QueueUrl: std })).Messages[0].Body, 'held');
    // FIFO: the group is still held, the deduplication id still known
    assert.deepEqual((await c.call('ReceiveMessage', { QueueUrl: fifo })).Messages, undefined);
    assert.equal((await c.call('SendMessage', { QueueUrl: fifo, MessageBody: 'again', MessageGroupId: 'g', MessageDeduplicationId: 'd1' })).MessageId, first.MessageId);
    await fetch(`${p.endpoint}/_nimbus/clock`, { method: 'POST', body: JSON.stringify({ advance: 'PT11M' }) });
    const order = await c.call<{ Messages: Msg[] }>('ReceiveMessage', { QueueUrl: fifo, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    assert.deepEqual(order.Messages.map((m) => [m.Body, m.Attributes!.ApproximateReceiveCount]), [['f1', '2'], ['f2', '1']]);
    const d = (await c.call('GetQueueAttributes', { QueueUrl: std, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] })).Attributes;
    assert.equal(d.ApproximateNumberOfMessagesDelayed, '0');
    c.close();
    await kill9(p);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
