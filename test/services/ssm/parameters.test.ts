// SSM Parameter Store through the JS SDK v3: String/StringList/SecureString (encrypted by
// Nimbus's KMS under alias/aws/ssm or a given key), versions, labels, selectors, history,
// hierarchies and GetParametersByPath, GetParameters, deletes, DescribeParameters filters,
// tiers, the 100-version limit, Expiration policies on the clock, tags.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  SSMClient, PutParameterCommand, GetParameterCommand, GetParametersCommand, GetParametersByPathCommand,
  DescribeParametersCommand, GetParameterHistoryCommand, LabelParameterVersionCommand, UnlabelParameterVersionCommand,
  DeleteParameterCommand, DeleteParametersCommand, AddTagsToResourceCommand, ListTagsForResourceCommand,
  RemoveTagsFromResourceCommand, paginateGetParametersByPath, SendCommandCommand, type DescribeParametersCommandInput,
} from '@aws-sdk/client-ssm';
import { KMSClient, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand } from '@aws-sdk/client-kms';
import { nimbus, sdk, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let ssm: SSMClient;
let kms: KMSClient;
before(async () => { n = await nimbus(); ssm = new SSMClient(sdk(n)); kms = new KMSClient(sdk(n)); });
after(async () => { ssm.destroy(); kms.destroy(); await n.stop(); });
beforeEach(() => n.reset());

const put = (Name: string, Value: string, extra: Partial<ConstructorParameters<typeof PutParameterCommand>[0]> = {}) =>
  ssm.send(new PutParameterCommand({ Name, Value, Type: 'String', ...extra }));
const get = async (Name: string, WithDecryption?: boolean) => (await ssm.send(new GetParameterCommand({ Name, WithDecryption }))).Parameter!;

test('PutParameter/GetParameter: String and StringList, versions, overwrite, ARN', async () => {
  const r = await put('/app/db/host', 'db1');
  assert.deepEqual([r.Version, r.Tier], [1, 'Standard']);
  const p = await get('/app/db/host');
  assert.equal(p.Value, 'db1');
  assert.equal(p.Type, 'String');
  assert.equal(p.Version, 1);
  assert.equal(p.DataType, 'text');
  assert.equal(p.ARN, 'arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host');
  assert.ok(p.LastModifiedDate instanceof Date);
  const e = await rejects(put('/app/db/host', 'db2'), 'ParameterAlreadyExists', 400);
  assert.equal(e.message, 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  assert.equal((await ssm.send(new PutParameterCommand({ Name: '/app/db/host', Value: 'db2', Overwrite: true }))).Version, 2);
  assert.equal((await get('/app/db/host')).Value, 'db2');
  assert.equal((await get('arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host')).Value, 'db2');
  await put('hosts', 'a,b,c', { Type: 'StringList' });
  const l = await get('hosts');
  assert.deepEqual([l.Type, l.Value], ['StringList', 'a,b,c']);
  await rejects(ssm.send(new GetParameterCommand({ Name: '/nope' })), 'ParameterNotFound', 400);
  await rejects(put('/x', 'v', { Overwrite: true, Tags: [{ Key: 'a', Value: 'b' }] }), 'ValidationException', 400);
  await rejects(ssm.send(new PutParameterCommand({ Name: '/notype', Value: 'v' })), 'ValidationException', 400);
});

test('Names: reserved prefixes, characters, hierarchy depth', async () => {
  await rejects(put('/aws/x', 'v'), 'ValidationException', 400);
  await rejects(put('ssm-thing', 'v'), 'ValidationException', 400);
  await rejects(put('/a b', 'v'), 'ValidationException', 400);
  await rejects(put('a/b', 'v'), 'ValidationException', 400);
  await put('/' + Array.from({ length: 15 }, (_, i) => `l${i}`).join('/'), 'deep enough');
  await rejects(put('/' + Array.from({ length: 16 }, (_, i) => `l${i}`).join('/'), 'v'), 'HierarchyLevelLimitExceededException', 400);
});

test('SecureString: encrypted by KMS under alias/aws/ssm (created on first use), WithDecryption', async () => {
  await put('/app/secret', 's3cr3t', { Type: 'SecureString' });
  const enc = await get('/app/secret');
  assert.equal(enc.Type, 'SecureString');
  assert.notEqual(enc.Value, 's3cr3t');
  // The value is the base64 KMS ciphertext, bound to the parameter ARN.
  const blob = Buffer.from(enc.Value!, 'base64');
  const d = await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { PARAMETER_ARN: enc.ARN! } }));
  assert.equal(Buffer.from(d.Plaintext!).toString(), 's3cr3t');
  const managed = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ssm' }))).KeyMetadata!;
  assert.equal(managed.KeyManager, 'AWS');
  assert.equal(d.KeyId, managed.Arn);
  assert.equal((await get('/app/secret', true)).Value, 's3cr3t');
  const meta = (await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/app/secret'] }] }))).Parameters!;
  assert.equal(meta[0].KeyId, 'alias/aws/ssm');
  // A customer key.
  const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  await put('/keyed/other', 'v2', { Type: 'SecureString', KeyId: k.KeyId });
  const o = await get('/keyed/other');
  const d2 = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(o.Value!, 'base64'), EncryptionContext: { PARAMETER_ARN: o.ARN! } }));
  assert.equal(d2.KeyId, k.Arn);
  await kms.send(new DisableKeyCommand({ KeyId: k.KeyId }));
  // The KMS error comes through (unsure what AWS's SSM answers here; KMS's DisabledException is our guess).
  await rejects(ssm.send(new GetParameterCommand({ Name: '/keyed/other', WithDecryption: true })), 'DisabledException', 400);
  assert.equal((await get('/keyed/other')).Value, o.Value);
  await rejects(put('/app/bad', 'v', { Type: 'SecureString', KeyId: 'alias/does-not-exist' }), 'InvalidKeyId', 400);
  await rejects(put('/app/plainkey', 'v', { KeyId: k.KeyId }), 'ValidationException', 400);
  // GetParametersByPath and history decrypt too.
  const byPath = (await ssm.send(new GetParametersByPathCommand({ Path: '/app', WithDecryption: true, ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }] }))).Parameters!;
  assert.deepEqual(byPath.map((x) => x.Name), ['/app/secret']);
  assert.equal(byPath[0].Value, 's3cr3t');
  const hist = (await ssm.send(new GetParameterHistoryCommand({ Name: '/app/secret', WithDecryption: true }))).Parameters!;
  assert.equal(hist[0].Value, 's3cr3t');
});

