// SQS through the other clients and the other protocol: the aws CLI and boto3 (JSON protocol,
// awsQueryCompatible error codes), raw query-protocol requests answered in XML (as the SQS
// Query API reference shows them), and the JSON protocol's x-amzn-query-error header.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { aws, boto3, nimbus } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { json, query } from './util.js';

let n: Nimbus;
before(async () => { n = await nimbus(); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

test('aws CLI: create, send with attributes, receive, delete, attributes, errors', async () => {
  const c = await aws(n, ['sqs', 'create-queue', '--queue-name', 'cli-q', '--attributes', 'VisibilityTimeout=60,DelaySeconds=0']);
  assert.equal(c.code, 0, c.stderr);
  const url = JSON.parse(c.stdout).QueueUrl;
  assert.equal(url, `${n.endpoint}/000000000000/cli-q`);
  const s = await aws(n, ['sqs', 'send-message', '--queue-url', url, '--message-body', 'from the cli',
    '--message-attributes', '{"color":{"DataType":"String","StringValue":"blue"}}']);
  assert.equal(s.code, 0, s.stderr);
  const sent = JSON.parse(s.stdout);
  assert.equal(sent.MD5OfMessageBody, md5('from the cli'));
  const r = await aws(n, ['sqs', 'receive-message', '--queue-url', url, '--attribute-names', 'All', '--message-attribute-names', 'All']);
  assert.equal(r.code, 0, r.stderr);
  const [m] = JSON.parse(r.stdout).Messages;
  assert.equal(m.Body, 'from the cli');
  assert.equal(m.MessageAttributes.color.StringValue, 'blue');
  assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.equal(m.Attributes.ApproximateReceiveCount, '1');
  const a = await aws(n, ['sqs', 'get-queue-attributes', '--queue-url', url, '--attribute-names', 'ApproximateNumberOfMessagesNotVisible', 'VisibilityTimeout']);
  assert.deepEqual(JSON.parse(a.stdout).Attributes, { ApproximateNumberOfMessagesNotVisible: '1', VisibilityTimeout: '60' });
  const d = await aws(n, ['sqs', 'delete-message', '--queue-url', url, '--receipt-handle', m.ReceiptHandle]);
  assert.equal(d.code, 0, d.stderr);
  const l = await aws(n, ['sqs', 'list-queues', '--queue-name-prefix', 'cli']);
  assert.deepEqual(JSON.parse(l.stdout).QueueUrls, [url]);
  // Errors carry the legacy query codes, as the real service's x-amzn-query-error header gives them.
  const missing = await aws(n, ['sqs', 'get-queue-url', '--queue-name', 'nope']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /\(AWS\.SimpleQueueService\.NonExistentQueue\).*The specified queue does not exist\./);
  const bad = await aws(n, ['sqs', 'receive-message', '--queue-url', url, '--max-number-of-messages', '11']);
  assert.match(bad.stderr, /\(InvalidParameterValue\).*Value 11 for parameter MaxNumberOfMessages is invalid\. Reason: Must be between 1 and 10, if provided\./);
});

test('boto3: FIFO flow, batch, long poll, modelled exceptions', async () => {
  const out = await boto3<Record<string, unknown>>(n, `
c = boto3.client('sqs', endpoint_url=endpoint, region_name='us-east-1')
url = c.create_queue(QueueName='py.fifo', Attributes={'FifoQueue': 'true', 'ContentBasedDeduplication': 'true'})['QueueUrl']
b = c.send_message_batch(QueueUrl=url, Entries=[{'Id': str(i), 'MessageBody': 'm%d' % i, 'MessageGroupId': 'g'} for i in range(5)])
dup = c.send_message(QueueUrl=url, MessageBody='m0', MessageGroupId='g')
r = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageSystemAttributeNames=['All'])
msgs = r['Messages']
c.delete_message_batch(QueueUrl=url, Entries=[{'Id': str(i), 'ReceiptHandle': m['ReceiptHandle']} for i, m in enumerate(msgs)])
empty = c.receive_message(QueueUrl=url, WaitTimeSeconds=0)
try:
    c.get_queue_url(QueueName='missing')
    code = None
except c.exceptions.QueueDoesNotExist as e:
    code = e.response['Error']['Code']
try:
    c.create_queue(QueueName='py.fifo', Attributes={'FifoQueue': 'true', 'ContentBasedDeduplication': 'false'})
    exists = None
except c.exceptions.QueueNameExists as e:
    exists = e.response['Error']['Code']
print(json.dumps({'ok': len(b['Successful']), 'dupSame': dup['MessageId'] == b['Successful'][0]['MessageId'],
  'bodies': [m['Body'] for m in msgs], 'groups': sorted(set(m['Attributes']['MessageGroupId'] for m in msgs)),
  'empty': 'Messages' in empty, 'code': code, 'exists': exists}))
`);
  assert.deepEqual(out, { ok: 5, dupSame: true, bodies: ['m0', 'm1', 'm2', 'm3', 'm4'], groups: ['g'], empty: false, code: 'AWS.SimpleQueueService.NonExistentQueue', exists: 'QueueAlreadyExists' });
});

test('query protocol: CreateQueue with Attribute.N and Tag.N, XML result and namespace', async () => {
  const r = await query(n, { Action: 'CreateQueue', QueueName: 'xq', 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': '40', 'Tag.1.Key': 'team', 'Tag.1.Value': 'red' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'text/xml');
  assert.equal(r.xml.CreateQueueResponse['@_xmlns'], 'http://queue.amazonaws.com/doc/2012-11-05/');
  assert.equal(r.xml.CreateQueueResponse.CreateQueueResult.QueueUrl[0], `${n.endpoint}/000000000000/xq`);
  assert.match(r.xml.CreateQueueResponse.ResponseMetadata.RequestId, /^[0-9a-f-]{36}$/);
  const t = await query(n, { Action: 'ListQueueTags', QueueUrl: `${n.endpoint}/000000000000/xq` });
  assert.deepEqual(t.xml.ListQueueTagsResponse.ListQueueTagsResult.Tag, [{ Key: 'team', Value: 'red' }]);
  const a = await query(n, { Action: 'GetQueueAttributes', QueueUrl: `${n.endpoint}/000000000000/xq`, 'AttributeName.1': 'VisibilityTimeout', 'AttributeName.2': 'QueueArn' });
  assert.deepEqual(a.xml.GetQueueAttributesResponse.GetQueueAttributesResult.Attribute, [
    { Name: 'QueueArn', Value: 'arn:aws:sqs:us-east-1:000000000000:xq' }, { Name: 'VisibilityTimeout', Value: '40' }]);
  const l = await query(n, { Action: 'ListQueues', QueueNamePrefix: 'x' });
  assert.deepEqual(l.xml.ListQueuesResponse.ListQueuesResult.QueueUrl, [`${n.endpoint}/000000000000/xq`]);
  const u = await query(n, { Action: 'GetQueueUrl', QueueName: 'xq' });
  assert.equal(u.xml.GetQueueUrlResponse.GetQueueUrlResult.QueueUrl[0], `${n.endpoint}/000000000000/xq`);
});

test('query protocol: SendMessage to the queue path (no QueueUrl), attributes, ReceiveMessage XML, batches', async () => {
  await query(n, { Action: 'CreateQueue', QueueName: 'pathq' });
  const path = '/000000000000/pathq';
  const s = await query(n, {
    Action: 'SendMessage', MessageBody: 'hello <xml> & "friends"',
    'MessageAttribute.1.Name': 'city', 'MessageAttribute.1.Value.StringValue': 'Zürich', 'MessageAttribute.1.Value.DataType': 'String',
    'MessageAttribute.2.Name': 'bin', 'MessageAttribute.2.Value.BinaryValue': Buffer.from([1, 2, 3]).toString('base64'), 'MessageAttribute.2.Value.DataType': 'Binary',
    'MessageSystemAttribute.1.Name': 'AWSTraceHeader', 'MessageSystemAttribute.1.Value.StringValue': 'Root=1-x', 'MessageSystemAttribute.1.Value.DataType': 'String',
  }, path);
  assert.equal(s.status, 200, s.text);
  const sr = s.xml.SendMessageResponse.SendMessageResult;
  assert.equal(sr.MD5OfMessageBody, md5('hello <xml> & "friends"'));
  assert.match(sr.MD5OfMessageAttributes, /^[0-9a-f]{32}$/);
  assert.match(sr.MD5OfMessageSystemAttributes, /^[0-9a-f]{32}$/);
  const b = await query(n, {
    Action: 'SendMessageBatch', QueueUrl: `${n.endpoint}${path}`,
    'SendMessageBatchRequestEntry.1.Id': 'one', 'SendMessageBatchRequestEntry.1.MessageBody': 'b1',
    'SendMessageBatchRequestEntry.2.Id': 'two', 'SendMessageBatchRequestEntry.2.MessageBody': 'b2', 'SendMessageBatchRequestEntry.2.DelaySeconds': '5',
    'SendMessageBatchRequestEntry.3.Id': 'bad', 'SendMessageBatchRequestEntry.3.MessageBody': 'x\u0002',
  });
  const br = b.xml.SendMessageBatchResponse.SendMessageBatchResult;
  assert.deepEqual(br.SendMessageBatchResultEntry.map((e: { Id: string }) => e.Id), ['one', 'two']);
  assert.deepEqual(br.BatchResultErrorEntry.map((e: { Id: string; Code: string; SenderFault: string }) => [e.Id, e.Code, e.SenderFault]), [['bad', 'InvalidMessageContents', 'true']]);

  const r = await query(n, { Action: 'ReceiveMessage', 'AttributeName.1': 'All', 'MessageAttributeName.1': 'All', MaxNumberOfMessages: '10' }, path);
  const msgs = r.xml.ReceiveMessageResponse.ReceiveMessageResult.Message;
  assert.equal(msgs.length, 2);
  const m = msgs[0];
  assert.equal(m.Body, 'hello <xml> & "friends"');
  assert.equal(m.MD5OfBody, sr.MD5OfMessageBody);
  assert.equal(m.MD5OfMessageAttributes, sr.MD5OfMessageAttributes);
  const attr = Object.fromEntries(m.Attribute.map((x: { Name: string; Value: string }) => [x.Name, x.Value]));
  assert.equal(attr.AWSTraceHeader, 'Root=1-x');
  assert.equal(attr.ApproximateReceiveCount, '1');
  assert.deepEqual(m.MessageAttribute.find((x: { Name: string }) => x.Name === 'city'), { Name: 'city', Value: { StringValue: 'Zürich', DataType: 'String' } });
  assert.deepEqual(m.MessageAttribute.find((x: { Name: string }) => x.Name === 'bin'), { Name: 'bin', Value: { BinaryValue: 'AQID', DataType: 'Binary' } });

  const cv = await query(n, { Action: 'ChangeMessageVisibility', ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: '0' }, path);
  assert.equal(cv.status, 200, cv.text);
  assert.ok(cv.xml.ChangeMessageVisibilityResponse.ResponseMetadata.RequestId);
  const again = await query(n, { Action: 'ReceiveMessage' }, path);
  const h = again.xml.ReceiveMessageResponse.ReceiveMessageResult.Message[0].ReceiptHandle;
  const d = await query(n, { Action: 'DeleteMessageBatch', 'DeleteMessageBatchRequestEntry.1.Id': 'x', 'DeleteMessageBatchRequestEntry.1.ReceiptHandle': h,
    'DeleteMessageBatchRequestEntry.2.Id': 'y', 'DeleteMessageBatchRequestEntry.2.ReceiptHandle': 'junk' }, path);
  const dr = d.xml.DeleteMessageBatchResponse.DeleteMessageBatchResult;
  assert.deepEqual(dr.DeleteMessageBatchResultEntry, [{ Id: 'x' }]);
  assert.equal(dr.BatchResultErrorEntry[0].Code, 'ReceiptHandleIsInvalid');
  const empty = await query(n, { Action: 'ReceiveMessage' }, path);
  assert.equal(empty.xml.ReceiveMessageResponse.ReceiveMessageResult, '');
});

test('query protocol errors: <ErrorResponse> with the legacy codes', async () => {
  const r = await query(n, { Action: 'GetQueueUrl', QueueName: 'nope' });
  assert.equal(r.status, 400);
  const e = r.xml.ErrorResponse;
  assert.deepEqual({ Type: e.Error.Type, Code: e.Error.Code, Message: e.Error.Message },
    { Type: 'Sender', Code: 'AWS.SimpleQueueService.NonExistentQueue', Message: 'The specified queue does not exist.' });
  assert.match(e.RequestId, /^[0-9a-f-]{36}$/);
  await query(n, { Action: 'CreateQueue', QueueName: 'eq' });
  const dup = await query(n, { Action: 'CreateQueue', QueueName: 'eq', 'Attribute.1.Name': 'DelaySeconds', 'Attribute.1.Value': '5' });
  assert.equal(dup.xml.ErrorResponse.Error.Code, 'QueueAlreadyExists');
  const purge1 = await query(n, { Action: 'PurgeQueue' }, '/000000000000/eq');
  assert.equal(purge1.status, 200);
  const purge2 = await query(n, { Action: 'PurgeQueue' }, '/000000000000/eq');
  assert.equal(purge2.status, 403);
  assert.equal(purge2.xml.ErrorResponse.Error.Code, 'AWS.SimpleQueueService.PurgeQueueInProgress');
  const none = await query(n, { Action: 'SendMessage', MessageBody: 'x' });
  assert.equal(none.xml.ErrorResponse.Error.Code, 'MissingParameter');
  assert.equal(none.xml.ErrorResponse.Error.Message, 'The request must contain the parameter QueueUrl.');
  const batch = await query(n, { Action: 'DeleteMessageBatch' }, '/000000000000/eq');
  assert.equal(batch.xml.ErrorResponse.Error.Code, 'MissingParameter');
  const empty = await query(n, { Action: 'SendMessageBatch', 'SendMessageBatchRequestEntry.1.Id': 'a', 'SendMessageBatchRequestEntry.1.MessageBody': 'x',
    'SendMessageBatchRequestEntry.2.Id': 'a', 'SendMessageBatchRequestEntry.2.MessageBody': 'y' }, '/000000000000/eq');
  assert.equal(empty.xml.ErrorResponse.Error.Code, 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct');
  const attr = await query(n, { Action: 'GetQueueAttributes', 'AttributeName.1': 'Bogus' }, '/000000000000/eq');
  assert.equal(attr.xml.ErrorResponse.Error.Code, 'InvalidAttributeName');
});

test('JSON protocol errors: __type and the x-amzn-query-error header', async () => {
  const r = await json(n, 'GetQueueUrl', { QueueName: 'nope' });
  assert.equal(r.status, 400);
  assert.equal(r.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  assert.match(r.body.__type, /QueueDoesNotExist$/);
  assert.equal(r.body.message, 'The specified queue does not exist.');
  const v = await json(n, 'ReceiveMessage', { QueueUrl: 'http://x/000000000000/nope', MaxNumberOfMessages: 50 });
  assert.equal(v.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  await json(n, 'CreateQueue', { QueueName: 'jq' });
  const p = await json(n, 'ReceiveMessage', { QueueUrl: `${n.endpoint}/000000000000/jq`, MaxNumberOfMessages: 50 });
  assert.equal(p.headers.get('x-amzn-query-error'), 'InvalidParameterValue;Sender');
  assert.equal(p.body.__type, 'InvalidParameterValue');
  const m = await json(n, 'SendMessage', { QueueUrl: `${n.endpoint}/000000000000/jq` });
  assert.equal(m.headers.get('x-amzn-query-error'), 'MissingParameter;Sender');
  assert.equal(m.body.message, 'The request must contain the parameter MessageBody.');
  const h = await json(n, 'DeleteMessage', { QueueUrl: `${n.endpoint}/000000000000/jq`, ReceiptHandle: 'bad' });
  assert.equal(h.status, 404);
  assert.equal(h.headers.get('x-amzn-query-error'), 'ReceiptHandleIsInvalid;Sender');
  const ok = await json(n, 'SendMessage', { QueueUrl: `${n.endpoint}/000000000000/jq`, MessageBody: 'x' });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'application/x-amz-json-1.0');
  assert.deepEqual(Object.keys(ok.body).sort(), ['MD5OfMessageBody', 'MessageId']);
});
