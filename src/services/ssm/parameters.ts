// SSM Parameter Store: String, StringList and SecureString parameters (SecureString values are
// encrypted by KMS, in-process, with alias/aws/ssm or the given key, bound to the parameter ARN
// as encryption context), versions, labels, selectors (name:3, name:label), hierarchies,
// GetParametersByPath, DescribeParameters filters, tiers, Expiration policies on the clock.
import { ServiceError, notImplemented } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { callService } from '../../core/internal-client.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/ssm.js';
import { denyForeignWrite, foreignOwner, sharedParams } from './sharing.js';
import { armExpiration, clearExpiration, current, onParameterGone, ssmState, type ParamRec, type PolicyRec, type VersionRec } from './state.js';

const STANDARD_MAX = 4096;
const ADVANCED_MAX = 8192;
const MAX_VERSIONS = 100;
const DEFAULT_KEY = 'alias/aws/ssm';

const validation = (m: string) => new ServiceError('ValidationException', m);
const rec = (x: object) => x as Record<string, unknown>;
const invalidToken = () => new ServiceError('InvalidNextToken', 'The specified token is not valid.');

export const paramArn = (ctx: RequestContext, name: string) =>
  `arn:aws:ssm:${ctx.region}:${ctx.accountId}:parameter/${name.startsWith('/') ? name.slice(1) : name}`;

// ---- names and selectors ----

const NAME_RULES = 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';

function checkName(name: string): void {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (/^(aws|ssm)/i.test(bare) || !/^[a-zA-Z0-9_.\-/]+$/.test(name) || name.endsWith('/') || name.includes('//')) throw validation(NAME_RULES);
  if (name.includes('/') && !name.startsWith('/')) throw validation('Parameter name must be a fully qualified name.');
  if (name.split('/').filter(Boolean).length > 15) {
    throw new ServiceError('HierarchyLevelLimitExceededException', 'A hierarchy can have a maximum of 15 levels. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html');
  }
}

/** A parameter reference (name or ARN, optionally with :version or :label) resolved to a name. */
function parseRef(ctx: RequestContext, ref: string): { name: string; selector?: string } {
  let rest = ref;
  let arn = false;
  if (ref.startsWith('arn:')) {
    const m = /^arn:aws[a-z-]*:ssm:([^:]*):(\d{12}):parameter\/(.+)$/.exec(ref);
    if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) return { name: ref };
    rest = m[3];
    arn = true;
  }
  let selector: string | undefined;
  const i = rest.lastIndexOf(':');
  if (i >= 0) { selector = rest.slice(i + 1); rest = rest.slice(0, i); }
  if (arn) {
    // parameter/foo is the ARN of "foo" and of "/foo"; /a/b always has its slash.
    const s = ssmState(ctx);
    rest = rest.includes('/') || s.params.has('/' + rest) ? '/' + rest : rest;
  }
  return { name: rest, selector };
}

const notFound = (name: string, op?: string) =>
  // GetParameter/GetParameters answer ParameterNotFound with no message; the others name it.
  new ServiceError('ParameterNotFound', op === 'GetParameter' ? '' : `Parameter ${name} not found.`);

const versionNotFound = (name: string, sel: string) =>
  new ServiceError('ParameterVersionNotFound', /^\d+$/.test(sel)
    ? `Systems Manager could not find version ${sel} of ${name}. Verify the version and try again.`
    : `Systems Manager could not find label ${sel} of ${name}. Verify the label and try again.`);

function lookup(ctx: RequestContext, ref: string, op?: string): { p: ParamRec; v: VersionRec; selector?: string } {
  const { name, selector } = parseRef(ctx, ref);
  const p = ssmState(ctx).params.get(name);
  if (!p) throw notFound(name, op);
  if (selector === undefined) return { p, v: current(p) };
  const v = /^\d+$/.test(selector) ? p.versions.find((x) => x.version === Number(selector)) : p.versions.find((x) => x.labels.includes(selector));
  if (!v) throw versionNotFound(name, selector);
  return { p, v, selector: `:${selector}` };
}

