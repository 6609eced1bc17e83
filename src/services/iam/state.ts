// IAM's state: one scope per account (IAM is global). Records reference each other by their
// unique ids (AIDA…, AGPA…, AROA…), never by name, so renames (UpdateUser, UpdateGroup) touch
// one record. Names are case-insensitive in IAM ("User names are not distinguished by case",
// IAM User Guide, "IAM identifiers"): the name indexes map lower-cased names to ids and keep
// them sorted, which is the order the List* operations page in.
import { defineState, type Collection } from '../../core/state.js';

export interface Tag { Key: string; Value: string }

/** Inline policies by name: the document as the caller sent it (decoded JSON text). */
export type InlinePolicies = Record<string, string>;

export interface UserRec {
  UserId: string;
  UserName: string;
  Path: string;
  Arn: string;
  CreateDate: number;
  PermissionsBoundary?: string;
  Tags: Tag[];
  /** Group ids, in the order the user joined them. */
  groups: string[];
  /** Managed policy ARNs. */
  attached: string[];
  inline: InlinePolicies;
  PasswordLastUsed?: number;
}

export interface GroupRec {
  GroupId: string;
  GroupName: string;
  Path: string;
  Arn: string;
  CreateDate: number;
  attached: string[];
  inline: InlinePolicies;
}

export interface RoleRec {
  RoleId: string;
  RoleName: string;
  Path: string;
  Arn: string;
  CreateDate: number;
  /** The trust policy as sent (decoded JSON text). */
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  PermissionsBoundary?: string;
  Tags: Tag[];
  attached: string[];
  inline: InlinePolicies;
  LastUsed?: { date: number; region: string };
  /** The service of a service-linked role (CreateServiceLinkedRole). */
  linkedService?: string;
}

export interface PolicyVersionRec { VersionId: string; Document: string; CreateDate: number }

/** A customer managed policy. AWS managed policies are a read-only catalog (aws-policies.ts). */
export interface PolicyRec {
  PolicyId: string;
  PolicyName: string;
  Path: string;
  Arn: string;
  Description?: string;
  CreateDate: number;
  UpdateDate: number;
  DefaultVersionId: string;
  Tags: Tag[];
  versions: PolicyVersionRec[];
  nextVersion: number;
}

/** The owner of access keys and MFA devices: a user id, or ROOT for the account's root. */
export const ROOT = 'root';

export interface AccessKeyRec {
  AccessKeyId: string;
  SecretAccessKey: string;
  owner: string;
  Status: 'Active' | 'Inactive';
  CreateDate: number;
}

export interface LoginProfileRec {
  userId: string;
  CreateDate: number;
  PasswordResetRequired: boolean;
  /** scrypt(salt, password), hex; only ChangePassword reads it. */
  salt: string;
  hash: string;
}

export interface MfaRec {
  SerialNumber: string;
  Name: string;
  Path: string;
  /** The RFC 4648 base32 seed the device was created with. */
  seed: string;
  CreateDate: number;
  /** The user it is enabled for. */
  userId?: string;
  EnableDate?: number;
  Tags: Tag[];
}

export interface InstanceProfileRec {
  InstanceProfileId: string;
  InstanceProfileName: string;
  Path: string;
  Arn: string;
  CreateDate: number;
  /** Role ids (at most one, as IAM's InstanceSessionsPerInstanceProfile quota allows). */
  roles: string[];
  Tags: Tag[];
}

export interface SshKeyRec {
  SSHPublicKeyId: string;
  userId: string;
  SSHPublicKeyBody: string;
  Fingerprint: string;
  Status: 'Active' | 'Inactive';
  UploadDate: number;
}

export interface SigningCertRec {
  CertificateId: string;
  owner: string;
  CertificateBody: string;
  Status: 'Active' | 'Inactive';
  UploadDate: number;
}

export interface ServerCertRec {
  ServerCertificateId: string;
  ServerCertificateName: string;
  Path: string;
  Arn: string;
  CertificateBody: string;
  CertificateChain?: string;
  UploadDate: number;
  Expiration: number;
  Tags: Tag[];
}

export interface OidcProviderRec {
  Arn: string;
  Url: string;
  ClientIDList: string[];
  ThumbprintList: string[];
  CreateDate: number;
  Tags: Tag[];
}

