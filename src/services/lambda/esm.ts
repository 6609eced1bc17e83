// Event source mappings: Create/Get/Update/Delete/ListEventSourceMappings for SQS queues,
// DynamoDB streams and Kinesis streams (or their enhanced fan-out consumers). The mapping is a
// record; its poller (esm-sqs.ts; esm-streams.ts with esm-ddb.ts / esm-kinesis.ts) runs in
// the background while the mapping is Enabled, and stops when it is disabled, deleted or on
// reset. States move as AWS reports them: Creating → Enabled|Disabled, Updating/Enabling/
// Disabling → Enabled|Disabled, Deleting → gone (the transition happens on the next turn of
// the clock, after the response).
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { callService } from '../../core/internal-client.js';
import { uuid } from '../../core/ids.js';
import { onReset } from '../../core/state.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type {
  CreateEventSourceMappingRequest, DeleteEventSourceMappingRequest, GetEventSourceMappingRequest, ListEventSourceMappingsRequest,
  UpdateEventSourceMappingRequest,
} from '../../protocols/types/lambda.js';
import { fnArn, getFn, parseName, resolveConfig, st } from './common.js';
import { destinationKind } from './destinations.js';
import { onRebuild, type EsmRec } from './state.js';
import { SqsPoller } from './esm-sqs.js';
import { StreamPoller } from './esm-streams.js';
import { dynamodbSource } from './esm-ddb.js';
import { kinesisSource } from './esm-kinesis.js';

export interface Poller { stop(): void }
const pollers = new Map<string, Poller>();
const pollerKey = (r: { accountId: string; region: string; UUID: string }) => `${r.accountId}/${r.region}/${r.UUID}`;

const invalid = (m: string) => new ServiceError('InvalidParameterValueException', m);
const notFound = () => new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);

function sourceKind(arn: string | undefined): EsmRec['kind'] {
  if (!arn) throw invalid('Unrecognized event source, must be kinesis, dynamodb stream or sqs.');
  if (/^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]{1,80}(\.fifo)?$/.test(arn)) return 'sqs';
  if (/^arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[a-zA-Z0-9_.-]+\/stream\/.+$/.test(arn)) return 'dynamodb';
  // A stream, or an enhanced fan-out consumer of one (stream/<name>/consumer/<name>:<creation epoch>).
  if (/^arn:aws[a-zA-Z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[a-zA-Z0-9_.-]{1,128}(\/consumer\/[a-zA-Z0-9_.-]{1,128}:\d+)?$/.test(arn)) return 'kinesis';
  throw invalid(arn.includes(':kafka:') || arn.includes(':mq:') || arn.includes(':rds:')
    ? `Nimbus does not support event sources of this kind yet: ${arn}` : 'Unrecognized event source, must be kinesis, dynamodb stream or sqs.');
}

