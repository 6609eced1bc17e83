// Test plumbing for SNS: clients, queues to subscribe, a local HTTP subscriber that records
// what SNS POSTs, and a poll helper for asynchronous deliveries.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { sdk } from '../../helpers.js';

export const clients = (n: { endpoint: string }) => ({ sns: new SNSClient(sdk(n)), sqs: new SQSClient(sdk(n)) });

/** Creates a queue; answers its URL and ARN. */
export async function queue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: a.Attributes!.QueueArn! };
}

/** Every message in the queue now (without waiting). */
export async function drain(sqs: SQSClient, url: string, max = 10) {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, MessageAttributeNames: ['All'], AttributeNames: ['All'] }));
  return r.Messages ?? [];
}

/** Waits (in real time, briefly) until `fn` answers something truthy. */
export async function until<T>(fn: () => T | Promise<T>, what: string, ms = 5000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Received { headers: IncomingMessage['headers']; body: string; at: number }

/** A local HTTP endpoint: records each request; `status` decides the answer. */
export async function httpSubscriber(status: (r: Received, i: number) => number = () => 200, clockNow: () => number = Date.now) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: clockNow() };
      received.push(r);
      res.statusCode = status(r, received.length - 1);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}
