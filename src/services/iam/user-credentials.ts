// A user's other credentials: SSH public keys (CodeCommit) and service-specific credentials
// (CodeCommit Git passwords, Amazon Keyspaces).
import { createHash, createPublicKey } from 'node:crypto';
import type { RequestContext } from '../service.js';
import { iamId, randomAlnum } from '../../core/ids.js';
import {
  err, getUser, implicitUser, limitExceeded, noSuchEntity, now, pageOf, st, validationError, type In, type Out,
} from './common.js';
import type { IamState, ServiceCredRec, SshKeyRec, UserRec } from './state.js';

// ---- SSH public keys -------------------------------------------------------------------

/** "SSH public keys assigned to an IAM user: 5" (IAM and AWS STS quotas). */
export const MAX_SSH_KEYS = 5;

/** Reads an OpenSSH `ssh-rsa AAAA…` key; returns its wire blob and RSA numbers. */
function parseSshRsa(body: string): { blob: Buffer; e: Buffer; n: Buffer } | undefined {
  const m = /^ssh-rsa\s+([A-Za-z0-9+/=]+)(\s.*)?$/.exec(body.trim());
  if (!m) return undefined;
  const blob = Buffer.from(m[1], 'base64');
  let off = 0;
  const next = (): Buffer | undefined => {
    if (off + 4 > blob.length) return undefined;
    const len = blob.readUInt32BE(off); off += 4;
    if (off + len > blob.length) return undefined;
    const v = blob.subarray(off, off + len); off += len;
    return v;
  };
  const type = next(), e = next(), n = next();
  if (!type || type.toString() !== 'ssh-rsa' || !e || !n) return undefined;
  return { blob, e, n };
}

const strip0 = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);

/** The key as PEM (SubjectPublicKeyInfo), for GetSSHPublicKey with Encoding PEM. */
function toPem(body: string): string {
  const ssh = parseSshRsa(body);
  if (!ssh) return body;
  const key = createPublicKey({ key: { kty: 'RSA', n: strip0(ssh.n).toString('base64url'), e: strip0(ssh.e).toString('base64url') }, format: 'jwk' });
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Accepts ssh-rsa keys and PEM public keys of at least 2048 bits; returns the MD5 fingerprint. */
function fingerprintOf(body: string): string {
  let der: Buffer;
  const ssh = parseSshRsa(body);
  if (ssh) {
    if (strip0(ssh.n).length * 8 < 2048) throw err('InvalidPublicKey', 'The public key must be at least 2048 bits long.'); // wording not confirmed
    der = ssh.blob;
  } else if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(body)) {
    try { der = createPublicKey(body).export({ type: 'spki', format: 'der' }); } catch {
      throw err('InvalidPublicKey', 'The public key is not valid.'); // wording not confirmed
    }
  } else {
    throw err('UnrecognizedPublicKeyEncoding', 'The public key encoding is not recognized.'); // wording not confirmed
  }
  return createHash('md5').update(der).digest('hex').match(/../g)!.join(':');
}

const sshOut = (u: UserRec, k: SshKeyRec, encoding?: string) => ({
  UserName: u.UserName, SSHPublicKeyId: k.SSHPublicKeyId, Fingerprint: k.Fingerprint,
  SSHPublicKeyBody: encoding === 'PEM' ? toPem(k.SSHPublicKeyBody) : k.SSHPublicKeyBody, Status: k.Status, UploadDate: k.UploadDate,
});

function userKey(s: IamState, u: UserRec, id: string): SshKeyRec {
  const k = s.sshKeys.get(id);
  if (!k || k.userId !== u.UserId) throw noSuchEntity(`The Public Key with id ${id} cannot be found.`);
  return k;
}

export function uploadSSHPublicKey(ctx: RequestContext, input: In<'UploadSSHPublicKey'>): Out<'UploadSSHPublicKey'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  const Fingerprint = fingerprintOf(input.SSHPublicKeyBody);
  for (const id of s.idx.sshKeys.get(u.UserId)) {
    if (s.sshKeys.get(id)?.Fingerprint === Fingerprint) throw err('DuplicateSSHPublicKey', 'The SSH public key has already been uploaded.'); // wording not confirmed
  }
  if (s.idx.sshKeys.count(u.UserId) >= MAX_SSH_KEYS) throw limitExceeded(`Cannot exceed quota for KeysPerUser: ${MAX_SSH_KEYS}`);
  const k: SshKeyRec = { SSHPublicKeyId: iamId('APKA'), userId: u.UserId, SSHPublicKeyBody: input.SSHPublicKeyBody, Fingerprint, Status: 'Active', UploadDate: now() };
  s.sshKeys.set(k.SSHPublicKeyId, k);
  s.idx.sshKeys.add(u.UserId, k.SSHPublicKeyId);
  return { SSHPublicKey: sshOut(u, k) };
}

export function getSSHPublicKey(ctx: RequestContext, input: In<'GetSSHPublicKey'>): Out<'GetSSHPublicKey'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  return { SSHPublicKey: sshOut(u, userKey(s, u, input.SSHPublicKeyId), input.Encoding) };
}

export function listSSHPublicKeys(ctx: RequestContext, input: In<'ListSSHPublicKeys'>): Out<'ListSSHPublicKeys'> {
  const s = st(ctx);
  const u = implicitUser(ctx, s, input.UserName);
  const keys = [...s.idx.sshKeys.get(u.UserId)].map((id) => s.sshKeys.get(id)!).filter(Boolean).sort((a, b) => a.UploadDate - b.UploadDate);
  return pageOf(ctx, input, keys, undefined,
    (k) => ({ UserName: u.UserName, SSHPublicKeyId: k.SSHPublicKeyId, Status: k.Status, UploadDate: k.UploadDate }));
}

