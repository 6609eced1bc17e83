// STS through the JS SDK v3, the aws CLI and boto3: caller identity, assume role with trust
// policies, session tokens with MFA, expiry on the virtual clock.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand, GetSessionTokenCommand, GetAccessKeyInfoCommand, GetFederationTokenCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateUserCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand } from '@aws-sdk/client-iam';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { totp } from '../../../src/services/iam/totp.js';

let n: Nimbus;
before(async () => { n = await nimbus(); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const trust = (principal: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra }],
});

async function userWithKey(name: string) {
  const iam = new IAMClient(sdk(n));
  const { User } = await iam.send(new CreateUserCommand({ UserName: name }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { user: User!, creds: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! } };
}

test('GetCallerIdentity: unknown keys are the root of the default account; 12-digit keys select an account', async () => {
  const r = await new STSClient(sdk(n)).send(new GetCallerIdentityCommand({}));
  assert.equal(r.Account, '000000000000');
  assert.equal(r.Arn, 'arn:aws:iam::000000000000:root');
  assert.equal(r.UserId, '000000000000');
  assert.match(r.$metadata.requestId!, /^[0-9a-f-]{36}$/);
  const other = await new STSClient(sdk(n, { accessKeyId: '123456789012', secretAccessKey: 'x' })).send(new GetCallerIdentityCommand({}));
  assert.equal(other.Account, '123456789012');
  assert.equal(other.Arn, 'arn:aws:iam::123456789012:root');
});

test('GetCallerIdentity through the aws CLI and boto3 names the IAM user behind a key', async () => {
  const { user, creds } = await userWithKey('alice');
  const cli = await aws(n, ['sts', 'get-caller-identity'], creds);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout), { UserId: user.UserId, Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/alice' });
  const py = await boto3<{ Arn: string; UserId: string }>(n, `c = boto3.client('sts', endpoint_url=endpoint, region_name='us-east-1')\nr = c.get_caller_identity()\nprint(json.dumps({'Arn': r['Arn'], 'UserId': r['UserId']}))`, creds);
  assert.equal(py.Arn, 'arn:aws:iam::000000000000:user/alice');
  assert.match(py.UserId, /^AIDA[A-Z2-7]{17}$/);
});

test('AssumeRole: the trust policy is checked; temporary credentials work and expire on the clock', async () => {
  const { creds } = await userWithKey('bob');
  const iam = new IAMClient(sdk(n));
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'deployer', AssumeRolePolicyDocument: trust({ AWS: 'arn:aws:iam::000000000000:user/bob' }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'lambda-only', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) }));

  const sts = new STSClient(sdk(n, creds));
  const r = await sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: 'ci', DurationSeconds: 900 }));
  assert.match(r.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
  assert.equal(r.Credentials!.SecretAccessKey!.length, 40);
  assert.ok(r.Credentials!.SessionToken!.length > 100);
  assert.equal(r.AssumedRoleUser!.Arn, 'arn:aws:sts::000000000000:assumed-role/deployer/ci');
  assert.equal(r.AssumedRoleUser!.AssumedRoleId, `${Role!.RoleId}:ci`);
  const expiresIn = r.Credentials!.Expiration!.getTime() - n.clock.now().getTime();
  assert.ok(expiresIn > 898_000 && expiresIn <= 900_000, `expires in ${expiresIn} ms`);

  const temp = { accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken! };
  const me = await new STSClient(sdk(n, temp)).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Arn, 'arn:aws:sts::000000000000:assumed-role/deployer/ci');
  assert.equal(me.UserId, `${Role!.RoleId}:ci`);

  const denied = await rejects(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/lambda-only', RoleSessionName: 'xx' })), 'AccessDenied', 403);
  assert.equal(denied.message, 'User: arn:aws:iam::000000000000:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/lambda-only');
  await rejects(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/missing', RoleSessionName: 'xx' })), 'AccessDenied', 403);

  n.clock.advance('PT15M1S');
  const expired = await rejects(new STSClient(sdk(n, temp)).send(new GetCallerIdentityCommand({})), 'ExpiredToken', 403);
  assert.equal(expired.message, 'The security token included in the request is expired');
});

