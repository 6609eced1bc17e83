// Dead-letter queue redrive: StartMessageMoveTask moves a DLQ's messages back to their source
// queues (or to DestinationArn), at MaxNumberOfMessagesPerSecond on the clock, or as fast as
// it can when none is given; ListMessageMoveTasks and CancelMessageMoveTask watch and stop it.
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { Timer } from '../../core/clock.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, invalidParameter, st } from './common.js';
import { onReset } from '../../core/state.js';
import { moveMessage, onRebuild, queueByArn, type Queue, type SqsState, type TaskRec } from './state.js';

const timers = new Map<string, Timer>();

const notFound = (what: string) => new ServiceError('ResourceNotFoundException', `The resource that you specified for the ${what} parameter doesn't exist.`);

function sourceQueue(ctx: RequestContext, arn: string): Queue {
  const q = queueByArn(st(ctx), arn);
  if (!q) throw notFound('SourceArn');
  return q;
}

export function startMessageMoveTask(ctx: RequestContext, input: In<'StartMessageMoveTask'>): Out<'StartMessageMoveTask'> {
  const s = st(ctx);
  const src = sourceQueue(ctx, input.SourceArn);
  const isDlq = [...s.live.values()].some((q) => q.redrive?.arn === src.arn);
  if (!isDlq) throw invalidParameter('SourceArn', input.SourceArn, 'Source queue must be configured as a Dead Letter Queue.');
  const rate = input.MaxNumberOfMessagesPerSecond;
  if (rate !== undefined && (rate < 1 || rate > 500)) {
    throw invalidParameter('MaxNumberOfMessagesPerSecond', rate, 'Must be between 1 and 500, if provided.'); // (?)
  }
  if (input.DestinationArn !== undefined) {
    const dst = queueByArn(s, input.DestinationArn);
    if (!dst) throw notFound('DestinationArn');
    if (dst.fifo !== src.fifo) throw invalidParameter('DestinationArn', input.DestinationArn, 'Destination queue must be same type of queue as the source.'); // (?)
  }
  if (src.task?.status === 'RUNNING') {
    throw new ServiceError('UnsupportedOperation', 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
  }
  src.engine.tick(clock.now());
  const id = randomUUID();
  const task: TaskRec = {
    id,
    handle: Buffer.from(JSON.stringify({ taskId: id, sourceArn: src.arn })).toString('base64'),
    source: src.arn, destination: input.DestinationArn, rate, status: 'RUNNING',
    moved: 0, toMove: src.engine.nReady, started: clock.now(),
  };
  s.tasks.set(id, task);
  src.task = task;
  schedule(s, task, 0);
  return { TaskHandle: task.handle };
}

function schedule(s: SqsState, t: TaskRec, ms: number): void {
  timers.get(t.id)?.cancel();
  timers.set(t.id, clock.after(ms, () => { timers.delete(t.id); step(s, t); }));
}

function finish(s: SqsState, t: TaskRec, status: TaskRec['status'], failure?: string): void {
  t.status = status;
  if (failure) t.failure = failure;
  s.tasks.touch(t.id);
  timers.get(t.id)?.cancel();
  timers.delete(t.id);
}

function step(s: SqsState, t: TaskRec): void {
  if (t.status !== 'RUNNING' || s.tasks.get(t.id) !== t) return;
  const src = queueByArn(s, t.source);
  if (!src) { finish(s, t, 'FAILED', 'AWS.SimpleQueueService.NonExistentQueue'); return; }
  const budget = t.rate ?? Infinity;
  const now = clock.now();
  let n = 0;
  while (n < budget && t.moved < t.toMove) {
    const m = src.engine.peekReady(now);
    if (!m) break;
    const dst = queueByArn(s, t.destination ?? m.src ?? '');
    if (!dst) { finish(s, t, 'FAILED', 'AWS.SimpleQueueService.NonExistentQueue'); return; }
    moveMessage(src, m, dst, undefined);
    t.moved++; n++;
  }
  s.tasks.touch(t.id);
  if (t.moved >= t.toMove || !src.engine.peekReady(now)) finish(s, t, 'COMPLETED');
  else schedule(s, t, 1000);
}

function parseHandle(h: string): { taskId: string; sourceArn: string } | undefined {
  try {
    const p = JSON.parse(Buffer.from(h, 'base64').toString('utf8')) as { taskId?: unknown; sourceArn?: unknown };
    return typeof p.taskId === 'string' && typeof p.sourceArn === 'string' ? { taskId: p.taskId, sourceArn: p.sourceArn } : undefined;
  } catch { return undefined; }
}

export function cancelMessageMoveTask(ctx: RequestContext, input: In<'CancelMessageMoveTask'>): Out<'CancelMessageMoveTask'> {
  const s = st(ctx);
  const h = parseHandle(input.TaskHandle);
  const t = h && s.tasks.get(h.taskId);
  if (!t) throw new ServiceError('ResourceNotFoundException', 'Task does not exist.');
  if (t.status !== 'RUNNING') throw new ServiceError('UnsupportedOperation', 'Only active tasks can be cancelled.'); // (?)
  finish(s, t, 'CANCELLED');
  return { ApproximateNumberOfMessagesMoved: t.moved };
}

export function listMessageMoveTasks(ctx: RequestContext, input: In<'ListMessageMoveTasks'>): Out<'ListMessageMoveTasks'> {
  const s = st(ctx);
  const src = sourceQueue(ctx, input.SourceArn);
  const max = input.MaxResults ?? 1;
  if (max < 1 || max > 10) throw invalidParameter('MaxResults', max, 'Must be between 1 and 10, if provided.'); // (?)
  const tasks = [...s.tasks.values()].filter((t) => t.source === src.arn).sort((a, b) => b.started - a.started).slice(0, max);
  return {
    Results: tasks.map((t) => ({
      ...(t.status === 'RUNNING' ? { TaskHandle: t.handle } : {}),
      Status: t.status,
      SourceArn: t.source,
      ...(t.destination ? { DestinationArn: t.destination } : {}),
      ...(t.rate !== undefined ? { MaxNumberOfMessagesPerSecond: t.rate } : {}),
      ApproximateNumberOfMessagesMoved: t.moved,
      ApproximateNumberOfMessagesToMove: t.toMove,
      ...(t.failure ? { FailureReason: t.failure } : {}),
      StartedTimestamp: t.started,
    })),
  };
}

// After a restart, running tasks carry on.
onRebuild((s) => {
  for (const t of s.tasks.values()) {
    if (t.status !== 'RUNNING') continue;
    const src = queueByArn(s, t.source);
    if (src) { src.task = t; schedule(s, t, 0); } else finish(s, t, 'FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
  }
});

onReset((service) => {
  if (service && service !== 'sqs') return;
  for (const t of timers.values()) t.cancel();
  timers.clear();
});
