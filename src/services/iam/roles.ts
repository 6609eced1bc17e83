// IAM roles: trust policies, session duration, descriptions, permissions boundaries,
// service-linked roles, and the lookups STS makes when a role is assumed.
import type { RequestContext } from '../service.js';
import { iamId, uuid } from '../../core/ids.js';
import {
  alreadyExists, boundaryOut, checkNewTags, clean, deleteConflict, encodeDocument, err, findRole, getRole, iamArn,
  invalidInput, limitExceeded, noSuchEntity, now, pageNames, pathFilter, st, tagsOut, type In, type Out,
} from './common.js';
import { checkBoundary, setBoundary } from './policies.js';
import { policySize, validatePolicy } from './policy.js';
import { ACCOUNT_KEY, type IamState, type RoleRec } from './state.js';

/** "Role trust policy length: 2,048 characters" (IAM and AWS STS quotas), white space not counted. */
export const MAX_TRUST_SIZE = 2048;

type RoleView = 'create' | 'get' | 'list' | 'describe';

/**
 * The Role shape. IAM leaves members out depending on the operation: CreateRole and
 * UpdateRoleDescription answer without MaxSessionDuration and RoleLastUsed (and CreateRole
 * without Description); ListRoles without tags, boundary and RoleLastUsed ("IAM
 * resource-listing operations return a subset of the available attributes").
 */
export function roleOut(r: RoleRec, view: RoleView = 'get') {
  return clean({
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: r.CreateDate,
    AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument),
    Description: view === 'create' ? undefined : r.Description,
    MaxSessionDuration: view === 'get' || view === 'list' ? r.MaxSessionDuration : undefined,
    PermissionsBoundary: view === 'list' ? undefined : boundaryOut(r.PermissionsBoundary),
    Tags: view === 'list' ? undefined : tagsOut(r.Tags),
    RoleLastUsed: view === 'get' ? (r.LastUsed ? { LastUsedDate: r.LastUsed.date, Region: r.LastUsed.region } : {}) : undefined,
  });
}

