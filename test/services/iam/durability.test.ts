// IAM with --data-dir: after kill -9 and a restart, the relations IAM keeps in derived indexes
// (names, group members, attachments, keys, MFA devices, instance profiles) are rebuilt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IAMClient, CreateUserCommand, CreateGroupCommand, AddUserToGroupCommand, CreatePolicyCommand, AttachUserPolicyCommand,
  AttachRolePolicyCommand, CreateRoleCommand, CreateInstanceProfileCommand, AddRoleToInstanceProfileCommand,
  CreateAccessKeyCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, GetGroupCommand, GetPolicyCommand,
  ListEntitiesForPolicyCommand, ListInstanceProfilesForRoleCommand, ListMFADevicesCommand, ListUsersCommand,
  DeleteUserCommand, UpdateUserCommand, GetUserCommand,
} from '@aws-sdk/client-iam';
import { sdk } from '../../helpers.js';
import { kill9, startProcess } from '../../process.js';
import { totp } from '../../../src/services/iam/totp.js';
import { doc, trust } from './util.js';

test('IAM relations survive kill -9 and a restart with --data-dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-iam-'));
  try {
    const first = await startProcess(['--data-dir', dir, '--services', 'iam,sts']);
    const iam = new IAMClient(sdk(first));
    for (const UserName of ['carol', 'alice', 'bob']) await iam.send(new CreateUserCommand({ UserName }));
    await iam.send(new UpdateUserCommand({ UserName: 'carol', NewUserName: 'Caroline' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: Policy!.Arn }));
    await iam.send(new CreateRoleCommand({ RoleName: 'web', AssumeRolePolicyDocument: trust({ Service: 'ec2.amazonaws.com' }) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'web', PolicyArn: Policy!.Arn }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web' }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'web' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
    const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'bob' }));
    const seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii');
    const t = Date.now();
    await iam.send(new EnableMFADeviceCommand({ UserName: 'bob', SerialNumber: VirtualMFADevice!.SerialNumber, AuthenticationCode1: totp(seed, t - 30_000), AuthenticationCode2: totp(seed, t) }));
    await kill9(first);

    const second = await startProcess(['--data-dir', dir, '--services', 'iam,sts']);
    try {
      const iam2 = new IAMClient(sdk(second));
      assert.deepEqual((await iam2.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName), ['alice', 'bob', 'Caroline']);
      assert.equal((await iam2.send(new GetUserCommand({ UserName: 'CAROLINE' }))).User!.Arn, 'arn:aws:iam::000000000000:user/Caroline');
      assert.deepEqual((await iam2.send(new GetGroupCommand({ GroupName: 'devs' }))).Users!.map((u) => u.UserName), ['alice']);
      assert.equal((await iam2.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }))).Policy!.AttachmentCount, 2);
      const ents = await iam2.send(new ListEntitiesForPolicyCommand({ PolicyArn: Policy!.Arn }));
      assert.deepEqual([ents.PolicyUsers!.map((u) => u.UserName), ents.PolicyRoles!.map((r) => r.RoleName)], [['alice'], ['web']]);
      assert.deepEqual((await iam2.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'web' }))).InstanceProfiles!.map((p) => p.InstanceProfileName), ['web']);
      assert.equal((await iam2.send(new ListMFADevicesCommand({ UserName: 'bob' }))).MFADevices!.length, 1);
      // Names stay unique across the restart; a user with keys still cannot be deleted.
      await assert.rejects(iam2.send(new CreateUserCommand({ UserName: 'ALICE' })), { name: 'EntityAlreadyExistsException' });
      await assert.rejects(iam2.send(new DeleteUserCommand({ UserName: 'bob' })), { name: 'DeleteConflictException' });
    } finally {
      await kill9(second);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
