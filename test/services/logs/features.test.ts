// CloudWatch Logs beyond events: FilterLogEvents across streams (interleaving, time windows,
// stable pages), retention that deletes on the clock, tags (both APIs), metric filters,
// subscription filters delivering gzipped awslogs payloads to Lambda, resource policies,
// query definitions, ListLogGroups.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, FilterLogEventsCommand,
  PutRetentionPolicyCommand, DescribeLogStreamsCommand, DescribeLogGroupsCommand, TagLogGroupCommand, UntagLogGroupCommand,
  ListTagsLogGroupCommand, TagResourceCommand, UntagResourceCommand, ListTagsForResourceCommand, PutMetricFilterCommand,
  DescribeMetricFiltersCommand, DeleteMetricFilterCommand, PutSubscriptionFilterCommand, DescribeSubscriptionFiltersCommand,
  DeleteSubscriptionFilterCommand, PutResourcePolicyCommand, DescribeResourcePoliciesCommand, DeleteResourcePolicyCommand,
  PutQueryDefinitionCommand, DescribeQueryDefinitionsCommand, DeleteQueryDefinitionCommand, ListLogGroupsCommand,
  DeleteLogGroupCommand, paginateFilterLogEvents, GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient, AddPermissionCommand } from '@aws-sdk/client-lambda';
import { aws, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, role } from '../lambda/util.js';

let n: Nimbus;
let logs: CloudWatchLogsClient;
before(async () => { n = await nimbus(); logs = new CloudWatchLogsClient(sdk(n)); });
after(async () => { logs.destroy(); n.reset(); await n.stop(); });
beforeEach(() => n.reset());

async function group(name: string, streams: string[]) {
  await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
  for (const s of streams) await logs.send(new CreateLogStreamCommand({ logGroupName: name, logStreamName: s }));
}
const put = (g: string, s: string, events: { timestamp: number; message: string }[]) =>
  logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: events }));

test('FilterLogEvents: interleaved across streams, time window, stream filters, pages with a stable order', async () => {
  await group('fe', ['a', 'b', 'c']);
  const t = Date.now() - 60_000;
  await put('fe', 'a', [0, 3, 6, 9].map((i) => ({ timestamp: t + i, message: `a${i}` })));
  await put('fe', 'b', [1, 4, 7].map((i) => ({ timestamp: t + i, message: `b${i}` })));
  await put('fe', 'c', [2, 5, 8].map((i) => ({ timestamp: t + i, message: `c${i} other` })));
  const all = await logs.send(new FilterLogEventsCommand({ logGroupName: 'fe' }));
  assert.deepEqual(all.events!.map((e) => e.message!.split(' ')[0]), ['a0', 'b1', 'c2', 'a3', 'b4', 'c5', 'a6', 'b7', 'c8', 'a9']);
  for (const e of all.events!) assert.match(e.eventId!, /^\d{56}$/);
  assert.deepEqual(all.searchedLogStreams!.map((s) => [s.logStreamName, s.searchedCompletely]), [['a', true], ['b', true], ['c', true]]);
  // startTime inclusive, endTime inclusive.
  const win = await logs.send(new FilterLogEventsCommand({ logGroupName: 'fe', startTime: t + 3, endTime: t + 5 }));
  assert.deepEqual(win.events!.map((e) => e.message!.split(' ')[0]), ['a3', 'b4', 'c5']);
  const names = await logs.send(new FilterLogEventsCommand({ logGroupName: 'fe', logStreamNames: ['a', 'c'], filterPattern: '-other' }));
  assert.deepEqual(names.events!.map((e) => e.message), ['a0', 'a3', 'a6', 'a9']);
  const prefix = await logs.send(new FilterLogEventsCommand({ logGroupName: 'fe', logStreamNamePrefix: 'b' }));
  assert.deepEqual(prefix.events!.map((e) => e.logStreamName), ['b', 'b', 'b']);
  await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: 'fe', logStreamNames: ['a'], logStreamNamePrefix: 'a' })), 'InvalidParameterException', 400);
  // Pages: events added between pages that sort earlier don't shift the next page.
  const p1 = await logs.send(new FilterLogEventsCommand({ logGroupName: 'fe', limit: 4 }));
  assert.deepEqual(p1.events!.map((e) => e.message!.split(' ')[0]), ['a0', 'b1', 'c2', 'a3']);
  await put('fe', 'b', [{ timestamp: t + 2, message: 'late' }]);
  const p2 = await logs.send(new FilterLogEventsCommand({ logGroupName: 'fe', limit: 4, nextToken: p1.nextToken }));
  assert.deepEqual(p2.events!.map((e) => e.message!.split(' ')[0]), ['b4', 'c5', 'a6', 'b7']);
  const seen: string[] = [];
  for await (const p of paginateFilterLogEvents({ client: logs, pageSize: 3 }, { logGroupName: 'fe', filterPattern: '?a0 ?a9 ?late' })) {
    seen.push(...p.events!.map((e) => e.message!));
  }
  assert.deepEqual(seen, ['a0', 'late', 'a9']);
  await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: 'fe', nextToken: 'bogus' })), 'InvalidParameterException', 400);
});