test('Labels, selectors and history', async () => {
  await put('/cfg', 'v1');
  await put('/cfg', 'v2', { Overwrite: true, Description: 'second' });
  await put('/cfg', 'v3', { Overwrite: true });
  const l = await ssm.send(new LabelParameterVersionCommand({ Name: '/cfg', ParameterVersion: 1, Labels: ['prod', 'aws-bad', '1bad', 'stable'] }));
  assert.deepEqual(l.InvalidLabels, ['aws-bad', '1bad']);
  assert.equal(l.ParameterVersion, 1);
  assert.equal((await get('/cfg:prod')).Value, 'v1');
  const sel = await get('/cfg:2');
  assert.deepEqual([sel.Value, sel.Selector, sel.Version], ['v2', ':2', 2]);
  assert.equal((await get('/cfg:prod')).Selector, ':prod');
  await rejects(ssm.send(new GetParameterCommand({ Name: '/cfg:9' })), 'ParameterVersionNotFound', 400);
  // Labels move between versions.
  await ssm.send(new LabelParameterVersionCommand({ Name: '/cfg', Labels: ['prod'] }));
  assert.equal((await get('/cfg:prod')).Value, 'v3');
  const h = (await ssm.send(new GetParameterHistoryCommand({ Name: '/cfg' }))).Parameters!;
  assert.deepEqual(h.map((x) => [x.Version, x.Value, x.Labels]), [[1, 'v1', ['stable']], [2, 'v2', []], [3, 'v3', ['prod']]]);
  assert.equal(h[1].Description, 'second');
  assert.equal(h[0].LastModifiedUser, 'arn:aws:iam::000000000000:root');
  const u = await ssm.send(new UnlabelParameterVersionCommand({ Name: '/cfg', ParameterVersion: 1, Labels: ['stable', 'nope'] }));
  assert.deepEqual([u.RemovedLabels, u.InvalidLabels], [['stable'], ['nope']]);
  await rejects(ssm.send(new LabelParameterVersionCommand({ Name: '/cfg', ParameterVersion: 7, Labels: ['x'] })), 'ParameterVersionNotFound', 400);
  await rejects(ssm.send(new LabelParameterVersionCommand({ Name: '/none', Labels: ['x'] })), 'ParameterNotFound', 400);
  await ssm.send(new LabelParameterVersionCommand({ Name: '/cfg', ParameterVersion: 2, Labels: Array.from({ length: 10 }, (_, i) => `l${i}`) }));
  await rejects(ssm.send(new LabelParameterVersionCommand({ Name: '/cfg', ParameterVersion: 2, Labels: ['one-more'] })), 'ParameterVersionLabelLimitExceeded', 400);
  const p1 = await ssm.send(new GetParameterHistoryCommand({ Name: '/cfg', MaxResults: 2 }));
  assert.equal(p1.Parameters!.length, 2);
  const p2 = await ssm.send(new GetParameterHistoryCommand({ Name: '/cfg', MaxResults: 2, NextToken: p1.NextToken }));
  assert.deepEqual(p2.Parameters!.map((x) => x.Version), [3]);
  assert.equal(p2.NextToken, undefined);
});

