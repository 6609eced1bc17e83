// Topics: create (standard and FIFO, idempotent for the same attributes and tags), delete,
// list (100 a page), attributes (with the computed counts, default policy and effective
// delivery policy), tags, permissions (statements in the topic policy), data protection policy.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, invalidParameter, parseArn, st, topicByArn, notFound } from './common.js';
import { checkTopicPolicy, topicEffectiveText } from './delivery-policy.js';
import type { TopicRec } from './state.js';
import { removeSubscription } from './subscriptions.js';

const STANDARD_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;

/** Delivery-status logging attributes: stored and returned, as SNS does. */
const FEEDBACK = ['Application', 'HTTP', 'Lambda', 'SQS', 'Firehose'].flatMap((p) =>
  [`${p}SuccessFeedbackRoleArn`, `${p}SuccessFeedbackSampleRate`, `${p}FailureFeedbackRoleArn`]);

const SETTABLE = new Set(['DeliveryPolicy', 'DisplayName', 'Policy', 'SignatureVersion', 'TracingConfig', 'KmsMasterKeyId',
  'ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope', ...FEEDBACK]);
const CREATE_ONLY = new Set(['FifoTopic']);

export function defaultPolicy(t: { arn: string; account: string }): string {
  return JSON.stringify({
    Version: '2008-10-17', Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID', Effect: 'Allow', Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission',
        'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: t.arn, Condition: { StringEquals: { 'AWS:SourceOwner': t.account } },
    }],
  });
}

/** Checks one attribute value; answers the value to store (undefined: remove it). */
function checkAttribute(name: string, value: string, fifo: boolean, creating: boolean): string | undefined {
  if (!SETTABLE.has(name) && !(creating && CREATE_ONLY.has(name))) throw invalidParameter(creating ? 'Attributes Reason: Unknown attribute' : 'AttributeName'); // (?)
  switch (name) {
    case 'DisplayName':
      if (value.length > 100) throw invalidParameter('DisplayName Reason: must be at most 100 characters long'); // (?)
      return value;
    case 'Policy':
      try { const p = JSON.parse(value); if (typeof p !== 'object' || p === null) throw new Error(); } catch {
        throw invalidParameter('Policy Error: null'); // (?) what SNS answers for unparseable policies
      }
      return value;
    case 'DeliveryPolicy':
      if (value === '') return undefined;
      checkTopicPolicy(value);
      return value;
    case 'SignatureVersion':
      if (value !== '1' && value !== '2') throw invalidParameter('Attributes Reason: SignatureVersion: Invalid value [' + value + ']. Must be 1 or 2.'); // (?)
      return value;
    case 'FifoTopic':
      if (value !== 'true' && value !== 'false') throw invalidParameter('Attributes Reason: FifoTopic: Invalid value [' + value + ']. Must be true or false.'); // (?)
      return value;
    case 'ContentBasedDeduplication':
      if (!fifo) throw invalidParameter('Attributes Reason: Content based deduplication can only be set for FIFO topics'); // (?)
      if (value !== 'true' && value !== 'false') throw invalidParameter('Attributes Reason: ContentBasedDeduplication: Invalid value [' + value + ']. Must be true or false.'); // (?)
      return value;
    case 'TracingConfig':
      if (value !== 'Active' && value !== 'PassThrough') throw invalidParameter('Attributes Reason: TracingConfig: Invalid value [' + value + ']. Must be Active or PassThrough.'); // (?)
      return value;
    default:
      return value;
  }
}

export function createTopic(ctx: RequestContext, input: In<'CreateTopic'>): Out<'CreateTopic'> {
  const name = input.Name;
  const attrsIn = input.Attributes ?? {};
  const fifo = attrsIn.FifoTopic === 'true';
  if (fifo) {
    if (!FIFO_NAME.test(name)) {
      throw invalidParameter('Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.');
    }
  } else if (!STANDARD_NAME.test(name)) {
    throw invalidParameter('Topic Name');
  }
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrsIn)) {
    const x = checkAttribute(k, v, fifo, true);
    if (x !== undefined && k !== 'FifoTopic') attrs[k] = x;
  }
  if (fifo) {
    attrs.FifoTopic = 'true';
    attrs.ContentBasedDeduplication ??= 'false';
  }
  const tags = input.Tags ?? [];
  checkDuplicateKeys(tags);
  const s = st(ctx);
  const arn = `arn:aws:sns:${ctx.region}:${ctx.accountId}:${name}`;
  const existing = s.topics.get(arn);
  if (existing) {
    // The same request again answers the same topic; different attributes or tags are an error.
    for (const [k, v] of Object.entries(attrs)) {
      if ((existing.attrs[k] ?? (k === 'Policy' ? defaultPolicy(existing) : undefined)) !== v) {
        throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
      }
    }
    for (const t of tags) {
      if (existing.tags[t.Key] !== t.Value) throw invalidParameter('Tags Reason: Topic already exists with different tags');
    }
    return { TopicArn: arn };
  }
  checkTagCount(tags.length);
  if (input.DataProtectionPolicy !== undefined) checkJsonPolicy(input.DataProtectionPolicy, 'DataProtectionPolicy');
  const rec: TopicRec = {
    arn, name, account: ctx.accountId, region: ctx.region, fifo, attrs,
    tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])), deletedSubs: 0, seq: 0, created: clock.now(),
    ...(input.DataProtectionPolicy ? { dataProtectionPolicy: input.DataProtectionPolicy } : {}),
  };
  s.topics.set(arn, rec);
  return { TopicArn: arn };
}

