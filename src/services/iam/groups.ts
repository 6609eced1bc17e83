// IAM groups and their membership.
import type { RequestContext } from '../service.js';
import { iamId } from '../../core/ids.js';
import {
  alreadyExists, byName, deleteConflict, findGroup, getGroup, getUser, iamArn, limitExceeded, now, pageNames,
  pageOf, pathFilter, st, type In, type Out,
} from './common.js';
import type { GroupRec } from './state.js';
import { userOut } from './users.js';

/** "Groups an IAM user can be a member of: 10" (IAM and AWS STS quotas). */
export const MAX_GROUPS_PER_USER = 10;

export const groupOut = (g: GroupRec) => ({ Path: g.Path, GroupName: g.GroupName, GroupId: g.GroupId, Arn: g.Arn, CreateDate: g.CreateDate });

export function createGroup(ctx: RequestContext, input: In<'CreateGroup'>): Out<'CreateGroup'> {
  const s = st(ctx);
  if (findGroup(s, input.GroupName)) throw alreadyExists(`Group with name ${input.GroupName} already exists.`);
  const path = input.Path ?? '/';
  const g: GroupRec = {
    GroupId: iamId('AGPA'),
    GroupName: input.GroupName,
    Path: path,
    Arn: iamArn(ctx.accountId, 'group', path, input.GroupName),
    CreateDate: now(),
    attached: [],
    inline: {},
  };
  s.groups.set(g.GroupId, g);
  s.idx.groups.add(g.GroupName, g.GroupId);
  return { Group: groupOut(g) };
}

export function getGroupOp(ctx: RequestContext, input: In<'GetGroup'>): Out<'GetGroup'> {
  const s = st(ctx);
  const g = getGroup(s, input.GroupName);
  const users = [...s.idx.members.get(g.GroupId)].map((id) => s.users.get(id)!).filter(Boolean).sort(byName((u) => u.UserName));
  const out = pageOf(ctx, input, users, (u) => u.UserName.toLowerCase(), (u) => userOut(u, false));
  return { Group: groupOut(g), ...out } as Out<'GetGroup'>;
}

export function listGroups(ctx: RequestContext, input: In<'ListGroups'>): Out<'ListGroups'> {
  const s = st(ctx);
  return pageNames(ctx, input, s.idx.groups, (id) => s.groups.get(id), pathFilter(input.PathPrefix), groupOut);
}

export function listGroupsForUser(ctx: RequestContext, input: In<'ListGroupsForUser'>): Out<'ListGroupsForUser'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  const groups = u.groups.map((id) => s.groups.get(id)!).filter(Boolean).sort(byName((g) => g.GroupName));
  return pageOf(ctx, input, groups, (g) => g.GroupName.toLowerCase(), groupOut);
}

export function updateGroup(ctx: RequestContext, input: In<'UpdateGroup'>): Out<'UpdateGroup'> {
  const s = st(ctx);
  const g = getGroup(s, input.GroupName);
  if (input.NewGroupName !== undefined && input.NewGroupName.toLowerCase() !== g.GroupName.toLowerCase() && findGroup(s, input.NewGroupName)) {
    throw alreadyExists(`Group with name ${input.NewGroupName} already exists.`);
  }
  s.idx.groups.remove(g.GroupName);
  g.GroupName = input.NewGroupName ?? g.GroupName;
  g.Path = input.NewPath ?? g.Path;
  g.Arn = iamArn(ctx.accountId, 'group', g.Path, g.GroupName);
  s.idx.groups.add(g.GroupName, g.GroupId);
  s.groups.set(g.GroupId, g);
}

export function deleteGroup(ctx: RequestContext, input: In<'DeleteGroup'>): Out<'DeleteGroup'> {
  const s = st(ctx);
  const g = getGroup(s, input.GroupName);
  if (s.idx.members.count(g.GroupId)) throw deleteConflict('Cannot delete entity, must remove users from group first.');
  if (Object.keys(g.inline).length) throw deleteConflict('Cannot delete entity, must delete policies first.');
  if (g.attached.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  s.idx.groups.remove(g.GroupName);
  s.groups.delete(g.GroupId);
}

export function addUserToGroup(ctx: RequestContext, input: In<'AddUserToGroup'>): Out<'AddUserToGroup'> {
  const s = st(ctx);
  const g = getGroup(s, input.GroupName);
  const u = getUser(s, input.UserName);
  if (u.groups.includes(g.GroupId)) return;
  if (u.groups.length >= MAX_GROUPS_PER_USER) throw limitExceeded(`Cannot exceed quota for GroupsPerUser: ${MAX_GROUPS_PER_USER}`);
  u.groups.push(g.GroupId);
  s.idx.members.add(g.GroupId, u.UserId);
  s.users.set(u.UserId, u);
}

export function removeUserFromGroup(ctx: RequestContext, input: In<'RemoveUserFromGroup'>): Out<'RemoveUserFromGroup'> {
  const s = st(ctx);
  const g = getGroup(s, input.GroupName);
  const u = getUser(s, input.UserName);
  const i = u.groups.indexOf(g.GroupId);
  if (i < 0) return;
  u.groups.splice(i, 1);
  s.idx.members.remove(g.GroupId, u.UserId);
  s.users.set(u.UserId, u);
}
