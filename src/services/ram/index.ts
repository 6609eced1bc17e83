// AWS Resource Access Manager: resource shares with principals and resources, invitations
// (Nimbus has no Organizations, so account principals always get one), associations, the
// shareable resource types (ssm:Parameter, ec2:CapacityReservation) and their AWS managed
// permissions, tags. Other services ask RAM in-process whether a resource is shared with an
// account (`SharedWith`), and SSM keeps the shares behind its resource policies here.
import { ServiceError } from '../../core/errors.js';
import { validationMessage, type Violation } from '../../protocols/validate.js';
import type { Service } from '../service.js';
import {
  associateResourceShare, createResourceShare, deletePolicyShare, deleteResourceShare, disassociateResourceShare,
  getResourceShareAssociations, getResourceShares, promoteResourceShareCreatedFromPolicy, putPolicyShare, resourceDeleted,
  tagResource, untagResource, updateResourceShare,
} from './shares.js';
import {
  acceptResourceShareInvitation, getResourceShareInvitations, listPendingInvitationResources, rejectResourceShareInvitation,
} from './invitations.js';
import {
  getPermission, listPermissions, listPrincipals, listResourceSharePermissions, listResourceTypes, listResources,
  resourcesSharedWith, sharedWith,
} from './resources.js';

/**
 * RAM has its own errors for model violations (its model lists them): a missing member is
 * MissingRequiredParameterException, a maxResults out of range InvalidMaxResultsException,
 * anything else InvalidParameterException.
 */
function validationError(vs: Violation[]): ServiceError {
  const missing = vs.find((v) => v.kind === 'required');
  if (missing) return new ServiceError('MissingRequiredParameterException', `The request must contain the parameter ${missing.member}.`, 400);
  if (vs.some((v) => v.member === 'maxResults')) return new ServiceError('InvalidMaxResultsException', validationMessage(vs), 400);
  return new ServiceError('InvalidParameterException', validationMessage(vs), 400);
}

export const ram: Service = {
  name: 'ram',
  validationError,
  handlers: {
    CreateResourceShare: createResourceShare,
    GetResourceShares: getResourceShares,
    UpdateResourceShare: updateResourceShare,
    DeleteResourceShare: deleteResourceShare,
    AssociateResourceShare: associateResourceShare,
    DisassociateResourceShare: disassociateResourceShare,
    GetResourceShareAssociations: getResourceShareAssociations,
    PromoteResourceShareCreatedFromPolicy: promoteResourceShareCreatedFromPolicy,
    GetResourceShareInvitations: getResourceShareInvitations,
    AcceptResourceShareInvitation: acceptResourceShareInvitation,
    RejectResourceShareInvitation: rejectResourceShareInvitation,
    ListPendingInvitationResources: listPendingInvitationResources,
    ListResources: listResources,
    ListPrincipals: listPrincipals,
    ListResourceTypes: listResourceTypes,
    ListPermissions: listPermissions,
    GetPermission: getPermission,
    ListResourceSharePermissions: listResourceSharePermissions,
    TagResource: tagResource,
    UntagResource: untagResource,
  },
  internal: {
    /** { resourceArn, accountId } → { shared, shares }: is the resource shared with that account? */
    SharedWith: sharedWith,
    /** { accountId, resourceType, standardOnly? } → { resourceArns }. */
    ResourcesSharedWith: resourcesSharedWith,
    /** { resourceArn, principals, policyId, shareArn? } → { resourceShareArn }, in the owner's context. */
    PutPolicyShare: putPolicyShare,
    /** { shareArn } */
    DeletePolicyShare: deletePolicyShare,
    /** { resourceArn }: the owner deleted the resource. */
    ResourceDeleted: resourceDeleted,
  },
};