function checkTrust(doc: string): void {
  validatePolicy(doc, 'trust');
  if (policySize(doc) > MAX_TRUST_SIZE) throw limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${MAX_TRUST_SIZE}`);
}

/** Service-linked roles only change through their service. */
function modifiable(r: RoleRec): void {
  if (r.linkedService) {
    throw err('UnmodifiableEntity', `Cannot perform the operation on the protected role '${r.RoleName}' - this role is only modifiable by AWS`);
  }
}

function addRole(s: IamState, r: RoleRec): void {
  s.roles.set(r.RoleId, r);
  s.idx.roles.add(r.RoleName, r.RoleId);
}

export async function createRole(ctx: RequestContext, input: In<'CreateRole'>): Promise<Out<'CreateRole'>> {
  const s = st(ctx);
  checkNewTags(input.Tags);
  checkTrust(input.AssumeRolePolicyDocument);
  if (findRole(s, input.RoleName)) throw alreadyExists(`Role with name ${input.RoleName} already exists.`);
  if (input.PermissionsBoundary) await checkBoundary(ctx, input.PermissionsBoundary);
  const path = input.Path ?? '/';
  const r: RoleRec = {
    RoleId: iamId('AROA'),
    RoleName: input.RoleName,
    Path: path,
    Arn: iamArn(ctx.accountId, 'role', path, input.RoleName),
    CreateDate: now(),
    AssumeRolePolicyDocument: input.AssumeRolePolicyDocument,
    MaxSessionDuration: input.MaxSessionDuration ?? 3600,
    Tags: (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
    attached: [],
    inline: {},
  };
  if (input.Description !== undefined) r.Description = input.Description;
  if (input.PermissionsBoundary) {
    r.PermissionsBoundary = input.PermissionsBoundary;
    setBoundary(s, `role:${r.RoleId}`, undefined, r.PermissionsBoundary);
  }
  addRole(s, r);
  return { Role: roleOut(r, 'create') };
}

export function getRoleOp(ctx: RequestContext, input: In<'GetRole'>): Out<'GetRole'> {
  return { Role: roleOut(getRole(st(ctx), input.RoleName), 'get') };
}

export function listRoles(ctx: RequestContext, input: In<'ListRoles'>): Out<'ListRoles'> {
  const s = st(ctx);
  return pageNames(ctx, input, s.idx.roles, (id) => s.roles.get(id), pathFilter(input.PathPrefix),
    (r) => roleOut(r, 'list'));
}

export function updateRole(ctx: RequestContext, input: In<'UpdateRole'>): Out<'UpdateRole'> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  modifiable(r);
  if (input.Description !== undefined) r.Description = input.Description;
  if (input.MaxSessionDuration !== undefined) r.MaxSessionDuration = input.MaxSessionDuration;
  s.roles.set(r.RoleId, r);
  return {};
}

export function updateRoleDescription(ctx: RequestContext, input: In<'UpdateRoleDescription'>): Out<'UpdateRoleDescription'> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  modifiable(r);
  r.Description = input.Description;
  s.roles.set(r.RoleId, r);
  return { Role: roleOut(r, 'describe') };
}

export function updateAssumeRolePolicy(ctx: RequestContext, input: In<'UpdateAssumeRolePolicy'>): Out<'UpdateAssumeRolePolicy'> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  modifiable(r);
  checkTrust(input.PolicyDocument);
  r.AssumeRolePolicyDocument = input.PolicyDocument;
  s.roles.set(r.RoleId, r);
}

function roleDependents(s: IamState, r: RoleRec): string | undefined {
  if (s.idx.profilesOfRole.count(r.RoleId)) return 'Cannot delete entity, must remove roles from instance profile first.';
  if (Object.keys(r.inline).length) return 'Cannot delete entity, must delete policies first.';
  if (r.attached.length) return 'Cannot delete entity, must detach all policies first.';
  return undefined;
}

function removeRole(s: IamState, r: RoleRec): void {
  if (r.PermissionsBoundary) setBoundary(s, `role:${r.RoleId}`, r.PermissionsBoundary, undefined);
  s.idx.roles.remove(r.RoleName);
  s.roles.delete(r.RoleId);
}

export function deleteRole(ctx: RequestContext, input: In<'DeleteRole'>): Out<'DeleteRole'> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  modifiable(r);
  const conflict = roleDependents(s, r);
  if (conflict) throw deleteConflict(conflict);
  removeRole(s, r);
}

export async function putRolePermissionsBoundary(ctx: RequestContext, input: In<'PutRolePermissionsBoundary'>): Promise<Out<'PutRolePermissionsBoundary'>> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  modifiable(r);
  await checkBoundary(ctx, input.PermissionsBoundary);
  setBoundary(s, `role:${r.RoleId}`, r.PermissionsBoundary, input.PermissionsBoundary);
  r.PermissionsBoundary = input.PermissionsBoundary;
  s.roles.set(r.RoleId, r);
}

export function deleteRolePermissionsBoundary(ctx: RequestContext, input: In<'DeleteRolePermissionsBoundary'>): Out<'DeleteRolePermissionsBoundary'> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  modifiable(r);
  setBoundary(s, `role:${r.RoleId}`, r.PermissionsBoundary, undefined);
  delete r.PermissionsBoundary;
  s.roles.set(r.RoleId, r);
}

// ---- service-linked roles --------------------------------------------------------------

/** Role names of common service-linked roles (the rest: AWSServiceRoleFor + the capitalised service). */
const SLR_NAMES: Record<string, string> = {
  'autoscaling.amazonaws.com': 'AWSServiceRoleForAutoScaling',
  'elasticloadbalancing.amazonaws.com': 'AWSServiceRoleForElasticLoadBalancing',
  'ecs.amazonaws.com': 'AWSServiceRoleForECS',
  'eks.amazonaws.com': 'AWSServiceRoleForAmazonEKS',
  'elasticbeanstalk.amazonaws.com': 'AWSServiceRoleForElasticBeanstalk',
  'rds.amazonaws.com': 'AWSServiceRoleForRDS',
  'spot.amazonaws.com': 'AWSServiceRoleForEC2Spot',
  'lambda.amazonaws.com': 'AWSServiceRoleForLambda',
  'apigateway.amazonaws.com': 'AWSServiceRoleForAPIGateway',
  'dynamodb.application-autoscaling.amazonaws.com': 'AWSServiceRoleForApplicationAutoScaling_DynamoDBTable',
  'ecs.application-autoscaling.amazonaws.com': 'AWSServiceRoleForApplicationAutoScaling_ECSService',
  'organizations.amazonaws.com': 'AWSServiceRoleForOrganizations',
  'ssm.amazonaws.com': 'AWSServiceRoleForAmazonSSM',
  'config.amazonaws.com': 'AWSServiceRoleForConfig',
  'cloudtrail.amazonaws.com': 'AWSServiceRoleForCloudTrail',
  'es.amazonaws.com': 'AWSServiceRoleForAmazonOpenSearchService',
  'opensearchservice.amazonaws.com': 'AWSServiceRoleForAmazonOpenSearchService',
  'elasticache.amazonaws.com': 'AWSServiceRoleForElastiCache',
  'fis.amazonaws.com': 'AWSServiceRoleForFIS',
  'codestar-notifications.amazonaws.com': 'AWSServiceRoleForCodeStarNotifications',
};

/** Custom suffixes are only for services whose role allows several copies. */
const SUFFIX_ALLOWED = /application-autoscaling|autoscaling\.amazonaws\.com|elasticbeanstalk|lex/;

export function createServiceLinkedRole(ctx: RequestContext, input: In<'CreateServiceLinkedRole'>): Out<'CreateServiceLinkedRole'> {
  const s = st(ctx);
  const service = input.AWSServiceName;
  if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(service)) {
    // Not confirmed against AWS; IAM refuses names that are not service principals.
    throw invalidInput(`Invalid service name ${service}`);
  }
  if (input.CustomSuffix !== undefined && !SUFFIX_ALLOWED.test(service)) {
    throw invalidInput(`Custom suffix is not allowed for ${service}`);
  }
  const label = service.split('.')[0];
  let name = SLR_NAMES[service] ?? `AWSServiceRoleFor${label.charAt(0).toUpperCase()}${label.slice(1)}`;
  if (input.CustomSuffix) name += `_${input.CustomSuffix}`;
  if (findRole(s, name)) throw invalidInput(`Service role name ${name} has been taken in this account, please try a different suffix.`);
  const path = `/aws-service-role/${service}/`;
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: [service] }, Action: ['sts:AssumeRole'] }] });
  const r: RoleRec = {
    RoleId: iamId('AROA'),
    RoleName: name,
    Path: path,
    Arn: iamArn(ctx.accountId, 'role', path, name),
    CreateDate: now(),
    AssumeRolePolicyDocument: trust,
    MaxSessionDuration: 3600,
    Tags: [],
    attached: [],
    inline: {},
    linkedService: service,
  };
  if (input.Description !== undefined) r.Description = input.Description;
  addRole(s, r);
  return { Role: roleOut(r, 'describe') };
}

export function deleteServiceLinkedRole(ctx: RequestContext, input: In<'DeleteServiceLinkedRole'>): Out<'DeleteServiceLinkedRole'> {
  const s = st(ctx);
  const r = getRole(s, input.RoleName);
  if (!r.linkedService) throw invalidInput(`${r.RoleName} is not a service-linked role.`); // wording not confirmed
  // The deletion runs at once; its task is kept so GetServiceLinkedRoleDeletionStatus answers.
  for (const arn of r.attached) s.idx.attachments.remove(arn, `role:${r.RoleId}`);
  for (const ip of s.idx.profilesOfRole.get(r.RoleId)) {
    const p = s.instanceProfiles.get(ip);
    if (p) { p.roles = p.roles.filter((x) => x !== r.RoleId); s.instanceProfiles.set(ip, p); }
  }
  for (const ip of [...s.idx.profilesOfRole.get(r.RoleId)]) s.idx.profilesOfRole.remove(r.RoleId, ip);
  removeRole(s, r);
  const task = `task${r.Path}${r.RoleName}/${uuid()}`;
  const acct = s.account.get(ACCOUNT_KEY) ?? {};
  acct.deletionTasks = [...(acct.deletionTasks ?? []).slice(-99), task];
  s.account.set(ACCOUNT_KEY, acct);
  return { DeletionTaskId: task };
}

export function getServiceLinkedRoleDeletionStatus(ctx: RequestContext, input: In<'GetServiceLinkedRoleDeletionStatus'>): Out<'GetServiceLinkedRoleDeletionStatus'> {
  const acct = st(ctx).account.get(ACCOUNT_KEY);
  if (!acct?.deletionTasks?.includes(input.DeletionTaskId)) {
    throw noSuchEntity(`Deletion task ${input.DeletionTaskId} cannot be found.`); // wording not confirmed
  }
  return { Status: 'SUCCEEDED' };
}

// ---- for STS (internal) ----------------------------------------------------------------

/** The role behind a RoleArn, in the account the ARN names (STS passes it as the scope). */
function roleByArn(s: IamState, roleArn: string): RoleRec {
  const m = /^arn:aws[\w-]*:iam::(\d{12}):role(\/(?:[^/]*\/)*)([\w+=,.@-]+)$/.exec(roleArn);
  const r = m ? findRole(s, m[3]) : undefined;
  if (!m || !r || r.Path !== m[2]) throw noSuchEntity(`The role with name ${m?.[3] ?? roleArn} cannot be found.`);
  return r;
}

export function getRoleForAssume(ctx: RequestContext, input: { RoleArn: string }) {
  const r = roleByArn(st(ctx), input.RoleArn);
  return {
    Role: {
      RoleName: r.RoleName,
      RoleId: r.RoleId,
      Arn: r.Arn,
      AssumeRolePolicyDocument: r.AssumeRolePolicyDocument,
      MaxSessionDuration: r.MaxSessionDuration,
    },
  };
}

/** Records a successful AssumeRole in RoleLastUsed (GetRole). */
export function noteRoleUsed(ctx: RequestContext, input: { RoleArn: string; Region?: string }) {
  const s = st(ctx);
  const r = roleByArn(s, input.RoleArn);
  r.LastUsed = { date: now(), region: input.Region ?? ctx.region };
  s.roles.set(r.RoleId, r);
  return {};
}
