// Queue attributes: which exist, their ranges and formats (CreateQueue / SetQueueAttributes,
// "Amazon SQS API Reference"), how SQS words a bad one, and GetQueueAttributes' view.
import { clock } from '../../core/clock-instance.js';
import {
  invalidAttributeName, invalidAttributeValue, invalidParameter,
} from './common.js';
import { arnParts, queueByArn, type Queue, type SqsState } from './state.js';

/** Integer attributes and their inclusive ranges. */
const RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const SETTABLE = new Set(['DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'Policy',
  'ReceiveMessageWaitTimeSeconds', 'VisibilityTimeout', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled']);
const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);

export const DEFAULTS: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  // SSE-SQS is on by default for new queues (since 2022).
  SqsManagedSseEnabled: 'true',
};
export const FIFO_DEFAULTS: Record<string, string> = {
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

export interface AttrTarget { name: string; arn: string; account: string; region: string; fifo: boolean }

/**
 * Validates attributes for CreateQueue (creating) or SetQueueAttributes and returns them as
 * SQS stores and reports them. `''` for RedrivePolicy/RedriveAllowPolicy/Policy/KmsMasterKeyId
 * means "remove".
 */
export function checkAttributes(s: SqsState, t: AttrTarget, input: Record<string, string>, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(input)) {
    const v = raw ?? '';
    if (FIFO_ONLY.has(k)) {
      if (k === 'FifoQueue') {
        if (!creating) throw invalidAttributeValue(k, 'Modifying queue type is not supported.');
        if (!t.fifo) {
          if (v.toLowerCase() === 'false') continue; // a standard queue may say so
          throw invalidAttributeName(k);
        }
        if (v.toLowerCase() !== 'true') throw invalidAttributeValue(k);
        out[k] = 'true';
        continue;
      }
      if (!t.fifo) throw invalidAttributeName(k);
      if (k === 'ContentBasedDeduplication') out[k] = bool(k, v);
      else if (k === 'DeduplicationScope') {
        if (v !== 'messageGroup' && v !== 'queue') throw invalidAttributeValue(k);
        out[k] = v;
      } else {
        if (v !== 'perQueue' && v !== 'perMessageGroupId') throw invalidAttributeValue(k);
        out[k] = v;
      }
      continue;
    }
    if (!SETTABLE.has(k)) throw invalidAttributeName(k);
    const range = RANGES[k];
    if (range) {
      if (!/^\s*[-+]?\d+\s*$/.test(v)) throw invalidAttributeValue(k);
      const n = Number(v);
      if (n < range[0] || n > range[1]) throw invalidAttributeValue(k);
      out[k] = String(n);
      continue;
    }
    switch (k) {
      case 'SqsManagedSseEnabled': out[k] = bool(k, v); break;
      case 'KmsMasterKeyId': out[k] = v; break;
      case 'Policy':
        if (v !== '') {
          let p: unknown;
          try { p = JSON.parse(v); } catch { throw invalidAttributeValue(k); }
          if (!p || typeof p !== 'object' || Array.isArray(p)) throw invalidAttributeValue(k);
        }
        out[k] = v;
        break;
      case 'RedrivePolicy': out[k] = v === '' ? '' : redrivePolicy(s, t, v); break;
      case 'RedriveAllowPolicy': out[k] = v === '' ? '' : redriveAllowPolicy(v); break;
    }
  }
  return out;
}

function bool(k: string, v: string): string {
  const l = v.toLowerCase();
  if (l !== 'true' && l !== 'false') throw invalidAttributeValue(k);
  return l;
}

function parseJsonMap(name: string, v: string, what: string): Record<string, unknown> {
  let p: unknown;
  try { p = JSON.parse(v); } catch { throw invalidParameter(name, v, `${what} is not a valid JSON map.`); }
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw invalidParameter(name, v, `${what} is not a valid JSON map.`);
  return p as Record<string, unknown>;
}

/**
 * RedrivePolicy: {"deadLetterTargetArn": ARN, "maxReceiveCount": 1..1000}. The dead-letter
 * queue must exist, be in the same account and region, and be of the same type (FIFO with
 * FIFO, standard with standard), and its RedriveAllowPolicy must let this queue use it.
 * Reason texts follow SQS's; those marked (?) are our best reading of AWS's wording.
 */
