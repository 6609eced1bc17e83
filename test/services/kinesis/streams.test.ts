// Streams: CreateStream (modes, names, CREATING then ACTIVE on the clock, the SDK waiters),
// DescribeStream with paged shards, DescribeStreamSummary, ListStreams and ListShards paging and
// filters, StreamName or StreamARN everywhere, retention limits, tags, encryption, monitoring,
// limits, resource policies and enhanced fan-out consumers.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddTagsToStreamCommand, CreateStreamCommand, DecreaseStreamRetentionPeriodCommand, DeleteResourcePolicyCommand, DeleteStreamCommand,
  DeregisterStreamConsumerCommand, DescribeLimitsCommand, DescribeStreamCommand, DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand, DisableEnhancedMonitoringCommand, EnableEnhancedMonitoringCommand, GetResourcePolicyCommand,
  IncreaseStreamRetentionPeriodCommand, ListShardsCommand, ListStreamConsumersCommand, ListStreamsCommand, ListTagsForResourceCommand,
  ListTagsForStreamCommand, PutRecordCommand, PutResourcePolicyCommand, RegisterStreamConsumerCommand, RemoveTagsFromStreamCommand,
  StartStreamEncryptionCommand, StopStreamEncryptionCommand, TagResourceCommand, UntagResourceCommand, UpdateStreamModeCommand,
  GetShardIteratorCommand, GetRecordsCommand, paginateListStreams, waitUntilStreamExists, waitUntilStreamNotExists, type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { KMSClient, CreateKeyCommand, DisableKeyCommand } from '@aws-sdk/client-kms';
import { nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { ACCOUNT, activeStream, client } from './util.js';

let n: Nimbus;
let k: KinesisClient;
before(async () => { n = await nimbus(); k = client(n); });
after(async () => { k.destroy(); await n.stop(); });
beforeEach(() => n.reset());

const arnOf = (name: string, region = 'us-east-1') => `arn:aws:kinesis:${region}:${ACCOUNT}:stream/${name}`;

test('CreateStream: CREATING, then ACTIVE on the clock; the waiters; DescribeStream and the summary', async () => {
  const before = Date.now();
  await k.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 2, Tags: { team: 'a' } }));
  const d0 = (await k.send(new DescribeStreamCommand({ StreamName: 'orders' }))).StreamDescription!;
  assert.equal(d0.StreamStatus, 'CREATING');
  n.clock.advance('PT2S');
  const d = (await k.send(new DescribeStreamCommand({ StreamName: 'orders' }))).StreamDescription!;
  assert.equal(d.StreamStatus, 'ACTIVE');
  assert.equal(d.StreamARN, arnOf('orders'));
  assert.deepEqual(d.StreamModeDetails, { StreamMode: 'PROVISIONED' });
  assert.equal(d.RetentionPeriodHours, 24);
  assert.equal(d.HasMoreShards, false);
  assert.deepEqual(d.Shards!.map((s) => s.ShardId), ['shardId-000000000000', 'shardId-000000000001']);
  assert.deepEqual(d.EnhancedMonitoring, [{ ShardLevelMetrics: [] }]);
  assert.equal(d.EncryptionType, 'NONE');
  assert.ok(d.StreamCreationTimestamp!.getTime() >= before - 1000);
  const s = (await k.send(new DescribeStreamSummaryCommand({ StreamARN: arnOf('orders') }))).StreamDescriptionSummary!;
  assert.equal(s.OpenShardCount, 2);
  assert.equal(s.ConsumerCount, 0);
  assert.equal(s.StreamName, 'orders');

  // The waiter polls DescribeStream until ACTIVE (the clock runs in real time too).
  await k.send(new CreateStreamCommand({ StreamName: 'waited' }));
  const w = await waitUntilStreamExists({ client: k, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { StreamName: 'waited' });
  assert.equal(w.state, 'SUCCESS');
  const od = (await k.send(new DescribeStreamSummaryCommand({ StreamName: 'waited' }))).StreamDescriptionSummary!;
  assert.deepEqual(od.StreamModeDetails, { StreamMode: 'ON_DEMAND' });
  assert.equal(od.OpenShardCount, 4);

  const dup = await rejects(k.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 1 })), 'ResourceInUseException', 400);
  assert.equal(dup.message, `Stream orders under account ${ACCOUNT} already exists.`);
  const bad = await rejects(k.send(new CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 1 })), 'ValidationException', 400);
  assert.match(bad.message, /^1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  await rejects(k.send(new CreateStreamCommand({ StreamName: 'p', StreamModeDetails: { StreamMode: 'PROVISIONED' } })), 'InvalidArgumentException', 400);
  await rejects(k.send(new CreateStreamCommand({ StreamName: 'o', ShardCount: 2, StreamModeDetails: { StreamMode: 'ON_DEMAND' } })), 'InvalidArgumentException', 400);
  const lim = await rejects(k.send(new CreateStreamCommand({ StreamName: 'huge', ShardCount: 1000 })), 'LimitExceededException', 400);
  assert.match(lim.message, /shard limit for the account 000000000000 in us-east-1/);

  await k.send(new DeleteStreamCommand({ StreamName: 'orders' }));
  const gone = await waitUntilStreamNotExists({ client: k, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { StreamName: 'orders' });
  assert.equal(gone.state, 'SUCCESS');
  const nf = await rejects(k.send(new DescribeStreamCommand({ StreamName: 'orders' })), 'ResourceNotFoundException', 400);
  assert.equal(nf.message, `Stream orders under account ${ACCOUNT} not found.`);
  await rejects(k.send(new DeleteStreamCommand({ StreamName: 'orders' })), 'ResourceNotFoundException', 400);
});

