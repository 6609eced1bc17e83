// Tags on log groups: the older TagLogGroup / UntagLogGroup / ListTagsLogGroup (by name) and
// TagResource / UntagResource / ListTagsForResource (by ARN, arn:aws:logs:…:log-group:NAME).
// A resource has at most 50 tags; keys starting with aws: are reserved.
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type {
  ListTagsForResourceRequest, ListTagsLogGroupRequest, TagLogGroupRequest, TagResourceRequest, UntagLogGroupRequest,
  UntagResourceRequest,
} from '../../protocols/types/logs.js';
import { groupArn, groupOf, st } from './groups.js';
import type { GroupRec } from './state.js';

const MAX_TAGS = 50;

function groupByArn(ctx: RequestContext, arn: string): GroupRec {
  const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(?::\*)?$/.exec(arn);
  if (!m) {
    if (/^arn:aws[a-z-]*:logs:/.test(arn)) throw new ServiceError('InvalidParameterException', `Tagging is not supported for the resource ${arn} in Nimbus.`);
    throw new ServiceError('InvalidParameterException', `Invalid resource ARN: ${arn}`);
  }
  if (m[1] !== ctx.region || m[2] !== ctx.accountId) throw new ServiceError('ResourceNotFoundException', 'The specified resource does not exist.');
  const g = st(ctx).groups.get(m[3]);
  if (!g) throw new ServiceError('ResourceNotFoundException', 'The specified resource does not exist.');
  return g;
}

function addTags(ctx: RequestContext, g: GroupRec, tags: Record<string, string>): void {
  for (const k of Object.keys(tags)) {
    if (/^aws:/i.test(k)) throw new ServiceError('InvalidParameterException', 'Tag keys beginning with aws: are reserved.');
  }
  const next = { ...g.tags, ...tags };
  if (Object.keys(next).length > MAX_TAGS) {
    throw new ServiceError('TooManyTagsException', `A resource can only have ${MAX_TAGS} tags.`, undefined, { resourceName: groupArn(ctx, g.name) });
  }
  g.tags = next;
  st(ctx).groups.set(g.name, g);
}

function removeTags(ctx: RequestContext, g: GroupRec, keys: string[]): void {
  const next = { ...g.tags };
  for (const k of keys) delete next[k];
  g.tags = next;
  st(ctx).groups.set(g.name, g);
}

export function tagLogGroup(ctx: RequestContext, input: TagLogGroupRequest) {
  addTags(ctx, groupOf(ctx, { logGroupName: input.logGroupName }), input.tags);
  return {};
}

export function untagLogGroup(ctx: RequestContext, input: UntagLogGroupRequest) {
  removeTags(ctx, groupOf(ctx, { logGroupName: input.logGroupName }), input.tags);
  return {};
}

export function listTagsLogGroup(ctx: RequestContext, input: ListTagsLogGroupRequest) {
  return { tags: { ...groupOf(ctx, { logGroupName: input.logGroupName }).tags } };
}

export function tagResource(ctx: RequestContext, input: TagResourceRequest) {
  addTags(ctx, groupByArn(ctx, input.resourceArn), input.tags);
  return {};
}

export function untagResource(ctx: RequestContext, input: UntagResourceRequest) {
  removeTags(ctx, groupByArn(ctx, input.resourceArn), input.tagKeys);
  return {};
}

export function listTagsForResource(ctx: RequestContext, input: ListTagsForResourceRequest) {
  return { tags: { ...groupByArn(ctx, input.resourceArn).tags } };
}