function redrivePolicy(s: SqsState, t: AttrTarget, v: string): string {
  const bad = (reason: string) => invalidParameter('RedrivePolicy', v, reason);
  const p = parseJsonMap('RedrivePolicy', v, 'Redrive policy');
  for (const k of Object.keys(p)) {
    if (k !== 'deadLetterTargetArn' && k !== 'maxReceiveCount') throw bad(`Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount].`);
  }
  if (p.deadLetterTargetArn === undefined) throw bad('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
  if (p.maxReceiveCount === undefined) throw bad('Redrive policy does not contain mandatory attribute: maxReceiveCount.');
  const max = typeof p.maxReceiveCount === 'number' ? p.maxReceiveCount
    : typeof p.maxReceiveCount === 'string' && /^\s*\d+\s*$/.test(p.maxReceiveCount) ? Number(p.maxReceiveCount) : NaN;
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw bad(`Invalid value for maxReceiveCount: ${p.maxReceiveCount}, valid values are from 1 to 1000 both inclusive.`);
  }
  const arn = String(p.deadLetterTargetArn);
  const parts = arnParts(arn);
  if (!parts) throw bad('Invalid value for deadLetterTargetArn.');
  if (parts.account !== t.account) throw bad('Dead-letter target owner and queue owner must be the same.'); // (?)
  if (parts.region !== t.region) throw bad('Dead-letter target must be in the same region as the source queue.'); // (?)
  const dlq = queueByArn(s, arn);
  if (!dlq) throw bad('Dead letter target does not exist.');
  if (dlq.fifo !== t.fifo) throw bad('Dead-letter queue must be same type of queue as the source.');
  const allow = dlq.rec.attrs.RedriveAllowPolicy;
  if (allow) {
    const a = JSON.parse(allow) as { redrivePermission: string; sourceQueueArns?: string[] };
    if (a.redrivePermission === 'denyAll' || (a.redrivePermission === 'byQueue' && !(a.sourceQueueArns ?? []).includes(t.arn))) {
      throw bad(`Queue ${t.arn} is not allowed to use ${arn} as its dead-letter queue by the dead-letter queue's RedriveAllowPolicy.`); // (?)
    }
  }
  return JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: max });
}

/** RedriveAllowPolicy: {"redrivePermission": "allowAll"|"denyAll"|"byQueue", "sourceQueueArns": [≤10 ARNs]}. */
function redriveAllowPolicy(v: string): string {
  const bad = (reason: string) => invalidParameter('RedriveAllowPolicy', v, reason);
  const p = parseJsonMap('RedriveAllowPolicy', v, 'Redrive allow policy');
  const perm = p.redrivePermission;
  if (perm !== 'allowAll' && perm !== 'denyAll' && perm !== 'byQueue') {
    throw bad(`Invalid value for redrivePermission: ${String(perm)}, valid values are allowAll, denyAll and byQueue.`); // (?)
  }
  if (perm === 'byQueue') {
    const arns = p.sourceQueueArns;
    if (!Array.isArray(arns) || arns.length === 0) throw bad('sourceQueueArns must be specified when redrivePermission is byQueue.'); // (?)
    if (arns.length > 10) throw bad('The maximum number of source queue ARNs you can specify is 10.');
    if (arns.some((a) => typeof a !== 'string' || !arnParts(a))) throw bad('Invalid value for sourceQueueArns.'); // (?)
    return JSON.stringify({ redrivePermission: perm, sourceQueueArns: arns });
  }
  if (p.sourceQueueArns !== undefined) throw bad(`sourceQueueArns can be specified only when redrivePermission is byQueue.`); // (?)
  return JSON.stringify({ redrivePermission: perm });
}

/** Merges checked attributes into a record ('' removes), keeping SSE-SQS and SSE-KMS exclusive. */
export function mergeAttributes(attrs: Record<string, string>, changes: Record<string, string>): void {
  for (const [k, v] of Object.entries(changes)) {
    if (v === '' && (k === 'RedrivePolicy' || k === 'RedriveAllowPolicy' || k === 'Policy' || k === 'KmsMasterKeyId')) delete attrs[k];
    else attrs[k] = v;
  }
  if (changes.KmsMasterKeyId) {
    attrs.SqsManagedSseEnabled = 'false';
    attrs.KmsDataKeyReusePeriodSeconds ??= '300';
  } else if (changes.SqsManagedSseEnabled === 'true') {
    delete attrs.KmsMasterKeyId;
    delete attrs.KmsDataKeyReusePeriodSeconds;
  }
}

/** GetQueueAttributes: the named attributes ("All" for every one), computed ones included. */
export function queueAttributes(q: Queue, names: string[]): Record<string, string> {
  const all = names.includes('All');
  const want = (n: string) => all || names.includes(n);
  const out: Record<string, string> = {};
  const e = q.engine;
  e.tick(clock.now());
  const a = q.rec.attrs;
  const put = (n: string, v: string | undefined) => { if (v !== undefined && want(n)) out[n] = v; };
  put('QueueArn', q.arn);
  put('ApproximateNumberOfMessages', String(e.nReady));
  put('ApproximateNumberOfMessagesNotVisible', String(e.nInflight));
  put('ApproximateNumberOfMessagesDelayed', String(e.nDelayed));
  put('CreatedTimestamp', String(q.rec.created));
  put('LastModifiedTimestamp', String(q.rec.modified));
  for (const k of ['VisibilityTimeout', 'MaximumMessageSize', 'MessageRetentionPeriod', 'DelaySeconds',
    'ReceiveMessageWaitTimeSeconds', 'Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId',
    'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled']) put(k, a[k]);
  if (q.fifo) for (const k of ['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']) put(k, a[k]);
  return out;
}

export const nowSeconds = (): number => Math.floor(clock.now() / 1000);

