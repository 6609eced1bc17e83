// The rest of IAM: instance profiles, account aliases and summary, the password policy,
// OIDC and SAML providers, server and signing certificates, SSH keys, service-specific
// credentials, service-linked roles, and the internal handlers STS calls.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import {
  IAMClient, CreateRoleCommand, CreateInstanceProfileCommand, AddRoleToInstanceProfileCommand, GetInstanceProfileCommand,
  ListInstanceProfilesForRoleCommand, RemoveRoleFromInstanceProfileCommand, DeleteInstanceProfileCommand, DeleteRoleCommand,
  ListInstanceProfilesCommand, TagInstanceProfileCommand, ListInstanceProfileTagsCommand, CreateAccountAliasCommand,
  ListAccountAliasesCommand, DeleteAccountAliasCommand, GetAccountSummaryCommand, CreateUserCommand,
  UpdateAccountPasswordPolicyCommand, GetAccountPasswordPolicyCommand, DeleteAccountPasswordPolicyCommand,
  CreateLoginProfileCommand, CreateOpenIDConnectProviderCommand, GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand, AddClientIDToOpenIDConnectProviderCommand, DeleteOpenIDConnectProviderCommand,
  UploadServerCertificateCommand, GetServerCertificateCommand, ListServerCertificatesCommand, DeleteServerCertificateCommand,
  UploadSSHPublicKeyCommand, GetSSHPublicKeyCommand, ListSSHPublicKeysCommand, DeleteUserCommand,
  CreateServiceSpecificCredentialCommand, ListServiceSpecificCredentialsCommand, CreateServiceLinkedRoleCommand,
  DeleteServiceLinkedRoleCommand, GetServiceLinkedRoleDeletionStatusCommand, CreateSAMLProviderCommand, GetSAMLProviderCommand,
  GenerateCredentialReportCommand, GetCredentialReportCommand, CreateAccessKeyCommand, GetContextKeysForCustomPolicyCommand,
  UpdateRoleCommand, GetRoleCommand, AttachRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { callService } from '../../../src/core/internal-client.js';
import type { RequestContext } from '../../../src/services/service.js';
import { rootIdentity } from '../../../src/core/identity.js';
import { PY_IAM, cliError, doc, trust } from './util.js';

let n: Nimbus;
let iam: IAMClient;
before(async () => { n = await nimbus(); iam = new IAMClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const ACCT = '000000000000';

test('instance profiles: one role each, ListInstanceProfilesForRole, delete conflicts', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'web', AssumeRolePolicyDocument: trust({ Service: 'ec2.amazonaws.com' }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'other', AssumeRolePolicyDocument: trust({ Service: 'ec2.amazonaws.com' }) }));
  const { InstanceProfile } = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web-ip', Path: '/x/' }));
  assert.match(InstanceProfile!.InstanceProfileId!, /^AIPA[A-Z2-7]{17}$/);
  assert.equal(InstanceProfile!.Arn, `arn:aws:iam::${ACCT}:instance-profile/x/web-ip`);
  assert.deepEqual(InstanceProfile!.Roles, []);
  const dup = await rejects(iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web-ip' })), 'EntityAlreadyExistsException', 409);
  assert.equal(dup.message, 'Instance Profile web-ip already exists.');

  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-ip', RoleName: 'web' }));
  const full = await rejects(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-ip', RoleName: 'other' })), 'LimitExceededException', 409);
  assert.equal(full.message, 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
  const got = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web-ip' }));
  assert.deepEqual(got.InstanceProfile!.Roles!.map((r) => r.RoleName), ['web']);
  const forRole = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'web' }));
  assert.deepEqual(forRole.InstanceProfiles!.map((p) => p.InstanceProfileName), ['web-ip']);

  const roleConflict = await rejects(iam.send(new DeleteRoleCommand({ RoleName: 'web' })), 'DeleteConflictException', 409);
  assert.equal(roleConflict.message, 'Cannot delete entity, must remove roles from instance profile first.');
  const ipConflict = await rejects(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'web-ip' })), 'DeleteConflictException', 409);
  assert.equal(ipConflict.message, 'Cannot delete entity, must remove roles from instance profile first.');

  await iam.send(new TagInstanceProfileCommand({ InstanceProfileName: 'web-ip', Tags: [{ Key: 'a', Value: '1' }] }));
  assert.deepEqual((await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'web-ip' }))).Tags, [{ Key: 'a', Value: '1' }]);
  await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'web-ip', RoleName: 'web' }));
  await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'web-ip' }));
  await iam.send(new DeleteRoleCommand({ RoleName: 'web' }));
  const missing = await rejects(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web-ip' })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, 'Instance Profile web-ip cannot be found.');
  assert.deepEqual((await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles, []);

  const cli = await aws(n, ['iam', 'get-instance-profile', '--instance-profile-name', 'web-ip']);
  assert.deepEqual(cliError(cli), { code: 'NoSuchEntity', operation: 'GetInstanceProfile', message: 'Instance Profile web-ip cannot be found.' });
});

