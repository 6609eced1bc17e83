// Benchmark scenarios: each one is replayed against every target by bench/run.mjs.
//
// A scenario is an object:
//
//   name      short id, used by `--scenario` and in bench/results/latest.json
//   title     one line for the printed table
//   service   the SigV4 signing name of the service the requests go to ('sts', 'sqs', ...)
//   setup(endpoint, { call, target })
//             optional, async; runs once per target on a fresh server before any load.
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
