// Virtual MFA devices: the base32 seed, enabling with two consecutive TOTP codes computed
// here from the seed (RFC 6238), wrong codes, listing, deactivation, deletion; the clock.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, ListMFADevicesCommand,
  ListVirtualMFADevicesCommand, DeactivateMFADeviceCommand, DeleteVirtualMFADeviceCommand, ResyncMFADeviceCommand,
  DeleteUserCommand, TagMFADeviceCommand, ListMFADeviceTagsCommand, GetAccountSummaryCommand,
} from '@aws-sdk/client-iam';
import { aws, boto3, nimbus, rejects, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { base32Encode, totp, verifyTotp } from '../../../src/services/iam/totp.js';
import { PY_IAM, cliError } from './util.js';

let n: Nimbus;
let iam: IAMClient;
before(async () => { n = await nimbus(); iam = new IAMClient(sdk(n)); });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

const BAD_CODE = 'Authentication code for device is not valid.';

test('totp: the RFC 6238 SHA-1 test vectors (6-digit truncation)', () => {
  // Appendix B: secret "12345678901234567890"; the 8-digit codes end in these 6 digits.
  const seed = base32Encode(Buffer.from('12345678901234567890'));
  assert.equal(seed, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  assert.equal(totp(seed, 59_000), '287082');
  assert.equal(totp(seed, 1111111109_000), '081804');
  assert.equal(totp(seed, 1234567890_000), '005924');
  assert.equal(totp(seed, 2000000000_000), '279037');
  assert.equal(verifyTotp(seed, '287082', 59_000 + 30_000), -1);
  assert.equal(verifyTotp(seed, '287082', 59_000 + 60_000), undefined);
});

async function device(name: string) {
  const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
  return { serial: VirtualMFADevice!.SerialNumber!, seed: Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii') };
}
const nowMs = () => n.clock.now().getTime();

test('CreateVirtualMFADevice: serial ARN and a base32 seed of 20 bytes', async () => {
  const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'phone', Path: '/team/' }));
  assert.equal(VirtualMFADevice!.SerialNumber, 'arn:aws:iam::000000000000:mfa/team/phone');
  const seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii');
  assert.match(seed, /^[A-Z2-7]{32}$/); // 160 bits
  const dup = await rejects(iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'phone', Path: '/team/' })), 'EntityAlreadyExistsException', 409);
  assert.equal(dup.message, 'MFADevice entity at the same path and name already exists.');
});

test('EnableMFADevice takes two consecutive codes; a wrong code is InvalidAuthenticationCode (403)', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const { serial, seed } = await device('alice-phone');
  const t = nowMs();
  const wrong = totp(seed, t) === '123456' ? '654321' : '123456';
  const bad = await rejects(iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: wrong, AuthenticationCode2: totp(seed, t) })), 'InvalidAuthenticationCodeException', 403);
  assert.equal(bad.message, BAD_CODE);
  // Two good codes, but not consecutive.
  await rejects(iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: totp(seed, t), AuthenticationCode2: totp(seed, t) })), 'InvalidAuthenticationCodeException', 403);

  await iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: totp(seed, t - 30_000), AuthenticationCode2: totp(seed, t) }));
  const { MFADevices } = await iam.send(new ListMFADevicesCommand({ UserName: 'alice' }));
  assert.equal(MFADevices!.length, 1);
  assert.equal(MFADevices![0].SerialNumber, serial);
  assert.equal(MFADevices![0].UserName, 'alice');
  assert.ok(MFADevices![0].EnableDate instanceof Date);

  const inUse = await rejects(iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: totp(seed, t), AuthenticationCode2: totp(seed, t + 30_000) })), 'EntityAlreadyExistsException', 409);
  assert.equal(inUse.message, 'MFA Device is already in use.');
  const conflict = await rejects(iam.send(new DeleteUserCommand({ UserName: 'alice' })), 'DeleteConflictException', 409);
  assert.equal(conflict.message, 'Cannot delete entity, must delete MFA device first.');
  const summary = await iam.send(new GetAccountSummaryCommand({}));
  assert.equal(summary.SummaryMap!.MFADevicesInUse, 1);
});

