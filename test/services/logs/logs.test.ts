// CloudWatch Logs: groups, streams, events, retention, pagination, filter patterns — and the
// START/END/REPORT lines Lambda writes to /aws/lambda/<name>.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DeleteLogGroupCommand, DescribeLogGroupsCommand,
  DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand, PutLogEventsCommand, PutRetentionPolicyCommand,
  DeleteRetentionPolicyCommand, paginateDescribeLogGroups, DeleteLogStreamCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { createFn, role } from '../lambda/util.js';

let n: Nimbus;
let logs: CloudWatchLogsClient;
before(async () => { n = await nimbus(); logs = new CloudWatchLogsClient(sdk(n)); });
after(async () => { n.reset(); await n.stop(); });

test('groups and streams: create, describe with prefix and pages, retention, delete', async () => {
  for (const g of ['/app/a', '/app/b', '/app/c', '/other']) await logs.send(new CreateLogGroupCommand({ logGroupName: g }));
  const dup = await rejects(logs.send(new CreateLogGroupCommand({ logGroupName: '/app/a' })), 'ResourceAlreadyExistsException', 400);
  assert.equal(dup.message, 'The specified log group already exists');
  const names: string[] = [];
  for await (const p of paginateDescribeLogGroups({ client: logs, pageSize: 2 }, { logGroupNamePrefix: '/app/' })) {
    assert.ok(p.logGroups!.length <= 2);
    names.push(...p.logGroups!.map((g) => g.logGroupName!));
  }
  assert.deepEqual(names, ['/app/a', '/app/b', '/app/c']);
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/app/a', retentionInDays: 7 }));
  await rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: '/app/a', retentionInDays: 2 })), 'InvalidParameterException', 400);
  const [a] = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/a' }))).logGroups!;
  assert.equal(a.retentionInDays, 7);
  assert.equal(a.arn, 'arn:aws:logs:us-east-1:000000000000:log-group:/app/a:*');
  await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: '/app/a' }));
  assert.equal((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/a' }))).logGroups![0].retentionInDays, undefined);

  await logs.send(new CreateLogStreamCommand({ logGroupName: '/app/a', logStreamName: 's1' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: '/app/a', logStreamName: 's2' }));
  await rejects(logs.send(new CreateLogStreamCommand({ logGroupName: '/app/a', logStreamName: 's1' })), 'ResourceAlreadyExistsException', 400);
  const missing = await rejects(logs.send(new CreateLogStreamCommand({ logGroupName: '/nope', logStreamName: 's1' })), 'ResourceNotFoundException', 400);
  assert.equal(missing.message, 'The specified log group does not exist.');
  const ds = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/app/a', logStreamNamePrefix: 's' }));
  assert.deepEqual(ds.logStreams!.map((s) => s.logStreamName), ['s1', 's2']);
  await logs.send(new DeleteLogStreamCommand({ logGroupName: '/app/a', logStreamName: 's2' }));
  await logs.send(new DeleteLogGroupCommand({ logGroupName: '/other' }));
  await rejects(logs.send(new DescribeLogStreamsCommand({ logGroupName: '/other' })), 'ResourceNotFoundException', 400);
});

test('events: put, get forward and backward with tokens, filter patterns, retention at read time', async () => {
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'ev' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: 'ev', logStreamName: 'one' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: 'ev', logStreamName: 'two' }));
  const t = Date.now();
  await logs.send(new PutLogEventsCommand({ logGroupName: 'ev', logStreamName: 'one',
    logEvents: Array.from({ length: 5 }, (_, i) => ({ timestamp: t + i * 10, message: `line ${i} ${i % 2 ? 'ERROR odd' : 'INFO even'}` })) }));
  await logs.send(new PutLogEventsCommand({ logGroupName: 'ev', logStreamName: 'two', logEvents: [{ timestamp: t + 5, message: 'ERROR from two' }] }));
  await rejects(logs.send(new PutLogEventsCommand({ logGroupName: 'ev', logStreamName: 'one',
    logEvents: [{ timestamp: t + 10, message: 'b' }, { timestamp: t, message: 'a' }] })), 'InvalidParameterException', 400);
  const old = await logs.send(new PutLogEventsCommand({ logGroupName: 'ev', logStreamName: 'one',
    logEvents: [{ timestamp: t - 20 * 86400_000, message: 'ancient' }] }));
  assert.deepEqual(old.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 0 });

  // Without startFromHead, GetLogEvents answers the newest events; tokens walk both ways.
  const last = await logs.send(new GetLogEventsCommand({ logGroupName: 'ev', logStreamName: 'one', limit: 2 }));
  assert.deepEqual(last.events!.map((e) => e.message), ['line 3 ERROR odd', 'line 4 INFO even']);
  const before_ = await logs.send(new GetLogEventsCommand({ logGroupName: 'ev', logStreamName: 'one', limit: 2, nextToken: last.nextBackwardToken }));
  assert.deepEqual(before_.events!.map((e) => e.message), ['line 1 ERROR odd', 'line 2 INFO even']);
  const head = await logs.send(new GetLogEventsCommand({ logGroupName: 'ev', logStreamName: 'one', startFromHead: true, limit: 3 }));
  assert.deepEqual(head.events!.map((e) => e.message!.slice(0, 6)), ['line 0', 'line 1', 'line 2']);
  const rest = await logs.send(new GetLogEventsCommand({ logGroupName: 'ev', logStreamName: 'one', limit: 3, nextToken: head.nextForwardToken }));
  assert.deepEqual(rest.events!.map((e) => e.message!.slice(0, 6)), ['line 3', 'line 4']);
  const end = await logs.send(new GetLogEventsCommand({ logGroupName: 'ev', logStreamName: 'one', nextToken: rest.nextForwardToken }));
  assert.equal(end.events!.length, 0);
  assert.equal(end.nextForwardToken, rest.nextForwardToken, 'the same token at the end, as the SDK paginator expects');

  const f = await logs.send(new FilterLogEventsCommand({ logGroupName: 'ev', filterPattern: 'ERROR' }));
  assert.deepEqual(f.events!.map((e) => [e.logStreamName, e.message]),
    [['two', 'ERROR from two'], ['one', 'line 1 ERROR odd'], ['one', 'line 3 ERROR odd']]);
  const f2 = await logs.send(new FilterLogEventsCommand({ logGroupName: 'ev', filterPattern: 'ERROR -two', logStreamNames: ['one', 'two'] }));
  assert.equal(f2.events!.length, 2);
  const f3 = await logs.send(new FilterLogEventsCommand({ logGroupName: 'ev', filterPattern: '?"line 0" ?"line 4"' }));
  assert.deepEqual(f3.events!.map((e) => e.message!.slice(0, 6)), ['line 0', 'line 4']);
  const p1 = await logs.send(new FilterLogEventsCommand({ logGroupName: 'ev', limit: 4 }));
  assert.equal(p1.events!.length, 4);
  const p2 = await logs.send(new FilterLogEventsCommand({ logGroupName: 'ev', limit: 4, nextToken: p1.nextToken }));
  assert.equal(p2.events!.length, 2);
  assert.equal(p2.nextToken, undefined);

  // Retention applies on the clock: a week later, 1-day retention hides everything.
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'ev', retentionInDays: 1 }));
  n.clock.advance('P2D');
  assert.equal((await logs.send(new GetLogEventsCommand({ logGroupName: 'ev', logStreamName: 'one' }))).events!.length, 0);
});

