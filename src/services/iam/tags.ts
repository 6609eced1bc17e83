// Tags of users, roles, managed policies, instance profiles, MFA devices, OIDC and SAML
// providers and server certificates: Tag*, Untag*, List*Tags. At most 50 per resource; keys
// are case-insensitive for users and roles (a new value replaces the old one whatever the
// case), case-sensitive for the others.
import type { RequestContext } from '../service.js';
import {
  getInstanceProfile, getRole, getUser, mergeTags, noSuchEntity, pageOf, removeTags, st, type In, type Out,
} from './common.js';
import { mfaDeviceFor } from './mfa.js';
import { getOidcProvider, getSamlProvider } from './providers.js';
import { getServerCertificate } from './certificates.js';
import type { Tag } from './state.js';

interface Tagged { Tags: Tag[] }

function tag(rec: Tagged, tags: Tag[], save: () => void, caseInsensitive: boolean): void {
  rec.Tags = mergeTags(rec.Tags, tags, caseInsensitive);
  save();
}
function untag(rec: Tagged, keys: string[], save: () => void, caseInsensitive: boolean): void {
  rec.Tags = removeTags(rec.Tags, keys, caseInsensitive);
  save();
}
const list = (ctx: RequestContext, input: object, rec: Tagged) =>
  pageOf(ctx, input, rec.Tags, undefined, (t) => ({ Key: t.Key, Value: t.Value }));

// ---- users -----------------------------------------------------------------------------

export function tagUser(ctx: RequestContext, input: In<'TagUser'>): Out<'TagUser'> {
  const s = st(ctx); const u = getUser(s, input.UserName);
  tag(u, input.Tags, () => s.users.set(u.UserId, u), true);
}
export function untagUser(ctx: RequestContext, input: In<'UntagUser'>): Out<'UntagUser'> {
  const s = st(ctx); const u = getUser(s, input.UserName);
  untag(u, input.TagKeys, () => s.users.set(u.UserId, u), true);
}
export function listUserTags(ctx: RequestContext, input: In<'ListUserTags'>): Out<'ListUserTags'> {
  return list(ctx, input, getUser(st(ctx), input.UserName));
}

// ---- roles -----------------------------------------------------------------------------

export function tagRole(ctx: RequestContext, input: In<'TagRole'>): Out<'TagRole'> {
  const s = st(ctx); const r = getRole(s, input.RoleName);
  tag(r, input.Tags, () => s.roles.set(r.RoleId, r), true);
}
export function untagRole(ctx: RequestContext, input: In<'UntagRole'>): Out<'UntagRole'> {
  const s = st(ctx); const r = getRole(s, input.RoleName);
  untag(r, input.TagKeys, () => s.roles.set(r.RoleId, r), true);
}
export function listRoleTags(ctx: RequestContext, input: In<'ListRoleTags'>): Out<'ListRoleTags'> {
  return list(ctx, input, getRole(st(ctx), input.RoleName));
}

// ---- customer managed policies -----------------------------------------------------------

function policyFor(ctx: RequestContext, arn: string) {
  const p = st(ctx).policies.get(arn);
  if (!p) throw noSuchEntity(`Policy ${arn} was not found.`);
  return p;
}
export function tagPolicy(ctx: RequestContext, input: In<'TagPolicy'>): Out<'TagPolicy'> {
  const s = st(ctx); const p = policyFor(ctx, input.PolicyArn);
  tag(p, input.Tags, () => s.policies.set(p.Arn, p), false);
}
export function untagPolicy(ctx: RequestContext, input: In<'UntagPolicy'>): Out<'UntagPolicy'> {
  const s = st(ctx); const p = policyFor(ctx, input.PolicyArn);
  untag(p, input.TagKeys, () => s.policies.set(p.Arn, p), false);
}
export function listPolicyTags(ctx: RequestContext, input: In<'ListPolicyTags'>): Out<'ListPolicyTags'> {
  return list(ctx, input, policyFor(ctx, input.PolicyArn));
}

// ---- instance profiles -----------------------------------------------------------------

