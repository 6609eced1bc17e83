// What is shared: ListResources and ListPrincipals (as owner, SELF, or as consumer,
// OTHER-ACCOUNTS), the shareable resource types, the AWS managed permissions, and the
// in-process questions other services ask ("is resource X shared with account Y?").
import { ServiceError } from '../../core/errors.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/ram.js';
import { PERMISSIONS, RESOURCE_TYPES, permissionByArn, permissionDetail, permissionSummary } from './catalog.js';
import { ram, type ShareRec } from './state.js';
import { invalidParam, invalidToken, ownedShare, principalAccount, sharedWithAccount, visibleShares } from './shares.js';

const rec = (x: object) => x as Record<string, unknown>;

/** ListResources answers an unknown type with InvalidResourceTypeException (its model lists it); the others with InvalidParameterException. */
function checkType(type: string | undefined, code = 'InvalidParameterException'): void {
  if (type !== undefined && !RESOURCE_TYPES.some((t) => t.resourceType === type)) {
    throw new ServiceError(code, `The specified resource type ${type} is not valid.`);
  }
}

function sharesFiltered(ctx: RequestContext, owner: string, shareArns: string[] | undefined): ShareRec[] {
  const wanted = shareArns ? new Set(shareArns) : undefined;
  return visibleShares(ctx, owner).filter((sh) => sh.status === 'ACTIVE' && (!wanted || wanted.has(sh.arn)));
}

export function listResources(ctx: RequestContext, input: T.ListResourcesRequest): T.ListResourcesResponse {
  checkType(input.resourceType, 'InvalidResourceTypeException');
  if (input.principal && input.resourceOwner === 'OTHER-ACCOUNTS') throw invalidParam('principal is only supported when resourceOwner is SELF.');
  const arns = input.resourceArns ? new Set(input.resourceArns) : undefined;
  const items: T.Resource[] = [];
  for (const sh of sharesFiltered(ctx, input.resourceOwner, input.resourceShareArns)) {
    if (input.principal && !sh.principals.some((p) => p.entity === input.principal && p.status !== 'DISASSOCIATED')) continue;
    for (const r of sh.resources) {
      if (r.status !== 'ASSOCIATED') continue;
      if (input.resourceType && r.resourceType !== input.resourceType) continue;
      if (arns && !arns.has(r.entity)) continue;
      items.push({ arn: r.entity, type: r.resourceType, resourceShareArn: sh.arn, status: 'AVAILABLE',
        creationTime: new Date(r.created), lastUpdatedTime: new Date(r.updated), resourceRegionScope: 'REGIONAL' });
    }
  }
  return page(ctx, rec(input), items, { defaultLimit: 500, maxLimit: 500, invalidToken }) as T.ListResourcesResponse;
}

export function listPrincipals(ctx: RequestContext, input: T.ListPrincipalsRequest): T.ListPrincipalsResponse {
  checkType(input.resourceType);
  const wanted = input.principals ? new Set(input.principals) : undefined;
  const items: T.Principal[] = [];
  for (const sh of sharesFiltered(ctx, input.resourceOwner, input.resourceShareArns)) {
    const live = sh.resources.filter((r) => r.status === 'ASSOCIATED');
    if (input.resourceArn && !live.some((r) => r.entity === input.resourceArn)) continue;
    if (input.resourceType && !live.some((r) => r.resourceType === input.resourceType)) continue;
    for (const p of sh.principals) {
      if (p.status === 'DISASSOCIATED' || p.status === 'FAILED') continue;
      // A consumer sees only itself among the principals of a share it received.
      if (input.resourceOwner === 'OTHER-ACCOUNTS' && principalAccount(p.entity) !== ctx.accountId) continue;
      if (wanted && !wanted.has(p.entity)) continue;
      items.push({ id: p.entity, resourceShareArn: sh.arn, creationTime: new Date(p.created), lastUpdatedTime: new Date(p.updated), external: !!p.external });
    }
  }
  return page(ctx, rec(input), items, { defaultLimit: 500, maxLimit: 500, invalidToken }) as T.ListPrincipalsResponse;
}

// ListResourceTypes, ListPermissions and ListResourceSharePermissions have no paginator in
// the model; the lists are short and returned whole.
export function listResourceTypes(_ctx: RequestContext, input: T.ListResourceTypesRequest): T.ListResourceTypesResponse {
  const scope = input.resourceRegionScope ?? 'ALL';
  return { resourceTypes: RESOURCE_TYPES.filter((t) => scope === 'ALL' || t.resourceRegionScope === scope).map((t) => ({ ...t })) };
}

export function listPermissions(_ctx: RequestContext, input: T.ListPermissionsRequest): T.ListPermissionsResponse {
  checkType(input.resourceType);
  if (input.permissionType === 'CUSTOMER_MANAGED') return { permissions: [] };
  return { permissions: PERMISSIONS.filter((p) => !input.resourceType || p.resourceType === input.resourceType).map(permissionSummary) };
}

export function getPermission(_ctx: RequestContext, input: T.GetPermissionRequest): T.GetPermissionResponse {
  const p = permissionByArn(input.permissionArn);
  if (input.permissionVersion !== undefined && input.permissionVersion !== 1) {
    throw new ServiceError('InvalidParameterException', `Version ${input.permissionVersion} of permission ${input.permissionArn} does not exist.`);
  }
  return { permission: permissionDetail(p) };
}

export function listResourceSharePermissions(ctx: RequestContext, input: T.ListResourceSharePermissionsRequest): T.ListResourceSharePermissionsResponse {
  const sh = ownedShare(ctx, input.resourceShareArn);
  return { permissions: sh.permissionArns.map((a) => permissionSummary(permissionByArn(a))) };
}

// ---- internal: asked by SSM (and EC2) in-process ----

/**
 * Whether `resourceArn` is shared with `accountId` through an active share whose principal
 * association for that account is ASSOCIATED (an accepted invitation, or a resource policy).
 */
export function sharedWith(ctx: RequestContext, input: { resourceArn: string; accountId: string }) {
  const s = ram(ctx);
  const via: { resourceShareArn: string; featureSet: string; actions: string[] }[] = [];
  for (const arn of s.byResource.get(input.resourceArn) ?? []) {
    const sh = s.shares.get(arn);
    if (!sh || !sharedWithAccount(sh, input.accountId)) continue;
    if (!sh.resources.some((r) => r.entity === input.resourceArn && r.status === 'ASSOCIATED')) continue;
    // What the share's managed permissions allow (a share made from a resource policy is
    // limited further by that policy, which its service checks).
    const actions = new Set<string>();
    for (const a of sh.permissionArns) for (const x of permissionByArn(a).actions) actions.add(x);
    via.push({ resourceShareArn: sh.arn, featureSet: sh.featureSet, actions: [...actions] });
  }
  return { shared: via.length > 0, shares: via };
}

/** The ARNs of resources of a type shared with an account; `standardOnly` skips unpromoted policy shares. */
export function resourcesSharedWith(ctx: RequestContext, input: { accountId: string; resourceType: string; standardOnly?: boolean }) {
  const out = new Set<string>();
  for (const sh of ram(ctx).shares.values()) {
    if (sh.owner === input.accountId || !sharedWithAccount(sh, input.accountId)) continue;
    if (input.standardOnly && sh.featureSet !== 'STANDARD') continue;
    for (const r of sh.resources) if (r.status === 'ASSOCIATED' && r.resourceType === input.resourceType) out.add(r.entity);
  }
  return { resourceArns: [...out].sort() };
}
