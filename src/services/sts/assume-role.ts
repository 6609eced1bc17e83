// AssumeRole: the role's trust policy is checked against the caller; the session gets
// temporary credentials that expire on the virtual clock.
import type { RequestContext } from '../service.js';
import { ServiceError } from '../../core/errors.js';
import { callService } from '../../core/internal-client.js';
import { issue, packedPolicySize } from './credentials.js';
import { trustAllows } from './trust.js';

import type { StsOperations } from '../../protocols/types/sts.js';

type Op = StsOperations['AssumeRole'];

interface RoleForAssume { RoleName: string; RoleId: string; Arn: string; AssumeRolePolicyDocument: string; MaxSessionDuration?: number }

const denied = (ctx: RequestContext, roleArn: string) => new ServiceError('AccessDenied',
  `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);

export async function assumeRole(ctx: RequestContext, input: Op['input']): Promise<Op['output']> {
  const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(input.RoleArn);
  if (!m) throw new ServiceError('ValidationError', `${input.RoleArn} is invalid`, 400);
  const roleAccount = m[1];
  let role: RoleForAssume;
  try {
    role = (await callService<{ Role: RoleForAssume }>(ctx, 'iam', 'GetRoleForAssume', { RoleArn: input.RoleArn }, { accountId: roleAccount })).Role;
  } catch (e) {
    // A role that does not exist looks exactly like one that does not trust the caller.
    if (e instanceof ServiceError && e.code === 'NoSuchEntity') throw denied(ctx, input.RoleArn);
    throw e;
  }

  let mfa = false;
  if (input.SerialNumber !== undefined || input.TokenCode !== undefined) {
    if (!input.SerialNumber || !input.TokenCode) {
      throw new ServiceError('AccessDenied', 'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.', 403);
    }
    const check = await callService<{ valid: boolean }>(ctx, 'iam', 'VerifyMfaCode',
      { SerialNumber: input.SerialNumber, TokenCode: input.TokenCode, UserName: ctx.caller.userName }, { accountId: ctx.caller.accountId });
    if (!check.valid) throw new ServiceError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ', 403);
    mfa = true;
  }

  const allowed = trustAllows(role.AssumeRolePolicyDocument, ctx.caller, 'sts:AssumeRole', {
    'sts:ExternalId': input.ExternalId,
    'sts:RoleSessionName': input.RoleSessionName,
    'sts:SourceIdentity': input.SourceIdentity,
    'aws:MultiFactorAuthPresent': String(mfa || !!ctx.caller.mfa),
    'aws:PrincipalArn': ctx.caller.arn,
    'aws:PrincipalAccount': ctx.caller.accountId,
  });
  if (!allowed) throw denied(ctx, input.RoleArn);

  const duration = input.DurationSeconds ?? 3600;
  const max = role.MaxSessionDuration ?? 3600;
  if (duration > max) {
    throw new ServiceError('ValidationError', `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`, 400);
  }
  // GetRole reports RoleLastUsed.
  await callService(ctx, 'iam', 'NoteRoleUsed', { RoleArn: input.RoleArn, Region: ctx.region }, { accountId: roleAccount });
  const sessionArn = `arn:aws:sts::${roleAccount}:assumed-role/${role.RoleName}/${input.RoleSessionName}`;
  const assumedRoleId = `${role.RoleId}:${input.RoleSessionName}`;
  const Credentials = issue({ accountId: roleAccount, arn: sessionArn, userId: assumedRoleId, kind: 'assumed-role', mfa: mfa || !!ctx.caller.mfa }, duration);
  return {
    Credentials,
    AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: sessionArn },
    ...packedPolicySize(input),
    ...(input.SourceIdentity ? { SourceIdentity: input.SourceIdentity } : {}),
  };
}
