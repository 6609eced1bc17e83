// AssumeRoleWithWebIdentity: an OpenID Connect token (GitHub Actions, EKS service accounts,
// Cognito …) exchanged for a role's credentials. The token's issuer must be an IAM OIDC
// provider of the role's account whose client ids include the token's audience, the token
// must not be expired on the virtual clock, and the role's trust policy must allow the
// provider (Principal.Federated) under its conditions (`<provider>:aud`, `<provider>:sub`).
// Nimbus cannot fetch the provider's signing keys (no network), so the token's signature is
// not checked.
import type { RequestContext } from '../service.js';
import { ServiceError } from '../../core/errors.js';
import { callService } from '../../core/internal-client.js';
import { clock } from '../../core/clock-instance.js';
import { roleAccount, roleToAssume, startRoleSession } from './sessions.js';
import { trustAllows } from './trust.js';
import type { StsOperations } from '../../protocols/types/sts.js';

type Op = StsOperations['AssumeRoleWithWebIdentity'];

const invalidToken = (msg: string) => new ServiceError('InvalidIdentityToken', msg, 400);
const notAuthorized = () => new ServiceError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);

interface Claims { iss?: string; aud?: string | string[]; sub?: string; exp?: number }

function claimsOf(token: string): Claims {
  const parts = token.split('.');
  if (parts.length !== 3) throw invalidToken("Couldn't parse web identity token.");
  try {
    const c = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Claims;
    if (!c || typeof c !== 'object') throw new Error('not an object');
    return c;
  } catch {
    throw invalidToken("Couldn't parse web identity token.");
  }
}

export async function assumeRoleWithWebIdentity(ctx: RequestContext, input: Op['input']): Promise<Op['output']> {
  const claims = claimsOf(input.WebIdentityToken);
  const account = roleAccount(input.RoleArn);
  const issuer = String(claims.iss ?? '');
  const providerId = issuer.replace(/^https:\/\//i, '').replace(/\/+$/, '');
  const providerArn = `arn:aws:iam::${account}:oidc-provider/${providerId}`;

  let clientIds: string[];
  try {
    const p = await callService<{ ClientIDList?: string[] }>(ctx, 'iam', 'GetOpenIDConnectProvider', { OpenIDConnectProviderArn: providerArn }, { accountId: account });
    clientIds = p.ClientIDList ?? [];
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'NoSuchEntity') throw invalidToken(`No OpenIDConnect provider found in your account for ${issuer}`);
    throw e;
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
  const audience = audiences.find((a) => clientIds.includes(a));
  if (audience === undefined) throw invalidToken('Incorrect token audience');
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= clock.now()) {
    throw new ServiceError('ExpiredTokenException',
      `Token expired: current date/time ${Math.floor(clock.now() / 1000)} must be before the expiration date/time ${claims.exp}`, 400);
  }

  const role = await roleToAssume(ctx, input.RoleArn, account, notAuthorized);
  const allowed = trustAllows(role.AssumeRolePolicyDocument, { federated: providerArn }, 'sts:AssumeRoleWithWebIdentity', {
    [`${providerId}:aud`]: audience,
    [`${providerId}:sub`]: claims.sub,
    'sts:RoleSessionName': input.RoleSessionName,
  });
  if (!allowed) throw notAuthorized();
  return {
    ...(await startRoleSession(ctx, role, account, input.RoleSessionName, input.DurationSeconds)),
    SubjectFromWebIdentityToken: claims.sub,
    Provider: issuer,
    Audience: audience,
  };
}
