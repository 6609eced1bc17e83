// Virtual MFA devices: a TOTP seed per device, enabled for a user with two consecutive codes,
// and the check STS makes when a caller presents a code (VerifyMfaCode, internal).
import type { RequestContext } from '../service.js';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import {
  alreadyExists, checkNewTags, clean, deleteConflict, findUser, getUser, iamArn, implicitOwner, limitExceeded,
  noSuchEntity, now, pageOf, st, tagsOut, type In, type Out,
} from './common.js';
import type { IamState, MfaRec } from './state.js';
import { newSeed, verifyConsecutive, verifyTotp } from './totp.js';
import { userOut } from './users.js';

/** "MFA devices in use by an IAM user: 8" (IAM and AWS STS quotas). */
export const MAX_MFA_PER_USER = 8;

const invalidCode = () => new ServiceError('InvalidAuthenticationCode', 'Authentication code for device is not valid.');

function getDevice(s: IamState, serial: string, message = `VirtualMFADevice with serial number ${serial} does not exist.`): MfaRec {
  const d = s.mfaDevices.get(serial);
  if (!d) throw noSuchEntity(message);
  return d;
}

export function createVirtualMFADevice(ctx: RequestContext, input: In<'CreateVirtualMFADevice'>): Out<'CreateVirtualMFADevice'> {
  const s = st(ctx);
  checkNewTags(input.Tags);
  const path = input.Path ?? '/';
  const serial = iamArn(ctx.accountId, 'mfa', path, input.VirtualMFADeviceName);
  if (s.mfaDevices.has(serial)) throw alreadyExists('MFADevice entity at the same path and name already exists.');
  const d: MfaRec = {
    SerialNumber: serial,
    Name: input.VirtualMFADeviceName,
    Path: path,
    seed: newSeed(),
    CreateDate: now(),
    Tags: (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
  };
  s.mfaDevices.set(serial, d);
  // Base32StringSeed is a blob whose bytes are the base32 text (clients base64-decode it to
  // get the seed an authenticator app takes). No QRCodePNG: Nimbus does not draw QR codes.
  return { VirtualMFADevice: clean({ SerialNumber: serial, Base32StringSeed: Buffer.from(d.seed, 'ascii'), Tags: tagsOut(d.Tags) }) };
}

export function enableMFADevice(ctx: RequestContext, input: In<'EnableMFADevice'>): Out<'EnableMFADevice'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  const d = getDevice(s, input.SerialNumber);
  if (d.userId) throw alreadyExists('MFA Device is already in use.');
  if (s.idx.mfa.count(u.UserId) >= MAX_MFA_PER_USER) throw limitExceeded(`Cannot exceed quota for MFADevicesPerUser: ${MAX_MFA_PER_USER}`);
  if (!verifyConsecutive(d.seed, input.AuthenticationCode1, input.AuthenticationCode2, clock.now())) throw invalidCode();
  d.userId = u.UserId;
  d.EnableDate = now();
  s.mfaDevices.set(d.SerialNumber, d);
  s.idx.mfa.add(u.UserId, d.SerialNumber);
}

export function resyncMFADevice(ctx: RequestContext, input: In<'ResyncMFADevice'>): Out<'ResyncMFADevice'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  const d = s.mfaDevices.get(input.SerialNumber);
  if (!d || d.userId !== u.UserId) throw noSuchEntity(`MFA Device with serial number ${input.SerialNumber} does not exist.`); // wording not confirmed
  if (!verifyConsecutive(d.seed, input.AuthenticationCode1, input.AuthenticationCode2, clock.now())) throw invalidCode();
}

export function deactivateMFADevice(ctx: RequestContext, input: In<'DeactivateMFADevice'>): Out<'DeactivateMFADevice'> {
  const s = st(ctx);
  const { owner } = implicitOwner(ctx, s, input.UserName);
  const d = s.mfaDevices.get(input.SerialNumber);
  if (!d || d.userId !== owner) throw noSuchEntity(`MFA Device with serial number ${input.SerialNumber} does not exist.`); // wording not confirmed
  s.idx.mfa.remove(owner, d.SerialNumber);
  delete d.userId;
  delete d.EnableDate;
  s.mfaDevices.set(d.SerialNumber, d);
}