// ---- KMS ----

async function encryptValue(ctx: RequestContext, name: string, keyId: string, value: string): Promise<string> {
  try {
    const r = await callService<{ CiphertextBlob: Buffer }>(ctx, 'kms', 'Encrypt', {
      KeyId: keyId, Plaintext: Buffer.from(value, 'utf8'), EncryptionContext: { PARAMETER_ARN: paramArn(ctx, name) },
    });
    return Buffer.from(r.CiphertextBlob).toString('base64');
  } catch (e) {
    if (e instanceof ServiceError && (e.code === 'NotFoundException' || e.code === 'InvalidKeyUsageException')) {
      throw new ServiceError('InvalidKeyId', `${keyId} is not a valid KeyId.`);
    }
    throw e;
  }
}

async function decryptValue(ctx: RequestContext, name: string, value: string): Promise<string> {
  const r = await callService<{ Plaintext: Buffer }>(ctx, 'kms', 'Decrypt', {
    CiphertextBlob: Buffer.from(value, 'base64'), EncryptionContext: { PARAMETER_ARN: paramArn(ctx, name) },
  });
  return Buffer.from(r.Plaintext).toString('utf8');
}

/** The value a reader sees: SecureString plaintext only with WithDecryption. */
async function valueOf(ctx: RequestContext, p: ParamRec, v: VersionRec, decrypt: boolean | undefined): Promise<string> {
  return v.type === 'SecureString' && decrypt ? decryptValue(ctx, p.name, v.value) : v.value;
}

// ---- policies ----

function parsePolicies(text: string): PolicyRec[] {
  let list: unknown;
  try { list = JSON.parse(text); } catch { throw new ServiceError('InvalidPolicyAttributeException', 'The policy is not valid JSON.'); }
  if (!Array.isArray(list)) throw new ServiceError('InvalidPolicyAttributeException', 'Parameter policies must be a JSON array.');
  if (list.length > 10) throw new ServiceError('PoliciesLimitExceededException', 'You specified more than the maximum number of allowed policies for the parameter. The maximum is 10.');
  const seen = new Set<string>();
  return list.map((raw) => {
    const x = raw as { Type?: string; Version?: string; Attributes?: Record<string, string> };
    const type = x?.Type;
    if (type !== 'Expiration' && type !== 'ExpirationNotification' && type !== 'NoChangeNotification') {
      throw new ServiceError('InvalidPolicyTypeException', 'The policy type is not supported. Parameter Store supports the following policy types: Expiration, ExpirationNotification, and NoChangeNotification.');
    }
    if (seen.has(type)) throw new ServiceError('IncompatiblePolicyException', `There is a conflict in the policies specified for this parameter. You can't, for example, specify two Expiration policies for a parameter.`);
    seen.add(type);
    const a = x.Attributes ?? {};
    const out: PolicyRec = { text: JSON.stringify(raw), type, status: 'Pending' };
    if (type === 'Expiration') {
      const at = Date.parse(a.Timestamp ?? '');
      if (!a.Timestamp || Number.isNaN(at)) throw new ServiceError('InvalidPolicyAttributeException', 'A policy attribute or its value is invalid. Expiration requires a Timestamp attribute.');
      if (at <= clock.now()) throw new ServiceError('InvalidPolicyAttributeException', 'A policy attribute or its value is invalid. The Expiration Timestamp must be in the future.');
      out.expiresAt = at;
    } else {
      const n = type === 'ExpirationNotification' ? a.Before : a.After;
      if (!n || !/^\d+$/.test(String(n)) || (a.Unit !== 'Days' && a.Unit !== 'Hours')) {
        throw new ServiceError('InvalidPolicyAttributeException', `A policy attribute or its value is invalid. ${type} requires ${type === 'ExpirationNotification' ? 'Before' : 'After'} and Unit (Days or Hours).`);
      }
    }
    return out;
  });
}

const policiesOut = (v: VersionRec): T.ParameterInlinePolicy[] =>
  v.policies.map((x) => ({ PolicyText: x.text, PolicyType: x.type, PolicyStatus: x.status }));

