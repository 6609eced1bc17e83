// Mobile push applications and endpoints, and account SMS preferences, through the JS SDK v3:
// stored and returned as SNS does (credentials never shown), idempotent endpoint creation by
// token, validation in SNS's words. Publishing to a phone or a device is never faked.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreatePlatformApplicationCommand, GetPlatformApplicationAttributesCommand, SetPlatformApplicationAttributesCommand,
  ListPlatformApplicationsCommand, DeletePlatformApplicationCommand, CreatePlatformEndpointCommand, GetEndpointAttributesCommand,
  SetEndpointAttributesCommand, DeleteEndpointCommand, ListEndpointsByPlatformApplicationCommand, PublishCommand,
  SetSMSAttributesCommand, GetSMSAttributesCommand, CheckIfPhoneNumberIsOptedOutCommand, ListPhoneNumbersOptedOutCommand,
  OptInPhoneNumberCommand, SubscribeCommand, CreateTopicCommand, SNSClient,
} from '@aws-sdk/client-sns';
import { nimbus, rejects } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';
import { clients } from './util.js';

let n: Nimbus;
let sns: SNSClient;
before(async () => { n = await nimbus(); sns = clients(n).sns; });
after(async () => { await n.stop(); });
beforeEach(() => n.reset());

test('platform applications: create, attributes without credentials, list, delete', async () => {
  const { PlatformApplicationArn } = await sns.send(new CreatePlatformApplicationCommand({ Name: 'my-app', Platform: 'GCM',
    Attributes: { PlatformCredential: 'server-key', EventEndpointCreated: 'arn:aws:sns:us-east-1:000000000000:events' } }));
  assert.equal(PlatformApplicationArn, 'arn:aws:sns:us-east-1:000000000000:app/GCM/my-app');
  const a = await sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn }));
  assert.deepEqual(a.Attributes, { Enabled: 'true', EventEndpointCreated: 'arn:aws:sns:us-east-1:000000000000:events' });
  await sns.send(new SetPlatformApplicationAttributesCommand({ PlatformApplicationArn, Attributes: { Enabled: 'false' } }));
  assert.equal((await sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn }))).Attributes!.Enabled, 'false');
  let e = await rejects(sns.send(new CreatePlatformApplicationCommand({ Name: 'x', Platform: 'PIGEON', Attributes: { PlatformCredential: 'k' } })), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Platform Reason: PIGEON is not supported');
  e = await rejects(sns.send(new CreatePlatformApplicationCommand({ Name: 'x', Platform: 'GCM', Attributes: { Foo: 'k' } })), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Attributes Reason: PlatformCredential attribute required');
  e = await rejects(sns.send(new CreatePlatformApplicationCommand({ Name: 'x', Platform: 'APNS', Attributes: { PlatformCredential: 'k' } })), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal');
  e = await rejects(sns.send(new CreatePlatformApplicationCommand({ Name: 'bad name', Platform: 'GCM', Attributes: { PlatformCredential: 'k' } })), 'InvalidParameterException', 400);
  assert.match(e.message, /^Invalid parameter: bad name Reason: must contain only characters/);
  const l = await sns.send(new ListPlatformApplicationsCommand({}));
  assert.deepEqual(l.PlatformApplications!.map((x) => x.PlatformApplicationArn), [PlatformApplicationArn]);
  await sns.send(new DeletePlatformApplicationCommand({ PlatformApplicationArn }));
  await sns.send(new DeletePlatformApplicationCommand({ PlatformApplicationArn }));
  e = await rejects(sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn })), 'NotFoundException', 404);
  assert.equal(e.message, 'PlatformApplication does not exist');
});

