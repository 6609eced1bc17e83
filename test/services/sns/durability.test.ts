// SNS across kill -9 with --data-dir: topics, subscriptions and FIFO deduplication entries
// survive, and so does the signing key, so a message signed before the restart still verifies
// against the certificate served after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, ListSubscriptionsCommand } from '@aws-sdk/client-sns';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { sdk } from '../../helpers.js';
import { freePort, kill9, type NimbusProcess } from '../../process.js';

// The CLI compiled next to this test (dist/src/cli.js, or a helper's own build folder).
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src', 'cli.js');

async function start(dir: string, port: number): Promise<NimbusProcess> {
  const child = spawn(process.execPath, ['--input-type=module', '-e',
    `import(${JSON.stringify(CLI)}).then((m) => m.main(process.argv.slice(1)))`, 'start', '--port', String(port),
    '--data-dir', dir, '--services', 'sns,sqs', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 500; i++) {
    if (child.exitCode !== null) throw new Error(`nimbus exited: ${out}`);
    try { if ((await fetch(`${endpoint}/_nimbus/health`)).ok) return { endpoint, child, output: () => out, startupMs: 0 }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error(`nimbus did not start: ${out}`);
}

function verifies(m: Record<string, string>, cert: string): boolean {
  const v = createVerify('RSA-SHA1');
  for (const k of ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']) if (m[k] !== undefined) v.update(`${k}\n${m[k]}\n`);
  return v.verify(cert, m.Signature, 'base64');
}

test('kill -9 and restart: topics, subscriptions, dedup entries and the signing key survive', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-sns-'));
  const port = await freePort();
  try {
    let p = await start(dir, port);
    let sns = new SNSClient(sdk(p));
    let sqs = new SQSClient(sdk(p));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'kept.fifo', Attributes: { FifoTopic: 'true' } }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'kept.fifo', Attributes: { FifoQueue: 'true' } }));
    const sub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:kept.fifo' }));
    const first = await sns.send(new PublishCommand({ TopicArn, Message: 'before', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
    const before = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))).Messages![0];
    const m = JSON.parse(before.Body!);
    sns.destroy(); sqs.destroy();
    await kill9(p);

    p = await start(dir, port);
    sns = new SNSClient(sdk(p));
    sqs = new SQSClient(sdk(p));
    const cert = await (await fetch(m.SigningCertURL)).text();
    assert.equal(verifies(m, cert), true, 'a message signed before the restart verifies after it');
    const subs = await sns.send(new ListSubscriptionsCommand({}));
    assert.deepEqual(subs.Subscriptions!.map((s) => s.SubscriptionArn), [sub.SubscriptionArn]);
    const dup = await sns.send(new PublishCommand({ TopicArn, Message: 'before', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
    assert.equal(dup.MessageId, first.MessageId);
    const next = await sns.send(new PublishCommand({ TopicArn, Message: 'after', MessageGroupId: 'g', MessageDeduplicationId: 'd2' }));
    assert.ok(BigInt(next.SequenceNumber!) > BigInt(first.SequenceNumber!));
    sns.destroy(); sqs.destroy();
    await kill9(p);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
