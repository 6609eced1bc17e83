// Access control lists: Get/PutBucketAcl, Get/PutObjectAcl, canned ACLs and x-amz-grant-*
// headers (S3 User Guide, "Access control list (ACL) overview", "Canned ACL"). Buckets default
// to Object Ownership BucketOwnerEnforced, where ACLs are disabled: only the owner's full
// control (private / bucket-owner-full-control) is accepted ("Controlling ownership of
// objects and disabling ACLs for your bucket").
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { checkBufferedMd5 } from './body.js';
import { canonicalId, invalidArgument, malformedXml, ownBucket, ownerOf } from './common.js';
import { objectOwnership, publicAccessBlock } from './bucket-config.js';
import { s3State, type AclRec, type BucketRec } from './state.js';
import { readVersion } from './targets.js';
import { touchVersion } from './versions.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

type Grant = AclRec['grants'][number];
const user = (id: string): Record<string, string> => ({ Type: 'CanonicalUser', ID: id });
const group = (uri: string): Record<string, string> => ({ Type: 'Group', URI: uri });

const CANNED = ['private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write'];

function canned(acl: string, owner: string, bucketOwner: string): Grant[] {
  const g: Grant[] = [{ grantee: user(canonicalId(owner)), permission: 'FULL_CONTROL' }];
  switch (acl) {
    case 'public-read': g.push({ grantee: group(ALL_USERS), permission: 'READ' }); break;
    case 'public-read-write': g.push({ grantee: group(ALL_USERS), permission: 'READ' }, { grantee: group(ALL_USERS), permission: 'WRITE' }); break;
    case 'authenticated-read': g.push({ grantee: group(AUTH_USERS), permission: 'READ' }); break;
    case 'log-delivery-write': g.push({ grantee: group(LOG_DELIVERY), permission: 'WRITE' }, { grantee: group(LOG_DELIVERY), permission: 'READ_ACP' }); break;
    case 'bucket-owner-read': if (bucketOwner !== owner) g.push({ grantee: user(canonicalId(bucketOwner)), permission: 'READ' }); break;
    case 'bucket-owner-full-control': if (bucketOwner !== owner) g.push({ grantee: user(canonicalId(bucketOwner)), permission: 'FULL_CONTROL' }); break;
    default: break;
  }
  return g;
}

type GrantHeaders = { GrantFullControl?: string; GrantRead?: string; GrantReadACP?: string; GrantWrite?: string; GrantWriteACP?: string };

/** `id="…", uri="…", emailAddress="…"` lists of the x-amz-grant-* headers. */
function fromHeaders(h: GrantHeaders): Grant[] {
  const out: Grant[] = [];
  const perms: [keyof GrantHeaders, string][] = [['GrantFullControl', 'FULL_CONTROL'], ['GrantRead', 'READ'], ['GrantReadACP', 'READ_ACP'], ['GrantWrite', 'WRITE'], ['GrantWriteACP', 'WRITE_ACP']];
  for (const [k, permission] of perms) {
    const v = h[k];
    if (!v) continue;
    for (const part of v.split(',')) {
      const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(part);
      if (!m) throw invalidArgument('Invalid id', 'x-amz-grant', part.trim());
      const t = m[1].toLowerCase();
      out.push({ grantee: t === 'id' ? user(m[2]) : t === 'uri' ? group(m[2]) : { Type: 'AmazonCustomerByEmail', EmailAddress: m[2] }, permission });
    }
  }
  return out;
}

const ownerOnly = (g: Grant[], owner: string) => g.every((x) => x.permission === 'FULL_CONTROL' && x.grantee.ID === canonicalId(owner));

