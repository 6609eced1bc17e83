// Invitations: every account principal (Nimbus has no AWS Organizations, so all are outside the
// owner's organization) receives one per share, and the share reaches it once it accepts.
// Pending invitations expire after 7 days on the clock (RAM User Guide, "Accepting and
// rejecting invitations": an invitation not accepted within 7 days expires).
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/ram.js';
import { ram, type InvitationRec } from './state.js';
import { invalidToken, principalAccount } from './shares.js';

const EXPIRY = 7 * 24 * 3600_000;

function statusOf(inv: InvitationRec): InvitationRec['status'] {
  return inv.status === 'PENDING' && clock.now() > inv.time + EXPIRY ? 'EXPIRED' : inv.status;
}

function invitationOut(ctx: RequestContext, inv: InvitationRec): T.ResourceShareInvitation {
  const sh = ram(ctx).shares.get(inv.shareArn);
  return {
    resourceShareInvitationArn: inv.arn, resourceShareName: sh?.name, resourceShareArn: inv.shareArn, senderAccountId: inv.sender,
    receiverAccountId: inv.receiver, invitationTimestamp: new Date(inv.time), status: statusOf(inv),
    ...(inv.receiverArn ? { receiverArn: inv.receiverArn } : {}),
  };
}

function checkInvitationArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share-invitation\/[0-9a-f-]+$/.test(arn)) {
    throw new ServiceError('MalformedArnException', `The format of the ARN ${arn} is not valid.`);
  }
}

/** An invitation addressed to the caller's account. */
function received(ctx: RequestContext, arn: string): InvitationRec {
  checkInvitationArn(arn);
  const inv = ram(ctx).invitations.get(arn);
  if (!inv || inv.receiver !== ctx.accountId) {
    throw new ServiceError('ResourceShareInvitationArnNotFoundException', `ResourceShareInvitationArn ${arn} could not be found.`);
  }
  return inv;
}

export function getResourceShareInvitations(ctx: RequestContext, input: T.GetResourceShareInvitationsRequest): T.GetResourceShareInvitationsResponse {
  for (const a of input.resourceShareInvitationArns ?? []) checkInvitationArn(a);
  const arns = input.resourceShareInvitationArns ? new Set(input.resourceShareInvitationArns) : undefined;
  const shares = input.resourceShareArns ? new Set(input.resourceShareArns) : undefined;
  const items: InvitationRec[] = [];
  for (const inv of ram(ctx).invitations.values()) {
    if (inv.receiver !== ctx.accountId) continue;
    if (arns && !arns.has(inv.arn)) continue;
    if (shares && !shares.has(inv.shareArn)) continue;
    items.push(inv);
  }
  const out = page(ctx, input as Record<string, unknown>, items, { defaultLimit: 500, maxLimit: 500, invalidToken });
  out.resourceShareInvitations = (out.resourceShareInvitations as InvitationRec[]).map((i) => invitationOut(ctx, i));
  return out as T.GetResourceShareInvitationsResponse;
}

function answer(ctx: RequestContext, arn: string, accept: boolean): InvitationRec {
  const s = ram(ctx);
  const inv = received(ctx, arn);
  const status = statusOf(inv);
  if (status === 'ACCEPTED') throw new ServiceError('ResourceShareInvitationAlreadyAcceptedException', `The invitation ${arn} has already been accepted.`);
  if (status === 'REJECTED') throw new ServiceError('ResourceShareInvitationAlreadyRejectedException', `The invitation ${arn} has already been rejected.`);
  if (status === 'EXPIRED') throw new ServiceError('ResourceShareInvitationExpiredException', `The invitation ${arn} has expired.`);
  const sh = s.shares.get(inv.shareArn);
  const now = clock.now();
  inv.status = accept ? 'ACCEPTED' : 'REJECTED';
  s.invitations.set(inv.arn, inv);
  if (sh) {
    for (const p of sh.principals) {
      if (p.status === 'ASSOCIATING' && principalAccount(p.entity) === inv.receiver && (!inv.receiverArn || inv.receiverArn === p.entity)) {
        p.status = accept ? 'ASSOCIATED' : 'DISASSOCIATED';
        p.updated = now;
      }
    }
    s.shares.set(sh.arn, sh);
  }
  return inv;
}

export function acceptResourceShareInvitation(ctx: RequestContext, input: T.AcceptResourceShareInvitationRequest): T.AcceptResourceShareInvitationResponse {
  const inv = answer(ctx, input.resourceShareInvitationArn, true);
  return { resourceShareInvitation: invitationOut(ctx, inv), clientToken: input.clientToken };
}

export function rejectResourceShareInvitation(ctx: RequestContext, input: T.RejectResourceShareInvitationRequest): T.RejectResourceShareInvitationResponse {
  const inv = answer(ctx, input.resourceShareInvitationArn, false);
  return { resourceShareInvitation: invitationOut(ctx, inv), clientToken: input.clientToken };
}

/** The resources of the share behind a pending invitation (what accepting it would give). */
export function listPendingInvitationResources(ctx: RequestContext, input: T.ListPendingInvitationResourcesRequest): T.ListPendingInvitationResourcesResponse {
  const inv = received(ctx, input.resourceShareInvitationArn);
  const status = statusOf(inv);
  if (status === 'ACCEPTED') throw new ServiceError('ResourceShareInvitationAlreadyAcceptedException', `The invitation ${inv.arn} has already been accepted.`);
  if (status === 'REJECTED') throw new ServiceError('ResourceShareInvitationAlreadyRejectedException', `The invitation ${inv.arn} has already been rejected.`);
  if (status === 'EXPIRED') throw new ServiceError('ResourceShareInvitationExpiredException', `The invitation ${inv.arn} has expired.`);
  const sh = ram(ctx).shares.get(inv.shareArn);
  // The model has no paginator for it; a share's resources are returned whole.
  return {
    resources: (sh?.resources ?? []).filter((r) => r.status === 'ASSOCIATED').map((r) => ({
      arn: r.entity, type: r.resourceType, resourceShareArn: inv.shareArn, status: 'AVAILABLE',
      creationTime: new Date(r.created), lastUpdatedTime: new Date(r.updated), resourceRegionScope: 'REGIONAL',
    })),
  };
}
