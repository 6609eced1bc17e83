// Smaller per-function settings: provisioned concurrency (stored; it becomes READY a minute
// later on the virtual clock and counts against reserved and account concurrency as on AWS),
// code signing configs (stored, not enforced: Nimbus does not verify signatures), recursion
// and runtime management settings.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { randomAlnum } from '../../core/ids.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type { LambdaOperations } from '../../protocols/types/lambda.js';
import { fnArn, getFn, lastModified, parseName, resolveConfig, st } from './common.js';
import { ACCOUNT_CONCURRENCY, MIN_UNRESERVED } from './functions.js';
import type { CodeSigningRec, ProvisionedRec } from './state.js';

type In<K extends keyof LambdaOperations> = LambdaOperations[K]['input'];

// --- provisioned concurrency ---

/** How long allocation takes (AWS: "a few minutes"; a minute of virtual time here). */
const ALLOCATION_MS = 60_000;

function provisionedTarget(ctx: RequestContext, fn: string, q: string | undefined) {
  const { name, qualifier } = parseName(fn, q);
  const f = getFn(ctx, name);
  if (!qualifier || qualifier === '$LATEST') {
    throw new ServiceError('InvalidParameterValueException', 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
  }
  resolveConfig(ctx, f, qualifier);
  return { f, qualifier, key: `${name}:${qualifier}` };
}

const provisionedShown = (p: ProvisionedRec, withArn = false) => {
  const ready = clock.now() >= p.readyAt;
  return {
    ...(withArn ? { FunctionArn: p.FunctionArn } : {}),
    RequestedProvisionedConcurrentExecutions: p.requested,
    AvailableProvisionedConcurrentExecutions: ready ? p.requested : 0,
    AllocatedProvisionedConcurrentExecutions: ready ? p.requested : 0,
    Status: ready ? 'READY' : 'IN_PROGRESS',
    LastModified: p.LastModified,
  };
};

export function putProvisionedConcurrencyConfig(ctx: RequestContext, input: In<'PutProvisionedConcurrencyConfig'>) {
  const t = provisionedTarget(ctx, input.FunctionName, input.Qualifier);
  const s = st(ctx);
  const want = input.ProvisionedConcurrentExecutions;
  const mine = [...s.provisioned.values()].filter((p) => p.function === t.f.name && p.qualifier !== t.qualifier).reduce((n, p) => n + p.requested, 0);
  if (t.f.reserved !== undefined && mine + want > t.f.reserved) {
    throw new ServiceError('InvalidParameterValueException', `Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function`);
  }
  if (t.f.reserved === undefined) {
    // Provisioned concurrency of functions without a reservation comes out of the unreserved pool.
    const reserved = [...s.functions.values()].reduce((n, f) => n + (f.reserved ?? 0), 0);
    const provisionedElsewhere = [...s.provisioned.values()]
      .filter((p) => p.key !== t.key && s.functions.get(p.function)?.reserved === undefined).reduce((n, p) => n + p.requested, 0);
    const unreserved = ACCOUNT_CONCURRENCY - reserved - provisionedElsewhere;
    if (unreserved - want < MIN_UNRESERVED) {
      throw new ServiceError('InvalidParameterValueException', `Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [${unreserved}].`);
    }
  }
  const rec: ProvisionedRec & { key: string } = { key: t.key, function: t.f.name, qualifier: t.qualifier, FunctionArn: fnArn(ctx, t.f.name, t.qualifier),
    requested: want, readyAt: clock.now() + ALLOCATION_MS, LastModified: lastModified() };
  s.provisioned.set(t.key, rec);
  return provisionedShown(rec);
}

const provisionedNotFound = () => new ServiceError('ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function', 404);

export function getProvisionedConcurrencyConfig(ctx: RequestContext, input: In<'GetProvisionedConcurrencyConfig'>) {
  const t = provisionedTarget(ctx, input.FunctionName, input.Qualifier);
  const p = st(ctx).provisioned.get(t.key);
  if (!p) throw provisionedNotFound();
  return provisionedShown(p);
}

export function deleteProvisionedConcurrencyConfig(ctx: RequestContext, input: In<'DeleteProvisionedConcurrencyConfig'>) {
  const t = provisionedTarget(ctx, input.FunctionName, input.Qualifier);
  if (!st(ctx).provisioned.delete(t.key)) throw provisionedNotFound();
  return {};
}

export function listProvisionedConcurrencyConfigs(ctx: RequestContext, input: In<'ListProvisionedConcurrencyConfigs'>) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  const items = [...st(ctx).provisioned.values()].filter((p) => p.function === f.name).sort((a, b) => (a.qualifier < b.qualifier ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (p) => p.qualifier, defaultLimit: 50, maxLimit: 50,
    invalidToken: () => new ServiceError('InvalidParameterValueException', 'Invalid Marker'),
  });
  out.ProvisionedConcurrencyConfigs = (out.ProvisionedConcurrencyConfigs as ProvisionedRec[]).map((p) => provisionedShown(p, true));
  return out;
}

