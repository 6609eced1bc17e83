// Messages: send (and batch), receive (long polling, attribute selection, FIFO receive
// attempts), delete (and batch), visibility changes (and batch). Limits and wording follow the
// SQS API Reference; where we are unsure of AWS's exact words the line says (?).
import { createHash, randomUUID } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import type { MessageAttributeValue, Message, MessageSystemAttributeValue } from '../../protocols/types/sqs.js';
import {
  type In, type Out, invalidParameter, invalidParameterText, missingParameter, receiptHandleInvalid, resolveQueue,
} from './common.js';
import { INFLIGHT, Msg, type Attr } from './engine.js';
import { md5Hex, md5OfAttributes } from './md5.js';
import { sequenceNumber, type Queue } from './state.js';

const MAX_VISIBILITY_S = 43_200;

// ---- receipt handles ---------------------------------------------------------------------
// Opaque to clients: base64 of account, queue, message id and the receive it came from.

export function receiptHandle(q: Queue, m: Msg): string {
  return Buffer.from(`${q.rec.account}:${q.name}:${m.id}:${m.r}`, 'utf8').toString('base64');
}

interface Handle { account: string; queue: string; id: string; r: number }

function parseHandle(h: string): Handle | undefined {
  if (!h || h.length > 1024 || !/^[A-Za-z0-9+/]+={0,2}$/.test(h)) return undefined;
  const p = Buffer.from(h, 'base64').toString('utf8').split(':');
  if (p.length !== 4 || !/^\d{12}$/.test(p[0]) || !/^\d+$/.test(p[3]) || !p[2]) return undefined;
  return { account: p[0], queue: p[1], id: p[2], r: Number(p[3]) };
}

/** The message a handle names in this queue; undefined when it was deleted. */
function handleTarget(q: Queue, raw: string): { h: Handle; m: Msg | undefined } {
  const h = parseHandle(raw);
  if (!h || h.account !== q.rec.account || h.queue !== q.name) throw receiptHandleInvalid(raw);
  q.engine.tick(clock.now()); // timeouts that ended count before the handle is judged
  const m = q.st.messages.get(`${q.name}/${h.id}`);
  if (m && h.r > m.r) throw receiptHandleInvalid(raw);
  return { h, m };
}

// ---- sending -----------------------------------------------------------------------------

// Valid characters: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
const INVALID_CHARS = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const invalidContents = () => new ServiceError('InvalidMessageContents',
  'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');

const ID_CHARS = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

const ATTR_NAME = /^[A-Za-z0-9_.-]{1,256}$/;