test('retention deletes expired events on the clock (storedBytes goes down)', async () => {
  await group('ret', ['s']);
  const now = Date.now();
  await put('ret', 's', [{ timestamp: now - 2 * 86400_000, message: 'old-old' }]);
  await put('ret', 's', [{ timestamp: now - 1000, message: 'fresh' }]);
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'ret', retentionInDays: 1 }));
  // The two-day-old event is swept at once (it is already past a 1-day retention).
  let [s] = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'ret' }))).logStreams!;
  assert.equal(s.storedBytes, 'fresh'.length);
  const ev = await logs.send(new GetLogEventsCommand({ logGroupName: 'ret', logStreamName: 's', startFromHead: true }));
  assert.deepEqual(ev.events!.map((e) => e.message), ['fresh']);
  n.clock.advance('P1DT1H');
  [s] = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'ret' }))).logStreams!;
  assert.equal(s.storedBytes, 0);
  assert.equal((await logs.send(new FilterLogEventsCommand({ logGroupName: 'ret' }))).events!.length, 0);
  const [g] = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'ret' }))).logGroups!;
  assert.equal(g.storedBytes, 0);
  for (const bad of [0, 2, 4000]) {
    await rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: 'ret', retentionInDays: bad })), 'InvalidParameterException', 400);
  }
});

test('tags: TagLogGroup / ListTagsLogGroup / UntagLogGroup and TagResource by ARN', async () => {
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'tg', tags: { env: 'dev' } }));
  await logs.send(new TagLogGroupCommand({ logGroupName: 'tg', tags: { team: 'a' } }));
  assert.deepEqual((await logs.send(new ListTagsLogGroupCommand({ logGroupName: 'tg' }))).tags, { env: 'dev', team: 'a' });
  await logs.send(new UntagLogGroupCommand({ logGroupName: 'tg', tags: ['env'] }));
  const arn = 'arn:aws:logs:us-east-1:000000000000:log-group:tg';
  await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { cost: '1' } }));
  assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { team: 'a', cost: '1' });
  await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team'] }));
  assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { cost: '1' });
  // The model's ARN pattern has no '*': the log-group ARN with :* is refused.
  await rejects(logs.send(new ListTagsForResourceCommand({ resourceArn: `${arn}:*` })), 'InvalidParameterException', 400);
  await rejects(logs.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:logs:us-east-1:000000000000:log-group:nope' })), 'ResourceNotFoundException', 400);
  await rejects(logs.send(new TagResourceCommand({ resourceArn: 'junk', tags: { a: 'b' } })), 'InvalidParameterException', 400);
  const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
  await rejects(logs.send(new TagResourceCommand({ resourceArn: arn, tags: many })), 'TooManyTagsException', 400);
  await rejects(logs.send(new TagLogGroupCommand({ logGroupName: 'nope', tags: { a: 'b' } })), 'ResourceNotFoundException', 400);
});

