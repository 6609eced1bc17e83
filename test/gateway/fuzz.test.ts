// Thousands of malformed requests across every protocol: each gets an AWS-shaped 4xx (or a
// 501 for what is not built), never a 500, a crash or a stack trace; afterwards the server
// still answers correctly and nothing was half-written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { nimbus, sdk } from '../helpers.js';
import type { Nimbus } from '../../src/index.js';

let n: Nimbus;
before(async () => { n = await nimbus({ maxBodyBytes: 256 * 1024 }); });
after(async () => { await n.stop(); });

// A small deterministic PRNG so a failure can be replayed (seed printed on failure).
function rng(seed: number) {
  return () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
}

const auth = (service: string) => `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;

function garbage(r: () => number, len: number): string {
  const alphabet = '{}[]":,.\\<>/&=?%+ \n\t\u0000\u00ff\u2028abcXYZ0123456789-_~!@#$^*()\'';
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

/** Garbage a client can still put in a header (visible ASCII and spaces). */
const headerGarbage = (r: () => number, len: number) => garbage(r, len).replace(/[^\x20-\x7e]/g, '?');

interface Case { method: string; path: string; headers: Record<string, string>; body?: string | Buffer }

function makeCase(r: () => number, i: number): Case {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const kind = i % 10;
  switch (kind) {
    case 0: // json: broken JSON, wrong types, unknown targets
      return { method: 'POST', path: '/', headers: { 'x-amz-target': pick(['DynamoDB_20120810.PutItem', 'AmazonSQS.SendMessage', 'DynamoDB_20120810.Nope', 'Nope.Nope', 'AmazonSQS.']), 'content-type': 'application/x-amz-json-1.0', authorization: auth('dynamodb') },
        body: pick([garbage(r, 40), '{"TableName": 5}', '{"Item": []}', '[1,2]', 'null', '{"TableName": {"a": 1}}', '"str"', '{"Key":{"id":{"S":1}}}', '{'.repeat(5000)]) };
    case 1: // query: wrong scalar types, absurd indexes, missing action, unknown action
      return { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth('iam') },
        body: pick([`Action=ListUsers&Version=2010-05-08&MaxItems=${garbage(r, 5)}`, 'Action=CreateUser&Version=2010-05-08', `Action=CreateUser&Version=2010-05-08&UserName=${encodeURIComponent(garbage(r, 70))}`,
          'Action=CreateUser&Version=2010-05-08&UserName=fz&Tags.member.99999999.Key=a', 'Version=2010-05-08', `Action=${garbage(r, 8)}&Version=2010-05-08`, garbage(r, 60), 'Action=GetUser&Version=2010-05-08&UserName=%ZZ',
          'Action=CreateUser&Version=2010-05-08&UserName=ok' + '&Tags.member.1.Key=k'.repeat(200)]) };
    case 2: // ec2-style
      return { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth('ec2') },
        body: pick(['Action=RunInstances&Version=2016-11-15', 'Action=RunInstances&Version=2016-11-15&MinCount=x&MaxCount=1&ImageId=a', `Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=${garbage(r, 10)}`, garbage(r, 30)]) };
    case 3: // rest-xml: broken XML bodies, odd paths
      return { method: pick(['PUT', 'POST', 'GET', 'DELETE']), path: pick(['/bucket?tagging', '/bucket/key', '/bucket?delete', '/%ZZ/%', '/bucket/' + encodeURIComponent(garbage(r, 20)), '/?' + garbage(r, 10)]),
        headers: { authorization: auth('s3'), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: pick(['<Tagging><TagSet><Tag>', garbage(r, 50), '<?xml version="1.0"?><Delete><Object><Key>a</Key></Object></Delete>', '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;&a;</x>']) };
    case 4: // rest-json: bad routes and bodies
      return { method: pick(['POST', 'GET', 'PUT', 'DELETE', 'PATCH']), path: pick(['/2015-03-31/functions', '/2015-03-31/functions/' + encodeURIComponent(garbage(r, 12)) + '/invocations', '/2015-03-31/nope', '/2015-03-31/functions/f?Qualifier=' + encodeURIComponent(garbage(r, 5))]),
        headers: { authorization: auth('lambda'), 'content-type': 'application/json' }, body: pick([garbage(r, 30), '{"FunctionName": 3}', '{"Timeout": "x"}', '']) };
    case 5: // garbage headers
      return { method: 'POST', path: '/', headers: { authorization: pick(['AWS4-HMAC-SHA256 Credential=', 'AWS4-HMAC-SHA256 garbage', 'AWS ', 'Bearer x', 'AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=, Signature=zz']), 'x-amz-target': pick(['', '.', '...', headerGarbage(r, 10)]), 'content-type': headerGarbage(r, 10) }, body: garbage(r, 20) };
    case 6: // presigned query garbage
      return { method: 'GET', path: `/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(garbage(r, 10))}&X-Amz-Expires=${garbage(r, 3)}&X-Amz-Date=${garbage(r, 6)}&Action=GetCallerIdentity&Version=2011-06-15`, headers: {} };
    case 7: // an oversized body
      return { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth('iam') }, body: Buffer.alloc(300 * 1024, 0x41) };
    case 8: // unknown services and internal routes with bad input
      return { method: pick(['POST', 'GET']), path: pick(['/_nimbus/clock', '/_nimbus/nope', '/_nimbus/reset?service=nope']), headers: { 'content-type': 'application/json' }, body: pick(['{"advance": 5}', garbage(r, 10), '{"set": "yesterday"}']) };
    default: // random bytes to a random target
      return { method: pick(['POST', 'PUT']), path: '/' + garbage(r, 5).replace(/[?#\s\u0000]/g, ''), headers: { authorization: auth(pick(['sts', 'sqs', 'kms', 'ssm', 'nope'])) }, body: Buffer.from(garbage(r, 64)) };
  }
}

test('thousands of malformed requests get AWS-shaped errors, never a crash or a stack trace', async () => {
  const seed = Number(process.env.FUZZ_SEED ?? 20261126);
  const r = rng(seed);
  const statuses = new Map<number, number>();
  const cases = Array.from({ length: 3000 }, (_, i) => makeCase(r, i));
  for (let i = 0; i < cases.length; i += 50) {
    await Promise.all(cases.slice(i, i + 50).map(async (c) => {
      let res: Response;
      try {
        res = await fetch(n.endpoint + c.path, { method: c.method, headers: c.headers, body: c.method === 'GET' ? undefined : c.body });
      } catch (e) {
        // The only acceptable refusal is at the HTTP layer for input that is not HTTP.
        throw new Error(`seed ${seed}: request failed at the socket: ${(e as Error).message} ${JSON.stringify(c).slice(0, 300)}`);
      }
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.notEqual(res.status, 500, `seed ${seed}: 500 for ${JSON.stringify(c).slice(0, 300)}: ${text.slice(0, 300)}`);
      assert.doesNotMatch(text, /\bat [\w.<>]+ \(|\.(ts|js):\d+/, `seed ${seed}: stack trace leaked: ${text.slice(0, 300)}`);
      if (res.status >= 400 && !c.path.startsWith('/_nimbus')) {
        assert.ok(res.headers.get('x-amzn-requestid') || res.headers.get('x-amz-request-id'), `no request id on ${res.status}`);
        assert.match(text, /(<Code>|"__type"|"message"|<Error>)/, `not an AWS error body: ${text.slice(0, 200)}`);
      }
    }));
  }
  assert.ok((statuses.get(400) ?? 0) > 500, JSON.stringify([...statuses]));

  // Raw sockets: not HTTP at all, and a request cut off mid-body.
  for (const payload of ['GARBAGE\r\n\r\n', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=', '\u0000\u0001\u0002']) {
    await new Promise<void>((ok) => {
      const s = connect(n.port, '127.0.0.1', () => { s.write(payload); setTimeout(() => s.destroy(), 50); });
      s.on('close', () => ok()); s.on('error', () => ok());
    });
  }

  // Still serving, correctly, and nothing was half-created by the malformed CreateUser calls.
  assert.equal((await new STSClient(sdk(n)).send(new GetCallerIdentityCommand({}))).Account, '000000000000');
  const users = (await new IAMClient(sdk(n)).send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
  for (const u of users) assert.match(u!, /^[\w+=,.@-]{1,64}$/, `an invalid user name was stored: ${u}`);
});
