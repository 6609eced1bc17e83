// Functions: create, read, list, update, delete; tags; concurrency; account settings.
import { ServiceError } from '../../core/errors.js';
import { callService } from '../../core/internal-client.js';
import { deleteBlob, putBlob } from '../../core/blobs.js';
import { uuid } from '../../core/ids.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type {
  CreateFunctionRequest, DeleteFunctionConcurrencyRequest, DeleteFunctionRequest, GetFunctionConcurrencyRequest,
  GetFunctionConfigurationRequest, GetFunctionRequest, ListFunctionsRequest, ListTagsRequest, PutFunctionConcurrencyRequest,
  TagResourceRequest, UntagResourceRequest, UpdateFunctionCodeRequest, UpdateFunctionConfigurationRequest,
} from '../../protocols/types/lambda.js';
import { checkZip, sha256b64 } from './code.js';
import { codeLocation, codeZip } from './code-source.js';
import { resolveLayers } from './layers.js';
import { forgetFunction, forgetQualifier, releaseLayers } from './cleanup.js';
import { aliasesOf, fnArn, getFn, lastModified, notFound, parseName, resolveConfig, shown, st, versionsOf } from './common.js';
import type { FnConfig, FnRec } from './state.js';
import { publish } from './versions.js';
import { retire } from './instances.js';

export const ACCOUNT_CONCURRENCY = 1000;
export const MIN_UNRESERVED = 100;

// Environment variables Lambda sets itself; a function may not define them (Lambda developer
// guide, "Defined runtime environment variables"; the error wording is AWS's).
const RESERVED_ENV = ['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR'];

function checkEnv(vars: Record<string, string> | undefined): void {
  const bad = Object.keys(vars ?? {}).filter((k) => RESERVED_ENV.includes(k));
  if (bad.length) {
    throw new ServiceError('InvalidParameterValueException', 'Lambda was unable to configure your environment variables because the '
      + 'environment variables you have provided contains reserved keys that are currently not supported for modification. '
      + `Reserved keys used in this request: ${bad.join(',')}`);
  }
  const size = Object.entries(vars ?? {}).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (size > 4096) {
    throw new ServiceError('InvalidParameterValueException', 'Lambda was unable to configure your environment variables because the '
      + 'environment variables you have provided exceeded the 4KB limit. '
      + `String measured: ${JSON.stringify(vars)}`);
  }
}

/** AWS checks that the execution role exists and can be assumed by Lambda. */
async function checkRole(ctx: RequestContext, role: string): Promise<void> {
  const accountId = role.split(':')[4];
  try {
    await callService(ctx, 'iam', 'GetRoleForAssume', { RoleArn: role }, { accountId });
  } catch (e) {
    if (e instanceof ServiceError && e.status !== undefined && e.status >= 500) throw e;
    throw new ServiceError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
  }
}

