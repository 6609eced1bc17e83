// Identity providers: OpenID Connect (web identity federation) and SAML 2.0.
import { X509Certificate } from 'node:crypto';
import type { RequestContext } from '../service.js';
import { uuid } from '../../core/ids.js';
import {
  alreadyExists, checkNewTags, clean, iamArn, invalidInput, limitExceeded, noSuchEntity, now, st, tagsOut,
  validationError, type In, type Out,
} from './common.js';
import type { IamState, OidcProviderRec, SamlProviderRec } from './state.js';

// ---- OpenID Connect --------------------------------------------------------------------

/** The provider's ARN and Url both use the issuer URL without its scheme. */
const oidcId = (url: string) => url.replace(/^https:\/\//i, '').replace(/\/+$/, '');

export function getOidcProvider(s: IamState, arn: string): OidcProviderRec {
  const p = s.oidcProviders.get(arn);
  if (!p) throw noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
  return p;
}

export function createOpenIDConnectProvider(ctx: RequestContext, input: In<'CreateOpenIDConnectProvider'>): Out<'CreateOpenIDConnectProvider'> {
  const s = st(ctx);
  if (!/^https:\/\/[^\s/]+/i.test(input.Url)) throw validationError('Invalid Open ID Connect Provider URL');
  const thumbprints = input.ThumbprintList ?? [];
  if (thumbprints.length > 5) throw invalidInput('Thumbprint list must contain fewer than 5 entries.');
  const clients = [...new Set(input.ClientIDList ?? [])];
  if (clients.length > 100) throw limitExceeded('Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100');
  checkNewTags(input.Tags, false);
  const arn = iamArn(ctx.accountId, 'oidc-provider', '/', oidcId(input.Url));
  if (s.oidcProviders.has(arn)) throw alreadyExists(`Provider with url ${input.Url} already exists.`);
  const p: OidcProviderRec = {
    Arn: arn, Url: oidcId(input.Url), ClientIDList: clients, ThumbprintList: [...thumbprints], CreateDate: now(),
    Tags: (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
  };
  s.oidcProviders.set(arn, p);
  return clean({ OpenIDConnectProviderArn: arn, Tags: tagsOut(p.Tags) });
}

export function getOpenIDConnectProvider(ctx: RequestContext, input: In<'GetOpenIDConnectProvider'>): Out<'GetOpenIDConnectProvider'> {
  const p = getOidcProvider(st(ctx), input.OpenIDConnectProviderArn);
  return clean({ Url: p.Url, ClientIDList: [...p.ClientIDList], ThumbprintList: [...p.ThumbprintList], CreateDate: p.CreateDate, Tags: tagsOut(p.Tags) });
}

export function listOpenIDConnectProviders(ctx: RequestContext): Out<'ListOpenIDConnectProviders'> {
  const arns = [...st(ctx).oidcProviders.keys()].sort();
  return { OpenIDConnectProviderList: arns.map((Arn) => ({ Arn })) };
}

/** "This operation is idempotent; it does not fail … for a provider that does not exist." */
export function deleteOpenIDConnectProvider(ctx: RequestContext, input: In<'DeleteOpenIDConnectProvider'>): Out<'DeleteOpenIDConnectProvider'> {
  st(ctx).oidcProviders.delete(input.OpenIDConnectProviderArn);
}

export function addClientIDToOpenIDConnectProvider(ctx: RequestContext, input: In<'AddClientIDToOpenIDConnectProvider'>): Out<'AddClientIDToOpenIDConnectProvider'> {
  const s = st(ctx);
  const p = getOidcProvider(s, input.OpenIDConnectProviderArn);
  if (p.ClientIDList.includes(input.ClientID)) return;
  if (p.ClientIDList.length >= 100) throw limitExceeded('Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100');
  p.ClientIDList.push(input.ClientID);
  s.oidcProviders.set(p.Arn, p);
}

/** Idempotent too: removing a client ID that is not there is not an error. */
export function removeClientIDFromOpenIDConnectProvider(ctx: RequestContext, input: In<'RemoveClientIDFromOpenIDConnectProvider'>): Out<'RemoveClientIDFromOpenIDConnectProvider'> {
  const s = st(ctx);
  const p = getOidcProvider(s, input.OpenIDConnectProviderArn);
  p.ClientIDList = p.ClientIDList.filter((c) => c !== input.ClientID);
  s.oidcProviders.set(p.Arn, p);
}

export function updateOpenIDConnectProviderThumbprint(ctx: RequestContext, input: In<'UpdateOpenIDConnectProviderThumbprint'>): Out<'UpdateOpenIDConnectProviderThumbprint'> {
  const s = st(ctx);
  const p = getOidcProvider(s, input.OpenIDConnectProviderArn);
  if (input.ThumbprintList.length > 5) throw invalidInput('Thumbprint list must contain fewer than 5 entries.');
  p.ThumbprintList = [...input.ThumbprintList];
  s.oidcProviders.set(p.Arn, p);
}

// ---- SAML ------------------------------------------------------------------------------

export function getSamlProvider(s: IamState, arn: string): SamlProviderRec {
  const p = s.samlProviders.get(arn);
  if (!p) throw noSuchEntity(`SAMLProvider ${arn} does not exist.`);
  return p;
}

/**
 * When the metadata stops being valid: its validUntil attribute, else the earliest expiry of
 * the signing certificates it carries, else (unparseable metadata) 100 years on.
 */
function validUntil(doc: string): number {
  const attr = /validUntil\s*=\s*"([^"]+)"/.exec(doc);
  if (attr && !Number.isNaN(Date.parse(attr[1]))) return Date.parse(attr[1]);
  let earliest = Infinity;
  for (const m of doc.matchAll(/<(?:\w+:)?X509Certificate>([^<]+)</g)) {
    try {
      const cert = new X509Certificate(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
      earliest = Math.min(earliest, Date.parse(cert.validTo));
    } catch { /* not a certificate */ }
  }
  return Number.isFinite(earliest) ? earliest : now() + 100 * 365 * 86_400_000;
}

export function createSAMLProvider(ctx: RequestContext, input: In<'CreateSAMLProvider'>): Out<'CreateSAMLProvider'> {
  const s = st(ctx);
  checkNewTags(input.Tags, false);
  const arn = iamArn(ctx.accountId, 'saml-provider', '/', input.Name);
  if (s.samlProviders.has(arn)) throw alreadyExists(`SAMLProvider ${input.Name} already exists.`);
  if (!/<(\w+:)?EntityDescriptor[\s>]/.test(input.SAMLMetadataDocument)) {
    throw invalidInput('Could not parse metadata'); // wording not confirmed
  }
  const p: SamlProviderRec = {
    Arn: arn, Name: input.Name, SAMLMetadataDocument: input.SAMLMetadataDocument, SAMLProviderUUID: uuid(), CreateDate: now(),
    ValidUntil: validUntil(input.SAMLMetadataDocument), Tags: (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
  };
  s.samlProviders.set(arn, p);
  return clean({ SAMLProviderArn: arn, Tags: tagsOut(p.Tags) });
}

export function getSAMLProvider(ctx: RequestContext, input: In<'GetSAMLProvider'>): Out<'GetSAMLProvider'> {
  const p = getSamlProvider(st(ctx), input.SAMLProviderArn);
  return clean({
    SAMLProviderUUID: p.SAMLProviderUUID, SAMLMetadataDocument: p.SAMLMetadataDocument, CreateDate: p.CreateDate,
    ValidUntil: p.ValidUntil, Tags: tagsOut(p.Tags),
  });
}

export function listSAMLProviders(ctx: RequestContext): Out<'ListSAMLProviders'> {
  const list = [...st(ctx).samlProviders.values()].sort((a, b) => (a.Arn < b.Arn ? -1 : 1));
  return { SAMLProviderList: list.map((p) => ({ Arn: p.Arn, ValidUntil: p.ValidUntil, CreateDate: p.CreateDate })) };
}

export function updateSAMLProvider(ctx: RequestContext, input: In<'UpdateSAMLProvider'>): Out<'UpdateSAMLProvider'> {
  const s = st(ctx);
  const p = getSamlProvider(s, input.SAMLProviderArn);
  if (input.SAMLMetadataDocument !== undefined) {
    p.SAMLMetadataDocument = input.SAMLMetadataDocument;
    p.ValidUntil = validUntil(input.SAMLMetadataDocument);
  }
  s.samlProviders.set(p.Arn, p);
  return { SAMLProviderArn: p.Arn };
}

export function deleteSAMLProvider(ctx: RequestContext, input: In<'DeleteSAMLProvider'>): Out<'DeleteSAMLProvider'> {
  const s = st(ctx);
  // IAM's (odd) wording for a provider that is not there.
  if (!s.samlProviders.delete(input.SAMLProviderArn)) throw noSuchEntity(`Manifest not found for arn ${input.SAMLProviderArn}`);
}
