// Policy document validation, as IAM does it before storing a document. The checks and
// their wording follow the IAM policy grammar ("IAM JSON policy elements reference",
// "Grammar of the IAM JSON policy language") and the messages IAM answers with:
//   identity policies (inline and managed):
//     "Syntax errors in policy."                       – not JSON, unknown elements, wrong types
//     "Policy document must be version 2012-10-17 or greater." – managed policies only
//     "The policy failed legacy parsing"               – Effect not exactly Allow/Deny …
//     "Statement IDs (SID) in a single policy must be unique."
//     "Policy document should not specify a principal."
//     "Policy statement must contain actions." / "Policy statement must contain resources."
//   trust policies (AssumeRolePolicyDocument):
//     "This policy contains invalid Json", "Missing required field Principal",
//     "Has prohibited field Resource", "AssumeRole policy may only specify STS AssumeRole actions.",
//     "Invalid principal in policy: \"AWS\":\"…\""
// Where AWS's exact wording could not be confirmed, the comment at the check says so.
import { ServiceError } from '../../core/errors.js';

export type PolicyKind = 'inline' | 'managed' | 'trust';

const malformed = (message: string) => new ServiceError('MalformedPolicyDocument', message);

const TOP = new Set(['Version', 'Id', 'Statement']);
const STATEMENT = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
const VERSIONS = new Set(['2008-10-17', '2012-10-17']);
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: Json | undefined): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** string or list of strings (null entries are tolerated, as IAM's parser does). */
const stringOrList = (v: Json | undefined): boolean =>
  v === undefined || typeof v === 'string' || (Array.isArray(v) && v.every((x) => x === null || typeof x === 'string'));

class Syntax extends Error {}

function parse(doc: string): Obj {
  let v: Json;
  try { v = JSON.parse(doc) as Json; } catch { throw new Syntax(); }
  if (!isObj(v)) throw new Syntax();
  return v;
}

/** The statements, after the structural checks every kind of policy shares. */
function statementsOf(p: Obj): Obj[] {
  for (const k of Object.keys(p)) if (!TOP.has(k)) throw new Syntax();
  if (p.Version !== undefined && (typeof p.Version !== 'string' || !VERSIONS.has(p.Version))) throw new Syntax();
  if (p.Id !== undefined && typeof p.Id !== 'string') throw new Syntax();
  const raw = p.Statement;
  const list = isObj(raw) ? [raw] : Array.isArray(raw) ? raw : undefined;
  if (!list || !list.length) throw new Syntax();
  for (const s of list) {
    if (!isObj(s)) throw new Syntax();
    for (const k of Object.keys(s)) if (!STATEMENT.has(k)) throw new Syntax();
    if (s.Action !== undefined && s.NotAction !== undefined) throw new Syntax();
    if (s.Resource !== undefined && s.NotResource !== undefined) throw new Syntax();
    if (s.Principal !== undefined && s.NotPrincipal !== undefined) throw new Syntax();
    if (typeof s.Effect !== 'string' || !['allow', 'deny'].includes(s.Effect.toLowerCase())) throw new Syntax();
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) if (!stringOrList(s[k])) throw new Syntax();
    if (s.Sid !== undefined && typeof s.Sid !== 'string') throw new Syntax();
    if (s.Condition !== undefined) {
      if (!isObj(s.Condition)) throw new Syntax();
      for (const block of Object.values(s.Condition)) {
        if (!isObj(block)) throw new Syntax();
        for (const v of Object.values(block)) {
          const ok = (x: Json) => typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number';
          if (!(ok(v) || (Array.isArray(v) && v.every(ok)))) throw new Syntax();
        }
      }
    }
  }
  return list as Obj[];
}

function checkSids(statements: Obj[]): void {
  const seen = new Set<string>();
  for (const s of statements) {
    if (typeof s.Sid !== 'string' || s.Sid === '') continue;
    if (seen.has(s.Sid)) throw malformed('Statement IDs (SID) in a single policy must be unique.');
    seen.add(s.Sid);
  }
}

function checkEffects(statements: Obj[]): void {
  // The grammar is case-sensitive; "allow" passes the syntax check but not the legacy parser.
  for (const s of statements) if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed('The policy failed legacy parsing');
}

function checkActions(statements: Obj[]): void {
  for (const s of statements) {
    const key = s.Action !== undefined ? 'Action' : 'NotAction';
    const v = s[key];
    if (v === undefined || (Array.isArray(v) && !v.length)) throw malformed('Policy statement must contain actions.');
  }
  for (const s of statements) {
    for (const a of [...strings(s.Action), ...strings(s.NotAction)]) {
      const parts = a.split(':');
      if (parts.length === 1 && a !== '*') throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
      if (parts.length > 2) throw malformed('Actions/Condition can contain only one colon.');
      if (parts[0] !== '*' && /[^a-zA-Z0-9\-.]/.test(parts[0])) throw malformed(`Vendor ${parts[0]} is not valid`);
    }
  }
}

function checkResources(statements: Obj[]): void {
  for (const s of statements) {
    const key = s.Resource !== undefined ? 'Resource' : 'NotResource';
    const v = s[key];
    if (v === undefined || (Array.isArray(v) && !v.length)) throw malformed('Policy statement must contain resources.');
    for (const r of strings(v)) {
      if (r === '*') continue;
      const parts = r.split(':');
      if (parts.length < 2) throw malformed(`Resource ${r} must be in ARN format or "*".`);
      if (parts[0] === 'arn' && parts[1] !== '*' && !PARTITIONS.has(parts[1])) {
        const f = (i: number) => (parts[i] === undefined || parts[i] === '' ? '*' : parts[i]);
        throw malformed(`Partition "${parts[1]}" is not valid for resource "arn:${parts[1]}:${f(2)}:${f(3)}:${f(4)}:${parts.slice(5).join(':') || '*'}".`);
      }
      // IAM is global: its ARNs have no region ("IAM resource … cannot contain region information.").
      if (parts[0] === 'arn' && parts[2] === 'iam' && parts[3] !== undefined && parts[3] !== '') {
        throw malformed(`IAM resource ${r} cannot contain region information.`);
      }
    }
  }
}

