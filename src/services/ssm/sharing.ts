// Sharing parameters with other accounts (Parameter Store User Guide, "Working with shared
// parameters"): through an AWS RAM resource share, or through PutResourcePolicy, which makes a
// RAM share of its own (featureSet CREATED_FROM_POLICY, promotable to a standard share). Only
// Advanced-tier parameters can be shared, and a SecureString only when encrypted with a
// customer managed key: "AWS managed keys cannot be shared" (API reference, PutResourcePolicy).
// A consumer reads a shared parameter by its full ARN (GetParameter, GetParameters,
// DescribeParameters with Shared) and can't change it. Whether a parameter is shared with an
// account is RAM's answer (in-process `SharedWith`); SSM keeps no copy of RAM's data.
import { createHash } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { callService } from '../../core/internal-client.js';
import { uuid } from '../../core/ids.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/ssm.js';
import { current, ssmState, type ParamRec } from './state.js';

const PARAM_ARN = /^arn:aws[a-z-]*:ssm:([a-z0-9-]+):(\d{12}):parameter\/(.+)$/;
const AWS_MANAGED_KEY = 'alias/aws/ssm';

/** What a resource policy on a parameter may grant: reads only. */
const SHAREABLE_ACTIONS = new Set(['ssm:GetParameter', 'ssm:GetParameters', 'ssm:DescribeParameters', 'ssm:GetParameterHistory']);

/** The parameter ARN without a :version or :label selector. */
function baseArn(m: RegExpExecArray): string {
  const rest = m[3].replace(/:[^:/]*$/, '');
  return `arn:aws:ssm:${m[1]}:${m[2]}:parameter/${rest}`;
}

const accessDenied = (ctx: RequestContext, op: string, arn: string) => new ServiceError('AccessDeniedException',
  `User: ${ctx.caller.arn} is not authorized to perform: ssm:${op} on resource: ${arn} because no resource-based policy allows the ssm:${op} action`);

/**
 * For a full ARN of another account's parameter: the owner's context when the parameter is
 * shared with the caller, else AccessDeniedException. Undefined for the caller's own names.
 */
export async function foreignOwner(ctx: RequestContext, ref: string, op: string): Promise<RequestContext | undefined> {
  const m = PARAM_ARN.exec(ref);
  if (!m || m[2] === ctx.accountId || m[1] !== ctx.region) return undefined;
  const arn = baseArn(m);
  const r = await callService<{ shares: { resourceShareArn: string; featureSet: string; actions: string[] }[] }>(ctx, 'ram', 'SharedWith',
    { resourceArn: arn, accountId: ctx.accountId });
  const owner = { ...ctx, accountId: m[2] };
  const action = `ssm:${op}`;
  const p = r.shares.length ? ownParam(owner, arn) : undefined;
  const allowed = p && r.shares.some((sh) => {
    if (!sh.actions.includes(action)) return false;
    // A share made from a resource policy grants what that policy's statements allow this account.
    const policy = p.resourcePolicies?.find((x) => x.shareArn === sh.resourceShareArn);
    return !policy || policyAllows(policy.policy, ctx.accountId, action);
  });
  if (!allowed) throw accessDenied(ctx, op, arn);
  return owner;
}

function policyAllows(policy: string, account: string, action: string): boolean {
  let doc: { Statement?: unknown };
  try { doc = JSON.parse(policy); } catch { return false; }
  return (asList(doc?.Statement) as Record<string, unknown>[]).some((st) => {
    const ids = asList((st.Principal as { AWS?: unknown } | undefined)?.AWS).map(String);
    return st.Effect === 'Allow' && (asList(st.Action) as string[]).includes(action)
      && ids.some((id) => id === account || id === `arn:aws:iam::${account}:root`);
  });
}

/** Shared parameters are read-only for the accounts they are shared with. */
export function denyForeignWrite(ctx: RequestContext, ref: string, op: string): void {
  const m = PARAM_ARN.exec(ref);
  if (m && m[2] !== ctx.accountId) throw accessDenied(ctx, op, baseArn(m));
}

