// Account SMS preferences, opt-outs and the SMS sandbox, stored as SNS stores them. Nimbus sends
// no text messages: nobody can reply STOP, so no number is ever opted out; publishing to a
// phone number answers NotImplemented; a sandbox number's one-time password, which AWS texts
// to the phone, goes to the Nimbus log instead (the only place a developer can read it).
import { randomInt } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { log } from '../../core/log.js';
import type { RequestContext } from '../service.js';
import { page } from '../../core/pagination.js';
import { type In, type Out, invalidParameter, st } from './common.js';

/** The attributes SetSMSAttributes takes ("SetSMSAttributes", API Reference). */
const SMS_ATTRIBUTES = new Set(['MonthlySpendLimit', 'DeliveryStatusIAMRole', 'DeliveryStatusSuccessSamplingRate', 'DefaultSenderID',
  'DefaultSMSType', 'UsageReportS3Bucket']);
const E164 = /^\+[1-9]\d{1,14}$/;

export function setSMSAttributes(ctx: RequestContext, input: In<'SetSMSAttributes'>): Out<'SetSMSAttributes'> {
  const s = st(ctx);
  const next = { ...(s.sms.get('sms') ?? {}) };
  for (const [k, v] of Object.entries(input.attributes ?? {})) {
    if (!SMS_ATTRIBUTES.has(k)) throw invalidParameter(`${k} Reason: is not a valid attribute`); // (?)
    if (k === 'DefaultSMSType' && v !== 'Promotional' && v !== 'Transactional') throw invalidParameter('DefaultSMSType Reason: must be Promotional or Transactional'); // (?)
    if (k === 'MonthlySpendLimit' && !/^\d+$/.test(v)) throw invalidParameter('MonthlySpendLimit Reason: must be a whole number of US dollars'); // (?)
    if (k === 'DeliveryStatusSuccessSamplingRate' && !(/^\d+$/.test(v) && Number(v) <= 100)) throw invalidParameter('DeliveryStatusSuccessSamplingRate Reason: must be between 0 and 100'); // (?)
    next[k] = v;
  }
  s.sms.set('sms', next);
  return {};
}

export function getSMSAttributes(ctx: RequestContext, input: In<'GetSMSAttributes'>): Out<'GetSMSAttributes'> {
  const all = st(ctx).sms.get('sms') ?? {};
  const names = input.attributes?.length ? input.attributes : Object.keys(all);
  return { attributes: Object.fromEntries(names.filter((k) => k in all).map((k) => [k, all[k]])) };
}

function checkPhone(n: string): void {
  if (!E164.test(n)) throw invalidParameter('PhoneNumber Reason: input incorrectly formatted');
}

export function checkIfPhoneNumberIsOptedOut(ctx: RequestContext, input: In<'CheckIfPhoneNumberIsOptedOut'>): Out<'CheckIfPhoneNumberIsOptedOut'> {
  checkPhone(input.phoneNumber);
  return { isOptedOut: false };
}

export function listPhoneNumbersOptedOut(_ctx: RequestContext, _input: In<'ListPhoneNumbersOptedOut'>): Out<'ListPhoneNumbersOptedOut'> {
  return { phoneNumbers: [] };
}

export function optInPhoneNumber(ctx: RequestContext, input: In<'OptInPhoneNumber'>): Out<'OptInPhoneNumber'> {
  checkPhone(input.phoneNumber);
  return {};
}

// ---- the SMS sandbox ("SMS sandbox", Amazon SNS Developer Guide) --------------------------
// New accounts are in the sandbox and leave it only through an AWS Support case, so a Nimbus
// account always is. Up to 10 destination numbers may be added (the sandbox quota).

const SANDBOX_LIMIT = 10;

export function getSMSSandboxAccountStatus(): Out<'GetSMSSandboxAccountStatus'> {
  return { IsInSandbox: true };
}

export function createSMSSandboxPhoneNumber(ctx: RequestContext, input: In<'CreateSMSSandboxPhoneNumber'>): Out<'CreateSMSSandboxPhoneNumber'> {
  checkPhone(input.PhoneNumber);
  const s = st(ctx);
  const had = s.sandbox.get(input.PhoneNumber);
  if (had?.status === 'Verified') return {};
  if (!had && s.sandbox.size >= SANDBOX_LIMIT) {
    throw new ServiceError('UserError', 'You have reached the maximum number of phone numbers allowed in the SMS sandbox.', 400); // (?)
  }
  const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
  s.sandbox.set(input.PhoneNumber, { phone: input.PhoneNumber, status: 'Pending', otp, created: clock.now() });
  log.info(`sns: SMS sandbox one-time password for ${input.PhoneNumber} is ${otp} (Nimbus sends no text messages)`);
  return {};
}

export function verifySMSSandboxPhoneNumber(ctx: RequestContext, input: In<'VerifySMSSandboxPhoneNumber'>): Out<'VerifySMSSandboxPhoneNumber'> {
  const s = st(ctx);
  const n = s.sandbox.get(input.PhoneNumber);
  if (!n) throw new ServiceError('ResourceNotFound', 'Can not find the phone number in the SMS sandbox.', 404); // (?)
  if (n.status === 'Verified') return {};
  if (input.OneTimePassword !== n.otp) throw new ServiceError('VerificationException', 'Invalid one-time password.', 400, { Status: n.status }); // (?)
  s.sandbox.set(n.phone, { phone: n.phone, status: 'Verified', created: n.created });
  return {};
}

export function listSMSSandboxPhoneNumbers(ctx: RequestContext, input: In<'ListSMSSandboxPhoneNumbers'>): Out<'ListSMSSandboxPhoneNumbers'> {
  const all = [...st(ctx).sandbox.values()].sort((a, b) => (a.phone < b.phone ? -1 : 1));
  const p = page(ctx, input as unknown as Record<string, unknown>, all, { key: (n) => n.phone, defaultLimit: 100, maxLimit: 100, invalidToken: () => invalidParameter('NextToken') });
  return {
    PhoneNumbers: (p.PhoneNumbers as typeof all).map((n) => ({ PhoneNumber: n.phone, Status: n.status })),
    ...(p.NextToken ? { NextToken: p.NextToken as string } : {}),
  };
}

export function deleteSMSSandboxPhoneNumber(ctx: RequestContext, input: In<'DeleteSMSSandboxPhoneNumber'>): Out<'DeleteSMSSandboxPhoneNumber'> {
  const s = st(ctx);
  if (!s.sandbox.has(input.PhoneNumber)) throw new ServiceError('ResourceNotFound', 'Can not find the phone number in the SMS sandbox.', 404); // (?)
  s.sandbox.delete(input.PhoneNumber);
  return {};
}

/** Origination numbers are bought through AWS End User Messaging; a Nimbus account owns none. */
export function listOriginationNumbers(): Out<'ListOriginationNumbers'> {
  return { PhoneNumbers: [] };
}
