// GetFederationToken: a user (or the root) hands out temporary credentials for a named
// federated user. Long-term credentials only; 900–129600 s, default 43200, the root held to
// 3600 ("GetFederationToken", STS API Reference).
import type { RequestContext } from '../service.js';
import { ServiceError } from '../../core/errors.js';
import { issue, isTemporary, packedPolicySize } from './credentials.js';
import type { StsOperations } from '../../protocols/types/sts.js';

type Op = StsOperations['GetFederationToken'];

export function getFederationToken(ctx: RequestContext, input: Op['input']): Op['output'] {
  const caller = ctx.caller;
  if (isTemporary(caller)) throw new ServiceError('AccessDenied', 'Cannot call GetFederationToken with session credentials', 403);
  const duration = caller.kind === 'root' ? Math.min(input.DurationSeconds ?? 3600, 3600) : input.DurationSeconds ?? 43200;
  const account = caller.accountId;
  const FederatedUserId = `${account}:${input.Name}`;
  const Arn = `arn:aws:sts::${account}:federated-user/${input.Name}`;
  return {
    Credentials: issue({ accountId: account, arn: Arn, userId: FederatedUserId, kind: 'federated' }, duration),
    FederatedUser: { FederatedUserId, Arn },
    ...packedPolicySize(input),
  };
}
