// Resource shares: create (with clientToken idempotency), read for the owner (SELF) and for the
// accounts they are shared with (OTHER-ACCOUNTS), update, delete, associate and disassociate
// principals and resources, the association list, tags, and promotion of shares that an SSM
// resource policy created.
//
// Nimbus has no AWS Organizations, so every account principal is outside the owner's
// organization: it gets an invitation, and the share reaches it only once it accepts
// (RAM User Guide, "Sharing with AWS accounts outside your organization"). Organization and OU
// principals are recorded (ASSOCIATED) but match no account.
import { createHash } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { callService } from '../../core/internal-client.js';
import { uuid } from '../../core/ids.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/ram.js';
import { CHECKED_BY, defaultPermissionFor, isArn, permissionByArn, permissionArn, resourceTypeOf, accountOfArn } from './catalog.js';
import { indexShare, ram, unindexResource, type AssocRec, type RamState, type ShareRec } from './state.js';

const rec = (x: object) => x as Record<string, unknown>;
export const invalidToken = () => new ServiceError('InvalidNextTokenException', 'The specified value for NextToken is not valid.');
export const invalidParam = (m: string) => new ServiceError('InvalidParameterException', m);

export const shareArnOf = (ctx: RequestContext) => `arn:aws:ram:${ctx.region}:${ctx.accountId}:resource-share/${uuid()}`;

export function shareOut(sh: ShareRec): T.ResourceShare {
  return {
    resourceShareArn: sh.arn, name: sh.name, owningAccountId: sh.owner, allowExternalPrincipals: sh.allowExternalPrincipals,
    status: sh.status, tags: sh.tags.map((t) => ({ ...t })), creationTime: new Date(sh.created), lastUpdatedTime: new Date(sh.updated),
    featureSet: sh.featureSet,
  };
}

function checkShareArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share\/[0-9a-f-]+$/.test(arn)) {
    throw new ServiceError('MalformedArnException', `The format of the ARN ${arn} is not valid.`);
  }
}

/** A share the caller owns (the only kind it may change). */
export function ownedShare(ctx: RequestContext, arn: string): ShareRec {
  checkShareArn(arn);
  const sh = ram(ctx).shares.get(arn);
  if (!sh || sh.owner !== ctx.accountId) throw new ServiceError('UnknownResourceException', `ResourceShare ${arn} could not be found.`);
  return sh;
}

function liveShare(ctx: RequestContext, arn: string): ShareRec {
  const sh = ownedShare(ctx, arn);
  if (sh.status === 'DELETED' || sh.status === 'DELETING') {
    throw new ServiceError('UnknownResourceException', `ResourceShare ${arn} could not be found.`);
  }
  return sh;
}

// ---- principals ----

type PrincipalKind = 'account' | 'iam' | 'organization' | 'ou';

function principalKind(ctx: RequestContext, p: string): PrincipalKind {
  if (/^\d{12}$/.test(p)) {
    if (p === ctx.accountId) throw invalidParam(`The resource share owner ${p} cannot be a principal of its own resource share.`);
    return 'account';
  }
  if (/^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/.test(p)) return 'organization';
  if (/^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(p)) return 'ou';
  if (/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/.test(p)) {
    if (accountOfArn(p) === ctx.accountId) throw invalidParam(`The resource share owner ${ctx.accountId} cannot share with its own principal ${p}.`);
    return 'iam';
  }
  throw new ServiceError('MalformedArnException', `The format of the principal ${p} is not valid.`);
}

/** The account a principal stands for (accounts and IAM users/roles); none for org/OU. */
export const principalAccount = (p: string): string | undefined =>
  /^\d{12}$/.test(p) ? p : p.startsWith('arn:') && p.split(':')[2] === 'iam' ? accountOfArn(p) : undefined;

