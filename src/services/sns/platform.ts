// Mobile push: platform applications and their endpoints (device tokens), stored as SNS stores
// them. Nimbus has no push provider to talk to: credentials are not checked with Apple or
// Google, and publishing to an endpoint answers NotImplemented rather than pretending to send.
import { randomUUID } from 'node:crypto';
import { clock } from '../../core/clock-instance.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, invalidParameter, notFound, parseArn, st } from './common.js';
import { indexEndpoint, type AppRec, type EndpointRec, type SnsState } from './state.js';

const PLATFORMS = new Set(['ADM', 'APNS', 'APNS_SANDBOX', 'APNS_VOIP', 'APNS_VOIP_SANDBOX', 'BAIDU', 'GCM', 'MACOS', 'MACOS_SANDBOX', 'MPNS', 'WNS']);
const APP_NAME = /^[A-Za-z0-9_.-]+$/;
/** Secrets SNS keeps but never returns. */
const SECRET = new Set(['PlatformCredential', 'PlatformPrincipal']);
const ENDPOINT_ATTRS = new Set(['Enabled', 'Token', 'CustomUserData']);

const appNotFound = () => notFound('PlatformApplication does not exist');
const endpointNotFound = () => notFound('Endpoint does not exist');

function appArnParts(arn: string) {
  const p = parseArn(arn);
  if (!p) throw invalidParameter(`PlatformApplicationArn Reason: An ARN must have at least 6 elements, not ${arn.split(':').length}`);
  return p;
}

function appOf(arn: string): { s: SnsState; app: AppRec } {
  const p = appArnParts(arn);
  const s = st({ accountId: p.account, region: p.region });
  const app = s.apps.get(arn);
  if (!app) throw appNotFound();
  return { s, app };
}

function endpointOf(arn: string): { s: SnsState; e: EndpointRec | undefined } {
  const p = parseArn(arn);
  if (!p) throw invalidParameter(`EndpointArn Reason: An ARN must have at least 6 elements, not ${arn.split(':').length}`);
  if (!p.resource.startsWith('endpoint/') || p.resource.split('/').length !== 4) {
    throw invalidParameter('EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.');
  }
  const s = st({ accountId: p.account, region: p.region });
  return { s, e: s.endpoints.get(arn) };
}

function checkCredentials(platform: string, attrs: Record<string, string>): void {
  const principal = 'PlatformPrincipal' in attrs, credential = 'PlatformCredential' in attrs;
  if (platform === 'GCM') {
    if (!credential) throw invalidParameter('Attributes Reason: PlatformCredential attribute required');
    return;
  }
  if (principal && !credential) throw invalidParameter('Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential');
  if (credential && !principal) throw invalidParameter('Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal');
}

const visible = (attrs: Record<string, string>) => Object.fromEntries(Object.entries(attrs).filter(([k]) => !SECRET.has(k)));

export function createPlatformApplication(ctx: RequestContext, input: In<'CreatePlatformApplication'>): Out<'CreatePlatformApplication'> {
  const { Name: name, Platform: platform } = input;
  if (name === '') throw invalidParameter(' Reason: cannot be empty');
  if (name.length > 256) throw invalidParameter(`${name} Reason: must be at most 256 characters long`);
  if (!APP_NAME.test(name)) throw invalidParameter(`${name} Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'`);
  if (!PLATFORMS.has(platform)) throw invalidParameter(`Platform Reason: ${platform} is not supported`);
  const attrs = input.Attributes ?? {};
  checkCredentials(platform, attrs);
  const s = st(ctx);
  const arn = `arn:aws:sns:${ctx.region}:${ctx.accountId}:app/${platform}/${name}`;
  const existing = s.apps.get(arn);
  if (existing) return { PlatformApplicationArn: arn }; // (?) the same name and platform answer the same application
  s.apps.set(arn, { arn, name, platform, attrs: { Enabled: 'true', ...attrs }, created: clock.now() });
  return { PlatformApplicationArn: arn };
}

export function getPlatformApplicationAttributes(ctx: RequestContext, input: In<'GetPlatformApplicationAttributes'>): Out<'GetPlatformApplicationAttributes'> {
  return { Attributes: visible(appOf(input.PlatformApplicationArn).app.attrs) };
}

export function setPlatformApplicationAttributes(ctx: RequestContext, input: In<'SetPlatformApplicationAttributes'>): Out<'SetPlatformApplicationAttributes'> {
  const { s, app } = appOf(input.PlatformApplicationArn);
  const next = { ...app.attrs, ...input.Attributes };
  if ('PlatformCredential' in input.Attributes || 'PlatformPrincipal' in input.Attributes) checkCredentials(app.platform, next);
  if (next.Enabled !== 'true' && next.Enabled !== 'false') throw invalidParameter('Attributes Reason: Invalid value for attribute: Enabled'); // (?)
  app.attrs = next;
  s.apps.touch(app.arn);
}

export function listPlatformApplications(ctx: RequestContext, input: In<'ListPlatformApplications'>): Out<'ListPlatformApplications'> {
  const apps = [...st(ctx).apps.values()].sort((a, b) => (a.arn < b.arn ? -1 : 1));
  const p = page(ctx, input as unknown as Record<string, unknown>, apps, { key: (a) => a.arn, defaultLimit: 100, maxLimit: 100, invalidToken: () => invalidParameter('NextToken') });
  return {
    PlatformApplications: (p.PlatformApplications as AppRec[]).map((a) => ({ PlatformApplicationArn: a.arn, Attributes: visible(a.attrs) })),
    ...(p.NextToken ? { NextToken: p.NextToken as string } : {}),
  };
}