// ---- PutParameter ----

export async function putParameter(ctx: RequestContext, input: T.PutParameterRequest): Promise<T.PutParameterResult> {
  denyForeignWrite(ctx, input.Name, 'PutParameter');
  const name = input.Name;
  checkName(name);
  const s = ssmState(ctx);
  const existing = s.params.get(name);
  const prev = existing ? current(existing) : undefined;
  if (existing && !input.Overwrite) {
    throw new ServiceError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  }
  if (input.Overwrite && input.Tags?.length) {
    throw validation('Invalid parameter - Tags and Overwrite can\'t be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.');
  }
  const type = input.Type ?? prev?.type;
  if (!type) throw validation('A parameter type is required when you create a parameter.');
  if (!['String', 'StringList', 'SecureString'].includes(type)) throw new ServiceError('UnsupportedParameterType', `The parameter type ${type} is not supported.`);
  if (prev && type !== prev.type && name.includes('/')) {
    // AWS refuses to change the type of a parameter inside a hierarchy.
    throw new ServiceError('HierarchyTypeMismatchException', 'Parameter Store does not support changing a parameter type in a hierarchy. You must create a new, unique parameter.');
  }
  if (input.KeyId !== undefined && type !== 'SecureString') throw validation('KeyId is required for SecureString type parameter only.');
  const dataType = input.DataType ?? (prev?.type === type ? prev.dataType : undefined) ?? 'text';
  if (!['text', 'aws:ec2:image', 'aws:ssm:integration'].includes(dataType)) {
    throw validation(`The following data type is not supported: ${dataType} (Data type names are all lowercase.)`);
  }
  if (dataType === 'aws:ec2:image' && (type !== 'String' || !/^ami-[0-9a-f]{8,17}$/.test(input.Value))) {
    throw validation(`Parameter value, ${input.Value}, is not a valid AMI ID for data type aws:ec2:image.`);
  }
  const allowedPattern = input.AllowedPattern ?? prev?.allowedPattern;
  if (allowedPattern !== undefined) {
    let re: RegExp;
    try { re = new RegExp(allowedPattern); } catch { throw new ServiceError('InvalidAllowedPatternException', 'The request does not meet the regular expression requirement.'); }
    const m = re.exec(input.Value);
    if (!m || m[0] !== input.Value) {
      throw new ServiceError('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${allowedPattern}`);
    }
  }
  const policies = input.Policies !== undefined ? parsePolicies(input.Policies) : (prev?.policies ?? []);

  // Tier: Advanced stays Advanced; Intelligent-Tiering picks Advanced only when it must.
  const size = Buffer.byteLength(input.Value, 'utf8');
  let tier = input.Tier ?? (prev?.tier === 'Advanced' ? 'Advanced' : 'Standard');
  if (tier === 'Intelligent-Tiering') tier = prev?.tier === 'Advanced' || size > STANDARD_MAX || policies.length ? 'Advanced' : 'Standard';
  if (tier === 'Standard' && prev?.tier === 'Advanced') {
    throw validation('This parameter uses the advanced-parameter tier. You can\'t downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.');
  }
  if (tier === 'Standard' && size > STANDARD_MAX) {
    throw validation('Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html');
  }
  if (size > ADVANCED_MAX) throw validation('Advanced tier parameters support a maximum parameter value of 8192 characters.');
  if (tier === 'Standard' && policies.length) throw validation('Parameter policies are supported only for the advanced-parameter tier.');

  let versions = existing?.versions ?? [];
  if (versions.length >= MAX_VERSIONS) {
    const oldest = versions[0];
    if (oldest.labels.length) {
      throw new ServiceError('ParameterMaxVersionLimitExceeded', `You attempted to create a new version of ${name} by calling the PutParameter API with the overwrite flag. Version ${oldest.version}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`);
    }
    versions = versions.slice(1);
  }
  const keyId = type === 'SecureString' ? (input.KeyId ?? (prev?.type === 'SecureString' ? prev.keyId : undefined) ?? DEFAULT_KEY) : undefined;
  const value = type === 'SecureString' ? await encryptValue(ctx, name, keyId!, input.Value) : input.Value;
  const v: VersionRec = {
    version: (prev?.version ?? 0) + 1, value, type, keyId, description: input.Description ?? prev?.description,
    allowedPattern, tier, policies, dataType, labels: [], modified: clock.now(), user: ctx.caller.arn,
  };
  const tags = { ...(existing?.tags ?? {}) };
  for (const t of input.Tags ?? []) tags[t.Key] = t.Value;
  const p: ParamRec = { name, account: ctx.accountId, region: ctx.region, versions: [...versions, v], tags,
    ...(existing?.resourcePolicies ? { resourcePolicies: existing.resourcePolicies } : {}) };
  // Re-check: another PutParameter may have landed while KMS was called.
  const now = s.params.get(name);
  if (now !== existing) throw new ServiceError('TooManyUpdates', 'There are concurrent updates for a resource that supports one update at a time.');
  s.params.set(name, p);
  armExpiration(s, p);
  return { Version: v.version, Tier: tier };
}

// ---- reads ----

async function parameterOut(ctx: RequestContext, p: ParamRec, v: VersionRec, decrypt: boolean | undefined, selector?: string): Promise<T.Parameter> {
  return {
    Name: p.name, Type: v.type, Value: await valueOf(ctx, p, v, decrypt), Version: v.version,
    ...(selector ? { Selector: selector } : {}), LastModifiedDate: new Date(v.modified), ARN: paramArn(ctx, p.name), DataType: v.dataType,
  };
}

/**
 * A parameter by name or ARN; another account's parameter (by its full ARN) only when it is
 * shared with the caller, read in its owner's context (its ARN, its KMS key).
 */
async function resolve(ctx: RequestContext, ref: string, op: string) {
  const owner = await foreignOwner(ctx, ref, op);
  return { ...lookup(owner ?? ctx, ref, op), owner: owner ?? ctx };
}

export async function getParameter(ctx: RequestContext, input: T.GetParameterRequest): Promise<T.GetParameterResult> {
  const { p, v, selector, owner } = await resolve(ctx, input.Name, 'GetParameter');
  return { Parameter: await parameterOut(owner, p, v, input.WithDecryption, selector) };
}

export async function getParameters(ctx: RequestContext, input: T.GetParametersRequest): Promise<T.GetParametersResult> {
  const Parameters: T.Parameter[] = [];
  const InvalidParameters: string[] = [];
  for (const ref of [...new Set(input.Names)]) {
    let found;
    try { found = await resolve(ctx, ref, 'GetParameters'); } catch (e) {
      if (e instanceof ServiceError && (e.code === 'ParameterNotFound' || e.code === 'ParameterVersionNotFound')) { InvalidParameters.push(ref); continue; }
      throw e;
    }
    Parameters.push(await parameterOut(found.owner, found.p, found.v, input.WithDecryption, found.selector));
  }
  return { Parameters, InvalidParameters };
}

// ---- filters ----

type Filter = T.ParameterStringFilter;

const FILTER_OPTIONS: Record<string, string[]> = {
  Name: ['Equals', 'BeginsWith', 'Contains'], Type: ['Equals'], KeyId: ['Equals'], Path: ['OneLevel', 'Recursive'],
  Label: ['Equals'], Tier: ['Equals'], DataType: ['Equals'], tag: ['Equals'],
};

function checkFilters(filters: Filter[], allowed: string[]): void {
  for (const f of filters) {
    const key = f.Key.startsWith('tag:') ? 'tag' : f.Key;
    if (!allowed.includes(key)) {
      throw new ServiceError('InvalidFilterKey', `The following filter key is not valid: ${f.Key}. Valid filter keys include: [${allowed.map((k) => (k === 'tag' ? 'tag:*' : k)).join(', ')}].`);
    }
    if (f.Option !== undefined && !FILTER_OPTIONS[key].includes(f.Option)) {
      throw new ServiceError('InvalidFilterOption', `The following filter option is not valid: ${f.Option}. Valid options include: [${FILTER_OPTIONS[key].join(', ')}].`);
    }
    if (key !== 'tag' && !f.Values?.length) {
      throw new ServiceError('InvalidFilterValue', `The following filter values are missing : null for filter key ${f.Key}.`);
    }
  }
}

/** Under a path: children (one level) or every descendant (recursive). */
function underPath(name: string, path: string, recursive: boolean): boolean {
  const prefix = path === '/' ? '/' : path.replace(/\/$/, '') + '/';
  if (!name.startsWith(prefix)) return false;
  return recursive || !name.slice(prefix.length).includes('/');
}

/** Whether a parameter passes the filters; `Label` picks the labelled version (returned). */
function matches(p: ParamRec, filters: Filter[]): VersionRec | undefined {
  let v = current(p);
  for (const f of filters) {
    const vals = f.Values ?? [];
    const opt = f.Option ?? (f.Key === 'Path' ? 'OneLevel' : 'Equals');
    if (f.Key === 'Name') {
      const norm = (x: string) => (x.startsWith('/') ? x : '/' + x);
      const n = norm(p.name);
      if (!vals.some((x) => (opt === 'Equals' ? n === norm(x) : opt === 'BeginsWith' ? n.startsWith(norm(x)) : p.name.includes(x)))) return undefined;
    } else if (f.Key === 'Type') { if (!vals.includes(v.type)) return undefined; }
    else if (f.Key === 'KeyId') { if (!v.keyId || !vals.includes(v.keyId)) return undefined; }
    else if (f.Key === 'Tier') { if (!vals.includes(v.tier)) return undefined; }
    else if (f.Key === 'DataType') { if (!vals.includes(v.dataType)) return undefined; }
    else if (f.Key === 'Path') { if (!vals.some((x) => underPath(p.name, x, opt === 'Recursive'))) return undefined; }
    else if (f.Key === 'Label') {
      const lv = p.versions.find((x) => x.labels.some((l) => vals.includes(l)));
      if (!lv) return undefined;
      v = lv;
    } else if (f.Key.startsWith('tag:')) {
      const t = p.tags[f.Key.slice(4)];
      if (t === undefined || (vals.length && !vals.includes(t))) return undefined;
    }
  }
  return v;
}

const sortedParams = (ctx: RequestContext) => [...ssmState(ctx).params.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

export async function getParametersByPath(ctx: RequestContext, input: T.GetParametersByPathRequest): Promise<T.GetParametersByPathResult> {
  const path = input.Path;
  if (!path.startsWith('/')) throw validation(`The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/".`);
  if (path.split('/').filter(Boolean).length > 15) throw new ServiceError('HierarchyLevelLimitExceededException', 'A hierarchy can have a maximum of 15 levels.');
  const filters = input.ParameterFilters ?? [];
  checkFilters(filters, ['Type', 'KeyId', 'Label', 'tag']);
  const items: { p: ParamRec; v: VersionRec }[] = [];
  for (const p of sortedParams(ctx)) {
    if (!underPath(p.name, path, !!input.Recursive)) continue;
    const v = matches(p, filters);
    if (v) items.push({ p, v });
  }
  const out = page(ctx, rec(input), items, { key: (x) => x.p.name, defaultLimit: 10, maxLimit: 10, invalidToken });
  out.Parameters = await Promise.all((out.Parameters as typeof items).map((x) => parameterOut(ctx, x.p, x.v, input.WithDecryption)));
  return out as T.GetParametersByPathResult;
}

function metadata(ctx: RequestContext, p: ParamRec, v: VersionRec): T.ParameterMetadata {
  return {
    Name: p.name, ARN: paramArn(ctx, p.name), Type: v.type, ...(v.keyId ? { KeyId: v.keyId } : {}), LastModifiedDate: new Date(v.modified),
    LastModifiedUser: v.user, Description: v.description, AllowedPattern: v.allowedPattern, Version: v.version, Tier: v.tier,
    Policies: policiesOut(v), DataType: v.dataType,
  };
}

export async function describeParameters(ctx: RequestContext, input: T.DescribeParametersRequest): Promise<T.DescribeParametersResult> {
  if (input.Filters?.length && input.ParameterFilters?.length) throw validation('You can use either Filters or ParameterFilters in a single request.');
  // Legacy Filters: Name (begins with), Type, KeyId.
  const filters: Filter[] = (input.Filters ?? []).map((f) => ({ Key: f.Key, Values: f.Values, Option: f.Key === 'Name' ? 'BeginsWith' : 'Equals' }));
  filters.push(...(input.ParameterFilters ?? []));
  checkFilters(filters, ['Name', 'Type', 'KeyId', 'Path', 'Tier', 'DataType', 'Label', 'tag']);
  const items: T.ParameterMetadata[] = [];
  if (input.Shared) {
    // Parameters shared with the caller through standard RAM shares (a share created from a
    // PutResourcePolicy policy shows only once promoted: DescribeParameters, Shared).
    for (const { owner, p } of await sharedParams(ctx)) if (matches(p, filters)) items.push(metadata(owner, p, current(p)));
  } else {
    for (const p of sortedParams(ctx)) {
      // Label selects parameters; the metadata shown is the current version's.
      if (matches(p, filters)) items.push(metadata(ctx, p, current(p)));
    }
  }
  return page(ctx, rec(input), items, { key: (m) => m.Name!, defaultLimit: 50, maxLimit: 50, invalidToken }) as T.DescribeParametersResult;
}

export async function getParameterHistory(ctx: RequestContext, input: T.GetParameterHistoryRequest): Promise<T.GetParameterHistoryResult> {
  const owner = (await foreignOwner(ctx, input.Name, 'GetParameterHistory')) ?? ctx;
  ctx = { ...ctx, accountId: owner.accountId };
  const { name } = parseRef(ctx, input.Name);
  const p = ssmState(ctx).params.get(name);
  if (!p) throw notFound(name);
  const out = page(ctx, rec(input), p.versions, { key: (v) => String(v.version).padStart(10, '0'), defaultLimit: 50, maxLimit: 50, invalidToken });
  out.Parameters = await Promise.all((out.Parameters as VersionRec[]).map(async (v): Promise<T.ParameterHistory> => ({
    Name: p.name, Type: v.type, ...(v.keyId ? { KeyId: v.keyId } : {}), LastModifiedDate: new Date(v.modified), LastModifiedUser: v.user,
    Description: v.description, Value: await valueOf(ctx, p, v, input.WithDecryption), AllowedPattern: v.allowedPattern,
    Version: v.version, Labels: v.labels, Tier: v.tier, Policies: policiesOut(v), DataType: v.dataType,
  })));
  return out as T.GetParameterHistoryResult;
}

// ---- labels ----

function validLabel(l: string): boolean {
  return l.length >= 1 && l.length <= 100 && /^[a-zA-Z0-9_.-]+$/.test(l) && !/^(aws|ssm)/i.test(l) && !/^\d/.test(l);
}

export function labelParameterVersion(ctx: RequestContext, input: T.LabelParameterVersionRequest): T.LabelParameterVersionResult {
  denyForeignWrite(ctx, input.Name, 'LabelParameterVersion');
  const s = ssmState(ctx);
  const { name } = parseRef(ctx, input.Name);
  const p = s.params.get(name);
  if (!p) throw notFound(name);
  const v = input.ParameterVersion === undefined ? current(p) : p.versions.find((x) => x.version === input.ParameterVersion);
  if (!v) throw versionNotFound(name, String(input.ParameterVersion));
  const InvalidLabels = input.Labels.filter((l) => !validLabel(l));
  const good = input.Labels.filter(validLabel);
  const after = new Set([...v.labels, ...good]);
  if (after.size > 10) {
    throw new ServiceError('ParameterVersionLabelLimitExceeded', 'A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.');
  }
  for (const l of good) {
    // A label lives on one version at a time: it moves.
    for (const o of p.versions) if (o !== v) o.labels = o.labels.filter((x) => x !== l);
  }
  v.labels = [...after];
  s.params.set(p.name, p);
  return { InvalidLabels, ParameterVersion: v.version };
}

export function unlabelParameterVersion(ctx: RequestContext, input: T.UnlabelParameterVersionRequest): T.UnlabelParameterVersionResult {
  denyForeignWrite(ctx, input.Name, 'UnlabelParameterVersion');
  const s = ssmState(ctx);
  const { name } = parseRef(ctx, input.Name);
  const p = s.params.get(name);
  if (!p) throw notFound(name);
  const v = p.versions.find((x) => x.version === input.ParameterVersion);
  if (!v) throw versionNotFound(name, String(input.ParameterVersion));
  const RemovedLabels = input.Labels.filter((l) => v.labels.includes(l));
  const InvalidLabels = input.Labels.filter((l) => !v.labels.includes(l));
  v.labels = v.labels.filter((l) => !RemovedLabels.includes(l));
  s.params.set(p.name, p);
  return { RemovedLabels, InvalidLabels };
}

// ---- deletes ----

export function deleteParameter(ctx: RequestContext, input: T.DeleteParameterRequest): T.DeleteParameterResult {
  denyForeignWrite(ctx, input.Name, 'DeleteParameter');
  const s = ssmState(ctx);
  const p = s.params.get(input.Name);
  if (!p) throw notFound(input.Name);
  clearExpiration(p);
  s.params.delete(input.Name);
  onParameterGone(p);
  return {};
}

export function deleteParameters(ctx: RequestContext, input: T.DeleteParametersRequest): T.DeleteParametersResult {
  const s = ssmState(ctx);
  const DeletedParameters: string[] = [];
  const InvalidParameters: string[] = [];
  for (const name of input.Names) denyForeignWrite(ctx, name, 'DeleteParameters');
  for (const name of input.Names) {
    const p = s.params.get(name);
    if (!p) { InvalidParameters.push(name); continue; }
    clearExpiration(p);
    s.params.delete(name);
    onParameterGone(p);
    DeletedParameters.push(name);
  }
  return { DeletedParameters, InvalidParameters };
}

// ---- tags (Parameter resources; other resource types belong to SSM features not built yet) ----

function taggedParam(ctx: RequestContext, type: string, id: string): ParamRec {
  denyForeignWrite(ctx, id, ctx.operation);
  if (type !== 'Parameter') throw notImplemented('ssm', `${ctx.operation} for ResourceType ${type}`);
  const p = ssmState(ctx).params.get(parseRef(ctx, id).name);
  if (!p) throw new ServiceError('InvalidResourceId', 'The resource ID is not valid. Verify the ID and try again.');
  return p;
}

export function addTagsToResource(ctx: RequestContext, input: T.AddTagsToResourceRequest): T.AddTagsToResourceResult {
  const p = taggedParam(ctx, input.ResourceType, input.ResourceId);
  const tags = { ...p.tags };
  for (const t of input.Tags) tags[t.Key] = t.Value;
  if (Object.keys(tags).length > 50) throw new ServiceError('TooManyTagsError', 'The Targets parameter includes too many tags. Remove one or more tags and try the command again.');
  p.tags = tags;
  ssmState(ctx).params.set(p.name, p);
  return {};
}

export function removeTagsFromResource(ctx: RequestContext, input: T.RemoveTagsFromResourceRequest): T.RemoveTagsFromResourceResult {
  const p = taggedParam(ctx, input.ResourceType, input.ResourceId);
  for (const k of input.TagKeys) delete p.tags[k];
  ssmState(ctx).params.set(p.name, p);
  return {};
}

export function listTagsForResource(ctx: RequestContext, input: T.ListTagsForResourceRequest): T.ListTagsForResourceResult {
  const p = taggedParam(ctx, input.ResourceType, input.ResourceId);
  return { TagList: Object.keys(p.tags).sort().map((Key) => ({ Key, Value: p.tags[Key] })) };
}
