// Queues: create (idempotent for the same attributes), URLs, listing, deletion, attributes,
// tags, permissions, purge, dead-letter sources.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import {
  type In, type Out, invalidParameter, invalidParameterText, queueDoesNotExist, queueUrl, resolveQueue, st,
} from './common.js';
import { DEFAULTS, FIFO_DEFAULTS, checkAttributes, mergeAttributes, nowSeconds, queueAttributes } from './attributes.js';
import { Queue, type QueueRec } from './state.js';

const STANDARD_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

export function createQueue(ctx: RequestContext, input: In<'CreateQueue'>): Out<'CreateQueue'> {
  const name = input.QueueName;
  const attrsIn = input.Attributes ?? {};
  const fifoAttr = attrsIn.FifoQueue?.toLowerCase();
  const fifo = fifoAttr === 'true';
  if (fifo || name.endsWith('.fifo')) {
    if (!FIFO_NAME.test(name) || !fifo) {
      throw invalidParameterText('The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.');
    }
  } else if (!STANDARD_NAME.test(name)) {
    throw invalidParameterText('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
  const s = st(ctx);
  const arn = `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`;
  const target = { name, arn, account: ctx.accountId, region: ctx.region, fifo };
  const checked = checkAttributes(s, target, attrsIn, true);
  const existing = s.live.get(name);
  if (existing) {
    // Same name, same attributes: the existing queue. Any difference: QueueAlreadyExists.
    for (const [k, v] of Object.entries(checked)) {
      const have = existing.rec.attrs[k] ?? (k === 'FifoQueue' ? 'false' : '');
      if (have !== v) throw new ServiceError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${k}`);
    }
    if (existing.fifo !== fifo) throw new ServiceError('QueueNameExists', 'A queue already exists with the same name and a different value for attribute FifoQueue');
    return { QueueUrl: queueUrl(ctx, existing) };
  }
  const deleted = s.deletedAt.get(name);
  if (deleted !== undefined && clock.now() - deleted < 60_000) {
    throw new ServiceError('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.');
  }
  const tags = input.tags ?? {};
  checkTags(tags, 0, name);
  const attrs: Record<string, string> = { ...DEFAULTS, ...(fifo ? FIFO_DEFAULTS : {}) };
  mergeAttributes(attrs, checked);
  const now = nowSeconds();
  const rec: QueueRec = { name, account: ctx.accountId, region: ctx.region, arn, fifo, attrs, tags: { ...tags }, created: now, modified: now };
  s.queues.set(name, rec);
  const q = new Queue(s, rec);
  s.live.set(name, q);
  s.deletedAt.delete(name);
  return { QueueUrl: queueUrl(ctx, q) };
}

export function getQueueUrl(ctx: RequestContext, input: In<'GetQueueUrl'>): Out<'GetQueueUrl'> {
  const account = input.QueueOwnerAWSAccountId ?? ctx.accountId;
  if (!/^\d{12}$/.test(account)) throw queueDoesNotExist();
  const q = st({ accountId: account, region: ctx.region }).live.get(input.QueueName);
  if (!q) throw queueDoesNotExist();
  return { QueueUrl: queueUrl(ctx, q) };
}

function checkMaxResults(v: number | undefined): void {
  if (v !== undefined && (v < 1 || v > 1000)) throw invalidParameter('MaxResults', v, 'MaxResults must be an integer between 1 and 1000.');
}

const badToken = () => invalidParameterText('Invalid NextToken value.');

export function listQueues(ctx: RequestContext, input: In<'ListQueues'>): Out<'ListQueues'> {
  checkMaxResults(input.MaxResults);
  const prefix = input.QueueNamePrefix ?? '';
  const names = [...st(ctx).live.keys()].filter((n) => n.startsWith(prefix)).sort();
  const p = page(ctx, input as Record<string, unknown>, names, { key: (n) => n, defaultLimit: 1000, maxLimit: 1000, invalidToken: badToken });
  const urls = (p.QueueUrls as string[]).map((n) => `${ctx.endpoint}/${ctx.accountId}/${n}`);
  // NextToken only pages when the caller asked for pages (MaxResults), as SQS does.
  return { ...(urls.length ? { QueueUrls: urls } : {}), ...(input.MaxResults !== undefined && p.NextToken ? { NextToken: p.NextToken as string } : {}) };
}

export function deleteQueue(ctx: RequestContext, input: In<'DeleteQueue'>): Out<'DeleteQueue'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  const s = q.st;
  q.engine.purge();
  q.engine.close();
  for (const k of q.dedup.keys()) s.dedup.delete(`${q.name}/${k}`);
  if (q.task && q.task.status === 'RUNNING') { q.task.status = 'CANCELLED'; s.tasks.touch(q.task.id); }
  s.queues.delete(q.name);
  s.live.delete(q.name);
  s.deletedAt.set(q.name, clock.now());
}

export function getQueueAttributes(ctx: RequestContext, input: In<'GetQueueAttributes'>): Out<'GetQueueAttributes'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  const names = input.AttributeNames ?? [];
  const attrs = queueAttributes(q, names);
  return Object.keys(attrs).length ? { Attributes: attrs } : {};
}

export function setQueueAttributes(ctx: RequestContext, input: In<'SetQueueAttributes'>): Out<'SetQueueAttributes'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  const r = q.rec;
  const checked = checkAttributes(q.st, { name: r.name, arn: r.arn, account: r.account, region: r.region, fifo: r.fifo }, input.Attributes ?? {}, false);
  mergeAttributes(r.attrs, checked);
  r.modified = nowSeconds();
  q.st.queues.touch(r.name);
  q.applyAttrs();
  q.engine.tick(clock.now());
  q.engine.kick();
}

// ---- tags --------------------------------------------------------------------------------

function checkTags(tags: Record<string, string>, existing: number, name: string): void {
  if (Object.keys(tags).length + existing > 50) throw invalidParameterText(`Too many tags added for queue ${name}.`);
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128) throw invalidParameterText(`Tag key must be between 1 and 128 characters.`); // (?)
    if ((v ?? '').length > 256) throw invalidParameterText(`Tag value must be at most 256 characters.`); // (?)
  }
}

export function tagQueue(ctx: RequestContext, input: In<'TagQueue'>): Out<'TagQueue'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  const tags = input.Tags ?? {};
  if (!Object.keys(tags).length) throw invalidParameterText('The request must contain at least one tag.'); // (?)
  const added = Object.keys(tags).filter((k) => !(k in q.rec.tags)).length;
  checkTags(tags, Object.keys(q.rec.tags).length + added - Object.keys(tags).length, q.name);
  Object.assign(q.rec.tags, tags);
  q.st.queues.touch(q.name);
}

export function untagQueue(ctx: RequestContext, input: In<'UntagQueue'>): Out<'UntagQueue'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  for (const k of input.TagKeys ?? []) delete q.rec.tags[k];
  q.st.queues.touch(q.name);
}

export function listQueueTags(ctx: RequestContext, input: In<'ListQueueTags'>): Out<'ListQueueTags'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  return Object.keys(q.rec.tags).length ? { Tags: { ...q.rec.tags } } : {};
}

// ---- permissions (the queue's Policy) ----------------------------------------------------

const ACTIONS = new Set(['*', 'SendMessage', 'ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibility',
  'GetQueueAttributes', 'GetQueueUrl', 'ListDeadLetterSourceQueues', 'PurgeQueue', 'ListQueueTags',
  'SendMessageBatch', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch', 'ListMessageMoveTasks',
  'StartMessageMoveTask', 'CancelMessageMoveTask']);

interface PolicyDoc { Version: string; Id?: string; Statement: Record<string, unknown>[] }

function policyOf(q: Queue): PolicyDoc {
  const p = q.rec.attrs.Policy;
  if (p) {
    try {
      const doc = JSON.parse(p) as PolicyDoc;
      if (!Array.isArray(doc.Statement)) doc.Statement = doc.Statement ? [doc.Statement] : [];
      return doc;
    } catch { /* replaced below */ }
  }
  return { Version: '2012-10-17', Id: `${q.arn}/SQSDefaultPolicy`, Statement: [] };
}

export function addPermission(ctx: RequestContext, input: In<'AddPermission'>): Out<'AddPermission'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  const label = input.Label;
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(label)) {
    throw invalidParameter('Label', label, 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
  const accounts = input.AWSAccountIds ?? [];
  const actions = input.Actions ?? [];
  if (!accounts.length) throw invalidParameterText('Value [] for parameter PrincipalId is invalid. Reason: Please provide a principal.'); // (?)
  if (!actions.length) throw invalidParameterText('Value [] for parameter ActionName is invalid. Reason: Please provide an action.'); // (?)
  if (actions.length > 7) throw new ServiceError('OverLimit', `${actions.length} Actions were found, maximum allowed is 7.`);
  for (const a of actions) {
    if (!ACTIONS.has(a)) throw invalidParameter('ActionName', `SQS:${a}`, 'Please refer to the appropriate WSDL for a list of valid actions.');
  }
  const doc = policyOf(q);
  if (doc.Statement.some((s) => s.Sid === label)) throw invalidParameter('Label', label, 'Already exists.');
  const principals = accounts.map((a) => `arn:aws:iam::${a}:root`);
  const acts = actions.map((a) => `SQS:${a}`);
  doc.Statement.push({
    Sid: label, Effect: 'Allow',
    Principal: { AWS: principals.length === 1 ? principals[0] : principals },
    Action: acts.length === 1 ? acts[0] : acts,
    Resource: q.arn,
  });
  q.rec.attrs.Policy = JSON.stringify(doc);
  q.rec.modified = nowSeconds();
  q.st.queues.touch(q.name);
}

export function removePermission(ctx: RequestContext, input: In<'RemovePermission'>): Out<'RemovePermission'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  const doc = policyOf(q);
  const i = doc.Statement.findIndex((s) => s.Sid === input.Label);
  if (i < 0) throw invalidParameter('Label', input.Label, "can't find label on existing policy.");
  doc.Statement.splice(i, 1);
  if (doc.Statement.length) q.rec.attrs.Policy = JSON.stringify(doc);
  else delete q.rec.attrs.Policy;
  q.rec.modified = nowSeconds();
  q.st.queues.touch(q.name);
}

// ---- purge, dead-letter sources ----------------------------------------------------------

export function purgeQueue(ctx: RequestContext, input: In<'PurgeQueue'>): Out<'PurgeQueue'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  const now = clock.now();
  if (q.rec.lastPurge !== undefined && now - q.rec.lastPurge < 60_000) {
    throw new ServiceError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${q.name} is allowed every 60 seconds.`);
  }
  q.rec.lastPurge = now;
  q.st.queues.touch(q.name);
  q.engine.purge();
}

export function listDeadLetterSourceQueues(ctx: RequestContext, input: In<'ListDeadLetterSourceQueues'>): Out<'ListDeadLetterSourceQueues'> {
  const dlq = resolveQueue(ctx, input.QueueUrl);
  checkMaxResults(input.MaxResults);
  const names = [...dlq.st.live.values()].filter((q) => q.redrive?.arn === dlq.arn).map((q) => q.name).sort();
  const p = page(ctx, input as Record<string, unknown>, names, { key: (n) => n, defaultLimit: 1000, maxLimit: 1000, invalidToken: badToken });
  const urls = (p.queueUrls as string[]).map((n) => `${ctx.endpoint}/${dlq.rec.account}/${n}`);
  return { queueUrls: urls, ...(input.MaxResults !== undefined && p.NextToken ? { NextToken: p.NextToken as string } : {}) };
}
