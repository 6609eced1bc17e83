// Tags on streams (the stream-named operations and the ARN-named ones, which also tag
// consumers) and resource policies on streams and consumers.
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, findStream, invalidArgument, parseStreamArn, st } from './common.js';
import { parseConsumerArn } from './consumers.js';

/** Tags per stream ("Tagging your streams", Developer Guide: 50 per stream). */
const MAX_TAGS = 50;

function addTags(tags: Record<string, string>, add: Record<string, string>, name: string, account: string): void {
  const keys = new Set([...Object.keys(tags), ...Object.keys(add)]);
  if (keys.size > MAX_TAGS) {
    throw invalidArgument(`Failed to add tags to stream ${name} under account ${account} because a given stream cannot have more than ${MAX_TAGS} tags.`);
  }
  Object.assign(tags, add);
}

/** The tags (and a save function) of a stream or consumer named by ARN. */
function resource(ctx: RequestContext, arn: string): { tags: Record<string, string>; policy(p?: string | null): string | undefined; save(): void; name: string } {
  const s = st(ctx);
  const c = parseConsumerArn(arn);
  if (c) {
    const rec = s.consumers.get(arn);
    if (!rec) throw new ServiceError('ResourceNotFoundException', `Consumer ${c.name} under stream ${c.streamArn.slice(c.streamArn.indexOf('/') + 1)} under account ${ctx.accountId} not found.`, 400);
    return {
      tags: rec.tags, name: rec.name, save: () => s.consumers.touch(arn),
      policy: (p) => { if (p !== undefined) { if (p === null) delete rec.policy; else rec.policy = p; } return rec.policy; },
    };
  }
  if (!parseStreamArn(arn)) throw invalidArgument(`Invalid ResourceARN ${arn}.`);
  const stream = findStream(ctx, { StreamARN: arn });
  const rec = stream.rec;
  return {
    tags: rec.tags, name: rec.name, save: () => s.streams.touch(rec.name),
    policy: (p) => { if (p !== undefined) { if (p === null) delete rec.policy; else rec.policy = p; } return rec.policy; },
  };
}

export function addTagsToStream(ctx: RequestContext, input: In<'AddTagsToStream'>): Out<'AddTagsToStream'> {
  const stream = findStream(ctx, input);
  addTags(stream.rec.tags, input.Tags, stream.name, ctx.accountId);
  st(ctx).streams.touch(stream.name);
  return undefined;
}

export function removeTagsFromStream(ctx: RequestContext, input: In<'RemoveTagsFromStream'>): Out<'RemoveTagsFromStream'> {
  const stream = findStream(ctx, input);
  for (const k of input.TagKeys) delete stream.rec.tags[k];
  st(ctx).streams.touch(stream.name);
  return undefined;
}

export function listTagsForStream(ctx: RequestContext, input: In<'ListTagsForStream'>): Out<'ListTagsForStream'> {
  const stream = findStream(ctx, input);
  const keys = Object.keys(stream.rec.tags).sort().filter((k) => input.ExclusiveStartTagKey === undefined || k > input.ExclusiveStartTagKey);
  const limit = input.Limit ?? MAX_TAGS;
  return {
    Tags: keys.slice(0, limit).map((k) => ({ Key: k, Value: stream.rec.tags[k] })),
    HasMoreTags: keys.length > limit,
  };
}

export function tagResource(ctx: RequestContext, input: In<'TagResource'>): Out<'TagResource'> {
  const r = resource(ctx, input.ResourceARN);
  addTags(r.tags, input.Tags, r.name, ctx.accountId);
  r.save();
  return undefined;
}

export function untagResource(ctx: RequestContext, input: In<'UntagResource'>): Out<'UntagResource'> {
  const r = resource(ctx, input.ResourceARN);
  for (const k of input.TagKeys) delete r.tags[k];
  r.save();
  return undefined;
}

export function listTagsForResource(ctx: RequestContext, input: In<'ListTagsForResource'>): Out<'ListTagsForResource'> {
  const r = resource(ctx, input.ResourceARN);
  return { Tags: Object.keys(r.tags).sort().map((k) => ({ Key: k, Value: r.tags[k] })) };
}

// ---- resource policies -------------------------------------------------------------------

export function putResourcePolicy(ctx: RequestContext, input: In<'PutResourcePolicy'>): Out<'PutResourcePolicy'> {
  const r = resource(ctx, input.ResourceARN);
  let doc: unknown;
  try { doc = JSON.parse(input.Policy); } catch { doc = undefined; }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalidArgument('Policy is not a valid JSON policy document.');
  r.policy(input.Policy);
  r.save();
  return undefined;
}

export function getResourcePolicy(ctx: RequestContext, input: In<'GetResourcePolicy'>): Out<'GetResourcePolicy'> {
  const r = resource(ctx, input.ResourceARN);
  // A resource without a policy answers an empty document rather than an error.
  return { Policy: r.policy() ?? '{}' };
}

export function deleteResourcePolicy(ctx: RequestContext, input: In<'DeleteResourcePolicy'>): Out<'DeleteResourcePolicy'> {
  const r = resource(ctx, input.ResourceARN);
  if (r.policy() === undefined) {
    throw new ServiceError('ResourceNotFoundException', `No resource policy found for resource ${input.ResourceARN}.`, 400);
  }
  r.policy(null);
  r.save();
  return undefined;
}
