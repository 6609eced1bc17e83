// Evaluating a role's trust policy (AssumeRolePolicyDocument) for a caller: an explicit Deny
// wins, else some Allow statement must match the action, the principal and the conditions.
// See "IAM JSON policy elements: Principal" and "Condition operators" in the IAM User Guide.
import type { Credential } from '../../core/identity.js';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export type TrustContext = Record<string, string | undefined>;

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM wildcards: `*` any run, `?` one character; case-insensitive for actions. */
function like(pattern: string, value: string, ci = false): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', ci ? 'i' : '');
  return re.test(value);
}

function actionMatches(s: Statement, action: string): boolean {
  if (s.NotAction !== undefined) return !list(s.NotAction).some((a) => like(a, action, true));
  return list(s.Action).some((a) => like(a, action, true));
}

/** The role ARN behind an assumed-role session: arn:aws:sts::A:assumed-role/R/S -> arn:aws:iam::A:role/R. */
function roleArnOf(c: Credential): string | undefined {
  const m = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(c.arn);
  return m ? `arn:aws:iam::${m[1]}:role/${m[2]}` : undefined;
}

/** Who asks: an AWS principal (a credential), or an identity provider's user (web identity). */
export type TrustCaller = Credential | { federated: string };

function principalMatches(p: Statement['Principal'], who: TrustCaller): boolean {
  if (p === '*') return true;
  if (!p || typeof p !== 'object') return false;
  if ('federated' in who) return list(p.Federated).includes(who.federated);
  const caller = who;
  for (const entry of list(p.AWS)) {
    if (entry === '*') return true;
    // An account id or the account's root ARN trusts every principal of that account.
    if (entry === caller.accountId || entry === `arn:aws:iam::${caller.accountId}:root`) return true;
    if (entry === caller.arn) return true;
    const role = roleArnOf(caller);
    if (role && (entry === role || like(entry, role))) return true;
  }
  return false;
}

function conditionHolds(cond: Statement['Condition'], ctx: TrustContext): boolean {
  for (const [rawOp, entries] of Object.entries(cond ?? {})) {
    const ifExists = rawOp.endsWith('IfExists');
    const op = ifExists ? rawOp.slice(0, -8) : rawOp;
    for (const [rawKey, expected] of Object.entries(entries)) {
      const key = Object.keys(ctx).find((k) => k.toLowerCase() === rawKey.toLowerCase());
      const actual = key === undefined ? undefined : ctx[key];
      const wants = list(expected as string | string[]).map(String);
      if (op === 'Null') { if ((actual === undefined) !== (wants[0] === 'true')) return false; continue; }
      if (actual === undefined) { if (ifExists) continue; if (op.startsWith('StringNot') || op.startsWith('ArnNot')) continue; return false; }
      let ok: boolean;
      switch (op) {
        case 'StringEquals': case 'ArnEquals': ok = wants.includes(actual); break;
        case 'StringEqualsIgnoreCase': ok = wants.some((w) => w.toLowerCase() === actual.toLowerCase()); break;
        case 'StringNotEquals': case 'ArnNotEquals': ok = !wants.includes(actual); break;
        case 'StringLike': case 'ArnLike': ok = wants.some((w) => like(w, actual)); break;
        case 'StringNotLike': case 'ArnNotLike': ok = !wants.some((w) => like(w, actual)); break;
        case 'Bool': ok = wants.includes(actual.toLowerCase()); break;
        default: return false; // an operator we do not evaluate never grants access
      }
      if (!ok) return false;
    }
  }
  return true;
}

/** Whether the trust policy lets `caller` perform `action` on the role. */
export function trustAllows(document: string, caller: TrustCaller, action: string, ctx: TrustContext): boolean {
  let doc: { Statement?: Statement | Statement[] };
  try { doc = JSON.parse(document); } catch { return false; }
  let allowed = false;
  for (const s of list(doc.Statement)) {
    if (!actionMatches(s, action)) continue;
    const principal = s.NotPrincipal ? !principalMatches(s.NotPrincipal, caller) : principalMatches(s.Principal, caller);
    if (!principal || !conditionHolds(s.Condition, ctx)) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed;
}