test('account alias, summary and password policy', async () => {
  await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'my-company' }));
  assert.deepEqual((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases, ['my-company']);
  const py = await boto3<unknown>(n, `${PY_IAM}
print(json.dumps(err(lambda: c.delete_account_alias(AccountAlias='other'))))`);
  assert.deepEqual(py, { code: 'NoSuchEntity', status: 404, message: 'The account alias other cannot be found.' });
  await iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'my-company' }));
  assert.deepEqual((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases, []);

  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: trust({ Service: 'ec2.amazonaws.com' }) }));
  const { SummaryMap } = await iam.send(new GetAccountSummaryCommand({}));
  assert.equal(SummaryMap!.Users, 1);
  assert.equal(SummaryMap!.Roles, 1);
  assert.equal(SummaryMap!.UsersQuota, 5000);
  assert.equal(SummaryMap!.AccessKeysPerUserQuota, 2);

  const none = await rejects(iam.send(new GetAccountPasswordPolicyCommand({})), 'NoSuchEntityException', 404);
  assert.equal(none.message, `The Password Policy with domain name ${ACCT} cannot be found.`);
  await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 12, RequireNumbers: true }));
  const { PasswordPolicy } = await iam.send(new GetAccountPasswordPolicyCommand({}));
  assert.equal(PasswordPolicy!.MinimumPasswordLength, 12);
  assert.equal(PasswordPolicy!.RequireNumbers, true);
  assert.equal(PasswordPolicy!.RequireSymbols, false);
  const short = await rejects(iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'short1' })), 'PasswordPolicyViolationException', 400);
  assert.equal(short.message, 'Password should have a minimum length of 12');
  const digits = await rejects(iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'longenoughpassword' })), 'PasswordPolicyViolationException', 400);
  assert.equal(digits.message, 'Password should have at least one number');
  await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'longenoughpassword1' }));
  await iam.send(new DeleteAccountPasswordPolicyCommand({}));
});

test('OpenID Connect providers', async () => {
  const url = 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC123';
  const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'] }));
  assert.equal(OpenIDConnectProviderArn, `arn:aws:iam::${ACCT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123`);
  const dup = await rejects(iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'] })), 'EntityAlreadyExistsException', 409);
  assert.equal(dup.message, `Provider with url ${url} already exists.`);
  await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn, ClientID: 'my-app' }));
  const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }));
  assert.equal(got.Url, 'oidc.eks.us-east-1.amazonaws.com/id/ABC123');
  assert.deepEqual(got.ClientIDList, ['sts.amazonaws.com', 'my-app']);
  assert.deepEqual((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList, [{ Arn: OpenIDConnectProviderArn }]);
  // A web-identity trust policy naming the provider is accepted.
  await iam.send(new CreateRoleCommand({ RoleName: 'irsa', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Federated: OpenIDConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/ABC123:aud': 'sts.amazonaws.com' } } }) }));
  await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }));
  const missing = await rejects(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, `OpenIDConnect Provider not found for arn ${OpenIDConnectProviderArn}`);
});

/** Self-signed certificates (node-forge, no openssl binary): one with its key, and another key. */
function selfSigned(): { cert: string; key: string; other: string } {
  const mk = (name: string) => {
    const keys = forge.pki.rsa.generateKeyPair(2048);
    const c = forge.pki.createCertificate();
    c.publicKey = keys.publicKey;
    c.serialNumber = '01';
    c.validity.notBefore = new Date();
    c.validity.notAfter = new Date(Date.now() + 30 * 86_400_000);
    c.setSubject([{ name: 'commonName', value: `${name}.example.com` }]);
    c.setIssuer(c.subject.attributes);
    c.sign(keys.privateKey, forge.md.sha256.create());
    return { cert: forge.pki.certificateToPem(c), key: forge.pki.privateKeyToPem(keys.privateKey) };
  };
  const a = mk('a');
  return { cert: a.cert, key: a.key, other: mk('b').key };
}

