// HTTP/S delivery policies ("Amazon SNS message delivery retries", Developer Guide): a topic's
// `http.defaultHealthyRetryPolicy` and a subscription's `healthyRetryPolicy` (the subscription's
// wins unless the topic sets disableSubscriptionOverrides). Four phases: immediate retries, pre-
// backoff retries at minDelayTarget, backoff retries from min to max by the backoff function,
// post-backoff retries at maxDelayTarget. AWS documents the backoff functions only as a graph
// and adds jitter; Nimbus uses the deterministic curves below so a test can compute each time.
import { invalidParameter } from './common.js';

export interface RetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numMaxDelayRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  backoffFunction: 'linear' | 'arithmetic' | 'geometric' | 'exponential';
}

export const DEFAULT_RETRY: RetryPolicy = {
  minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0,
  numMinDelayRetries: 0, backoffFunction: 'linear',
};

/** A topic's EffectiveDeliveryPolicy when it sets none (as GetTopicAttributes shows it). */
export const DEFAULT_TOPIC_EFFECTIVE = {
  http: {
    defaultHealthyRetryPolicy: { ...DEFAULT_RETRY },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
};

export interface EffectivePolicy { retry: RetryPolicy; maxPerSecond?: number; contentType?: string }

const bad = (why: string) => invalidParameter(`DeliveryPolicy: ${why}`);
const FUNCTIONS = new Set(['linear', 'arithmetic', 'geometric', 'exponential']);
const MAX_TOTAL_SECONDS = 3600;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parse(text: string): Record<string, unknown> {
  let v: unknown;
  try { v = JSON.parse(text); } catch { throw bad('failed to parse JSON'); } // (?)
  if (!isObject(v)) throw bad('must be a JSON object'); // (?)
  return v;
}

/** Checks a retry policy (partial: missing members take the defaults); `path` names it in errors. */
function checkRetry(v: unknown, path: string): RetryPolicy {
  if (!isObject(v)) throw bad(`${path} must be an object`);
  const p: RetryPolicy = { ...DEFAULT_RETRY };
  // A policy that names minDelayTarget but not maxDelayTarget keeps max >= min.
  for (const k of Object.keys(v)) {
    if (!(k in DEFAULT_RETRY)) throw bad(`${path}.${k} is not a recognized field`); // (?)
  }
  for (const k of ['minDelayTarget', 'maxDelayTarget', 'numRetries', 'numMaxDelayRetries', 'numNoDelayRetries', 'numMinDelayRetries'] as const) {
    if (v[k] === undefined) continue;
    const n = v[k];
    if (typeof n !== 'number' || !Number.isInteger(n)) throw bad(`${path}.${k} must be an integer`); // (?)
    p[k] = n;
  }
  if (v.backoffFunction !== undefined) {
    if (typeof v.backoffFunction !== 'string' || !FUNCTIONS.has(v.backoffFunction)) {
      throw bad(`${path}.backoffFunction must be one of: linear, arithmetic, geometric, exponential`); // (?)
    }
    p.backoffFunction = v.backoffFunction as RetryPolicy['backoffFunction'];
  }
  if (p.numRetries < 0 || p.numRetries > 100) throw bad(`${path}.numRetries must be between 0 and 100`);
  if (p.minDelayTarget < 1) throw bad(`${path}.minDelayTarget must be greater than or equal to 1`);
  if (p.maxDelayTarget > MAX_TOTAL_SECONDS) throw bad(`${path}.maxDelayTarget must be less than or equal to ${MAX_TOTAL_SECONDS}`);
  if (p.minDelayTarget > p.maxDelayTarget) throw bad(`${path}.minDelayTarget must be less than or equal to maxDelayTarget`);
  for (const k of ['numMaxDelayRetries', 'numNoDelayRetries', 'numMinDelayRetries'] as const) {
    if (p[k] < 0) throw bad(`${path}.${k} must be greater than or equal to 0`);
  }
  if (p.numNoDelayRetries + p.numMinDelayRetries + p.numMaxDelayRetries > p.numRetries) {
    throw bad(`${path}.numRetries must be greater than or equal to numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries`);
  }
  const total = retryDelays(p).reduce((a, b) => a + b, 0);
  if (total > MAX_TOTAL_SECONDS) throw bad(`${path}: total retry time must be less than or equal to ${MAX_TOTAL_SECONDS} seconds`);
  return p;
}

function checkThrottle(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw bad(`${path} must be an object`);
  const n = v.maxReceivesPerSecond;
  if (n === undefined) return undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw bad(`${path}.maxReceivesPerSecond must be greater than or equal to 1`);
  return n;
}

function checkRequest(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw bad(`${path} must be an object`);
  if (v.headerContentType !== undefined && typeof v.headerContentType !== 'string') throw bad(`${path}.headerContentType must be a string`);
  return v.headerContentType as string | undefined;
}

export interface TopicPolicy extends Partial<EffectivePolicy> { disableOverrides: boolean; doc: Record<string, unknown> }

/** Validates a topic's DeliveryPolicy attribute; answers the parsed pieces. */
export function checkTopicPolicy(text: string): TopicPolicy {
  const doc = parse(text);
  const http = doc.http;
  if (http === undefined) return { disableOverrides: false, doc };
  if (!isObject(http)) throw bad('http must be an object');
  return {
    doc,
    retry: http.defaultHealthyRetryPolicy !== undefined ? checkRetry(http.defaultHealthyRetryPolicy, 'http.defaultHealthyRetryPolicy') : undefined,
    maxPerSecond: checkThrottle(http.defaultThrottlePolicy, 'http.defaultThrottlePolicy'),
    contentType: checkRequest(http.defaultRequestPolicy, 'http.defaultRequestPolicy'),
    disableOverrides: http.disableSubscriptionOverrides === true,
  };
}

/** Validates a subscription's DeliveryPolicy attribute. */
export function checkSubscriptionPolicy(text: string): Partial<EffectivePolicy> {
  const doc = parse(text);
  return {
    retry: doc.healthyRetryPolicy !== undefined && doc.healthyRetryPolicy !== null ? checkRetry(doc.healthyRetryPolicy, 'healthyRetryPolicy') : undefined,
    maxPerSecond: checkThrottle(doc.throttlePolicy, 'throttlePolicy'),
    contentType: checkRequest(doc.requestPolicy, 'requestPolicy'),
  };
}

/** The policy that governs one HTTP/S subscription's deliveries. */
export function effectivePolicy(topicPolicy: string | undefined, subPolicy: string | undefined): EffectivePolicy {
  const t = topicPolicy ? checkTopicPolicy(topicPolicy) : undefined;
  const s = subPolicy && !t?.disableOverrides ? checkSubscriptionPolicy(subPolicy) : undefined;
  return {
    retry: s?.retry ?? t?.retry ?? DEFAULT_RETRY,
    maxPerSecond: s?.maxPerSecond ?? t?.maxPerSecond,
    contentType: s?.contentType ?? t?.contentType,
  };
}

/** The topic's EffectiveDeliveryPolicy: the defaults with the topic's http policy over them. */
export function topicEffectiveText(topicPolicy: string | undefined): string {
  if (!topicPolicy) return JSON.stringify(DEFAULT_TOPIC_EFFECTIVE);
  const t = checkTopicPolicy(topicPolicy);
  const http = (t.doc.http ?? {}) as Record<string, unknown>;
  return JSON.stringify({
    ...t.doc,
    http: {
      ...DEFAULT_TOPIC_EFFECTIVE.http,
      ...http,
      defaultHealthyRetryPolicy: t.retry ?? DEFAULT_RETRY,
      disableSubscriptionOverrides: t.disableOverrides,
    },
  });
}

/** A subscription's EffectiveDeliveryPolicy attribute (HTTP/S subscriptions). */
export function subscriptionEffectiveText(topicPolicy: string | undefined, subPolicy: string | undefined): string {
  const e = effectivePolicy(topicPolicy, subPolicy);
  return JSON.stringify({
    healthyRetryPolicy: e.retry,
    sicklyRetryPolicy: null,
    throttlePolicy: e.maxPerSecond ? { maxReceivesPerSecond: e.maxPerSecond } : null,
    ...(e.contentType ? { requestPolicy: { headerContentType: e.contentType } } : {}),
    guaranteed: false,
  });
}

/**
 * Seconds to wait before each retry, in order: numNoDelayRetries zeros, numMinDelayRetries at
 * minDelayTarget, the backoff retries rising from min to max, numMaxDelayRetries at max.
 */
export function retryDelays(p: RetryPolicy): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.numNoDelayRetries; i++) out.push(0);
  for (let i = 0; i < p.numMinDelayRetries; i++) out.push(p.minDelayTarget);
  const b = Math.max(0, p.numRetries - p.numNoDelayRetries - p.numMinDelayRetries - p.numMaxDelayRetries);
  const lo = p.minDelayTarget, hi = p.maxDelayTarget;
  for (let i = 1; i <= b; i++) out.push(round(lo + (hi - lo) * backoff(p.backoffFunction, i, b, lo, hi)));
  for (let i = 0; i < p.numMaxDelayRetries; i++) out.push(p.maxDelayTarget);
  return out;
}

const round = (s: number) => Math.round(s * 1000) / 1000;

/** Share (0..1) of the way from min to max at backoff retry i of n. */
function backoff(fn: RetryPolicy['backoffFunction'], i: number, n: number, lo: number, hi: number): number {
  switch (fn) {
    case 'linear': return i / n;
    // Growing by a constant difference: the step sizes form an arithmetic series.
    case 'arithmetic': return (i * (i + 1)) / (n * (n + 1));
    // Growing by a constant ratio from min to max.
    case 'geometric': return hi === lo ? 1 : (lo * Math.pow(hi / lo, i / n) - lo) / (hi - lo);
    case 'exponential': return (Math.pow(2, i) - 1) / (Math.pow(2, n) - 1);
  }
}