test('codes follow the virtual clock', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'bob' }));
  const { serial, seed } = await device('bob-phone');
  n.clock.advance('PT10H');
  const t = nowMs();
  // Codes of the real time are stale now.
  await rejects(iam.send(new EnableMFADeviceCommand({ UserName: 'bob', SerialNumber: serial, AuthenticationCode1: totp(seed, Date.now() - 30_000), AuthenticationCode2: totp(seed, Date.now()) })), 'InvalidAuthenticationCodeException', 403);
  await iam.send(new EnableMFADeviceCommand({ UserName: 'bob', SerialNumber: serial, AuthenticationCode1: totp(seed, t), AuthenticationCode2: totp(seed, t + 30_000) }));
  n.clock.advance('PT1H');
  const later = nowMs();
  await iam.send(new ResyncMFADeviceCommand({ UserName: 'bob', SerialNumber: serial, AuthenticationCode1: totp(seed, later - 30_000), AuthenticationCode2: totp(seed, later) }));
  await rejects(iam.send(new ResyncMFADeviceCommand({ UserName: 'bob', SerialNumber: serial, AuthenticationCode1: '000000', AuthenticationCode2: '000000' })), 'InvalidAuthenticationCodeException', 403);
});

test('ListVirtualMFADevices by AssignmentStatus; deactivate, delete, tags', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  const a = await device('a');
  const b = await device('b');
  const t = nowMs();
  await iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: b.serial, AuthenticationCode1: totp(b.seed, t - 30_000), AuthenticationCode2: totp(b.seed, t) }));
  const list = async (AssignmentStatus?: 'Assigned' | 'Unassigned' | 'Any') =>
    (await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus }))).VirtualMFADevices!.map((d) => [d.SerialNumber, d.User?.UserName]);
  assert.deepEqual(await list(), [[a.serial, undefined], [b.serial, 'alice']]);
  assert.deepEqual(await list('Assigned'), [[b.serial, 'alice']]);
  assert.deepEqual(await list('Unassigned'), [[a.serial, undefined]]);
  const page = await iam.send(new ListVirtualMFADevicesCommand({ MaxItems: 1 }));
  assert.equal(page.IsTruncated, true);

  const inUse = await rejects(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: b.serial })), 'DeleteConflictException', 409);
  assert.equal(inUse.message, 'MFA device is still in use.');
  await iam.send(new DeactivateMFADeviceCommand({ UserName: 'alice', SerialNumber: b.serial }));
  assert.deepEqual((await iam.send(new ListMFADevicesCommand({ UserName: 'alice' }))).MFADevices, []);
  await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: b.serial }));
  const gone = await rejects(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: b.serial })), 'NoSuchEntityException', 404);
  assert.equal(gone.message, `VirtualMFADevice with serial number ${b.serial} doesn't exist.`);

  await iam.send(new TagMFADeviceCommand({ SerialNumber: a.serial, Tags: [{ Key: 'owner', Value: 'ops' }] }));
  assert.deepEqual((await iam.send(new ListMFADeviceTagsCommand({ SerialNumber: a.serial }))).Tags, [{ Key: 'owner', Value: 'ops' }]);
});

test('MFA through boto3 and the aws CLI: the seed, a real enable and a wrong code', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'carol' }));
  const py = await boto3<{ serial: string; seed: string }>(n, `${PY_IAM}
d = c.create_virtual_mfa_device(VirtualMFADeviceName='carol-phone')['VirtualMFADevice']
print(json.dumps({'serial': d['SerialNumber'], 'seed': d['Base32StringSeed'].decode('ascii')}))`);
  assert.match(py.seed, /^[A-Z2-7]{32}$/);
  const t = nowMs();
  const wrong = await boto3<unknown>(n, `${PY_IAM}
print(json.dumps(err(lambda: c.enable_mfa_device(UserName='carol', SerialNumber='${py.serial}', AuthenticationCode1='${totp(py.seed, t) === '111111' ? '222222' : '111111'}', AuthenticationCode2='${totp(py.seed, t)}'))))`);
  assert.deepEqual(wrong, { code: 'InvalidAuthenticationCode', status: 403, message: BAD_CODE });

  const cliWrong = await aws(n, ['iam', 'enable-mfa-device', '--user-name', 'carol', '--serial-number', py.serial,
    '--authentication-code1', totp(py.seed, t) === '333333' ? '444444' : '333333', '--authentication-code2', totp(py.seed, t)]);
  assert.deepEqual(cliError(cliWrong), { code: 'InvalidAuthenticationCode', operation: 'EnableMFADevice', message: BAD_CODE });
  const t2 = nowMs();
  const cli = await aws(n, ['iam', 'enable-mfa-device', '--user-name', 'carol', '--serial-number', py.serial,
    '--authentication-code1', totp(py.seed, t2 - 30_000), '--authentication-code2', totp(py.seed, t2)]);
  assert.equal(cli.code, 0, cli.stderr);
  const listed = await aws(n, ['iam', 'list-mfa-devices', '--user-name', 'carol']);
  assert.equal(JSON.parse(listed.stdout).MFADevices[0].SerialNumber, py.serial);
});