export function tagInstanceProfile(ctx: RequestContext, input: In<'TagInstanceProfile'>): Out<'TagInstanceProfile'> {
  const s = st(ctx); const p = getInstanceProfile(s, input.InstanceProfileName);
  tag(p, input.Tags, () => s.instanceProfiles.set(p.InstanceProfileId, p), false);
}
export function untagInstanceProfile(ctx: RequestContext, input: In<'UntagInstanceProfile'>): Out<'UntagInstanceProfile'> {
  const s = st(ctx); const p = getInstanceProfile(s, input.InstanceProfileName);
  untag(p, input.TagKeys, () => s.instanceProfiles.set(p.InstanceProfileId, p), false);
}
export function listInstanceProfileTags(ctx: RequestContext, input: In<'ListInstanceProfileTags'>): Out<'ListInstanceProfileTags'> {
  return list(ctx, input, getInstanceProfile(st(ctx), input.InstanceProfileName));
}

// ---- MFA devices -----------------------------------------------------------------------

export function tagMFADevice(ctx: RequestContext, input: In<'TagMFADevice'>): Out<'TagMFADevice'> {
  const s = st(ctx); const d = mfaDeviceFor(s, input.SerialNumber);
  tag(d, input.Tags, () => s.mfaDevices.set(d.SerialNumber, d), false);
}
export function untagMFADevice(ctx: RequestContext, input: In<'UntagMFADevice'>): Out<'UntagMFADevice'> {
  const s = st(ctx); const d = mfaDeviceFor(s, input.SerialNumber);
  untag(d, input.TagKeys, () => s.mfaDevices.set(d.SerialNumber, d), false);
}
export function listMFADeviceTags(ctx: RequestContext, input: In<'ListMFADeviceTags'>): Out<'ListMFADeviceTags'> {
  return list(ctx, input, mfaDeviceFor(st(ctx), input.SerialNumber));
}

// ---- OIDC and SAML providers, server certificates ----------------------------------------

export function tagOpenIDConnectProvider(ctx: RequestContext, input: In<'TagOpenIDConnectProvider'>): Out<'TagOpenIDConnectProvider'> {
  const s = st(ctx); const p = getOidcProvider(s, input.OpenIDConnectProviderArn);
  tag(p, input.Tags, () => s.oidcProviders.set(p.Arn, p), false);
}
export function untagOpenIDConnectProvider(ctx: RequestContext, input: In<'UntagOpenIDConnectProvider'>): Out<'UntagOpenIDConnectProvider'> {
  const s = st(ctx); const p = getOidcProvider(s, input.OpenIDConnectProviderArn);
  untag(p, input.TagKeys, () => s.oidcProviders.set(p.Arn, p), false);
}
export function listOpenIDConnectProviderTags(ctx: RequestContext, input: In<'ListOpenIDConnectProviderTags'>): Out<'ListOpenIDConnectProviderTags'> {
  return list(ctx, input, getOidcProvider(st(ctx), input.OpenIDConnectProviderArn));
}

export function tagSAMLProvider(ctx: RequestContext, input: In<'TagSAMLProvider'>): Out<'TagSAMLProvider'> {
  const s = st(ctx); const p = getSamlProvider(s, input.SAMLProviderArn);
  tag(p, input.Tags, () => s.samlProviders.set(p.Arn, p), false);
}
export function untagSAMLProvider(ctx: RequestContext, input: In<'UntagSAMLProvider'>): Out<'UntagSAMLProvider'> {
  const s = st(ctx); const p = getSamlProvider(s, input.SAMLProviderArn);
  untag(p, input.TagKeys, () => s.samlProviders.set(p.Arn, p), false);
}
export function listSAMLProviderTags(ctx: RequestContext, input: In<'ListSAMLProviderTags'>): Out<'ListSAMLProviderTags'> {
  return list(ctx, input, getSamlProvider(st(ctx), input.SAMLProviderArn));
}

export function tagServerCertificate(ctx: RequestContext, input: In<'TagServerCertificate'>): Out<'TagServerCertificate'> {
  const s = st(ctx); const c = getServerCertificate(s, input.ServerCertificateName);
  tag(c, input.Tags, () => s.serverCerts.set(c.ServerCertificateId, c), false);
}
export function untagServerCertificate(ctx: RequestContext, input: In<'UntagServerCertificate'>): Out<'UntagServerCertificate'> {
  const s = st(ctx); const c = getServerCertificate(s, input.ServerCertificateName);
  untag(c, input.TagKeys, () => s.serverCerts.set(c.ServerCertificateId, c), false);
}
export function listServerCertificateTags(ctx: RequestContext, input: In<'ListServerCertificateTags'>): Out<'ListServerCertificateTags'> {
  return list(ctx, input, getServerCertificate(st(ctx), input.ServerCertificateName));
}