/** Validates an identity-based policy (inline or managed). */
function identity(doc: string, kind: 'inline' | 'managed'): void {
  let statements: Obj[];
  let p: Obj;
  try { p = parse(doc); statements = statementsOf(p); } catch (e) {
    if (e instanceof Syntax) throw malformed('Syntax errors in policy.');
    throw e;
  }
  // Managed policies must use the current grammar; inline policies may still say 2008-10-17
  // or leave Version out ("IAM JSON policy elements: Version").
  if (kind === 'managed' && p.Version !== '2012-10-17') throw malformed('Policy document must be version 2012-10-17 or greater.');
  checkEffects(statements);
  checkResourcesFormatOnly(statements);
  checkSids(statements);
  if (statements.some((s) => s.Principal !== undefined || s.NotPrincipal !== undefined)) {
    throw malformed('Policy document should not specify a principal.');
  }
  checkActions(statements);
  checkResources(statements);
}

/** Resource format problems surface before the missing-actions check, as IAM orders them. */
function checkResourcesFormatOnly(statements: Obj[]): void {
  const withResources = statements.filter((s) => {
    const v = s.Resource ?? s.NotResource;
    return v !== undefined && !(Array.isArray(v) && !v.length);
  });
  checkResources(withResources);
}

const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|aws\.internal|amazon\.com)$/i;
const AWS_PRINCIPAL = /^(\*|\d{12}|arn:aws[\w-]*:iam::\d{12}:(root|user\/.+|role\/.+|federated-user\/.+)|arn:aws[\w-]*:sts::\d{12}:(assumed-role\/.+|federated-user\/.+)|[0-9a-f]{64})$/;

function checkPrincipal(p: Json | undefined): void {
  if (p === '*') return;
  const invalid = (k: string, v: string) => malformed(`Invalid principal in policy: "${k}":"${v}"`);
  if (!isObj(p)) throw malformed('Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!');
  const entries = Object.entries(p);
  if (!entries.length || entries.every(([, v]) => Array.isArray(v) && !v.length)) {
    throw malformed('Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!');
  }
  for (const [k, v] of entries) {
    if (!stringOrList(v)) throw malformed('Syntax errors in policy.');
    for (const x of strings(v)) {
      switch (k) {
        case 'AWS': if (!AWS_PRINCIPAL.test(x)) throw invalid(k, x); break;
        case 'Service': if (x !== '*' && !SERVICE_PRINCIPAL.test(x)) throw invalid(k, x); break;
        case 'Federated': if (!x) throw invalid(k, x); break;
        case 'CanonicalUser': if (!/^[0-9a-f]{64}$/.test(x)) throw invalid(k, x); break;
        default: throw invalid(k, x);
      }
    }
  }
}

/** Validates a role trust policy (CreateRole, UpdateAssumeRolePolicy). */
function trust(doc: string): void {
  let statements: Obj[];
  let p: Obj;
  try { p = parse(doc); } catch { throw malformed('This policy contains invalid Json'); }
  try { statements = statementsOf(p); } catch (e) {
    if (e instanceof Syntax) throw malformed('Syntax errors in policy.');
    throw e;
  }
  checkEffects(statements);
  checkSids(statements);
  for (const s of statements) {
    if (s.Resource !== undefined) throw malformed('Has prohibited field Resource');
    // Not confirmed against AWS; worded like its Resource check.
    if (s.NotResource !== undefined) throw malformed('Has prohibited field NotResource');
    if (s.Principal === undefined && s.NotPrincipal === undefined) throw malformed('Missing required field Principal');
    checkPrincipal(s.Principal ?? s.NotPrincipal);
    const actions = s.Action ?? s.NotAction;
    if (actions === undefined || (Array.isArray(actions) && !actions.length)) throw malformed('Missing required field Action');
    // Trust policies may only grant STS actions (sts:AssumeRole, …WithSAML, …WithWebIdentity,
    // sts:TagSession, sts:SetSourceIdentity, sts:SetContext); a bare "*" is refused too.
    for (const a of strings(actions)) {
      if (!/^sts:[A-Za-z*?]+$/i.test(a)) throw malformed('AssumeRole policy may only specify STS AssumeRole actions.');
    }
  }
}

export function validatePolicy(doc: string, kind: PolicyKind): void {
  if (kind === 'trust') trust(doc);
  else identity(doc, kind);
}

/** Size as IAM counts it against its quotas: characters, white space excluded. */
export const policySize = (doc: string): number => doc.replace(/\s/g, '').length;

/** The condition keys a policy uses (GetContextKeysForCustomPolicy), in first-seen order. */
export function contextKeys(doc: string): string[] {
  let p: Obj;
  let statements: Obj[];
  try { p = parse(doc); statements = statementsOf(p); } catch (e) {
    if (e instanceof Syntax) throw new ServiceError('InvalidInput', 'Syntax errors in policy.');
    throw e;
  }
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const s of statements) {
    if (!isObj(s.Condition)) continue;
    for (const block of Object.values(s.Condition)) {
      if (!isObj(block)) continue;
      for (const k of Object.keys(block)) {
        if (!seen.has(k.toLowerCase())) { seen.add(k.toLowerCase()); keys.push(k); }
      }
    }
  }
  return keys;
}
