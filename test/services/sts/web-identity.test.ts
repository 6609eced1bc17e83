// AssumeRoleWithWebIdentity (the GitHub Actions / EKS flow): an unsigned call with an OIDC
// token, checked against the IAM OIDC provider and the role's trust policy conditions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
before(async () => {
  n = await nimbus();
  const iam = new IAMClient(sdk(n));
  await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://token.actions.githubusercontent.com', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['a'.repeat(40)] }));
  await iam.send(new CreateRoleCommand({
    RoleName: 'gha-deploy',
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:*' },
        },
      }],
    }),
  }));
});
after(async () => { await n.stop(); });

/** An OIDC token as GitHub issues it (the signature is not checked: Nimbus has no network). */
function token(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(n.clock.now().getTime() / 1000);
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:acme/app:ref:refs/heads/main', iat: now, exp: now + 300, ...claims })}.c2lnbmF0dXJl`;
}

// The call is unsigned: no credentials at all.
const anonymous = () => new STSClient({ endpoint: n.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: async () => { throw new Error('no credentials needed'); } });
const ROLE = 'arn:aws:iam::000000000000:role/gha-deploy';

test('a token from a trusted provider and subject gets the role', async () => {
  const r = await anonymous().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'gha-run-1', WebIdentityToken: token({}) }));
  assert.equal(r.AssumedRoleUser!.Arn, 'arn:aws:sts::000000000000:assumed-role/gha-deploy/gha-run-1');
  assert.equal(r.SubjectFromWebIdentityToken, 'repo:acme/app:ref:refs/heads/main');
  assert.equal(r.Audience, 'sts.amazonaws.com');
  assert.equal(r.Provider, 'https://token.actions.githubusercontent.com');
  const creds = { accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken! };
  assert.equal((await new STSClient(sdk(n, creds)).send(new GetCallerIdentityCommand({}))).Arn, r.AssumedRoleUser!.Arn);
});

test('wrong subject, wrong audience, unknown issuer and expired tokens are refused as AWS refuses them', async () => {
  const sts = anonymous();
  const call = (claims: Record<string, unknown>) => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 's1', WebIdentityToken: token(claims) }));
  const sub = await rejects(call({ sub: 'repo:evil/app:ref:refs/heads/main' }), 'AccessDenied', 403);
  assert.equal(sub.message, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
  const aud = await rejects(call({ aud: 'someone-else' }), 'InvalidIdentityTokenException', 400);
  assert.equal(aud.message, 'Incorrect token audience');
  const iss = await rejects(call({ iss: 'https://oidc.example.com' }), 'InvalidIdentityTokenException', 400);
  assert.equal(iss.message, 'No OpenIDConnect provider found in your account for https://oidc.example.com');
  const issued = token({});
  n.clock.advance('PT10M');
  await rejects(sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 's1', WebIdentityToken: issued })), 'ExpiredTokenException', 400);
  await rejects(sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 's1', WebIdentityToken: 'not.a-token' })), 'InvalidIdentityTokenException', 400);
});

test('boto3 assumes the role with a web identity token, unsigned', async () => {
  const r = await boto3<{ arn: string }>(n, `
from botocore import UNSIGNED
from botocore.config import Config
c = boto3.client('sts', endpoint_url=endpoint, region_name='us-east-1', config=Config(signature_version=UNSIGNED))
r = c.assume_role_with_web_identity(RoleArn=${JSON.stringify(ROLE)}, RoleSessionName='py', WebIdentityToken=${JSON.stringify(token({}))})
print(json.dumps({'arn': r['AssumedRoleUser']['Arn']}))`);
  assert.equal(r.arn, 'arn:aws:sts::000000000000:assumed-role/gha-deploy/py');
});