export function deleteTopic(ctx: RequestContext, input: In<'DeleteTopic'>): Out<'DeleteTopic'> {
  const p = parseArn(input.TopicArn);
  if (!p) throw invalidParameter(`TopicArn Reason: An ARN must have at least 6 elements, not ${input.TopicArn.split(':').length}`);
  const s = st({ accountId: p.account, region: p.region });
  // Deleting a topic that does not exist succeeds: DeleteTopic is idempotent.
  if (!s.topics.has(input.TopicArn)) return;
  for (const sub of [...(s.byTopic.get(input.TopicArn)?.values() ?? [])]) removeSubscription(s, sub.rec, false);
  s.byTopic.delete(input.TopicArn);
  for (const d of s.dedupByTopic.get(input.TopicArn)?.values() ?? []) s.dedup.delete(`${d.topic}/${d.key}`);
  s.dedupByTopic.delete(input.TopicArn);
  s.topics.delete(input.TopicArn);
}

export function listTopics(ctx: RequestContext, input: In<'ListTopics'>): Out<'ListTopics'> {
  const arns = [...st(ctx).topics.keys()].sort();
  const p = page(ctx, input as unknown as Record<string, unknown>, arns, {
    key: (a) => a, defaultLimit: 100, maxLimit: 100, invalidToken: () => invalidParameter('NextToken'),
  });
  return { Topics: (p.Topics as string[]).map((TopicArn) => ({ TopicArn })), ...(p.NextToken ? { NextToken: p.NextToken as string } : {}) };
}

export function getTopicAttributes(ctx: RequestContext, input: In<'GetTopicAttributes'>): Out<'GetTopicAttributes'> {
  const t = topicByArn(ctx, input.TopicArn);
  const s = st({ accountId: t.account, region: t.region });
  let confirmed = 0, pending = 0;
  for (const sub of s.byTopic.get(t.arn)?.values() ?? []) if (sub.rec.confirmed) confirmed++; else pending++;
  const a: Record<string, string> = {
    Policy: t.attrs.Policy ?? defaultPolicy(t),
    Owner: t.account,
    SubscriptionsPending: String(pending),
    TopicArn: t.arn,
    EffectiveDeliveryPolicy: topicEffectiveText(t.attrs.DeliveryPolicy),
    SubscriptionsConfirmed: String(confirmed),
    DisplayName: t.attrs.DisplayName ?? '',
    SubscriptionsDeleted: String(t.deletedSubs),
  };
  for (const [k, v] of Object.entries(t.attrs)) if (!(k in a)) a[k] = v;
  return { Attributes: a };
}

export function setTopicAttributes(ctx: RequestContext, input: In<'SetTopicAttributes'>): Out<'SetTopicAttributes'> {
  const t = topicByArn(ctx, input.TopicArn);
  const v = checkAttribute(input.AttributeName, input.AttributeValue ?? '', t.fifo, false);
  if (v === undefined || (input.AttributeName === 'Policy' && v === '')) delete t.attrs[input.AttributeName];
  else t.attrs[input.AttributeName] = v;
  st({ accountId: t.account, region: t.region }).topics.touch(t.arn);
}

// ---- tags --------------------------------------------------------------------------------

const MAX_TAGS = 50;

function checkDuplicateKeys(tags: { Key: string }[]): void {
  if (new Set(tags.map((t) => t.Key)).size < tags.length) throw invalidParameter('Duplicated keys are not allowed.');
}

function checkTagCount(n: number): void {
  if (n > MAX_TAGS) throw new ServiceError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded');
}

/** Tag operations name a topic by ARN; anything else is not a taggable SNS resource here. */
function taggedTopic(ctx: RequestContext, arn: string): TopicRec {
  const p = parseArn(arn);
  const t = p && p.service === 'sns' ? st({ accountId: p.account, region: p.region }).topics.get(arn) : undefined;
  if (!t) throw new ServiceError('ResourceNotFound', 'Resource does not exist');
  return t;
}

