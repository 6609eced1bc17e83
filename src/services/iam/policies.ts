// Managed policies: customer managed policies with up to five versions, the AWS managed
// catalog, attachments to users, groups and roles (AttachmentCount, ListEntitiesForPolicy),
// and permissions boundaries.
import { createHash } from 'node:crypto';
import type { RequestContext } from '../service.js';
import { ServiceError } from '../../core/errors.js';
import { iamId } from '../../core/ids.js';
import { page } from '../../core/pagination.js';
import {
  alreadyExists, byName, checkNewTags, clean, deleteConflict, encodeDocument, getGroup, getRole, getUser, iamArn,
  invalidInput, limitExceeded, noSuchEntity, now, pageOf, parsePolicyArn, st, tagsOut, validationError,
  type In, type Out,
} from './common.js';
import { awsPolicies, awsPolicy, type AwsPolicy } from './aws-policies.js';
import { policySize, validatePolicy } from './policy.js';
import type { EntityRef, IamState, PolicyRec, PolicyVersionRec } from './state.js';

/** "Versions per managed policy: 5" (IAM and AWS STS quotas). */
export const MAX_VERSIONS = 5;
/** "Managed policy size: 6,144 characters", white space not counted. */
export const MAX_MANAGED_SIZE = 6144;
/** Managed policies attached to one user, group or role (the default quota). */
export const MAX_ATTACHED = 10;

// ---- lookup ----------------------------------------------------------------------------

/** A customer managed policy of this account, or undefined. */
export function localPolicy(ctx: RequestContext, arn: string): PolicyRec | undefined {
  return st(ctx).policies.get(arn);
}

/** The customer managed policy an operation names; IAM's wording when it is missing. */
function getLocalPolicy(ctx: RequestContext, arn: string): PolicyRec {
  const p = localPolicy(ctx, arn);
  if (!p) throw noSuchEntity(`Policy ${arn} was not found.`);
  return p;
}

type AnyPolicy = { local: PolicyRec; aws?: undefined } | { aws: AwsPolicy; local?: undefined };

/** Customer or AWS managed policy by ARN. */
export async function anyPolicy(ctx: RequestContext, arn: string): Promise<AnyPolicy | undefined> {
  const parsed = parsePolicyArn(arn);
  if (parsed?.account === 'aws') {
    const aws = await awsPolicy(arn);
    return aws ? { aws } : undefined;
  }
  const local = localPolicy(ctx, arn);
  return local ? { local } : undefined;
}

function policyOut(s: IamState, p: PolicyRec | AwsPolicy, mode: 'get' | 'list' | 'create') {
  const local = 'versions' in p ? p : undefined;
  return clean({
    PolicyName: p.PolicyName,
    PolicyId: p.PolicyId,
    Arn: p.Arn,
    Path: p.Path,
    DefaultVersionId: p.DefaultVersionId,
    AttachmentCount: s.idx.attachments.count(p.Arn),
    PermissionsBoundaryUsageCount: s.idx.boundaries.count(p.Arn),
    IsAttachable: true,
    // "Description … is included in the response to the GetPolicy operation. It is not
    // included in the response to the ListPolicies operation." (IAM API Reference, Policy)
    Description: mode === 'get' ? local?.Description : undefined,
    CreateDate: p.CreateDate,
    UpdateDate: p.UpdateDate,
    Tags: mode !== 'list' && local ? tagsOut(local.Tags) : undefined,
  });
}

// ---- policies --------------------------------------------------------------------------

function checkManagedDocument(doc: string): void {
  validatePolicy(doc, 'managed');
  if (policySize(doc) > MAX_MANAGED_SIZE) throw limitExceeded(`Cannot exceed quota for PolicySize: ${MAX_MANAGED_SIZE}`);
}

export function createPolicy(ctx: RequestContext, input: In<'CreatePolicy'>): Out<'CreatePolicy'> {
  const s = st(ctx);
  checkNewTags(input.Tags, false);
  checkManagedDocument(input.PolicyDocument);
  if (s.idx.policyNames.id(input.PolicyName)) {
    throw alreadyExists(`A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`);
  }
  const path = input.Path ?? '/';
  const t = now();
  const p: PolicyRec = {
    PolicyId: iamId('ANPA'),
    PolicyName: input.PolicyName,
    Path: path,
    Arn: iamArn(ctx.accountId, 'policy', path, input.PolicyName),
    Description: input.Description,
    CreateDate: t,
    UpdateDate: t,
    DefaultVersionId: 'v1',
    Tags: (input.Tags ?? []).map((x) => ({ Key: x.Key, Value: x.Value ?? '' })),
    versions: [{ VersionId: 'v1', Document: input.PolicyDocument, CreateDate: t }],
    nextVersion: 2,
  };
  if (p.Description === undefined) delete p.Description;
  s.policies.set(p.Arn, p);
  s.idx.policyNames.add(p.PolicyName, p.Arn);
  return { Policy: policyOut(s, p, 'create') };
}

