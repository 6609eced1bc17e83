// Account-wide operations: aliases, the summary, the authorization details dump, the
// credential report, STS token preferences and policy context keys.
import type { RequestContext } from '../service.js';
import { page } from '../../core/pagination.js';
import { keyLastUsed } from '../../core/identity.js';
import {
  byName, clean, encodeDocument, err, invalidInput, noSuchEntity, now, pageOf, parsePolicyArn, rootArn, st,
  tagsOut, validationError, boundaryOut, type In, type Out,
} from './common.js';
import { awsPolicy } from './aws-policies.js';
import { MAX_ATTACHED, MAX_MANAGED_SIZE, MAX_VERSIONS, attachedAwsPolicies, policyDetail } from './policies.js';
import { contextKeys } from './policy.js';
import { roleOut } from './roles.js';
import { instanceProfileOut } from './instance-profiles.js';
import { MAX_GROUPS_PER_USER } from './groups.js';
import { MAX_KEYS } from './access-keys.js';
import { MAX_SIGNING_CERTS } from './certificates.js';
import { MAX_TRUST_SIZE } from './roles.js';
import { ACCOUNT_KEY, ROOT, type GroupRec, type IamState, type InlinePolicies, type RoleRec, type UserRec } from './state.js';

// ---- aliases ---------------------------------------------------------------------------

/**
 * An account has at most one alias; creating another replaces it (which is how the console
 * renames an alias). Aliases are unique across AWS; Nimbus checks only within the account.
 */
export function createAccountAlias(ctx: RequestContext, input: In<'CreateAccountAlias'>): Out<'CreateAccountAlias'> {
  const s = st(ctx);
  const acct = s.account.get(ACCOUNT_KEY) ?? {};
  acct.aliases = [input.AccountAlias];
  s.account.set(ACCOUNT_KEY, acct);
}

export function deleteAccountAlias(ctx: RequestContext, input: In<'DeleteAccountAlias'>): Out<'DeleteAccountAlias'> {
  const s = st(ctx);
  const acct = s.account.get(ACCOUNT_KEY);
  if (!acct?.aliases?.includes(input.AccountAlias)) throw noSuchEntity(`The account alias ${input.AccountAlias} cannot be found.`);
  acct.aliases = acct.aliases.filter((a) => a !== input.AccountAlias);
  s.account.set(ACCOUNT_KEY, acct);
}

export function listAccountAliases(ctx: RequestContext, input: In<'ListAccountAliases'>): Out<'ListAccountAliases'> {
  const aliases = st(ctx).account.get(ACCOUNT_KEY)?.aliases ?? [];
  return pageOf(ctx, input, aliases, (a) => a, (a) => a);
}

// ---- summary ---------------------------------------------------------------------------

export function getAccountSummary(ctx: RequestContext): Out<'GetAccountSummary'> {
  const s = st(ctx);
  let versions = 0;
  for (const p of s.policies.values()) versions += p.versions.length;
  let mfaInUse = 0;
  for (const d of s.mfaDevices.values()) if (d.userId) mfaInUse++;
  const acct = s.account.get(ACCOUNT_KEY);
  // Quotas are AWS's defaults ("IAM and AWS STS quotas", IAM User Guide).
  const SummaryMap: Record<string, number> = {
    Users: s.users.size, UsersQuota: 5000,
    Groups: s.groups.size, GroupsQuota: 300,
    Roles: s.roles.size, RolesQuota: 1000,
    Policies: s.policies.size, PoliciesQuota: 1500,
    PolicyVersionsInUse: versions, PolicyVersionsInUseQuota: 10000,
    VersionsPerPolicyQuota: MAX_VERSIONS, PolicySizeQuota: MAX_MANAGED_SIZE,
    InstanceProfiles: s.instanceProfiles.size, InstanceProfilesQuota: 1000,
    ServerCertificates: s.serverCerts.size, ServerCertificatesQuota: 20,
    MFADevices: s.mfaDevices.size, MFADevicesInUse: mfaInUse,
    AccountMFAEnabled: 0,
    AccountAccessKeysPresent: s.idx.keys.count(ROOT) > 0 ? 1 : 0,
    AccountPasswordPresent: 0,
    AccountSigningCertificatesPresent: s.idx.signingCerts.count(ROOT) > 0 ? 1 : 0,
    Providers: s.oidcProviders.size + s.samlProviders.size,
    AccessKeysPerUserQuota: MAX_KEYS,
    SigningCertificatesPerUserQuota: MAX_SIGNING_CERTS,
    GroupsPerUserQuota: MAX_GROUPS_PER_USER,
    AttachedPoliciesPerUserQuota: MAX_ATTACHED,
    AttachedPoliciesPerGroupQuota: MAX_ATTACHED,
    AttachedPoliciesPerRoleQuota: MAX_ATTACHED,
    UserPolicySizeQuota: 2048,
    GroupPolicySizeQuota: 5120,
    RolePolicySizeQuota: 10240,
    AssumeRolePolicySizeQuota: MAX_TRUST_SIZE,
    GlobalEndpointTokenVersion: acct?.globalEndpointTokenVersion ?? 1,
  };
  return { SummaryMap };
}

