// Benchmark scenarios: each one is replayed against every target by bench/run.mjs.
//
// A scenario is an object:
//
//   name      short id, used by `--scenario` and in bench/results/latest.json
//   title     one line for the printed table
//   service   the SigV4 signing name of the service the requests go to ('sts', 'sqs', ...)
//   setup(endpoint, { call, target })
//             optional, async; runs once per target (not the ceiling) on a fresh server before any load.
//             `call(req)` signs and sends one request ({service?, method, path, headers, body})
//             and resolves to {status, headers, body} (body a string). Whatever setup returns
//             is handed to `requests` (e.g. a queue URL, which differs between Nimbus and moto).
//   requests(endpoint, state)
//             returns one request, or an array of requests that each connection sends in turn:
//             {method, path, headers, body, expect}. Each is signed once and then replayed for
//             the whole run: neither Nimbus (by default) nor moto verifies signatures.
//             `expect` (string or RegExp) must be in the body of the answer to the check
//             request sent before the load. Other fields (e.g. autocannon's `setupRequest`,
//             `onResponse`) are passed through to autocannon untouched.
//   peers     optional: extra targets that serve only this kind of scenario (['dynalite'])
//   ceiling   {status, headers, body}: the fixed response the bare node:http server gives,
//             the same size and shape as Nimbus's answer. Without it the ceiling is skipped.
//
// Servers are started fresh for every scenario, so a scenario never sees another's state.

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

export const scenarios = [
  {
    name: 'sts-get-caller-identity',
    title: 'STS GetCallerIdentity (query protocol, POST /)',
    service: 'sts',
    requests: () => ({
      method: 'POST',
      path: '/',
      headers: { 'content-type': FORM },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      expect: '<Arn>',
    }),
    // Byte for byte the shape of Nimbus's answer (request id is a UUID in both).
    ceiling: {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': '6f1b1a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b' },
      body: '<?xml version="1.0" encoding="UTF-8"?><GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        + '<GetCallerIdentityResult><UserId>000000000000</UserId><Account>000000000000</Account>'
        + '<Arn>arn:aws:iam::000000000000:root</Arn></GetCallerIdentityResult>'
        + '<ResponseMetadata><RequestId>6f1b1a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b</RequestId></ResponseMetadata>'
        + '</GetCallerIdentityResponse>',
    },
  },
  {
    name: 'sqs-send-message',
    title: 'SQS SendMessage (json protocol)',
    service: 'sqs',
    setup: async (_endpoint, { call }) => createQueue(call, 'bench-send'),
    requests: (_endpoint, queueUrl) => ({
      method: 'POST', path: '/', headers: sqsHeaders('SendMessage'),
      body: JSON.stringify({ QueueUrl: queueUrl, MessageBody: 'hello from the benchmark' }),
      expect: '"MD5OfMessageBody"',
    }),
    ceiling: {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': '6f1b1a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b' },
      body: '{"MD5OfMessageBody":"8f6d0b8e3a3e5e0c7e0c6b1d2f3a4b5c","MessageId":"6f1b1a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b"}',
    },
  },
  {
    // Each connection cycles SendMessageBatch(10) -> ReceiveMessage(10) -> DeleteMessageBatch
    // of what it received, so the queue neither drains nor grows.
    name: 'sqs-receive-delete',
    title: 'SQS SendMessageBatch(10) -> ReceiveMessage(10) -> DeleteMessageBatch (json protocol)',
    service: 'sqs',
    setup: async (_endpoint, { call }) => createQueue(call, 'bench-receive'),
    requests: (_endpoint, queueUrl) => [
      {
        method: 'POST', path: '/', headers: sqsHeaders('SendMessageBatch'),
        body: JSON.stringify({ QueueUrl: queueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `message ${i}` })) }),
        expect: '"Successful"',
      },
      {
        method: 'POST', path: '/', headers: sqsHeaders('ReceiveMessage'),
        body: JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
        expect: '"Messages"',
        onResponse: (_status, body, context) => {
          try { context.handles = (JSON.parse(body).Messages ?? []).map((m) => m.ReceiptHandle); } catch { context.handles = []; }
        },
      },
      {
        method: 'POST', path: '/', headers: sqsHeaders('DeleteMessageBatch'),
        // The check before the load sends a stale handle: a per-entry failure, still HTTP 200.
        body: JSON.stringify({ QueueUrl: queueUrl, Entries: [{ Id: 'd0', ReceiptHandle: 'not-a-handle' }] }),
        expect: '"Failed"',
        setupRequest: (req, context) => {
          const handles = context.handles?.length ? context.handles : ['not-a-handle'];
          return { ...req, body: JSON.stringify({ QueueUrl: queueUrl, Entries: handles.map((h, i) => ({ Id: `d${i}`, ReceiptHandle: h })) }) };
        },
      },
    ],
    ceiling: {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': '6f1b1a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b' },
      body: JSON.stringify({ Messages: Array.from({ length: 10 }, (_, i) => ({ MessageId: '6f1b1a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b', ReceiptHandle: 'x'.repeat(120), MD5OfBody: '8f6d0b8e3a3e5e0c7e0c6b1d2f3a4b5c', Body: `message ${i}` })) }),
    },
  },
];