test('GetParametersByPath: one level, recursive, filters, pages; GetParameters; deletes', async () => {
  for (const name of ['/svc/a', '/svc/b', '/svc/sub/c', '/svc/sub/deep/d', '/other/x']) await put(name, name);
  await put('/svc/list', 'x,y', { Type: 'StringList' });
  const one = (await ssm.send(new GetParametersByPathCommand({ Path: '/svc' }))).Parameters!;
  assert.deepEqual(one.map((x) => x.Name), ['/svc/a', '/svc/b', '/svc/list']);
  const all: string[] = [];
  for await (const pg of paginateGetParametersByPath({ client: ssm, pageSize: 2 }, { Path: '/svc/', Recursive: true })) {
    assert.ok(pg.Parameters!.length <= 2);
    all.push(...pg.Parameters!.map((x) => x.Name!));
  }
  assert.deepEqual(all, ['/svc/a', '/svc/b', '/svc/list', '/svc/sub/c', '/svc/sub/deep/d']);
  const lists = (await ssm.send(new GetParametersByPathCommand({ Path: '/', Recursive: true, ParameterFilters: [{ Key: 'Type', Values: ['StringList'] }] }))).Parameters!;
  assert.deepEqual(lists.map((x) => x.Name), ['/svc/list']);
  await rejects(ssm.send(new GetParametersByPathCommand({ Path: '/svc', ParameterFilters: [{ Key: 'Name', Values: ['x'] }] })), 'InvalidFilterKey', 400);
  await rejects(ssm.send(new GetParametersByPathCommand({ Path: '/svc', MaxResults: 11 })), 'ValidationException', 400);
  const g = await ssm.send(new GetParametersCommand({ Names: ['/svc/a', '/missing', '/svc/b:1', '/svc/b:5'] }));
  assert.deepEqual(g.Parameters!.map((x) => x.Name), ['/svc/a', '/svc/b']);
  assert.deepEqual(g.InvalidParameters, ['/missing', '/svc/b:5']);
  await ssm.send(new DeleteParameterCommand({ Name: '/svc/a' }));
  const dn = await rejects(ssm.send(new DeleteParameterCommand({ Name: '/svc/a' })), 'ParameterNotFound', 400);
  assert.equal(dn.message, 'Parameter /svc/a not found.');
  const d = await ssm.send(new DeleteParametersCommand({ Names: ['/svc/b', '/nope'] }));
  assert.deepEqual([d.DeletedParameters, d.InvalidParameters], [['/svc/b'], ['/nope']]);
});