export function tagResource(ctx: RequestContext, input: In<'TagResource'>): Out<'TagResource'> {
  const t = taggedTopic(ctx, input.ResourceArn);
  checkDuplicateKeys(input.Tags);
  const added = input.Tags.filter((x) => !(x.Key in t.tags)).length;
  checkTagCount(Object.keys(t.tags).length + added);
  for (const x of input.Tags) t.tags[x.Key] = x.Value;
  st({ accountId: t.account, region: t.region }).topics.touch(t.arn);
  return {};
}

export function untagResource(ctx: RequestContext, input: In<'UntagResource'>): Out<'UntagResource'> {
  const t = taggedTopic(ctx, input.ResourceArn);
  for (const k of input.TagKeys) delete t.tags[k];
  st({ accountId: t.account, region: t.region }).topics.touch(t.arn);
  return {};
}

export function listTagsForResource(ctx: RequestContext, input: In<'ListTagsForResource'>): Out<'ListTagsForResource'> {
  const t = taggedTopic(ctx, input.ResourceArn);
  return { Tags: Object.entries(t.tags).map(([Key, Value]) => ({ Key, Value })) };
}

// ---- permissions (statements in the topic's Policy) --------------------------------------

interface PolicyDoc { Version: string; Id?: string; Statement: Record<string, unknown>[] }

function policyOf(t: TopicRec): PolicyDoc {
  const doc = JSON.parse(t.attrs.Policy ?? defaultPolicy(t)) as PolicyDoc;
  if (!Array.isArray(doc.Statement)) doc.Statement = doc.Statement ? [doc.Statement] : [];
  return doc;
}

const ACTIONS = new Set(['*', 'GetTopicAttributes', 'SetTopicAttributes', 'AddPermission', 'RemovePermission', 'DeleteTopic',
  'Subscribe', 'ListSubscriptionsByTopic', 'Publish', 'Receive']);

export function addPermission(ctx: RequestContext, input: In<'AddPermission'>): Out<'AddPermission'> {
  const t = topicByArn(ctx, input.TopicArn);
  for (const a of input.ActionName) {
    if (!ACTIONS.has(a)) throw invalidParameter(`Policy statement action out of service scope!`); // (?)
  }
  const doc = policyOf(t);
  if (doc.Statement.some((s) => s.Sid === input.Label)) throw invalidParameter('Statement already exists');
  const principals = input.AWSAccountId.map((a) => (/^\d{12}$/.test(a) ? `arn:aws:iam::${a}:root` : a));
  const actions = input.ActionName.map((a) => `SNS:${a}`);
  doc.Statement.push({
    Sid: input.Label, Effect: 'Allow',
    Principal: { AWS: principals.length === 1 ? principals[0] : principals },
    Action: actions.length === 1 ? actions[0] : actions,
    Resource: t.arn,
  });
  t.attrs.Policy = JSON.stringify(doc);
  st({ accountId: t.account, region: t.region }).topics.touch(t.arn);
}

export function removePermission(ctx: RequestContext, input: In<'RemovePermission'>): Out<'RemovePermission'> {
  const t = topicByArn(ctx, input.TopicArn);
  const doc = policyOf(t);
  const rest = doc.Statement.filter((s) => s.Sid !== input.Label);
  if (rest.length === doc.Statement.length) return; // an unknown label changes nothing
  doc.Statement = rest;
  t.attrs.Policy = JSON.stringify(doc);
  st({ accountId: t.account, region: t.region }).topics.touch(t.arn);
}

// ---- data protection policy (stored and returned; Nimbus does not inspect messages) -------

function checkJsonPolicy(text: string, member: string): void {
  try { const v = JSON.parse(text); if (typeof v !== 'object' || v === null) throw new Error(); } catch {
    throw invalidParameter(`${member} Reason: must be a valid JSON document`); // (?)
  }
}

function dataProtectionTopic(ctx: RequestContext, arn: string): TopicRec {
  const p = parseArn(arn);
  if (!p || p.service !== 'sns') throw invalidParameter('ResourceArn');
  const t = st({ accountId: p.account, region: p.region }).topics.get(arn);
  if (!t) throw notFound('Resource does not exist'); // (?)
  return t;
}

export function putDataProtectionPolicy(ctx: RequestContext, input: In<'PutDataProtectionPolicy'>): Out<'PutDataProtectionPolicy'> {
  const t = dataProtectionTopic(ctx, input.ResourceArn);
  checkJsonPolicy(input.DataProtectionPolicy, 'DataProtectionPolicy');
  t.dataProtectionPolicy = input.DataProtectionPolicy;
  st({ accountId: t.account, region: t.region }).topics.touch(t.arn);
}

export function getDataProtectionPolicy(ctx: RequestContext, input: In<'GetDataProtectionPolicy'>): Out<'GetDataProtectionPolicy'> {
  const t = dataProtectionTopic(ctx, input.ResourceArn);
  return t.dataProtectionPolicy ? { DataProtectionPolicy: t.dataProtectionPolicy } : {};
}
