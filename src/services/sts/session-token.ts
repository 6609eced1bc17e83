// GetSessionToken: long-term credentials (a user's or the root's) in, temporary credentials
// out, optionally after an MFA check. Duration 900–129600 s, default 43200; the root user is
// held to 3600 ("GetSessionToken", STS API Reference).
import type { RequestContext } from '../service.js';
import { ServiceError } from '../../core/errors.js';
import { mfaPresented } from './sessions.js';
import { issue, isTemporary } from './credentials.js';
import type { StsOperations } from '../../protocols/types/sts.js';

type Op = StsOperations['GetSessionToken'];

export async function getSessionToken(ctx: RequestContext, input: Op['input']): Promise<Op['output']> {
  const caller = ctx.caller;
  if (isTemporary(caller)) throw new ServiceError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
  const mfa = await mfaPresented(ctx, input.SerialNumber, input.TokenCode);
  let duration = input.DurationSeconds ?? 43200;
  if (caller.kind === 'root') duration = Math.min(input.DurationSeconds ?? 3600, 3600);
  return {
    Credentials: issue({ accountId: caller.accountId, arn: caller.arn, userId: caller.userId, kind: 'session', userName: caller.userName, mfa }, duration),
  };
}