test('DescribeParameters: Name/Type/Path/Tier/tag filters, legacy Filters, pagination', async () => {
  await put('/a/one', '1', { Description: 'first', Tags: [{ Key: 'team', Value: 'x' }] });
  await put('/a/two', '2', { Type: 'StringList' });
  await put('/a/b/three', '3', { Tier: 'Advanced' });
  await put('plain', '4', { AllowedPattern: '^\\d+$' });
  const names = async (req: DescribeParametersCommandInput) =>
    (await ssm.send(new DescribeParametersCommand(req))).Parameters!.map((p) => p.Name);
  assert.deepEqual(await names({}), ['/a/b/three', '/a/one', '/a/two', 'plain']);
  assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/a/t'] }] }), ['/a/two']);
  assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Name', Option: 'Contains', Values: ['e'] }] }), ['/a/b/three', '/a/one']);
  assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Type', Values: ['StringList'] }] }), ['/a/two']);
  assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Path', Values: ['/a'] }] }), ['/a/one', '/a/two']);
  assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/a'] }] }), ['/a/b/three', '/a/one', '/a/two']);
  assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Tier', Values: ['Advanced'] }] }), ['/a/b/three']);
  assert.deepEqual(await names({ ParameterFilters: [{ Key: 'tag:team', Values: ['x'] }] }), ['/a/one']);
  assert.deepEqual(await names({ Filters: [{ Key: 'Name', Values: ['/a/o'] }] }), ['/a/one']);
  await rejects(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Path', Option: 'Sideways', Values: ['/a'] }] })), 'InvalidFilterOption', 400);
  const meta = (await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/a/one'] }] }))).Parameters![0];
  assert.equal(meta.Description, 'first');
  assert.equal(meta.Version, 1);
  assert.equal(meta.Tier, 'Standard');
  assert.equal(meta.ARN, 'arn:aws:ssm:us-east-1:000000000000:parameter/a/one');
  const p1 = await ssm.send(new DescribeParametersCommand({ MaxResults: 5 }));
  assert.equal(p1.NextToken, undefined);
  await rejects(ssm.send(new DescribeParametersCommand({ NextToken: 'garbage' })), 'InvalidNextToken', 400);
  // Nothing is shared with this account (sharing itself: sharing.test.ts).
  assert.deepEqual((await ssm.send(new DescribeParametersCommand({ Shared: true }))).Parameters, []);
  // AllowedPattern is enforced.
  await rejects(put('plain', 'abc', { Overwrite: true }), 'ParameterPatternMismatchException', 400);
});

test('Tiers: Standard 4 KB, Advanced 8 KB, no downgrade, Intelligent-Tiering', async () => {
  await rejects(put('/big', 'x'.repeat(4097)), 'ValidationException', 400);
  assert.equal((await put('/big', 'x'.repeat(4097), { Tier: 'Advanced' })).Tier, 'Advanced');
  await rejects(put('/bigger', 'x'.repeat(8193), { Tier: 'Advanced' }), 'ValidationException', 400);
  await rejects(put('/big', 'small', { Overwrite: true, Tier: 'Standard' }), 'ValidationException', 400);
  assert.equal((await put('/big', 'small', { Overwrite: true })).Tier, 'Advanced');
  assert.equal((await put('/it1', 'small', { Tier: 'Intelligent-Tiering' })).Tier, 'Standard');
  assert.equal((await put('/it2', 'x'.repeat(5000), { Tier: 'Intelligent-Tiering' })).Tier, 'Advanced');
});

test('ParameterMaxVersionLimitExceeded at 100 versions when the oldest is labelled; otherwise the oldest goes', async () => {
  await put('/v', '1');
  for (let i = 2; i <= 100; i++) await put('/v', String(i), { Overwrite: true });
  await ssm.send(new LabelParameterVersionCommand({ Name: '/v', ParameterVersion: 1, Labels: ['keep'] }));
  const e = await rejects(put('/v', '101', { Overwrite: true }), 'ParameterMaxVersionLimitExceeded', 400);
  assert.match(e.message, /Version 1, the oldest version, can't be deleted because it has a label/);
  await ssm.send(new UnlabelParameterVersionCommand({ Name: '/v', ParameterVersion: 1, Labels: ['keep'] }));
  assert.equal((await put('/v', '101', { Overwrite: true })).Version, 101);
  await rejects(ssm.send(new GetParameterCommand({ Name: '/v:1' })), 'ParameterVersionNotFound', 400);
  assert.equal((await get('/v:2')).Value, '2');
});

test('Expiration policy deletes the parameter on the clock', async () => {
  const at = new Date(n.clock.now().getTime() + 3_600_000).toISOString();
  const policy = JSON.stringify([{ Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: at } }]);
  await rejects(put('/temp', 'v', { Policies: policy }), 'ValidationException', 400); // Standard tier
  assert.equal((await put('/temp', 'v', { Policies: policy, Tier: 'Advanced' })).Tier, 'Advanced');
  const meta = (await ssm.send(new DescribeParametersCommand({}))).Parameters![0];
  assert.equal(meta.Policies![0].PolicyType, 'Expiration');
  assert.equal(meta.Policies![0].PolicyStatus, 'Pending');
  await rejects(put('/t2', 'v', { Tier: 'Advanced', Policies: JSON.stringify([{ Type: 'Bogus', Version: '1.0', Attributes: {} }]) }), 'InvalidPolicyTypeException', 400);
  await rejects(put('/t2', 'v', { Tier: 'Advanced', Policies: JSON.stringify([{ Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: '2000-01-01T00:00:00Z' } }]) }), 'InvalidPolicyAttributeException', 400);
  n.clock.advance(3_500_000);
  assert.equal((await get('/temp')).Value, 'v');
  n.clock.advance(200_000);
  await rejects(ssm.send(new GetParameterCommand({ Name: '/temp' })), 'ParameterNotFound', 400);
});

test('Tags on Parameter resources; other resource types are not implemented (501)', async () => {
  await put('/tagged', 'v', { Tags: [{ Key: 'env', Value: 'dev' }] });
  await ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: '/tagged', Tags: [{ Key: 'team', Value: 'core' }] }));
  let tags = (await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/tagged' }))).TagList;
  assert.deepEqual(tags, [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'core' }]);
  await ssm.send(new RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: '/tagged', TagKeys: ['env'] }));
  tags = (await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/tagged' }))).TagList;
  assert.deepEqual(tags, [{ Key: 'team', Value: 'core' }]);
  await rejects(ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/none' })), 'InvalidResourceId', 400);
  await rejects(ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: 'doc' })), 'NotImplemented', 501);
  await rejects(ssm.send(new SendCommandCommand({ DocumentName: 'AWS-RunShellScript' })), 'NotImplemented', 501);
});