export function deleteVirtualMFADevice(ctx: RequestContext, input: In<'DeleteVirtualMFADevice'>): Out<'DeleteVirtualMFADevice'> {
  const s = st(ctx);
  const d = getDevice(s, input.SerialNumber, `VirtualMFADevice with serial number ${input.SerialNumber} doesn't exist.`);
  if (d.userId) throw deleteConflict('MFA device is still in use.');
  s.mfaDevices.delete(d.SerialNumber);
}

export function listMFADevices(ctx: RequestContext, input: In<'ListMFADevices'>): Out<'ListMFADevices'> {
  const s = st(ctx);
  const { owner, user } = implicitOwner(ctx, s, input.UserName);
  const devices = [...s.idx.mfa.get(owner)].map((x) => s.mfaDevices.get(x)!).filter(Boolean)
    .sort((a, b) => (a.SerialNumber < b.SerialNumber ? -1 : a.SerialNumber > b.SerialNumber ? 1 : 0));
  return pageOf(ctx, input, devices, undefined,
    (d) => ({ UserName: user?.UserName ?? '', SerialNumber: d.SerialNumber, EnableDate: d.EnableDate! }));
}

export function listVirtualMFADevices(ctx: RequestContext, input: In<'ListVirtualMFADevices'>): Out<'ListVirtualMFADevices'> {
  const s = st(ctx);
  const status = input.AssignmentStatus ?? 'Any';
  const devices = [...s.mfaDevices.values()]
    .filter((d) => status === 'Any' || (status === 'Assigned') === !!d.userId)
    .sort((a, b) => (a.SerialNumber < b.SerialNumber ? -1 : a.SerialNumber > b.SerialNumber ? 1 : 0));
  // Paged by position: a serial-number key could outgrow the Marker's 320 characters.
  return pageOf(ctx, input, devices, undefined, (d) => {
    const u = d.userId ? s.users.get(d.userId) : undefined;
    return clean({ SerialNumber: d.SerialNumber, User: u ? userOut(u, false) : undefined, EnableDate: d.EnableDate });
  });
}

export function getMFADevice(ctx: RequestContext, input: In<'GetMFADevice'>): Out<'GetMFADevice'> {
  const s = st(ctx);
  const u = input.UserName !== undefined ? getUser(s, input.UserName) : undefined;
  const d = s.mfaDevices.get(input.SerialNumber);
  if (!d || (u && d.userId !== u.UserId)) throw noSuchEntity(`MFA Device with serial number ${input.SerialNumber} does not exist.`); // wording not confirmed
  const owner = d.userId ? s.users.get(d.userId) : undefined;
  return clean({ UserName: owner?.UserName, SerialNumber: d.SerialNumber, EnableDate: d.EnableDate });
}

/** The device a Tag/Untag/ListMFADeviceTags call names. */
export function mfaDeviceFor(s: IamState, serial: string): MfaRec {
  return getDevice(s, serial, `VirtualMFADevice with serial number ${serial} doesn't exist.`);
}

/**
 * Internal, for STS (AssumeRole, GetSessionToken with SerialNumber and TokenCode): whether
 * `TokenCode` is the current code (±1 step) of a device enabled for `UserName`.
 */
export function verifyMfaCode(ctx: RequestContext, input: { SerialNumber: string; TokenCode: string; UserName?: string }) {
  const s = st(ctx);
  const d = s.mfaDevices.get(input.SerialNumber);
  if (!d) return { valid: false, reason: 'no such MFA device' };
  if (!d.userId) return { valid: false, reason: 'the MFA device is not enabled' };
  const u = input.UserName !== undefined ? findUser(s, input.UserName) : undefined;
  if (!u || u.UserId !== d.userId) return { valid: false, reason: 'the MFA device is not assigned to this user' };
  if (verifyTotp(d.seed, input.TokenCode, clock.now(), 1) === undefined) return { valid: false, reason: 'wrong code' };
  return { valid: true };
}
