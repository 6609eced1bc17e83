// X.509 certificates IAM keeps: server certificates (for load balancers and CloudFront) and
// users' signing certificates. Bodies and keys are parsed with node:crypto, so malformed PEM
// and mismatched key pairs are refused as IAM refuses them.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { RequestContext } from '../service.js';
import { hex, iamId } from '../../core/ids.js';
import {
  alreadyExists, checkNewTags, clean, err, iamArn, implicitOwner, limitExceeded, noSuchEntity, now,
  pageNames, pageOf, pathFilter, st, tagsOut, validationError, type In, type Out,
} from './common.js';
import { ROOT, type IamState, type ServerCertRec, type SigningCertRec } from './state.js';

function parseCert(pem: string): X509Certificate {
  try { return new X509Certificate(pem); } catch {
    throw err('MalformedCertificate', 'Unable to parse certificate. Please ensure the certificate is in PEM format.');
  }
}

// ---- server certificates ---------------------------------------------------------------

export function getServerCertificate(s: IamState, name: string): ServerCertRec {
  const id = s.idx.serverCerts.id(name);
  const c = id === undefined ? undefined : s.serverCerts.get(id);
  if (!c) throw noSuchEntity(`The Server Certificate with name ${name} cannot be found.`);
  return c;
}

const metadata = (c: ServerCertRec) => ({
  Path: c.Path, ServerCertificateName: c.ServerCertificateName, ServerCertificateId: c.ServerCertificateId, Arn: c.Arn,
  UploadDate: c.UploadDate, Expiration: c.Expiration,
});

