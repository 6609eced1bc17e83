// KMS aliases: friendly names (alias/…) that point at a key, usable wherever a KeyId goes.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/kms.js';
import { aliasArn, findKey, kmsState, resolveKeyId } from './state.js';

const NAME = /^alias\/[a-zA-Z0-9/_-]+$/;

function checkName(name: string): void {
  if (!name.startsWith('alias/')) throw new ServiceError('ValidationException', 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  if (!NAME.test(name)) {
    throw new ServiceError('ValidationException', `1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$`);
  }
  if (name.startsWith('alias/aws/')) {
    // AWS answers NotAuthorizedException ("Cannot create alias with prefix 'alias/aws/'"),
    // which is not among KMS's modelled errors; the SDK still surfaces the name.
    throw new ServiceError('NotAuthorizedException', `Cannot create alias with prefix 'alias/aws/'`, 400);
  }
}

/** The target of CreateAlias/UpdateAlias: a key id or key ARN (not an alias), of a customer key. */
function target(ctx: RequestContext, ref: string) {
  const k = findKey(ctx, ref, { aliases: false });
  if (k.manager === 'AWS') throw new ServiceError('NotAuthorizedException', `Cannot point an alias at an AWS managed key`, 400);
  if (k.state === 'PendingDeletion' || k.state === 'PendingReplicaDeletion') throw new ServiceError('KMSInvalidStateException', `${k.arn} is pending deletion.`);
  return k;
}

export function createAlias(ctx: RequestContext, input: T.CreateAliasRequest): void {
  checkName(input.AliasName);
  const s = kmsState(ctx);
  if (s.aliases.has(input.AliasName)) {
    throw new ServiceError('AlreadyExistsException', `An alias with the name ${aliasArn(ctx, input.AliasName)} already exists`);
  }
  const k = target(ctx, input.TargetKeyId);
  const now = clock.now();
  s.aliases.set(input.AliasName, { name: input.AliasName, keyId: k.id, created: now, updated: now });
}

export function updateAlias(ctx: RequestContext, input: T.UpdateAliasRequest): void {
  checkName(input.AliasName);
  const s = kmsState(ctx);
  const a = s.aliases.get(input.AliasName);
  if (!a) throw new ServiceError('NotFoundException', `Alias ${aliasArn(ctx, input.AliasName)} is not found.`);
  const k = target(ctx, input.TargetKeyId);
  const old = s.keys.get(a.keyId);
  if (old && (old.usage !== k.usage || (old.spec === 'SYMMETRIC_DEFAULT') !== (k.spec === 'SYMMETRIC_DEFAULT'))) {
    // AWS: the new key must have the same type and key usage as the current one.
    throw new ServiceError('ValidationException', `${k.arn} key usage or key spec is not compatible with the key the alias currently points to.`);
  }
  a.keyId = k.id;
  a.updated = clock.now();
  s.aliases.set(a.name, a);
}

export function deleteAlias(ctx: RequestContext, input: T.DeleteAliasRequest): void {
  const s = kmsState(ctx);
  if (input.AliasName.startsWith('alias/aws/')) throw new ServiceError('NotAuthorizedException', `Cannot delete alias with prefix 'alias/aws/'`, 400);
  if (!s.aliases.delete(input.AliasName)) throw new ServiceError('NotFoundException', `Alias ${aliasArn(ctx, input.AliasName)} is not found.`);
}

export function listAliases(ctx: RequestContext, input: T.ListAliasesRequest): T.ListAliasesResponse {
  const s = kmsState(ctx);
  let keyId: string | undefined;
  if (input.KeyId) {
    keyId = resolveKeyId(ctx, s, input.KeyId, { aliases: false });
    if (!s.keys.has(keyId)) throw new ServiceError('NotFoundException', `Key '${input.KeyId}' does not exist`);
  }
  const items = [...s.aliases.values()]
    .filter((a) => !keyId || a.keyId === keyId)
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((a) => ({ AliasName: a.name, AliasArn: aliasArn(ctx, a.name), TargetKeyId: a.keyId, CreationDate: new Date(a.created), LastUpdatedDate: new Date(a.updated) }));
  return page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (a) => a.AliasName, maxLimit: 100, defaultLimit: 50, invalidToken: () => new ServiceError('InvalidMarkerException', 'Invalid marker'),
  });
}