/** The ACL a request sets: canned, grant headers or an AccessControlPolicy body (one of them). */
function requestedAcl(b: BucketRec, owner: string, input: GrantHeaders & { ACL?: string; AccessControlPolicy?: T.AccessControlPolicy }): AclRec | undefined {
  const headers = fromHeaders(input);
  const body = input.AccessControlPolicy?.Grants;
  const given = [input.ACL !== undefined, headers.length > 0, body !== undefined].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given > 1) throw new ServiceError('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed', 400);
  let grants: Grant[];
  if (input.ACL !== undefined) {
    if (!CANNED.includes(input.ACL)) throw malformedXml();
    grants = canned(input.ACL, owner, b.owner);
  } else if (body) {
    grants = body.map((g) => {
      const ge = g.Grantee;
      if (!ge || !g.Permission) throw malformedXml();
      const grantee: Record<string, string> = { Type: ge.Type };
      if (ge.ID) grantee.ID = ge.ID;
      if (ge.URI) grantee.URI = ge.URI;
      if (ge.EmailAddress) grantee.EmailAddress = ge.EmailAddress;
      return { grantee, permission: g.Permission };
    });
  } else grants = headers;
  if (objectOwnership(b) === 'BucketOwnerEnforced' && !ownerOnly(grants, b.owner)) {
    throw new ServiceError('AccessControlListNotSupported', 'The bucket does not allow ACLs', 400);
  }
  // BlockPublicAcls: "PUT Bucket acl and PUT Object acl calls fail if the specified access
  // control list (ACL) is public" (S3 User Guide, "Blocking public access").
  if (publicAccessBlock(b)?.BlockPublicAcls && grants.some((g) => g.grantee.URI === ALL_USERS || g.grantee.URI === AUTH_USERS)) {
    throw new ServiceError('AccessDenied', 'Access Denied', 403);
  }
  return { owner, grants };
}

const defaultAcl = (owner: string): AclRec => ({ owner, grants: [{ grantee: user(canonicalId(owner)), permission: 'FULL_CONTROL' }] });

function render(a: AclRec): { Owner: T.Owner; Grants: T.Grant[] } {
  return {
    Owner: ownerOf(a.owner),
    Grants: a.grants.map((g) => ({
      Grantee: { ...g.grantee, ...(g.grantee.Type === 'CanonicalUser' ? { DisplayName: 'webfile' } : {}) } as T.Grantee,
      Permission: g.permission as T.Grant["Permission"],
    })),
  };
}

/** The ACL a new object gets from PutObject/CopyObject headers (checked against ownership). */
export function aclForNewObject(ctx: RequestContext, b: BucketRec, input: GrantHeaders & { ACL?: string }): AclRec | undefined {
  return requestedAcl(b, ctx.accountId, input);
}

export function putBucketAcl(ctx: RequestContext, input: T.PutBucketAclRequest): void {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const acl = requestedAcl(b, b.owner, input);
  if (!acl) throw malformedXml();
  b.config = { ...b.config, acl };
  s3State().buckets.touch(b.name);
}

export function getBucketAcl(ctx: RequestContext, input: T.GetBucketAclRequest): T.GetBucketAclOutput {
  const b = ownBucket(ctx, input.Bucket);
  return render((b.config?.acl as AclRec | undefined) ?? defaultAcl(b.owner));
}

export function putObjectAcl(ctx: RequestContext, input: T.PutObjectAclRequest): T.PutObjectAclOutput {
  const b = ownBucket(ctx, input.Bucket);
  const o = readVersion(b, input.Key, input.VersionId, 'PUT');
  checkBufferedMd5(ctx);
  const acl = requestedAcl(b, o.acl?.owner ?? b.owner, input);
  if (!acl) throw malformedXml();
  o.acl = acl;
  touchVersion(o);
  return {};
}

export function getObjectAcl(ctx: RequestContext, input: T.GetObjectAclRequest): T.GetObjectAclOutput {
  const b = ownBucket(ctx, input.Bucket);
  const o = readVersion(b, input.Key, input.VersionId);
  return render(o.acl ?? defaultAcl(b.owner));
}
