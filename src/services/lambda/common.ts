// Names, ARNs and lookups shared by Lambda's handlers.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import { state, type AliasRec, type FnConfig, type FnRec, type LambdaState } from './state.js';

export const st = (ctx: { accountId: string; region: string }): LambdaState => state(ctx);

export const fnArn = (ctx: { region: string; accountId: string }, name: string, qualifier?: string) =>
  `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;

/** LastModified as Lambda writes it: 2024-01-01T00:00:00.000+0000. */
export const lastModified = () => clock.date().toISOString().replace('Z', '+0000');

/**
 * A FunctionName parameter: a name, a partial ARN (123456789012:function:name) or a full ARN,
 * any of them optionally qualified (":version" or ":alias").
 */
export function parseName(input: string, qualifier?: string): { name: string; qualifier?: string } {
  let name = input, q: string | undefined;
  const full = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:([a-zA-Z0-9-_.]+)(?::([a-zA-Z0-9-_$]+))?$/.exec(input);
  const partial = /^\d{12}:function:([a-zA-Z0-9-_.]+)(?::([a-zA-Z0-9-_$]+))?$/.exec(input);
  const plain = /^([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/.exec(input);
  const m = full ?? partial ?? plain;
  if (m) { name = m[1]; q = m[2]; }
  if (q && qualifier && q !== qualifier) {
    throw new ServiceError('InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
  }
  return { name, qualifier: q ?? qualifier };
}

export const notFound = (ctx: RequestContext, name: string, qualifier?: string) =>
  new ServiceError('ResourceNotFoundException', `Function not found: ${fnArn(ctx, name, qualifier)}`, 404);

export function getFn(ctx: RequestContext, name: string): FnRec {
  const f = st(ctx).functions.get(name);
  if (!f) throw notFound(ctx, name);
  return f;
}

/** The configuration a qualifier names: $LATEST, a version, or an alias's primary version. */
export function resolveConfig(ctx: RequestContext, f: FnRec, qualifier?: string): { config: FnConfig; alias?: AliasRec } {
  if (!qualifier || qualifier === '$LATEST') return { config: f.latest };
  const s = st(ctx);
  if (/^\d+$/.test(qualifier)) {
    const v = s.versions.get(`${f.name}:${qualifier}`);
    if (!v) throw notFound(ctx, f.name, qualifier);
    return { config: v };
  }
  const a = s.aliases.get(`${f.name}:${qualifier}`);
  if (!a) throw notFound(ctx, f.name, qualifier);
  return { config: versionConfig(ctx, f, a.FunctionVersion), alias: a };
}

export function versionConfig(ctx: RequestContext, f: FnRec, version: string): FnConfig {
  if (version === '$LATEST') return f.latest;
  const v = st(ctx).versions.get(`${f.name}:${version}`);
  if (!v) throw notFound(ctx, f.name, version);
  return v;
}

/** A configuration as the API shows it (without internal fields). */
export function shown(c: FnConfig): Record<string, unknown> {
  const { blobId: _b, unzipped: _u, layerBlobs: _l, ...rest } = c;
  void _b; void _u; void _l;
  return rest;
}

export const versionsOf = (ctx: { accountId: string; region: string }, name: string): FnConfig[] => {
  const out: FnConfig[] = [];
  for (const [k, v] of st(ctx).versions.entries()) if (k.startsWith(`${name}:`)) out.push(v);
  return out.sort((a, b) => Number(a.Version) - Number(b.Version));
};

export const aliasesOf = (ctx: RequestContext, name: string): AliasRec[] => {
  const out: AliasRec[] = [];
  for (const [k, v] of st(ctx).aliases.entries()) if (k.startsWith(`${name}:`)) out.push(v);
  return out.sort((a, b) => (a.Name < b.Name ? -1 : 1));
};

