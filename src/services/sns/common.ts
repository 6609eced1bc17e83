// What every SNS handler shares: typed inputs/outputs, the state accessor, ARN parsing and
// SNS's error wording ("Invalid parameter: <name> Reason: <why>", "Topic does not exist").
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type { SnsOperations } from '../../protocols/types/sns.js';
import { snsState, type SnsState, type TopicRec, type SubRec } from './state.js';

export type In<K extends keyof SnsOperations> = SnsOperations[K]['input'];
export type Out<K extends keyof SnsOperations> = SnsOperations[K]['output'];

export const st = (scope: { accountId: string; region: string }): SnsState => snsState(scope);

export const invalidParameter = (message: string) => new ServiceError('InvalidParameter', `Invalid parameter: ${message}`, 400);
export const invalidParameterValue = (message: string) => new ServiceError('ParameterValueInvalid', message, 400);
export const notFound = (message: string) => new ServiceError('NotFound', message, 404);
export const topicNotFound = () => notFound('Topic does not exist');
export const subscriptionNotFound = () => notFound('Subscription does not exist');

export interface ArnParts { partition: string; service: string; region: string; account: string; resource: string }

export function parseArn(arn: string): ArnParts | undefined {
  const p = arn.split(':');
  if (p.length < 6 || p[0] !== 'arn') return undefined;
  return { partition: p[1], service: p[2], region: p[3], account: p[4], resource: p.slice(5).join(':') };
}

/**
 * The topic an ARN names. A malformed ARN is InvalidParameter with the ARN parser's reason, as
 * SNS answers ("Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1").
 */
export function topicByArn(ctx: RequestContext, arn: string | undefined, member = 'TopicArn'): TopicRec {
  const p = parseArn(arn ?? '');
  if (!p) throw invalidParameter(`${member} Reason: An ARN must have at least 6 elements, not ${(arn ?? '').split(':').length}`);
  // A topic of another region is named wrongly for this endpoint, as SNS sees it.
  if (p.service !== 'sns' || p.resource.includes(':') || p.region !== ctx.region) throw invalidParameter(member);
  const t = st({ accountId: p.account, region: p.region }).topics.get(arn!);
  if (!t) throw topicNotFound();
  return t;
}

export function subByArn(ctx: RequestContext, arn: string | undefined): SubRec {
  const p = parseArn(arn ?? '');
  if (!p) throw invalidParameter(`SubscriptionArn Reason: An ARN must have at least 6 elements, not ${(arn ?? '').split(':').length}`);
  // A topic ARN where a subscription ARN belongs lacks the subscription id.
  if (p.service === 'sns' && !p.resource.includes(':')) throw invalidParameter('SubscriptionId');
  if (p.service !== 'sns' || p.resource.split(':').length !== 2) throw invalidParameter('SubscriptionArn');
  const s = st({ accountId: p.account, region: p.region }).subs.get(arn!);
  if (!s) throw subscriptionNotFound();
  return s;
}

export const nowSeconds = (ms: number): number => Math.floor(ms / 1000);
