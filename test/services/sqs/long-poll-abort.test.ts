// A long poll whose client hangs up stops waiting: the next message is not swallowed by a
// receive nobody will read, it goes to the next consumer at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { nimbus } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { client, sleep } from './util.js';

let n: Nimbus;
before(async () => { n = await nimbus(); });
after(async () => { await n.stop(); });

test('an abandoned long poll takes no message', async () => {
  const sqs = client(n);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'abandoned' }));
  const gone = new AbortController();
  const abandoned = fetch(n.endpoint + '/', {
    method: 'POST', signal: gone.signal,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
    body: JSON.stringify({ QueueUrl, WaitTimeSeconds: 20 }),
  }).catch((e) => e);
  await sleep(100); // the poll is waiting on the server
  gone.abort();
  assert.equal((await abandoned).name, 'AbortError');
  await sleep(50); // the server sees the socket close
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'for the next consumer' }));
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
  assert.equal(r.Messages?.[0]?.Body, 'for the next consumer');
});
