// Pagination tokens: opaque, bound to their operation, and tamper-checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeToken, encodeToken, page } from '../../src/core/pagination.js';
import { ServiceError } from '../../src/core/errors.js';

test('tokens round-trip and reject tampering or reuse on another operation', () => {
  const t = encodeToken('ListUsers', { k: 'bob' });
  assert.deepEqual(decodeToken('ListUsers', t), { o: 'ListUsers', k: 'bob' });
  assert.equal(decodeToken('ListRoles', t), undefined);
  const [body, mac] = t.split('.');
  const forged = Buffer.from(JSON.stringify({ o: 'ListUsers', k: 'zed' })).toString('base64url');
  assert.equal(decodeToken('ListUsers', `${forged}.${mac}`), undefined);
  assert.equal(decodeToken('ListUsers', `${body}x.${mac}`), undefined);
  assert.equal(decodeToken('ListUsers', 'garbage'), undefined);
});

test('pages follow the model paginator and resume after the last key even if items change', () => {
  const ctx = { service: 'iam', operation: 'ListUsers' };
  const items = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ UserName: n }));
  const key = (u: { UserName: string }) => u.UserName;
  const p1 = page(ctx, { MaxItems: 2 }, items, { key });
  assert.deepEqual(p1.Users, [{ UserName: 'a' }, { UserName: 'b' }]);
  assert.equal(p1.IsTruncated, true);
  // 'b' is deleted between pages: the next page still starts at 'c'.
  const p2 = page(ctx, { MaxItems: 2, Marker: p1.Marker }, items.filter((u) => u.UserName !== 'b'), { key });
  assert.deepEqual(p2.Users, [{ UserName: 'c' }, { UserName: 'd' }]);
  const p3 = page(ctx, { MaxItems: 2, Marker: p2.Marker }, items, { key });
  assert.deepEqual(p3.Users, [{ UserName: 'e' }]);
  assert.equal(p3.IsTruncated, false);
  assert.equal(p3.Marker, undefined);
  assert.throws(() => page(ctx, { Marker: 'bogus' }, items, { key }), (e: unknown) => e instanceof ServiceError && e.code === 'InvalidParameterValue');
});