/** The fields a mapping of each kind reports (AWS's defaults filled in). */
function configure(kind: EsmRec['kind'], input: Partial<CreateEventSourceMappingRequest>, prev?: Record<string, unknown>): Record<string, unknown> {
  const c: Record<string, unknown> = { ...(prev ?? {}) };
  const set = (k: string, v: unknown) => { if (v !== undefined) c[k] = v; };
  // Settings of Kafka, Amazon MQ and DocumentDB sources mean nothing for queues and streams.
  for (const k of ['Topics', 'Queues', 'SourceAccessConfigurations', 'SelfManagedEventSource', 'SelfManagedKafkaEventSourceConfig',
    'AmazonManagedKafkaEventSourceConfig', 'DocumentDBEventSourceConfig'] as const) {
    if (input[k] !== undefined) throw invalid(`Unsupported ${k} parameter for given event source mapping type.`);
  }
  if (kind === 'sqs') {
    for (const k of ['StartingPosition', 'StartingPositionTimestamp', 'MaximumRecordAgeInSeconds', 'BisectBatchOnFunctionError',
      'MaximumRetryAttempts', 'ParallelizationFactor', 'TumblingWindowInSeconds'] as const) {
      if (input[k] === undefined) continue;
      throw invalid(k === 'StartingPosition' ? 'StartingPosition is not valid for SQS event sources.'
        : `Unsupported ${k} parameter for given event source mapping type.`);
    }
    if (input.DestinationConfig?.OnFailure?.Destination) throw invalid('Unsupported DestinationConfig parameter for given event source mapping type.');
    set('BatchSize', input.BatchSize ?? (prev ? undefined : 10));
    set('MaximumBatchingWindowInSeconds', input.MaximumBatchingWindowInSeconds ?? (prev ? undefined : 0));
    set('ScalingConfig', input.ScalingConfig);
  } else {
    if (input.ScalingConfig !== undefined) throw invalid('Unsupported ScalingConfig parameter for given event source mapping type.');
    if (!prev) {
      if (!input.StartingPosition) throw invalid('1 validation error detected: Value null at \'startingPosition\' failed to satisfy constraint: Member must not be null.');
      if (input.StartingPosition === 'AT_TIMESTAMP' && kind === 'dynamodb') throw invalid('Unsupported starting position for DynamoDB stream: AT_TIMESTAMP.');
      c.StartingPosition = input.StartingPosition;
      // Kinesis: AT_TIMESTAMP reads from StartingPositionTimestamp (epoch seconds), which
      // belongs to no other position (API reference, CreateEventSourceMapping).
      if (input.StartingPosition === 'AT_TIMESTAMP') {
        if (input.StartingPositionTimestamp === undefined) throw invalid('StartingPositionTimestamp must be provided when StartingPosition is AT_TIMESTAMP.');
        const t = input.StartingPositionTimestamp as unknown;
        c.StartingPositionTimestamp = (t instanceof Date ? t.getTime() : typeof t === 'number' ? t * 1000 : Date.parse(String(t))) / 1000;
      } else if (input.StartingPositionTimestamp !== undefined) {
        throw invalid('StartingPositionTimestamp is only valid when StartingPosition is AT_TIMESTAMP.');
      }
    } else if (input.StartingPosition !== undefined || input.StartingPositionTimestamp !== undefined) throw invalid('StartingPosition cannot be updated.');
    set('BatchSize', input.BatchSize ?? (prev ? undefined : 100));
    set('MaximumBatchingWindowInSeconds', input.MaximumBatchingWindowInSeconds ?? (prev ? undefined : 0));
    set('ParallelizationFactor', input.ParallelizationFactor ?? (prev ? undefined : 1));
    set('MaximumRecordAgeInSeconds', input.MaximumRecordAgeInSeconds ?? (prev ? undefined : -1));
    set('BisectBatchOnFunctionError', input.BisectBatchOnFunctionError ?? (prev ? undefined : false));
    set('MaximumRetryAttempts', input.MaximumRetryAttempts ?? (prev ? undefined : -1));
    set('TumblingWindowInSeconds', input.TumblingWindowInSeconds ?? (prev ? undefined : 0));
    const dest = input.DestinationConfig?.OnFailure?.Destination;
    if (dest !== undefined && dest !== '') {
      const k = destinationKind(dest);
      if (k !== 'sqs' && k !== 'sns' && k !== 's3') throw invalid(`The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=${dest})) is invalid.`);
    }
    if (input.DestinationConfig !== undefined || !prev) c.DestinationConfig = { OnFailure: dest ? { Destination: dest } : {} };
    const mra = c.MaximumRecordAgeInSeconds as number;
    if (mra !== -1 && (mra < 60)) throw invalid('MaximumRecordAgeInSeconds must be -1 or between 60 and 604800.');
  }
  if (input.FunctionResponseTypes !== undefined || !prev) c.FunctionResponseTypes = [...(input.FunctionResponseTypes ?? [])];
  if (input.FilterCriteria !== undefined) c.FilterCriteria = input.FilterCriteria;
  const batch = c.BatchSize as number, window = c.MaximumBatchingWindowInSeconds as number;
  if (kind === 'sqs' && String(c.EventSourceArn ?? input.EventSourceArn ?? '').endsWith('.fifo')) {
    // FIFO queues: batches of at most 10 and no batching window (Lambda developer guide, "Using Lambda with Amazon SQS").
    if (batch > 10) throw invalid('BatchSize must be between 1 and 10 for FIFO queues.');
    if (window > 0) throw invalid('Unsupported MaximumBatchingWindowInSeconds parameter for given event source mapping type.');
  }
  if (kind === 'sqs' && batch > 10 && !(window > 0)) {
    // AWS's wording (UpdateEventSourceMapping / CreateEventSourceMapping on SQS).
    throw invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  }
  if (kind !== 'sqs' && batch > 10000) throw invalid('BatchSize must be between 1 and 10000.');
  return c;
}