/** Validates principals before anything is written (a bad one fails the whole request). */
function checkPrincipals(ctx: RequestContext, sh: { arn: string; allowExternalPrincipals: boolean }, principals: string[], viaPolicy: boolean): void {
  for (const p of principals) {
    const kind = principalKind(ctx, p);
    if ((kind === 'account' || kind === 'iam') && !sh.allowExternalPrincipals && !viaPolicy) {
      throw new ServiceError('OperationNotPermittedException',
        `The resource share ${sh.arn} has allowExternalPrincipals set to false and can't be shared with principal ${p}, which is outside your organization.`);
    }
  }
}

function addPrincipals(ctx: RequestContext, s: RamState, sh: ShareRec, principals: string[], now: number, viaPolicy: boolean): AssocRec[] {
  checkPrincipals(ctx, sh, principals, viaPolicy);
  const out: AssocRec[] = [];
  for (const p of principals) {
    const kind = principalKind(ctx, p);
    const external = kind === 'account' || kind === 'iam';
    const had = sh.principals.find((a) => a.entity === p && a.status !== 'DISASSOCIATED');
    if (had) { out.push(had); continue; }
    // Outside an organization a principal must accept an invitation first; a resource policy
    // grants access directly.
    const invite = external && !viaPolicy;
    const a: AssocRec = { entity: p, status: invite ? 'ASSOCIATING' : 'ASSOCIATED', created: now, updated: now, external };
    sh.principals = sh.principals.filter((x) => x.entity !== p);
    sh.principals.push(a);
    out.push(a);
    if (invite) {
      const arn = `arn:aws:ram:${sh.region}:${sh.owner}:resource-share-invitation/${uuid()}`;
      s.invitations.set(arn, { arn, shareArn: sh.arn, sender: sh.owner, receiver: principalAccount(p)!, status: 'PENDING', time: now,
        ...(kind === 'iam' ? { receiverArn: p } : {}) });
    }
  }
  return out;
}

// ---- resources ----

async function addResources(ctx: RequestContext, s: RamState, sh: ShareRec, arns: string[], now: number): Promise<AssocRec[]> {
  const checked: AssocRec[] = [];
  for (const arn of arns) {
    if (!isArn(arn)) throw new ServiceError('MalformedArnException', `The format of the resource ARN ${arn} is not valid.`);
    const type = resourceTypeOf(arn);
    if (!type) throw invalidParam(`Resource type of ${arn} is not supported for sharing.`);
    if (accountOfArn(arn) !== ctx.accountId || arn.split(':')[3] !== ctx.region) {
      throw new ServiceError('UnknownResourceException', `The resource ${arn} could not be found.`);
    }
    let failure: string | undefined;
    const owner = CHECKED_BY[type];
    if (owner) {
      // The owning service decides whether the resource exists and can be shared (for SSM:
      // the tier and the KMS key).
      const r = await callService<{ found: boolean; failure?: string }>(ctx, owner, 'ShareCheck', { resourceArn: arn });
      if (!r.found) throw new ServiceError('UnknownResourceException', `The resource ${arn} could not be found.`);
      failure = r.failure;
    }
    checked.push({ entity: arn, status: failure ? 'FAILED' : 'ASSOCIATED', ...(failure ? { statusMessage: failure } : {}),
      created: now, updated: now, resourceType: type });
  }
  const out: AssocRec[] = [];
  for (const a of checked) {
    const had = sh.resources.find((x) => x.entity === a.entity && x.status === 'ASSOCIATED');
    if (had) { out.push(had); continue; }
    sh.resources = sh.resources.filter((x) => x.entity !== a.entity);
    sh.resources.push(a);
    out.push(a);
  }
  indexShare(s, sh);
  return out;
}

function associationOut(sh: ShareRec, a: AssocRec, type: 'PRINCIPAL' | 'RESOURCE', status = a.status): T.ResourceShareAssociation {
  return {
    resourceShareArn: sh.arn, resourceShareName: sh.name, associatedEntity: a.entity, associationType: type, status,
    ...(a.statusMessage ? { statusMessage: a.statusMessage } : {}),
    creationTime: new Date(a.created), lastUpdatedTime: new Date(a.updated), external: type === 'PRINCIPAL' ? !!a.external : false,
  };
}

// ---- idempotency ----