export async function getPolicy(ctx: RequestContext, input: In<'GetPolicy'>): Promise<Out<'GetPolicy'>> {
  const p = await anyPolicy(ctx, input.PolicyArn);
  if (!p) throw noSuchEntity(`Policy ${input.PolicyArn} was not found.`);
  return { Policy: policyOut(st(ctx), p.local ?? p.aws, 'get') };
}

export function deletePolicy(ctx: RequestContext, input: In<'DeletePolicy'>): Out<'DeletePolicy'> {
  const s = st(ctx);
  const p = getLocalPolicy(ctx, input.PolicyArn);
  if (s.idx.attachments.count(p.Arn)) throw deleteConflict('Cannot delete a policy attached to entities.');
  // Not confirmed against AWS; worded like the attachment conflict.
  if (s.idx.boundaries.count(p.Arn)) throw deleteConflict('Cannot delete a policy used as a permissions boundary.');
  if (p.versions.length > 1) {
    throw deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
  }
  s.idx.policyNames.remove(p.PolicyName);
  s.policies.delete(p.Arn);
}

export async function listPolicies(ctx: RequestContext, input: In<'ListPolicies'>): Promise<Out<'ListPolicies'>> {
  const s = st(ctx);
  const scope = input.Scope ?? 'All';
  const local: PolicyRec[] = scope === 'AWS' ? [] : s.idx.policyNames.keys.map((k) => s.policies.get(s.idx.policyNames.idOfKey(k)!)!);
  const aws: readonly AwsPolicy[] = scope === 'Local' ? [] : await awsPolicies();
  const usage = input.PolicyUsageFilter;
  const keep = (p: PolicyRec | AwsPolicy): boolean => {
    if (input.PathPrefix && !p.Path.startsWith(input.PathPrefix)) return false;
    const attached = s.idx.attachments.count(p.Arn) > 0;
    const boundary = s.idx.boundaries.count(p.Arn) > 0;
    if (usage === 'PermissionsPolicy' && !attached) return false;
    if (usage === 'PermissionsBoundary' && !boundary) return false;
    if (input.OnlyAttached && !attached && !(usage === 'PermissionsBoundary' && boundary)) return false;
    return true;
  };
  // Sorted by name, then by a short digest of the ARN (customer and AWS managed policies may
  // share a name); short, so the Marker stays within the model's 320 characters.
  const key = (p: PolicyRec | AwsPolicy) => `${p.PolicyName.toLowerCase()}\u0000${arnDigest(p.Arn)}`;
  // Both lists are sorted by name: merge them.
  const all: (PolicyRec | AwsPolicy)[] = [];
  let i = 0, j = 0;
  while (i < local.length || j < aws.length) {
    const next = j >= aws.length || (i < local.length && key(local[i]) <= key(aws[j])) ? local[i++] : aws[j++];
    if (keep(next)) all.push(next);
  }
  return pageOf(ctx, input, all, key, (p) => policyOut(s, p, 'list'));
}

// ---- versions --------------------------------------------------------------------------

const digests = new Map<string, string>();
function arnDigest(arn: string): string {
  let d = digests.get(arn);
  if (d === undefined) {
    d = createHash('sha1').update(arn).digest('hex').slice(0, 10);
    if (digests.size > 100_000) digests.clear();
    digests.set(arn, d);
  }
  return d;
}

const versionNumber = (v: string) => Number(/^v(\d+)/.exec(v)?.[1] ?? 0);
const missingVersion = (arn: string, v: string) => noSuchEntity(`Policy ${arn} version ${v} does not exist or is not attachable.`);