/** A dead-letter target must be an SQS queue or an SNS topic (AWS's wording). */
function checkDlq(arn: string): string {
  if (!/^arn:aws[a-zA-Z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[a-zA-Z0-9_.-]+$/.test(arn)) {
    throw new ServiceError('InvalidParameterValueException', 'The provided target arn is invalid. Please provide a valid target arn for the DLQ.');
  }
  return arn;
}

export async function createFunction(ctx: RequestContext, input: CreateFunctionRequest) {
  const s = st(ctx);
  const name = parseName(input.FunctionName).name;
  if (input.PackageType === 'Image' || input.Code.ImageUri) {
    throw new ServiceError('InvalidParameterValueException', 'Nimbus does not support container image functions; use PackageType Zip.');
  }
  if (!input.Runtime) throw new ServiceError('InvalidParameterValueException', 'Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  if (!input.Handler) throw new ServiceError('InvalidParameterValueException', 'Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  checkEnv(input.Environment?.Variables);
  if (input.DeadLetterConfig?.TargetArn) checkDlq(input.DeadLetterConfig.TargetArn);
  if (s.functions.has(name)) throw new ServiceError('ResourceConflictException', `Function already exist: ${name}`, 409);
  await checkRole(ctx, input.Role);
  const zip = await codeZip(ctx, input.Code);
  if (!zip) throw new ServiceError('InvalidParameterValueException', 'Please provide a source for function code.');
  const unzipped = await checkZip(zip, 'CreateFunction');
  const layers = resolveLayers(input.Layers ?? [], unzipped);
  const blob = await putBlob(zip, [], 'lambda');
  if (s.functions.has(name)) { deleteBlob(blob.id); throw new ServiceError('ResourceConflictException', `Function already exist: ${name}`, 409); }
  const latest: FnConfig = {
    FunctionName: name,
    FunctionArn: fnArn(ctx, name),
    Runtime: input.Runtime,
    Role: input.Role,
    Handler: input.Handler,
    CodeSize: zip.length,
    Description: input.Description ?? '',
    Timeout: input.Timeout ?? 3,
    MemorySize: input.MemorySize ?? 128,
    LastModified: lastModified(),
    CodeSha256: sha256b64(zip),
    Version: '$LATEST',
    ...(input.Environment?.Variables ? { Environment: { Variables: { ...input.Environment.Variables } } } : {}),
    RevisionId: uuid(),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: input.Architectures?.length ? [...input.Architectures] : ['x86_64'],
    EphemeralStorage: { Size: input.EphemeralStorage?.Size ?? 512 },
    TracingConfig: { Mode: input.TracingConfig?.Mode ?? 'PassThrough' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    ...layers,
    ...(input.DeadLetterConfig?.TargetArn ? { DeadLetterConfig: { TargetArn: checkDlq(input.DeadLetterConfig.TargetArn) } } : {}),
    blobId: blob.id,
    unzipped,
  };
  const f: FnRec = { name, latest, tags: { ...(input.Tags ?? {}) }, nextVersion: 1 };
  s.functions.set(name, f);
  if (input.Publish) return shown(publish(ctx, f, {}));
  return shown(latest);
}

export function getFunction(ctx: RequestContext, input: GetFunctionRequest) {
  const { name, qualifier } = parseName(input.FunctionName, input.Qualifier);
  const f = getFn(ctx, name);
  const { config } = resolveConfig(ctx, f, qualifier);
  return {
    Configuration: shown(config),
    // AWS answers a presigned S3 URL to download the zip; Nimbus serves its own (code-source.ts).
    Code: { RepositoryType: 'S3', Location: codeLocation(ctx, config.blobId) },
    ...(Object.keys(f.tags).length ? { Tags: f.tags } : {}),
    ...(f.reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: f.reserved } } : {}),
  };
}

export function getFunctionConfiguration(ctx: RequestContext, input: GetFunctionConfigurationRequest) {
  const { name, qualifier } = parseName(input.FunctionName, input.Qualifier);
  return shown(resolveConfig(ctx, getFn(ctx, name), qualifier).config);
}

export function listFunctions(ctx: RequestContext, input: ListFunctionsRequest) {
  const s = st(ctx);
  const fns = [...s.functions.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const all = input.FunctionVersion === 'ALL';
  const items = fns.flatMap((f) => (all ? [f.latest, ...versionsOf(ctx, f.name)] : [f.latest]));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (c) => `${c.FunctionName}\u0000${c.Version === '$LATEST' ? '' : c.Version.padStart(10, '0')}`,
    defaultLimit: 50, maxLimit: 50,
    invalidToken: () => new ServiceError('InvalidParameterValueException', 'Invalid Marker'),
  });
  out.Functions = (out.Functions as FnConfig[]).map(shown);
  return out;
}

function checkRevision(current: string, given: string | undefined): void {
  if (given !== undefined && given !== current) {
    throw new ServiceError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. '
      + 'Call the GetFunction/GetAlias API to retrieve the latest Revision Id', 412);
  }
}

export async function updateFunctionCode(ctx: RequestContext, input: UpdateFunctionCodeRequest) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  checkRevision(f.latest.RevisionId, input.RevisionId);
  const zip = await codeZip(ctx, input);
  if (!zip) throw new ServiceError('InvalidParameterValueException', 'Please provide a source for function code.');
  const unzipped = await checkZip(zip, 'UpdateFunctionCode');
  resolveLayers((f.latest.Layers ?? []).map((l) => l.Arn), unzipped);
  if (input.DryRun) return shown({ ...f.latest, CodeSha256: sha256b64(zip), CodeSize: zip.length });
  const blob = await putBlob(zip, [], 'lambda');
  const s = st(ctx);
  const cur = s.functions.get(f.name);
  if (!cur) { deleteBlob(blob.id); throw notFound(ctx, f.name); }
  const old = cur.latest.blobId;
  cur.latest = { ...cur.latest, blobId: blob.id, unzipped, CodeSha256: sha256b64(zip), CodeSize: zip.length,
    ...(input.Architectures?.length ? { Architectures: [...input.Architectures] } : {}),
    LastModified: lastModified(), RevisionId: uuid() };
  s.functions.set(cur.name, cur);
  if (!versionsOf(ctx, cur.name).some((v) => v.blobId === old)) deleteBlob(old);
  retire(ctx, cur.name, '$LATEST');
  if (input.Publish) return shown(publish(ctx, cur, {}));
  return shown(cur.latest);
}

