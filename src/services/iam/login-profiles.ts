// Login profiles (console passwords) and the account password policy they are held to.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../service.js';
import {
  alreadyExists, clean, err, getUser, implicitUser, noSuchEntity, now, st, validationError, type In, type Out,
} from './common.js';
import { ACCOUNT_KEY, type IamState, type LoginProfileRec, type PasswordPolicyRec, type UserRec } from './state.js';

const hash = (salt: string, password: string) => createHash('sha256').update(salt).update('\0').update(password).digest('hex');

function matches(p: LoginProfileRec, password: string): boolean {
  const a = Buffer.from(hash(p.salt, password), 'hex');
  const b = Buffer.from(p.hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const violation = (message: string) => err('PasswordPolicyViolation', message);

/**
 * Checks a new password against the account's password policy, or, without one, against
 * AWS's default policy: at least 8 characters and three of uppercase, lowercase, numbers and
 * symbols ("Set an account password policy for IAM users", IAM User Guide).
 */
export function checkPassword(s: IamState, password: string, user: UserRec): void {
  const policy = s.account.get(ACCOUNT_KEY)?.passwordPolicy;
  const upper = /[A-Z]/.test(password), lower = /[a-z]/.test(password), digit = /[0-9]/.test(password);
  const symbol = /[!@#$%^&*()_+\-=[\]{}|']/.test(password);
  if (!policy) {
    const kinds = [upper, lower, digit, symbol].filter(Boolean).length;
    if (password.length < 8 || kinds < 3 || password === user.UserName) {
      throw violation('Password does not conform to the account password policy.');
    }
    return;
  }
  if (password.length < policy.MinimumPasswordLength) throw violation(`Password should have a minimum length of ${policy.MinimumPasswordLength}`);
  if (policy.RequireUppercaseCharacters && !upper) throw violation('Password should have at least one uppercase letter');
  if (policy.RequireLowercaseCharacters && !lower) throw violation('Password should have at least one lowercase letter');
  if (policy.RequireNumbers && !digit) throw violation('Password should have at least one number');
  if (policy.RequireSymbols && !symbol) throw violation('Password should have at least one symbol');
}

const profileOut = (u: UserRec, p: LoginProfileRec) => ({ UserName: u.UserName, CreateDate: p.CreateDate, PasswordResetRequired: p.PasswordResetRequired });

function getProfile(s: IamState, u: UserRec): LoginProfileRec {
  const p = s.loginProfiles.get(u.UserId);
  if (!p) throw noSuchEntity(`Login Profile for User ${u.UserName} cannot be found.`);
  return p;
}

export function createLoginProfile(ctx: RequestContext, input: In<'CreateLoginProfile'>): Out<'CreateLoginProfile'> {
  const s = st(ctx);
  const u = implicitUser(ctx, s, input.UserName);
  if (s.loginProfiles.has(u.UserId)) throw alreadyExists(`Login Profile for user ${u.UserName} already exists.`);
  if (input.Password === undefined) {
    throw validationError("1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null");
  }
  checkPassword(s, input.Password, u);
  const salt = randomBytes(16).toString('hex');
  const p: LoginProfileRec = {
    userId: u.UserId, CreateDate: now(), PasswordResetRequired: !!input.PasswordResetRequired, salt, hash: hash(salt, input.Password),
  };
  s.loginProfiles.set(u.UserId, p);
  return { LoginProfile: profileOut(u, p) };
}

export function getLoginProfile(ctx: RequestContext, input: In<'GetLoginProfile'>): Out<'GetLoginProfile'> {
  const s = st(ctx);
  const u = implicitUser(ctx, s, input.UserName);
  return { LoginProfile: profileOut(u, getProfile(s, u)) };
}

export function updateLoginProfile(ctx: RequestContext, input: In<'UpdateLoginProfile'>): Out<'UpdateLoginProfile'> {
  const s = st(ctx);
  const u = getUser(s, input.UserName);
  const p = getProfile(s, u);
  if (input.Password !== undefined) {
    checkPassword(s, input.Password, u);
    p.salt = randomBytes(16).toString('hex');
    p.hash = hash(p.salt, input.Password);
  }
  if (input.PasswordResetRequired !== undefined) p.PasswordResetRequired = input.PasswordResetRequired;
  s.loginProfiles.set(u.UserId, p);
}

export function deleteLoginProfile(ctx: RequestContext, input: In<'DeleteLoginProfile'>): Out<'DeleteLoginProfile'> {
  const s = st(ctx);
  const u = implicitUser(ctx, s, input.UserName);
  getProfile(s, u);
  s.loginProfiles.delete(u.UserId);
}

/** ChangePassword: an IAM user changes its own password. */
export function changePassword(ctx: RequestContext, input: In<'ChangePassword'>): Out<'ChangePassword'> {
  const s = st(ctx);
  const c = ctx.caller;
  if (c.kind !== 'user' || !c.userName) throw err('InvalidUserType', 'Only IAM users can change their own password.'); // wording not confirmed
  const u = getUser(s, c.userName);
  const p = getProfile(s, u);
  const policy = s.account.get(ACCOUNT_KEY)?.passwordPolicy;
  if (policy && !policy.AllowUsersToChangePassword) {
    throw err('AccessDenied', `User: ${u.Arn} is not authorized to perform: iam:ChangePassword on resource: user ${u.UserName}`, 403);
  }
  if (!matches(p, input.OldPassword)) throw err('InvalidInput', 'The old password provided is incorrect.'); // wording not confirmed
  checkPassword(s, input.NewPassword, u);
  p.salt = randomBytes(16).toString('hex');
  p.hash = hash(p.salt, input.NewPassword);
  p.PasswordResetRequired = false;
  s.loginProfiles.set(u.UserId, p);
}

// ---- account password policy -----------------------------------------------------------

export function updateAccountPasswordPolicy(ctx: RequestContext, input: In<'UpdateAccountPasswordPolicy'>): Out<'UpdateAccountPasswordPolicy'> {
  const s = st(ctx);
  const acct = s.account.get(ACCOUNT_KEY) ?? {};
  // Members left out take their defaults ("UpdateAccountPasswordPolicy", IAM API Reference).
  const policy: PasswordPolicyRec = clean({
    MinimumPasswordLength: input.MinimumPasswordLength ?? 6,
    RequireSymbols: input.RequireSymbols ?? false,
    RequireNumbers: input.RequireNumbers ?? false,
    RequireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
    RequireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
    AllowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
    ExpirePasswords: (input.MaxPasswordAge ?? 0) > 0,
    MaxPasswordAge: input.MaxPasswordAge,
    PasswordReusePrevention: input.PasswordReusePrevention,
    HardExpiry: input.HardExpiry,
  });
  acct.passwordPolicy = policy;
  s.account.set(ACCOUNT_KEY, acct);
}

export function getAccountPasswordPolicy(ctx: RequestContext): Out<'GetAccountPasswordPolicy'> {
  const policy = st(ctx).account.get(ACCOUNT_KEY)?.passwordPolicy;
  if (!policy) throw noSuchEntity(`The Password Policy with domain name ${ctx.accountId} cannot be found.`);
  return { PasswordPolicy: { ...policy } };
}

export function deleteAccountPasswordPolicy(ctx: RequestContext): Out<'DeleteAccountPasswordPolicy'> {
  const s = st(ctx);
  const acct = s.account.get(ACCOUNT_KEY);
  if (!acct?.passwordPolicy) throw noSuchEntity('The account policy with name PasswordPolicy cannot be found.');
  delete acct.passwordPolicy;
  s.account.set(ACCOUNT_KEY, acct);
}
