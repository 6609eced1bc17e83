// What every SQS handler shares: the state accessor, queue URLs, and SQS's error wording.
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type { SqsOperations } from '../../protocols/types/sqs.js';
import { sqsState, type Queue, type SqsState } from './state.js';

export type In<K extends keyof SqsOperations> = SqsOperations[K]['input'];
export type Out<K extends keyof SqsOperations> = SqsOperations[K]['output'];

export const st = (scope: { accountId: string; region: string }): SqsState => sqsState(scope);

export const queueUrl = (ctx: RequestContext, q: Queue): string => `${ctx.endpoint}/${q.rec.account}/${q.name}`;

// ---- errors, in SQS's words --------------------------------------------------------------

export const queueDoesNotExist = () => new ServiceError('QueueDoesNotExist', 'The specified queue does not exist.');

export const missingParameter = (name: string) =>
  new ServiceError('MissingParameter', `The request must contain the parameter ${name}.`, 400);

/** "Value X for parameter Y is invalid. Reason: Z." — SQS's InvalidParameterValue. */
export const invalidParameter = (name: string, value: unknown, reason?: string) =>
  new ServiceError('InvalidParameterValue',
    `Value ${value} for parameter ${name} is invalid.${reason ? ` Reason: ${reason}` : ''}`, 400);

export const invalidParameterText = (message: string) => new ServiceError('InvalidParameterValue', message, 400);

export const invalidAttributeName = (name: string) => new ServiceError('InvalidAttributeName', `Unknown Attribute ${name}.`);

export const invalidAttributeValue = (name: string, reason?: string) =>
  new ServiceError('InvalidAttributeValue', `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`);

export const receiptHandleInvalid = (h: string) =>
  new ServiceError('ReceiptHandleIsInvalid', `The input receipt handle "${h}" is not a valid receipt handle.`);

// ---- queue URLs --------------------------------------------------------------------------

const REGION_IN_HOST = [/(?:^|\.)sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\./, /^([a-z]{2}(?:-[a-z]+)+-\d)\.queue\./];

/**
 * The queue a request names: its QueueUrl (any host: the account and name come from the path,
 * a region from an AWS host name), or for the query API the request path itself
 * (POST /<account>/<queue>), or a bare queue name.
 */
export function resolveQueue(ctx: RequestContext, url: string | undefined): Queue {
  let t: UrlTarget | undefined;
  if (url === undefined || url === '') {
    const m = ctx.http && /^\/(\d{12})\/([^/?]+)\/?$/.exec(ctx.http.path);
    if (!m) throw missingParameter('QueueUrl');
    t = { account: m[1], region: undefined, name: decodeURIComponent(m[2]) };
  } else {
    t = parsedUrls.get(url);
    if (t === undefined) {
      t = parseQueueUrl(url);
      if (parsedUrls.size >= 10_000) parsedUrls.clear();
      parsedUrls.set(url, t);
    }
  }
  if (!t.name || !/^\d{12}$/.test(t.account ?? ctx.accountId)) throw queueDoesNotExist();
  const q = st({ accountId: t.account ?? ctx.accountId, region: t.region ?? ctx.region }).live.get(t.name);
  if (!q) throw queueDoesNotExist();
  return q;
}

/** What a QueueUrl names; account and region undefined mean the caller's. */
interface UrlTarget { account: string | undefined; region: string | undefined; name: string | undefined }
const parsedUrls = new Map<string, UrlTarget>();

function parseQueueUrl(url: string): UrlTarget {
  let region: string | undefined;
  let path = url;
  const scheme = url.indexOf('://');
  if (scheme >= 0) {
    const rest = url.slice(scheme + 3);
    const slash = rest.indexOf('/');
    const host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
    path = slash < 0 ? '' : rest.slice(slash);
    for (const re of REGION_IN_HOST) { const r = re.exec(host); if (r) { region = r[1]; break; } }
  }
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 1 && scheme < 0) return { account: undefined, region, name: parts[0] };
  if (parts.length >= 2) return { account: parts[parts.length - 2], region, name: parts[parts.length - 1] };
  return { account: undefined, region, name: undefined };
}

export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