function shown(r: EsmRec) {
  return {
    UUID: r.UUID,
    ...r.config,
    EventSourceArn: r.config.EventSourceArn,
    FunctionArn: fnArn(r, r.function, r.qualifier),
    ...(typeof r.config.StartingPositionTimestamp === 'number' ? { StartingPositionTimestamp: new Date(r.config.StartingPositionTimestamp * 1000) } : {}),
    LastModified: new Date(r.LastModified),
    ...(r.kind !== 'sqs' ? { LastProcessingResult: r.LastProcessingResult ?? 'No records processed' } : {}),
    State: r.State,
    StateTransitionReason: r.StateTransitionReason,
    EventSourceMappingArn: `arn:aws:lambda:${r.region}:${r.accountId}:event-source-mapping:${r.UUID}`,
  };
}

function target(ctx: RequestContext, fn: string) {
  const { name, qualifier } = parseName(fn);
  const f = getFn(ctx, name);
  resolveConfig(ctx, f, qualifier);
  return { name, qualifier };
}

/** Checks the source exists, as AWS does before creating the mapping. */
async function checkSource(ctx: RequestContext, kind: EsmRec['kind'], arn: string): Promise<void> {
  const [, , , region, accountId, resource] = arn.split(':');
  const scope = { accountId, region };
  try {
    if (kind === 'sqs') await callService(ctx, 'sqs', 'GetQueueUrl', { QueueName: resource, QueueOwnerAWSAccountId: accountId }, scope);
    else if (kind === 'dynamodb') await callService(ctx, 'dynamodbstreams', 'DescribeStream', { StreamArn: arn, Limit: 1 }, scope);
    else if (arn.includes('/consumer/')) await callService(ctx, 'kinesis', 'DescribeStreamConsumer', { ConsumerARN: arn }, scope);
    else await callService(ctx, 'kinesis', 'DescribeStream', { StreamARN: arn, Limit: 1 }, scope);
  } catch (e) {
    if (!(e instanceof ServiceError) || e.status === 500) return; // the source service is not available in-process: AWS cannot tell either
    if (kind === 'sqs') {
      throw invalid('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. '
        + 'SQS Error Message: The specified queue does not exist for this wsdl version.');
    }
    throw invalid(`Stream not found: ${arn}`);
  }
}

function transition(r: EsmRec, to: 'Enabled' | 'Disabled' | 'deleted'): void {
  clock.after(0, () => {
    const s = st(r);
    const cur = s.esms.get(r.UUID);
    if (!cur || cur !== r) return; // changed again meanwhile
    if (to === 'deleted') { s.esms.delete(r.UUID); s.resourceTags.delete(shown(r).EventSourceMappingArn); syncPoller(undefined, r); return; }
    const next = { ...cur, State: to };
    s.esms.set(r.UUID, next);
    syncPoller(next, cur);
  });
}

/** Starts, restarts or stops the background poller of a mapping. */
function syncPoller(r: EsmRec | undefined, old?: EsmRec): void {
  const key = pollerKey((r ?? old)!);
  const p = pollers.get(key);
  if (p && (!r || r.State !== 'Enabled' || old !== r)) { p.stop(); pollers.delete(key); }
  if (r && r.State === 'Enabled' && !pollers.has(key)) {
    pollers.set(key, r.kind === 'sqs' ? new SqsPoller(r) : new StreamPoller(r, r.kind === 'kinesis' ? kinesisSource(r) : dynamodbSource(r)));
  }
}

export async function createEventSourceMapping(ctx: RequestContext, input: CreateEventSourceMappingRequest) {
  const kind = sourceKind(input.EventSourceArn);
  const { name, qualifier } = target(ctx, input.FunctionName);
  const config = configure(kind, input);
  config.EventSourceArn = input.EventSourceArn;
  const s = st(ctx);
  for (const e of s.esms.values()) {
    if (e.config.EventSourceArn === input.EventSourceArn && e.function === name && e.qualifier === qualifier) {
      throw new ServiceError('ResourceConflictException', `The event source arn (" ${input.EventSourceArn} ") and function (" ${name} ") `
        + `provided mapping already exists. Please update or delete the existing mapping with UUID ${e.UUID}`, 409);
    }
  }
  await checkSource(ctx, kind, input.EventSourceArn!);
  const r: EsmRec = {
    UUID: uuid(), accountId: ctx.accountId, region: ctx.region, function: name, ...(qualifier ? { qualifier } : {}), kind, config,
    LastModified: clock.now(), State: 'Creating', StateTransitionReason: 'USER_INITIATED',
  };
  s.esms.set(r.UUID, r);
  if (input.Tags && Object.keys(input.Tags).length) s.resourceTags.set(shown(r).EventSourceMappingArn, { ...input.Tags });
  transition(r, input.Enabled === false ? 'Disabled' : 'Enabled');
  return shown(r);
}

