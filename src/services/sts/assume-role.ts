// AssumeRole: the role's trust policy is checked against the caller; the session gets
// temporary credentials that expire on the virtual clock.
import type { RequestContext } from '../service.js';
import { ServiceError } from '../../core/errors.js';
import { packedPolicySize } from './credentials.js';
import { mfaPresented, roleAccount, roleToAssume, startRoleSession } from './sessions.js';
import { trustAllows } from './trust.js';
import type { StsOperations } from '../../protocols/types/sts.js';

type Op = StsOperations['AssumeRole'];

const denied = (ctx: RequestContext, roleArn: string) => new ServiceError('AccessDenied',
  `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);

export async function assumeRole(ctx: RequestContext, input: Op['input']): Promise<Op['output']> {
  const account = roleAccount(input.RoleArn);
  const role = await roleToAssume(ctx, input.RoleArn, account, () => denied(ctx, input.RoleArn));
  const mfa = (await mfaPresented(ctx, input.SerialNumber, input.TokenCode)) || !!ctx.caller.mfa;
  const allowed = trustAllows(role.AssumeRolePolicyDocument, ctx.caller, 'sts:AssumeRole', {
    'sts:ExternalId': input.ExternalId,
    'sts:RoleSessionName': input.RoleSessionName,
    'sts:SourceIdentity': input.SourceIdentity,
    'aws:MultiFactorAuthPresent': String(mfa),
    'aws:PrincipalArn': ctx.caller.arn,
    'aws:PrincipalAccount': ctx.caller.accountId,
  });
  if (!allowed) throw denied(ctx, input.RoleArn);
  return {
    ...(await startRoleSession(ctx, role, account, input.RoleSessionName, input.DurationSeconds, mfa)),
    ...packedPolicySize(input),
    ...(input.SourceIdentity ? { SourceIdentity: input.SourceIdentity } : {}),
  };
}
