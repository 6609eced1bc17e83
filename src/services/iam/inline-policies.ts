// Inline policies of users, groups and roles: Put/Get/Delete/List{User,Group,Role}Policy.
import type { RequestContext } from '../service.js';
import {
  encodeDocument, err, getGroup, getRole, getUser, limitExceeded, noSuchEntity, pageOf, st, type In, type Out,
} from './common.js';
import { policySize, validatePolicy } from './policy.js';
import type { InlinePolicies } from './state.js';

/**
 * Aggregate inline policy size per entity, white space not counted ("IAM and AWS STS quotas":
 * user 2,048, group 5,120, role 10,240 characters).
 */
const MAX_SIZE = { user: 2048, group: 5120, role: 10240 } as const;

function put(kind: 'user' | 'group' | 'role', name: string, inline: InlinePolicies, policyName: string, doc: string): void {
  validatePolicy(doc, 'inline');
  let total = policySize(doc);
  for (const [n, d] of Object.entries(inline)) if (n !== policyName) total += policySize(d);
  if (total > MAX_SIZE[kind]) throw limitExceeded(`Maximum policy size of ${MAX_SIZE[kind]} bytes exceeded for ${kind} ${name}`);
  // defineProperty: a policy may be called __proto__.
  Object.defineProperty(inline, policyName, { value: doc, enumerable: true, writable: true, configurable: true });
}

function get(kind: string, inline: InlinePolicies, policyName: string): string {
  const doc = Object.prototype.hasOwnProperty.call(inline, policyName) ? inline[policyName] : undefined;
  if (doc === undefined) throw noSuchEntity(`The ${kind} policy with name ${policyName} cannot be found.`);
  return doc;
}

function del(kind: string, inline: InlinePolicies, policyName: string): void {
  get(kind, inline, policyName);
  delete inline[policyName];
}

function list(ctx: RequestContext, input: object, inline: InlinePolicies) {
  const names = Object.keys(inline).sort();
  return pageOf(ctx, input, names, (n) => n, (n) => n);
}

// ---- users -----------------------------------------------------------------------------

export function putUserPolicy(ctx: RequestContext, input: In<'PutUserPolicy'>): Out<'PutUserPolicy'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  put('user', u.UserName, u.inline, input.PolicyName, input.PolicyDocument);
  s.users.set(u.UserId, u);
}
export function getUserPolicy(ctx: RequestContext, input: In<'GetUserPolicy'>): Out<'GetUserPolicy'> {
  const u = getUser(st(ctx), input.UserName);
  return { UserName: u.UserName, PolicyName: input.PolicyName, PolicyDocument: encodeDocument(get('user', u.inline, input.PolicyName)) };
}
export function deleteUserPolicy(ctx: RequestContext, input: In<'DeleteUserPolicy'>): Out<'DeleteUserPolicy'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  del('user', u.inline, input.PolicyName);
  s.users.set(u.UserId, u);
}
export function listUserPolicies(ctx: RequestContext, input: In<'ListUserPolicies'>): Out<'ListUserPolicies'> {
  return list(ctx, input, getUser(st(ctx), input.UserName).inline);
}

// ---- groups ----------------------------------------------------------------------------

export function putGroupPolicy(ctx: RequestContext, input: In<'PutGroupPolicy'>): Out<'PutGroupPolicy'> {
  const s = st(ctx);
  const g = getGroup(s, input.GroupName);
  put('group', g.GroupName, g.inline, input.PolicyName, input.PolicyDocument);
  s.groups.set(g.GroupId, g);
}
export function getGroupPolicy(ctx: RequestContext, input: In<'GetGroupPolicy'>): Out<'GetGroupPolicy'> {
  const g = getGroup(st(ctx), input.GroupName);
  return { GroupName: g.GroupName, PolicyName: input.PolicyName, PolicyDocument: encodeDocument(get('group', g.inline, input.PolicyName)) };
}
export function deleteGroupPolicy(ctx: RequestContext, input: In<'DeleteGroupPolicy'>): Out<'DeleteGroupPolicy'> {
  const s = st(ctx);
  const g = getGroup(s, input.GroupName);
  del('group', g.inline, input.PolicyName);
  s.groups.set(g.GroupId, g);
}
export function listGroupPolicies(ctx: RequestContext, input: In<'ListGroupPolicies'>): Out<'ListGroupPolicies'> {
  return list(ctx, input, getGroup(st(ctx), input.GroupName).inline);
}

// ---- roles -----------------------------------------------------------------------------

export function putRolePolicy(ctx: RequestContext, input: In<'PutRolePolicy'>): Out<'PutRolePolicy'> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  if (r.linkedService) {
    throw err('UnmodifiableEntity', `Cannot perform the operation on the protected role '${r.RoleName}' - this role is only modifiable by AWS`);
  }
  put('role', r.RoleName, r.inline, input.PolicyName, input.PolicyDocument);
  s.roles.set(r.RoleId, r);
}
export function getRolePolicy(ctx: RequestContext, input: In<'GetRolePolicy'>): Out<'GetRolePolicy'> {
  const r = getRole(st(ctx), input.RoleName);
  return { RoleName: r.RoleName, PolicyName: input.PolicyName, PolicyDocument: encodeDocument(get('role', r.inline, input.PolicyName)) };
}
export function deleteRolePolicy(ctx: RequestContext, input: In<'DeleteRolePolicy'>): Out<'DeleteRolePolicy'> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  del('role', r.inline, input.PolicyName);
  s.roles.set(r.RoleId, r);
}
export function listRolePolicies(ctx: RequestContext, input: In<'ListRolePolicies'>): Out<'ListRolePolicies'> {
  return list(ctx, input, getRole(st(ctx), input.RoleName).inline);
}
