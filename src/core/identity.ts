// Who is calling. The registry maps access key ids to the principal behind them; IAM adds
// long-term user keys, STS adds temporary credentials. The gateway reads it to pick the
// account, to verify signatures (--verify-signatures) and to reject expired tokens.
import { defineState, onReset } from './state.js';

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  accountId: string;
  /** ARN of the caller as GetCallerIdentity reports it. */
  arn: string;
  /** UserId as GetCallerIdentity reports it (AIDA… for users, AROA…:session for roles). */
  userId: string;
  kind: 'user' | 'assumed-role' | 'session' | 'federated' | 'root';
  /** The long-term user the temporary credentials came from, if any. */
  userName?: string;
  /** Expiry on the virtual clock (ms since epoch), for temporary credentials. */
  expiresAt?: number;
  /** Whether the credentials were issued after an MFA check (GetSessionToken with a code). */
  mfa?: boolean;
  active?: boolean;
  /** The service that issued the key: reset?service=iam forgets IAM's keys. */
  owner: 'iam' | 'sts';
}

/**
 * When and where each key last signed a request (GetAccessKeyLastUsed). Kept in memory only:
 * journalling every request would put a disk write on every call, and AWS itself reports
 * this with a delay and at coarse granularity.
 */
export interface KeyUse { date: number; service: string; region: string }
const lastUse = new Map<string, KeyUse>();
export function noteKeyUse(accessKeyId: string, use: KeyUse): void { lastUse.set(accessKeyId, use); }
export function keyLastUsed(accessKeyId: string): KeyUse | undefined { return lastUse.get(accessKeyId); }

// One global scope: access key ids are unique across accounts.
const identityState = defineState({
  service: 'identity',
  global: true,
  create: (c) => ({ keys: c.collection<Credential>('keys') }),
});
const keys = () => identityState({ accountId: '*', region: 'global' }).keys;

onReset((service) => {
  if (!service) { lastUse.clear(); return; } // a full reset already dropped the identity scope
  const k = keys();
  for (const [id, cred] of [...k.entries()]) if (cred.owner === service) k.delete(id);
});

export const DEFAULT_ACCOUNT = '000000000000';
export let defaultAccount = DEFAULT_ACCOUNT;
export function setDefaultAccount(a: string): void { defaultAccount = a; }

export function registerCredential(c: Credential): void { keys().set(c.accessKeyId, c); }
export function forgetCredential(accessKeyId: string): void { keys().delete(accessKeyId); }
export function findCredential(accessKeyId: string): Credential | undefined { return keys().get(accessKeyId); }
export function updateCredential(accessKeyId: string, patch: Partial<Credential>): void {
  const c = keys().get(accessKeyId);
  if (c) keys().set(accessKeyId, { ...c, ...patch });
}

/**
 * The secret a key signs with: a registered credential's; 'test' for the key 'test' and for
 * the 12-digit keys that select an account; undefined for a key Nimbus does not know.
 */
export function signingSecret(accessKeyId: string): string | undefined {
  return findCredential(accessKeyId)?.secretAccessKey ?? (accessKeyId === 'test' || /^\d{12}$/.test(accessKeyId) ? 'test' : undefined);
}

/** The identity of a key Nimbus never issued: the root of the account it selects. */
export function rootIdentity(accountId: string, accessKeyId: string): Credential {
  return { accessKeyId, secretAccessKey: accessKeyId === 'test' ? 'test' : '', accountId,
    arn: `arn:aws:iam::${accountId}:root`, userId: accountId, kind: 'root', owner: 'iam' };
}

/** A 12-digit access key id selects that account; a key we issued, its account; else the default. */
export function accountFor(accessKeyId: string | undefined): string {
  if (!accessKeyId) return defaultAccount;
  if (/^\d{12}$/.test(accessKeyId)) return accessKeyId;
  return findCredential(accessKeyId)?.accountId ?? defaultAccount;
}