export interface SamlProviderRec {
  Arn: string;
  Name: string;
  SAMLMetadataDocument: string;
  SAMLProviderUUID: string;
  CreateDate: number;
  ValidUntil: number;
  Tags: Tag[];
}

export interface ServiceCredRec {
  ServiceSpecificCredentialId: string;
  userId: string;
  ServiceName: string;
  ServiceUserName: string;
  ServicePassword: string;
  Status: 'Active' | 'Inactive';
  CreateDate: number;
}

export interface PasswordPolicyRec {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  ExpirePasswords: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

/** Account-wide settings, one record each. */
export interface AccountRec {
  aliases?: string[];
  passwordPolicy?: PasswordPolicyRec;
  /** SetSecurityTokenServicePreferences: 1 (v1Token) or 2 (v2Token). */
  globalEndpointTokenVersion?: number;
  credentialReport?: { generated: number; content: string };
  /** DeleteServiceLinkedRole task ids (the deletion itself is immediate). */
  deletionTasks?: string[];
}

/** Lower-cased name -> id, with the names kept sorted for paging. */
export class NameIndex {
  private readonly ids = new Map<string, string>();
  private readonly order: string[] = [];

  static key(name: string): string { return name.toLowerCase(); }
  id(name: string): string | undefined { return this.ids.get(NameIndex.key(name)); }
  idOfKey(key: string): string | undefined { return this.ids.get(key); }
  get size(): number { return this.ids.size; }
  /** Sorted lower-cased names. */
  get keys(): readonly string[] { return this.order; }

  add(name: string, id: string): void {
    const k = NameIndex.key(name);
    if (!this.ids.has(k)) this.order.splice(this.position(k), 0, k);
    this.ids.set(k, id);
  }

  remove(name: string): void {
    const k = NameIndex.key(name);
    if (!this.ids.delete(k)) return;
    const i = this.position(k);
    if (this.order[i] === k) this.order.splice(i, 1);
  }

  clear(): void { this.ids.clear(); this.order.length = 0; }

  private position(k: string): number {
    let lo = 0, hi = this.order.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.order[mid] < k) lo = mid + 1; else hi = mid; }
    return lo;
  }
}

/** key -> set of values, for reverse relations (group members, policy attachments …). */
export class MultiIndex {
  private readonly map = new Map<string, Set<string>>();
  get(k: string): ReadonlySet<string> { return this.map.get(k) ?? EMPTY; }
  count(k: string): number { return this.map.get(k)?.size ?? 0; }
  add(k: string, v: string): void {
    let s = this.map.get(k);
    if (!s) this.map.set(k, (s = new Set()));
    s.add(v);
  }
  remove(k: string, v: string): void {
    const s = this.map.get(k);
    if (!s) return;
    s.delete(v);
    if (!s.size) this.map.delete(k);
  }
  keys(): IterableIterator<string> { return this.map.keys(); }
  clear(): void { this.map.clear(); }
}
const EMPTY: ReadonlySet<string> = new Set();

/** How an entity is named in the attachment indexes. */
export type EntityRef = `user:${string}` | `group:${string}` | `role:${string}`;

export interface Indexes {
  users: NameIndex;
  groups: NameIndex;
  roles: NameIndex;
  instanceProfiles: NameIndex;
  /** Customer managed policies: lower-cased policy name -> ARN (names are unique per account). */
  policyNames: NameIndex;
  serverCerts: NameIndex;
  /** group id -> user ids */
  members: MultiIndex;
  /** policy ARN -> entities it is attached to */
  attachments: MultiIndex;
  /** policy ARN -> entities it is the permissions boundary of */
  boundaries: MultiIndex;
  /** owner (user id or ROOT) -> access key ids */
  keys: MultiIndex;
  /** user id -> MFA serial numbers enabled for it */
  mfa: MultiIndex;
  /** role id -> instance profile ids */
  profilesOfRole: MultiIndex;
  /** user id -> SSH key ids */
  sshKeys: MultiIndex;
  /** owner -> signing certificate ids */
  signingCerts: MultiIndex;
  /** user id -> service-specific credential ids */
  serviceCreds: MultiIndex;
}

