// GetCallerIdentity and GetAccessKeyInfo.
import type { RequestContext } from '../service.js';
import { accountFor } from '../../core/identity.js';
import type { StsOperations as Ops } from '../../protocols/types/sts.js';

export function getCallerIdentity(ctx: RequestContext): Ops['GetCallerIdentity']['output'] {
  return { UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn };
}

/** The account a key belongs to: ours know it; a 12-digit id names it; else the default. */
export function getAccessKeyInfo(_ctx: RequestContext, input: Ops['GetAccessKeyInfo']['input']): Ops['GetAccessKeyInfo']['output'] {
  return { Account: accountFor(input.AccessKeyId) };
}