test('AssumeRole: ExternalId conditions, account-root principals, MaxSessionDuration and the duration range', async () => {
  const { creds } = await userWithKey('carol');
  const iam = new IAMClient(sdk(n));
  await iam.send(new CreateRoleCommand({ RoleName: 'partner', AssumeRolePolicyDocument: trust({ AWS: '000000000000' }, { Condition: { StringEquals: { 'sts:ExternalId': 'secret-42' } } }) }));
  const sts = new STSClient(sdk(n, creds));
  const arn = 'arn:aws:iam::000000000000:role/partner';
  await rejects(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ss' })), 'AccessDenied', 403);
  await rejects(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ss', ExternalId: 'wrong-id' })), 'AccessDenied', 403);
  const ok = await sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ss', ExternalId: 'secret-42' }));
  assert.equal(ok.AssumedRoleUser!.Arn, 'arn:aws:sts::000000000000:assumed-role/partner/ss');

  const long = await rejects(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ss', ExternalId: 'secret-42', DurationSeconds: 7200 })), 'ValidationError', 400);
  assert.equal(long.message, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  const short = await rejects(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ss', DurationSeconds: 100 })), 'ValidationError', 400);
  assert.equal(short.message, "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
});

test('GetSessionToken: long-term credentials only, default 12 hours, MFA codes checked', async () => {
  const { user, creds } = await userWithKey('dave');
  const sts = new STSClient(sdk(n, creds));
  const r = await sts.send(new GetSessionTokenCommand({}));
  const ms = r.Credentials!.Expiration!.getTime() - n.clock.now().getTime();
  assert.ok(ms > 43_198_000 && ms <= 43_200_000, `default duration ${ms} ms`);
  const temp = { accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken! };
  assert.equal((await new STSClient(sdk(n, temp)).send(new GetCallerIdentityCommand({}))).Arn, user.Arn);
  const again = await rejects(new STSClient(sdk(n, temp)).send(new GetSessionTokenCommand({})), 'AccessDenied', 403);
  assert.equal(again.message, 'Cannot call GetSessionToken with session credentials');
  const range = await rejects(sts.send(new GetSessionTokenCommand({ DurationSeconds: 129601 })), 'ValidationError', 400);
  assert.match(range.message, /Member must have value less than or equal to 129600/);

  // A virtual MFA device, enabled with two consecutive codes from its seed.
  const iam = new IAMClient(sdk(n));
  const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'dave-phone' }));
  const seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii');
  const now = n.clock.now().getTime();
  await iam.send(new EnableMFADeviceCommand({ UserName: 'dave', SerialNumber: VirtualMFADevice!.SerialNumber, AuthenticationCode1: totp(seed, now - 30_000), AuthenticationCode2: totp(seed, now) }));

  const code = totp(seed, n.clock.now().getTime());
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const bad = await rejects(sts.send(new GetSessionTokenCommand({ SerialNumber: VirtualMFADevice!.SerialNumber, TokenCode: wrong, DurationSeconds: 900 })), 'AccessDenied', 403);
  assert.match(bad.message, /^MultiFactorAuthentication failed with invalid MFA one time pass code/);
  const mfa = await sts.send(new GetSessionTokenCommand({ SerialNumber: VirtualMFADevice!.SerialNumber, TokenCode: code, DurationSeconds: 900 }));
  const mfaCreds = { accessKeyId: mfa.Credentials!.AccessKeyId!, secretAccessKey: mfa.Credentials!.SecretAccessKey!, sessionToken: mfa.Credentials!.SessionToken! };
  assert.equal((await new STSClient(sdk(n, mfaCreds)).send(new GetCallerIdentityCommand({}))).Arn, user.Arn);
  n.clock.advance('PT901S');
  await rejects(new STSClient(sdk(n, mfaCreds)).send(new GetCallerIdentityCommand({})), 'ExpiredToken', 403);
});

test('GetSessionToken with MFA through boto3 and the aws CLI', async () => {
  const { creds } = await userWithKey('erin');
  const iam = new IAMClient(sdk(n));
  const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'erin-phone' }));
  const seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii');
  const now = n.clock.now().getTime();
  await iam.send(new EnableMFADeviceCommand({ UserName: 'erin', SerialNumber: VirtualMFADevice!.SerialNumber, AuthenticationCode1: totp(seed, now - 30_000), AuthenticationCode2: totp(seed, now) }));
  const serial = VirtualMFADevice!.SerialNumber!;
  const py = await boto3<{ key: string; error: string }>(n, `
c = boto3.client('sts', endpoint_url=endpoint, region_name='us-east-1')
r = c.get_session_token(SerialNumber=${JSON.stringify(serial)}, TokenCode=${JSON.stringify(totp(seed, n.clock.now().getTime()))})
try:
    c.get_session_token(SerialNumber=${JSON.stringify(serial)}, TokenCode='000000' if ${JSON.stringify(totp(seed, n.clock.now().getTime()))} != '000000' else '111111')
    err = 'none'
except botocore.exceptions.ClientError as e:
    err = e.response['Error']['Code'] + ' ' + str(e.response['ResponseMetadata']['HTTPStatusCode'])
print(json.dumps({'key': r['Credentials']['AccessKeyId'], 'error': err}))`, creds);
  assert.match(py.key, /^ASIA/);
  assert.equal(py.error, 'AccessDenied 403');
  const cli = await aws(n, ['sts', 'get-session-token', '--duration-seconds', '900', '--serial-number', serial, '--token-code', totp(seed, n.clock.now().getTime())], creds);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(JSON.parse(cli.stdout).Credentials.AccessKeyId, /^ASIA/);
});