test('metric filters: put, describe (by group, prefix, metric), count on the group, delete', async () => {
  await group('mf', []);
  await logs.send(new PutMetricFilterCommand({ logGroupName: 'mf', filterName: 'errors', filterPattern: 'ERROR',
    metricTransformations: [{ metricName: 'Errors', metricNamespace: 'App', metricValue: '1', defaultValue: 0 }] }));
  await logs.send(new PutMetricFilterCommand({ logGroupName: 'mf', filterName: 'latency', filterPattern: '{ $.latency > 0 }',
    metricTransformations: [{ metricName: 'Latency', metricNamespace: 'App', metricValue: '$.latency', unit: 'Milliseconds' }] }));
  await logs.send(new PutMetricFilterCommand({ logGroupName: 'mf', filterName: 'bytes', filterPattern: '[ip, status, bytes]',
    metricTransformations: [{ metricName: 'Bytes', metricNamespace: 'Web', metricValue: '$bytes', dimensions: { Status: '$status' } }] }));
  await rejects(logs.send(new PutMetricFilterCommand({ logGroupName: 'mf', filterName: 'bad', filterPattern: 'ERROR',
    metricTransformations: [{ metricName: 'X', metricNamespace: 'App', metricValue: '$.latency' }] })), 'InvalidParameterException', 400);
  const dims = await rejects(logs.send(new PutMetricFilterCommand({ logGroupName: 'mf', filterName: 'bad', filterPattern: 'ERROR',
    metricTransformations: [{ metricName: 'X', metricNamespace: 'App', metricValue: '1', dimensions: { A: '$a' } }] })), 'InvalidParameterException', 400);
  assert.equal(dims.message, 'The specified filter pattern does not support dimensions');
  await rejects(logs.send(new PutMetricFilterCommand({ logGroupName: 'mf', filterName: 'bad', filterPattern: '{ $.x = ',
    metricTransformations: [{ metricName: 'X', metricNamespace: 'App', metricValue: '1' }] })), 'InvalidParameterException', 400);
  await rejects(logs.send(new PutMetricFilterCommand({ logGroupName: 'none', filterName: 'x', filterPattern: '',
    metricTransformations: [{ metricName: 'X', metricNamespace: 'App', metricValue: '1' }] })), 'ResourceNotFoundException', 400);
  const all = (await logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'mf' }))).metricFilters!;
  assert.deepEqual(all.map((f) => f.filterName), ['bytes', 'errors', 'latency']);
  assert.equal(all[2].metricTransformations![0].unit, 'Milliseconds');
  assert.equal(typeof all[0].creationTime, 'number');
  const byMetric = (await logs.send(new DescribeMetricFiltersCommand({ metricName: 'Errors', metricNamespace: 'App' }))).metricFilters!;
  assert.deepEqual(byMetric.map((f) => [f.logGroupName, f.filterName]), [['mf', 'errors']]);
  await rejects(logs.send(new DescribeMetricFiltersCommand({ metricName: 'Errors' })), 'InvalidParameterException', 400);
  assert.deepEqual((await logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'mf', filterNamePrefix: 'l' }))).metricFilters!.map((f) => f.filterName), ['latency']);
  assert.equal((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'mf' }))).logGroups![0].metricFilterCount, 3);
  await logs.send(new DeleteMetricFilterCommand({ logGroupName: 'mf', filterName: 'errors' }));
  await rejects(logs.send(new DeleteMetricFilterCommand({ logGroupName: 'mf', filterName: 'errors' })), 'ResourceNotFoundException', 400);
  await logs.send(new DeleteLogGroupCommand({ logGroupName: 'mf' }));
  assert.equal((await logs.send(new DescribeMetricFiltersCommand({}))).metricFilters!.length, 0);
});

