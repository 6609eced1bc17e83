// Helpers every IAM resource file shares: ARNs, lookups that throw IAM's NoSuchEntity
// wording, the caller's own user, paging, timestamps and tags.
import type { RequestContext } from '../service.js';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { page, paginatorOf } from '../../core/pagination.js';
import type { IamOperations } from '../../protocols/types/iam.js';
import {
  iamState, NameIndex, ROOT,
  type GroupRec, type IamState, type InstanceProfileRec, type RoleRec, type Tag, type UserRec,
} from './state.js';

export type Op<K extends keyof IamOperations> = IamOperations[K];
export type In<K extends keyof IamOperations> = IamOperations[K]['input'];
export type Out<K extends keyof IamOperations> = IamOperations[K]['output'];

export const st = (ctx: RequestContext): IamState => iamState(ctx);

/** IAM timestamps have whole seconds. */
export const now = (): number => Math.floor(clock.now() / 1000) * 1000;

export const err = (code: string, message: string, status?: number): ServiceError => new ServiceError(code, message, status);
export const noSuchEntity = (message: string): ServiceError => err('NoSuchEntity', message);
export const invalidInput = (message: string): ServiceError => err('InvalidInput', message);
export const limitExceeded = (message: string): ServiceError => err('LimitExceeded', message);
export const deleteConflict = (message: string): ServiceError => err('DeleteConflict', message);
export const alreadyExists = (message: string): ServiceError => err('EntityAlreadyExists', message);
export const validationError = (message: string): ServiceError => err('ValidationError', message, 400);

// ---- ARNs ------------------------------------------------------------------------------

export const iamArn = (account: string, kind: string, path: string, name: string): string =>
  `arn:aws:iam::${account}:${kind}${path}${name}`;

export const rootArn = (account: string): string => `arn:aws:iam::${account}:root`;

/** arn:aws:iam::<account|aws>:policy<path><name> */
export function parsePolicyArn(arn: string): { account: string; path: string; name: string } | undefined {
  const m = /^arn:aws[\w-]*:iam::(\d{12}|aws):policy(\/(?:[^/]*\/)*)([\w+=,.@-]+)$/.exec(arn);
  return m ? { account: m[1], path: m[2], name: m[3] } : undefined;
}

// ---- lookups ---------------------------------------------------------------------------

export function findUser(s: IamState, name: string): UserRec | undefined {
  const id = s.idx.users.id(name);
  return id === undefined ? undefined : s.users.get(id);
}
export function getUser(s: IamState, name: string): UserRec {
  const u = findUser(s, name);
  if (!u) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return u;
}

export function findGroup(s: IamState, name: string): GroupRec | undefined {
  const id = s.idx.groups.id(name);
  return id === undefined ? undefined : s.groups.get(id);
}
export function getGroup(s: IamState, name: string): GroupRec {
  const g = findGroup(s, name);
  if (!g) throw noSuchEntity(`The group with name ${name} cannot be found.`);
  return g;
}

export function findRole(s: IamState, name: string): RoleRec | undefined {
  const id = s.idx.roles.id(name);
  return id === undefined ? undefined : s.roles.get(id);
}
export function getRole(s: IamState, name: string): RoleRec {
  const r = findRole(s, name);
  if (!r) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return r;
}

export function findInstanceProfile(s: IamState, name: string): InstanceProfileRec | undefined {
  const id = s.idx.instanceProfiles.id(name);
  return id === undefined ? undefined : s.instanceProfiles.get(id);
}
export function getInstanceProfile(s: IamState, name: string): InstanceProfileRec {
  const p = findInstanceProfile(s, name);
  if (!p) throw noSuchEntity(`Instance Profile ${name} cannot be found.`);
  return p;
}

/**
 * The user an operation without UserName acts on: "If you do not specify a user name, IAM
 * determines the user name implicitly based on the AWS access key ID signing the request"
 * (IAM API Reference, e.g. CreateAccessKey). Root credentials act on the root user (ROOT);
 * temporary credentials are refused as IAM refuses them.
 */
export function implicitOwner(ctx: RequestContext, s: IamState, name: string | undefined): { owner: string; user?: UserRec } {
  if (name !== undefined) { const user = getUser(s, name); return { owner: user.UserId, user }; }
  const c = ctx.caller;
  if (c.kind === 'root' || (c.kind === 'session' && c.arn === rootArn(ctx.accountId))) return { owner: ROOT };
  if ((c.kind === 'user' || c.kind === 'session') && c.userName) { const user = getUser(s, c.userName); return { owner: user.UserId, user }; }
  throw validationError('Must specify userName when calling with non-User credentials');
}

/** Like implicitOwner, for operations that only make sense for an IAM user (not the root). */
export function implicitUser(ctx: RequestContext, s: IamState, name: string | undefined): UserRec {
  const o = implicitOwner(ctx, s, name);
  if (!o.user) throw validationError('Must specify userName when calling with non-User credentials');
  return o.user;
}