test('StreamName or StreamARN: an ARN of another account or Region is not found; neither is InvalidArgument', async () => {
  await activeStream(n, k, { StreamName: 'named', ShardCount: 1 });
  const r = await k.send(new PutRecordCommand({ StreamARN: arnOf('named'), PartitionKey: 'k', Data: Buffer.from('x') }));
  assert.equal(r.ShardId, 'shardId-000000000000');
  const other = await rejects(k.send(new DescribeStreamSummaryCommand({ StreamARN: `arn:aws:kinesis:us-east-1:111122223333:stream/named` })), 'ResourceNotFoundException', 400);
  assert.equal(other.message, 'Stream named under account 111122223333 not found.');
  await rejects(k.send(new DescribeStreamSummaryCommand({ StreamARN: arnOf('named', 'eu-west-1') })), 'ResourceNotFoundException', 400);
  await rejects(k.send(new DescribeStreamSummaryCommand({})), 'InvalidArgumentException', 400);
  // Streams are per Region.
  const eu = client(n, 'eu-west-1');
  try {
    await rejects(eu.send(new DescribeStreamSummaryCommand({ StreamName: 'named' })), 'ResourceNotFoundException', 400);
    await eu.send(new CreateStreamCommand({ StreamName: 'named', ShardCount: 1 }));
    assert.equal((await eu.send(new DescribeStreamSummaryCommand({ StreamName: 'named' }))).StreamDescriptionSummary!.StreamARN, arnOf('named', 'eu-west-1'));
  } finally { eu.destroy(); }
});