// --- code signing configs ---

const cscNotFound = (arn: string) => new ServiceError('ResourceNotFoundException', `The code signing configuration cannot be found. Check that the provided configuration is not deleted: ${arn}.`, 404);

function cscOf(ctx: RequestContext, arn: string): CodeSigningRec {
  const id = arn.split(':').pop()!;
  const c = st(ctx).codeSigning.get(id);
  if (!c || c.CodeSigningConfigArn !== arn) throw cscNotFound(arn);
  return c;
}

export function createCodeSigningConfig(ctx: RequestContext, input: In<'CreateCodeSigningConfig'>) {
  const id = `csc-${randomAlnum(17).toLowerCase()}`;
  const c: CodeSigningRec = {
    CodeSigningConfigId: id, CodeSigningConfigArn: `arn:aws:lambda:${ctx.region}:${ctx.accountId}:code-signing-config:${id}`,
    Description: input.Description ?? '', AllowedPublishers: { SigningProfileVersionArns: [...input.AllowedPublishers.SigningProfileVersionArns] },
    CodeSigningPolicies: { UntrustedArtifactOnDeployment: input.CodeSigningPolicies?.UntrustedArtifactOnDeployment ?? 'Warn' },
    LastModified: lastModified(),
  };
  st(ctx).codeSigning.set(id, c);
  if (input.Tags && Object.keys(input.Tags).length) st(ctx).resourceTags.set(c.CodeSigningConfigArn, { ...input.Tags });
  return { CodeSigningConfig: c };
}

export function getCodeSigningConfig(ctx: RequestContext, input: In<'GetCodeSigningConfig'>) {
  return { CodeSigningConfig: cscOf(ctx, input.CodeSigningConfigArn) };
}

export function updateCodeSigningConfig(ctx: RequestContext, input: In<'UpdateCodeSigningConfig'>) {
  const c = cscOf(ctx, input.CodeSigningConfigArn);
  const next: CodeSigningRec = {
    ...c, Description: input.Description ?? c.Description,
    AllowedPublishers: input.AllowedPublishers ? { SigningProfileVersionArns: [...input.AllowedPublishers.SigningProfileVersionArns] } : c.AllowedPublishers,
    CodeSigningPolicies: input.CodeSigningPolicies?.UntrustedArtifactOnDeployment ? { UntrustedArtifactOnDeployment: input.CodeSigningPolicies.UntrustedArtifactOnDeployment } : c.CodeSigningPolicies,
    LastModified: lastModified(),
  };
  st(ctx).codeSigning.set(c.CodeSigningConfigId, next);
  return { CodeSigningConfig: next };
}

export function deleteCodeSigningConfig(ctx: RequestContext, input: In<'DeleteCodeSigningConfig'>) {
  const c = cscOf(ctx, input.CodeSigningConfigArn);
  const users = [...st(ctx).functions.values()].filter((f) => f.codeSigningConfigArn === c.CodeSigningConfigArn);
  if (users.length) throw new ServiceError('ResourceConflictException', 'The code signing configuration cannot be deleted because it is used by one or more functions.', 409);
  st(ctx).codeSigning.delete(c.CodeSigningConfigId);
  st(ctx).resourceTags.delete(c.CodeSigningConfigArn);
  return {};
}

export function listCodeSigningConfigs(ctx: RequestContext, input: In<'ListCodeSigningConfigs'>) {
  const items = [...st(ctx).codeSigning.values()].sort((a, b) => (a.CodeSigningConfigId < b.CodeSigningConfigId ? -1 : 1));
  return page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (c) => c.CodeSigningConfigId, defaultLimit: 50, maxLimit: 10000,
    invalidToken: () => new ServiceError('InvalidParameterValueException', 'Invalid Marker'),
  });
}