function getRec(ctx: RequestContext, id: string): EsmRec {
  const r = st(ctx).esms.get(id);
  if (!r) throw notFound();
  return r;
}

export function getEventSourceMapping(ctx: RequestContext, input: GetEventSourceMappingRequest) {
  return shown(getRec(ctx, input.UUID));
}

export function updateEventSourceMapping(ctx: RequestContext, input: UpdateEventSourceMappingRequest) {
  const r = getRec(ctx, input.UUID);
  if (['Creating', 'Updating', 'Enabling', 'Disabling', 'Deleting'].includes(r.State)) {
    throw new ServiceError('ResourceInUseException', `Cannot update the event source mapping because it is in use.`, 400);
  }
  const t = input.FunctionName ? target(ctx, input.FunctionName) : { name: r.function, qualifier: r.qualifier };
  const config = configure(r.kind, input as Partial<CreateEventSourceMappingRequest>, r.config);
  const enabled = input.Enabled ?? r.State === 'Enabled';
  const state = enabled === (r.State === 'Enabled') ? 'Updating' : enabled ? 'Enabling' : 'Disabling';
  const next: EsmRec = { ...r, function: t.name, config, LastModified: clock.now(), State: state, StateTransitionReason: 'USER_INITIATED' };
  if (t.qualifier) next.qualifier = t.qualifier; else delete next.qualifier;
  st(ctx).esms.set(r.UUID, next);
  syncPoller(next, r);
  transition(next, enabled ? 'Enabled' : 'Disabled');
  return shown(next);
}

export function deleteEventSourceMapping(ctx: RequestContext, input: DeleteEventSourceMappingRequest) {
  const r = getRec(ctx, input.UUID);
  const next: EsmRec = { ...r, State: 'Deleting', StateTransitionReason: 'USER_INITIATED' };
  st(ctx).esms.set(r.UUID, next);
  syncPoller(next, r);
  // Stream positions go with the mapping.
  const s = st(ctx);
  for (const k of [...s.checkpoints.keys()]) if (k.startsWith(`${r.UUID}/`)) s.checkpoints.delete(k);
  transition(next, 'deleted');
  return shown(next);
}

export function listEventSourceMappings(ctx: RequestContext, input: ListEventSourceMappingsRequest) {
  let fn: { name: string; qualifier?: string } | undefined;
  if (input.FunctionName) fn = parseName(input.FunctionName);
  const items = [...st(ctx).esms.values()]
    .filter((r) => (!fn || (r.function === fn.name && (!fn.qualifier || r.qualifier === fn.qualifier)))
      && (!input.EventSourceArn || r.config.EventSourceArn === input.EventSourceArn))
    .sort((a, b) => (a.UUID < b.UUID ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (r) => r.UUID, defaultLimit: 100, maxLimit: 10000,
    invalidToken: () => invalid('Invalid Marker'),
  });
  out.EventSourceMappings = (out.EventSourceMappings as EsmRec[]).map(shown);
  return out;
}

/** The function a mapping invokes, as an ARN (qualified when the mapping names a version or alias). */
export const mappingFunctionArn = (r: EsmRec) => fnArn(r, r.function, r.qualifier);

/** The current record of a mapping, or undefined once it is gone. */
export const currentMapping = (r: { accountId: string; region: string; UUID: string }) => st(r).esms.get(r.UUID);

/** Records the last processing result a stream mapping reports. */
export function noteResult(r: EsmRec, result: string): void {
  const s = st(r);
  const cur = s.esms.get(r.UUID);
  if (cur && cur.LastProcessingResult !== result) { s.esms.set(r.UUID, { ...cur, LastProcessingResult: result }); }
}

onRebuild((s) => {
  for (const r of s.esms.values()) {
    if (r.State === 'Creating' || r.State === 'Updating' || r.State === 'Enabling') { const n = { ...r, State: 'Enabled' }; s.esms.set(r.UUID, n); syncPoller(n); }
    else if (r.State === 'Disabling') s.esms.set(r.UUID, { ...r, State: 'Disabled' });
    else if (r.State === 'Deleting') s.esms.delete(r.UUID);
    else syncPoller(r);
  }
});
onReset((service) => {
  if (service && service !== 'lambda') return;
  for (const p of pollers.values()) p.stop();
  pollers.clear();
});