export function createPolicyVersion(ctx: RequestContext, input: In<'CreatePolicyVersion'>): Out<'CreatePolicyVersion'> {
  const s = st(ctx);
  const p = getLocalPolicy(ctx, input.PolicyArn);
  checkManagedDocument(input.PolicyDocument);
  if (p.versions.length >= MAX_VERSIONS) {
    throw limitExceeded(`A managed policy can have up to ${MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version.`);
  }
  const v: PolicyVersionRec = { VersionId: `v${p.nextVersion++}`, Document: input.PolicyDocument, CreateDate: now() };
  p.versions.push(v);
  if (input.SetAsDefault) p.DefaultVersionId = v.VersionId;
  // "When a policy has more than one version, [UpdateDate] contains the date and time when
  // the most recent policy version was created." (IAM API Reference, Policy)
  p.UpdateDate = v.CreateDate;
  s.policies.set(p.Arn, p);
  return { PolicyVersion: { VersionId: v.VersionId, IsDefaultVersion: v.VersionId === p.DefaultVersionId, CreateDate: v.CreateDate } };
}

export async function getPolicyVersion(ctx: RequestContext, input: In<'GetPolicyVersion'>): Promise<Out<'GetPolicyVersion'>> {
  const p = await anyPolicy(ctx, input.PolicyArn);
  if (!p) throw missingVersion(input.PolicyArn, input.VersionId);
  if (p.aws) {
    if (input.VersionId !== p.aws.DefaultVersionId) throw missingVersion(input.PolicyArn, input.VersionId);
    if (!p.aws.Document) {
      throw new ServiceError('NotImplemented', `Nimbus does not ship the document of the AWS managed policy ${input.PolicyArn}.`, 501);
    }
    return { PolicyVersion: { Document: encodeDocument(p.aws.Document), VersionId: p.aws.DefaultVersionId, IsDefaultVersion: true, CreateDate: p.aws.UpdateDate } };
  }
  const v = p.local.versions.find((x) => x.VersionId === input.VersionId);
  if (!v) throw missingVersion(input.PolicyArn, input.VersionId);
  return {
    PolicyVersion: { Document: encodeDocument(v.Document), VersionId: v.VersionId, IsDefaultVersion: v.VersionId === p.local.DefaultVersionId, CreateDate: v.CreateDate },
  };
}

export async function listPolicyVersions(ctx: RequestContext, input: In<'ListPolicyVersions'>): Promise<Out<'ListPolicyVersions'>> {
  const p = await anyPolicy(ctx, input.PolicyArn);
  if (!p) throw noSuchEntity(`Policy ${input.PolicyArn} was not found.`);
  const versions = p.aws
    ? [{ VersionId: p.aws.DefaultVersionId, IsDefaultVersion: true, CreateDate: p.aws.UpdateDate }]
    : [...p.local.versions].sort((a, b) => versionNumber(b.VersionId) - versionNumber(a.VersionId))
      .map((v) => ({ VersionId: v.VersionId, IsDefaultVersion: v.VersionId === p.local.DefaultVersionId, CreateDate: v.CreateDate }));
  return pageOf(ctx, input, versions, undefined, (v) => v);
}

export function deletePolicyVersion(ctx: RequestContext, input: In<'DeletePolicyVersion'>): Out<'DeletePolicyVersion'> {
  const s = st(ctx);
  const p = localPolicy(ctx, input.PolicyArn);
  if (!p) throw missingVersion(input.PolicyArn, input.VersionId);
  const i = p.versions.findIndex((v) => v.VersionId === input.VersionId);
  if (i < 0) throw missingVersion(input.PolicyArn, input.VersionId);
  if (p.DefaultVersionId === input.VersionId) throw deleteConflict('Cannot delete the default version of a policy.');
  p.versions.splice(i, 1);
  s.policies.set(p.Arn, p);
}

export function setDefaultPolicyVersion(ctx: RequestContext, input: In<'SetDefaultPolicyVersion'>): Out<'SetDefaultPolicyVersion'> {
  const s = st(ctx);
  const p = localPolicy(ctx, input.PolicyArn);
  if (!p || !p.versions.some((v) => v.VersionId === input.VersionId)) throw missingVersion(input.PolicyArn, input.VersionId);
  p.DefaultVersionId = input.VersionId;
  s.policies.set(p.Arn, p);
}

// ---- attachments -----------------------------------------------------------------------

const KIND_QUOTA = { user: 'PoliciesPerUser', group: 'PoliciesPerGroup', role: 'PoliciesPerRole' } as const;