test('Lambda writes START, function output, END and REPORT to /aws/lambda/<name>', async () => {
  const lambda = new LambdaClient(sdk(n));
  const roleArn = await role(n, 'logs-role');
  await createFn(lambda, roleArn, 'logged', { 'index.js': 'exports.handler = async (e) => { console.log("processing", e.id); console.error("warned"); return e.id; };' });
  await lambda.send(new InvokeCommand({ FunctionName: 'logged', Payload: Buffer.from('{"id":1}') }));
  await lambda.send(new InvokeCommand({ FunctionName: 'logged', Payload: Buffer.from('{"id":2}') }));
  const streams = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/logged' }))).logStreams!;
  assert.equal(streams.length, 1, 'one warm instance, one stream');
  assert.match(streams[0].logStreamName!, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  const ev = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/logged', logStreamName: streams[0].logStreamName!, startFromHead: true }));
  const lines = ev.events!.map((e) => e.message!);
  assert.equal(lines.length, 10, lines.join(''));
  assert.match(lines[0], /^START RequestId: ([0-9a-f-]{36}) Version: \$LATEST\n$/);
  const id = /RequestId: (\S+)/.exec(lines[0])![1];
  assert.equal(lines[1], `${lines[1].slice(0, 24)}\t${id}\tINFO\tprocessing 1\n`);
  assert.match(lines[2], /\tERROR\twarned\n$/);
  assert.equal(lines[3], `END RequestId: ${id}\n`);
  assert.match(lines[4], new RegExp(`^REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [\\d.]+ ms`));
  assert.doesNotMatch(lines[9], /Init Duration/, 'a warm start has no Init Duration');
  const f = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logged', filterPattern: 'REPORT' }));
  assert.equal(f.events!.length, 2);
});

test('aws CLI and boto3', async () => {
  const c = await aws(n, ['logs', 'create-log-group', '--log-group-name', 'cli']);
  assert.equal(c.code, 0, c.stderr);
  await aws(n, ['logs', 'create-log-stream', '--log-group-name', 'cli', '--log-stream-name', 's']);
  const p = await aws(n, ['logs', 'put-log-events', '--log-group-name', 'cli', '--log-stream-name', 's', '--log-events', `timestamp=${Date.now()},message=hello-cli`]);
  assert.equal(p.code, 0, p.stderr);
  const g = await aws(n, ['logs', 'get-log-events', '--log-group-name', 'cli', '--log-stream-name', 's']);
  assert.equal(JSON.parse(g.stdout).events[0].message, 'hello-cli');
  const out = await boto3<{ msgs: string[]; err: string }>(n, `
c = boto3.client('logs', endpoint_url=endpoint, region_name='us-east-1')
r = c.filter_log_events(logGroupName='cli', filterPattern='hello')
try:
    c.get_log_events(logGroupName='nope', logStreamName='s')
    err = ''
except c.exceptions.ResourceNotFoundException as e:
    err = e.response['Error']['Code']
print(json.dumps({'msgs': [e['message'] for e in r['events']], 'err': err}))
`);
  assert.deepEqual(out, { msgs: ['hello-cli'], err: 'ResourceNotFoundException' });
});