export interface IamState {
  users: Collection<UserRec>;
  groups: Collection<GroupRec>;
  roles: Collection<RoleRec>;
  policies: Collection<PolicyRec>;
  accessKeys: Collection<AccessKeyRec>;
  loginProfiles: Collection<LoginProfileRec>;
  mfaDevices: Collection<MfaRec>;
  instanceProfiles: Collection<InstanceProfileRec>;
  sshKeys: Collection<SshKeyRec>;
  signingCerts: Collection<SigningCertRec>;
  serverCerts: Collection<ServerCertRec>;
  oidcProviders: Collection<OidcProviderRec>;
  samlProviders: Collection<SamlProviderRec>;
  serviceCreds: Collection<ServiceCredRec>;
  account: Collection<AccountRec>;
  idx: Indexes;
}

export const ACCOUNT_KEY = 'account';

function indexes(): Indexes {
  return {
    users: new NameIndex(), groups: new NameIndex(), roles: new NameIndex(), instanceProfiles: new NameIndex(),
    policyNames: new NameIndex(), serverCerts: new NameIndex(),
    members: new MultiIndex(), attachments: new MultiIndex(), boundaries: new MultiIndex(), keys: new MultiIndex(),
    mfa: new MultiIndex(), profilesOfRole: new MultiIndex(), sshKeys: new MultiIndex(), signingCerts: new MultiIndex(),
    serviceCreds: new MultiIndex(),
  };
}

/** Rebuilds every derived index from the collections (after a journal or snapshot load). */
export function rebuild(s: IamState): void {
  const x = s.idx;
  for (const i of Object.values(x)) i.clear();
  for (const u of s.users.values()) {
    x.users.add(u.UserName, u.UserId);
    for (const g of u.groups) x.members.add(g, u.UserId);
    for (const p of u.attached) x.attachments.add(p, `user:${u.UserId}`);
    if (u.PermissionsBoundary) x.boundaries.add(u.PermissionsBoundary, `user:${u.UserId}`);
  }
  for (const g of s.groups.values()) {
    x.groups.add(g.GroupName, g.GroupId);
    for (const p of g.attached) x.attachments.add(p, `group:${g.GroupId}`);
  }
  for (const r of s.roles.values()) {
    x.roles.add(r.RoleName, r.RoleId);
    for (const p of r.attached) x.attachments.add(p, `role:${r.RoleId}`);
    if (r.PermissionsBoundary) x.boundaries.add(r.PermissionsBoundary, `role:${r.RoleId}`);
  }
  for (const p of s.policies.values()) x.policyNames.add(p.PolicyName, p.Arn);
  for (const ip of s.instanceProfiles.values()) {
    x.instanceProfiles.add(ip.InstanceProfileName, ip.InstanceProfileId);
    for (const r of ip.roles) x.profilesOfRole.add(r, ip.InstanceProfileId);
  }
  for (const k of s.accessKeys.values()) x.keys.add(k.owner, k.AccessKeyId);
  for (const d of s.mfaDevices.values()) if (d.userId) x.mfa.add(d.userId, d.SerialNumber);
  for (const k of s.sshKeys.values()) x.sshKeys.add(k.userId, k.SSHPublicKeyId);
  for (const c of s.signingCerts.values()) x.signingCerts.add(c.owner, c.CertificateId);
  for (const c of s.serverCerts.values()) x.serverCerts.add(c.ServerCertificateName, c.ServerCertificateId);
  for (const c of s.serviceCreds.values()) x.serviceCreds.add(c.userId, c.ServiceSpecificCredentialId);
}

export const iamState = defineState<IamState>({
  service: 'iam',
  global: true,
  create: (c) => ({
    users: c.collection<UserRec>('users'),
    groups: c.collection<GroupRec>('groups'),
    roles: c.collection<RoleRec>('roles'),
    policies: c.collection<PolicyRec>('policies'),
    accessKeys: c.collection<AccessKeyRec>('accessKeys'),
    loginProfiles: c.collection<LoginProfileRec>('loginProfiles'),
    mfaDevices: c.collection<MfaRec>('mfaDevices'),
    instanceProfiles: c.collection<InstanceProfileRec>('instanceProfiles'),
    sshKeys: c.collection<SshKeyRec>('sshKeys'),
    signingCerts: c.collection<SigningCertRec>('signingCerts'),
    serverCerts: c.collection<ServerCertRec>('serverCerts'),
    oidcProviders: c.collection<OidcProviderRec>('oidcProviders'),
    samlProviders: c.collection<SamlProviderRec>('samlProviders'),
    serviceCreds: c.collection<ServiceCredRec>('serviceCreds'),
    account: c.collection<AccountRec>('account'),
    idx: indexes(),
  }),
  rebuild,
});