test('DescribeStream pages shards; ListStreams pages names and summaries; ListShards pages with NextToken and filters', async () => {
  await activeStream(n, k, { StreamName: 'wide', ShardCount: 5 });
  const p1 = (await k.send(new DescribeStreamCommand({ StreamName: 'wide', Limit: 2 }))).StreamDescription!;
  assert.deepEqual(p1.Shards!.map((s) => s.ShardId), ['shardId-000000000000', 'shardId-000000000001']);
  assert.equal(p1.HasMoreShards, true);
  const p3 = (await k.send(new DescribeStreamCommand({ StreamName: 'wide', ExclusiveStartShardId: 'shardId-000000000002' }))).StreamDescription!;
  assert.deepEqual(p3.Shards!.map((s) => s.ShardId), ['shardId-000000000003', 'shardId-000000000004']);
  assert.equal(p3.HasMoreShards, false);

  for (const name of ['c', 'a', 'b', 'd']) await k.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  const l1 = await k.send(new ListStreamsCommand({ Limit: 2 }));
  assert.deepEqual(l1.StreamNames, ['a', 'b']);
  assert.equal(l1.HasMoreStreams, true);
  assert.deepEqual(l1.StreamSummaries!.map((s) => [s.StreamName, s.StreamStatus, s.StreamARN]), [['a', 'CREATING', arnOf('a')], ['b', 'CREATING', arnOf('b')]]);
  const l2 = await k.send(new ListStreamsCommand({ NextToken: l1.NextToken, Limit: 2 }));
  assert.deepEqual(l2.StreamNames, ['c', 'd']);
  const l3 = await k.send(new ListStreamsCommand({ ExclusiveStartStreamName: 'c' }));
  assert.deepEqual(l3.StreamNames, ['d', 'wide']);
  assert.equal(l3.HasMoreStreams, false);
  assert.equal(l3.NextToken, undefined);
  const names: string[] = [];
  for await (const page of paginateListStreams({ client: k, pageSize: 2 }, {})) names.push(...page.StreamNames!);
  assert.deepEqual(names, ['a', 'b', 'c', 'd', 'wide']);

  const s1 = await k.send(new ListShardsCommand({ StreamName: 'wide', MaxResults: 3 }));
  assert.equal(s1.Shards!.length, 3);
  const s2 = await k.send(new ListShardsCommand({ NextToken: s1.NextToken }));
  assert.deepEqual(s2.Shards!.map((s) => s.ShardId), ['shardId-000000000003', 'shardId-000000000004']);
  assert.equal(s2.NextToken, undefined);
  await rejects(k.send(new ListShardsCommand({ StreamName: 'wide', NextToken: s1.NextToken })), 'InvalidArgumentException', 400);
  n.clock.advance('PT6M');
  await rejects(k.send(new ListShardsCommand({ NextToken: s1.NextToken })), 'ExpiredNextTokenException', 400);
  const after = await k.send(new ListShardsCommand({ StreamName: 'wide', ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000003' } }));
  assert.deepEqual(after.Shards!.map((s) => s.ShardId), ['shardId-000000000004']);
  const ex = await k.send(new ListShardsCommand({ StreamName: 'wide', ExclusiveStartShardId: 'shardId-000000000001' }));
  assert.equal(ex.Shards!.length, 3);
  const ts = await k.send(new ListShardsCommand({ StreamName: 'wide', ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: new Date(n.clock.now().getTime() - 1000) } }));
  assert.equal(ts.Shards!.length, 5);
  const before = await k.send(new ListShardsCommand({ StreamName: 'wide', ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: new Date(0) } }));
  assert.equal(before.Shards!.length, 0);
});

test('retention: 24 to 8760 hours, each operation only one way', async () => {
  await activeStream(n, k, { StreamName: 'r', ShardCount: 1 });
  const short = await rejects(k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'r', RetentionPeriodHours: 23 })), 'InvalidArgumentException', 400);
  assert.equal(short.message, 'Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.');
  const long = await rejects(k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'r', RetentionPeriodHours: 8761 })), 'InvalidArgumentException', 400);
  assert.equal(long.message, 'Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.');
  await k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'r', RetentionPeriodHours: 168 }));
  assert.equal((await k.send(new DescribeStreamSummaryCommand({ StreamName: 'r' }))).StreamDescriptionSummary!.RetentionPeriodHours, 168);
  const down = await rejects(k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'r', RetentionPeriodHours: 48 })), 'InvalidArgumentException', 400);
  assert.match(down.message, /can not be shorter than existing retention period \(168 hours\)\. Use DecreaseRetentionPeriod API\.$/);
  const up = await rejects(k.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'r', RetentionPeriodHours: 200 })), 'InvalidArgumentException', 400);
  assert.match(up.message, /can not be longer than existing retention period \(168 hours\)\. Use IncreaseRetentionPeriod API\.$/);
  await k.send(new DecreaseStreamRetentionPeriodCommand({ StreamARN: arnOf('r'), RetentionPeriodHours: 24 }));
  assert.equal((await k.send(new DescribeStreamSummaryCommand({ StreamName: 'r' }))).StreamDescriptionSummary!.RetentionPeriodHours, 24);
});

