// CloudWatch Logs filter patterns through TestMetricFilter and FilterLogEvents: terms, quoted
// phrases, exclusions, ?OR terms, regex, JSON patterns (comparisons, wildcards, && / ||,
// IS NULL / NOT EXISTS, arrays) and space-delimited patterns (ellipsis, conditions, extracted
// values), and the errors bad patterns get.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchLogsClient, TestMetricFilterCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { nimbus, rejects, sdk, boto3 } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let logs: CloudWatchLogsClient;
before(async () => { n = await nimbus(); logs = new CloudWatchLogsClient(sdk(n)); });
after(async () => { logs.destroy(); await n.stop(); });

/** Which of the messages a pattern matches (1-based numbers, as TestMetricFilter reports). */
async function hits(filterPattern: string, logEventMessages: string[]): Promise<number[]> {
  const r = await logs.send(new TestMetricFilterCommand({ filterPattern, logEventMessages }));
  return r.matches!.map((m) => m.eventNumber!);
}

test('terms, phrases, exclusions, ?OR, regex', async () => {
  const msgs = ['ERROR disk full', 'WARN disk slow', 'INFO ok', 'ERROR timeout after 30s', 'error lowercase'];
  assert.deepEqual(await hits('ERROR', msgs), [1, 4]);
  assert.deepEqual(await hits('ERROR disk', msgs), [1]);
  assert.deepEqual(await hits('"disk full"', msgs), [1]);
  assert.deepEqual(await hits('ERROR -timeout', msgs), [1]);
  assert.deepEqual(await hits('?ERROR ?WARN', msgs), [1, 2, 4]);
  assert.deepEqual(await hits('', msgs), [1, 2, 3, 4, 5]);
  assert.deepEqual(await hits('%ERROR|WARN%', msgs), [1, 2, 4]);
  assert.deepEqual(await hits('%[0-9]+s$%', msgs), [4]);
  await rejects(logs.send(new TestMetricFilterCommand({ filterPattern: '%(a)%', logEventMessages: ['a'] })), 'InvalidParameterException', 400);
});

test('JSON patterns', async () => {
  const msgs = [
    JSON.stringify({ eventType: 'UpdateTrail', latency: 120, user: { id: 1, name: 'ana' }, tags: ['a', 'b'], ok: true }),
    JSON.stringify({ eventType: 'DeleteTrail', latency: 40, user: { id: 2, name: 'bo' }, tags: ['c'], ok: false, err: null }),
    JSON.stringify({ eventType: 'UpdateBucket', latency: '75', user: { id: 3 } }),
    'not json at all',
  ];
  assert.deepEqual(await hits('{ $.eventType = "UpdateTrail" }', msgs), [1]);
  assert.deepEqual(await hits('{ $.eventType = Update* }', msgs), [1, 3]);
  assert.deepEqual(await hits('{ $.eventType != "UpdateTrail" }', msgs), [2, 3]);
  assert.deepEqual(await hits('{ $.latency > 50 }', msgs), [1, 3]);
  assert.deepEqual(await hits('{ $.latency <= 40 }', msgs), [2]);
  assert.deepEqual(await hits('{ $.user.id = 2 || $.user.name = "ana" }', msgs), [1, 2]);
  assert.deepEqual(await hits('{ ($.latency >= 40) && ($.user.id != 3) && $.ok IS TRUE }', msgs), [1]);
  assert.deepEqual(await hits('{ $.ok IS FALSE }', msgs), [2]);
  assert.deepEqual(await hits('{ $.err IS NULL }', msgs), [2]);
  assert.deepEqual(await hits('{ $.user.name NOT EXISTS }', msgs), [3]);
  assert.deepEqual(await hits('{ $.tags[0] = "c" }', msgs), [2]);
  assert.deepEqual(await hits('{ $.tags[*] = "b" }', msgs), [1]);
  assert.deepEqual(await hits('{ $.eventType = %Delete% }', msgs), [2]);
  for (const bad of ['{ $.a = }', '{ eventType = 1 }', '{ $.a > "x" }', '{ ($.a = 1 }']) {
    const e = await rejects(logs.send(new TestMetricFilterCommand({ filterPattern: bad, logEventMessages: ['{}'] })), 'InvalidParameterException', 400);
    assert.equal(e.message, 'Invalid filter pattern');
  }
  const open = await rejects(logs.send(new TestMetricFilterCommand({ filterPattern: '{ $.a = 1', logEventMessages: ['{}'] })), 'InvalidParameterException', 400);
  assert.equal(open.message, "If a filter pattern starts with '{' it must end with '}'");
});

test('space-delimited patterns, with extracted values', async () => {
  const line1 = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326';
  const line2 = '10.0.0.2 - bob [10/Oct/2000:13:56:00 -0700] "GET /missing.html HTTP/1.0" 404 120';
  const line3 = '10.0.0.3 - eve [10/Oct/2000:13:57:00 -0700] "POST /login HTTP/1.0" 500 0';
  const msgs = [line1, line2, line3, 'too short'];
  const r = await logs.send(new TestMetricFilterCommand({
    filterPattern: '[ip, identity, user, timestamp, request, status_code = 4*, bytes]', logEventMessages: msgs,
  }));
  assert.deepEqual(r.matches, [{
    eventNumber: 2, eventMessage: line2,
    extractedValues: { $ip: '10.0.0.2', $identity: '-', $user: 'bob', $timestamp: '10/Oct/2000:13:56:00 -0700',
      $request: 'GET /missing.html HTTP/1.0', $status_code: '404', $bytes: '120' },
  }]);
  assert.deepEqual(await hits('[ip, ..., status >= 400, bytes]', msgs), [2, 3]);
  assert.deepEqual(await hits('[..., status = 200 || status = 500, bytes]', msgs), [1, 3]);
  assert.deepEqual(await hits('[ip, ..., bytes > 1000]', msgs), [1]);
  assert.deepEqual(await hits('[ip = 10.*, identity, user != eve, ...]', msgs), [2]);
  assert.deepEqual(await hits('[a, b]', msgs), [4]);
  assert.deepEqual(await hits('[..., request = *html*, status, bytes]', msgs), [2]);
  await rejects(logs.send(new TestMetricFilterCommand({ filterPattern: '[a, a]', logEventMessages: ['x y'] })), 'InvalidParameterException', 400);
  await rejects(logs.send(new TestMetricFilterCommand({ filterPattern: '[a, b = ]', logEventMessages: ['x y'] })), 'InvalidParameterException', 400);
});

test('FilterLogEvents rejects a bad pattern; boto3 test_metric_filter', async () => {
  const { CreateLogGroupCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'pat' }));
  await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: 'pat', filterPattern: '{ $.x = ' })), 'InvalidParameterException', 400);
  const r = await boto3<number[]>(n, `
c = boto3.client('logs', endpoint_url=endpoint, region_name='us-east-1')
r = c.test_metric_filter(filterPattern='{ $.code >= 500 }', logEventMessages=['{"code": 503}', '{"code": 200}', '{"code": 500}'])
print(json.dumps([m['eventNumber'] for m in r['matches']]))
`);
  assert.deepEqual(r, [1, 3]);
});