/** The parameters shared with the caller through standard RAM shares, each with its owner's context. */
export async function sharedParams(ctx: RequestContext): Promise<{ owner: RequestContext; p: ParamRec }[]> {
  const r = await callService<{ resourceArns: string[] }>(ctx, 'ram', 'ResourcesSharedWith',
    { accountId: ctx.accountId, resourceType: 'ssm:Parameter', standardOnly: true });
  const out: { owner: RequestContext; p: ParamRec }[] = [];
  for (const arn of r.resourceArns) {
    const m = PARAM_ARN.exec(arn);
    if (!m) continue;
    const owner = { ...ctx, accountId: m[2] };
    const p = ownParam(owner, arn);
    if (p) out.push({ owner, p });
  }
  return out;
}

/** The caller's own parameter an ARN names (parameter/foo is "foo" or "/foo"). */
function ownParam(ctx: RequestContext, arn: string): ParamRec | undefined {
  const m = PARAM_ARN.exec(arn);
  if (!m || m[2] !== ctx.accountId || m[1] !== ctx.region) return undefined;
  const s = ssmState(ctx);
  const rest = m[3];
  return rest.includes('/') ? s.params.get('/' + rest) : s.params.get(rest) ?? s.params.get('/' + rest);
}

/** Why a parameter can't be shared, or undefined when it can. */
function sharingProblem(p: ParamRec): string | undefined {
  const v = current(p);
  if (v.tier !== 'Advanced') return 'Only advanced tier parameters can be shared. Change the parameter tier to Advanced, and try again.';
  if (v.type === 'SecureString' && (v.keyId === AWS_MANAGED_KEY || /:alias\/aws\/ssm$/.test(v.keyId ?? ''))) {
    return 'A SecureString parameter encrypted with the AWS managed key (alias/aws/ssm) can\'t be shared. Encrypt it with a customer managed key, and try again.';
  }
  return undefined;
}

/** In-process, for RAM: does this ARN name a parameter of the caller, and can it be shared? */
export function shareCheck(ctx: RequestContext, input: { resourceArn: string }) {
  const p = ownParam(ctx, input.resourceArn);
  return p ? { found: true, failure: sharingProblem(p) } : { found: false };
}

// ---- resource policies ----

const invalidParam = (m: string, names: string[]) => new ServiceError('ResourcePolicyInvalidParameterException', m, undefined, { ParameterNames: names });
const malformed = (m: string) => new ServiceError('MalformedResourcePolicyDocumentException', m);
const hashOf = (policy: string) => createHash('sha256').update(policy).digest('base64');

function policyTarget(ctx: RequestContext, arn: string): ParamRec {
  const m = PARAM_ARN.exec(arn);
  if (!m) throw invalidParam('ResourceArn is not a valid Parameter ARN.', ['ResourceArn']);
  const p = ownParam(ctx, arn);
  if (!p) throw new ServiceError('ResourceNotFoundException', `The specified parameter ${arn} was not found.`);
  return p;
}

const asList = (x: unknown): unknown[] => (Array.isArray(x) ? x : x === undefined ? [] : [x]);

/** Validates a sharing policy and returns the accounts it grants. */
function principalsOf(ctx: RequestContext, policy: string, arn: string): string[] {
  let doc: { Statement?: unknown };
  try { doc = JSON.parse(policy); } catch { throw malformed('The policy document is not valid JSON.'); }
  const statements = asList(doc?.Statement) as Record<string, unknown>[];
  if (!statements.length) throw malformed('The policy document must contain at least one Statement.');
  const accounts = new Set<string>();
  for (const st of statements) {
    if (st?.Effect !== 'Allow') throw malformed('Only Allow statements are supported in a parameter resource policy.');
    const actions = asList(st.Action) as string[];
    if (!actions.length || actions.some((a) => !SHAREABLE_ACTIONS.has(a))) {
      throw malformed(`A parameter can only be shared for ${[...SHAREABLE_ACTIONS].join(', ')}.`);
    }
    const resources = asList(st.Resource) as string[];
    if (!resources.length || resources.some((r) => r !== arn)) throw malformed(`The Resource of each statement must be ${arn}.`);
    const principal = st.Principal as { AWS?: unknown } | undefined;
    const ids = asList(principal?.AWS) as string[];
    if (!ids.length) throw malformed('Each statement must name AWS account principals.');
    for (const id of ids) {
      const a = /^\d{12}$/.test(String(id)) ? String(id) : /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(String(id))?.[1];
      if (!a) throw malformed(`Principal ${String(id)} is not an AWS account.`);
      if (a === ctx.accountId) throw malformed('A parameter can\'t be shared with the account that owns it.');
      accounts.add(a);
    }
  }
  return [...accounts];
}