export function updateSSHPublicKey(ctx: RequestContext, input: In<'UpdateSSHPublicKey'>): Out<'UpdateSSHPublicKey'> {
  if (input.Status !== 'Active' && input.Status !== 'Inactive') {
    throw validationError(`1 validation error detected: Value '${input.Status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
  }
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  const k = userKey(s, u, input.SSHPublicKeyId);
  k.Status = input.Status as 'Active' | 'Inactive';
  s.sshKeys.set(k.SSHPublicKeyId, k);
}

export function deleteSSHPublicKey(ctx: RequestContext, input: In<'DeleteSSHPublicKey'>): Out<'DeleteSSHPublicKey'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  const k = userKey(s, u, input.SSHPublicKeyId);
  s.sshKeys.delete(k.SSHPublicKeyId);
  s.idx.sshKeys.remove(u.UserId, k.SSHPublicKeyId);
}

// ---- service-specific credentials ------------------------------------------------------

/** The services that take service-specific credentials (IAM User Guide). */
const CRED_SERVICES = new Set(['codecommit.amazonaws.com', 'cassandra.amazonaws.com']);
/** "Service-specific credentials per user per service: 2". */
export const MAX_SERVICE_CREDS = 2;

const notSupported = (service: string) => err('NotSupportedService', `No such service ${service} is supported for Service Specific Credentials`);
const password = () => randomAlnum(59) + '=';

const credMeta = (u: UserRec, c: ServiceCredRec) => ({
  UserName: u.UserName, Status: c.Status, ServiceUserName: c.ServiceUserName, CreateDate: c.CreateDate,
  ServiceSpecificCredentialId: c.ServiceSpecificCredentialId, ServiceName: c.ServiceName,
});
const credFull = (u: UserRec, c: ServiceCredRec) => ({ ...credMeta(u, c), ServicePassword: c.ServicePassword });

function userCred(s: IamState, u: UserRec, id: string): ServiceCredRec {
  const c = s.serviceCreds.get(id);
  if (!c || c.userId !== u.UserId) throw noSuchEntity(`No such credential ${id} exists`);
  return c;
}

export function createServiceSpecificCredential(ctx: RequestContext, input: In<'CreateServiceSpecificCredential'>): Out<'CreateServiceSpecificCredential'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  if (!CRED_SERVICES.has(input.ServiceName)) throw notSupported(input.ServiceName);
  const same = [...s.idx.serviceCreds.get(u.UserId)].filter((id) => s.serviceCreds.get(id)?.ServiceName === input.ServiceName);
  if (same.length >= MAX_SERVICE_CREDS) {
    throw limitExceeded(`Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: ${MAX_SERVICE_CREDS}`);
  }
  const c: ServiceCredRec = {
    ServiceSpecificCredentialId: iamId('ACCA'), userId: u.UserId, ServiceName: input.ServiceName,
    ServiceUserName: `${u.UserName}-at-${ctx.accountId}`, ServicePassword: password(), Status: 'Active', CreateDate: now(),
  };
  s.serviceCreds.set(c.ServiceSpecificCredentialId, c);
  s.idx.serviceCreds.add(u.UserId, c.ServiceSpecificCredentialId);
  return { ServiceSpecificCredential: credFull(u, c) };
}

export function listServiceSpecificCredentials(ctx: RequestContext, input: In<'ListServiceSpecificCredentials'>): Out<'ListServiceSpecificCredentials'> {
  const s = st(ctx);
  if (input.ServiceName !== undefined && !CRED_SERVICES.has(input.ServiceName)) throw notSupported(input.ServiceName);
  const users: UserRec[] = input.AllUsers ? [...s.users.values()] : [implicitUser(ctx, s, input.UserName)];
  const out = [];
  for (const u of users) {
    for (const id of s.idx.serviceCreds.get(u.UserId)) {
      const c = s.serviceCreds.get(id);
      if (c && (input.ServiceName === undefined || c.ServiceName === input.ServiceName)) out.push(credMeta(u, c));
    }
  }
  out.sort((a, b) => a.CreateDate - b.CreateDate);
  return { ServiceSpecificCredentials: out, IsTruncated: false };
}

export function resetServiceSpecificCredential(ctx: RequestContext, input: In<'ResetServiceSpecificCredential'>): Out<'ResetServiceSpecificCredential'> {
  const s = st(ctx);
  const u = implicitUser(ctx, s, input.UserName);
  const c = userCred(s, u, input.ServiceSpecificCredentialId);
  c.ServicePassword = password();
  s.serviceCreds.set(c.ServiceSpecificCredentialId, c);
  return { ServiceSpecificCredential: credFull(u, c) };
}

export function updateServiceSpecificCredential(ctx: RequestContext, input: In<'UpdateServiceSpecificCredential'>): Out<'UpdateServiceSpecificCredential'> {
  if (input.Status !== 'Active' && input.Status !== 'Inactive') {
    throw validationError(`1 validation error detected: Value '${input.Status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
  }
  const s = st(ctx);
  const u = implicitUser(ctx, s, input.UserName);
  const c = userCred(s, u, input.ServiceSpecificCredentialId);
  c.Status = input.Status as 'Active' | 'Inactive';
  s.serviceCreds.set(c.ServiceSpecificCredentialId, c);
}

export function deleteServiceSpecificCredential(ctx: RequestContext, input: In<'DeleteServiceSpecificCredential'>): Out<'DeleteServiceSpecificCredential'> {
  const s = st(ctx);
  const u = implicitUser(ctx, s, input.UserName);
  const c = userCred(s, u, input.ServiceSpecificCredentialId);
  s.serviceCreds.delete(c.ServiceSpecificCredentialId);
  s.idx.serviceCreds.remove(u.UserId, c.ServiceSpecificCredentialId);
}