test('server certificates: parsed PEM, key pair checked, expiration read from the certificate', async () => {
  const { cert, key, other } = selfSigned();
  const bad = await rejects(iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'web', CertificateBody: 'not a cert', PrivateKey: key })), 'MalformedCertificateException', 400);
  assert.equal(bad.message, 'Unable to parse certificate. Please ensure the certificate is in PEM format.');
  await rejects(iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'web', CertificateBody: cert, PrivateKey: other })), 'KeyPairMismatchException', 400);
  const { ServerCertificateMetadata } = await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'web', Path: '/cloudfront/', CertificateBody: cert, PrivateKey: key }));
  assert.equal(ServerCertificateMetadata!.Arn, `arn:aws:iam::${ACCT}:server-certificate/cloudfront/web`);
  const days = (ServerCertificateMetadata!.Expiration!.getTime() - Date.now()) / 86_400_000;
  assert.ok(days > 29 && days < 31, `expires in ${days} days`);
  const got = await iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'web' }));
  assert.equal(got.ServerCertificate!.CertificateBody, cert);
  assert.equal((await iam.send(new ListServerCertificatesCommand({ PathPrefix: '/cloudfront/' }))).ServerCertificateMetadataList!.length, 1);
  await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'web' }));
  const missing = await rejects(iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'web' })), 'NoSuchEntityException', 404);
  assert.equal(missing.message, 'The Server Certificate with name web cannot be found.');
});

/** An OpenSSH ssh-rsa public key line for a fresh RSA key. */
function sshRsa(): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const mpint = (b64: string) => { let b = Buffer.from(b64, 'base64url'); if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]); return b; };
  const str = (b: Buffer) => { const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return Buffer.concat([l, b]); };
  return `ssh-rsa ${Buffer.concat([str(Buffer.from('ssh-rsa')), str(mpint(jwk.e)), str(mpint(jwk.n))]).toString('base64')} me@host`;
}

test('SSH public keys and service-specific credentials block DeleteUser until removed', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'dev' }));
  const body = sshRsa();
  const { SSHPublicKey } = await iam.send(new UploadSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyBody: body }));
  assert.match(SSHPublicKey!.SSHPublicKeyId!, /^APKA[A-Z2-7]{17}$/);
  assert.match(SSHPublicKey!.Fingerprint!, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  const pem = await iam.send(new GetSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyId: SSHPublicKey!.SSHPublicKeyId, Encoding: 'PEM' }));
  assert.match(pem.SSHPublicKey!.SSHPublicKeyBody!, /^-----BEGIN PUBLIC KEY-----/);
  assert.equal((await iam.send(new ListSSHPublicKeysCommand({ UserName: 'dev' }))).SSHPublicKeys!.length, 1);
  const conflict = await rejects(iam.send(new DeleteUserCommand({ UserName: 'dev' })), 'DeleteConflictException', 409);
  assert.match(conflict.message, /^Cannot delete entity, must delete SSH public keys first\.$/);

  const { ServiceSpecificCredential } = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceName: 'codecommit.amazonaws.com' }));
  assert.equal(ServiceSpecificCredential!.ServiceUserName, `dev-at-${ACCT}`);
  assert.ok(ServiceSpecificCredential!.ServicePassword!.length >= 40);
  const listed = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'dev' }));
  assert.equal('ServicePassword' in listed.ServiceSpecificCredentials![0], false);
  await rejects(iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'dev', ServiceName: 's3.amazonaws.com' })), 'ServiceNotSupportedException', 404);
});

