// Global tables with --data-dir: replicas, their settings and the changes still waiting to be
// replicated survive kill -9; the restarted process delivers what was pending.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { sdk } from '../../helpers.js';
import { kill9, startProcess } from '../../process.js';

async function setClock(endpoint: string, iso: string): Promise<void> {
  const r = await fetch(`${endpoint}/_nimbus/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ set: iso }) });
  assert.equal(r.status, 200, await r.text());
}

test('replicas and pending replication survive kill -9', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-ddbg-'));
  const first = await startProcess(['--data-dir', dir, '--services', 'dynamodb']);
  let us = new DynamoDBClient(sdk(first));
  let eu = new DynamoDBClient({ ...sdk(first), region: 'eu-west-1' });
  await us.send(new CreateTableCommand({
    TableName: 'g', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await us.send(new UpdateTableCommand({ TableName: 'g', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] }));
  // An hour on, the replica is ACTIVE; a change is replicated once its delay has passed.
  const t0 = Date.now();
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  await setClock(first.endpoint, at(3600_000));
  await us.send(new PutItemCommand({ TableName: 'g', Item: { pk: { S: 'copied' } } }));
  await setClock(first.endpoint, at(3620_000));
  assert.ok((await eu.send(new GetItemCommand({ TableName: 'g', Key: { pk: { S: 'copied' } } }))).Item);
  // Then the clock goes back half an hour right after a write: its replication now waits half an
  // hour, so it is certainly still pending when the process dies.
  await us.send(new PutItemCommand({ TableName: 'g', Item: { pk: { S: 'in-flight' } } }));
  await setClock(first.endpoint, at(1800_000));
  assert.equal((await eu.send(new GetItemCommand({ TableName: 'g', Key: { pk: { S: 'in-flight' } } }))).Item, undefined);
  await kill9(first);

  const second = await startProcess(['--data-dir', dir, '--services', 'dynamodb']);
  try {
    us = new DynamoDBClient(sdk(second));
    eu = new DynamoDBClient({ ...sdk(second), region: 'eu-west-1' });
    // The new process's clock is real time again; past the write's replication time it is delivered.
    await setClock(second.endpoint, at(3700_000));
    const t = (await eu.send(new DescribeTableCommand({ TableName: 'g' }))).Table!;
    assert.equal(t.GlobalTableVersion, '2019.11.21');
    assert.deepEqual(t.Replicas!.map((r) => [r.RegionName, r.ReplicaStatus]), [['us-east-1', 'ACTIVE']]);
    // The change journalled before the kill is delivered by the new process.
    let item;
    for (let i = 0; i < 50 && !item; i++) {
      item = (await eu.send(new GetItemCommand({ TableName: 'g', Key: { pk: { S: 'in-flight' } } }))).Item;
      if (!item) await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(item, { pk: { S: 'in-flight' } });
    // Replication goes on both ways.
    await eu.send(new PutItemCommand({ TableName: 'g', Item: { pk: { S: 'back' } } }));
    await setClock(second.endpoint, at(3710_000));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok((await us.send(new GetItemCommand({ TableName: 'g', Key: { pk: { S: 'back' } } }))).Item);
  } finally {
    await kill9(second);
  }
});
