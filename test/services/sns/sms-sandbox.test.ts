// The SMS sandbox: a Nimbus account is always in it; destination numbers are added, verified
// with the one-time password (which Nimbus logs, as it sends no text messages), listed and
// deleted. A separate process, so the test reads the password from its log like a developer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SNSClient, GetSMSSandboxAccountStatusCommand, CreateSMSSandboxPhoneNumberCommand, VerifySMSSandboxPhoneNumberCommand,
  ListSMSSandboxPhoneNumbersCommand, DeleteSMSSandboxPhoneNumberCommand, ListOriginationNumbersCommand,
} from '@aws-sdk/client-sns';
import { boto3, rejects, sdk } from '../../helpers.js';
import { kill9, startProcess } from '../../process.js';

test('SMS sandbox: add, verify with the logged one-time password, list, delete; no origination numbers', { timeout: 60_000 }, async () => {
  const p = await startProcess(['--log-level', 'info']);
  try {
    const sns = new SNSClient(sdk(p));
    assert.equal((await sns.send(new GetSMSSandboxAccountStatusCommand({}))).IsInSandbox, true);
    await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: '+14255550100', LanguageCode: 'en-US' }));
    await sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: '+14255550199' }));
    let listed = await sns.send(new ListSMSSandboxPhoneNumbersCommand({}));
    assert.deepEqual(listed.PhoneNumbers, [{ PhoneNumber: '+14255550100', Status: 'Pending' }, { PhoneNumber: '+14255550199', Status: 'Pending' }]);
    const otp = /one-time password for \+14255550100 is (\d{6})/.exec(p.output())?.[1];
    assert.ok(otp, 'the password is in the log');
    const wrong = otp === '000000' ? '111111' : '000000';
    await rejects(sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: '+14255550100', OneTimePassword: wrong })), 'VerificationException', 400);
    await sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: '+14255550100', OneTimePassword: otp }));
    await rejects(sns.send(new VerifySMSSandboxPhoneNumberCommand({ PhoneNumber: '+14255550111', OneTimePassword: '123456' })), 'ResourceNotFoundException', 404);
    const paged = await sns.send(new ListSMSSandboxPhoneNumbersCommand({ MaxResults: 1 }));
    assert.deepEqual(paged.PhoneNumbers, [{ PhoneNumber: '+14255550100', Status: 'Verified' }]);
    listed = await sns.send(new ListSMSSandboxPhoneNumbersCommand({ MaxResults: 1, NextToken: paged.NextToken }));
    assert.deepEqual(listed.PhoneNumbers, [{ PhoneNumber: '+14255550199', Status: 'Pending' }]);
    await sns.send(new DeleteSMSSandboxPhoneNumberCommand({ PhoneNumber: '+14255550199' }));
    await rejects(sns.send(new DeleteSMSSandboxPhoneNumberCommand({ PhoneNumber: '+14255550199' })), 'ResourceNotFoundException', 404);
    // The model's pattern rejects it before SNS sees it (the model validation every query service gives).
    await rejects(sns.send(new CreateSMSSandboxPhoneNumberCommand({ PhoneNumber: 'not-a-phone' })), 'ValidationError', 400);
    assert.deepEqual((await sns.send(new ListOriginationNumbersCommand({}))).PhoneNumbers, []);
    const viaBoto = await boto3<string[]>(p, `sns = boto3.client('sns', endpoint_url=endpoint, region_name='us-east-1')
print(json.dumps([x['PhoneNumber'] + ':' + x['Status'] for x in sns.list_sms_sandbox_phone_numbers()['PhoneNumbers']]))`);
    assert.deepEqual(viaBoto, ['+14255550100:Verified']);
  } finally {
    await kill9(p);
  }
});
