// --verify-signatures: SigV4 header and presigned-query signatures checked against the
// secrets of IAM access keys, STS credentials and the default test/test key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateUserCommand, CreateAccessKeyCommand, CreateRoleCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { aws, boto3, nimbus, rejects, sdk } from '../helpers.js';
import type { Nimbus } from '../../src/index.js';

let n: Nimbus;
before(async () => { n = await nimbus({ verifySignatures: true }); });
after(async () => { await n.stop(); });

test('the default test/test key signs; a wrong secret is SignatureDoesNotMatch; an unknown key is InvalidClientTokenId', async () => {
  assert.equal((await new STSClient(sdk(n)).send(new GetCallerIdentityCommand({}))).Account, '000000000000');
  const bad = await rejects(new STSClient(sdk(n, { accessKeyId: 'test', secretAccessKey: 'nope' })).send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch', 403);
  assert.match(bad.message, /^The request signature we calculated does not match the signature you provided/);
  const unknown = await rejects(new STSClient(sdk(n, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' })).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
  assert.equal(unknown.message, 'The security token included in the request is invalid.');
});

test('IAM access keys and STS temporary credentials sign requests', async () => {
  const iam = new IAMClient(sdk(n));
  await iam.send(new CreateUserCommand({ UserName: 'signer' }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'signer' }));
  const user = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  assert.equal((await new STSClient(sdk(n, user)).send(new GetCallerIdentityCommand({}))).Arn, 'arn:aws:iam::000000000000:user/signer');
  await rejects(new STSClient(sdk(n, { ...user, secretAccessKey: 'x'.repeat(40) })).send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch', 403);

  await iam.send(new CreateRoleCommand({ RoleName: 'signed', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/signer' }, Action: 'sts:AssumeRole' }] }) }));
  const { Credentials } = await new STSClient(sdk(n, user)).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/signed', RoleSessionName: 'vv' }));
  const temp = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
  assert.equal((await new STSClient(sdk(n, temp)).send(new GetCallerIdentityCommand({}))).Arn, 'arn:aws:sts::000000000000:assumed-role/signed/vv');
  // The session token is part of the credential: without it the key is not valid.
  await rejects(new STSClient(sdk(n, { accessKeyId: temp.accessKeyId, secretAccessKey: temp.secretAccessKey })).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);

  // The aws CLI and boto3 sign the query protocol their own way.
  const cli = await aws(n, ['sts', 'get-caller-identity'], user);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).Arn, 'arn:aws:iam::000000000000:user/signer');
  const names = await boto3<string[]>(n, `print(json.dumps([u['UserName'] for u in boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1').list_users()['Users']]))`, user);
  assert.ok(names.includes('signer'));
  const wrong = await aws(n, ['iam', 'list-users'], { ...user, secretAccessKey: 'y'.repeat(40) });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /SignatureDoesNotMatch/);
  assert.ok((await new IAMClient(sdk(n, user)).send(new ListUsersCommand({}))).Users!.length >= 1);
});

test('S3 requests with aws-chunked streaming bodies are verified too', async () => {
  const s3 = new S3Client({ ...sdk(n), forcePathStyle: true });
  // Past authentication, S3 PutObject reaches its handler (501 until S3 is implemented).
  const reached = await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'a/b c.txt', Body: 'hello' })).catch((e) => e);
  assert.notEqual(reached.name, 'SignatureDoesNotMatch', reached.message);
  const bad = new S3Client({ ...sdk(n, { accessKeyId: 'test', secretAccessKey: 'wrong' }), forcePathStyle: true });
  await rejects(bad.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'hello' })), 'SignatureDoesNotMatch', 403);
});

test('presigned URLs: valid until X-Amz-Expires, then AccessDenied "Request has expired" on the virtual clock', async () => {
  const url = new URL(n.endpoint);
  const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, sha256: Sha256 });
  const req = await signer.presign({
    method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: url.host },
  }, { expiresIn: 60 });
  const q = new URLSearchParams(req.query as Record<string, string>).toString();
  const ok = await fetch(`${n.endpoint}/?${q}`);
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /<Arn>arn:aws:iam::000000000000:root<\/Arn>/);
  const tampered = await fetch(`${n.endpoint}/?${q.replace('GetCallerIdentity', 'GetSessionToken')}`);
  assert.equal(tampered.status, 403);
  assert.match(await tampered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  n.clock.advance('PT61S');
  const late = await fetch(`${n.endpoint}/?${q}`);
  assert.equal(late.status, 403);
  const body = await late.text();
  assert.match(body, /<Code>AccessDenied<\/Code>/);
  assert.match(body, /<Message>Request has expired<\/Message>/);
  n.reset();
});
