// Published versions and aliases (with weighted routing between two versions).
import { ServiceError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type {
  CreateAliasRequest, DeleteAliasRequest, GetAliasRequest, ListAliasesRequest, ListVersionsByFunctionRequest,
  PublishVersionRequest, UpdateAliasRequest,
} from '../../protocols/types/lambda.js';
import { aliasesOf, fnArn, getFn, lastModified, notFound, parseName, shown, st, versionsOf } from './common.js';
import type { AliasRec, FnConfig, FnRec } from './state.js';
import { forgetQualifier } from './cleanup.js';

/** Publishes $LATEST as a new version, or answers the last version when nothing changed (as AWS does). */
export function publish(ctx: RequestContext, f: FnRec, o: { Description?: string }): FnConfig {
  const s = st(ctx);
  const last = versionsOf(ctx, f.name).at(-1);
  const same = (a: FnConfig, b: FnConfig) => a.CodeSha256 === b.CodeSha256 && a.Handler === b.Handler && a.Runtime === b.Runtime
    && a.Timeout === b.Timeout && a.MemorySize === b.MemorySize && a.Role === b.Role
    && JSON.stringify(a.Environment ?? {}) === JSON.stringify(b.Environment ?? {})
    && JSON.stringify(a.Layers ?? []) === JSON.stringify(b.Layers ?? []);
  if (last && same(last, f.latest)) return last;
  const version = String(f.nextVersion++);
  const v: FnConfig = {
    ...f.latest,
    FunctionArn: fnArn(ctx, f.name, version),
    Version: version,
    Description: o.Description ?? f.latest.Description,
    LastModified: lastModified(),
    RevisionId: uuid(),
  };
  s.versions.set(`${f.name}:${version}`, v);
  s.functions.set(f.name, f);
  return v;
}

export function publishVersion(ctx: RequestContext, input: PublishVersionRequest) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  if (input.RevisionId !== undefined && input.RevisionId !== f.latest.RevisionId) {
    throw new ServiceError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. '
      + 'Call the GetFunction/GetAlias API to retrieve the latest Revision Id', 412);
  }
  if (input.CodeSha256 !== undefined && input.CodeSha256 !== f.latest.CodeSha256) {
    // Wording as AWS answers it (observed): the CodeSha256 given and the current one.
    throw new ServiceError('InvalidParameterValueException', `CodeSHA256 (${input.CodeSha256}) is different from current `
      + `CodeSHA256 in $LATEST (${f.latest.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`);
  }
  return shown(publish(ctx, f, { Description: input.Description }));
}

export function listVersionsByFunction(ctx: RequestContext, input: ListVersionsByFunctionRequest) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  const items = [f.latest, ...versionsOf(ctx, f.name)];
  const out = page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (c) => (c.Version === '$LATEST' ? '' : c.Version.padStart(10, '0')), defaultLimit: 50, maxLimit: 50,
    invalidToken: () => new ServiceError('InvalidParameterValueException', 'Invalid Marker'),
  });
  out.Versions = (out.Versions as FnConfig[]).map(shown);
  return out;
}

// --- aliases ---

const aliasShown = (a: AliasRec) => {
  const { function: _f, ...rest } = a;
  void _f;
  return rest;
};

function checkVersion(ctx: RequestContext, f: FnRec, version: string): void {
  if (version === '$LATEST') return;
  if (!st(ctx).versions.has(`${f.name}:${version}`)) throw notFound(ctx, f.name, version);
}