// ---------------------------------------------------------------- DynamoDB
// One table (pk, sk strings); Query reads 25 items of a 100-item partition. dynalite, the Node
// DynamoDB emulator, runs these too (`peers`).

const DDB_ITEM = { pk: { S: 'p0' }, sk: { S: 's0' }, name: { S: 'benchmark item' }, n: { N: '1' }, tags: { SS: ['a', 'b', 'c'] }, nested: { M: { x: { N: '42' }, y: { L: [{ S: 'one' }, { BOOL: true }] } } } };
const ddbJson = (body) => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': '6F1B1A2E3C4D4E5F8A9B0C1D2E3F4A5B6F1B1A2E3C4D4E5F8A9B' }, body: JSON.stringify(body) });

function ddbHeaders(operation) {
  return { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` };
}

async function ddb(call, operation, body) {
  const r = await call({ service: 'dynamodb', method: 'POST', path: '/', headers: ddbHeaders(operation), body: JSON.stringify(body) });
  if (r.status !== 200) throw new Error(`DynamoDB ${operation} failed: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

async function ddbSetup(call) {
  await ddb(call, 'CreateTable', {
    TableName: 'bench', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  });
  for (let i = 0; i < 100; i++) {
    const d = await ddb(call, 'DescribeTable', { TableName: 'bench' });
    if (d.Table.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await ddb(call, 'PutItem', { TableName: 'bench', Item: DDB_ITEM });
  for (let b = 0; b < 4; b++) {
    await ddb(call, 'BatchWriteItem', { RequestItems: { bench: Array.from({ length: 25 }, (_, i) => ({
      PutRequest: { Item: { pk: { S: 'q' }, sk: { S: `s${String(b * 25 + i).padStart(3, '0')}` }, v: { N: String(i) }, body: { S: 'x'.repeat(100) } } } })) } });
  }
}

function dynamodbScenarios() {
  const base = { service: 'dynamodb', peers: ['dynalite'], setup: (_e, { call }) => ddbSetup(call) };
  const req = (operation, body, expect) => ({ method: 'POST', path: '/', headers: ddbHeaders(operation), body: JSON.stringify(body), expect });
  const queried = Array.from({ length: 25 }, (_, i) => ({ pk: { S: 'q' }, sk: { S: `s${String(i).padStart(3, '0')}` }, v: { N: String(i) }, body: { S: 'x'.repeat(100) } }));
  return [
    { ...base, name: 'ddb-put-item', title: 'DynamoDB PutItem (json 1.0, ~200-byte item with a set, a map and a list)',
      requests: () => req('PutItem', { TableName: 'bench', Item: DDB_ITEM }, '{}'), ceiling: ddbJson({}) },
    { ...base, name: 'ddb-get-item', title: 'DynamoDB GetItem (json 1.0, eventually consistent)',
      requests: () => req('GetItem', { TableName: 'bench', Key: { pk: { S: 'p0' }, sk: { S: 's0' } } }, '"Item"'), ceiling: ddbJson({ Item: DDB_ITEM }) },
    { ...base, name: 'ddb-query', title: 'DynamoDB Query (25 of a 100-item partition, key condition with begins_with)',
      requests: () => req('Query', { TableName: 'bench', KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': { S: 'q' }, ':s': { S: 's0' } }, Limit: 25 }, /"Count": ?25/),
      ceiling: ddbJson({ Count: 25, Items: queried, LastEvaluatedKey: { pk: { S: 'q' }, sk: { S: 's024' } }, ScannedCount: 25 }) },
    { ...base, name: 'ddb-update-item-conditional', title: 'DynamoDB UpdateItem SET n = n + 1 with a ConditionExpression',
      requests: () => req('UpdateItem', { TableName: 'bench', Key: { pk: { S: 'p0' }, sk: { S: 's0' } }, UpdateExpression: 'SET #n = #n + :one',
        ConditionExpression: 'attribute_exists(pk) AND #n >= :zero', ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':zero': { N: '0' } }, ReturnValues: 'UPDATED_NEW' }, '"Attributes"'),
      ceiling: ddbJson({ Attributes: { n: { N: '12345' } } }) },
  ];
}

// ---------------------------------------------------------------- S3
// Path-style requests to one bucket: a 1 KiB PUT, a GET of it, and ListObjectsV2 of 100 keys in
// a bucket of 1,000.

const S3_BODY = 'x'.repeat(1024);
const s3Xml = (body) => ({ status: 200, headers: { 'content-type': 'application/xml', 'x-amz-request-id': '6F1B1A2E3C4D4E5F', 'x-amz-id-2': 'x'.repeat(76) }, body });

async function s3Setup(call, keys) {
  const r = await call({ service: 's3', method: 'PUT', path: '/bench-bucket', headers: {}, body: '' });
  if (r.status !== 200) throw new Error(`CreateBucket failed: ${r.status} ${r.body}`);
  for (let i = 0; i < keys; i++) {
    const p = await call({ service: 's3', method: 'PUT', path: `/bench-bucket/list/key-${String(i).padStart(4, '0')}`, headers: { 'content-type': 'text/plain' }, body: 'v' });
    if (p.status !== 200) throw new Error(`PutObject failed: ${p.status} ${p.body}`);
  }
  const o = await call({ service: 's3', method: 'PUT', path: '/bench-bucket/object', headers: { 'content-type': 'text/plain' }, body: S3_BODY });
  if (o.status !== 200) throw new Error(`PutObject failed: ${o.status} ${o.body}`);
}

function s3Scenarios() {
  const etag = '"0f343b0931126a20f133d67c2b018a3b"';
  const objectHeaders = { etag, 'last-modified': 'Thu, 26 Nov 2026 04:00:00 GMT', 'x-amz-request-id': '6F1B1A2E3C4D4E5F', 'x-amz-id-2': 'x'.repeat(76) };
  const listed = Array.from({ length: 100 }, (_, i) => `<Contents><Key>list/key-${String(i).padStart(4, '0')}</Key><LastModified>2026-11-26T04:00:00.000Z</LastModified><ETag>&quot;9e3669d19b675bd57058fd4664205d2a&quot;</ETag><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('');
  return [
    { name: 's3-put-object', title: 'S3 PutObject, 1 KiB, path-style', service: 's3', setup: (_e, { call }) => s3Setup(call, 0),
      requests: () => ({ method: 'PUT', path: '/bench-bucket/put-target', headers: { 'content-type': 'text/plain' }, body: S3_BODY }),
      ceiling: { status: 200, headers: objectHeaders, body: '' } },
    { name: 's3-get-object', title: 'S3 GetObject, 1 KiB, path-style', service: 's3', setup: (_e, { call }) => s3Setup(call, 0),
      requests: () => ({ method: 'GET', path: '/bench-bucket/object', headers: {}, expect: 'xxxx' }),
      ceiling: { status: 200, headers: { ...objectHeaders, 'content-type': 'text/plain', 'accept-ranges': 'bytes' }, body: S3_BODY } },
    { name: 's3-list-objects-v2', title: 'S3 ListObjectsV2, 100 keys of a 1,000-key bucket', service: 's3', setup: (_e, { call }) => s3Setup(call, 1000),
      requests: () => ({ method: 'GET', path: '/bench-bucket?list-type=2&prefix=list%2F&max-keys=100', headers: {}, expect: '<KeyCount>100</KeyCount>' }),
      ceiling: s3Xml(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bench-bucket</Name><Prefix>list/</Prefix><NextContinuationToken>${'t'.repeat(60)}</NextContinuationToken><KeyCount>100</KeyCount><MaxKeys>100</MaxKeys><IsTruncated>true</IsTruncated>${listed}</ListBucketResult>`) },
  ];
}

function sqsHeaders(operation) {
  return { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` };
}

async function createQueue(call, name) {
  const r = await call({ method: 'POST', path: '/', headers: sqsHeaders('CreateQueue'), body: JSON.stringify({ QueueName: name }) });
  if (r.status !== 200) throw new Error(`CreateQueue failed: ${r.status} ${r.body}`);
  return JSON.parse(r.body).QueueUrl;
}

/** The request used to time start-up and to wait for a server to be ready. */
export const probe = {
  service: 'sts',
  method: 'POST',
  path: '/',
  headers: { 'content-type': FORM },
  body: 'Action=GetCallerIdentity&Version=2011-06-15',
};

// Defined below the SQS/STS ones (their helpers are consts, initialised in file order).
scenarios.push(...dynamodbScenarios(), ...s3Scenarios());