test('subscription filters: Lambda receives the gzipped awslogs payload of matching events', async () => {
  const lambda = new LambdaClient(sdk(n));
  const roleArn = await role(n, 'sub-role');
  // The function decodes the payload and logs it, so the test can read what it received.
  const fn = await createFn(lambda, roleArn, 'processor', { 'index.js': `
const zlib = require('zlib');
exports.handler = async (event) => {
  const msg = JSON.parse(zlib.gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString());
  console.log('RECEIVED ' + JSON.stringify(msg));
};` });
  await group('app', ['web-1']);
  await rejects(logs.send(new PutSubscriptionFilterCommand({ logGroupName: 'app', filterName: 'f', filterPattern: '',
    destinationArn: 'arn:aws:lambda:us-east-1:000000000000:function:missing' })), 'InvalidParameterException', 400);
  // Without a resource policy letting CloudWatch Logs invoke it, the function is refused.
  const noPerm = await rejects(logs.send(new PutSubscriptionFilterCommand({ logGroupName: 'app', filterName: 'errors', filterPattern: '',
    destinationArn: fn.FunctionArn! })), 'InvalidParameterException', 400);
  assert.equal(noPerm.message, 'Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.');
  await lambda.send(new AddPermissionCommand({ FunctionName: 'processor', StatementId: 'logs', Action: 'lambda:InvokeFunction',
    Principal: 'logs.amazonaws.com', SourceArn: 'arn:aws:logs:us-east-1:000000000000:log-group:app:*' }));
  await logs.send(new PutSubscriptionFilterCommand({ logGroupName: 'app', filterName: 'errors', filterPattern: '[level = ERROR, code, ...]',
    destinationArn: fn.FunctionArn! }));
  await logs.send(new PutSubscriptionFilterCommand({ logGroupName: 'app', filterName: 'second', filterPattern: 'nothing-matches-this',
    destinationArn: fn.FunctionArn! }));
  await rejects(logs.send(new PutSubscriptionFilterCommand({ logGroupName: 'app', filterName: 'third', filterPattern: '',
    destinationArn: fn.FunctionArn! })), 'LimitExceededException', 400);
  const subs = (await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: 'app' }))).subscriptionFilters!;
  assert.deepEqual(subs.map((s) => [s.filterName, s.destinationArn, s.distribution]),
    [['errors', fn.FunctionArn, 'ByLogStream'], ['second', fn.FunctionArn, 'ByLogStream']]);

  const t = Date.now();
  await put('app', 'web-1', [{ timestamp: t, message: 'INFO 200 fine' }, { timestamp: t + 1, message: 'ERROR 500 broke down' }]);
  // The function runs asynchronously (a real child process): wait for its log line.
  let received: Record<string, unknown> | undefined;
  for (let i = 0; i < 200 && !received; i++) {
    const r = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/processor', filterPattern: 'RECEIVED' })).catch(() => undefined);
    const line = r?.events?.[0]?.message;
    if (line) received = JSON.parse(line.slice(line.indexOf('RECEIVED ') + 9));
    else await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(received, 'the function received the subscription payload');
  const events = received.logEvents as { id: string; timestamp: number; message: string; extractedFields: Record<string, string> }[];
  assert.deepEqual({ ...received, logEvents: undefined }, {
    messageType: 'DATA_MESSAGE', owner: '000000000000', logGroup: 'app', logStream: 'web-1', subscriptionFilters: ['errors'], logEvents: undefined,
  });
  assert.equal(events.length, 1);
  assert.deepEqual([events[0].timestamp, events[0].message], [t + 1, 'ERROR 500 broke down']);
  assert.match(events[0].id, /^\d{56}$/);
  assert.deepEqual(events[0].extractedFields, { level: 'ERROR', code: '500' });
  assert.ok(gunzipSync, 'payload is gzip (decoded by the function)');

  await logs.send(new DeleteSubscriptionFilterCommand({ logGroupName: 'app', filterName: 'second' }));
  await rejects(logs.send(new DeleteSubscriptionFilterCommand({ logGroupName: 'app', filterName: 'second' })), 'ResourceNotFoundException', 400);
  assert.equal((await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: 'app' }))).subscriptionFilters!.length, 1);
  await rejects(logs.send(new PutSubscriptionFilterCommand({ logGroupName: 'app', filterName: 'k', filterPattern: '',
    destinationArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' })), 'NotImplemented', 501);
  lambda.destroy();
});

test('resource policies, query definitions, ListLogGroups', async () => {
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'route53.amazonaws.com' }, Action: 'logs:PutLogEvents', Resource: '*' }] });
  const p = await logs.send(new PutResourcePolicyCommand({ policyName: 'r53', policyDocument: doc }));
  assert.equal(p.resourcePolicy!.policyName, 'r53');
  assert.equal(p.resourcePolicy!.policyScope, 'ACCOUNT');
  await rejects(logs.send(new PutResourcePolicyCommand({ policyName: 'bad', policyDocument: '{oops' })), 'InvalidParameterException', 400);
  for (let i = 0; i < 9; i++) await logs.send(new PutResourcePolicyCommand({ policyName: `p${i}`, policyDocument: doc }));
  await rejects(logs.send(new PutResourcePolicyCommand({ policyName: 'p10', policyDocument: doc })), 'LimitExceededException', 400);
  assert.equal((await logs.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies!.length, 10);
  await logs.send(new DeleteResourcePolicyCommand({ policyName: 'r53' }));
  await rejects(logs.send(new DeleteResourcePolicyCommand({ policyName: 'r53' })), 'ResourceNotFoundException', 400);

  const q = await logs.send(new PutQueryDefinitionCommand({ name: 'ops/errors', queryString: 'fields @message | filter @message like /ERROR/', logGroupNames: ['app'] }));
  assert.match(q.queryDefinitionId!, /^[0-9a-f-]{36}$/);
  await logs.send(new PutQueryDefinitionCommand({ name: 'dev/all', queryString: 'fields @message' }));
  await logs.send(new PutQueryDefinitionCommand({ name: 'ops/errors', queryDefinitionId: q.queryDefinitionId, queryString: 'fields @timestamp' }));
  const ops = (await logs.send(new DescribeQueryDefinitionsCommand({ queryDefinitionNamePrefix: 'ops/' }))).queryDefinitions!;
  assert.deepEqual(ops.map((d) => [d.name, d.queryString, d.queryDefinitionId]), [['ops/errors', 'fields @timestamp', q.queryDefinitionId]]);
  const p1 = await logs.send(new DescribeQueryDefinitionsCommand({ maxResults: 1 }));
  assert.equal(p1.queryDefinitions![0].name, 'dev/all');
  const p2 = await logs.send(new DescribeQueryDefinitionsCommand({ maxResults: 1, nextToken: p1.nextToken }));
  assert.equal(p2.queryDefinitions![0].name, 'ops/errors');
  assert.equal(p2.nextToken, undefined);
  assert.equal((await logs.send(new DeleteQueryDefinitionCommand({ queryDefinitionId: q.queryDefinitionId }))).success, true);
  await rejects(logs.send(new DeleteQueryDefinitionCommand({ queryDefinitionId: q.queryDefinitionId })), 'ResourceNotFoundException', 400);
  await rejects(logs.send(new PutQueryDefinitionCommand({ name: 'x', queryDefinitionId: q.queryDefinitionId, queryString: 'x' })), 'ResourceNotFoundException', 400);

  for (const g of ['/svc/Alpha', '/svc/beta', '/other']) await logs.send(new CreateLogGroupCommand({ logGroupName: g }));
  const l = await logs.send(new ListLogGroupsCommand({ logGroupNamePattern: 'Alpha' }));
  assert.deepEqual(l.logGroups, [{ logGroupName: '/svc/Alpha', logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/svc/Alpha', logGroupClass: 'STANDARD' }]);
  // Case-sensitive; ^ anchors a prefix; | separates alternatives.
  assert.deepEqual((await logs.send(new ListLogGroupsCommand({ logGroupNamePattern: 'ALPHA' }))).logGroups, []);
  assert.deepEqual((await logs.send(new ListLogGroupsCommand({ logGroupNamePattern: '^/svc|other' }))).logGroups!.map((g) => g.logGroupName),
    ['/other', '/svc/Alpha', '/svc/beta']);
  assert.deepEqual((await logs.send(new ListLogGroupsCommand({ logGroupNamePattern: '^beta' }))).logGroups, []);
  await rejects(logs.send(new ListLogGroupsCommand({ logGroupNamePattern: 'ab' })), 'InvalidParameterException', 400);
  // DescribeLogGroups' pattern: case-sensitive substring, and only arn, creationTime, logGroupName.
  const d = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'beta' }))).logGroups!;
  assert.deepEqual(d.map((g) => Object.keys(g).sort()), [['arn', 'creationTime', 'logGroupName']]);
  assert.equal((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'BETA' }))).logGroups!.length, 0);
  const a = await logs.send(new ListLogGroupsCommand({ limit: 2 }));
  assert.deepEqual(a.logGroups!.map((g) => g.logGroupName), ['/other', '/svc/Alpha']);
  const b = await logs.send(new ListLogGroupsCommand({ limit: 2, nextToken: a.nextToken }));
  assert.deepEqual(b.logGroups!.map((g) => g.logGroupName), ['/svc/beta']);
  assert.equal(b.nextToken, undefined);
});

