// GetSessionToken: long-term credentials (a user's or the root's) in, temporary credentials
// out, optionally after an MFA check. Duration 900–129600 s, default 43200; the root user is
// held to 3600 ("GetSessionToken", STS API Reference).
import type { RequestContext } from '../service.js';
import { ServiceError } from '../../core/errors.js';
import { callService } from '../../core/internal-client.js';
import { issue, isTemporary } from './credentials.js';
import type { StsOperations } from '../../protocols/types/sts.js';

type Op = StsOperations['GetSessionToken'];

export async function getSessionToken(ctx: RequestContext, input: Op['input']): Promise<Op['output']> {
  const caller = ctx.caller;
  if (isTemporary(caller)) throw new ServiceError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
  let mfa = false;
  if (input.SerialNumber !== undefined || input.TokenCode !== undefined) {
    if (!input.SerialNumber || !input.TokenCode) {
      throw new ServiceError('AccessDenied', 'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.', 403);
    }
    const check = await callService<{ valid: boolean }>(ctx, 'iam', 'VerifyMfaCode',
      { SerialNumber: input.SerialNumber, TokenCode: input.TokenCode, UserName: caller.userName });
    if (!check.valid) throw new ServiceError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ', 403);
    mfa = true;
  }
  let duration = input.DurationSeconds ?? 43200;
  if (caller.kind === 'root') duration = Math.min(input.DurationSeconds ?? 3600, 3600);
  return {
    Credentials: issue({ accountId: caller.accountId, arn: caller.arn, userId: caller.userId, kind: 'session', userName: caller.userName, mfa }, duration),
  };
}
