// Access keys: long-term credentials of a user (or of the account root). Each key is also
// registered in core/identity, so requests signed with it are that user's requests.
import type { RequestContext } from '../service.js';
import { iamId, secretKey } from '../../core/ids.js';
import { forgetCredential, keyLastUsed, registerCredential, updateCredential } from '../../core/identity.js';
import {
  clean, implicitOwner, limitExceeded, noSuchEntity, now, pageOf, rootArn, st, validationError, type In, type Out,
} from './common.js';
import { ROOT, type AccessKeyRec, type IamState } from './state.js';

/** "Access keys assigned to an IAM user: 2" (IAM and AWS STS quotas); the root has the same. */
export const MAX_KEYS = 2;

const ownerName = (s: IamState, owner: string): string | undefined => (owner === ROOT ? undefined : s.users.get(owner)?.UserName);

const missingKey = (id: string) => noSuchEntity(`The Access Key with id ${id} cannot be found.`);

export function createAccessKey(ctx: RequestContext, input: In<'CreateAccessKey'>): Out<'CreateAccessKey'> {
  const s = st(ctx);
  const { owner, user } = implicitOwner(ctx, s, input.UserName);
  if (s.idx.keys.count(owner) >= MAX_KEYS) throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS}`);
  const k: AccessKeyRec = {
    AccessKeyId: iamId('AKIA').slice(0, 20),
    SecretAccessKey: secretKey(),
    owner,
    Status: 'Active',
    CreateDate: now(),
  };
  s.accessKeys.set(k.AccessKeyId, k);
  s.idx.keys.add(owner, k.AccessKeyId);
  registerCredential(user
    ? { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, accountId: ctx.accountId, arn: user.Arn, userId: user.UserId,
      kind: 'user', userName: user.UserName, active: true, owner: 'iam' }
    : { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, accountId: ctx.accountId, arn: rootArn(ctx.accountId),
      userId: ctx.accountId, kind: 'root', active: true, owner: 'iam' });
  return {
    AccessKey: clean({ UserName: user?.UserName, AccessKeyId: k.AccessKeyId, Status: k.Status, SecretAccessKey: k.SecretAccessKey, CreateDate: k.CreateDate }) as Out<'CreateAccessKey'>['AccessKey'],
  };
}

export function listAccessKeys(ctx: RequestContext, input: In<'ListAccessKeys'>): Out<'ListAccessKeys'> {
  const s = st(ctx);
  const { owner, user } = implicitOwner(ctx, s, input.UserName);
  const keys = [...s.idx.keys.get(owner)].map((id) => s.accessKeys.get(id)!).filter(Boolean)
    .sort((a, b) => a.CreateDate - b.CreateDate || (a.AccessKeyId < b.AccessKeyId ? -1 : 1));
  return pageOf(ctx, input, keys, undefined,
    (k) => clean({ UserName: user?.UserName, AccessKeyId: k.AccessKeyId, Status: k.Status, CreateDate: k.CreateDate }));
}

function ownedKey(ctx: RequestContext, userName: string | undefined, id: string): { s: IamState; k: AccessKeyRec } {
  const s = st(ctx);
  const { owner } = implicitOwner(ctx, s, userName);
  const k = s.accessKeys.get(id);
  if (!k || k.owner !== owner) throw missingKey(id);
  return { s, k };
}

export function updateAccessKey(ctx: RequestContext, input: In<'UpdateAccessKey'>): Out<'UpdateAccessKey'> {
  // The model's enum also lists Expired, which UpdateAccessKey does not accept.
  if (input.Status !== 'Active' && input.Status !== 'Inactive') {
    throw validationError(`1 validation error detected: Value '${input.Status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
  }
  const { s, k } = ownedKey(ctx, input.UserName, input.AccessKeyId);
  k.Status = input.Status as 'Active' | 'Inactive';
  s.accessKeys.set(k.AccessKeyId, k);
  updateCredential(k.AccessKeyId, { active: k.Status === 'Active' });
}

export function deleteAccessKey(ctx: RequestContext, input: In<'DeleteAccessKey'>): Out<'DeleteAccessKey'> {
  const { s, k } = ownedKey(ctx, input.UserName, input.AccessKeyId);
  s.accessKeys.delete(k.AccessKeyId);
  s.idx.keys.remove(k.owner, k.AccessKeyId);
  forgetCredential(k.AccessKeyId);
}

export function getAccessKeyLastUsed(ctx: RequestContext, input: In<'GetAccessKeyLastUsed'>): Out<'GetAccessKeyLastUsed'> {
  const s = st(ctx);
  const k = s.accessKeys.get(input.AccessKeyId);
  if (!k) throw missingKey(input.AccessKeyId); // the model lists no error; IAM answers NoSuchEntity-like
  // A key never used reads "N/A" for service and region, without a date. The gateway notes
  // each use of a key in core/identity.
  const used = keyLastUsed(k.AccessKeyId);
  return clean({
    UserName: ownerName(s, k.owner),
    AccessKeyLastUsed: used
      ? { LastUsedDate: used.date, ServiceName: used.service, Region: used.region }
      : { ServiceName: 'N/A', Region: 'N/A' },
  });
}