// ---- paging ----------------------------------------------------------------------------

/** A Marker Nimbus did not issue (or issued for another operation). IAM: ValidationError. */
const badMarker = () => validationError('Invalid Marker.');

const firstKey = (k: string | string[] | undefined): string => (Array.isArray(k) ? k[0] : k)!;

/**
 * One page of `items` (sorted by `key`, when given) as the operation's paginator names it,
 * each item mapped to its output shape. Always answers IsTruncated, as IAM does.
 */
// The paged output is typed by the handler that returns it (its Out<'List…'>).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Paged = any;

export function pageOf<T>(ctx: RequestContext, input: object, items: readonly T[],
  key: ((x: T) => string) | undefined, map: (x: T) => unknown): Paged {
  const out = page(ctx, input as Record<string, unknown>, items, { key, defaultLimit: 100, invalidToken: badMarker });
  const rk = firstKey(paginatorOf(ctx.service, ctx.operation).result_key);
  out[rk] = (out[rk] as T[]).map(map);
  out.IsTruncated ??= false;
  return out;
}

/** Pages the entities of a name index, optionally filtered, mapped to their output shape. */
export function pageNames<R>(ctx: RequestContext, input: object, index: NameIndex,
  get: (id: string) => R | undefined, filter: ((r: R) => boolean) | undefined, map: (r: R) => unknown): Paged {
  const rec = (k: string) => get(index.idOfKey(k)!)!;
  const keys = filter ? index.keys.filter((k) => filter(rec(k))) : index.keys;
  return pageOf(ctx, input, keys, (k) => k, (k) => map(rec(k)));
}

/** PathPrefix filter; '/' (the default) matches everything. */
export const pathFilter = <R extends { Path: string }>(prefix: string | undefined): ((r: R) => boolean) | undefined =>
  prefix === undefined || prefix === '/' ? undefined : (r) => r.Path.startsWith(prefix);

/** Sorts case-insensitively, as IAM lists names. */
export const byName = <T>(f: (x: T) => string) => (a: T, b: T): number => {
  const x = f(a).toLowerCase(), y = f(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};

// ---- documents -------------------------------------------------------------------------

/**
 * IAM returns policy documents URL-encoded: "The policy document returned in this structure
 * is URL-encoded compliant with RFC 3986" (IAM API Reference, e.g. GetRolePolicy). botocore
 * and the aws CLI decode them; the JS SDK hands the encoded text to the caller.
 */
export const encodeDocument = (doc: string): string =>
  encodeURIComponent(doc).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

// ---- tags ------------------------------------------------------------------------------

export const MAX_TAGS = 50;

/** Checks a tag list given to a Create or Tag call: no duplicate keys (case-insensitive). */
export function checkNewTags(tags: Tag[] | undefined, caseInsensitive = true): void {
  if (!tags?.length) return;
  const seen = new Set<string>();
  for (const t of tags) {
    const k = caseInsensitive ? t.Key.toLowerCase() : t.Key;
    if (seen.has(k)) {
      throw invalidInput(caseInsensitive ? 'Duplicate tag keys found. Please note that Tag keys are case insensitive.' : 'Duplicate tag keys found.');
    }
    seen.add(k);
  }
}

/** Merges `tags` into `existing` (same key replaces the value), enforcing the 50-tag quota. */
export function mergeTags(existing: Tag[], tags: Tag[], caseInsensitive = true): Tag[] {
  checkNewTags(tags, caseInsensitive);
  const norm = (k: string) => (caseInsensitive ? k.toLowerCase() : k);
  const out = existing.map((t) => ({ ...t }));
  for (const t of tags) {
    const i = out.findIndex((x) => norm(x.Key) === norm(t.Key));
    if (i >= 0) out[i] = { Key: t.Key, Value: t.Value ?? '' };
    else out.push({ Key: t.Key, Value: t.Value ?? '' });
  }
  // IAM's wording for going over the quota on an existing resource.
  if (out.length > MAX_TAGS) throw limitExceeded('The number of tags has reached the maximum limit.');
  return out;
}

export function removeTags(existing: Tag[], keys: string[], caseInsensitive = true): Tag[] {
  const drop = new Set(keys.map((k) => (caseInsensitive ? k.toLowerCase() : k)));
  return existing.filter((t) => !drop.has(caseInsensitive ? t.Key.toLowerCase() : t.Key));
}

/** Tags as outputs carry them: omitted when there are none. */
export const tagsOut = (tags: Tag[]): Tag[] | undefined => (tags.length ? tags.map((t) => ({ ...t })) : undefined);

export const boundaryOut = (arn: string | undefined) =>
  arn ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn } : undefined;

/** Output objects without undefined members. */
export function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
