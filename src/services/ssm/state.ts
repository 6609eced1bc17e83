// SSM Parameter Store state: parameters with every version (up to 100), labels, tags and
// policies, per account and region. SecureString values are stored as the base64 KMS
// ciphertext (never the plaintext). Expiration policies run on the clock; timers are rebuilt
// after a restart.
import { clock } from '../../core/clock-instance.js';
import type { Timer } from '../../core/clock.js';
import { callService, serviceContext } from '../../core/internal-client.js';
import { defineState, onReset, type Collection } from '../../core/state.js';

export interface PolicyRec { text: string; type: string; status: string; expiresAt?: number }

export interface VersionRec {
  version: number;
  /** The value; for SecureString, base64 of the KMS ciphertext blob. */
  value: string;
  type: string;
  keyId?: string;
  description?: string;
  allowedPattern?: string;
  tier: string;
  policies: PolicyRec[];
  dataType: string;
  labels: string[];
  modified: number;
  user: string;
}

export interface ParamRec {
  name: string;
  account: string;
  region: string;
  /** Versions still kept, oldest first; the last is current. */
  versions: VersionRec[];
  tags: Record<string, string>;
  /** Resource policies sharing the parameter (PutResourcePolicy); each has a RAM share. */
  resourcePolicies?: ResourcePolicyRec[];
}

export interface ResourcePolicyRec { id: string; hash: string; policy: string; shareArn: string }

export interface SsmState { params: Collection<ParamRec> }

const timers = new Map<string, Timer>();
const timerKey = (p: { account: string; region: string; name: string }) => `${p.account}/${p.region}/${p.name}`;

export const ssmState = defineState<SsmState>({
  service: 'ssm',
  create: (c) => ({ params: c.collection<ParamRec>('params') }),
  rebuild(s) { for (const p of s.params.values()) armExpiration(s, p); },
});

onReset((service) => {
  if (service && service !== 'ssm') return;
  for (const t of timers.values()) t.cancel();
  timers.clear();
});

export const current = (p: ParamRec): VersionRec => p.versions[p.versions.length - 1];

/** Arms (or clears) the timer that deletes a parameter when its Expiration policy falls due. */
export function armExpiration(s: SsmState, p: ParamRec): void {
  const k = timerKey(p);
  timers.get(k)?.cancel();
  timers.delete(k);
  const exp = current(p).policies.find((x) => x.type === 'Expiration')?.expiresAt;
  if (exp === undefined) return;
  const version = current(p).version;
  timers.set(k, clock.schedule(exp, () => {
    timers.delete(k);
    const cur = s.params.get(p.name);
    // Only if the parameter still is the version that carried the policy.
    if (cur && current(cur).version === version) {
      s.params.delete(p.name);
      onParameterGone(p);
    }
  }));
}

/** Tells RAM a parameter is gone, so it leaves every share (a new one of the same name is not shared). */
export function onParameterGone(p: { account: string; region: string; name: string }): void {
  const scope = { accountId: p.account, region: p.region };
  const arn = `arn:aws:ssm:${p.region}:${p.account}:parameter/${p.name.startsWith('/') ? p.name.slice(1) : p.name}`;
  void callService(serviceContext('ssm', scope), 'ram', 'ResourceDeleted', { resourceArn: arn }, scope).catch(() => undefined);
}

export function clearExpiration(p: { account: string; region: string; name: string }): void {
  const k = timerKey(p);
  timers.get(k)?.cancel();
  timers.delete(k);
}
