// The five codecs against the official SDK's own code (@aws-sdk/client-* v3):
//  - request: what the SDK serializes must resolve to the same operation and decode to the
//    same input (plus the members the SDK adds itself, e.g. checksum algorithms);
//  - response: what the codec encodes must parse in the SDK to the same output;
//  - error: what the codec encodes for a ServiceError must surface as the SDK's exception
//    with the right name, message, status, request id and fields.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command, PutBucketTaggingCommand,
  DeleteObjectsCommand, CompleteMultipartUploadCommand, GetBucketAclCommand, PutBucketAclCommand,
} from '@aws-sdk/client-s3';
import {
  LambdaClient, CreateFunctionCommand, InvokeCommand, ListFunctionsCommand, GetFunctionCommand,
  GetEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { IAMClient, CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { EC2Client, RunInstancesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { queryCodec, ec2Codec } from '../../src/protocols/query.js';
import { jsonCodec } from '../../src/protocols/json.js';
import { restXmlCodec } from '../../src/protocols/rest-xml.js';
import { restJsonCodec } from '../../src/protocols/rest-json.js';
import { ServiceError } from '../../src/core/errors.js';
import { Harness, bytesOf, crc32Base64, ctx, plain } from './sdk-harness.js';

const crc32b64 = crc32Base64;
const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');

/** Asserts the SDK's exception: class name, message, HTTP status and request id. */
function assertSdkError(e: Error & Record<string, unknown>, name: string, message: string, status: number) {
  assert.equal(e.name, name);
  assert.equal(e.message, message);
  const meta = e.$metadata as { httpStatusCode: number; requestId: string };
  assert.equal(meta.httpStatusCode, status);
  assert.equal(meta.requestId, ctx.requestId);
}

// ---------------------------------------------------------------------------------------------
describe('rest-xml (S3)', () => {
  const h = new Harness(restXmlCodec, 's3', (c) => new S3Client({ ...c, forcePathStyle: true }));

  test('PutObject: streaming body (aws-chunked + CRC32 trailer), metadata and typed headers', async () => {
    const body = Buffer.alloc(100_000, 'x');
    const input = {
      Bucket: 'my-bucket', Key: 'photos/2024/a b+c&d.jpg', ContentLength: body.length,
      ContentType: 'image/jpeg', CacheControl: 'max-age=60', StorageClass: 'STANDARD_IA' as const,
      Metadata: { owner: 'alice', 'trip-id': '42' }, Tagging: 'a=1&b=2',
      ObjectLockRetainUntilDate: new Date('2030-01-02T03:04:05Z'), BucketKeyEnabled: true,
    };
    const { op, input: decoded, req } = await h.request(new PutObjectCommand({ ...input, Body: Readable.from([body.subarray(0, 50_000), body.subarray(50_000)]) }));
    assert.equal(op?.name, 'PutObject');
    assert.equal(restXmlCodec.streamsInput!(op!, h.model), true);
    const got = { ...decoded } as Record<string, unknown>;
    assert.ok(got.Body instanceof Readable, 'a streaming payload decodes to a stream');
    assert.ok((await bytesOf(got.Body)).equals(body));
    delete got.Body;
    // The SDK adds its checksum algorithm; the CRC32 itself travels in the aws-chunked trailer.
    assert.deepEqual(plain(got), plain({ ...input, ChecksumAlgorithm: 'CRC32' }));
    assert.equal(req.trailers?.()['x-amz-checksum-crc32'], crc32b64(body));
  });

  test('GetObject request: query and conditional headers', async () => {
    const input = {
      Bucket: 'b', Key: 'dir/k', Range: 'bytes=0-9', IfModifiedSince: new Date('2024-05-06T07:08:09Z'),
      IfNoneMatch: '"etag"', VersionId: 'v1', ResponseContentType: 'text/plain', PartNumber: 2,
      ResponseExpires: new Date('2031-01-01T00:00:00Z'),
    };
    const { op, input: decoded } = await h.request(new GetObjectCommand(input));
    assert.equal(op?.name, 'GetObject');
    // The SDK asks for response checksums (x-amz-checksum-mode) unless configured otherwise.
    assert.deepEqual(plain(decoded), plain({ ...input, ChecksumMode: 'ENABLED' }));
  });

  test('GetObject response: status, headers, metadata and body', async () => {
    const body = Buffer.from('hello, world');
    const output = {
      Body: body, ContentType: 'text/plain', ContentLength: body.length, ETag: '"5a42"', AcceptRanges: 'bytes',
      LastModified: new Date('2024-01-02T03:04:05Z'), Metadata: { owner: 'alice' }, VersionId: 'v9',
      ChecksumCRC32: crc32b64(body), TagCount: 3, ContentDisposition: 'attachment; filename="a.txt"',
      ObjectLockLegalHoldStatus: 'ON' as const, MissingMeta: 1,
    };
    const got = await h.response('GetObject', output, new GetObjectCommand({ Bucket: 'b', Key: 'k', ChecksumMode: 'ENABLED' }));
    const sdkBody = got.Body as { transformToString(): Promise<string> };
    assert.equal(await sdkBody.transformToString(), 'hello, world');
    const { Body: _b, ...rest } = output;
    const { Body: _s, ...gotRest } = got;
    assert.deepEqual(plain(gotRest), plain(rest));
    assert.equal((got.$metadata as { httpStatusCode: number }).httpStatusCode, 200);
    assert.equal((got.$metadata as { requestId: string }).requestId, ctx.requestId);
  });

  test('GetObject response from a stream body', async () => {
    const output = { Body: Readable.from([Buffer.from('part1-'), Buffer.from('part2')]), ContentLength: 11 };
    const got = await h.response('GetObject', output, new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    assert.equal(await (got.Body as { transformToString(): Promise<string> }).transformToString(), 'part1-part2');
    assert.equal(got.ContentLength, 11);
  });

  test('ListObjectsV2: query request; flattened Contents and CommonPrefixes in the response', async () => {
    const input = { Bucket: 'b', Prefix: 'photos/', Delimiter: '/', MaxKeys: 2, ContinuationToken: 'tok', StartAfter: 'photos/a', FetchOwner: true };
    const { op, input: decoded } = await h.request(new ListObjectsV2Command(input));
    assert.equal(op?.name, 'ListObjectsV2');
    assert.deepEqual(plain(decoded), plain(input));

    const output = {
      Name: 'b', Prefix: 'photos/', Delimiter: '/', MaxKeys: 2, KeyCount: 2, IsTruncated: true,
      ContinuationToken: 'tok', NextContinuationToken: 'next & <more>', StartAfter: 'photos/a',
      Contents: [
        { Key: 'photos/a&b.jpg', LastModified: new Date('2024-01-01T00:00:00Z'), ETag: '"e1"', Size: 1024, StorageClass: 'STANDARD' as const,
          Owner: { ID: 'owner-id', DisplayName: 'me' }, ChecksumAlgorithm: ['CRC32' as const] },
        { Key: 'photos/c.jpg', LastModified: new Date('2024-01-02T00:00:00Z'), ETag: '"e2"', Size: 0, StorageClass: 'GLACIER' as const },
      ],
      CommonPrefixes: [{ Prefix: 'photos/2023/' }, { Prefix: 'photos/2024/' }],
    };
    const r = h.codec.encode(output, h.op('ListObjectsV2'), h.model, ctx);
    // Flattened: items repeat directly under the root, no wrapper element.
    assert.match(String(r.body), /<\/Contents><Contents>/);
    // The root element is AWS's ListBucketResult, not the output shape's name (models/patches/s3.json).
    assert.match(String(r.body), /^<\?xml version="1.0" encoding="UTF-8"\?><ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
    const got = await h.response('ListObjectsV2', output, new ListObjectsV2Command({ Bucket: 'b' }));
    assert.deepEqual(plain(got), plain(output));
  });

  test('PutBucketTagging: XML payload with escaped text', async () => {
    const input = { Bucket: 'b', Tagging: { TagSet: [{ Key: 'env', Value: 'prod & <test>' }, { Key: 'empty', Value: '' }, { Key: 'ü', Value: '"q"' }] } };
    const { op, input: decoded, req } = await h.request(new PutBucketTaggingCommand(input));
    assert.equal(op?.name, 'PutBucketTagging');
    assert.equal(req.query.some(([k]) => k === 'tagging'), true);
    // The operation requires a checksum: the SDK adds one (its algorithm and value as headers).
    assert.deepEqual(plain(decoded), plain({ ...input, ChecksumAlgorithm: 'CRC32' }));
  });

  test('DeleteObjects: XML payload with a flattened list; response with Deleted and Error items', async () => {
    const input = { Bucket: 'b', Delete: { Objects: [{ Key: 'a.txt', VersionId: 'v1' }, { Key: 'dir/b.txt' }], Quiet: false } };
    const { op, input: decoded } = await h.request(new DeleteObjectsCommand(input));
    assert.equal(op?.name, 'DeleteObjects');
    assert.deepEqual(plain(decoded), plain({ ...input, ChecksumAlgorithm: 'CRC32' }));

    const output = {
      Deleted: [{ Key: 'a.txt', VersionId: 'v1', DeleteMarker: true, DeleteMarkerVersionId: 'dm1' }],
      Errors: [{ Key: 'dir/b.txt', Code: 'AccessDenied', Message: 'Access Denied' }],
    };
    const got = await h.response('DeleteObjects', output, new DeleteObjectsCommand(input));
    assert.deepEqual(plain(got), plain(output));
  });

  test('CompleteMultipartUpload: query id, XML parts; response body and header members', async () => {
    const input = {
      Bucket: 'b', Key: 'big.bin', UploadId: 'up/1+2',
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"p1"', ChecksumCRC32: 'AAAAAA==' }, { PartNumber: 2, ETag: '"p2"' }] },
    };
    const { op, input: decoded } = await h.request(new CompleteMultipartUploadCommand(input));
    assert.equal(op?.name, 'CompleteMultipartUpload');
    assert.deepEqual(plain(decoded), plain(input));

    const output = {
      Location: 'http://localhost:4566/b/big.bin', Bucket: 'b', Key: 'big.bin', ETag: '"abc-2"',
      VersionId: 'v3', ServerSideEncryption: 'AES256' as const, BucketKeyEnabled: false,
    };
    const got = await h.response('CompleteMultipartUpload', output, new CompleteMultipartUploadCommand(input));
    assert.deepEqual(plain(got), plain(output));
  });

  test('ACLs: xsi:type attributes and their namespace, both directions', async () => {
    const acl = {
      Owner: { ID: 'owner-id', DisplayName: 'me' },
      Grants: [
        { Grantee: { Type: 'CanonicalUser' as const, ID: 'owner-id', DisplayName: 'me' }, Permission: 'FULL_CONTROL' as const },
        { Grantee: { Type: 'Group' as const, URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' as const },
      ],
    };
    const { op, input: decoded } = await h.request(new PutBucketAclCommand({ Bucket: 'b', AccessControlPolicy: acl }));
    assert.equal(op?.name, 'PutBucketAcl');
    assert.deepEqual(plain(decoded), plain({ Bucket: 'b', AccessControlPolicy: acl, ChecksumAlgorithm: 'CRC32' }));
    const r = h.codec.encode(acl, h.op('GetBucketAcl'), h.model, ctx);
    // xsi:type needs its prefix declared, which the Grantee shape (not the member) carries.
    assert.match(String(r.body), /<Grantee xmlns:xsi="http:\/\/www.w3.org\/2001\/XMLSchema-instance" xsi:type="CanonicalUser">/);
    const got = await h.response('GetBucketAcl', acl, new GetBucketAclCommand({ Bucket: 'b' }));
    assert.deepEqual(plain(got), plain(acl));
  });

  test('virtual-hosted-style requests route by the host bucket', async () => {
    const vh = new Harness(restXmlCodec, 's3', (c) => new S3Client({ ...c, endpoint: 'http://s3.localhost:4566' }));
    await vh.request(new ListObjectsV2Command({ Bucket: 'my-bucket', Prefix: 'a/' }));
    assert.equal(vh.wire.raw?.hostname, 'my-bucket.s3.localhost');
    const req = { ...vh.wire.captured!, hostBucket: 'my-bucket' };
    assert.equal(req.path, '/');
    const op = vh.codec.resolve(req, vh.model);
    assert.equal(op?.name, 'ListObjectsV2');
    assert.deepEqual(plain(vh.codec.decode(req, op!, vh.model)), { Bucket: 'my-bucket', Prefix: 'a/' });
    await vh.request(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'dir/file name.txt' }));
    const get = { ...vh.wire.captured!, hostBucket: 'my-bucket' };
    assert.equal(vh.codec.resolve(get, vh.model)?.name, 'GetObject');
    assert.deepEqual(plain(vh.codec.decode(get, vh.op('GetObject'), vh.model)), { Bucket: 'my-bucket', Key: 'dir/file name.txt', ChecksumMode: 'ENABLED' });
  });

  test('NoSuchKey error: S3 error document, request ids, extra fields', async () => {
    const err = new ServiceError('NoSuchKey', 'The specified key does not exist.', undefined, { Key: 'missing.txt' });
    const r = h.codec.encodeError(err, h.op('GetObject'), h.model, ctx);
    assert.equal(r.status, 404);
    assert.equal(r.headers['x-amz-request-id'], ctx.requestId);
    assert.match(String(r.body), /^<\?xml version="1.0" encoding="UTF-8"\?><Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>missing.txt<\/Key><RequestId>req-0123456789abcdef<\/RequestId><HostId>[A-Za-z0-9+/=]+<\/HostId><\/Error>$/);
    const e = await h.error('GetObject', err, new GetObjectCommand({ Bucket: 'b', Key: 'missing.txt' }));
    assertSdkError(e, 'NoSuchKey', 'The specified key does not exist.', 404);
    assert.equal((e.$metadata as { extendedRequestId: string }).extendedRequestId, r.headers['x-amz-id-2']);
    assert.equal(e.Code, 'NoSuchKey');
    assert.equal(e.Key, 'missing.txt');
  });

  test('NoSuchBucket and an unmodelled error code', async () => {
    const e = await h.error('ListObjectsV2', new ServiceError('NoSuchBucket', 'The specified bucket does not exist', undefined, { BucketName: 'nope' }),
      new ListObjectsV2Command({ Bucket: 'nope' }));
    assertSdkError(e, 'NoSuchBucket', 'The specified bucket does not exist', 404);
    assert.equal(e.BucketName, 'nope');
    const e2 = await h.error('PutBucketTagging', new ServiceError('InvalidTag', 'The TagKey you have provided is invalid', 400),
      new PutBucketTaggingCommand({ Bucket: 'b', Tagging: { TagSet: [] } }));
    assertSdkError(e2, 'InvalidTag', 'The TagKey you have provided is invalid', 400);
  });

  test('malformed XML and invalid scalars are S3 errors', () => {
    const op = h.op('PutBucketTagging');
    const req = { method: 'PUT', path: '/b', query: [['tagging', '']] as [string, string][], headers: {}, body: Buffer.from('<Tagging><TagSet>') };
    assert.throws(() => h.codec.decode(req, op, h.model), (e: ServiceError) => e.code === 'MalformedXML' && e.status === 400);
    const list = { method: 'GET', path: '/b', query: [['list-type', '2'], ['max-keys', 'ten']] as [string, string][], headers: {}, body: Buffer.alloc(0) };
    assert.throws(() => h.codec.decode(list, h.op('ListObjectsV2'), h.model), (e: ServiceError) => e.code === 'InvalidArgument' && e.status === 400);
  });
});

// ---------------------------------------------------------------------------------------------
describe('rest-json (Lambda)', () => {
  const h = new Harness(restJsonCodec, 'lambda', (c) => new LambdaClient(c));

  const fnConfig = {
    FunctionName: 'my-fn', FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:my-fn', Runtime: 'nodejs20.x' as const,
    Role: 'arn:aws:iam::000000000000:role/r', Handler: 'index.handler', CodeSize: 5_000_000_000, Description: 'd', Timeout: 30,
    MemorySize: 256, LastModified: '2024-01-02T03:04:05.000+0000', CodeSha256: 'abc=', Version: '$LATEST',
    Environment: { Variables: { A: '1', B: 'two words' } }, State: 'Active' as const, Architectures: ['arm64' as const],
    Layers: [{ Arn: 'arn:aws:lambda:us-east-1:000000000000:layer:l:1', CodeSize: 10 }],
  };

  test('CreateFunction: JSON body with a blob, maps and lists; 201 response', async () => {
    const input = {
      FunctionName: 'my-fn', Runtime: 'nodejs20.x' as const, Role: 'arn:aws:iam::000000000000:role/r', Handler: 'index.handler',
      Code: { ZipFile: Buffer.from('PK\x03\x04 zip bytes') }, Timeout: 30, MemorySize: 256, Publish: true,
      Environment: { Variables: { A: '1', B: 'two words' } }, Tags: { team: 'x' }, Architectures: ['arm64' as const],
      Layers: ['arn:aws:lambda:us-east-1:000000000000:layer:l:1'],
    };
    const { op, input: decoded } = await h.request(new CreateFunctionCommand(input));
    assert.equal(op?.name, 'CreateFunction');
    assert.deepEqual(plain(decoded), plain(input));

    const r = h.codec.encode(fnConfig, h.op('CreateFunction'), h.model, ctx);
    assert.equal(r.status, 201);
    const got = await h.response('CreateFunction', fnConfig, new CreateFunctionCommand(input));
    assert.deepEqual(plain(got), plain(fnConfig));
    assert.equal((got.$metadata as { httpStatusCode: number }).httpStatusCode, 201);
  });

  test('Invoke: Qualifier query, invocation headers and a raw payload; status from StatusCode', async () => {
    const payload = Buffer.from(JSON.stringify({ hello: 'world' }));
    const input = {
      FunctionName: 'my-fn', Qualifier: 'prod', InvocationType: 'RequestResponse' as const, LogType: 'Tail' as const,
      ClientContext: Buffer.from('{"custom":{}}').toString('base64'), Payload: payload,
    };
    const { op, input: decoded } = await h.request(new InvokeCommand(input));
    assert.equal(op?.name, 'Invoke');
    assert.equal(h.codec.streamsInput!(op!, h.model), false);
    assert.deepEqual(plain(decoded), plain(input));

    const output = {
      StatusCode: 200, FunctionError: 'Unhandled', LogResult: Buffer.from('START RequestId').toString('base64'),
      ExecutedVersion: '$LATEST', Payload: Buffer.from('{"errorMessage":"boom"}'),
    };
    const got = await h.response('Invoke', output, new InvokeCommand({ FunctionName: 'my-fn' }));
    assert.deepEqual(plain(got), plain(output));

    const async = await h.response('Invoke', { StatusCode: 202 }, new InvokeCommand({ FunctionName: 'my-fn', InvocationType: 'Event' }));
    assert.equal(async.StatusCode, 202);
    assert.equal((async.$metadata as { httpStatusCode: number }).httpStatusCode, 202);
  });

  test('ListFunctions: query parameters; list response with a marker', async () => {
    const input = { Marker: 'm/1 2', MaxItems: 5, FunctionVersion: 'ALL' as const, MasterRegion: 'ALL' };
    const { op, input: decoded } = await h.request(new ListFunctionsCommand(input));
    assert.equal(op?.name, 'ListFunctions');
    assert.deepEqual(plain(decoded), plain(input));
    const output = { Functions: [fnConfig, { FunctionName: 'other' }], NextMarker: 'next' };
    const got = await h.response('ListFunctions', output, new ListFunctionsCommand({}));
    assert.deepEqual(plain(got), plain(output));
  });

  test('GetFunction: URI label with an ARN, nested maps in the response', async () => {
    const input = { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:my-fn', Qualifier: '3' };
    const { op, input: decoded } = await h.request(new GetFunctionCommand(input));
    assert.equal(op?.name, 'GetFunction');
    assert.deepEqual(plain(decoded), plain(input));
    const output = {
      Configuration: fnConfig, Code: { RepositoryType: 'S3', Location: 'https://example.com/code.zip?x=1&y=2' },
      Tags: { team: 'x', 'aws:cloudformation:stack': 's' }, Concurrency: { ReservedConcurrentExecutions: 5 },
    };
    const got = await h.response('GetFunction', output, new GetFunctionCommand(input));
    assert.deepEqual(plain(got), plain(output));
  });

  test('GetEventSourceMapping: body timestamps (epoch seconds) come back as Dates', async () => {
    const output = {
      UUID: 'u-1', BatchSize: 10, EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:q',
      FunctionArn: fnConfig.FunctionArn, LastModified: new Date('2024-03-04T05:06:07Z'), State: 'Enabled',
      StartingPositionTimestamp: new Date('2024-03-01T00:00:00Z'),
    };
    const r = h.codec.encode(output, h.op('GetEventSourceMapping'), h.model, ctx);
    assert.equal(JSON.parse(String(r.body)).LastModified, Date.UTC(2024, 2, 4, 5, 6, 7) / 1000);
    const got = await h.response('GetEventSourceMapping', output, new GetEventSourceMappingCommand({ UUID: 'u-1' }));
    assert.deepEqual(plain(got), plain(output));
  });

  test('ResourceNotFoundException: error type header, message, Type', async () => {
    const err = new ServiceError('ResourceNotFoundException', 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope');
    const r = h.codec.encodeError(err, h.op('GetFunction'), h.model, ctx);
    assert.equal(r.status, 404);
    assert.equal(r.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.deepEqual(JSON.parse(String(r.body)), { message: err.message, Message: err.message, Type: 'User' });
    const e = await h.error('GetFunction', err, new GetFunctionCommand({ FunctionName: 'nope' }));
    assertSdkError(e, 'ResourceNotFoundException', err.message, 404);
    assert.equal(e.Type, 'User');
  });

  test('TooManyRequestsException: header-bound error member', async () => {
    const err = new ServiceError('TooManyRequestsException', 'Rate exceeded', undefined, { retryAfterSeconds: '3', Reason: 'CallerRateLimitExceeded' });
    const r = h.codec.encodeError(err, h.op('Invoke'), h.model, ctx);
    assert.equal(r.headers['Retry-After'], '3');
    const e = await h.error('Invoke', err, new InvokeCommand({ FunctionName: 'f' }));
    assertSdkError(e, 'TooManyRequestsException', 'Rate exceeded', 429);
    assert.equal(e.retryAfterSeconds, '3');
    assert.equal(e.Reason, 'CallerRateLimitExceeded');
    assert.equal(e.Type, 'User');
  });

  test('unmatched routes and malformed JSON', () => {
    const req = { method: 'GET', path: '/2015-03-31/nothing-here', query: [], headers: {}, body: Buffer.alloc(0) };
    assert.equal(h.codec.resolve(req, h.model), undefined);
    const u = h.codec.unknownOperation(req, h.model);
    assert.equal(u.code, 'UnknownOperationException');
    assert.equal(u.status, 404);
    const bad = { method: 'POST', path: '/2015-03-31/functions', query: [], headers: {}, body: Buffer.from('{"FunctionName":') };
    assert.throws(() => h.codec.decode(bad, h.op('CreateFunction'), h.model), (e: ServiceError) => e.code === 'SerializationException');
    const wrongType = { method: 'GET', path: '/2015-03-31/functions/', query: [['MaxItems', 'x']] as [string, string][], headers: {}, body: Buffer.alloc(0) };
    assert.throws(() => h.codec.decode(wrongType, h.op('ListFunctions'), h.model), (e: ServiceError) => e.code === 'SerializationException' && e.status === 400);
  });
});

// ---------------------------------------------------------------------------------------------
describe('query (IAM, STS)', () => {
  const iam = new Harness(queryCodec, 'iam', (c) => new IAMClient(c));
  const sts = new Harness(queryCodec, 'sts', (c) => new STSClient(c));

  const user = {
    Path: '/eng/', UserName: 'alice', UserId: 'AIDAEXAMPLE', Arn: 'arn:aws:iam::000000000000:user/eng/alice',
    CreateDate: new Date('2024-02-03T04:05:06Z'), Tags: [{ Key: 'team', Value: 'a&b' }, { Key: 'empty', Value: '' }],
    PermissionsBoundary: { PermissionsBoundaryType: 'Policy' as const, PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
  };

  test('CreateUser with Tags', async () => {
    const input = { UserName: 'alice', Path: '/eng/', PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess', Tags: user.Tags };
    const { op, input: decoded } = await iam.request(new CreateUserCommand(input));
    assert.equal(op?.name, 'CreateUser');
    assert.deepEqual(plain(decoded), plain(input));
    const got = await iam.response('CreateUser', { User: user }, new CreateUserCommand(input));
    assert.deepEqual(plain(got), plain({ User: user }));
  });

  test('ListUsers paging', async () => {
    const input = { PathPrefix: '/eng/', Marker: 'm+1/2=', MaxItems: 2 };
    const { op, input: decoded } = await iam.request(new ListUsersCommand(input));
    assert.equal(op?.name, 'ListUsers');
    assert.deepEqual(plain(decoded), plain(input));
    const output = { Users: [user, { ...user, UserName: 'bob', Tags: undefined, PermissionsBoundary: undefined }], IsTruncated: true, Marker: 'next' };
    const got = await iam.response('ListUsers', output, new ListUsersCommand({}));
    assert.deepEqual(plain(got), plain(output));
    const empty = await iam.response('ListUsers', { Users: [], IsTruncated: false }, new ListUsersCommand({}));
    assert.deepEqual(plain(empty), { Users: [], IsTruncated: false });
  });

  test('NoSuchEntity error', async () => {
    const err = new ServiceError('NoSuchEntity', 'The user with name nobody cannot be found.');
    const e = await iam.error('GetUser', err, new ListUsersCommand({}));
    assertSdkError(e, 'NoSuchEntityException', err.message, 404);
    assert.equal(e.Code, 'NoSuchEntity');
    assert.equal(e.Type, 'Sender');
  });

  test('AssumeRole with PolicyArns and Tags', async () => {
    const input = {
      RoleArn: 'arn:aws:iam::000000000000:role/r', RoleSessionName: 's1', DurationSeconds: 900, ExternalId: 'ext',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, { arn: 'arn:aws:iam::000000000000:policy/p' }],
      Policy: '{"Version":"2012-10-17","Statement":[]}', Tags: [{ Key: 'project', Value: 'nimbus' }], TransitiveTagKeys: ['project'],
      SourceIdentity: 'alice',
    };
    const { op, input: decoded } = await sts.request(new AssumeRoleCommand(input));
    assert.equal(op?.name, 'AssumeRole');
    assert.deepEqual(plain(decoded), plain(input));
    const output = {
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2030-01-01T00:15:00Z') },
      AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLE:s1', Arn: 'arn:aws:sts::000000000000:assumed-role/r/s1' },
      PackedPolicySize: 6, SourceIdentity: 'alice',
    };
    const got = await sts.response('AssumeRole', output, new AssumeRoleCommand(input));
    assert.deepEqual(plain(got), plain(output));
  });
});

// ---------------------------------------------------------------------------------------------
describe('ec2', () => {
  const h = new Harness(ec2Codec, 'ec2', (c) => new EC2Client(c));

  const instance = {
    InstanceId: 'i-0123456789abcdef0', ImageId: 'ami-12345678', InstanceType: 't3.micro' as const,
    State: { Code: 16, Name: 'running' as const }, LaunchTime: new Date('2024-04-05T06:07:08Z'),
    Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' as const }, PrivateIpAddress: '10.0.0.5',
    SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'web' }], Tags: [{ Key: 'Name', Value: 'web-1' }],
    Monitoring: { State: 'enabled' as const }, EbsOptimized: false, AmiLaunchIndex: 0,
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-1', Status: 'attached' as const, AttachTime: new Date('2024-04-05T06:07:09Z'), DeleteOnTermination: true } }],
  };
  const reservation = { ReservationId: 'r-1', OwnerId: '000000000000', Groups: [], Instances: [instance] };

  test('RunInstances with TagSpecifications and block devices', async () => {
    const input = {
      ImageId: 'ami-12345678', InstanceType: 't3.micro' as const, MinCount: 1, MaxCount: 2, KeyName: 'kp',
      SecurityGroupIds: ['sg-1', 'sg-2'], UserData: Buffer.from('#!/bin/sh\necho hi').toString('base64'),
      TagSpecifications: [
        { ResourceType: 'instance' as const, Tags: [{ Key: 'Name', Value: 'web-1' }, { Key: 'env', Value: 'dev' }] },
        { ResourceType: 'volume' as const, Tags: [{ Key: 'backup', Value: 'yes' }] },
      ],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3' as const, DeleteOnTermination: true } }],
      Monitoring: { Enabled: true }, Placement: { AvailabilityZone: 'us-east-1a' },
    };
    const { op, input: decoded } = await h.request(new RunInstancesCommand(input));
    assert.equal(op?.name, 'RunInstances');
    // ClientToken is an idempotency token the SDK fills in.
    const { ClientToken, ...rest } = decoded;
    assert.match(String(ClientToken), /^[0-9a-f-]{36}$/);
    assert.deepEqual(plain(rest), plain(input));
    const got = await h.response('RunInstances', reservation, new RunInstancesCommand(input));
    assert.deepEqual(plain(got), plain(reservation));
  });

  test('DescribeInstances: Filters in; nested reservationSet/instancesSet out', async () => {
    const input = {
      Filters: [{ Name: 'instance-state-name', Values: ['running', 'pending'] }, { Name: 'tag:Name', Values: ['web-1'] }],
      InstanceIds: ['i-0123456789abcdef0'], MaxResults: 5, NextToken: 'tok',
    };
    const { op, input: decoded } = await h.request(new DescribeInstancesCommand(input));
    assert.equal(op?.name, 'DescribeInstances');
    assert.deepEqual(plain(decoded), plain(input));
    const output = { Reservations: [reservation, { ...reservation, ReservationId: 'r-2', Instances: [{ ...instance, InstanceId: 'i-2', Tags: [] }] }], NextToken: 'next' };
    const r = h.codec.encode(output, h.op('DescribeInstances'), h.model, ctx);
    assert.match(String(r.body), /<reservationSet><item><reservationId>r-1<\/reservationId>.*<instancesSet><item>.*<instanceId>i-0123456789abcdef0</);
    const got = await h.response('DescribeInstances', output, new DescribeInstancesCommand({}));
    assert.deepEqual(plain(got), plain(output));
  });

  test('InvalidInstanceID.NotFound error', async () => {
    const err = new ServiceError('InvalidInstanceID.NotFound', "The instance ID 'i-1' does not exist", 400);
    const e = await h.error('DescribeInstances', err, new DescribeInstancesCommand({ InstanceIds: ['i-1'] }));
    assert.equal(e.name, 'InvalidInstanceID.NotFound');
    assert.equal(e.message, err.message);
    assert.equal((e.$metadata as { httpStatusCode: number }).httpStatusCode, 400);
    assert.equal((e.$metadata as { requestId: string }).requestId, ctx.requestId);
  });
});

// ---------------------------------------------------------------------------------------------
describe('json (DynamoDB, SQS)', () => {
  const ddb = new Harness(jsonCodec, 'dynamodb', (c) => new DynamoDBClient(c));
  const sqs = new Harness(jsonCodec, 'sqs', (c) => new SQSClient(c));

  const item = {
    pk: { S: 'user#1' }, n: { N: '-12.50' }, big: { N: '123456789012345678901234567890' }, b: { B: Buffer.from([0, 1, 2, 255]) },
    ok: { BOOL: true }, none: { NULL: true }, ss: { SS: ['a', 'b'] }, ns: { NS: ['1', '2.5'] }, bs: { BS: [Buffer.from('x'), Buffer.from('y')] },
    l: { L: [{ S: 'x' }, { N: '1' }, { M: { deep: { L: [] } } }] }, m: { M: { inner: { S: '' }, flag: { BOOL: false } } },
  };

  test('PutItem: nested attribute values, binary and numbers', async () => {
    const input = {
      TableName: 'users', Item: item, ConditionExpression: 'attribute_not_exists(#p) AND #n < :max',
      ExpressionAttributeNames: { '#p': 'pk', '#n': 'n' }, ExpressionAttributeValues: { ':max': { N: '100' } },
      ReturnValues: 'ALL_OLD' as const, ReturnConsumedCapacity: 'TOTAL' as const, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    const { op, input: decoded } = await ddb.request(new PutItemCommand(input));
    assert.equal(op?.name, 'PutItem');
    assert.deepEqual(plain(decoded), plain(input));
    const output = { Attributes: item, ConsumedCapacity: { TableName: 'users', CapacityUnits: 1.5, WriteCapacityUnits: 1 } };
    const got = await ddb.response('PutItem', output, new PutItemCommand(input));
    assert.deepEqual(plain(got), plain(output));
  });

  test('ConditionalCheckFailedException with the old item', async () => {
    const err = new ServiceError('ConditionalCheckFailedException', 'The conditional request failed', undefined, { Item: { pk: { S: 'user#1' }, n: { N: '5' } } });
    const e = await ddb.error('PutItem', err, new PutItemCommand({ TableName: 'users', Item: { pk: { S: 'user#1' } } }));
    assertSdkError(e, 'ConditionalCheckFailedException', 'The conditional request failed', 400);
    assert.deepEqual(plain(e.Item), { pk: { S: 'user#1' }, n: { N: '5' } });
  });

  test('SendMessage with MessageAttributes', async () => {
    const input = {
      QueueUrl: 'http://localhost:4566/000000000000/q1', MessageBody: 'hello <world> & ünïcode', DelaySeconds: 5,
      MessageAttributes: {
        str: { DataType: 'String', StringValue: 'v' }, num: { DataType: 'Number', StringValue: '12.5' },
        bin: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
      },
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } },
    };
    const { op, input: decoded } = await sqs.request(new SendMessageCommand(input));
    assert.equal(op?.name, 'SendMessage');
    assert.deepEqual(plain(decoded), plain(input));
    // The SDK checks MD5OfMessageBody against the body it sent.
    const output = { MessageId: 'm-1', MD5OfMessageBody: md5(input.MessageBody), MD5OfMessageAttributes: 'aabbcc', SequenceNumber: '1' };
    const got = await sqs.response('SendMessage', output, new SendMessageCommand(input));
    assert.deepEqual(plain(got), plain(output));
    sqs.wire.reply = () => sqs.codec.encode({ ...output, MD5OfMessageBody: md5('other') }, sqs.op('SendMessage'), sqs.model, ctx);
    await assert.rejects(sqs.client.send(new SendMessageCommand(input)), /InvalidChecksumError/);
  });

  test('QueueDoesNotExist: query-compatible error code', async () => {
    const err = new ServiceError('QueueDoesNotExist', 'The specified queue does not exist.');
    const r = sqs.codec.encodeError(err, sqs.op('SendMessage'), sqs.model, ctx);
    // The legacy query code, restored by models/patches/sqs.json.
    assert.equal(r.headers['x-amzn-query-error'], 'AWS.SimpleQueueService.NonExistentQueue;Sender');
    const e = await sqs.error('SendMessage', err, new SendMessageCommand({ QueueUrl: 'http://localhost:4566/000000000000/nope', MessageBody: 'x' }));
    assertSdkError(e, 'QueueDoesNotExist', 'The specified queue does not exist.', 400);
    assert.equal(e.Code, 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(e.Type, 'Sender');
  });
});
