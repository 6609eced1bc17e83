// The resource types Nimbus can share and their AWS managed permissions (ListResourceTypes,
// ListPermissions, GetPermission). Names follow the RAM User Guide's "Shareable AWS resources"
// table (resource type `ssm:Parameter`, `ec2:CapacityReservation`) and its managed permission
// names (AWSRAMDefaultPermission…).
import { ServiceError } from '../../core/errors.js';

export interface ManagedPermission {
  name: string;
  resourceType: string;
  actions: string[];
}

export interface ResourceTypeInfo { resourceType: string; serviceName: string; resourceRegionScope: 'REGIONAL' | 'GLOBAL' }

export const RESOURCE_TYPES: ResourceTypeInfo[] = [
  { resourceType: 'ec2:CapacityReservation', serviceName: 'ec2', resourceRegionScope: 'REGIONAL' },
  { resourceType: 'ssm:Parameter', serviceName: 'ssm', resourceRegionScope: 'REGIONAL' },
];

/**
 * The services that answer the in-process `ShareCheck` ({ resourceArn } → { found, failure? }:
 * does the caller own it, and can it be shared?). A type whose service is not listed yet
 * (ec2:CapacityReservation until EC2 adds the handler) is checked only for account and region.
 */
export const CHECKED_BY: Record<string, string> = { 'ssm:Parameter': 'ssm' };

export const PERMISSIONS: ManagedPermission[] = [
  { name: 'AWSRAMDefaultPermissionCapacityReservation', resourceType: 'ec2:CapacityReservation',
    actions: ['ec2:DescribeCapacityReservations', 'ec2:RunInstances', 'ec2:CreateTags', 'ec2:DeleteTags'] },
  { name: 'AWSRAMDefaultPermissionSSMParameterReadOnly', resourceType: 'ssm:Parameter',
    actions: ['ssm:DescribeParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:GetParameters'] },
];

/** AWS managed permissions exist before any account; their times are fixed. */
const PUBLISHED = Date.UTC(2021, 0, 1);

export const permissionArn = (name: string) => `arn:aws:ram::aws:permission/${name}`;

export const defaultPermissionFor = (resourceType: string) => PERMISSIONS.find((p) => p.resourceType === resourceType);

export function permissionByArn(arn: string): ManagedPermission {
  if (!/^arn:aws[a-z-]*:ram:/.test(arn)) throw new ServiceError('MalformedArnException', `The permission ARN ${arn} is malformed.`);
  const p = PERMISSIONS.find((x) => permissionArn(x.name) === arn);
  if (!p) throw new ServiceError('UnknownResourceException', `Permission ${arn} could not be found.`);
  return p;
}

export function permissionSummary(p: ManagedPermission) {
  return {
    arn: permissionArn(p.name), version: '1', defaultVersion: true, name: p.name, resourceType: p.resourceType,
    status: 'ATTACHABLE', creationTime: new Date(PUBLISHED), lastUpdatedTime: new Date(PUBLISHED),
    isResourceTypeDefault: true, permissionType: 'AWS_MANAGED', featureSet: 'STANDARD',
  };
}

export function permissionDetail(p: ManagedPermission) {
  return {
    ...permissionSummary(p),
    permission: JSON.stringify({ Effect: 'Allow', Action: p.actions }),
  };
}

/** The RAM resource type of a resource ARN, or undefined for one RAM cannot share. */
export function resourceTypeOf(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:([a-z0-9-]+):[a-z0-9-]*:\d{12}:([a-z-]+)[/:]/.exec(arn);
  if (!m) return undefined;
  if (m[1] === 'ssm' && m[2] === 'parameter') return 'ssm:Parameter';
  if (m[1] === 'ec2' && m[2] === 'capacity-reservation') return 'ec2:CapacityReservation';
  return undefined;
}

export const isArn = (s: string) => /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+/.test(s);
export const accountOfArn = (arn: string) => arn.split(':')[4];
