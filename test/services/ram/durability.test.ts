// RAM shares, SSM resource-policy shares and CloudWatch Logs state survive a restart with
// --data-dir: the derived indexes (RAM's resource → shares, Logs' streams per group and
// subscriptions) and the retention timers are rebuilt from the journal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RAMClient, CreateResourceShareCommand, GetResourceShareInvitationsCommand, AcceptResourceShareInvitationCommand, ListResourcesCommand } from '@aws-sdk/client-ram';
import { SSMClient, PutParameterCommand, PutResourcePolicyCommand, GetParameterCommand, GetResourcePoliciesCommand } from '@aws-sdk/client-ssm';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, PutRetentionPolicyCommand,
  FilterLogEventsCommand, DescribeLogStreamsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { nimbus, sdk } from '../../helpers.js';

const OWNER = '111111111111';
const CONSUMER = '222222222222';
const as = (account: string) => ({ accessKeyId: account, secretAccessKey: 'test' });

test('shares, policies, log streams and retention after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-ram-dur-'));
  try {
    const arnA = `arn:aws:ssm:us-east-1:${OWNER}:parameter/a`;
    const arnB = `arn:aws:ssm:us-east-1:${OWNER}:parameter/b`;
    const now = Date.now();
    let n = await nimbus({ dataDir: dir });
    {
      const ssm = new SSMClient(sdk(n, as(OWNER)));
      const ram = new RAMClient(sdk(n, as(OWNER)));
      const ramC = new RAMClient(sdk(n, as(CONSUMER)));
      const logs = new CloudWatchLogsClient(sdk(n));
      await ssm.send(new PutParameterCommand({ Name: '/a', Value: 'A', Type: 'String', Tier: 'Advanced' }));
      await ssm.send(new PutParameterCommand({ Name: '/b', Value: 'B', Type: 'String', Tier: 'Advanced' }));
      await ram.send(new CreateResourceShareCommand({ name: 'a', resourceArns: [arnA], principals: [CONSUMER] }));
      const [inv] = (await ramC.send(new GetResourceShareInvitationsCommand({}))).resourceShareInvitations!;
      await ramC.send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn }));
      await ssm.send(new PutResourcePolicyCommand({ ResourceArn: arnB, Policy: JSON.stringify({ Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: CONSUMER }, Action: ['ssm:GetParameter'], Resource: arnB }] }) }));
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
      await logs.send(new CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's' }));
      await logs.send(new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now - 3600_000, message: 'kept for a day' }] }));
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 1 }));
      for (const c of [ssm, ram, ramC, logs]) c.destroy();
    }
    await n.stop();
    n.reset(); // forget everything in memory: what follows comes from the journal
    n = await nimbus({ dataDir: dir });
    try {
      const ssmC = new SSMClient(sdk(n, as(CONSUMER)));
      const ramC = new RAMClient(sdk(n, as(CONSUMER)));
      const logs = new CloudWatchLogsClient(sdk(n));
      assert.equal((await ssmC.send(new GetParameterCommand({ Name: arnA }))).Parameter!.Value, 'A');
      assert.equal((await ssmC.send(new GetParameterCommand({ Name: arnB }))).Parameter!.Value, 'B');
      const owner = new SSMClient(sdk(n, as(OWNER)));
      assert.equal((await owner.send(new GetResourcePoliciesCommand({ ResourceArn: arnB }))).Policies!.length, 1);
      assert.deepEqual((await ramC.send(new ListResourcesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }))).resources!.map((r) => r.arn).sort(), [arnA, arnB]);
      assert.deepEqual((await logs.send(new FilterLogEventsCommand({ logGroupName: 'g' }))).events!.map((e) => e.message), ['kept for a day']);
      n.clock.advance('P1D');
      const [s] = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'g' }))).logStreams!;
      assert.equal(s.storedBytes, 0, 'the retention timer was re-armed after the restart');
      for (const c of [ssmC, ramC, logs, owner]) c.destroy();
    } finally {
      n.reset();
      await n.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