export function putFunctionCodeSigningConfig(ctx: RequestContext, input: In<'PutFunctionCodeSigningConfig'>) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  const id = input.CodeSigningConfigArn.split(':').pop()!;
  const c = st(ctx).codeSigning.get(id);
  if (!c || c.CodeSigningConfigArn !== input.CodeSigningConfigArn) {
    throw new ServiceError('CodeSigningConfigNotFoundException', `The code signing configuration cannot be found. Check that the provided configuration is not deleted: ${input.CodeSigningConfigArn}.`, 404);
  }
  f.codeSigningConfigArn = c.CodeSigningConfigArn;
  st(ctx).functions.set(f.name, f);
  return { CodeSigningConfigArn: c.CodeSigningConfigArn, FunctionName: f.name };
}

export function getFunctionCodeSigningConfig(ctx: RequestContext, input: In<'GetFunctionCodeSigningConfig'>) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  return { CodeSigningConfigArn: f.codeSigningConfigArn ?? '', FunctionName: f.name };
}

export function deleteFunctionCodeSigningConfig(ctx: RequestContext, input: In<'DeleteFunctionCodeSigningConfig'>) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  delete f.codeSigningConfigArn;
  st(ctx).functions.set(f.name, f);
  return {};
}

export function listFunctionsByCodeSigningConfig(ctx: RequestContext, input: In<'ListFunctionsByCodeSigningConfig'>) {
  const c = cscOf(ctx, input.CodeSigningConfigArn);
  const items = [...st(ctx).functions.values()].filter((f) => f.codeSigningConfigArn === c.CodeSigningConfigArn)
    .map((f) => fnArn(ctx, f.name)).sort();
  return page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (a) => a, defaultLimit: 50, maxLimit: 10000,
    invalidToken: () => new ServiceError('InvalidParameterValueException', 'Invalid Marker'),
  });
}

// --- recursion and runtime management ---

export function getFunctionRecursionConfig(ctx: RequestContext, input: In<'GetFunctionRecursionConfig'>) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  return { RecursiveLoop: f.recursiveLoop ?? 'Terminate' };
}

export function putFunctionRecursionConfig(ctx: RequestContext, input: In<'PutFunctionRecursionConfig'>) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  f.recursiveLoop = input.RecursiveLoop;
  st(ctx).functions.set(f.name, f);
  return { RecursiveLoop: f.recursiveLoop };
}

export function getRuntimeManagementConfig(ctx: RequestContext, input: In<'GetRuntimeManagementConfig'>) {
  const { name, qualifier } = parseName(input.FunctionName, input.Qualifier);
  const f = getFn(ctx, name);
  resolveConfig(ctx, f, qualifier);
  const m = f.runtimeManagement ?? { UpdateRuntimeOn: 'Auto' };
  return { UpdateRuntimeOn: m.UpdateRuntimeOn, ...(m.RuntimeVersionArn ? { RuntimeVersionArn: m.RuntimeVersionArn } : {}), FunctionArn: fnArn(ctx, name, qualifier) };
}

export function putRuntimeManagementConfig(ctx: RequestContext, input: In<'PutRuntimeManagementConfig'>) {
  const { name, qualifier } = parseName(input.FunctionName, input.Qualifier);
  const f = getFn(ctx, name);
  if (qualifier && qualifier !== '$LATEST') throw new ServiceError('InvalidParameterValueException', 'Runtime management config can only be set on $LATEST.');
  if (input.UpdateRuntimeOn === 'Manual' && !input.RuntimeVersionArn) {
    throw new ServiceError('InvalidParameterValueException', 'RuntimeVersionArn must be specified when UpdateRuntimeOn is Manual.');
  }
  if (input.UpdateRuntimeOn !== 'Manual' && input.RuntimeVersionArn) {
    throw new ServiceError('InvalidParameterValueException', 'RuntimeVersionArn can only be specified when UpdateRuntimeOn is Manual.');
  }
  f.runtimeManagement = { UpdateRuntimeOn: input.UpdateRuntimeOn, ...(input.RuntimeVersionArn ? { RuntimeVersionArn: input.RuntimeVersionArn } : {}) };
  st(ctx).functions.set(f.name, f);
  return { UpdateRuntimeOn: input.UpdateRuntimeOn, FunctionArn: fnArn(ctx, name), ...(input.RuntimeVersionArn ? { RuntimeVersionArn: input.RuntimeVersionArn } : {}) };
}