function checkRouting(ctx: RequestContext, f: FnRec, primary: string, routing: { AdditionalVersionWeights?: Record<string, number> } | undefined) {
  const w = routing?.AdditionalVersionWeights;
  if (!w || !Object.keys(w).length) return undefined;
  const entries = Object.entries(w);
  if (entries.length > 1) throw new ServiceError('InvalidParameterValueException', 'Number of items in AdditionalVersionWeights cannot be greater than 1');
  const [ver, weight] = entries[0];
  if (ver === primary) throw new ServiceError('InvalidParameterValueException', `Invalid function version ${ver}. Function version ${ver} is already included in routing configuration.`);
  if (primary === '$LATEST' || ver === '$LATEST') throw new ServiceError('InvalidParameterValueException', '$LATEST is not supported for an alias pointing to more than 1 version');
  if (!(weight >= 0 && weight <= 1)) throw new ServiceError('InvalidParameterValueException', 'The weight must be between 0.0 and 1.0.');
  checkVersion(ctx, f, ver);
  return { AdditionalVersionWeights: { [ver]: weight } };
}

export function createAlias(ctx: RequestContext, input: CreateAliasRequest) {
  const s = st(ctx);
  const f = getFn(ctx, parseName(input.FunctionName).name);
  if (/^\d+$/.test(input.Name) || input.Name === '$LATEST') throw new ServiceError('InvalidParameterValueException', `Alias name ${input.Name} is invalid.`);
  const key = `${f.name}:${input.Name}`;
  if (s.aliases.has(key)) throw new ServiceError('ResourceConflictException', `Alias already exists: ${fnArn(ctx, f.name, input.Name)}`, 409);
  checkVersion(ctx, f, input.FunctionVersion);
  const routing = checkRouting(ctx, f, input.FunctionVersion, input.RoutingConfig);
  const a: AliasRec = {
    function: f.name, Name: input.Name, AliasArn: fnArn(ctx, f.name, input.Name), FunctionVersion: input.FunctionVersion,
    Description: input.Description ?? '', ...(routing ? { RoutingConfig: routing } : {}), RevisionId: uuid(),
  };
  s.aliases.set(key, a);
  return aliasShown(a);
}

function getAliasRec(ctx: RequestContext, fn: string, name: string): AliasRec {
  const f = getFn(ctx, parseName(fn).name);
  const a = st(ctx).aliases.get(`${f.name}:${name}`);
  if (!a) throw new ServiceError('ResourceNotFoundException', `Alias not found: ${fnArn(ctx, f.name, name)}`, 404);
  return a;
}

export function getAlias(ctx: RequestContext, input: GetAliasRequest) {
  return aliasShown(getAliasRec(ctx, input.FunctionName, input.Name));
}

export function updateAlias(ctx: RequestContext, input: UpdateAliasRequest) {
  const a = getAliasRec(ctx, input.FunctionName, input.Name);
  const f = getFn(ctx, a.function);
  if (input.RevisionId !== undefined && input.RevisionId !== a.RevisionId) {
    throw new ServiceError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. '
      + 'Call the GetFunction/GetAlias API to retrieve the latest Revision Id', 412);
  }
  const primary = input.FunctionVersion ?? a.FunctionVersion;
  checkVersion(ctx, f, primary);
  const routing = input.RoutingConfig !== undefined ? checkRouting(ctx, f, primary, input.RoutingConfig) : a.RoutingConfig;
  const next: AliasRec = { ...a, FunctionVersion: primary, Description: input.Description ?? a.Description, RevisionId: uuid() };
  if (routing) next.RoutingConfig = routing; else delete next.RoutingConfig;
  st(ctx).aliases.set(`${a.function}:${a.Name}`, next);
  return aliasShown(next);
}

export function deleteAlias(ctx: RequestContext, input: DeleteAliasRequest) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  if (st(ctx).aliases.delete(`${f.name}:${input.Name}`)) forgetQualifier(ctx, f.name, input.Name); // idempotent, as AWS is
  return {};
}

export function listAliases(ctx: RequestContext, input: ListAliasesRequest) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  const items = aliasesOf(ctx, f.name).filter((a) => !input.FunctionVersion || a.FunctionVersion === input.FunctionVersion);
  const out = page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (a) => a.Name, defaultLimit: 50, maxLimit: 50,
    invalidToken: () => new ServiceError('InvalidParameterValueException', 'Invalid Marker'),
  });
  out.Aliases = (out.Aliases as AliasRec[]).map(aliasShown);
  return out;
}
