// Instance profiles: the containers EC2 passes a role to an instance with (one role each).
import type { RequestContext } from '../service.js';
import { iamId } from '../../core/ids.js';
import {
  alreadyExists, byName, checkNewTags, clean, deleteConflict, findInstanceProfile, getInstanceProfile, getRole, iamArn,
  limitExceeded, noSuchEntity, now, pageNames, pageOf, pathFilter, st, tagsOut, type In, type Out,
} from './common.js';
import { roleOut } from './roles.js';
import type { IamState, InstanceProfileRec } from './state.js';

export function instanceProfileOut(s: IamState, p: InstanceProfileRec, withTags = true) {
  return clean({
    Path: p.Path,
    InstanceProfileName: p.InstanceProfileName,
    InstanceProfileId: p.InstanceProfileId,
    Arn: p.Arn,
    CreateDate: p.CreateDate,
    Roles: p.roles.map((id) => s.roles.get(id)).filter((r) => r !== undefined).map((r) => roleOut(r!, 'list')),
    Tags: withTags ? tagsOut(p.Tags) : undefined,
  });
}

export function createInstanceProfile(ctx: RequestContext, input: In<'CreateInstanceProfile'>): Out<'CreateInstanceProfile'> {
  const s = st(ctx);
  checkNewTags(input.Tags);
  if (findInstanceProfile(s, input.InstanceProfileName)) throw alreadyExists(`Instance Profile ${input.InstanceProfileName} already exists.`);
  const path = input.Path ?? '/';
  const p: InstanceProfileRec = {
    InstanceProfileId: iamId('AIPA'),
    InstanceProfileName: input.InstanceProfileName,
    Path: path,
    Arn: iamArn(ctx.accountId, 'instance-profile', path, input.InstanceProfileName),
    CreateDate: now(),
    roles: [],
    Tags: (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
  };
  s.instanceProfiles.set(p.InstanceProfileId, p);
  s.idx.instanceProfiles.add(p.InstanceProfileName, p.InstanceProfileId);
  return { InstanceProfile: instanceProfileOut(s, p) };
}

export function getInstanceProfileOp(ctx: RequestContext, input: In<'GetInstanceProfile'>): Out<'GetInstanceProfile'> {
  const s = st(ctx);
  return { InstanceProfile: instanceProfileOut(s, getInstanceProfile(s, input.InstanceProfileName)) };
}

export function deleteInstanceProfile(ctx: RequestContext, input: In<'DeleteInstanceProfile'>): Out<'DeleteInstanceProfile'> {
  const s = st(ctx);
  const p = getInstanceProfile(s, input.InstanceProfileName);
  if (p.roles.length) throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
  s.idx.instanceProfiles.remove(p.InstanceProfileName);
  s.instanceProfiles.delete(p.InstanceProfileId);
}

export function listInstanceProfiles(ctx: RequestContext, input: In<'ListInstanceProfiles'>): Out<'ListInstanceProfiles'> {
  const s = st(ctx);
  return pageNames(ctx, input, s.idx.instanceProfiles, (id) => s.instanceProfiles.get(id),
    pathFilter(input.PathPrefix), (p) => instanceProfileOut(s, p, false));
}

export function addRoleToInstanceProfile(ctx: RequestContext, input: In<'AddRoleToInstanceProfile'>): Out<'AddRoleToInstanceProfile'> {
  const s = st(ctx);
  const p = getInstanceProfile(s, input.InstanceProfileName);
  const r = getRole(s, input.RoleName);
  // "Roles in an instance profile: 1"; adding the same role again hits the same quota.
  if (p.roles.length >= 1) throw limitExceeded('Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
  p.roles.push(r.RoleId);
  s.idx.profilesOfRole.add(r.RoleId, p.InstanceProfileId);
  s.instanceProfiles.set(p.InstanceProfileId, p);
}

export function removeRoleFromInstanceProfile(ctx: RequestContext, input: In<'RemoveRoleFromInstanceProfile'>): Out<'RemoveRoleFromInstanceProfile'> {
  const s = st(ctx);
  const p = getInstanceProfile(s, input.InstanceProfileName);
  const r = getRole(s, input.RoleName);
  const i = p.roles.indexOf(r.RoleId);
  if (i < 0) throw noSuchEntity(`The role with name ${input.RoleName} cannot be found.`); // wording not confirmed
  p.roles.splice(i, 1);
  s.idx.profilesOfRole.remove(r.RoleId, p.InstanceProfileId);
  s.instanceProfiles.set(p.InstanceProfileId, p);
}

export function listInstanceProfilesForRole(ctx: RequestContext, input: In<'ListInstanceProfilesForRole'>): Out<'ListInstanceProfilesForRole'> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  const profiles = [...s.idx.profilesOfRole.get(r.RoleId)].map((id) => s.instanceProfiles.get(id)!).filter(Boolean)
    .sort(byName((p) => p.InstanceProfileName));
  return pageOf(ctx, input, profiles, (p) => p.InstanceProfileName.toLowerCase(),
    (p) => instanceProfileOut(s, p, false));
}