// ---- authorization details -------------------------------------------------------------

const inlineList = (inline: InlinePolicies) =>
  Object.keys(inline).sort().map((n) => ({ PolicyName: n, PolicyDocument: encodeDocument(inline[n]) }));
const attachedList = (arns: string[]) =>
  arns.map((a) => ({ PolicyName: parsePolicyArn(a)?.name ?? a, PolicyArn: a })).sort(byName((x) => x.PolicyName));

function userDetail(s: IamState, u: UserRec) {
  return clean({
    Path: u.Path, UserName: u.UserName, UserId: u.UserId, Arn: u.Arn, CreateDate: u.CreateDate,
    UserPolicyList: inlineList(u.inline),
    GroupList: u.groups.map((g) => s.groups.get(g)?.GroupName).filter((x): x is string => !!x),
    AttachedManagedPolicies: attachedList(u.attached),
    PermissionsBoundary: boundaryOut(u.PermissionsBoundary),
    Tags: tagsOut(u.Tags),
  });
}
const groupDetail = (g: GroupRec) => ({
  Path: g.Path, GroupName: g.GroupName, GroupId: g.GroupId, Arn: g.Arn, CreateDate: g.CreateDate,
  GroupPolicyList: inlineList(g.inline), AttachedManagedPolicies: attachedList(g.attached),
});
function roleDetail(s: IamState, r: RoleRec) {
  const base = roleOut(r, 'get');
  return clean({
    Path: r.Path, RoleName: r.RoleName, RoleId: r.RoleId, Arn: r.Arn, CreateDate: r.CreateDate,
    AssumeRolePolicyDocument: base.AssumeRolePolicyDocument,
    InstanceProfileList: [...s.idx.profilesOfRole.get(r.RoleId)].map((id) => s.instanceProfiles.get(id)).filter((p) => !!p).map((p) => instanceProfileOut(s, p!)),
    RolePolicyList: inlineList(r.inline),
    AttachedManagedPolicies: attachedList(r.attached),
    PermissionsBoundary: base.PermissionsBoundary,
    Tags: base.Tags,
    RoleLastUsed: base.RoleLastUsed,
  });
}

