// Asynchronous invocation settings per function, version or alias:
// Put/Get/Update/Delete/ListFunctionEventInvokeConfigs. The limits on MaximumRetryAttempts
// (0–2) and MaximumEventAgeInSeconds (60–21600) are model constraints the codec enforces.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type {
  DeleteFunctionEventInvokeConfigRequest, DestinationConfig, GetFunctionEventInvokeConfigRequest, ListFunctionEventInvokeConfigsRequest,
  PutFunctionEventInvokeConfigRequest, UpdateFunctionEventInvokeConfigRequest,
} from '../../protocols/types/lambda.js';
import { fnArn, getFn, parseName, resolveConfig, st } from './common.js';
import { destinationKind } from './destinations.js';
import type { EventInvokeConfigRec } from './state.js';

function target(ctx: RequestContext, fn: string, q?: string) {
  const { name, qualifier } = parseName(fn, q);
  const f = getFn(ctx, name);
  resolveConfig(ctx, f, qualifier);
  const ql = qualifier ?? '$LATEST';
  return { name, qualifier: ql, key: `${name}:${ql}`, arn: fnArn(ctx, name, ql) };
}

const notFound = (arn: string) => new ServiceError('ResourceNotFoundException', `The function ${arn} doesn't have an EventInvokeConfig`, 404);

function destinations(input: DestinationConfig | undefined, prev?: EventInvokeConfigRec['DestinationConfig']): EventInvokeConfigRec['DestinationConfig'] {
  const out = { OnSuccess: { ...(prev?.OnSuccess ?? {}) }, OnFailure: { ...(prev?.OnFailure ?? {}) } };
  if (input?.OnSuccess) out.OnSuccess = input.OnSuccess.Destination ? { Destination: input.OnSuccess.Destination } : {};
  if (input?.OnFailure) out.OnFailure = input.OnFailure.Destination ? { Destination: input.OnFailure.Destination } : {};
  for (const [which, d] of [['OnSuccess', out.OnSuccess.Destination], ['OnFailure', out.OnFailure.Destination]] as const) {
    if (d === undefined) continue;
    const kind = destinationKind(d);
    // S3 buckets are an on-failure destination only (AWS, since 2024).
    if (!kind || (kind === 's3' && which === 'OnSuccess')) {
      throw new ServiceError('InvalidParameterValueException', `The destination ARN ${d} is invalid.`);
    }
  }
  return out;
}

const shown = (c: EventInvokeConfigRec) => ({
  LastModified: new Date(c.LastModified), FunctionArn: c.FunctionArn,
  ...(c.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: c.MaximumRetryAttempts } : {}),
  ...(c.MaximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds } : {}),
  DestinationConfig: c.DestinationConfig,
});

export function putFunctionEventInvokeConfig(ctx: RequestContext, input: PutFunctionEventInvokeConfigRequest) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const rec: EventInvokeConfigRec = {
    function: t.name, qualifier: t.qualifier, FunctionArn: t.arn, LastModified: clock.now(),
    ...(input.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: input.MaximumRetryAttempts } : {}),
    ...(input.MaximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: input.MaximumEventAgeInSeconds } : {}),
    DestinationConfig: destinations(input.DestinationConfig),
  };
  st(ctx).eventInvokeConfigs.set(t.key, rec);
  return shown(rec);
}

export function updateFunctionEventInvokeConfig(ctx: RequestContext, input: UpdateFunctionEventInvokeConfigRequest) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const prev = st(ctx).eventInvokeConfigs.get(t.key);
  if (!prev) throw notFound(t.arn);
  const rec: EventInvokeConfigRec = {
    ...prev, LastModified: clock.now(),
    ...(input.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: input.MaximumRetryAttempts } : {}),
    ...(input.MaximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: input.MaximumEventAgeInSeconds } : {}),
    DestinationConfig: destinations(input.DestinationConfig, prev.DestinationConfig),
  };
  st(ctx).eventInvokeConfigs.set(t.key, rec);
  return shown(rec);
}

export function getFunctionEventInvokeConfig(ctx: RequestContext, input: GetFunctionEventInvokeConfigRequest) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const rec = st(ctx).eventInvokeConfigs.get(t.key);
  if (!rec) throw notFound(t.arn);
  return shown(rec);
}

export function deleteFunctionEventInvokeConfig(ctx: RequestContext, input: DeleteFunctionEventInvokeConfigRequest) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  if (!st(ctx).eventInvokeConfigs.delete(t.key)) throw notFound(t.arn);
  return {};
}

export function listFunctionEventInvokeConfigs(ctx: RequestContext, input: ListFunctionEventInvokeConfigsRequest) {
  const f = getFn(ctx, parseName(input.FunctionName).name);
  const items = [...st(ctx).eventInvokeConfigs.values()].filter((c) => c.function === f.name)
    .sort((a, b) => (a.qualifier < b.qualifier ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (c) => c.qualifier, defaultLimit: 50, maxLimit: 50,
    invalidToken: () => new ServiceError('InvalidParameterValueException', 'Invalid Marker'),
  });
  out.FunctionEventInvokeConfigs = (out.FunctionEventInvokeConfigs as EventInvokeConfigRec[]).map(shown);
  return out;
}