/** Validates message attributes; returns them as stored and their size as SQS counts it. */
function checkMessageAttributes(input: Record<string, MessageAttributeValue> | undefined): { ma?: Record<string, Attr>; size: number } {
  if (!input) return { size: 0 };
  const names = Object.keys(input);
  if (!names.length) return { size: 0 };
  if (names.length > 10) throw invalidParameterText(`Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  const ma: Record<string, Attr> = {};
  let size = 0;
  for (const name of names) {
    const v = input[name];
    if (!name) throw invalidParameterText('The request must contain non-empty message attribute name.');
    const lower = name.toLowerCase();
    if (!ATTR_NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw invalidParameterText(`Message (user) attribute name '${name}' is invalid. The message attribute name can only contain alphanumeric characters, hyphens, underscores and periods, can't start or end with a period or have consecutive periods, and must be at most 256 characters long.`); // (?)
    }
    if (lower.startsWith('aws.') || lower.startsWith('amazon.')) {
      throw invalidParameterText(`You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for internal use by Amazon SQS.`); // (?)
    }
    const type = v?.DataType;
    if (!type) throw invalidParameterText(`The message attribute '${name}' must contain non-empty message attribute type.`);
    const base = type.split('.')[0];
    if ((base !== 'String' && base !== 'Number' && base !== 'Binary') || type.length > 256) {
      throw invalidParameterText(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    if (v.StringListValues?.length || v.BinaryListValues?.length) {
      throw invalidParameterText('Message attribute list values in SendMessage operation are not supported.');
    }
    if (base === 'Binary') {
      if (v.StringValue !== undefined) throw invalidParameterText(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      const b = v.BinaryValue === undefined ? undefined : Buffer.isBuffer(v.BinaryValue) ? v.BinaryValue : Buffer.from(v.BinaryValue as Uint8Array);
      if (!b || !b.length) throw invalidParameterText(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`);
      ma[name] = { DataType: type, BinaryValue: b };
      size += Buffer.byteLength(name) + Buffer.byteLength(type) + b.length;
    } else {
      if (v.BinaryValue !== undefined) throw invalidParameterText(`The message attribute '${name}' with type '${base}' must use field 'String'.`);
      const s = v.StringValue;
      if (s === undefined || s === '') throw invalidParameterText(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`);
      if (INVALID_CHARS.test(s)) throw invalidContents();
      if (base === 'Number' && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s.trim())) {
        throw invalidParameterText(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      ma[name] = { DataType: type, StringValue: s };
      size += Buffer.byteLength(name) + Buffer.byteLength(type) + Buffer.byteLength(s);
    }
  }
  return { ma, size };
}

/** Message system attributes on send: only AWSTraceHeader, a String; it does not count toward the size. */
function checkSystemAttributes(input: Record<string, MessageSystemAttributeValue> | undefined): string | undefined {
  if (!input) return undefined;
  let th: string | undefined;
  for (const [name, v] of Object.entries(input)) {
    if (name !== 'AWSTraceHeader') throw invalidParameterText(`Message system attribute name '${name}' is invalid.`); // (?)
    if (v?.DataType !== 'String') throw invalidParameterText(`The message system attribute '${name}' must be of type 'String'.`); // (?)
    if (!v.StringValue) throw invalidParameterText(`The message system attribute '${name}' must contain non-empty message attribute value.`); // (?)
    th = v.StringValue;
  }
  return th;
}

interface SendEntry {
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MessageSystemAttributes?: Record<string, MessageSystemAttributeValue>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

interface Prepared {
  body: string; ma?: Record<string, Attr>; th?: string; size: number; delay: number;
  group?: string; dedupId?: string;
}

/** Everything about a send that can fail, before anything is stored. */
function prepare(q: Queue, e: SendEntry): Prepared {
  const body = e.MessageBody;
  if (body === undefined || body === null || body === '') throw missingParameter('MessageBody');
  if (INVALID_CHARS.test(body)) throw invalidContents();
  const { ma, size: attrSize } = checkMessageAttributes(e.MessageAttributes);
  const th = checkSystemAttributes(e.MessageSystemAttributes);
  const size = Buffer.byteLength(body, 'utf8') + attrSize;
  if (size > q.maxSize) throw invalidParameterText(`One or more parameters are invalid. Reason: Message must be shorter than ${q.maxSize} bytes.`);
  let delay = q.delayS;
  if (e.DelaySeconds !== undefined && e.DelaySeconds !== null) {
    if (q.fifo) throw invalidParameter('DelaySeconds', e.DelaySeconds, 'The request include parameter that is not valid for this queue type.');
    if (e.DelaySeconds < 0 || e.DelaySeconds > 900) throw invalidParameter('DelaySeconds', e.DelaySeconds, 'DelaySeconds must be >= 0 and <= 900.');
    delay = e.DelaySeconds;
  }
  const group = e.MessageGroupId;
  if (group !== undefined && !ID_CHARS.test(group)) {
    throw invalidParameter('MessageGroupId', group, 'MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  }
  let dedupId = e.MessageDeduplicationId;
  if (q.fifo) {
    if (group === undefined) throw missingParameter('MessageGroupId');
    if (dedupId !== undefined) {
      if (!ID_CHARS.test(dedupId)) {
        throw invalidParameter('MessageDeduplicationId', dedupId, 'MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
      }
    } else if (q.contentDedup) {
      // Content-based deduplication: SHA-256 of the body (not the attributes).
      dedupId = createHash('sha256').update(body, 'utf8').digest('hex');
    } else {
      throw invalidParameterText('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
  } else if (dedupId !== undefined) {
    throw invalidParameter('MessageDeduplicationId', dedupId, 'The request include parameter that is not valid for this queue type.');
  }
  return { body, ma, th, size, delay, group, dedupId };
}

interface SendResult {
  MessageId: string; MD5OfMessageBody: string; MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string; SequenceNumber?: string;
}

function store(ctx: RequestContext, q: Queue, p: Prepared, now: number): SendResult {
  const md5a = p.ma ? md5OfAttributes(p.ma) : undefined;
  const md5s = p.th !== undefined ? md5OfAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: p.th } }) : undefined;
  const md5b = md5Hex(p.body);
  if (q.fifo) {
    // Deduplication: the same id within 5 minutes is accepted and not delivered again.
    q.expire(now);
    const key = q.dedupByGroup ? `${p.group}\u0000${p.dedupId}` : p.dedupId!;
    const seen = q.dedup.get(key);
    if (seen) {
      return { MessageId: seen.id, MD5OfMessageBody: md5b, MD5OfMessageAttributes: md5a, MD5OfMessageSystemAttributes: md5s, SequenceNumber: seen.sq };
    }
    const n = q.nextN();
    const id = randomUUID();
    const sq = sequenceNumber(n);
    const m = new Msg({
      q: q.name, id, n, body: p.body, ma: p.ma, md5b, md5a, th: p.th, md5s, sent: now, sender: ctx.caller.userId,
      due: now + p.delay * 1000, fl: 0, rc: 0, fr: 0, r: 0, rt: 0, g: p.group, dd: p.dedupId, sq, src: undefined, size: p.size,
    });
    q.engine.insert(m, now);
    const d = { q: q.name, k: key, id, sq, at: now };
    q.dedup.set(key, d);
    q.st.dedup.set(`${q.name}/${key}`, d);
    return { MessageId: id, MD5OfMessageBody: md5b, MD5OfMessageAttributes: md5a, MD5OfMessageSystemAttributes: md5s, SequenceNumber: sq };
  }
  const id = randomUUID();
  const m = new Msg({
    q: q.name, id, n: q.nextN(), body: p.body, ma: p.ma, md5b, md5a, th: p.th, md5s, sent: now, sender: ctx.caller.userId,
    due: now + p.delay * 1000, fl: 0, rc: 0, fr: 0, r: 0, rt: 0, g: p.group, dd: undefined, sq: undefined, src: undefined, size: p.size,
  });
  q.engine.insert(m, now);
  return { MessageId: id, MD5OfMessageBody: md5b, MD5OfMessageAttributes: md5a, MD5OfMessageSystemAttributes: md5s };
}

export function sendMessage(ctx: RequestContext, input: In<'SendMessage'>): Out<'SendMessage'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  const p = prepare(q, input);
  return store(ctx, q, p, clock.now());
}

// ---- batches -----------------------------------------------------------------------------

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

function checkBatch(entries: { Id: string }[] | undefined, entryName: string): void {
  if (!entries || !entries.length) throw new ServiceError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  if (entries.length > 10) throw new ServiceError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${entries.length}.`);
  const seen = new Set<string>();
  for (const e of entries) {
    if (typeof e.Id !== 'string' || !BATCH_ID.test(e.Id)) {
      throw new ServiceError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    }
    if (seen.has(e.Id)) throw new ServiceError('BatchEntryIdsNotDistinct', `Id ${e.Id} repeated.`);
    seen.add(e.Id);
  }
}

interface Failed { Id: string; SenderFault: boolean; Code: string; Message: string }

function failure(id: string, e: unknown): Failed {
  if (e instanceof ServiceError) return { Id: id, SenderFault: (e.status ?? 400) < 500, Code: e.code, Message: e.message };
  throw e;
}

export function sendMessageBatch(ctx: RequestContext, input: In<'SendMessageBatch'>): Out<'SendMessageBatch'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  checkBatch(input.Entries, 'SendMessageBatchRequestEntry');
  const prepared: (Prepared | Failed)[] = [];
  let total = 0;
  for (const e of input.Entries) {
    try {
      const p = prepare(q, e);
      total += p.size;
      prepared.push(p);
    } catch (err) { prepared.push(failure(e.Id, err)); }
  }
  // The payload of the whole batch has the same limit as one message.
  if (total > q.maxSize) {
    throw new ServiceError('BatchRequestTooLong', `Batch requests cannot be longer than ${q.maxSize} bytes. You have sent ${total} bytes.`);
  }
  const now = clock.now();
  const Successful: Out<'SendMessageBatch'>['Successful'] = [];
  const Failed: Failed[] = [];
  input.Entries.forEach((e, i) => {
    const p = prepared[i];
    if ('Code' in p) { Failed.push(p); return; }
    Successful.push({ Id: e.Id, ...store(ctx, q, p, now) });
  });
  return { Successful, Failed };
}

// ---- receiving ---------------------------------------------------------------------------

interface Selection { sysAll: boolean; sys: Set<string>; msgAll: boolean; exact: Set<string>; prefixes: string[] }

function selection(input: In<'ReceiveMessage'>): Selection {
  const sys = new Set<string>([...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])]);
  const exact = new Set<string>();
  const prefixes: string[] = [];
  let msgAll = false;
  for (const n of input.MessageAttributeNames ?? []) {
    if (n === 'All' || n === '.*') msgAll = true;
    else if (n.endsWith('.*')) prefixes.push(n.slice(0, -1));
    else exact.add(n);
  }
  return { sysAll: sys.has('All'), sys, msgAll, exact, prefixes };
}

function messageOut(q: Queue, m: Msg, sel: Selection): Message {
  const out: Message = { MessageId: m.id, ReceiptHandle: receiptHandle(q, m), MD5OfBody: m.md5b, Body: m.body };
  if (sel.sys.size) {
    const a: Record<string, string> = {};
    const want = (n: string) => sel.sysAll || sel.sys.has(n);
    if (want('SenderId')) a.SenderId = m.sender;
    if (want('SentTimestamp')) a.SentTimestamp = String(m.sent);
    if (want('ApproximateReceiveCount')) a.ApproximateReceiveCount = String(m.rc);
    if (want('ApproximateFirstReceiveTimestamp')) a.ApproximateFirstReceiveTimestamp = String(m.fr);
    if (m.th !== undefined && want('AWSTraceHeader')) a.AWSTraceHeader = m.th;
    if (q.fifo) {
      if (want('SequenceNumber') && m.sq) a.SequenceNumber = m.sq;
      if (want('MessageDeduplicationId') && m.dd !== undefined) a.MessageDeduplicationId = m.dd;
    }
    if (m.g !== undefined && want('MessageGroupId')) a.MessageGroupId = m.g;
    if (m.src && want('DeadLetterQueueSourceArn')) a.DeadLetterQueueSourceArn = m.src;
    if (Object.keys(a).length) out.Attributes = a;
  }
  if (m.ma && (sel.msgAll || sel.exact.size || sel.prefixes.length)) {
    const all = Object.keys(m.ma);
    const names = sel.msgAll ? all : all.filter((n) => sel.exact.has(n) || sel.prefixes.some((p) => n.startsWith(p)));
    if (names.length) {
      const attrs: Record<string, MessageAttributeValue> = {};
      for (const n of names) attrs[n] = m.ma[n];
      out.MessageAttributes = attrs;
      // The digest covers the attributes returned.
      out.MD5OfMessageAttributes = names.length === all.length ? m.md5a : md5OfAttributes(m.ma, names);
    }
  }
  return out;
}

export async function receiveMessage(ctx: RequestContext, input: In<'ReceiveMessage'>): Promise<Out<'ReceiveMessage'>> {
  const q = resolveQueue(ctx, input.QueueUrl);
  const max = input.MaxNumberOfMessages ?? 1;
  if (max < 1 || max > 10) throw invalidParameter('MaxNumberOfMessages', max, 'Must be between 1 and 10, if provided.');
  let visMs = q.engine.visMs;
  if (input.VisibilityTimeout !== undefined && input.VisibilityTimeout !== null) {
    const v = input.VisibilityTimeout;
    if (v < 0 || v > MAX_VISIBILITY_S) throw invalidParameter('VisibilityTimeout', v, `Must be >= 0 and <= ${MAX_VISIBILITY_S}, if provided.`);
    visMs = v * 1000;
  }
  const wait = input.WaitTimeSeconds ?? q.waitS;
  if (wait < 0 || wait > 20) throw invalidParameter('WaitTimeSeconds', wait, 'Must be >= 0 and <= 20, if provided.');
  const sel = selection(input);
  const now = clock.now();

  // FIFO: retrying with the same ReceiveRequestAttemptId within 5 minutes returns the same
  // messages and receipt handles while none of them was deleted or became visible again.
  const attemptId = q.fifo ? input.ReceiveRequestAttemptId : undefined;
  if (attemptId !== undefined) {
    if (!ID_CHARS.test(attemptId)) {
      throw invalidParameter('ReceiveRequestAttemptId', attemptId, 'ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
    }
    q.expire(now);
    const prev = q.attempts.get(attemptId);
    if (prev && prev.msgs.length && prev.msgs.every((x) => x.m.st === INFLIGHT && x.m.r === x.r && q.st.messages.get(x.m.key) === x.m)) {
      return { Messages: prev.msgs.map((x) => messageOut(q, x.m, sel)) };
    }
  }

  let msgs = q.engine.receive(max, visMs, now);
  if (!msgs.length && wait > 0) msgs = await q.engine.wait(max, visMs, wait * 1000, ctx.onClientGone);
  if (attemptId !== undefined) {
    q.attempts.delete(attemptId);
    q.attempts.set(attemptId, { at: now, msgs: msgs.map((m) => ({ m, r: m.r })) });
  }
  return msgs.length ? { Messages: msgs.map((m) => messageOut(q, m, sel)) } : {};
}

// ---- deleting ----------------------------------------------------------------------------

function deleteOne(q: Queue, raw: string): void {
  const { h, m } = handleTarget(q, raw);
  if (!m) return; // already deleted: SQS answers success
  if (q.fifo && (m.st !== INFLIGHT || m.r !== h.r)) {
    // A FIFO handle is only good while its receive holds the message (keeps group order).
    throw invalidParameter('ReceiptHandle', raw, 'The receipt handle has expired.');
  }
  // Standard queues: an older handle of a message that still exists deletes it, as SQS does.
  q.engine.remove(m);
  if (q.fifo) q.engine.kick();
}

export function deleteMessage(ctx: RequestContext, input: In<'DeleteMessage'>): Out<'DeleteMessage'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  deleteOne(q, input.ReceiptHandle);
}

export function deleteMessageBatch(ctx: RequestContext, input: In<'DeleteMessageBatch'>): Out<'DeleteMessageBatch'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  checkBatch(input.Entries, 'DeleteMessageBatchRequestEntry');
  const Successful: { Id: string }[] = [];
  const Failed: Failed[] = [];
  for (const e of input.Entries) {
    try { deleteOne(q, e.ReceiptHandle); Successful.push({ Id: e.Id }); } catch (err) { Failed.push(failure(e.Id, err)); }
  }
  return { Successful, Failed };
}

// ---- visibility --------------------------------------------------------------------------

function changeOne(q: Queue, raw: string, vt: number | undefined): void {
  const { h, m } = handleTarget(q, raw);
  if (vt === undefined || vt === null) throw missingParameter('VisibilityTimeout');
  if (vt < 0 || vt > MAX_VISIBILITY_S) throw invalidParameter('VisibilityTimeout', vt, `Must be >= 0 and <= ${MAX_VISIBILITY_S}, if provided.`); // (?)
  if (!m || m.r !== h.r) {
    throw invalidParameter('ReceiptHandle', raw, 'Message does not exist or is not available for visibility timeout change.');
  }
  if (m.st !== INFLIGHT) throw new ServiceError('MessageNotInflight', 'The message referred to is not in flight.'); // (?)
  const now = clock.now();
  // A message stays invisible at most 12 hours from the receive that holds it.
  if (now + vt * 1000 > m.rt + MAX_VISIBILITY_S * 1000) {
    throw invalidParameter('VisibilityTimeout', vt, `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_S} seconds]`);
  }
  q.engine.changeVisibility(m, vt * 1000, now);
}

export function changeMessageVisibility(ctx: RequestContext, input: In<'ChangeMessageVisibility'>): Out<'ChangeMessageVisibility'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  changeOne(q, input.ReceiptHandle, input.VisibilityTimeout);
}

export function changeMessageVisibilityBatch(ctx: RequestContext, input: In<'ChangeMessageVisibilityBatch'>): Out<'ChangeMessageVisibilityBatch'> {
  const q = resolveQueue(ctx, input.QueueUrl);
  checkBatch(input.Entries, 'ChangeMessageVisibilityBatchRequestEntry');
  const Successful: { Id: string }[] = [];
  const Failed: Failed[] = [];
  for (const e of input.Entries) {
    try { changeOne(q, e.ReceiptHandle, e.VisibilityTimeout ?? q.engine.visMs / 1000); Successful.push({ Id: e.Id }); } catch (err) { Failed.push(failure(e.Id, err)); }
  }
  return { Successful, Failed };
}