test('aws CLI: put-metric-filter, test-metric-filter, filter-log-events with a JSON pattern', async () => {
  await group('cli', ['s']);
  const t = Date.now();
  await put('cli', 's', [{ timestamp: t, message: '{"status": 503, "path": "/a"}' }, { timestamp: t + 1, message: '{"status": 200, "path": "/b"}' }]);
  let r = await aws(n, ['logs', 'filter-log-events', '--log-group-name', 'cli', '--filter-pattern', '{ $.status >= 500 }']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).events.map((e: { message: string }) => JSON.parse(e.message).path), ['/a']);
  r = await aws(n, ['logs', 'put-metric-filter', '--log-group-name', 'cli', '--filter-name', '5xx', '--filter-pattern', '{ $.status >= 500 }',
    '--metric-transformations', 'metricName=ServerErrors,metricNamespace=Web,metricValue=1']);
  assert.equal(r.code, 0, r.stderr);
  r = await aws(n, ['logs', 'describe-metric-filters', '--log-group-name', 'cli']);
  assert.equal(JSON.parse(r.stdout).metricFilters[0].filterName, '5xx');
  r = await aws(n, ['logs', 'test-metric-filter', '--filter-pattern', '[a, b = x*]', '--log-event-messages', '1 xy', '2 zz']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).matches, [{ eventNumber: 1, eventMessage: '1 xy', extractedValues: { $a: '1', $b: 'xy' } }]);
});
