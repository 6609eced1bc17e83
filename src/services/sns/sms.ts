// Account SMS preferences and opt-outs, stored as SNS stores them. Nimbus sends no text
// messages: nobody can reply STOP, so no number is ever opted out, and publishing to a phone
// number answers NotImplemented.
import type { RequestContext } from '../service.js';
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