test('service-linked roles: fixed path and name, protected, deleted through their own API', async () => {
  const { Role } = await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com' }));
  assert.equal(Role!.RoleName, 'AWSServiceRoleForAutoScaling');
  assert.equal(Role!.Path, '/aws-service-role/autoscaling.amazonaws.com/');
  const prot = await rejects(iam.send(new DeleteRoleCommand({ RoleName: 'AWSServiceRoleForAutoScaling' })), 'UnmodifiableEntityException', 400);
  assert.equal(prot.message, "Cannot perform the operation on the protected role 'AWSServiceRoleForAutoScaling' - this role is only modifiable by AWS");
  const { DeletionTaskId } = await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForAutoScaling' }));
  assert.equal((await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }))).Status, 'SUCCEEDED');
  await rejects(iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForAutoScaling' })), 'NoSuchEntityException', 404);
});

test('SAML providers, credential report, context keys, UpdateRole', async () => {
  const { cert } = selfSigned();
  const b64 = cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const metadata = `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/${'x'.repeat(600)}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor>`;
  const { SAMLProviderArn } = await iam.send(new CreateSAMLProviderCommand({ Name: 'corp', SAMLMetadataDocument: metadata }));
  assert.equal(SAMLProviderArn, `arn:aws:iam::${ACCT}:saml-provider/corp`);
  const saml = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn }));
  const days = (saml.ValidUntil!.getTime() - Date.now()) / 86_400_000;
  assert.ok(days > 29 && days < 31);

  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  await rejects(iam.send(new GetCredentialReportCommand({})), 'CredentialReportNotPresentException', 410);
  assert.equal((await iam.send(new GenerateCredentialReportCommand({}))).State, 'STARTED');
  assert.equal((await iam.send(new GenerateCredentialReportCommand({}))).State, 'COMPLETE');
  const report = await iam.send(new GetCredentialReportCommand({}));
  const lines = Buffer.from(report.Content!).toString('utf8').split('\n');
  assert.match(lines[0], /^user,arn,user_creation_time,password_enabled,/);
  assert.match(lines[1], /^<root_account>,arn:aws:iam::000000000000:root,/);
  assert.match(lines[2], /^alice,arn:aws:iam::000000000000:user\/alice,.*,false,.*,true,/);

  const keys = await iam.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: [doc({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' }, Bool: { 'aws:SecureTransport': 'true' } } })] }));
  assert.deepEqual(keys.ContextKeyNames, ['aws:RequestedRegion', 'aws:SecureTransport']);

  await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: trust({ Service: 'ec2.amazonaws.com' }) }));
  await iam.send(new UpdateRoleCommand({ RoleName: 'r', MaxSessionDuration: 43200, Description: 'long' }));
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'r' }));
  assert.equal(Role!.MaxSessionDuration, 43200);
  assert.equal(Role!.Description, 'long');
});

test('internal handlers for STS: GetRoleForAssume and VerifyMfaCode', async () => {
  const text = trust({ AWS: `arn:aws:iam::${ACCT}:root` });
  await iam.send(new CreateRoleCommand({ RoleName: 'deploy', Path: '/ci/', AssumeRolePolicyDocument: text, MaxSessionDuration: 7200 }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'deploy', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  const ctx: RequestContext = {
    service: 'sts', operation: 'AssumeRole', accountId: ACCT, region: 'us-east-1', requestId: 'r', caller: rootIdentity(ACCT, 'test'),
    protocol: 'query', endpoint: n.endpoint,
  };
  const r = await callService<{ Role: { RoleName: string; Arn: string; AssumeRolePolicyDocument: string; MaxSessionDuration: number } }>(
    ctx, 'iam', 'GetRoleForAssume', { RoleArn: `arn:aws:iam::${ACCT}:role/ci/deploy` });
  assert.equal(r.Role.RoleName, 'deploy');
  assert.equal(r.Role.AssumeRolePolicyDocument, text); // decoded
  assert.equal(r.Role.MaxSessionDuration, 7200);
  await assert.rejects(callService(ctx, 'iam', 'GetRoleForAssume', { RoleArn: `arn:aws:iam::${ACCT}:role/deploy` }), { code: 'NoSuchEntity' });
  await assert.rejects(callService(ctx, 'iam', 'GetRoleForAssume', { RoleArn: `arn:aws:iam::${ACCT}:role/nope` }), { code: 'NoSuchEntity' });
  const v = await callService<{ valid: boolean; reason?: string }>(ctx, 'iam', 'VerifyMfaCode', { SerialNumber: `arn:aws:iam::${ACCT}:mfa/none`, TokenCode: '123456', UserName: 'x' });
  assert.equal(v.valid, false);
});
