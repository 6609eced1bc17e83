// What AssumeRole, AssumeRoleWithWebIdentity and GetSessionToken share: the role's account,
// the role itself (from IAM, in-process), MFA checks, and starting a role session.
import type { RequestContext } from '../service.js';
import { ServiceError } from '../../core/errors.js';
import { callService } from '../../core/internal-client.js';
import { issue, type IssuedCredentials } from './credentials.js';

export interface RoleForAssume { RoleName: string; RoleId: string; Arn: string; AssumeRolePolicyDocument: string; MaxSessionDuration?: number }

/** The account of a role ARN (arn:aws:iam::<account>:role/<path><name>). */
export function roleAccount(roleArn: string): string {
  const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?[\w+=,.@-]+$/.exec(roleArn);
  if (!m) throw new ServiceError('ValidationError', `${roleArn} is invalid`, 400);
  return m[1];
}

/** The role, from IAM; a role that does not exist is refused like one that does not trust the caller. */
export async function roleToAssume(ctx: RequestContext, roleArn: string, account: string, denied: () => ServiceError): Promise<RoleForAssume> {
  try {
    return (await callService<{ Role: RoleForAssume }>(ctx, 'iam', 'GetRoleForAssume', { RoleArn: roleArn }, { accountId: account })).Role;
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'NoSuchEntity') throw denied();
    throw e;
  }
}

/** Whether the request presented a valid MFA code of the caller's device (throws AWS's errors). */
export async function mfaPresented(ctx: RequestContext, serialNumber: string | undefined, tokenCode: string | undefined): Promise<boolean> {
  if (serialNumber === undefined && tokenCode === undefined) return false;
  if (!serialNumber || !tokenCode) {
    throw new ServiceError('AccessDenied', 'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.', 403);
  }
  const check = await callService<{ valid: boolean }>(ctx, 'iam', 'VerifyMfaCode',
    { SerialNumber: serialNumber, TokenCode: tokenCode, UserName: ctx.caller.userName }, { accountId: ctx.caller.accountId });
  if (!check.valid) throw new ServiceError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ', 403);
  return true;
}

/** Starts a session of an allowed role: duration checked, use noted for GetRole, credentials issued. */
export async function startRoleSession(ctx: RequestContext, role: RoleForAssume, account: string, sessionName: string,
  durationSeconds: number | undefined, mfa?: boolean): Promise<{ Credentials: IssuedCredentials; AssumedRoleUser: { AssumedRoleId: string; Arn: string } }> {
  const duration = durationSeconds ?? 3600;
  if (duration > (role.MaxSessionDuration ?? 3600)) {
    throw new ServiceError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
  }
  // GetRole reports RoleLastUsed.
  await callService(ctx, 'iam', 'NoteRoleUsed', { RoleArn: role.Arn, Region: ctx.region }, { accountId: account });
  const arn = `arn:aws:sts::${account}:assumed-role/${role.RoleName}/${sessionName}`;
  const id = `${role.RoleId}:${sessionName}`;
  return {
    Credentials: issue({ accountId: account, arn, userId: id, kind: 'assumed-role', ...(mfa === undefined ? {} : { mfa }) }, duration),
    AssumedRoleUser: { AssumedRoleId: id, Arn: arn },
  };
}
