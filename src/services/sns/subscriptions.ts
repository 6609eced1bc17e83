// Subscriptions: subscribe (confirmed at once for SQS/Lambda/Firehose/SMS/application endpoints
// in the same account; HTTP/S and email wait for confirmation, HTTP/S gets a signed
// SubscriptionConfirmation POST), confirm by token, unsubscribe, list (100 a page; unconfirmed
// ones show "PendingConfirmation"), attributes (RawMessageDelivery, FilterPolicy[Scope],
// DeliveryPolicy, RedrivePolicy, SubscriptionRoleArn).
import { randomBytes, randomUUID } from 'node:crypto';
import { clock } from '../../core/clock-instance.js';
import { ServiceError } from '../../core/errors.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import {
  type In, type Out, invalidParameter, notFound, parseArn, st, subByArn, topicByArn,
} from './common.js';
import { compileFilterPolicy } from './filter-policy.js';
import { checkSubscriptionPolicy, subscriptionEffectiveText } from './delivery-policy.js';
import { indexSub, type SnsState, type SubRec, type TopicRec } from './state.js';
import { sendControlMessage } from './delivery.js';

const PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);
const RAW_PROTOCOLS = new Set(['http', 'https', 'sqs', 'firehose']);
const ATTRIBUTES = new Set(['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy',
  'SubscriptionRoleArn', 'ReplayPolicy']);

function checkEndpoint(protocol: string, endpoint: string | undefined, topic: TopicRec): string {
  const e = endpoint ?? '';
  switch (protocol) {
    case 'http': case 'https':
      if (!e.toLowerCase().startsWith(`${protocol}://`)) throw invalidParameter('Endpoint must match the specified protocol'); // (?)
      try { new URL(e); } catch { throw invalidParameter('Endpoint must match the specified protocol'); }
      break;
    case 'email': case 'email-json':
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e)) throw invalidParameter('Email address');
      break;
    case 'sms':
      if (!/^\+?[1-9][0-9]{6,14}$/.test(e.replace(/[./-]/g, ''))) throw new ServiceError('InvalidParameter', `Invalid SMS endpoint: ${e}`, 400);
      break;
    case 'sqs': {
      const p = parseArn(e);
      if (!p || p.service !== 'sqs' || !p.resource) throw invalidParameter('SQS endpoint ARN');
      // AWS words this one with the prefix twice.
      if (!topic.fifo && p.resource.endsWith('.fifo')) throw invalidParameter('Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
      break;
    }
    case 'lambda': {
      const p = parseArn(e);
      if (!p || p.service !== 'lambda' || !p.resource.startsWith('function:')) throw invalidParameter('Lambda endpoint ARN'); // (?)
      break;
    }
    case 'firehose': {
      const p = parseArn(e);
      if (!p || p.service !== 'firehose') throw invalidParameter('Firehose endpoint ARN'); // (?)
      break;
    }
    case 'application': {
      const p = parseArn(e);
      if (!p || p.service !== 'sns' || !p.resource.startsWith('endpoint/')) throw invalidParameter('Application endpoint ARN'); // (?)
      if (!st({ accountId: p.account, region: p.region }).endpoints.has(e)) throw notFound('Endpoint does not exist');
      break;
    }
  }
  // FIFO topics deliver to SQS queues only ("Message delivery from FIFO topics").
  if (topic.fifo && protocol !== 'sqs') throw invalidParameter(`Invalid protocol type: ${protocol}`); // (?)
  return e;
}