export function deletePlatformApplication(ctx: RequestContext, input: In<'DeletePlatformApplication'>): Out<'DeletePlatformApplication'> {
  const p = appArnParts(input.PlatformApplicationArn);
  const s = st({ accountId: p.account, region: p.region });
  if (!s.apps.has(input.PlatformApplicationArn)) return; // idempotent
  for (const arn of s.endpointsByApp.get(input.PlatformApplicationArn) ?? []) {
    const e = s.endpoints.get(arn);
    if (e) removeEndpoint(s, e);
  }
  s.endpointsByApp.delete(input.PlatformApplicationArn);
  s.apps.delete(input.PlatformApplicationArn);
}

// ---- endpoints ---------------------------------------------------------------------------

function checkEndpointAttributes(attrs: Record<string, string>): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (!ENDPOINT_ATTRS.has(k)) throw invalidParameter(`Attributes Reason: Invalid attribute name: ${k}`);
    if (k === 'CustomUserData' && Buffer.byteLength(v ?? '') > 2048) {
      throw invalidParameter('Attributes Reason: Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding');
    }
    if (k === 'Enabled' && v !== 'true' && v !== 'false') throw invalidParameter('Attributes Reason: Invalid value for attribute: Enabled');
  }
}

function removeEndpoint(s: SnsState, e: EndpointRec): void {
  s.endpoints.delete(e.arn);
  s.endpointsByApp.get(e.app)?.delete(e.arn);
  s.endpointByToken.delete(`${e.app}\n${e.attrs.Token}`);
}

export function createPlatformEndpoint(ctx: RequestContext, input: In<'CreatePlatformEndpoint'>): Out<'CreatePlatformEndpoint'> {
  const { s, app } = appOf(input.PlatformApplicationArn);
  const attrsIn = input.Attributes ?? {};
  checkEndpointAttributes(attrsIn);
  const attrs: Record<string, string> = { Enabled: 'true', Token: input.Token, ...attrsIn };
  if (input.CustomUserData !== undefined && attrs.CustomUserData === undefined) attrs.CustomUserData = input.CustomUserData;
  checkEndpointAttributes(attrs);
  // The same token again answers the same endpoint, unless its attributes differ.
  const existingArn = s.endpointByToken.get(`${app.arn}\n${input.Token}`);
  if (existingArn) {
    const e = s.endpoints.get(existingArn)!;
    const same = Object.keys({ ...e.attrs, ...attrs }).every((k) => e.attrs[k] === attrs[k]);
    if (!same) throw invalidParameter(`Token Reason: Endpoint ${existingArn} already exists with the same Token, but different attributes.`);
    return { EndpointArn: existingArn };
  }
  const p = parseArn(app.arn)!;
  const rec: EndpointRec = {
    arn: `arn:aws:sns:${p.region}:${p.account}:endpoint/${app.platform}/${app.name}/${randomUUID()}`,
    app: app.arn, attrs, created: clock.now(),
  };
  s.endpoints.set(rec.arn, rec);
  indexEndpoint(s, rec);
  return { EndpointArn: rec.arn };
}

export function getEndpointAttributes(ctx: RequestContext, input: In<'GetEndpointAttributes'>): Out<'GetEndpointAttributes'> {
  const { e } = endpointOf(input.EndpointArn);
  if (!e) throw endpointNotFound();
  return { Attributes: { ...e.attrs } };
}

export function setEndpointAttributes(ctx: RequestContext, input: In<'SetEndpointAttributes'>): Out<'SetEndpointAttributes'> {
  const { s, e } = endpointOf(input.EndpointArn);
  checkEndpointAttributes(input.Attributes);
  if (!e) throw endpointNotFound();
  s.endpointByToken.delete(`${e.app}\n${e.attrs.Token}`);
  Object.assign(e.attrs, input.Attributes);
  s.endpoints.touch(e.arn);
  indexEndpoint(s, e);
}

export function deleteEndpoint(ctx: RequestContext, input: In<'DeleteEndpoint'>): Out<'DeleteEndpoint'> {
  const { s, e } = endpointOf(input.EndpointArn);
  if (e) removeEndpoint(s, e); // idempotent
}

export function listEndpointsByPlatformApplication(ctx: RequestContext, input: In<'ListEndpointsByPlatformApplication'>): Out<'ListEndpointsByPlatformApplication'> {
  const { s, app } = appOf(input.PlatformApplicationArn);
  const list = [...(s.endpointsByApp.get(app.arn) ?? [])].map((a) => s.endpoints.get(a)!).filter(Boolean)
    .sort((a, b) => a.created - b.created || (a.arn < b.arn ? -1 : 1));
  const key = (e: EndpointRec) => `${String(e.created).padStart(15, '0')}/${e.arn}`;
  const p = page(ctx, input as unknown as Record<string, unknown>, list, { key, defaultLimit: 100, maxLimit: 100, invalidToken: () => invalidParameter('NextToken') });
  return {
    Endpoints: (p.Endpoints as EndpointRec[]).map((e) => ({ EndpointArn: e.arn, Attributes: { ...e.attrs } })),
    ...(p.NextToken ? { NextToken: p.NextToken as string } : {}),
  };
}

/** The endpoint a Publish names by TargetArn; errors as SNS gives them. */
export function endpointForPublish(arn: string): EndpointRec {
  const { e } = endpointOf(arn);
  if (!e) throw invalidParameter('TargetArn Reason: No endpoint found for the target arn specified');
  return e;
}
