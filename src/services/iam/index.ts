// AWS Identity and Access Management. IAM is global: one state per account, whatever the
// region. Operations without a line here answer 501 NotImplemented (Organizations features,
// delegation requests, access advisor reports, the policy simulator …).
import type { Service } from '../service.js';
import * as users from './users.js';
import * as groups from './groups.js';
import * as roles from './roles.js';
import * as policies from './policies.js';
import * as inline from './inline-policies.js';
import * as keys from './access-keys.js';
import * as login from './login-profiles.js';
import * as mfa from './mfa.js';
import * as profiles from './instance-profiles.js';
import * as tags from './tags.js';
import * as account from './account.js';
import * as providers from './providers.js';
import * as certs from './certificates.js';
import * as creds from './user-credentials.js';

export const iam: Service = {
  name: 'iam',
  handlers: {
    // users
    CreateUser: users.createUser,
    GetUser: users.getUserOp,
    ListUsers: users.listUsers,
    UpdateUser: users.updateUser,
    DeleteUser: users.deleteUser,
    PutUserPermissionsBoundary: users.putUserPermissionsBoundary,
    DeleteUserPermissionsBoundary: users.deleteUserPermissionsBoundary,
    TagUser: tags.tagUser,
    UntagUser: tags.untagUser,
    ListUserTags: tags.listUserTags,
    // groups
    CreateGroup: groups.createGroup,
    GetGroup: groups.getGroupOp,
    ListGroups: groups.listGroups,
    UpdateGroup: groups.updateGroup,
    DeleteGroup: groups.deleteGroup,
    AddUserToGroup: groups.addUserToGroup,
    RemoveUserFromGroup: groups.removeUserFromGroup,
    ListGroupsForUser: groups.listGroupsForUser,
    // roles
    CreateRole: roles.createRole,
    GetRole: roles.getRoleOp,
    ListRoles: roles.listRoles,
    UpdateRole: roles.updateRole,
    UpdateRoleDescription: roles.updateRoleDescription,
    UpdateAssumeRolePolicy: roles.updateAssumeRolePolicy,
    DeleteRole: roles.deleteRole,
    PutRolePermissionsBoundary: roles.putRolePermissionsBoundary,
    DeleteRolePermissionsBoundary: roles.deleteRolePermissionsBoundary,
    CreateServiceLinkedRole: roles.createServiceLinkedRole,
    DeleteServiceLinkedRole: roles.deleteServiceLinkedRole,
    GetServiceLinkedRoleDeletionStatus: roles.getServiceLinkedRoleDeletionStatus,
    TagRole: tags.tagRole,
    UntagRole: tags.untagRole,
    ListRoleTags: tags.listRoleTags,
    // managed policies and versions
    CreatePolicy: policies.createPolicy,
    GetPolicy: policies.getPolicy,
    DeletePolicy: policies.deletePolicy,
    ListPolicies: policies.listPolicies,
    CreatePolicyVersion: policies.createPolicyVersion,
    GetPolicyVersion: policies.getPolicyVersion,
    DeletePolicyVersion: policies.deletePolicyVersion,
    ListPolicyVersions: policies.listPolicyVersions,
    SetDefaultPolicyVersion: policies.setDefaultPolicyVersion,
    TagPolicy: tags.tagPolicy,
    UntagPolicy: tags.untagPolicy,
    ListPolicyTags: tags.listPolicyTags,
    // attachments
    AttachUserPolicy: policies.attachUserPolicy,
    DetachUserPolicy: policies.detachUserPolicy,
    ListAttachedUserPolicies: policies.listAttachedUserPolicies,
    AttachGroupPolicy: policies.attachGroupPolicy,
    DetachGroupPolicy: policies.detachGroupPolicy,
    ListAttachedGroupPolicies: policies.listAttachedGroupPolicies,
    AttachRolePolicy: policies.attachRolePolicy,
    DetachRolePolicy: policies.detachRolePolicy,
    ListAttachedRolePolicies: policies.listAttachedRolePolicies,
    ListEntitiesForPolicy: policies.listEntitiesForPolicy,
    // inline policies
    PutUserPolicy: inline.putUserPolicy,
    GetUserPolicy: inline.getUserPolicy,
    DeleteUserPolicy: inline.deleteUserPolicy,
    ListUserPolicies: inline.listUserPolicies,
    PutGroupPolicy: inline.putGroupPolicy,
    GetGroupPolicy: inline.getGroupPolicy,
    DeleteGroupPolicy: inline.deleteGroupPolicy,
    ListGroupPolicies: inline.listGroupPolicies,
    PutRolePolicy: inline.putRolePolicy,
    GetRolePolicy: inline.getRolePolicy,
    DeleteRolePolicy: inline.deleteRolePolicy,
    ListRolePolicies: inline.listRolePolicies,
    // access keys
    CreateAccessKey: keys.createAccessKey,
    ListAccessKeys: keys.listAccessKeys,
    UpdateAccessKey: keys.updateAccessKey,
    DeleteAccessKey: keys.deleteAccessKey,
    GetAccessKeyLastUsed: keys.getAccessKeyLastUsed,
    // passwords
    CreateLoginProfile: login.createLoginProfile,
    GetLoginProfile: login.getLoginProfile,
    UpdateLoginProfile: login.updateLoginProfile,
    DeleteLoginProfile: login.deleteLoginProfile,
    ChangePassword: login.changePassword,
    UpdateAccountPasswordPolicy: login.updateAccountPasswordPolicy,
    GetAccountPasswordPolicy: login.getAccountPasswordPolicy,
    DeleteAccountPasswordPolicy: login.deleteAccountPasswordPolicy,
    // MFA
    CreateVirtualMFADevice: mfa.createVirtualMFADevice,
    EnableMFADevice: mfa.enableMFADevice,
    ResyncMFADevice: mfa.resyncMFADevice,
    DeactivateMFADevice: mfa.deactivateMFADevice,
    DeleteVirtualMFADevice: mfa.deleteVirtualMFADevice,
    ListMFADevices: mfa.listMFADevices,
    ListVirtualMFADevices: mfa.listVirtualMFADevices,
    GetMFADevice: mfa.getMFADevice,
    TagMFADevice: tags.tagMFADevice,
    UntagMFADevice: tags.untagMFADevice,
    ListMFADeviceTags: tags.listMFADeviceTags,
    // instance profiles
    CreateInstanceProfile: profiles.createInstanceProfile,
    GetInstanceProfile: profiles.getInstanceProfileOp,
    DeleteInstanceProfile: profiles.deleteInstanceProfile,
    ListInstanceProfiles: profiles.listInstanceProfiles,
    AddRoleToInstanceProfile: profiles.addRoleToInstanceProfile,
    RemoveRoleFromInstanceProfile: profiles.removeRoleFromInstanceProfile,
    ListInstanceProfilesForRole: profiles.listInstanceProfilesForRole,
    TagInstanceProfile: tags.tagInstanceProfile,
    UntagInstanceProfile: tags.untagInstanceProfile,
    ListInstanceProfileTags: tags.listInstanceProfileTags,
    // identity providers
    CreateOpenIDConnectProvider: providers.createOpenIDConnectProvider,
    GetOpenIDConnectProvider: providers.getOpenIDConnectProvider,
    ListOpenIDConnectProviders: providers.listOpenIDConnectProviders,
    DeleteOpenIDConnectProvider: providers.deleteOpenIDConnectProvider,
    AddClientIDToOpenIDConnectProvider: providers.addClientIDToOpenIDConnectProvider,
    RemoveClientIDFromOpenIDConnectProvider: providers.removeClientIDFromOpenIDConnectProvider,
    UpdateOpenIDConnectProviderThumbprint: providers.updateOpenIDConnectProviderThumbprint,
    TagOpenIDConnectProvider: tags.tagOpenIDConnectProvider,
    UntagOpenIDConnectProvider: tags.untagOpenIDConnectProvider,
    ListOpenIDConnectProviderTags: tags.listOpenIDConnectProviderTags,
    CreateSAMLProvider: providers.createSAMLProvider,
    GetSAMLProvider: providers.getSAMLProvider,
    ListSAMLProviders: providers.listSAMLProviders,
    UpdateSAMLProvider: providers.updateSAMLProvider,
    DeleteSAMLProvider: providers.deleteSAMLProvider,
    TagSAMLProvider: tags.tagSAMLProvider,
    UntagSAMLProvider: tags.untagSAMLProvider,
    ListSAMLProviderTags: tags.listSAMLProviderTags,
    // certificates
    UploadServerCertificate: certs.uploadServerCertificate,
    GetServerCertificate: certs.getServerCertificateOp,
    ListServerCertificates: certs.listServerCertificates,
    UpdateServerCertificate: certs.updateServerCertificate,
    DeleteServerCertificate: certs.deleteServerCertificate,
    TagServerCertificate: tags.tagServerCertificate,
    UntagServerCertificate: tags.untagServerCertificate,
    ListServerCertificateTags: tags.listServerCertificateTags,
    UploadSigningCertificate: certs.uploadSigningCertificate,
    UpdateSigningCertificate: certs.updateSigningCertificate,
    DeleteSigningCertificate: certs.deleteSigningCertificate,
    ListSigningCertificates: certs.listSigningCertificates,
    // SSH keys and service-specific credentials
    UploadSSHPublicKey: creds.uploadSSHPublicKey,
    GetSSHPublicKey: creds.getSSHPublicKey,
    ListSSHPublicKeys: creds.listSSHPublicKeys,
    UpdateSSHPublicKey: creds.updateSSHPublicKey,
    DeleteSSHPublicKey: creds.deleteSSHPublicKey,
    CreateServiceSpecificCredential: creds.createServiceSpecificCredential,
    ListServiceSpecificCredentials: creds.listServiceSpecificCredentials,
    ResetServiceSpecificCredential: creds.resetServiceSpecificCredential,
    UpdateServiceSpecificCredential: creds.updateServiceSpecificCredential,
    DeleteServiceSpecificCredential: creds.deleteServiceSpecificCredential,
    // account
    CreateAccountAlias: account.createAccountAlias,
    DeleteAccountAlias: account.deleteAccountAlias,
    ListAccountAliases: account.listAccountAliases,
    GetAccountSummary: account.getAccountSummary,
    GetAccountAuthorizationDetails: account.getAccountAuthorizationDetails,
    GenerateCredentialReport: account.generateCredentialReport,
    GetCredentialReport: account.getCredentialReport,
    SetSecurityTokenServicePreferences: account.setSecurityTokenServicePreferences,
    GetContextKeysForCustomPolicy: account.getContextKeysForCustomPolicy,
    GetContextKeysForPrincipalPolicy: account.getContextKeysForPrincipalPolicy,
  },
  internal: {
    /** STS AssumeRole: the role and its trust policy (decoded), or NoSuchEntity. */
    GetRoleForAssume: roles.getRoleForAssume,
    /** STS AssumeRole, after the trust check passed: RoleLastUsed. */
    NoteRoleUsed: roles.noteRoleUsed,
    /** STS AssumeRole / GetSessionToken with SerialNumber + TokenCode. */
    VerifyMfaCode: mfa.verifyMfaCode,
    /** The gateway: an access key signed a request (GetAccessKeyLastUsed). */
  },
};