/** Checks a subscription attribute; answers the value to store ('' removes it). */
function checkAttribute(name: string, value: string, sub: { protocol: string; region: string; account: string }, topic: TopicRec,
  prefix: string, scopeFor: string | undefined, policyFor: string | undefined): string {
  if (!ATTRIBUTES.has(name)) throw invalidParameter(`${prefix}AttributeName`);
  switch (name) {
    case 'RawMessageDelivery': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') throw invalidParameter(`${prefix}RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      if (!RAW_PROTOCOLS.has(sub.protocol)) throw invalidParameter(`${prefix}Delivery protocol [${sub.protocol}] does not support raw message delivery.`);
      return v;
    }
    case 'FilterPolicyScope':
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw invalidParameter(`${prefix}FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      }
      if (policyFor) compileFilterPolicy(JSON.parse(policyFor), value === 'MessageBody');
      return value;
    case 'FilterPolicy': {
      if (value === '') return '';
      let doc: unknown;
      try { doc = JSON.parse(value); } catch { throw invalidParameter(`${prefix}FilterPolicy: failed to parse JSON.`); }
      compileFilterPolicy(doc, scopeFor === 'MessageBody');
      return value;
    }
    case 'DeliveryPolicy':
      if (sub.protocol !== 'http' && sub.protocol !== 'https') {
        throw invalidParameter(`${prefix}DeliveryPolicy: Delivery protocol [${sub.protocol}] does not support delivery policies.`); // (?)
      }
      if (value === '') return '';
      checkSubscriptionPolicy(value);
      return value;
    case 'RedrivePolicy': {
      if (value === '') return '';
      let doc: { deadLetterTargetArn?: unknown };
      try { doc = JSON.parse(value); } catch { throw invalidParameter(`${prefix}RedrivePolicy: failed to parse JSON.`); }
      // SNS's redrive policy has one member (maxReceiveCount belongs to SQS's): AWS answers
      // "Invalid parameter: RedrivePolicy: invalid JSON. Attribute maxReceiveCount is unknown."
      for (const k of Object.keys(doc ?? {})) {
        if (k !== 'deadLetterTargetArn') throw invalidParameter(`${prefix}RedrivePolicy: invalid JSON. Attribute ${k} is unknown.`);
      }
      const arn = typeof doc?.deadLetterTargetArn === 'string' ? doc.deadLetterTargetArn : '';
      const p = parseArn(arn);
      if (!p || p.service !== 'sqs') throw invalidParameter(`${prefix}RedrivePolicy: deadLetterTargetArn is an invalid arn`);
      // "The Amazon SNS subscription and Amazon SQS queue must be under the same AWS account
      // and Region" (Amazon SNS dead-letter queues, Developer Guide).
      if (p.region !== sub.region) throw invalidParameter(`${prefix}RedrivePolicy: SQS queue and SNS subscription must be in the same region.`); // (?)
      if (p.account !== sub.account) throw invalidParameter(`${prefix}RedrivePolicy: SQS queue and SNS subscription must be in the same account.`); // (?)
      if (topic.fifo && !p.resource.endsWith('.fifo')) {
        throw invalidParameter(`${prefix}RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.`);
      }
      return value;
    }
    case 'ReplayPolicy':
      if (!topic.fifo) throw invalidParameter(`${prefix}ReplayPolicy: Replay policy can only be set for FIFO topics`); // (?)
      return value;
    default:
      return value;
  }
}

export function subscribe(ctx: RequestContext, input: In<'Subscribe'>): Out<'Subscribe'> {
  const topic = topicByArn(ctx, input.TopicArn);
  const protocol = input.Protocol;
  if (!PROTOCOLS.has(protocol)) throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
  const endpoint = checkEndpoint(protocol, input.Endpoint, topic);
  const s = st({ accountId: topic.account, region: topic.region });
  const attrsIn = input.Attributes ?? {};
  const scope = { protocol, region: topic.region, account: topic.account };
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrsIn)) {
    const x = checkAttribute(k, v, scope, topic, 'Attributes Reason: ', attrsIn.FilterPolicyScope, attrsIn.FilterPolicy);
    if (x !== '') attrs[k] = x;
  }
  if (protocol === 'firehose' && !attrs.SubscriptionRoleArn) throw invalidParameter('Attributes Reason: SubscriptionRoleArn is required for firehose subscriptions'); // (?)
  if (attrs.FilterPolicy && !attrs.FilterPolicyScope) attrs.FilterPolicyScope = 'MessageAttributes';

  // The same topic, protocol and endpoint again answers the existing subscription.
  for (const live of s.byTopic.get(topic.arn)?.values() ?? []) {
    const r = live.rec;
    if (r.protocol !== protocol || r.endpoint !== endpoint) continue;
    for (const [k, v] of Object.entries(attrs)) {
      if (r.attrs[k] !== v) throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
    }
    return { SubscriptionArn: r.confirmed || input.ReturnSubscriptionArn ? r.arn : 'pending confirmation' };
  }

  const targetAccount = ['sqs', 'lambda', 'firehose'].includes(protocol) ? parseArn(endpoint)?.account : undefined;
  const confirmed = ['sqs', 'lambda', 'firehose'].includes(protocol)
    ? targetAccount === topic.account
    : protocol === 'sms' || protocol === 'application';
  const rec: SubRec = {
    arn: `${topic.arn}:${randomUUID()}`, topicArn: topic.arn, account: topic.account, region: topic.region,
    protocol, endpoint, owner: ctx.accountId, confirmed, attrs, authenticated: confirmed, created: clock.now(),
    ...(confirmed ? {} : { token: newToken() }),
  };
  s.subs.set(rec.arn, rec);
  indexSub(s, rec);
  // HTTP/S endpoints (and SQS queues of other accounts) get a signed SubscriptionConfirmation;
  // email is never sent (Nimbus sends no mail), so an email subscription stays pending.
  if (!confirmed && (protocol === 'http' || protocol === 'https' || protocol === 'sqs')) {
    sendControlMessage(ctx, topic, rec, 'SubscriptionConfirmation');
  }
  return { SubscriptionArn: confirmed || input.ReturnSubscriptionArn ? rec.arn : 'pending confirmation' };
}

const TOKEN_LIFETIME_MS = 3 * 24 * 3600 * 1000;

/** SNS's confirmation tokens are long hex strings. */
const newToken = () => randomBytes(128).toString('hex');

/** Confirms the subscription a token belongs to; shared by the API and the SubscribeURL. */
export function confirmByToken(ctx: RequestContext, topicArn: string, token: string, authenticate = false): string {
  if (!parseArn(topicArn)) throw invalidParameter('Topic');
  const topic = topicByArn(ctx, topicArn);
  const s = st({ accountId: topic.account, region: topic.region });
  const arn = s.tokens.get(token);
  const rec = arn ? s.subs.get(arn) : undefined;
  if (!rec || rec.topicArn !== topic.arn) throw invalidParameter('Token');
  // "Confirmation tokens are valid for three days" (Subscribe, API Reference).
  if (!rec.confirmed && clock.now() - rec.created > TOKEN_LIFETIME_MS) throw invalidParameter('Token'); // (?) the wording for an expired token
  if (!rec.confirmed) {
    rec.confirmed = true;
    rec.authenticated = authenticate;
    if (authenticate) rec.authUnsub = true;
    s.subs.touch(rec.arn);
  }
  return rec.arn;
}

export function confirmSubscription(ctx: RequestContext, input: In<'ConfirmSubscription'>): Out<'ConfirmSubscription'> {
  const auth = (input.AuthenticateOnUnsubscribe ?? '').toLowerCase() === 'true';
  return { SubscriptionArn: confirmByToken(ctx, input.TopicArn, input.Token, auth) };
}

/** Drops a subscription and its indexes; `count` adds it to the topic's SubscriptionsDeleted. */
export function removeSubscription(s: SnsState, rec: SubRec, count = true): void {
  s.subs.delete(rec.arn);
  s.byTopic.get(rec.topicArn)?.delete(rec.arn);
  if (rec.token) s.tokens.delete(rec.token);
  if (count) {
    const t = s.topics.get(rec.topicArn);
    if (t) { t.deletedSubs++; s.topics.touch(t.arn); }
  }
}

export function unsubscribe(ctx: RequestContext, input: In<'Unsubscribe'>): Out<'Unsubscribe'> {
  const p = parseArn(input.SubscriptionArn);
  if (!p) throw invalidParameter(`SubscriptionArn Reason: An ARN must have at least 6 elements, not ${input.SubscriptionArn.split(':').length}`);
  if (p.service === 'sns' && !p.resource.includes(':')) throw invalidParameter('SubscriptionId');
  const s = st({ accountId: p.account, region: p.region });
  const rec = s.subs.get(input.SubscriptionArn);
  if (!rec) return; // Unsubscribe is idempotent
  const topic = s.topics.get(rec.topicArn);
  removeSubscription(s, rec);
  // A confirmed HTTP/S endpoint is told, with a link to subscribe again.
  if (topic && rec.confirmed && (rec.protocol === 'http' || rec.protocol === 'https')) {
    sendControlMessage(ctx, topic, { ...rec, token: newToken() }, 'UnsubscribeConfirmation');
  }
}

// ---- listing -----------------------------------------------------------------------------

const sortKey = (r: SubRec) => `${String(r.created).padStart(15, '0')}/${r.arn}`;
const entry = (r: SubRec) => ({
  SubscriptionArn: r.confirmed ? r.arn : 'PendingConfirmation', Owner: r.owner, Protocol: r.protocol, Endpoint: r.endpoint, TopicArn: r.topicArn,
});

export function listSubscriptions(ctx: RequestContext, input: In<'ListSubscriptions'>): Out<'ListSubscriptions'> {
  const subs = [...st(ctx).subs.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  const p = page(ctx, input as unknown as Record<string, unknown>, subs, { key: sortKey, defaultLimit: 100, maxLimit: 100, invalidToken: () => invalidParameter('NextToken') });
  return { Subscriptions: (p.Subscriptions as SubRec[]).map(entry), ...(p.NextToken ? { NextToken: p.NextToken as string } : {}) };
}

export function listSubscriptionsByTopic(ctx: RequestContext, input: In<'ListSubscriptionsByTopic'>): Out<'ListSubscriptionsByTopic'> {
  const topic = topicByArn(ctx, input.TopicArn);
  const s = st({ accountId: topic.account, region: topic.region });
  const subs = [...(s.byTopic.get(topic.arn)?.values() ?? [])].map((l) => l.rec).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  const p = page(ctx, input as unknown as Record<string, unknown>, subs, { key: sortKey, defaultLimit: 100, maxLimit: 100, invalidToken: () => invalidParameter('NextToken') });
  return { Subscriptions: (p.Subscriptions as SubRec[]).map(entry), ...(p.NextToken ? { NextToken: p.NextToken as string } : {}) };
}

// ---- attributes --------------------------------------------------------------------------

export function getSubscriptionAttributes(ctx: RequestContext, input: In<'GetSubscriptionAttributes'>): Out<'GetSubscriptionAttributes'> {
  const r = subByArn(ctx, input.SubscriptionArn);
  const topic = st({ accountId: r.account, region: r.region }).topics.get(r.topicArn);
  const a: Record<string, string> = {
    Owner: r.owner,
    RawMessageDelivery: r.attrs.RawMessageDelivery ?? 'false',
    TopicArn: r.topicArn,
    Endpoint: r.endpoint,
    Protocol: r.protocol,
    PendingConfirmation: String(!r.confirmed),
    ConfirmationWasAuthenticated: String(r.authenticated),
    SubscriptionArn: r.arn,
  };
  for (const [k, v] of Object.entries(r.attrs)) if (k !== 'RawMessageDelivery') a[k] = v;
  if (r.protocol === 'http' || r.protocol === 'https') {
    a.EffectiveDeliveryPolicy = subscriptionEffectiveText(topic?.attrs.DeliveryPolicy, r.attrs.DeliveryPolicy);
  }
  return { Attributes: a };
}

export function setSubscriptionAttributes(ctx: RequestContext, input: In<'SetSubscriptionAttributes'>): Out<'SetSubscriptionAttributes'> {
  const r = subByArn(ctx, input.SubscriptionArn);
  const s = st({ accountId: r.account, region: r.region });
  const topic = s.topics.get(r.topicArn)!;
  const name = input.AttributeName;
  const v = checkAttribute(name, input.AttributeValue ?? '', r, topic, '', r.attrs.FilterPolicyScope, r.attrs.FilterPolicy);
  if (v === '') {
    delete r.attrs[name];
    if (name === 'FilterPolicy') delete r.attrs.FilterPolicyScope;
  } else {
    r.attrs[name] = v;
    if (name === 'FilterPolicy' && !r.attrs.FilterPolicyScope) r.attrs.FilterPolicyScope = 'MessageAttributes';
  }
  s.subs.touch(r.arn);
  s.byTopic.get(r.topicArn)?.get(r.arn)?.recompile();
}