async function attach(ctx: RequestContext, kind: 'user' | 'group' | 'role', rec: { attached: string[] }, id: string,
  arn: string, save: () => void): Promise<void> {
  const s = st(ctx);
  if (!parsePolicyArn(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
  if (!(await anyPolicy(ctx, arn))) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  if (rec.attached.includes(arn)) return;
  if (rec.attached.length >= MAX_ATTACHED) throw limitExceeded(`Cannot exceed quota for ${KIND_QUOTA[kind]}: ${MAX_ATTACHED}`);
  rec.attached.push(arn);
  s.idx.attachments.add(arn, `${kind}:${id}` as EntityRef);
  save();
}

function detach(ctx: RequestContext, kind: 'user' | 'group' | 'role', rec: { attached: string[] }, id: string,
  arn: string, save: () => void): void {
  const i = rec.attached.indexOf(arn);
  if (i < 0) throw noSuchEntity(`Policy ${arn} was not found.`);
  rec.attached.splice(i, 1);
  st(ctx).idx.attachments.remove(arn, `${kind}:${id}` as EntityRef);
  save();
}

export async function attachUserPolicy(ctx: RequestContext, input: In<'AttachUserPolicy'>): Promise<Out<'AttachUserPolicy'>> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  await attach(ctx, 'user', u, u.UserId, input.PolicyArn, () => s.users.set(u.UserId, u));
}
export function detachUserPolicy(ctx: RequestContext, input: In<'DetachUserPolicy'>): Out<'DetachUserPolicy'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  detach(ctx, 'user', u, u.UserId, input.PolicyArn, () => s.users.set(u.UserId, u));
}
export async function attachGroupPolicy(ctx: RequestContext, input: In<'AttachGroupPolicy'>): Promise<Out<'AttachGroupPolicy'>> {
  const s = st(ctx);
  const g = getGroup(s, input.GroupName);
  await attach(ctx, 'group', g, g.GroupId, input.PolicyArn, () => s.groups.set(g.GroupId, g));
}
export function detachGroupPolicy(ctx: RequestContext, input: In<'DetachGroupPolicy'>): Out<'DetachGroupPolicy'> {
  const s = st(ctx);
  const g = getGroup(s, input.GroupName);
  detach(ctx, 'group', g, g.GroupId, input.PolicyArn, () => s.groups.set(g.GroupId, g));
}
export async function attachRolePolicy(ctx: RequestContext, input: In<'AttachRolePolicy'>): Promise<Out<'AttachRolePolicy'>> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  await attach(ctx, 'role', r, r.RoleId, input.PolicyArn, () => s.roles.set(r.RoleId, r));
}
export function detachRolePolicy(ctx: RequestContext, input: In<'DetachRolePolicy'>): Out<'DetachRolePolicy'> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  detach(ctx, 'role', r, r.RoleId, input.PolicyArn, () => s.roles.set(r.RoleId, r));
}

/** AttachedPolicies of an entity, sorted by policy name, filtered by policy path. */
function listAttached(ctx: RequestContext, input: { PathPrefix?: string }, attached: string[]) {
  const items = attached
    .map((arn) => ({ arn, p: parsePolicyArn(arn)! }))
    .filter((x) => !input.PathPrefix || x.p.path.startsWith(input.PathPrefix))
    .sort(byName((x) => x.p.name + '\u0000' + x.arn));
  // At most a few dozen per entity: paged by position (an ARN key could outgrow the Marker).
  return pageOf(ctx, input, items, undefined, (x) => ({ PolicyName: x.p.name, PolicyArn: x.arn }));
}

export function listAttachedUserPolicies(ctx: RequestContext, input: In<'ListAttachedUserPolicies'>): Out<'ListAttachedUserPolicies'> {
  return listAttached(ctx, input, getUser(st(ctx), input.UserName).attached);
}
export function listAttachedGroupPolicies(ctx: RequestContext, input: In<'ListAttachedGroupPolicies'>): Out<'ListAttachedGroupPolicies'> {
  return listAttached(ctx, input, getGroup(st(ctx), input.GroupName).attached);
}
export function listAttachedRolePolicies(ctx: RequestContext, input: In<'ListAttachedRolePolicies'>): Out<'ListAttachedRolePolicies'> {
  return listAttached(ctx, input, getRole(st(ctx), input.RoleName).attached);
}