export function uploadServerCertificate(ctx: RequestContext, input: In<'UploadServerCertificate'>): Out<'UploadServerCertificate'> {
  const s = st(ctx);
  checkNewTags(input.Tags, false);
  const cert = parseCert(input.CertificateBody);
  let key: KeyObject;
  try { key = createPrivateKey(input.PrivateKey); } catch {
    throw err('MalformedCertificate', 'Unable to parse private key.'); // wording not confirmed
  }
  if (!cert.checkPrivateKey(key)) throw err('KeyPairMismatch', 'Unable to validate certificate and private key pair.'); // wording not confirmed
  if (input.CertificateChain !== undefined) parseCert(input.CertificateChain);
  if (s.idx.serverCerts.id(input.ServerCertificateName)) {
    throw alreadyExists(`The Server Certificate with name ${input.ServerCertificateName} already exists.`);
  }
  const path = input.Path ?? '/';
  const c: ServerCertRec = {
    ServerCertificateId: iamId('ASCA'),
    ServerCertificateName: input.ServerCertificateName,
    Path: path,
    Arn: iamArn(ctx.accountId, 'server-certificate', path, input.ServerCertificateName),
    CertificateBody: input.CertificateBody,
    UploadDate: now(),
    Expiration: Date.parse(cert.validTo),
    Tags: (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
  };
  if (input.CertificateChain !== undefined) c.CertificateChain = input.CertificateChain;
  s.serverCerts.set(c.ServerCertificateId, c);
  s.idx.serverCerts.add(c.ServerCertificateName, c.ServerCertificateId);
  return clean({ ServerCertificateMetadata: metadata(c), Tags: tagsOut(c.Tags) });
}

export function getServerCertificateOp(ctx: RequestContext, input: In<'GetServerCertificate'>): Out<'GetServerCertificate'> {
  const c = getServerCertificate(st(ctx), input.ServerCertificateName);
  return {
    ServerCertificate: clean({ ServerCertificateMetadata: metadata(c), CertificateBody: c.CertificateBody, CertificateChain: c.CertificateChain, Tags: tagsOut(c.Tags) }),
  };
}

export function listServerCertificates(ctx: RequestContext, input: In<'ListServerCertificates'>): Out<'ListServerCertificates'> {
  const s = st(ctx);
  return pageNames(ctx, input, s.idx.serverCerts, (id) => s.serverCerts.get(id), pathFilter(input.PathPrefix), metadata);
}

export function updateServerCertificate(ctx: RequestContext, input: In<'UpdateServerCertificate'>): Out<'UpdateServerCertificate'> {
  const s = st(ctx);
  const c = getServerCertificate(s, input.ServerCertificateName);
  const newName = input.NewServerCertificateName;
  if (newName !== undefined && newName.toLowerCase() !== c.ServerCertificateName.toLowerCase() && s.idx.serverCerts.id(newName)) {
    throw alreadyExists(`The Server Certificate with name ${newName} already exists.`);
  }
  s.idx.serverCerts.remove(c.ServerCertificateName);
  c.ServerCertificateName = newName ?? c.ServerCertificateName;
  c.Path = input.NewPath ?? c.Path;
  c.Arn = iamArn(ctx.accountId, 'server-certificate', c.Path, c.ServerCertificateName);
  s.idx.serverCerts.add(c.ServerCertificateName, c.ServerCertificateId);
  s.serverCerts.set(c.ServerCertificateId, c);
}

export function deleteServerCertificate(ctx: RequestContext, input: In<'DeleteServerCertificate'>): Out<'DeleteServerCertificate'> {
  const s = st(ctx);
  const c = getServerCertificate(s, input.ServerCertificateName);
  s.idx.serverCerts.remove(c.ServerCertificateName);
  s.serverCerts.delete(c.ServerCertificateId);
}

// ---- signing certificates --------------------------------------------------------------

/** "Signing certificates assigned to an IAM user: 2" (IAM and AWS STS quotas). */
export const MAX_SIGNING_CERTS = 2;

const missingCert = (id: string) => noSuchEntity(`The Certificate with id ${id} cannot be found.`);

export function uploadSigningCertificate(ctx: RequestContext, input: In<'UploadSigningCertificate'>): Out<'UploadSigningCertificate'> {
  const s = st(ctx);
  const { owner, user } = implicitOwner(ctx, s, input.UserName);
  const cert = parseCert(input.CertificateBody);
  if (Date.parse(cert.validTo) < now()) throw err('InvalidCertificate', 'The certificate has expired.'); // wording not confirmed
  for (const id of s.idx.signingCerts.get(owner)) {
    const other = s.signingCerts.get(id);
    if (other && new X509Certificate(other.CertificateBody).fingerprint256 === cert.fingerprint256) {
      throw err('DuplicateCertificate', `The Certificate with id ${id} already exists.`); // wording not confirmed
    }
  }
  if (s.idx.signingCerts.count(owner) >= MAX_SIGNING_CERTS) throw limitExceeded(`Cannot exceed quota for CertificatesPerUser: ${MAX_SIGNING_CERTS}`);
  const c: SigningCertRec = { CertificateId: hex(16).toUpperCase(), owner, CertificateBody: input.CertificateBody, Status: 'Active', UploadDate: now() };
  s.signingCerts.set(c.CertificateId, c);
  s.idx.signingCerts.add(owner, c.CertificateId);
  return { Certificate: clean({ UserName: user?.UserName ?? '', CertificateId: c.CertificateId, CertificateBody: c.CertificateBody, Status: c.Status, UploadDate: c.UploadDate }) };
}

function ownedCert(ctx: RequestContext, userName: string | undefined, id: string): { s: IamState; c: SigningCertRec } {
  const s = st(ctx);
  const { owner } = implicitOwner(ctx, s, userName);
  const c = s.signingCerts.get(id);
  if (!c || c.owner !== owner) throw missingCert(id);
  return { s, c };
}

export function updateSigningCertificate(ctx: RequestContext, input: In<'UpdateSigningCertificate'>): Out<'UpdateSigningCertificate'> {
  if (input.Status !== 'Active' && input.Status !== 'Inactive') {
    throw validationError(`1 validation error detected: Value '${input.Status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
  }
  const { s, c } = ownedCert(ctx, input.UserName, input.CertificateId);
  c.Status = input.Status as 'Active' | 'Inactive';
  s.signingCerts.set(c.CertificateId, c);
}

export function deleteSigningCertificate(ctx: RequestContext, input: In<'DeleteSigningCertificate'>): Out<'DeleteSigningCertificate'> {
  const { s, c } = ownedCert(ctx, input.UserName, input.CertificateId);
  s.signingCerts.delete(c.CertificateId);
  s.idx.signingCerts.remove(c.owner, c.CertificateId);
}

export function listSigningCertificates(ctx: RequestContext, input: In<'ListSigningCertificates'>): Out<'ListSigningCertificates'> {
  const s = st(ctx);
  const { owner, user } = implicitOwner(ctx, s, input.UserName);
  const certs = [...s.idx.signingCerts.get(owner)].map((id) => s.signingCerts.get(id)!).filter(Boolean).sort((a, b) => a.UploadDate - b.UploadDate);
  return pageOf(ctx, input, certs, undefined, (c) => clean({
    UserName: owner === ROOT ? undefined : user?.UserName, CertificateId: c.CertificateId, CertificateBody: c.CertificateBody, Status: c.Status, UploadDate: c.UploadDate,
  }));
}

