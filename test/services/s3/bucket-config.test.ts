// Bucket configurations through the JS SDK v3, the aws CLI and boto3: stored and returned, with
// S3's "not configured" errors; ACLs; CORS preflights answered from the bucket's rules.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteBucketCorsCommand, DeleteBucketEncryptionCommand, DeleteBucketOwnershipControlsCommand, DeleteBucketPolicyCommand,
  DeleteBucketWebsiteCommand, DeletePublicAccessBlockCommand, GetBucketAccelerateConfigurationCommand, GetBucketAclCommand, GetBucketCorsCommand,
  GetBucketEncryptionCommand, GetBucketLoggingCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, GetBucketPolicyStatusCommand,
  GetBucketRequestPaymentCommand, GetBucketTaggingCommand, GetBucketWebsiteCommand, GetObjectAclCommand, GetPublicAccessBlockCommand,
  PutBucketAccelerateConfigurationCommand, PutBucketAclCommand, PutBucketCorsCommand, PutBucketEncryptionCommand, PutBucketLoggingCommand,
  PutBucketOwnershipControlsCommand, PutBucketPolicyCommand, PutBucketRequestPaymentCommand, PutBucketWebsiteCommand, PutObjectAclCommand,
  PutObjectCommand, PutPublicAccessBlockCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { aws, boto3, nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { s3 } from './util.js';
import { matchCors } from '../../../src/services/s3/cors.js';

let n: Nimbus;
let c: S3Client;
const B = 'config-bucket';
before(async () => { n = await nimbus(); c = s3(n); });
after(async () => { await n.stop(); });
beforeEach(async () => { n.reset(); await c.send(new CreateBucketCommand({ Bucket: B })); });

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` }],
});

test('bucket policy: NoSuchBucketPolicy, stored verbatim, MalformedPolicy, GetBucketPolicyStatus', async () => {
  await rejects(c.send(new GetBucketPolicyCommand({ Bucket: B })), 'NoSuchBucketPolicy', 404);
  await rejects(c.send(new GetBucketPolicyStatusCommand({ Bucket: B })), 'NoSuchBucketPolicy', 404);
  await rejects(c.send(new PutBucketPolicyCommand({ Bucket: B, Policy: '{not json' })), 'MalformedPolicy', 400);
  await rejects(c.send(new PutBucketPolicyCommand({ Bucket: B, Policy: '{"Version":"2012-10-17"}' })), 'MalformedPolicy', 400);
  const spaced = policy.replace(/,/g, ', ');
  await c.send(new PutBucketPolicyCommand({ Bucket: B, Policy: spaced }));
  assert.equal((await c.send(new GetBucketPolicyCommand({ Bucket: B }))).Policy, spaced);
  assert.equal((await c.send(new GetBucketPolicyStatusCommand({ Bucket: B }))).PolicyStatus?.IsPublic, true);
  await c.send(new DeleteBucketPolicyCommand({ Bucket: B }));
  await rejects(c.send(new GetBucketPolicyCommand({ Bucket: B })), 'NoSuchBucketPolicy', 404);
  // The aws CLI round trip.
  const r = await aws(n, ['s3api', 'put-bucket-policy', '--bucket', B, '--policy', policy]);
  assert.equal(r.code, 0, r.stderr);
  const g = await aws(n, ['s3api', 'get-bucket-policy', '--bucket', B]);
  assert.equal(JSON.parse(g.stdout).Policy, policy);
});

test('CORS, encryption, ownership controls, public access block, website: stored, returned, not-configured errors', async () => {
  await rejects(c.send(new GetBucketCorsCommand({ Bucket: B })), 'NoSuchCORSConfiguration', 404);
  const rules = [{ AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 300 }];
  await c.send(new PutBucketCorsCommand({ Bucket: B, CORSConfiguration: { CORSRules: rules } }));
  assert.deepEqual((await c.send(new GetBucketCorsCommand({ Bucket: B }))).CORSRules, rules);
  await rejects(c.send(new PutBucketCorsCommand({ Bucket: B, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }] } })), 'InvalidRequest', 400);
  await c.send(new DeleteBucketCorsCommand({ Bucket: B }));
  await rejects(c.send(new GetBucketCorsCommand({ Bucket: B })), 'NoSuchCORSConfiguration', 404);

  // Every bucket has SSE-S3 by default.
  const e0 = await c.send(new GetBucketEncryptionCommand({ Bucket: B }));
  assert.equal(e0.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
  await c.send(new PutBucketEncryptionCommand({ Bucket: B, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/k' }, BucketKeyEnabled: true }] } }));
  const e1 = await c.send(new GetBucketEncryptionCommand({ Bucket: B }));
  assert.equal(e1.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.KMSMasterKeyID, 'alias/k');
  assert.equal(e1.ServerSideEncryptionConfiguration?.Rules?.[0].BucketKeyEnabled, true);
  await c.send(new DeleteBucketEncryptionCommand({ Bucket: B }));

  await rejects(c.send(new GetBucketOwnershipControlsCommand({ Bucket: B })), 'OwnershipControlsNotFoundError', 404);
  await c.send(new PutBucketOwnershipControlsCommand({ Bucket: B, OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }));
  assert.equal((await c.send(new GetBucketOwnershipControlsCommand({ Bucket: B }))).OwnershipControls?.Rules?.[0].ObjectOwnership, 'ObjectWriter');
  await c.send(new DeleteBucketOwnershipControlsCommand({ Bucket: B }));
  await rejects(c.send(new GetBucketOwnershipControlsCommand({ Bucket: B })), 'OwnershipControlsNotFoundError', 404);

  await rejects(c.send(new GetPublicAccessBlockCommand({ Bucket: B })), 'NoSuchPublicAccessBlockConfiguration', 404);
  await c.send(new PutPublicAccessBlockCommand({ Bucket: B, PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true } }));
  assert.deepEqual((await c.send(new GetPublicAccessBlockCommand({ Bucket: B }))).PublicAccessBlockConfiguration,
    { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: true });
  // BlockPublicPolicy refuses a public policy; BlockPublicAcls a public ACL.
  await c.send(new PutPublicAccessBlockCommand({ Bucket: B, PublicAccessBlockConfiguration: { BlockPublicPolicy: true } }));
  await rejects(c.send(new PutBucketPolicyCommand({ Bucket: B, Policy: policy })), 'AccessDenied', 403);
  await c.send(new DeletePublicAccessBlockCommand({ Bucket: B }));
  await c.send(new PutBucketPolicyCommand({ Bucket: B, Policy: policy }));

  await rejects(c.send(new GetBucketWebsiteCommand({ Bucket: B })), 'NoSuchWebsiteConfiguration', 404);
  await rejects(c.send(new PutBucketWebsiteCommand({ Bucket: B, WebsiteConfiguration: {} })), 'InvalidArgument', 400);
  await c.send(new PutBucketWebsiteCommand({ Bucket: B, WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'err.html' } } }));
  const w = await c.send(new GetBucketWebsiteCommand({ Bucket: B }));
  assert.equal(w.IndexDocument?.Suffix, 'index.html');
  assert.equal(w.ErrorDocument?.Key, 'err.html');
  await c.send(new DeleteBucketWebsiteCommand({ Bucket: B }));
  await rejects(c.send(new GetBucketWebsiteCommand({ Bucket: B })), 'NoSuchWebsiteConfiguration', 404);
  await rejects(c.send(new GetBucketTaggingCommand({ Bucket: B })), 'NoSuchTagSet', 404);
});

test('logging, request payment, accelerate', async () => {
  assert.equal((await c.send(new GetBucketLoggingCommand({ Bucket: B }))).LoggingEnabled, undefined);
  await rejects(c.send(new PutBucketLoggingCommand({ Bucket: B, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'nope-bucket', TargetPrefix: 'l/' } } })), 'InvalidTargetBucketForLogging', 400);
  await c.send(new CreateBucketCommand({ Bucket: 'log-target' }));
  await c.send(new PutBucketLoggingCommand({ Bucket: B, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'log-target', TargetPrefix: 'l/' } } }));
  assert.equal((await c.send(new GetBucketLoggingCommand({ Bucket: B }))).LoggingEnabled?.TargetBucket, 'log-target');
  assert.equal((await c.send(new GetBucketRequestPaymentCommand({ Bucket: B }))).Payer, 'BucketOwner');
  await c.send(new PutBucketRequestPaymentCommand({ Bucket: B, RequestPaymentConfiguration: { Payer: 'Requester' } }));
  assert.equal((await c.send(new GetBucketRequestPaymentCommand({ Bucket: B }))).Payer, 'Requester');
  assert.equal((await c.send(new GetBucketAccelerateConfigurationCommand({ Bucket: B }))).Status, undefined);
  await c.send(new PutBucketAccelerateConfigurationCommand({ Bucket: B, AccelerateConfiguration: { Status: 'Enabled' } }));
  assert.equal((await c.send(new GetBucketAccelerateConfigurationCommand({ Bucket: B }))).Status, 'Enabled');
});

test('ACLs: owner full control by default; ACLs disabled under BucketOwnerEnforced; canned ACLs with ObjectWriter', async () => {
  const a = await c.send(new GetBucketAclCommand({ Bucket: B }));
  assert.match(a.Owner!.ID!, /^[0-9a-f]{64}$/);
  assert.deepEqual(a.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.ID, g.Permission]), [['CanonicalUser', a.Owner!.ID, 'FULL_CONTROL']]);
  await rejects(c.send(new PutBucketAclCommand({ Bucket: B, ACL: 'public-read' })), 'AccessControlListNotSupported', 400);
  await rejects(c.send(new CreateBucketCommand({ Bucket: 'acl-bucket', ACL: 'public-read' })), 'InvalidBucketAclWithObjectOwnership', 400);
  await c.send(new CreateBucketCommand({ Bucket: 'acl-bucket', ObjectOwnership: 'ObjectWriter' }));
  await c.send(new PutPublicAccessBlockCommand({ Bucket: 'acl-bucket', PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
  await rejects(c.send(new PutBucketAclCommand({ Bucket: 'acl-bucket', ACL: 'public-read' })), 'AccessDenied', 403);
  await c.send(new DeletePublicAccessBlockCommand({ Bucket: 'acl-bucket' }));
  await c.send(new PutBucketAclCommand({ Bucket: 'acl-bucket', ACL: 'public-read' }));
  const pr = await c.send(new GetBucketAclCommand({ Bucket: 'acl-bucket' }));
  assert.deepEqual(pr.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI, g.Permission]), [
    ['CanonicalUser', undefined, 'FULL_CONTROL'], ['Group', 'http://acs.amazonaws.com/groups/global/AllUsers', 'READ'],
  ]);
  await c.send(new PutObjectCommand({ Bucket: 'acl-bucket', Key: 'o', Body: 'x' }));
  await c.send(new PutObjectAclCommand({ Bucket: 'acl-bucket', Key: 'o', GrantRead: 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"' }));
  const oa = await c.send(new GetObjectAclCommand({ Bucket: 'acl-bucket', Key: 'o' }));
  assert.deepEqual(oa.Grants?.map((g) => [g.Grantee?.URI, g.Permission]), [['http://acs.amazonaws.com/groups/global/AuthenticatedUsers', 'READ']]);
  const out = await boto3<string[]>(n, `
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1')
s3.put_object_acl(Bucket='acl-bucket', Key='o', ACL='public-read')
print(json.dumps([g['Permission'] for g in s3.get_object_acl(Bucket='acl-bucket', Key='o')['Grants']]))
`);
  assert.deepEqual(out, ['FULL_CONTROL', 'READ']);
});

test('CORS preflight: first matching rule answers; no match or no configuration is 403 CORSResponse', async () => {
  const rules = [
    { AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['PUT'], AllowedHeaders: ['content-*', 'x-amz-*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 },
    { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
  ];
  const m = matchCors(rules, 'https://app.example.com', 'PUT', ['content-type', 'x-amz-date']);
  assert.deepEqual(m && [m.AccessControlAllowOrigin, m.AccessControlAllowMethods, m.AccessControlAllowHeaders, m.AccessControlMaxAge, m.AccessControlExposeHeaders],
    ['https://app.example.com', 'PUT', 'content-type, x-amz-date', '600', 'ETag']);
  assert.equal(matchCors(rules, 'https://app.example.com', 'PUT', ['authorization']), undefined);
  assert.equal(matchCors(rules, 'https://evil.com', 'GET', [])?.AccessControlAllowOrigin, '*');
  assert.equal(matchCors(rules, 'https://evil.com', 'PUT', []), undefined);

  // Browser preflights (OPTIONS with Origin and Access-Control-Request-Method) to a bucket are
  // answered from its rules; elsewhere the gateway answers them generically.
  const preflight = (path: string, method: string, headers = '') => fetch(`${n.endpoint}${path}`, { method: 'OPTIONS', headers: {
    origin: 'https://app.example.com', 'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) } });
  const none = await preflight(`/${B}/k`, 'PUT');
  assert.equal(none.status, 403);
  assert.match(await none.text(), /<Code>CORSResponse<\/Code><Message>CORS is not enabled for this bucket.<\/Message>/);
  await c.send(new PutBucketCorsCommand({ Bucket: B, CORSConfiguration: { CORSRules: rules } }));
  const ok = await preflight(`/${B}/k`, 'PUT', 'content-type');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.com');
  assert.equal(ok.headers.get('access-control-allow-methods'), 'PUT');
  assert.equal(ok.headers.get('access-control-max-age'), '600');
  const denied = await preflight(`/${B}/k`, 'DELETE');
  assert.equal(denied.status, 403);
  assert.match(await denied.text(), /This CORS request is not allowed/);
  const elsewhere = await preflight('/', 'POST', 'x-amz-target');
  assert.equal(elsewhere.status, 200, 'a preflight for another service gets the generic answer');
  assert.equal(elsewhere.headers.get('access-control-allow-origin'), '*');

  // Ordinary browser requests carry the matching rule's headers, or none at all.
  await c.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x' }));
  const auth = { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' };
  const get = await fetch(`${n.endpoint}/${B}/k`, { headers: { ...auth, origin: 'https://evil.com' } });
  assert.equal(get.status, 200);
  assert.equal(get.headers.get('access-control-allow-origin'), '*', 'the second rule allows GET from anywhere');
  const put = await fetch(`${n.endpoint}/${B}/k2`, { method: 'PUT', body: 'y', headers: { ...auth, origin: 'https://evil.com' } });
  assert.equal(put.status, 200);
  assert.equal(put.headers.get('access-control-allow-origin'), null, 'no rule allows PUT from there');
  const fromApp = await fetch(`${n.endpoint}/${B}/k3`, { method: 'PUT', body: 'z', headers: { ...auth, origin: 'https://app.example.com' } });
  assert.equal(fromApp.headers.get('access-control-allow-origin'), 'https://app.example.com');
  assert.equal(fromApp.headers.get('access-control-expose-headers'), 'ETag');
});