function digest(input: Record<string, unknown>): string {
  const { clientToken: _t, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/** A repeated clientToken: the share it made, or a mismatch error; undefined when new. */
function replay(ctx: RequestContext, op: string, token: string | undefined, input: Record<string, unknown>): ShareRec | undefined {
  if (token === undefined) return undefined;
  const t = ram(ctx).tokens.get(`${ctx.accountId}/${op}/${token}`);
  if (!t) return undefined;
  if (t.digest !== digest(input)) {
    throw new ServiceError('IdempotentParameterMismatchException',
      `The client token input parameter ${token} matches one used with a previous invocation of the operation, but at least one of the other input parameters is different from the previous call to the operation.`);
  }
  return ram(ctx).shares.get(t.shareArn);
}

function remember(ctx: RequestContext, op: string, token: string | undefined, input: Record<string, unknown>, shareArn: string): void {
  if (token !== undefined) ram(ctx).tokens.set(`${ctx.accountId}/${op}/${token}`, { shareArn, digest: digest(input), op });
}

const clientToken = (t: string | undefined) => t ?? uuid();

function checkTags(tags: { key?: string; value?: string }[]): { key: string; value: string }[] {
  if (tags.length > 50) throw new ServiceError('TagLimitExceededException', 'The request would exceed the limit of 50 tags per resource.');
  return tags.map((t) => {
    if (!t.key) throw invalidParam('Tag keys must not be empty.');
    if (/^aws:/i.test(t.key)) throw new ServiceError('TagPolicyViolationException', 'Tag keys starting with aws: are reserved for AWS use.');
    return { key: t.key, value: t.value ?? '' };
  });
}

// ---- operations ----

export async function createResourceShare(ctx: RequestContext, input: T.CreateResourceShareRequest): Promise<T.CreateResourceShareResponse> {
  const prior = replay(ctx, 'Create', input.clientToken, rec(input));
  if (prior) return { resourceShare: shareOut(prior), clientToken: input.clientToken };
  const s = ram(ctx);
  const now = clock.now();
  const tags = checkTags(input.tags ?? []);
  for (const p of input.permissionArns ?? []) permissionByArn(p);
  const sh: ShareRec = {
    arn: shareArnOf(ctx), name: input.name, owner: ctx.accountId, region: ctx.region,
    allowExternalPrincipals: input.allowExternalPrincipals ?? true, status: 'ACTIVE', featureSet: 'STANDARD', tags,
    created: now, updated: now, principals: [], resources: [], permissionArns: [],
  };
  // Validate everything before anything is written: principals first (no side effects yet).
  checkPrincipals(ctx, sh, input.principals ?? [], false);
  await addResources(ctx, { ...s, byResource: new Map() }, sh, input.resourceArns ?? [], now);
  sh.permissionArns = permissionsFor(sh, input.permissionArns);
  addPrincipals(ctx, s, sh, input.principals ?? [], now, false);
  s.shares.set(sh.arn, sh);
  indexShare(s, sh);
  remember(ctx, 'Create', input.clientToken, rec(input), sh.arn);
  return { resourceShare: shareOut(sh), clientToken: clientToken(input.clientToken) };
}

function permissionsFor(sh: ShareRec, given: string[] | undefined): string[] {
  const have = new Set([...sh.permissionArns, ...(given ?? [])]);
  for (const r of sh.resources) {
    const byType = [...have].some((a) => permissionByArn(a).resourceType === r.resourceType);
    const d = defaultPermissionFor(r.resourceType!);
    if (!byType && d) have.add(permissionArn(d.name));
  }
  return [...have];
}

export function getResourceShares(ctx: RequestContext, input: T.GetResourceSharesRequest): T.GetResourceSharesResponse {
  for (const a of input.resourceShareArns ?? []) checkShareArn(a);
  if (input.permissionArn) permissionByArn(input.permissionArn);
  const wanted = input.resourceShareArns ? new Set(input.resourceShareArns) : undefined;
  const items: ShareRec[] = [];
  for (const sh of visibleShares(ctx, input.resourceOwner)) {
    if (wanted && !wanted.has(sh.arn)) continue;
    if (input.resourceShareStatus && sh.status !== input.resourceShareStatus) continue;
    if (input.name !== undefined && sh.name !== input.name) continue;
    if (input.permissionArn && !sh.permissionArns.includes(input.permissionArn)) continue;
    if (input.tagFilters?.length && !input.tagFilters.every((f) => sh.tags.some((t) => t.key === f.tagKey
      && (!f.tagValues?.length || f.tagValues.includes(t.value))))) continue;
    items.push(sh);
  }
  const out = page(ctx, rec(input), items, { defaultLimit: 500, maxLimit: 500, invalidToken });
  out.resourceShares = (out.resourceShares as ShareRec[]).map(shareOut);
  return out as T.GetResourceSharesResponse;
}

/** Whether `account` is an accepted principal of the share (directly or through an IAM principal). */
export const sharedWithAccount = (sh: ShareRec, account: string) =>
  sh.status === 'ACTIVE' && sh.principals.some((p) => p.status === 'ASSOCIATED' && principalAccount(p.entity) === account);

/** Shares the caller owns (SELF) or that reach it (OTHER-ACCOUNTS), in creation order. */
export function visibleShares(ctx: RequestContext, owner: string): ShareRec[] {
  if (owner !== 'SELF' && owner !== 'OTHER-ACCOUNTS') throw invalidParam(`Invalid resourceOwner ${owner}.`);
  const out: ShareRec[] = [];
  for (const sh of ram(ctx).shares.values()) {
    if (owner === 'SELF' ? sh.owner === ctx.accountId : sh.owner !== ctx.accountId && sharedWithAccount(sh, ctx.accountId)) out.push(sh);
  }
  return out;
}

export function updateResourceShare(ctx: RequestContext, input: T.UpdateResourceShareRequest): T.UpdateResourceShareResponse {
  const sh = liveShare(ctx, input.resourceShareArn);
  if (input.name !== undefined) sh.name = input.name;
  if (input.allowExternalPrincipals !== undefined) sh.allowExternalPrincipals = input.allowExternalPrincipals;
  sh.updated = clock.now();
  ram(ctx).shares.set(sh.arn, sh);
  return { resourceShare: shareOut(sh), clientToken: clientToken(input.clientToken) };
}

export function deleteResourceShare(ctx: RequestContext, input: T.DeleteResourceShareRequest): T.DeleteResourceShareResponse {
  const s = ram(ctx);
  const sh = liveShare(ctx, input.resourceShareArn);
  dropShare(s, sh);
  return { returnValue: true, clientToken: clientToken(input.clientToken) };
}

/** Marks a share DELETED and every association DISASSOCIATED (AWS keeps deleted shares listed a while). */
export function dropShare(s: RamState, sh: ShareRec): void {
  const now = clock.now();
  sh.status = 'DELETED';
  sh.updated = now;
  for (const a of [...sh.principals, ...sh.resources]) { a.status = 'DISASSOCIATED'; a.updated = now; }
  for (const r of sh.resources) unindexResource(s, sh.arn, r.entity);
  for (const inv of s.invitations.values()) {
    if (inv.shareArn === sh.arn && inv.status === 'PENDING') { inv.status = 'EXPIRED'; s.invitations.set(inv.arn, inv); }
  }
  s.shares.set(sh.arn, sh);
}

export async function associateResourceShare(ctx: RequestContext, input: T.AssociateResourceShareRequest): Promise<T.AssociateResourceShareResponse> {
  const s = ram(ctx);
  const sh = liveShare(ctx, input.resourceShareArn);
  if (!input.principals?.length && !input.resourceArns?.length && !input.sources?.length) {
    throw invalidParam('At least one of resourceArns, principals or sources must be specified.');
  }
  if (input.sources?.length) throw invalidParam('Source associations are only supported for service principals.');
  if (sh.featureSet !== 'STANDARD') {
    throw new ServiceError('OperationNotPermittedException', `The resource share ${sh.arn} was created from a resource-based policy; promote it to a standard resource share first.`);
  }
  const now = clock.now();
  checkPrincipals(ctx, sh, input.principals ?? [], false);
  const res = await addResources(ctx, s, sh, input.resourceArns ?? [], now);
  const prin = addPrincipals(ctx, s, sh, input.principals ?? [], now, false);
  sh.permissionArns = permissionsFor(sh, undefined);
  sh.updated = now;
  s.shares.set(sh.arn, sh);
  // A new association is reported ASSOCIATING; RAM completes it in the background.
  const fresh = (a: AssocRec) => (a.created === now && a.status !== 'FAILED' ? 'ASSOCIATING' : a.status);
  return {
    resourceShareAssociations: [...prin.map((a) => associationOut(sh, a, 'PRINCIPAL', fresh(a))), ...res.map((a) => associationOut(sh, a, 'RESOURCE', fresh(a)))],
    clientToken: clientToken(input.clientToken),
  };
}

export function disassociateResourceShare(ctx: RequestContext, input: T.DisassociateResourceShareRequest): T.DisassociateResourceShareResponse {
  const s = ram(ctx);
  const sh = liveShare(ctx, input.resourceShareArn);
  const now = clock.now();
  // Find every association first: one unknown entity fails the request with nothing changed.
  const principals = (input.principals ?? []).map((p) => {
    const a = sh.principals.find((x) => x.entity === p && x.status !== 'DISASSOCIATED');
    if (!a) throw new ServiceError('UnknownResourceException', `Principal ${p} is not associated with resource share ${sh.arn}.`);
    return a;
  });
  const resources = (input.resourceArns ?? []).map((r) => {
    if (!isArn(r)) throw new ServiceError('MalformedArnException', `The format of the resource ARN ${r} is not valid.`);
    const a = sh.resources.find((x) => x.entity === r && x.status !== 'DISASSOCIATED');
    if (!a) throw new ServiceError('UnknownResourceException', `Resource ${r} is not associated with resource share ${sh.arn}.`);
    return a;
  });
  for (const a of [...principals, ...resources]) { a.status = 'DISASSOCIATED'; a.updated = now; }
  for (const a of resources) unindexResource(s, sh.arn, a.entity);
  sh.updated = now;
  s.shares.set(sh.arn, sh);
  return {
    resourceShareAssociations: [...principals.map((a) => associationOut(sh, a, 'PRINCIPAL', 'DISASSOCIATING')),
      ...resources.map((a) => associationOut(sh, a, 'RESOURCE', 'DISASSOCIATING'))],
    clientToken: clientToken(input.clientToken),
  };
}

export function getResourceShareAssociations(ctx: RequestContext, input: T.GetResourceShareAssociationsRequest): T.GetResourceShareAssociationsResponse {
  const type = input.associationType;
  if (type !== 'PRINCIPAL' && type !== 'RESOURCE') throw invalidParam(`associationType ${type} is not supported.`);
  if (type === 'PRINCIPAL' && input.resourceArn) throw invalidParam('You cannot specify a resourceArn when associationType is PRINCIPAL.');
  if (type === 'RESOURCE' && input.principal) throw invalidParam('You cannot specify a principal when associationType is RESOURCE.');
  for (const a of input.resourceShareArns ?? []) checkShareArn(a);
  const wanted = input.resourceShareArns ? new Set(input.resourceShareArns) : undefined;
  const items: T.ResourceShareAssociation[] = [];
  for (const sh of visibleShares(ctx, 'SELF')) {
    if (wanted && !wanted.has(sh.arn)) continue;
    for (const a of type === 'PRINCIPAL' ? sh.principals : sh.resources) {
      if (input.principal && a.entity !== input.principal) continue;
      if (input.resourceArn && a.entity !== input.resourceArn) continue;
      if (input.associationStatus && a.status !== input.associationStatus) continue;
      items.push(associationOut(sh, a, type as "PRINCIPAL" | "RESOURCE"));
    }
  }
  return page(ctx, rec(input), items, { defaultLimit: 500, maxLimit: 500, invalidToken }) as T.GetResourceShareAssociationsResponse;
}

export function promoteResourceShareCreatedFromPolicy(ctx: RequestContext, input: T.PromoteResourceShareCreatedFromPolicyRequest): T.PromoteResourceShareCreatedFromPolicyResponse {
  const sh = liveShare(ctx, input.resourceShareArn);
  if (sh.featureSet !== 'CREATED_FROM_POLICY') {
    throw new ServiceError('OperationNotPermittedException', `The resource share ${sh.arn} was not created from a resource-based policy.`);
  }
  sh.featureSet = 'STANDARD';
  sh.updated = clock.now();
  ram(ctx).shares.set(sh.arn, sh);
  return { returnValue: true };
}

// ---- tags ----

export function tagResource(ctx: RequestContext, input: T.TagResourceRequest): T.TagResourceResponse {
  if (!input.resourceShareArn) throw invalidParam('resourceShareArn is required.');
  const sh = liveShare(ctx, input.resourceShareArn);
  const tags = new Map(sh.tags.map((t) => [t.key, t.value]));
  for (const t of checkTags(input.tags)) tags.set(t.key, t.value);
  sh.tags = checkTags([...tags].map(([key, value]) => ({ key, value })));
  ram(ctx).shares.set(sh.arn, sh);
  return {};
}

export function untagResource(ctx: RequestContext, input: T.UntagResourceRequest): T.UntagResourceResponse {
  if (!input.resourceShareArn) throw invalidParam('resourceShareArn is required.');
  const sh = liveShare(ctx, input.resourceShareArn);
  sh.tags = sh.tags.filter((t) => !input.tagKeys.includes(t.key));
  ram(ctx).shares.set(sh.arn, sh);
  return {};
}

// ---- shares made from an SSM resource policy (internal) ----

/** Creates or updates the share behind a resource policy: its principals become exactly `principals`. */
export function putPolicyShare(ctx: RequestContext, input: { resourceArn: string; principals: string[]; policyId: string; shareArn?: string }) {
  const s = ram(ctx);
  const now = clock.now();
  let sh = input.shareArn ? s.shares.get(input.shareArn) : undefined;
  if (!sh || sh.status !== 'ACTIVE') {
    sh = {
      arn: shareArnOf(ctx), name: `${input.policyId}`, owner: ctx.accountId, region: ctx.region, allowExternalPrincipals: true,
      status: 'ACTIVE', featureSet: 'CREATED_FROM_POLICY', tags: [], created: now, updated: now, principals: [],
      resources: [{ entity: input.resourceArn, status: 'ASSOCIATED', created: now, updated: now, resourceType: resourceTypeOf(input.resourceArn) }],
      permissionArns: [], policyId: input.policyId,
    };
    sh.permissionArns = permissionsFor(sh, undefined);
  }
  for (const p of sh.principals) if (!input.principals.includes(p.entity)) { p.status = 'DISASSOCIATED'; p.updated = now; }
  addPrincipals(ctx, s, sh, input.principals, now, true);
  sh.updated = now;
  s.shares.set(sh.arn, sh);
  indexShare(s, sh);
  return { resourceShareArn: sh.arn };
}

export function deletePolicyShare(ctx: RequestContext, input: { shareArn: string }) {
  const s = ram(ctx);
  const sh = s.shares.get(input.shareArn);
  if (sh && sh.owner === ctx.accountId && sh.status === 'ACTIVE') dropShare(s, sh);
  return {};
}

/** A resource was deleted by its service: it leaves every share (policy shares go with it). */
export function resourceDeleted(ctx: RequestContext, input: { resourceArn: string }) {
  const s = ram(ctx);
  const now = clock.now();
  for (const arn of [...(s.byResource.get(input.resourceArn) ?? [])]) {
    const sh = s.shares.get(arn);
    if (!sh || sh.owner !== ctx.accountId) continue;
    if (sh.featureSet !== 'STANDARD' && sh.policyId) { dropShare(s, sh); continue; }
    for (const a of sh.resources) if (a.entity === input.resourceArn) { a.status = 'DISASSOCIATED'; a.updated = now; }
    unindexResource(s, sh.arn, input.resourceArn);
    s.shares.set(sh.arn, sh);
  }
  return {};
}