test('tags by stream and by ARN; encryption; enhanced monitoring; stream mode; limits', async () => {
  await activeStream(n, k, { StreamName: 't', ShardCount: 1, Tags: { b: '2' } });
  await k.send(new AddTagsToStreamCommand({ StreamName: 't', Tags: { a: '1', c: '3' } }));
  const l = await k.send(new ListTagsForStreamCommand({ StreamName: 't', Limit: 2 }));
  assert.deepEqual(l.Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
  assert.equal(l.HasMoreTags, true);
  const l2 = await k.send(new ListTagsForStreamCommand({ StreamName: 't', ExclusiveStartTagKey: 'b' }));
  assert.deepEqual(l2.Tags, [{ Key: 'c', Value: '3' }]);
  assert.equal(l2.HasMoreTags, false);
  await k.send(new RemoveTagsFromStreamCommand({ StreamName: 't', TagKeys: ['a'] }));
  await k.send(new TagResourceCommand({ ResourceARN: arnOf('t'), Tags: { d: '4' } }));
  await k.send(new UntagResourceCommand({ ResourceARN: arnOf('t'), TagKeys: ['b'] }));
  assert.deepEqual((await k.send(new ListTagsForResourceCommand({ ResourceARN: arnOf('t') }))).Tags, [{ Key: 'c', Value: '3' }, { Key: 'd', Value: '4' }]);
  const tooMany = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
  await rejects(k.send(new AddTagsToStreamCommand({ StreamName: 't', Tags: tooMany })), 'InvalidArgumentException', 400);

  // The key must exist in KMS and be enabled.
  const missing = await rejects(k.send(new StartStreamEncryptionCommand({ StreamName: 't', EncryptionType: 'KMS', KeyId: '11111111-2222-3333-4444-555555555555' })), 'KMSNotFoundException', 400);
  assert.match(missing.message, /11111111-2222-3333-4444-555555555555/);
  const kms = new KMSClient(sdk(n));
  const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
  await rejects(k.send(new StartStreamEncryptionCommand({ StreamName: 't', EncryptionType: 'KMS', KeyId: key.Arn })), 'KMSDisabledException', 400);
  kms.destroy();
  assert.equal((await k.send(new DescribeStreamSummaryCommand({ StreamName: 't' }))).StreamDescriptionSummary!.EncryptionType, 'NONE');
  await k.send(new StartStreamEncryptionCommand({ StreamName: 't', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
  let sum = (await k.send(new DescribeStreamSummaryCommand({ StreamName: 't' }))).StreamDescriptionSummary!;
  assert.deepEqual([sum.EncryptionType, sum.KeyId, sum.StreamStatus], ['KMS', 'alias/aws/kinesis', 'UPDATING']);
  n.clock.advance('PT2S');
  const put = await k.send(new PutRecordCommand({ StreamName: 't', PartitionKey: 'k', Data: Buffer.from('secret') }));
  assert.equal(put.EncryptionType, 'KMS');
  const it = (await k.send(new GetShardIteratorCommand({ StreamName: 't', ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
  assert.equal((await k.send(new GetRecordsCommand({ ShardIterator: it }))).Records![0].EncryptionType, 'KMS');
  await k.send(new StopStreamEncryptionCommand({ StreamName: 't', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
  sum = (await k.send(new DescribeStreamSummaryCommand({ StreamName: 't' }))).StreamDescriptionSummary!;
  assert.deepEqual([sum.EncryptionType, sum.KeyId], ['NONE', undefined]);
  n.clock.advance('PT2S');

  const en = await k.send(new EnableEnhancedMonitoringCommand({ StreamName: 't', ShardLevelMetrics: ['IncomingBytes', 'OutgoingRecords'] }));
  assert.deepEqual([en.CurrentShardLevelMetrics, en.DesiredShardLevelMetrics], [[], ['IncomingBytes', 'OutgoingRecords']]);
  const dis = await k.send(new DisableEnhancedMonitoringCommand({ StreamName: 't', ShardLevelMetrics: ['IncomingBytes'] }));
  assert.deepEqual(dis.DesiredShardLevelMetrics, ['OutgoingRecords']);
  assert.deepEqual((await k.send(new DescribeStreamCommand({ StreamName: 't' }))).StreamDescription!.EnhancedMonitoring, [{ ShardLevelMetrics: ['OutgoingRecords'] }]);

  await k.send(new UpdateStreamModeCommand({ StreamARN: arnOf('t'), StreamModeDetails: { StreamMode: 'ON_DEMAND' } }));
  sum = (await k.send(new DescribeStreamSummaryCommand({ StreamName: 't' }))).StreamDescriptionSummary!;
  assert.deepEqual([sum.StreamModeDetails!.StreamMode, sum.StreamStatus], ['ON_DEMAND', 'UPDATING']);
  n.clock.advance('PT2S');
  const limits = await k.send(new DescribeLimitsCommand({}));
  assert.deepEqual([limits.ShardLimit, limits.OpenShardCount, limits.OnDemandStreamCount, limits.OnDemandStreamCountLimit], [500, 1, 1, 50]);
});

test('resource policies on streams and consumers', async () => {
  await activeStream(n, k, { StreamName: 'pol', ShardCount: 1 });
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kinesis:GetRecords', Resource: arnOf('pol') }] });
  await k.send(new PutResourcePolicyCommand({ ResourceARN: arnOf('pol'), Policy: policy }));
  assert.equal((await k.send(new GetResourcePolicyCommand({ ResourceARN: arnOf('pol') }))).Policy, policy);
  await rejects(k.send(new PutResourcePolicyCommand({ ResourceARN: arnOf('pol'), Policy: 'not json' })), 'InvalidArgumentException', 400);
  await k.send(new DeleteResourcePolicyCommand({ ResourceARN: arnOf('pol') }));
  assert.equal((await k.send(new GetResourcePolicyCommand({ ResourceARN: arnOf('pol') }))).Policy, '{}');
  await rejects(k.send(new DeleteResourcePolicyCommand({ ResourceARN: arnOf('pol') })), 'ResourceNotFoundException', 400);
  await rejects(k.send(new GetResourcePolicyCommand({ ResourceARN: arnOf('nope') })), 'ResourceNotFoundException', 400);
  const c = (await k.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf('pol'), ConsumerName: 'app' }))).Consumer!;
  await k.send(new PutResourcePolicyCommand({ ResourceARN: c.ConsumerARN, Policy: policy }));
  assert.equal((await k.send(new GetResourcePolicyCommand({ ResourceARN: c.ConsumerARN }))).Policy, policy);
});

test('enhanced fan-out consumers: register (CREATING, then ACTIVE), describe, list, deregister; DeleteStream and consumers', async () => {
  await activeStream(n, k, { StreamName: 'fan', ShardCount: 1 });
  const c = (await k.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf('fan'), ConsumerName: 'app1', Tags: { x: 'y' } }))).Consumer!;
  assert.equal(c.ConsumerStatus, 'CREATING');
  assert.match(c.ConsumerARN!, new RegExp(`^${arnOf('fan')}/consumer/app1:\\d{10}$`));
  assert.equal(Math.floor(c.ConsumerCreationTimestamp!.getTime() / 1000), Number(c.ConsumerARN!.split(':').pop()));
  const dup = await rejects(k.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf('fan'), ConsumerName: 'app1' })), 'ResourceInUseException', 400);
  assert.match(dup.message, /app1/);
  n.clock.advance('PT2S');
  const d = (await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: c.ConsumerARN }))).ConsumerDescription!;
  assert.deepEqual([d.ConsumerName, d.ConsumerStatus, d.StreamARN], ['app1', 'ACTIVE', arnOf('fan')]);
  const byName = (await k.send(new DescribeStreamConsumerCommand({ StreamARN: arnOf('fan'), ConsumerName: 'app1' }))).ConsumerDescription!;
  assert.equal(byName.ConsumerARN, c.ConsumerARN);
  assert.deepEqual((await k.send(new ListTagsForResourceCommand({ ResourceARN: c.ConsumerARN }))).Tags, [{ Key: 'x', Value: 'y' }]);
  await k.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf('fan'), ConsumerName: 'app2' }));
  await k.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf('fan'), ConsumerName: 'app3' }));
  const p1 = await k.send(new ListStreamConsumersCommand({ StreamARN: arnOf('fan'), MaxResults: 2 }));
  assert.equal(p1.Consumers!.length, 2);
  const p2 = await k.send(new ListStreamConsumersCommand({ StreamARN: arnOf('fan'), NextToken: p1.NextToken }));
  assert.deepEqual([...p1.Consumers!, ...p2.Consumers!].map((x) => x.ConsumerName).sort(), ['app1', 'app2', 'app3']);
  assert.equal((await k.send(new DescribeStreamSummaryCommand({ StreamName: 'fan' }))).StreamDescriptionSummary!.ConsumerCount, 3);
  await k.send(new DeregisterStreamConsumerCommand({ StreamARN: arnOf('fan'), ConsumerName: 'app2' }));
  await rejects(k.send(new DescribeStreamConsumerCommand({ StreamARN: arnOf('fan'), ConsumerName: 'app2' })), 'ResourceNotFoundException', 400);
  // A stream with consumers is deleted only with EnforceConsumerDeletion.
  const inUse = await rejects(k.send(new DeleteStreamCommand({ StreamName: 'fan' })), 'ResourceInUseException', 400);
  assert.match(inUse.message, /^DeleteStream can't delete 000000000000:fan because there are consumers associated with this data stream\./);
  await k.send(new DeleteStreamCommand({ StreamName: 'fan', EnforceConsumerDeletion: true }));
  await rejects(k.send(new DescribeStreamConsumerCommand({ ConsumerARN: c.ConsumerARN })), 'ResourceNotFoundException', 400);
  // A new stream of that name starts with no consumers.
  await activeStream(n, k, { StreamName: 'fan', ShardCount: 1 });
  assert.deepEqual((await k.send(new ListStreamConsumersCommand({ StreamARN: arnOf('fan') }))).Consumers, []);
});
