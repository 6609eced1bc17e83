// Message signatures ("Verifying the signatures of Amazon SNS messages", Developer Guide): every
// notification and confirmation is signed with an RSA key whose self-signed X.509 certificate is
// served at SigningCertURL. SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, over the
// canonical string: "Name\nValue\n" for each signed field in byte order of names, those present.
// The key is made once per Nimbus data lifetime and kept in state, so messages signed before a
// restart (with --data-dir) still verify after it.
import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { clock } from '../../core/clock-instance.js';
import { st } from './common.js';
import type { KeyRec } from './state.js';

/** The key lives in a scope of its own, not tied to any account. */
const KEY_SCOPE = { accountId: 'nimbus', region: 'global' };

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const CONFIRMATION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];

let cached: { rec: KeyRec; scopeState: unknown } | undefined;

export function signingKey(): KeyRec {
  const s = st(KEY_SCOPE);
  if (cached && cached.scopeState === s) return cached.rec;
  let rec = s.keys.get('signing');
  if (!rec) rec = s.keys.set('signing', makeKey());
  cached = { rec, scopeState: s };
  return rec;
}

function makeKey(): KeyRec {
  // The key pair from node:crypto (fast, native); the certificate from node-forge.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01' + createHash('sha1').update(pem).digest('hex').slice(0, 16);
  const now = new Date(clock.now());
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const subject = [{ name: 'commonName', value: 'sns.amazonaws.com' }, { name: 'organizationName', value: 'Nimbus' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(forge.pki.privateKeyFromPem(pem), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  // AWS names its certificates SimpleNotificationService-<32 hex>.pem.
  const id = createHash('md5').update(certPem).digest('hex');
  return { privateKey: pem, cert: certPem, id };
}

export const certFileName = (k: KeyRec): string => `SimpleNotificationService-${k.id}.pem`;

/** The string AWS signs for a message of this Type. */
export function canonicalString(m: Record<string, unknown>): string {
  const fields = m.Type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let s = '';
  for (const f of fields) {
    const v = m[f];
    if (v === undefined || v === null) continue;
    s += `${f}\n${v}\n`;
  }
  return s;
}

/** Signs a message object in place: SignatureVersion, Signature, SigningCertURL. */
export function sign(m: Record<string, unknown>, version: '1' | '2', endpoint: string): void {
  const k = signingKey();
  const signer = createSign(version === '2' ? 'RSA-SHA256' : 'RSA-SHA1');
  signer.update(canonicalString(m), 'utf8');
  m.SignatureVersion = version;
  m.Signature = signer.sign(k.privateKey, 'base64');
  m.SigningCertURL = `${endpoint}/_nimbus/sns/${certFileName(k)}`;
}