export async function updateFunctionConfiguration(ctx: RequestContext, input: UpdateFunctionConfigurationRequest) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  checkRevision(f.latest.RevisionId, input.RevisionId);
  const layers = input.Layers !== undefined ? resolveLayers(input.Layers, f.latest.unzipped ?? 0) : undefined;
  if (input.Environment) checkEnv(input.Environment.Variables);
  if (input.Role) await checkRole(ctx, input.Role);
  const c = f.latest;
  const next: FnConfig = {
    ...c,
    ...(input.Runtime !== undefined ? { Runtime: input.Runtime } : {}),
    ...(input.Role !== undefined ? { Role: input.Role } : {}),
    ...(input.Handler !== undefined ? { Handler: input.Handler } : {}),
    ...(input.Description !== undefined ? { Description: input.Description } : {}),
    ...(input.Timeout !== undefined ? { Timeout: input.Timeout } : {}),
    ...(input.MemorySize !== undefined ? { MemorySize: input.MemorySize } : {}),
    ...(input.EphemeralStorage?.Size !== undefined ? { EphemeralStorage: { Size: input.EphemeralStorage.Size } } : {}),
    ...(input.TracingConfig?.Mode !== undefined ? { TracingConfig: { Mode: input.TracingConfig.Mode } } : {}),
    LastModified: lastModified(),
    RevisionId: uuid(),
  };
  if (input.DeadLetterConfig !== undefined) {
    if (input.DeadLetterConfig.TargetArn) next.DeadLetterConfig = { TargetArn: checkDlq(input.DeadLetterConfig.TargetArn) };
    else delete next.DeadLetterConfig;
  }
  if (layers) {
    delete next.Layers; delete next.layerBlobs;
    Object.assign(next, layers);
  }
  if (input.Environment) {
    if (input.Environment.Variables && Object.keys(input.Environment.Variables).length) next.Environment = { Variables: { ...input.Environment.Variables } };
    else delete next.Environment;
  }
  f.latest = next;
  st(ctx).functions.set(f.name, f);
  if (layers) releaseLayers(ctx, [c]);
  retire(ctx, f.name, '$LATEST');
  return shown(next);
}

export function deleteFunction(ctx: RequestContext, input: DeleteFunctionRequest) {
  const s = st(ctx);
  const { name, qualifier } = parseName(input.FunctionName, input.Qualifier);
  const f = getFn(ctx, name);
  if (qualifier && qualifier !== '$LATEST') {
    if (!/^\d+$/.test(qualifier)) throw new ServiceError('InvalidParameterValueException', 'Deletion of aliases is not currently supported.');
    const key = `${name}:${qualifier}`;
    const v = s.versions.get(key);
    if (!v) throw notFound(ctx, name, qualifier);
    const users = aliasesOf(ctx, name).filter((a) => a.FunctionVersion === qualifier
      || Object.keys(a.RoutingConfig?.AdditionalVersionWeights ?? {}).includes(qualifier));
    if (users.length) {
      throw new ServiceError('ResourceConflictException', `Unable to delete version because the following aliases reference it: [${users.map((a) => a.Name).join(', ')}]`, 409);
    }
    s.versions.delete(key);
    forgetQualifier(ctx, name, qualifier);
    releaseLayers(ctx, [v]);
    if (f.latest.blobId !== v.blobId && !versionsOf(ctx, name).some((x) => x.blobId === v.blobId)) deleteBlob(v.blobId);
    retire(ctx, name, qualifier);
    return {};
  }
  if (qualifier === '$LATEST') throw new ServiceError('InvalidParameterValueException', '$LATEST version cannot be deleted without deleting the function.');
  const blobs = new Set([f.latest.blobId]);
  const configs = [f.latest, ...versionsOf(ctx, name)];
  for (const v of versionsOf(ctx, name)) { blobs.add(v.blobId); s.versions.delete(`${name}:${v.Version}`); }
  for (const a of aliasesOf(ctx, name)) s.aliases.delete(`${name}:${a.Name}`);
  s.functions.delete(name);
  for (const b of blobs) deleteBlob(b);
  forgetFunction(ctx, name);
  releaseLayers(ctx, configs);
  retire(ctx, name);
  return {};
}

