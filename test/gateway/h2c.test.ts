// HTTP/2 over cleartext on the same port as HTTP/1.1. The JS SDK's Kinesis client speaks
// HTTP/2 by default; any client may choose NodeHttp2Handler. Requests over both protocols reach
// the same services and state, signatures verify, and streamed bodies flow both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { request } from 'node:http';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { nimbus, sdk, rejects } from '../helpers.js';
import type { Nimbus } from '../../src/index.js';

let n: Nimbus;
before(async () => { n = await nimbus({ verifySignatures: true }); });
after(async () => { await n.stop(); });

const h2 = () => ({ ...sdk(n), requestHandler: new NodeHttp2Handler() });

test('SQS over HTTP/2 shares state with HTTP/1.1, with signatures verified', async () => {
  const over2 = new SQSClient(h2());
  const over1 = new SQSClient(sdk(n));
  const { QueueUrl } = await over2.send(new CreateQueueCommand({ QueueName: 'h2-queue' }));
  await over2.send(new SendMessageCommand({ QueueUrl, MessageBody: 'sent over h2' }));
  const got = await over1.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
  assert.equal(got.Messages?.[0]?.Body, 'sent over h2');
  // A wrong secret is refused over HTTP/2 exactly as over HTTP/1.1.
  const bad = new SQSClient({ ...h2(), credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' } });
  await rejects(bad.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })), 'SignatureDoesNotMatch', 403);
  over2.destroy(); over1.destroy(); bad.destroy();
});

test('S3 streams a 3 MiB object up and down over HTTP/2', async () => {
  const s3 = new S3Client({ ...h2(), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'h2-bucket' }));
  const body = Buffer.alloc(3 * 1024 * 1024, 7);
  body.write('start'); body.write('end', body.length - 3);
  await s3.send(new PutObjectCommand({ Bucket: 'h2-bucket', Key: 'big', Body: body }));
  const got = await s3.send(new GetObjectCommand({ Bucket: 'h2-bucket', Key: 'big' }));
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
  s3.destroy();
});

test('many concurrent streams on one HTTP/2 session all get their own answers', async () => {
  const session = connect(n.endpoint);
  const one = (i: number) => new Promise<{ status: number; body: string }>((ok, fail) => {
    const s = session.request({ ':method': 'GET', ':path': `/_nimbus/health?i=${i}` });
    let status = 0; let body = '';
    s.on('response', (h) => { status = Number(h[':status']); });
    s.setEncoding('utf8'); s.on('data', (c) => { body += c; });
    s.on('end', () => ok({ status, body })); s.on('error', fail);
  });
  const all = await Promise.all(Array.from({ length: 50 }, (_, i) => one(i)));
  for (const r of all) { assert.equal(r.status, 200); assert.ok(JSON.parse(r.body).services); }
  session.close();
});

test('a connection that starts like the preface but is not HTTP/2 is not mistaken for one', async () => {
  // "PRI" alone is not the preface: HTTP/1.1 answers it (405/400/501 are all HTTP/1.1 answers).
  const status = await new Promise<number>((ok, fail) => {
    const r = request(`${n.endpoint}/`, { method: 'PRI' }, (res) => { res.resume(); ok(res.statusCode!); });
    r.on('error', fail); r.end();
  });
  assert.ok(status >= 400 && status < 600);
});