test('platform endpoints: idempotent by token, attributes, list, delete; publishing is not faked', async () => {
  const { PlatformApplicationArn } = await sns.send(new CreatePlatformApplicationCommand({ Name: 'app', Platform: 'APNS',
    Attributes: { PlatformCredential: 'key', PlatformPrincipal: 'cert' } }));
  const { EndpointArn } = await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: 'device-1', CustomUserData: 'u1' }));
  assert.match(EndpointArn!, /^arn:aws:sns:us-east-1:000000000000:endpoint\/APNS\/app\/[0-9a-f-]{36}$/);
  const again = await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: 'device-1', CustomUserData: 'u1' }));
  assert.equal(again.EndpointArn, EndpointArn);
  const e = await rejects(sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: 'device-1', CustomUserData: 'other' })), 'InvalidParameterException', 400);
  assert.equal(e.message, `Invalid parameter: Token Reason: Endpoint ${EndpointArn} already exists with the same Token, but different attributes.`);
  assert.deepEqual((await sns.send(new GetEndpointAttributesCommand({ EndpointArn }))).Attributes, { Enabled: 'true', Token: 'device-1', CustomUserData: 'u1' });
  await rejects(sns.send(new SetEndpointAttributesCommand({ EndpointArn, Attributes: { Colour: 'x' } })), 'InvalidParameterException', 400);
  await rejects(sns.send(new SetEndpointAttributesCommand({ EndpointArn, Attributes: { Enabled: 'maybe' } })), 'InvalidParameterException', 400);
  // A topic may have an application subscription for an endpoint that exists.
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 't' }));
  const sub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'application', Endpoint: EndpointArn }));
  assert.match(sub.SubscriptionArn!, /^arn:aws:sns:/);
  await rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: 'application', Endpoint: EndpointArn + '0' })), 'NotFoundException', 404);
  // Publishing to a device: a disabled endpoint is refused as AWS does; an enabled one is not faked.
  await rejects(sns.send(new PublishCommand({ TargetArn: EndpointArn, Message: 'hi' })), 'NotImplemented', 501);
  await sns.send(new SetEndpointAttributesCommand({ EndpointArn, Attributes: { Enabled: 'false', Token: 'device-2' } }));
  await rejects(sns.send(new PublishCommand({ TargetArn: EndpointArn, Message: 'hi' })), 'EndpointDisabledException', 400);
  const l = await sns.send(new ListEndpointsByPlatformApplicationCommand({ PlatformApplicationArn }));
  assert.deepEqual(l.Endpoints, [{ EndpointArn, Attributes: { Enabled: 'false', Token: 'device-2', CustomUserData: 'u1' } }]);
  const bad = await rejects(sns.send(new GetEndpointAttributesCommand({ EndpointArn: 'arn:aws:sns:us-east-1:000000000000:endpoint/x' })), 'InvalidParameterException', 400);
  assert.equal(bad.message, 'Invalid parameter: EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.');
  await sns.send(new DeleteEndpointCommand({ EndpointArn }));
  await sns.send(new DeleteEndpointCommand({ EndpointArn }));
  const gone = await rejects(sns.send(new GetEndpointAttributesCommand({ EndpointArn })), 'NotFoundException', 404);
  assert.equal(gone.message, 'Endpoint does not exist');
  await rejects(sns.send(new PublishCommand({ TargetArn: EndpointArn, Message: 'hi' })), 'InvalidParameterException', 400);
});

test('SMS preferences and opt-outs; publishing to a phone number is not faked', async () => {
  await sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSMSType: 'Transactional', DefaultSenderID: 'Nimbus' } }));
  const all = await sns.send(new GetSMSAttributesCommand({}));
  assert.deepEqual(all.attributes, { DefaultSMSType: 'Transactional', DefaultSenderID: 'Nimbus' });
  const some = await sns.send(new GetSMSAttributesCommand({ attributes: ['DefaultSMSType'] }));
  assert.deepEqual(some.attributes, { DefaultSMSType: 'Transactional' });
  await rejects(sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSMSType: 'Loud' } })), 'InvalidParameterException', 400);
  await rejects(sns.send(new SetSMSAttributesCommand({ attributes: { Colour: 'x' } })), 'InvalidParameterException', 400);
  assert.equal((await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+15555550100' }))).isOptedOut, false);
  const e = await rejects(sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '555' })), 'InvalidParameterException', 400);
  assert.equal(e.message, 'Invalid parameter: PhoneNumber Reason: input incorrectly formatted');
  assert.deepEqual((await sns.send(new ListPhoneNumbersOptedOutCommand({}))).phoneNumbers, []);
  await sns.send(new OptInPhoneNumberCommand({ phoneNumber: '+15555550100' }));
  await rejects(sns.send(new PublishCommand({ PhoneNumber: '+15555550100', Message: 'hi' })), 'NotImplemented', 501);
  await rejects(sns.send(new PublishCommand({ PhoneNumber: 'abc', Message: 'hi' })), 'InvalidParameterException', 400);
});
