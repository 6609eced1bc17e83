// SSM Parameter Store through the aws CLI and boto3: put-parameter / get-parameter
// --with-decryption, get-parameters-by-path --recursive, errors as the CLI prints them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { nimbus, aws, boto3 } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
before(async () => { n = await nimbus(); });
after(async () => { await n.stop(); });

test('aws CLI: SecureString round trip, recursive path listing, ParameterAlreadyExists', async () => {
  let r = await aws(n, ['ssm', 'put-parameter', '--name', '/cli/db/password', '--value', 'hunter2', '--type', 'SecureString']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { Version: 1, Tier: 'Standard' });
  r = await aws(n, ['ssm', 'put-parameter', '--name', '/cli/db/host', '--value', 'db.local', '--type', 'String']);
  assert.equal(r.code, 0, r.stderr);
  r = await aws(n, ['ssm', 'get-parameter', '--name', '/cli/db/password', '--with-decryption']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).Parameter.Value, 'hunter2');
  r = await aws(n, ['ssm', 'get-parameter', '--name', '/cli/db/password']);
  assert.notEqual(JSON.parse(r.stdout).Parameter.Value, 'hunter2');
  r = await aws(n, ['ssm', 'get-parameters-by-path', '--path', '/cli', '--recursive', '--with-decryption']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).Parameters.map((p: { Name: string; Value: string }) => [p.Name, p.Value]),
    [['/cli/db/host', 'db.local'], ['/cli/db/password', 'hunter2']]);
  r = await aws(n, ['ssm', 'put-parameter', '--name', '/cli/db/host', '--value', 'x', '--type', 'String']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /ParameterAlreadyExists.*The parameter already exists\. To overwrite this value, set the overwrite option in the request to true\./);
});

test('boto3: parameters, labels, by-path paginator, ParameterNotFound', async () => {
  const r = await boto3<Record<string, unknown>>(n, `
ssm = boto3.client('ssm', endpoint_url=endpoint, region_name='us-east-1')
for i in range(5):
    ssm.put_parameter(Name='/b3/p%d' % i, Value='v%d' % i, Type='String')
ssm.put_parameter(Name='/b3/p0', Value='v0b', Type='String', Overwrite=True)
ssm.label_parameter_version(Name='/b3/p0', ParameterVersion=1, Labels=['orig'])
orig = ssm.get_parameter(Name='/b3/p0:orig')['Parameter']['Value']
names = []
for page in ssm.get_paginator('get_parameters_by_path').paginate(Path='/b3', PaginationConfig={'PageSize': 2}):
    names += [p['Name'] for p in page['Parameters']]
try:
    ssm.get_parameter(Name='/b3/none')
    code = 'none'
except botocore.exceptions.ClientError as e:
    code = e.response['Error']['Code']
print(json.dumps({'orig': orig, 'names': names, 'code': code}))
`);
  assert.deepEqual(r, { orig: 'v0', names: ['/b3/p0', '/b3/p1', '/b3/p2', '/b3/p3', '/b3/p4'], code: 'ParameterNotFound' });
});