// --- tags ---

/**
 * The tags of a taggable resource: a function (kept on its record), an event source mapping
 * or a code signing config (kept by ARN); with a setter that writes them back.
 */
function tagsOf(ctx: RequestContext, arn: string): { tags: Record<string, string>; save(t: Record<string, string>): void } {
  const fn = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)$/.exec(arn);
  const other = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):(event-source-mapping|code-signing-config):([a-zA-Z0-9-]+)$/.exec(arn);
  const m = fn ?? other;
  if (!m) throw new ServiceError('InvalidParameterValueException', `Invalid ARN: ${arn}`);
  const s = st(ctx);
  if (fn) {
    if (m[1] !== ctx.region || m[2] !== ctx.accountId) throw notFound(ctx, m[3]);
    const f = getFn(ctx, m[3]);
    return { tags: f.tags, save: (t) => { f.tags = t; s.functions.set(f.name, f); } };
  }
  const exists = m[1] === ctx.region && m[2] === ctx.accountId
    && (m[3] === 'event-source-mapping' ? s.esms.has(m[4]) : s.codeSigning.has(m[4]));
  if (!exists) throw new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
  return { tags: { ...(s.resourceTags.get(arn) ?? {}) }, save: (t) => { if (Object.keys(t).length) s.resourceTags.set(arn, t); else s.resourceTags.delete(arn); } };
}

export function tagResource(ctx: RequestContext, input: TagResourceRequest) {
  const r = tagsOf(ctx, input.Resource);
  const tags = { ...r.tags, ...input.Tags };
  if (Object.keys(tags).length > 50) throw new ServiceError('InvalidParameterValueException', 'Number of tags exceeds resource tag limit.');
  r.save(tags);
  return {};
}

export function untagResource(ctx: RequestContext, input: UntagResourceRequest) {
  const r = tagsOf(ctx, input.Resource);
  const tags = { ...r.tags };
  for (const k of input.TagKeys ?? []) delete tags[k];
  r.save(tags);
  return {};
}

export function listTags(ctx: RequestContext, input: ListTagsRequest) {
  return { Tags: tagsOf(ctx, input.Resource).tags };
}

// --- concurrency ---

const reservedTotal = (ctx: RequestContext, except?: string) =>
  [...st(ctx).functions.values()].reduce((n, f) => n + (f.name !== except ? f.reserved ?? 0 : 0), 0);

export function putFunctionConcurrency(ctx: RequestContext, input: PutFunctionConcurrencyRequest) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  const want = input.ReservedConcurrentExecutions;
  if (ACCOUNT_CONCURRENCY - reservedTotal(ctx, f.name) - want < MIN_UNRESERVED) {
    throw new ServiceError('InvalidParameterValueException', 'Specified ReservedConcurrentExecutions for function decreases '
      + `account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`);
  }
  f.reserved = want;
  st(ctx).functions.set(f.name, f);
  return { ReservedConcurrentExecutions: want };
}

export function getFunctionConcurrency(ctx: RequestContext, input: GetFunctionConcurrencyRequest) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  return f.reserved !== undefined ? { ReservedConcurrentExecutions: f.reserved } : {};
}

export function deleteFunctionConcurrency(ctx: RequestContext, input: DeleteFunctionConcurrencyRequest) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  delete f.reserved;
  st(ctx).functions.set(f.name, f);
  return {};
}

export function getAccountSettings(ctx: RequestContext) {
  const fns = [...st(ctx).functions.values()];
  let total = 0;
  for (const f of fns) { total += f.latest.CodeSize; for (const v of versionsOf(ctx, f.name)) total += v.CodeSize; }
  return {
    AccountLimit: {
      TotalCodeSize: 80530636800, CodeSizeUnzipped: 262144000, CodeSizeZipped: 52428800,
      ConcurrentExecutions: ACCOUNT_CONCURRENCY, UnreservedConcurrentExecutions: ACCOUNT_CONCURRENCY - reservedTotal(ctx),
    },
    AccountUsage: { TotalCodeSize: total, FunctionCount: fns.length },
  };
}
