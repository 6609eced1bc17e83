// KMS grants: create, list (by key, by retiring principal), retire and revoke. Nimbus does
// not enforce authorization, so grants are bookkeeping that clients can read back.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { page } from '../../core/pagination.js';
import { hex } from '../../core/ids.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/kms.js';
import { findKey, kmsState, type GrantRec } from './state.js';
import { randomBytes } from 'node:crypto';

const invalidMarker = () => new ServiceError('InvalidMarkerException', 'Invalid marker');
const dryRun = () => new ServiceError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.', 412);

function entry(g: GrantRec): T.GrantListEntry {
  return {
    KeyId: g.keyArn, GrantId: g.id, Name: g.name, CreationDate: new Date(g.created), GranteePrincipal: g.grantee,
    RetiringPrincipal: g.retiring, IssuingAccount: g.issuing, Operations: g.operations, Constraints: g.constraints,
  };
}

export function createGrant(ctx: RequestContext, input: T.CreateGrantRequest): T.CreateGrantResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  if (k.state === 'PendingDeletion' || k.state === 'PendingReplicaDeletion') throw new ServiceError('KMSInvalidStateException', `${k.arn} is pending deletion.`);
  if (input.Constraints?.EncryptionContextEquals && input.Constraints?.EncryptionContextSubset) {
    throw new ServiceError('ValidationException', 'Only one of EncryptionContextEquals and EncryptionContextSubset may be specified.');
  }
  const s = kmsState(ctx);
  // AWS: CreateGrant with the same name, grantee, operations and constraints returns the existing grant.
  if (input.Name) {
    for (const g of s.grants.values()) {
      if (g.keyId === k.id && g.name === input.Name && g.grantee === input.GranteePrincipal
        && JSON.stringify([...g.operations].sort()) === JSON.stringify([...input.Operations].sort())
        && JSON.stringify(g.constraints ?? null) === JSON.stringify(input.Constraints ?? null)) {
        if (input.DryRun) throw dryRun();
        return { GrantId: g.id, GrantToken: g.token };
      }
    }
  }
  if (input.DryRun) throw dryRun();
  const g: GrantRec = {
    id: hex(32), token: randomBytes(96).toString('base64url'), keyId: k.id, keyArn: k.arn, name: input.Name,
    grantee: input.GranteePrincipal, retiring: input.RetiringPrincipal, operations: input.Operations,
    constraints: input.Constraints, issuing: `arn:aws:iam::${ctx.accountId}:root`, created: clock.now(),
  };
  s.grants.set(g.id, g);
  return { GrantId: g.id, GrantToken: g.token };
}

export function listGrants(ctx: RequestContext, input: T.ListGrantsRequest): T.ListGrantsResponse {
  const k = findKey(ctx, input.KeyId, { aliases: false });
  const items = [...kmsState(ctx).grants.values()]
    .filter((g) => g.keyId === k.id && (!input.GrantId || g.id === input.GrantId) && (!input.GranteePrincipal || g.grantee === input.GranteePrincipal))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, { key: (g) => g.id, invalidToken: invalidMarker, maxLimit: 100, defaultLimit: 50 });
  out.Grants = (out.Grants as GrantRec[]).map(entry);
  return out as T.ListGrantsResponse;
}

export function listRetirableGrants(ctx: RequestContext, input: T.ListRetirableGrantsRequest): T.ListGrantsResponse {
  const items = [...kmsState(ctx).grants.values()].filter((g) => g.retiring === input.RetiringPrincipal).sort((a, b) => (a.id < b.id ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, { key: (g) => g.id, invalidToken: invalidMarker, maxLimit: 100, defaultLimit: 50 });
  out.Grants = (out.Grants as GrantRec[]).map(entry);
  return out as T.ListGrantsResponse;
}

export function retireGrant(ctx: RequestContext, input: T.RetireGrantRequest): void {
  const s = kmsState(ctx);
  let g: GrantRec | undefined;
  if (input.GrantToken) {
    g = [...s.grants.values()].find((x) => x.token === input.GrantToken);
    if (!g) throw new ServiceError('InvalidGrantTokenException', 'Invalid grant token');
  } else if (input.KeyId && input.GrantId) {
    const k = findKey(ctx, input.KeyId, { aliases: false });
    g = s.grants.get(input.GrantId);
    if (!g || g.keyId !== k.id) throw new ServiceError('NotFoundException', `Grant ID ${input.GrantId} not found`);
  } else {
    throw new ServiceError('ValidationException', 'Grant token OR (grant ID, key ID) must be specified');
  }
  if (input.DryRun) throw dryRun();
  s.grants.delete(g.id);
}

export function revokeGrant(ctx: RequestContext, input: T.RevokeGrantRequest): void {
  const s = kmsState(ctx);
  const k = findKey(ctx, input.KeyId, { aliases: false });
  const g = s.grants.get(input.GrantId);
  if (!g || g.keyId !== k.id) throw new ServiceError('NotFoundException', `Grant ID ${input.GrantId} not found`);
  if (input.DryRun) throw dryRun();
  s.grants.delete(g.id);
}