export async function getAccountAuthorizationDetails(ctx: RequestContext, input: In<'GetAccountAuthorizationDetails'>): Promise<Out<'GetAccountAuthorizationDetails'>> {
  const s = st(ctx);
  const want = new Set(input.Filter?.length ? input.Filter : ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']);
  type Item = { kind: 'user' | 'group' | 'role' | 'policy'; value: unknown };
  const items: Item[] = [];
  const sorted = <R>(idx: { keys: readonly string[]; idOfKey(k: string): string | undefined }, get: (id: string) => R | undefined) =>
    idx.keys.map((k) => get(idx.idOfKey(k)!)!).filter(Boolean);
  if (want.has('User')) for (const u of sorted(s.idx.users, (id) => s.users.get(id))) items.push({ kind: 'user', value: userDetail(s, u) });
  if (want.has('Group')) for (const g of sorted(s.idx.groups, (id) => s.groups.get(id))) items.push({ kind: 'group', value: groupDetail(g) });
  if (want.has('Role')) for (const r of sorted(s.idx.roles, (id) => s.roles.get(id))) items.push({ kind: 'role', value: roleDetail(s, r) });
  if (want.has('LocalManagedPolicy')) {
    for (const p of sorted(s.idx.policyNames, (arn) => s.policies.get(arn))) items.push({ kind: 'policy', value: policyDetail(s, p) });
  }
  if (want.has('AWSManagedPolicy')) for (const p of await attachedAwsPolicies(s)) items.push({ kind: 'policy', value: p });
  const out = page(ctx, input as unknown as Record<string, unknown>, items, { defaultLimit: 100, invalidToken: () => validationError('Invalid Marker.') });
  const slice = out.UserDetailList as Item[];
  const of = (k: Item['kind']) => slice.filter((x) => x.kind === k).map((x) => x.value);
  return clean({
    UserDetailList: of('user'), GroupDetailList: of('group'), RoleDetailList: of('role'), Policies: of('policy'),
    IsTruncated: out.IsTruncated as boolean, Marker: out.Marker as string | undefined,
  }) as unknown as Out<'GetAccountAuthorizationDetails'>;
}

// ---- credential report -----------------------------------------------------------------

const iso = (t: number | undefined) => (t === undefined ? 'N/A' : new Date(t).toISOString().replace(/\.\d{3}Z$/, '+00:00'));

function credentialReport(ctx: RequestContext, s: IamState): string {
  const header = 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,'
    + 'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,'
    + 'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,'
    + 'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
  const keyCols = (owner: string) => {
    const keys = [...s.idx.keys.get(owner)].map((id) => s.accessKeys.get(id)!).filter(Boolean).sort((a, b) => a.CreateDate - b.CreateDate);
    const cols: string[] = [];
    for (let i = 0; i < 2; i++) {
      const k = keys[i];
      const used = k ? keyLastUsed(k.AccessKeyId) : undefined;
      cols.push(k ? String(k.Status === 'Active') : 'false', iso(k?.CreateDate), iso(used?.date), used?.region ?? 'N/A', used?.service ?? 'N/A');
    }
    return cols;
  };
  const certCols = (owner: string) => {
    const certs = [...s.idx.signingCerts.get(owner)].map((id) => s.signingCerts.get(id)!).filter(Boolean).sort((a, b) => a.UploadDate - b.UploadDate);
    const cols: string[] = [];
    for (let i = 0; i < 2; i++) cols.push(certs[i] ? String(certs[i].Status === 'Active') : 'false', iso(certs[i]?.UploadDate));
    return cols;
  };
  const rows = [header];
  rows.push(['<root_account>', rootArn(ctx.accountId), 'N/A', 'not_supported', 'N/A', 'not_supported', 'not_supported', 'false', ...keyCols(ROOT), ...certCols(ROOT)].join(','));
  for (const k of s.idx.users.keys) {
    const u = s.users.get(s.idx.users.idOfKey(k)!)!;
    const profile = s.loginProfiles.get(u.UserId);
    rows.push([
      u.UserName, u.Arn, iso(u.CreateDate), String(!!profile), profile ? iso(u.PasswordLastUsed) : 'N/A',
      profile ? iso(profile.CreateDate) : 'N/A', 'N/A', String(s.idx.mfa.count(u.UserId) > 0),
      ...keyCols(u.UserId), ...certCols(u.UserId),
    ].join(','));
  }
  return rows.join('\n');
}

export function generateCredentialReport(ctx: RequestContext): Out<'GenerateCredentialReport'> {
  const s = st(ctx);
  const acct = s.account.get(ACCOUNT_KEY) ?? {};
  const had = acct.credentialReport !== undefined;
  acct.credentialReport = { generated: now(), content: credentialReport(ctx, s) };
  s.account.set(ACCOUNT_KEY, acct);
  return had ? { State: 'COMPLETE' } : { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' };
}

export function getCredentialReport(ctx: RequestContext): Out<'GetCredentialReport'> {
  const r = st(ctx).account.get(ACCOUNT_KEY)?.credentialReport;
  if (!r) throw err('ReportNotPresent', 'Credential report not present');
  // A report older than four hours has expired ("Getting credential reports", IAM User Guide).
  if (now() - r.generated > 4 * 3600_000) throw err('ReportExpired', 'Credential report expired');
  return { Content: Buffer.from(r.content, 'utf8'), ReportFormat: 'text/csv', GeneratedTime: r.generated };
}

// ---- STS preferences -------------------------------------------------------------------

export function setSecurityTokenServicePreferences(ctx: RequestContext, input: In<'SetSecurityTokenServicePreferences'>): Out<'SetSecurityTokenServicePreferences'> {
  const s = st(ctx);
  const acct = s.account.get(ACCOUNT_KEY) ?? {};
  acct.globalEndpointTokenVersion = input.GlobalEndpointTokenVersion === 'v2Token' ? 2 : 1;
  s.account.set(ACCOUNT_KEY, acct);
}

// ---- context keys ----------------------------------------------------------------------

function keysOf(docs: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const d of docs) for (const k of contextKeys(d)) if (!seen.has(k.toLowerCase())) { seen.add(k.toLowerCase()); out.push(k); }
  return out;
}

export function getContextKeysForCustomPolicy(_ctx: RequestContext, input: In<'GetContextKeysForCustomPolicy'>): Out<'GetContextKeysForCustomPolicy'> {
  return { ContextKeyNames: keysOf(input.PolicyInputList) };
}

export async function getContextKeysForPrincipalPolicy(ctx: RequestContext, input: In<'GetContextKeysForPrincipalPolicy'>): Promise<Out<'GetContextKeysForPrincipalPolicy'>> {
  const s = st(ctx);
  const m = /^arn:aws[\w-]*:iam::(\d{12}):(user|group|role)(\/(?:[^/]*\/)*)([\w+=,.@-]+)$/.exec(input.PolicySourceArn);
  if (!m || m[1] !== ctx.accountId) throw invalidInput(`Invalid ARN: ${input.PolicySourceArn}`); // wording not confirmed
  const docs: string[] = [];
  const managed = async (arns: string[]) => {
    for (const arn of arns) {
      const local = s.policies.get(arn);
      if (local) docs.push(local.versions.find((v) => v.VersionId === local.DefaultVersionId)!.Document);
      else { const aws = await awsPolicy(arn); if (aws?.Document) docs.push(aws.Document); }
    }
  };
  const missing = () => noSuchEntity(`${m[2].charAt(0).toUpperCase()}${m[2].slice(1)} ${input.PolicySourceArn} does not exist.`); // wording not confirmed
  const id = (m[2] === 'user' ? s.idx.users : m[2] === 'group' ? s.idx.groups : s.idx.roles).id(m[4]);
  if (id === undefined) throw missing();
  if (m[2] === 'user') {
    const u = s.users.get(id)!;
    docs.push(...Object.values(u.inline));
    await managed(u.attached);
    for (const gid of u.groups) {
      const g = s.groups.get(gid);
      if (g) { docs.push(...Object.values(g.inline)); await managed(g.attached); }
    }
  } else if (m[2] === 'group') {
    const g = s.groups.get(id)!;
    docs.push(...Object.values(g.inline));
    await managed(g.attached);
  } else {
    const r = s.roles.get(id)!;
    docs.push(...Object.values(r.inline));
    await managed(r.attached);
  }
  docs.push(...(input.PolicyInputList ?? []));
  return { ContextKeyNames: keysOf(docs) };
}
