// Temporary credentials as STS issues them: ASIA… key ids, 40-character secrets, an opaque
// session token, and an expiry on the virtual clock.
import { randomBytes } from 'node:crypto';
import { iamId, secretKey } from '../../core/ids.js';
import { clock } from '../../core/clock-instance.js';
import { registerCredential, type Credential } from '../../core/identity.js';

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

/** Issues and registers temporary credentials for `who`, valid `seconds` from now. */
export function issue(who: Omit<Credential, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiresAt' | 'owner'>,
  seconds: number): IssuedCredentials {
  const AccessKeyId = iamId('ASIA').slice(0, 20);
  const SecretAccessKey = secretKey();
  // Real session tokens are long opaque base64 strings; clients only pass them back.
  const SessionToken = 'FwoGZXIvYXdzE' + randomBytes(180).toString('base64');
  const expiresAt = clock.now() + seconds * 1000;
  registerCredential({ ...who, accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiresAt, owner: 'sts' });
  // AWS reports expirations to the second.
  return { AccessKeyId, SecretAccessKey, SessionToken, Expiration: new Date(Math.floor(expiresAt / 1000) * 1000) };
}

export const isTemporary = (c: Credential): boolean => c.kind === 'assumed-role' || c.kind === 'session' || c.kind === 'federated';

/**
 * PackedPolicySize: the share (percent) of the packed session-policy quota a request's
 * session policy, policy ARNs and tags take; only reported when the request has any.
 * Nimbus approximates AWS's compression with the plain size against a 2,048-byte quota.
 */
export function packedPolicySize(input: { Policy?: string; PolicyArns?: unknown[]; Tags?: unknown[] }): { PackedPolicySize?: number } {
  if (!input.Policy && !input.PolicyArns?.length && !input.Tags?.length) return {};
  const bytes = (input.Policy?.length ?? 0) + JSON.stringify(input.Tags ?? []).length + 50 * (input.PolicyArns?.length ?? 0);
  return { PackedPolicySize: Math.min(100, Math.ceil(bytes / 20.48)) };
}
