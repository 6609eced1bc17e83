// Publish and PublishBatch: message attributes validated as SNS does (String, String.Array,
// Number, Binary), MessageStructure=json (a message per protocol, "default" required), Subject,
// FIFO topics (MessageGroupId, MessageDeduplicationId or content-based deduplication within 5
// minutes of the virtual clock, SequenceNumber). The handler answers first; fan-out happens
// right after (delivery.ts).
import { createHash, randomUUID } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import type { MessageAttributeValue, PublishBatchRequestEntry } from '../../protocols/types/sns.js';
import { type In, type Out, invalidParameter, invalidParameterValue, parseArn, st, topicByArn } from './common.js';
import { DEDUP_WINDOW_MS, type DedupRec, type SnsState, type TopicRec } from './state.js';
import { fanOut, type Notification } from './delivery.js';
import { endpointForPublish } from './platform.js';

/** 256 KiB: the largest message (body and attributes), and the largest batch. */
export const MAX_MESSAGE_BYTES = 262_144;

const ATTR_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const TYPE = /^(String|Number|Binary)(\..+)?$/;
const ID_CHARS = /^[\x21-\x7e]{1,128}$/;

export interface Attr { type: string; value: string; binary?: Buffer }

/** Validates message attributes as SNS words it; answers them with their size in bytes. */
export function checkAttributes(ma: Record<string, MessageAttributeValue> | undefined): { attrs: Record<string, Attr>; size: number } {
  const attrs: Record<string, Attr> = {};
  let size = 0;
  for (const [name, a] of Object.entries(ma ?? {})) {
    if (!ATTR_NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      if (name.startsWith('.')) throw invalidParameterValue("Invalid message attribute name starting with character '.' was found.");
      if (name.endsWith('.')) throw invalidParameterValue("Invalid message attribute name ending with character '.' was found.");
      if (name.includes('..')) throw invalidParameterValue("Message attribute name can not have successive '.' character.");
      if (name.length > 256) throw invalidParameterValue('Length of message attribute name must be less than 256 bytes.');
      const bad = [...name].find((c) => !/[A-Za-z0-9_.-]/.test(c)) ?? '';
      throw invalidParameterValue(`Invalid non-alphanumeric character '#x${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase()}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`);
    }
    const type = a.DataType;
    if (!TYPE.test(type)) {
      throw invalidParameterValue(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    const binary = type.startsWith('Binary');
    if (binary) {
      if (a.BinaryValue === undefined || a.BinaryValue === null) {
        if (a.StringValue !== undefined) throw invalidParameterValue(`The message attribute '${name}' with type '${type}' must use field 'Binary'.`);
        throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      }
      const buf = Buffer.isBuffer(a.BinaryValue) ? a.BinaryValue : typeof a.BinaryValue === 'string' ? Buffer.from(a.BinaryValue, 'base64') : Buffer.from(a.BinaryValue);
      if (!buf.length) throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      attrs[name] = { type, value: buf.toString('base64'), binary: buf };
      size += Buffer.byteLength(name) + Buffer.byteLength(type) + buf.length;
      continue;
    }
    const v = a.StringValue;
    if (v === undefined || v === null) {
      if (a.BinaryValue !== undefined) throw invalidParameterValue(`The message attribute '${name}' with type '${type}' must use field 'String'.`);
      throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    }
    if (v === '') throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    if (type.startsWith('Number')) {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw invalidParameterValue(`Could not cast message attribute '${name}' value to number.`);
      // SNS numbers: -1e9..1e9 with up to 5 decimal places ("Message attribute data types").
      if (Math.abs(n) > 1e9) throw invalidParameterValue(`Value ${v} for message attribute ${name} is out of range. The value must be between -1000000000 and 1000000000`); // (?)
    }
    if (type === 'String.Array') {
      let arr: unknown;
      try { arr = JSON.parse(v); } catch { arr = undefined; }
      if (!Array.isArray(arr) || arr.some((x) => x !== null && typeof x === 'object')) {
        throw invalidParameter(`Message attribute with type String.Array must be an array of strings, numbers, true, false or null. Attribute name: ${name}`); // (?)
      }
    }
    attrs[name] = { type, value: v };
    size += Buffer.byteLength(name) + Buffer.byteLength(type) + Buffer.byteLength(v);
  }
  return { attrs, size };
}

interface Prepared {
  message: string;
  perProtocol?: Record<string, string>;
  subject?: string;
  attrs: Record<string, Attr>;
  groupId?: string;
  dedupId?: string;
  size: number;
}

type Entry = Pick<PublishBatchRequestEntry, 'Message' | 'Subject' | 'MessageStructure' | 'MessageAttributes' | 'MessageDeduplicationId' | 'MessageGroupId'>;

function prepare(topic: TopicRec, e: Entry): Prepared {
  const message = e.Message;
  if (message === undefined || message === null || message === '') throw invalidParameter('Empty message');
  const { attrs, size: attrSize } = checkAttributes(e.MessageAttributes);
  const size = Buffer.byteLength(message, 'utf8') + attrSize;
  if (size > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
  if (e.Subject !== undefined && e.Subject !== null) {
    // Subjects: ASCII text, no line breaks or control characters, at most 100 characters.
    if (e.Subject === '' || e.Subject.length > 100 || !/^[\x20-\x7e]*$/.test(e.Subject)) throw invalidParameter('Subject');
  }
  let perProtocol: Record<string, string> | undefined;
  if (e.MessageStructure !== undefined && e.MessageStructure !== null) {
    if (e.MessageStructure !== 'json') throw invalidParameter('MessageStructure'); // (?)
    let doc: unknown;
    try { doc = JSON.parse(message); } catch { throw invalidParameter('Message Structure - JSON message body failed to parse'); }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidParameter('Message Structure - JSON message body failed to parse');
    const d = doc as Record<string, unknown>;
    if (typeof d.default !== 'string') throw invalidParameter('Message Structure - No default entry in JSON message body');
    // Only string entries count; others are ignored.
    perProtocol = {};
    for (const [k, v] of Object.entries(d)) if (typeof v === 'string') perProtocol[k] = v;
  }
  const groupId = e.MessageGroupId;
  let dedupId = e.MessageDeduplicationId;
  if (groupId !== undefined && !ID_CHARS.test(groupId)) throw invalidParameter('MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.'); // (?)
  if (dedupId !== undefined && !ID_CHARS.test(dedupId)) throw invalidParameter('MessageDeduplicationId Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.'); // (?)
  if (topic.fifo) {
    if (groupId === undefined) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    if (dedupId === undefined) {
      // Content-based deduplication: SHA-256 of the message body.
      if (topic.attrs.ContentBasedDeduplication !== 'true') {
        throw invalidParameter('The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      dedupId = createHash('sha256').update(message, 'utf8').digest('hex');
    }
  } else if (dedupId !== undefined) {
    throw invalidParameter('MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
  }
  // A standard topic passes MessageGroupId on to its SQS queues (fair queues).
  return { message, perProtocol, subject: e.Subject ?? undefined, attrs, groupId, dedupId, size };
}

/** Records the message (or finds its duplicate) and starts delivery; answers its ids. */
function accept(ctx: RequestContext, s: SnsState, topic: TopicRec, p: Prepared): { MessageId: string; SequenceNumber?: string } {
  const now = clock.now();
  let seq: string | undefined;
  if (topic.fifo) {
    const window = dedupWindow(s, topic.arn, now);
    const dup = window.get(p.dedupId!);
    if (dup) return { MessageId: dup.messageId, SequenceNumber: dup.seq };
    topic.seq = Math.max(topic.seq + 1, now * 1000);
    seq = String(topic.seq).padStart(20, '0');
    s.topics.touch(topic.arn);
    const messageId = randomUUID();
    const d: DedupRec = { topic: topic.arn, key: p.dedupId!, messageId, seq, at: now };
    window.set(d.key, d);
    s.dedup.set(`${topic.arn}/${d.key}`, d);
    start(ctx, topic, p, messageId, now, seq);
    return { MessageId: messageId, SequenceNumber: seq };
  }
  const messageId = randomUUID();
  start(ctx, topic, p, messageId, now, undefined);
  return { MessageId: messageId };
}

function start(ctx: RequestContext, topic: TopicRec, p: Prepared, messageId: string, now: number, seq: string | undefined): void {
  const n: Notification = {
    messageId, message: p.message, perProtocol: p.perProtocol, subject: p.subject, attrs: p.attrs,
    timestamp: new Date(now).toISOString(), groupId: p.groupId, dedupId: p.dedupId, seq,
  };
  fanOut(ctx, topic, n);
}

/** The topic's live deduplication entries, older ones dropped first. */
function dedupWindow(s: SnsState, topicArn: string, now: number): Map<string, DedupRec> {
  let m = s.dedupByTopic.get(topicArn);
  if (!m) s.dedupByTopic.set(topicArn, m = new Map());
  for (const [k, d] of m) {
    if (d.at + DEDUP_WINDOW_MS > now) break;
    m.delete(k);
    s.dedup.delete(`${topicArn}/${k}`);
  }
  return m;
}

function targetTopic(ctx: RequestContext, input: In<'Publish'>): TopicRec {
  // Nimbus never pretends to send a text message or a push notification.
  if (input.PhoneNumber !== undefined) {
    if (!/^\+[1-9]\d{1,14}$/.test(input.PhoneNumber)) throw invalidParameter(`PhoneNumber Reason: ${input.PhoneNumber} is not valid to publish to`);
    throw new ServiceError('NotImplemented', 'Publishing to phone numbers (SMS) is not implemented by Nimbus.', 501);
  }
  if (input.TargetArn !== undefined && parseArn(input.TargetArn)?.resource.startsWith('endpoint/')) {
    const e = endpointForPublish(input.TargetArn);
    if (e.attrs.Enabled === 'false') throw new ServiceError('EndpointDisabled', 'Endpoint is disabled');
    throw new ServiceError('NotImplemented', 'Publishing to mobile push endpoints is not implemented by Nimbus.', 501);
  }
  const arn = input.TopicArn ?? input.TargetArn;
  if (arn === undefined) throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  if (input.TopicArn !== undefined && input.TargetArn !== undefined) throw invalidParameter('TopicArn Reason: Only one of TopicArn or TargetArn may be specified'); // (?)
  return topicByArn(ctx, arn, input.TopicArn !== undefined ? 'TopicArn' : 'TargetArn');
}

export function publish(ctx: RequestContext, input: In<'Publish'>): Out<'Publish'> {
  const topic = targetTopic(ctx, input);
  const p = prepare(topic, input);
  return accept(ctx, st({ accountId: topic.account, region: topic.region }), topic, p);
}

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

export function publishBatch(ctx: RequestContext, input: In<'PublishBatch'>): Out<'PublishBatch'> {
  const topic = topicByArn(ctx, input.TopicArn);
  const entries = input.PublishBatchRequestEntries ?? [];
  if (!entries.length) throw new ServiceError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
  if (entries.length > 10) throw new ServiceError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
  const ids = new Set<string>();
  for (const e of entries) {
    if (!BATCH_ID.test(e.Id)) throw new ServiceError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    if (ids.has(e.Id)) throw new ServiceError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
    ids.add(e.Id);
  }
  const prepared: (Prepared | ServiceError)[] = entries.map((e) => {
    try { return prepare(topic, e); } catch (err) { if (err instanceof ServiceError) return err; throw err; }
  });
  const total = prepared.reduce((n, p) => n + (p instanceof ServiceError ? 0 : p.size), 0);
  if (total > MAX_MESSAGE_BYTES) throw new ServiceError('BatchRequestTooLong', 'The length of all the messages put together is more than the limit.');
  const s = st({ accountId: topic.account, region: topic.region });
  const Successful: NonNullable<Out<'PublishBatch'>['Successful']> = [];
  const Failed: NonNullable<Out<'PublishBatch'>['Failed']> = [];
  entries.forEach((e, i) => {
    const p = prepared[i];
    if (p instanceof ServiceError) {
      Failed.push({ Id: e.Id, Code: p.code, Message: p.message, SenderFault: (p.status ?? 400) < 500 });
      return;
    }
    Successful.push({ Id: e.Id, ...accept(ctx, s, topic, p) });
  });
  return { Successful, Failed };
}
