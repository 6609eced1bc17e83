// Resource-based policies: PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy on a
// table or one of its streams. Nimbus stores and returns them (it does not evaluate them);
// revision ids are optimistic-locking tokens as AWS's (API Reference, PutResourcePolicy:
// ExpectedRevisionId must match the current policy's, else PolicyNotFoundException).
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, st } from './common.js';
import type { Table } from './state.js';
import { validation } from './values.js';

function tableOf(ctx: RequestContext, arn: string): Table {
  const m = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([^/]+)(\/stream\/[^/]+)?$/.exec(arn);
  if (!m) throw validation(`Invalid ResourceArn provided as input ${arn}`); // wording unverified
  const t = m[1] === ctx.region && m[2] === ctx.accountId ? st(ctx).live.get(m[3]) : undefined;
  if (!t) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: ResourceArn: ${arn} not found`, 400); // wording unverified
  if (m[4] && !st(ctx).streams.has(arn)) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: ResourceArn: ${arn} not found`, 400); // wording unverified
  return t;
}

const policyNotFound = (arn: string) =>
  new ServiceError('PolicyNotFoundException', `Resource-based policy not found for the provided ResourceArn: ${arn}`, 400); // wording unverified

function save(ctx: RequestContext, t: Table, arn: string, value: { policy: string; revisionId: string } | undefined): void {
  const policies = { ...(t.rec.policies ?? {}) };
  if (value) policies[arn] = value; else delete policies[arn];
  t.rec = { ...t.rec, policies };
  st(ctx).tables.set(t.rec.name, t.rec);
}

export function putResourcePolicy(ctx: RequestContext, input: In<'PutResourcePolicy'>): Out<'PutResourcePolicy'> {
  const t = tableOf(ctx, input.ResourceArn);
  try { JSON.parse(input.Policy); } catch { throw validation('Invalid policy document: the policy is not valid JSON'); } // wording unverified
  const cur = t.rec.policies?.[input.ResourceArn];
  if (input.ExpectedRevisionId !== undefined && cur?.revisionId !== input.ExpectedRevisionId) throw policyNotFound(input.ResourceArn);
  // Revision ids are epoch-millisecond strings, like AWS's; always increasing per resource.
  let rev = clock.now();
  if (cur && rev <= Number(cur.revisionId)) rev = Number(cur.revisionId) + 1;
  save(ctx, t, input.ResourceArn, { policy: input.Policy, revisionId: String(rev) });
  return { RevisionId: String(rev) };
}

export function getResourcePolicy(ctx: RequestContext, input: In<'GetResourcePolicy'>): Out<'GetResourcePolicy'> {
  const t = tableOf(ctx, input.ResourceArn);
  const cur = t.rec.policies?.[input.ResourceArn];
  if (!cur) throw policyNotFound(input.ResourceArn);
  return { Policy: cur.policy, RevisionId: cur.revisionId };
}

export function deleteResourcePolicy(ctx: RequestContext, input: In<'DeleteResourcePolicy'>): Out<'DeleteResourcePolicy'> {
  const t = tableOf(ctx, input.ResourceArn);
  const cur = t.rec.policies?.[input.ResourceArn];
  if (input.ExpectedRevisionId !== undefined && cur?.revisionId !== input.ExpectedRevisionId) throw policyNotFound(input.ResourceArn);
  // Without a policy there is nothing to remove: the RevisionId "will be empty if you make a
  // request against a resource without a policy" (API Reference, DeleteResourcePolicy).
  if (!cur) return {};
  save(ctx, t, input.ResourceArn, undefined);
  return { RevisionId: cur.revisionId };
}