test('GetFederationToken: a named federated user with temporary credentials, from long-term credentials only', async () => {
  const { creds } = await userWithKey('gina');
  const sts = new STSClient(sdk(n, creds));
  const r = await sts.send(new GetFederationTokenCommand({ Name: 'partner-app', DurationSeconds: 900, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }));
  assert.equal(r.FederatedUser!.Arn, 'arn:aws:sts::000000000000:federated-user/partner-app');
  assert.equal(r.FederatedUser!.FederatedUserId, '000000000000:partner-app');
  assert.ok(r.PackedPolicySize! > 0 && r.PackedPolicySize! <= 100);
  assert.match(r.Credentials!.AccessKeyId!, /^ASIA/);
  const temp = { accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken! };
  const me = await new STSClient(sdk(n, temp)).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Arn, 'arn:aws:sts::000000000000:federated-user/partner-app');
  assert.equal(me.UserId, '000000000000:partner-app');
  const again = await rejects(new STSClient(sdk(n, temp)).send(new GetFederationTokenCommand({ Name: 'x1' })), 'AccessDenied', 403);
  assert.equal(again.message, 'Cannot call GetFederationToken with session credentials');
  const cli = await aws(n, ['sts', 'get-federation-token', '--name', 'cli-user'], creds);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).FederatedUser.Arn, 'arn:aws:sts::000000000000:federated-user/cli-user');
  n.clock.advance('PT15M1S');
  await rejects(new STSClient(sdk(n, temp)).send(new GetCallerIdentityCommand({})), 'ExpiredToken', 403);
});

test('GetAccessKeyInfo names the account of a key', async () => {
  const { creds } = await userWithKey('frank');
  const sts = new STSClient(sdk(n));
  assert.equal((await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: creds.accessKeyId }))).Account, '000000000000');
  assert.equal((await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }))).Account, '000000000000');
  const short = await rejects(sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: '210987654321' })), 'ValidationError', 400);
  assert.equal(short.message, "1 validation error detected: Value '210987654321' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16");
});

test('an operation Nimbus does not implement answers 501 NotImplemented naming it', async () => {
  const cli = await aws(n, ['sts', 'decode-authorization-message', '--encoded-message', 'abc']);
  assert.notEqual(cli.code, 0);
  assert.match(cli.stderr, /NotImplemented/);
  assert.match(cli.stderr, /DecodeAuthorizationMessage/);
  assert.match(cli.stderr, /sts/);
});