export async function putResourcePolicy(ctx: RequestContext, input: T.PutResourcePolicyRequest): Promise<T.PutResourcePolicyResponse> {
  const s = ssmState(ctx);
  const p = policyTarget(ctx, input.ResourceArn);
  const problem = sharingProblem(p);
  if (problem) throw invalidParam(problem, ['ResourceArn']);
  const policies = p.resourcePolicies ?? [];
  let existing;
  if (input.PolicyId !== undefined) {
    existing = policies.find((x) => x.id === input.PolicyId);
    if (!existing) throw new ServiceError('ResourcePolicyNotFoundException', `No policy with ID ${input.PolicyId} was found for ${input.ResourceArn}.`);
    // Optimistic concurrency: the caller must hold the current hash.
    if (input.PolicyHash !== existing.hash) {
      throw new ServiceError('ResourcePolicyConflictException', 'The hash provided in the call doesn\'t match the stored hash. Get the current policy and hash, and try again.');
    }
  } else if (input.PolicyHash !== undefined) {
    throw invalidParam('PolicyHash can only be given with PolicyId.', ['PolicyHash']);
  }
  const accounts = principalsOf(ctx, input.Policy, input.ResourceArn);
  const id = existing?.id ?? uuid();
  const r = await callService<{ resourceShareArn: string }>(ctx, 'ram', 'PutPolicyShare',
    { resourceArn: input.ResourceArn, principals: accounts, policyId: id, shareArn: existing?.shareArn });
  const rec = { id, hash: hashOf(input.Policy + id), policy: input.Policy, shareArn: r.resourceShareArn };
  // The record as it is now (a PutParameter may have replaced it while RAM was called).
  const cur = s.params.get(p.name);
  if (!cur) {
    await callService(ctx, 'ram', 'DeletePolicyShare', { shareArn: r.resourceShareArn });
    throw new ServiceError('ResourceNotFoundException', `The specified parameter ${input.ResourceArn} was not found.`);
  }
  cur.resourcePolicies = [...(cur.resourcePolicies ?? []).filter((x) => x.id !== id), rec];
  s.params.set(cur.name, cur);
  return { PolicyId: rec.id, PolicyHash: rec.hash };
}

export function getResourcePolicies(ctx: RequestContext, input: T.GetResourcePoliciesRequest): T.GetResourcePoliciesResponse {
  const p = policyTarget(ctx, input.ResourceArn);
  const items = (p.resourcePolicies ?? []).map((x) => ({ PolicyId: x.id, PolicyHash: x.hash, Policy: x.policy }));
  return page(ctx, input as unknown as Record<string, unknown>, items, { defaultLimit: 50, maxLimit: 50,
    invalidToken: () => new ServiceError('InvalidNextToken', 'The specified token is not valid.') }) as T.GetResourcePoliciesResponse;
}

export async function deleteResourcePolicy(ctx: RequestContext, input: T.DeleteResourcePolicyRequest): Promise<T.DeleteResourcePolicyResponse> {
  const s = ssmState(ctx);
  const p = policyTarget(ctx, input.ResourceArn);
  const existing = (p.resourcePolicies ?? []).find((x) => x.id === input.PolicyId);
  if (!existing) throw new ServiceError('ResourcePolicyNotFoundException', `No policy with ID ${input.PolicyId} was found for ${input.ResourceArn}.`);
  if (input.PolicyHash !== existing.hash) {
    throw new ServiceError('ResourcePolicyConflictException', 'The hash provided in the call doesn\'t match the stored hash. Get the current policy and hash, and try again.');
  }
  await callService(ctx, 'ram', 'DeletePolicyShare', { shareArn: existing.shareArn });
  const cur = s.params.get(p.name);
  if (cur) {
    cur.resourcePolicies = (cur.resourcePolicies ?? []).filter((x) => x.id !== existing.id);
    s.params.set(cur.name, cur);
  }
  return {};
}