export async function listEntitiesForPolicy(ctx: RequestContext, input: In<'ListEntitiesForPolicy'>): Promise<Out<'ListEntitiesForPolicy'>> {
  const s = st(ctx);
  if (!(await anyPolicy(ctx, input.PolicyArn))) throw noSuchEntity(`Policy ${input.PolicyArn} was not found.`);
  const refs = new Set<string>();
  const usage = input.PolicyUsageFilter;
  if (usage !== 'PermissionsBoundary') for (const r of s.idx.attachments.get(input.PolicyArn)) refs.add(r);
  if (usage !== 'PermissionsPolicy') for (const r of s.idx.boundaries.get(input.PolicyArn)) refs.add(r);
  const filter = input.EntityFilter;
  type Item = { order: number; name: string; id: string; path: string };
  const items: Item[] = [];
  for (const ref of refs) {
    const [kind, id] = ref.split(':');
    if (kind === 'group' && (!filter || filter === 'Group')) {
      const g = s.groups.get(id); if (g) items.push({ order: 0, name: g.GroupName, id, path: g.Path });
    } else if (kind === 'user' && (!filter || filter === 'User')) {
      const u = s.users.get(id); if (u) items.push({ order: 1, name: u.UserName, id, path: u.Path });
    } else if (kind === 'role' && (!filter || filter === 'Role')) {
      const r = s.roles.get(id); if (r) items.push({ order: 2, name: r.RoleName, id, path: r.Path });
    }
  }
  const key = (x: Item) => `${x.order}:${x.name.toLowerCase()}`;
  const visible = items.filter((x) => !input.PathPrefix || x.path.startsWith(input.PathPrefix)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const out = page(ctx, input as unknown as Record<string, unknown>, visible, { key, defaultLimit: 100, invalidToken: () => validationError('Invalid Marker.') });
  const slice = out.PolicyGroups as Item[];
  return clean({
    PolicyGroups: slice.filter((x) => x.order === 0).map((x) => ({ GroupName: x.name, GroupId: x.id })),
    PolicyUsers: slice.filter((x) => x.order === 1).map((x) => ({ UserName: x.name, UserId: x.id })),
    PolicyRoles: slice.filter((x) => x.order === 2).map((x) => ({ RoleName: x.name, RoleId: x.id })),
    IsTruncated: out.IsTruncated as boolean,
    Marker: out.Marker as string | undefined,
  });
}

// ---- permissions boundaries ------------------------------------------------------------

/** A permissions boundary must name an existing managed policy. */
export async function checkBoundary(ctx: RequestContext, arn: string): Promise<void> {
  if (!parsePolicyArn(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
  if (!(await anyPolicy(ctx, arn))) throw noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
}

/** Moves an entity's boundary in the usage index. */
export function setBoundary(s: IamState, ref: EntityRef, from: string | undefined, to: string | undefined): void {
  if (from) s.idx.boundaries.remove(from, ref);
  if (to) s.idx.boundaries.add(to, ref);
}

/** Policies (for GetAccountAuthorizationDetails): every version, documents encoded. */
export function policyDetail(s: IamState, p: PolicyRec) {
  return clean({
    ...policyOut(s, p, 'list'),
    Description: p.Description,
    PolicyVersionList: [...p.versions].sort((a, b) => versionNumber(b.VersionId) - versionNumber(a.VersionId)).map((v) => ({
      Document: encodeDocument(v.Document), VersionId: v.VersionId, IsDefaultVersion: v.VersionId === p.DefaultVersionId, CreateDate: v.CreateDate,
    })),
  });
}

/** AWS managed policies attached somewhere in the account (GetAccountAuthorizationDetails). */
export async function attachedAwsPolicies(s: IamState): Promise<Array<ReturnType<typeof policyDetail>>> {
  const out: Array<ReturnType<typeof policyDetail>> = [];
  for (const arn of [...s.idx.attachments.keys(), ...s.idx.boundaries.keys()]) {
    if (parsePolicyArn(arn)?.account !== 'aws') continue;
    const p = await awsPolicy(arn);
    if (!p || out.some((x) => x.Arn === arn)) continue;
    out.push(clean({
      ...policyOut(s, p, 'list'),
      PolicyVersionList: p.Document ? [{ Document: encodeDocument(p.Document), VersionId: p.DefaultVersionId, IsDefaultVersion: true, CreateDate: p.UpdateDate }] : [],
    }));
  }
  return out;
}
