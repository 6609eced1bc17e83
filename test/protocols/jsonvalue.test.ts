// fromJson hands a parsed request through unchanged when nothing in it needs converting, and
// converts (or rejects) exactly as before otherwise: the two paths must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../src/protocols/model.js';
import { shapeOf } from '../../src/protocols/shapes.js';
import { fromJson } from '../../src/protocols/jsonvalue.js';
import { jsonView } from '../../src/protocols/json.js';

const model = jsonView(loadModel('dynamodb'));
const input = (op: string) => shapeOf(model, model.operations[op].input!);

test('fromJson: a request needing no conversion is used as parsed', () => {
  const req = JSON.parse('{"TableName":"t","Item":{"pk":{"S":"a"},"n":{"N":"1"},"l":{"L":[{"BOOL":true},{"NULL":true}]},"m":{"M":{"x":{"SS":["a","b"]}}}},"ReturnValues":"ALL_OLD"}');
  assert.equal(fromJson(model, input('PutItem'), req), req);
});

test('fromJson: blobs, timestamps, unknown keys and null members are converted as before', () => {
  const withBlob = JSON.parse('{"TableName":"t","Item":{"b":{"B":"AQID"},"s":{"S":"x"}}}');
  const out = fromJson(model, input('PutItem'), withBlob) as { Item: Record<string, { B?: Buffer; S?: string }> };
  assert.notEqual(out, withBlob);
  assert.ok(Buffer.isBuffer(out.Item.b.B));
  assert.deepEqual([...out.Item.b.B!], [1, 2, 3]);
  assert.equal(out.Item.s.S, 'x');
  // Keys that name no member are dropped, and so are null members.
  assert.deepEqual(fromJson(model, input('DescribeTable'), { TableName: 't', Bogus: 1 }), { TableName: 't' });
  assert.deepEqual(fromJson(model, input('DescribeTable'), { TableName: null }), {});
  const restore = fromJson(model, input('RestoreTableToPointInTime'), { TargetTableName: 't', RestoreDateTime: 1700000000 }) as { RestoreDateTime: Date };
  assert.ok(restore.RestoreDateTime instanceof Date);
  assert.equal(restore.RestoreDateTime.getTime(), 1700000000_000);
});

test('fromJson: a value of the wrong type is still a SerializationException', () => {
  assert.throws(() => fromJson(model, input('DescribeTable'), { TableName: 5 }),
    (e: Error & { code?: string }) => e.code === 'SerializationException' && /NUMBER_VALUE can not be converted to a String/.test(e.message));
  assert.throws(() => fromJson(model, input('Scan'), { TableName: 't', Limit: 2 ** 40 }),
    (e: Error & { code?: string }) => e.code === 'SerializationException' && /out of range of int/.test(e.message));
  assert.throws(() => fromJson(model, input('PutItem'), { TableName: 't', Item: [] }),
    (e: Error & { code?: string }) => e.code === 'SerializationException');
});

test('jsonReady: an output is serialized as is only when toJson would not change it', async () => {
  const { jsonReady, toJson } = await import('../../src/protocols/jsonvalue.js');
  const out = shapeOf(model, model.operations.GetItem.output!);
  const plain = { Item: { pk: { S: 'a' }, l: { L: [{ N: '1' }, { NULL: true }] } } };
  assert.equal(jsonReady(model, out, plain), true);
  assert.equal(JSON.stringify(plain), JSON.stringify(toJson(model, out, plain)));
  // Each of these needs toJson: a Buffer, a key that names no member, a null member, a Map.
  for (const v of [
    { Item: { b: { B: Buffer.from([1]) } } },
    { Item: { pk: { S: 'a' } }, internal: 1 },
    { Item: { pk: { S: null } } },
    { Item: new Map([['pk', { S: 'a' }]]) },
  ]) assert.equal(jsonReady(model, out, v), false, JSON.stringify(v));
  const described = shapeOf(model, model.operations.DescribeTable.output!);
  assert.equal(jsonReady(model, described, { Table: { TableName: 't', CreationDateTime: new Date(0) } }), false);
});
