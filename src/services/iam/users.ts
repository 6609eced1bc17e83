// IAM users: create, read, list, rename, delete; permissions boundaries.
import type { RequestContext } from '../service.js';
import { iamId } from '../../core/ids.js';
import { updateCredential } from '../../core/identity.js';
import {
  alreadyExists, boundaryOut, checkNewTags, clean, deleteConflict, getUser, findUser, iamArn, now, pageNames,
  pathFilter, rootArn, st, tagsOut, validationError, type In, type Out,
} from './common.js';
import { checkBoundary, setBoundary } from './policies.js';
import type { IamState, UserRec } from './state.js';

/** The User shape; list operations leave tags and the permissions boundary out, as IAM does. */
export function userOut(u: UserRec, full = true) {
  return clean({
    Path: u.Path,
    UserName: u.UserName,
    UserId: u.UserId,
    Arn: u.Arn,
    CreateDate: u.CreateDate,
    PasswordLastUsed: u.PasswordLastUsed,
    PermissionsBoundary: full ? boundaryOut(u.PermissionsBoundary) : undefined,
    Tags: full ? tagsOut(u.Tags) : undefined,
  });
}

export async function createUser(ctx: RequestContext, input: In<'CreateUser'>): Promise<Out<'CreateUser'>> {
  const s = st(ctx);
  checkNewTags(input.Tags);
  if (findUser(s, input.UserName)) throw alreadyExists(`User with name ${input.UserName} already exists.`);
  if (input.PermissionsBoundary) await checkBoundary(ctx, input.PermissionsBoundary);
  const path = input.Path ?? '/';
  const u: UserRec = {
    UserId: iamId('AIDA'),
    UserName: input.UserName,
    Path: path,
    Arn: iamArn(ctx.accountId, 'user', path, input.UserName),
    CreateDate: now(),
    Tags: (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
    groups: [],
    attached: [],
    inline: {},
  };
  if (input.PermissionsBoundary) {
    u.PermissionsBoundary = input.PermissionsBoundary;
    setBoundary(s, `user:${u.UserId}`, undefined, input.PermissionsBoundary);
  }
  s.users.set(u.UserId, u);
  s.idx.users.add(u.UserName, u.UserId);
  return { User: userOut(u) };
}

export function getUserOp(ctx: RequestContext, input: In<'GetUser'>): Out<'GetUser'> {
  const s = st(ctx);
  if (input.UserName !== undefined) return { User: userOut(getUser(s, input.UserName)) };
  const c = ctx.caller;
  if ((c.kind === 'user' || c.kind === 'session') && c.userName) return { User: userOut(getUser(s, c.userName)) };
  if (c.kind === 'root' || (c.kind === 'session' && c.arn === rootArn(ctx.accountId))) {
    // The root user: IAM answers its account id as UserId and the root ARN, without a name.
    return { User: { UserId: ctx.accountId, Arn: rootArn(ctx.accountId), CreateDate: now() } as Out<'GetUser'>['User'] };
  }
  throw validationError('Must specify userName when calling with non-User credentials');
}

export function listUsers(ctx: RequestContext, input: In<'ListUsers'>): Out<'ListUsers'> {
  const s = st(ctx);
  return pageNames(ctx, input, s.idx.users, (id) => s.users.get(id),
    pathFilter(input.PathPrefix), (u) => userOut(u, false));
}

export function updateUser(ctx: RequestContext, input: In<'UpdateUser'>): Out<'UpdateUser'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  const newName = input.NewUserName ?? u.UserName;
  if (input.NewUserName !== undefined && input.NewUserName.toLowerCase() !== u.UserName.toLowerCase() && findUser(s, input.NewUserName)) {
    throw alreadyExists(`User with name ${input.NewUserName} already exists.`);
  }
  s.idx.users.remove(u.UserName);
  u.UserName = newName;
  u.Path = input.NewPath ?? u.Path;
  u.Arn = iamArn(ctx.accountId, 'user', u.Path, u.UserName);
  s.idx.users.add(u.UserName, u.UserId);
  s.users.set(u.UserId, u);
  // The user's access keys now sign as the renamed user.
  for (const k of s.idx.keys.get(u.UserId)) updateCredential(k, { arn: u.Arn, userName: u.UserName });
}

/** Everything DeleteUser wants gone first, in the order the IAM User Guide lists it. */
function userDependents(s: IamState, u: UserRec): string | undefined {
  if (s.loginProfiles.has(u.UserId)) return 'Cannot delete entity, must delete login profile first.';
  if (s.idx.keys.count(u.UserId)) return 'Cannot delete entity, must delete access keys first.';
  if (s.idx.signingCerts.count(u.UserId)) return 'Cannot delete entity, must delete signing certificates first.';
  // The two below are worded like the others; not confirmed against AWS.
  if (s.idx.sshKeys.count(u.UserId)) return 'Cannot delete entity, must delete SSH public keys first.';
  if (s.idx.serviceCreds.count(u.UserId)) return 'Cannot delete entity, must delete service specific credentials first.';
  if (s.idx.mfa.count(u.UserId)) return 'Cannot delete entity, must delete MFA device first.';
  if (Object.keys(u.inline).length) return 'Cannot delete entity, must delete policies first.';
  if (u.attached.length) return 'Cannot delete entity, must detach all policies first.';
  if (u.groups.length) return 'Cannot delete entity, must remove user from all groups first.';
  return undefined;
}

export function deleteUser(ctx: RequestContext, input: In<'DeleteUser'>): Out<'DeleteUser'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  const conflict = userDependents(s, u);
  if (conflict) throw deleteConflict(conflict);
  if (u.PermissionsBoundary) setBoundary(s, `user:${u.UserId}`, u.PermissionsBoundary, undefined);
  s.idx.users.remove(u.UserName);
  s.users.delete(u.UserId);
}

export async function putUserPermissionsBoundary(ctx: RequestContext, input: In<'PutUserPermissionsBoundary'>): Promise<Out<'PutUserPermissionsBoundary'>> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  await checkBoundary(ctx, input.PermissionsBoundary);
  setBoundary(s, `user:${u.UserId}`, u.PermissionsBoundary, input.PermissionsBoundary);
  u.PermissionsBoundary = input.PermissionsBoundary;
  s.users.set(u.UserId, u);
}

export function deleteUserPermissionsBoundary(ctx: RequestContext, input: In<'DeleteUserPermissionsBoundary'>): Out<'DeleteUserPermissionsBoundary'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  setBoundary(s, `user:${u.UserId}`, u.PermissionsBoundary, undefined);
  delete u.PermissionsBoundary;
  s.users.set(u.UserId, u);
}
