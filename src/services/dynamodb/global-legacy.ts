// Global tables version 2017.11.29 (Legacy): CreateGlobalTable, UpdateGlobalTable,
// DescribeGlobalTable, ListGlobalTables, DescribeGlobalTableSettings, UpdateGlobalTableSettings.
// A legacy global table joins same-named tables that already exist, one per region; each must be
// empty, have the same key schema and DynamoDB Streams enabled with NEW_AND_OLD_IMAGES (API
// Reference, CreateGlobalTable and UpdateGlobalTable). Replication itself is replication.ts,
// which adds the aws:rep:* attributes of this version.
//
// A global table belongs to the account, not to one region: its record lives in one place per
// account (the account's us-east-1 scope, `home`), so every regional endpoint sees the same
// global tables. Each member table carries the group (TableRec.legacyGroup) for the write path.
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import type { In, Out } from './common.js';
import { type AutoScalingSettings, type DynamoState, type LegacyGlobalRec, type Table, type TableRec, dynamoState } from './state.js';
import { invalidParam, validation } from './values.js';
import { REGIONS } from './replicas.js';

export const GLOBAL_TABLE_CHANGE_MS = 5_000;

const home = (accountId: string): DynamoState => dynamoState({ accountId, region: 'us-east-1' });
const regionState = (ctx: RequestContext, region: string): DynamoState => dynamoState({ accountId: ctx.accountId, region });

// Wordings of the errors below are not documented; codes are the API Reference's.
const globalNotFound = (name: string) => new ServiceError('GlobalTableNotFoundException', `Global table not found: Global table with name: '${name}' does not exist.`, 400);

function globalTable(ctx: RequestContext, name: string): LegacyGlobalRec {
  const g = home(ctx.accountId).globalTables.get(name);
  if (!g) throw globalNotFound(name);
  return g;
}

function status(g: LegacyGlobalRec, now = clock.now()): string {
  if (now < g.readyAt) return 'CREATING';
  if (g.updatingUntil !== undefined && now < g.updatingUntil) return 'UPDATING';
  return 'ACTIVE';
}

function describeGlobal(g: LegacyGlobalRec): Record<string, unknown> {
  return {
    ReplicationGroup: g.regions.map((RegionName) => ({ RegionName })),
    GlobalTableArn: g.arn,
    CreationDateTime: new Date(g.created),
    GlobalTableStatus: status(g),
    GlobalTableName: g.name,
  };
}

/** The table a region must already hold to join the global table, checked as the API Reference lists. */
function joinable(ctx: RequestContext, name: string, region: string, like?: TableRec): Table {
  if (!REGIONS.has(region)) throw validation(`1 validation error detected: Invalid AWS region: ${region}`);
  const t = regionState(ctx, region).live.get(name);
  if (!t) throw new ServiceError('TableNotFoundException', `Table not found: ${name} in region ${region}`, 400);
  if (t.rec.legacyGroup || t.rec.replicas?.length) throw invalidParam(`Table ${name} in region ${region} is already a replica of a global table`);
  if (t.base.count > 0) throw invalidParam(`Replica table ${name} in region ${region} is not empty`);
  if (!t.rec.stream?.StreamEnabled || t.rec.stream.StreamViewType !== 'NEW_AND_OLD_IMAGES') {
    throw invalidParam(`Table ${name} in region ${region} must have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES`);
  }
  if (like && JSON.stringify(like.keySchema) !== JSON.stringify(t.rec.keySchema)) {
    throw invalidParam(`Table ${name} in region ${region} does not have the same key schema as the other replicas`);
  }
  if (like && (like.billingMode !== t.rec.billingMode || like.write !== t.rec.write)) {
    throw invalidParam(`Table ${name} in region ${region} does not have the same write capacity as the other replicas`);
  }
  return t;
}

/** Sets (or clears) each member table's group. */
function setGroup(ctx: RequestContext, name: string, regions: string[], group: LegacyGlobalRec['regions'] | undefined): void {
  for (const region of regions) {
    const s = regionState(ctx, region);
    const t = s.live.get(name);
    if (!t) continue;
    t.rec = { ...t.rec, legacyGroup: group ? { name, regions: [...group] } : undefined };
    s.tables.set(name, t.rec);
  }
}

export function createGlobalTable(ctx: RequestContext, input: In<'CreateGlobalTable'>): Out<'CreateGlobalTable'> {
  const name = input.GlobalTableName;
  const h = home(ctx.accountId);
  if (h.globalTables.has(name)) throw new ServiceError('GlobalTableAlreadyExistsException', 'Global table already exists', 400);
  const regions = input.ReplicationGroup.map((r) => r.RegionName ?? '');
  if (new Set(regions).size !== regions.length) throw invalidParam('Duplicate region names in ReplicationGroup');
  let first: TableRec | undefined;
  for (const region of regions) first ??= joinable(ctx, name, region).rec;
  for (const region of regions) joinable(ctx, name, region, first);
  const now = clock.now();
  const g: LegacyGlobalRec = {
    name, arn: `arn:aws:dynamodb::${ctx.accountId}:global-table/${name}`, created: now, regions, readyAt: now + GLOBAL_TABLE_CHANGE_MS,
  };
  h.globalTables.set(name, g);
  setGroup(ctx, name, regions, regions);
  return { GlobalTableDescription: describeGlobal(g) } as Out<'CreateGlobalTable'>;
}

export function updateGlobalTable(ctx: RequestContext, input: In<'UpdateGlobalTable'>): Out<'UpdateGlobalTable'> {
  const g = globalTable(ctx, input.GlobalTableName);
  if (status(g) !== 'ACTIVE') {
    throw new ServiceError('ResourceInUseException', `Global table ${g.name} is being ${status(g) === 'CREATING' ? 'created' : 'updated'}`, 400);
  }
  let regions = [...g.regions];
  const member = regionState(ctx, regions[0]).live.get(g.name)?.rec;
  const removed: string[] = [];
  for (const u of input.ReplicaUpdates) {
    if (u.Create) {
      const region = u.Create.RegionName;
      if (regions.includes(region)) throw new ServiceError('ReplicaAlreadyExistsException', `Replica already exists in region ${region}`, 400);
      joinable(ctx, g.name, region, member);
      regions.push(region);
    } else if (u.Delete) {
      const region = u.Delete.RegionName;
      if (!regions.includes(region)) throw new ServiceError('ReplicaNotFoundException', `Replica not found in region ${region}`, 400);
      regions = regions.filter((r) => r !== region);
      removed.push(region);
    } else {
      throw validation('One of Create or Delete must be specified in a ReplicaUpdate');
    }
  }
  const next: LegacyGlobalRec = { ...g, regions, updatingUntil: clock.now() + GLOBAL_TABLE_CHANGE_MS };
  home(ctx.accountId).globalTables.set(g.name, next);
  setGroup(ctx, g.name, removed, undefined);
  setGroup(ctx, g.name, regions, regions);
  return { GlobalTableDescription: describeGlobal(next) } as Out<'UpdateGlobalTable'>;
}

export function describeGlobalTable(ctx: RequestContext, input: In<'DescribeGlobalTable'>): Out<'DescribeGlobalTable'> {
  return { GlobalTableDescription: describeGlobal(globalTable(ctx, input.GlobalTableName)) } as Out<'DescribeGlobalTable'>;
}

export function listGlobalTables(ctx: RequestContext, input: In<'ListGlobalTables'>): Out<'ListGlobalTables'> {
  const limit = input.Limit ?? 100;
  if (limit < 1 || limit > 100) throw validation(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100`);
  const all = [...home(ctx.accountId).globalTables.values()]
    .filter((g) => !input.RegionName || g.regions.includes(input.RegionName))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const start = input.ExclusiveStartGlobalTableName;
  const rest = start === undefined ? all : all.filter((g) => g.name > start);
  const page = rest.slice(0, limit);
  return {
    GlobalTables: page.map((g) => ({ GlobalTableName: g.name, ReplicationGroup: g.regions.map((RegionName) => ({ RegionName })) })),
    ...(rest.length > limit ? { LastEvaluatedGlobalTableName: page[page.length - 1].name } : {}),
  };
}

/** ReplicaSettingsDescription of one member table. */
function replicaSettings(rec: TableRec, region: string): Record<string, unknown> {
  const as = rec.autoScaling;
  return {
    RegionName: region,
    ReplicaStatus: 'ACTIVE',
    ReplicaBillingModeSummary: {
      BillingMode: rec.billingMode,
      ...(rec.billingMode === 'PAY_PER_REQUEST' ? { LastUpdateToPayPerRequestDateTime: new Date(rec.payPerRequestSince ?? rec.created) } : {}),
    },
    ReplicaProvisionedReadCapacityUnits: rec.read,
    ReplicaProvisionedWriteCapacityUnits: rec.write,
    ...(as?.read?.[region] ? { ReplicaProvisionedReadCapacityAutoScalingSettings: as.read[region] } : {}),
    ...(as?.write ? { ReplicaProvisionedWriteCapacityAutoScalingSettings: as.write } : {}),
    ...(rec.gsis.length ? {
      ReplicaGlobalSecondaryIndexSettings: rec.gsis.map((ix) => ({
        IndexName: ix.name, IndexStatus: 'ACTIVE', ProvisionedReadCapacityUnits: ix.read ?? 0, ProvisionedWriteCapacityUnits: ix.write ?? 0,
        ...(as?.gsiRead?.[region]?.[ix.name] ? { ProvisionedReadCapacityAutoScalingSettings: as.gsiRead[region][ix.name] } : {}),
        ...(as?.gsiWrite?.[ix.name] ? { ProvisionedWriteCapacityAutoScalingSettings: as.gsiWrite[ix.name] } : {}),
      })),
    } : {}),
    ...(rec.tableClass !== 'STANDARD' ? { ReplicaTableClassSummary: { TableClass: rec.tableClass } } : {}),
  };
}

function settingsOf(ctx: RequestContext, g: LegacyGlobalRec): Out<'DescribeGlobalTableSettings'> {
  const ReplicaSettings = g.regions.flatMap((region) => {
    const t = regionState(ctx, region).live.get(g.name);
    return t ? [replicaSettings(t.rec, region)] : [];
  });
  return { GlobalTableName: g.name, ReplicaSettings } as unknown as Out<'DescribeGlobalTableSettings'>;
}

export function describeGlobalTableSettings(ctx: RequestContext, input: In<'DescribeGlobalTableSettings'>): Out<'DescribeGlobalTableSettings'> {
  return settingsOf(ctx, globalTable(ctx, input.GlobalTableName));
}

type Settings = NonNullable<In<'UpdateGlobalTableSettings'>['GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate']>;
/** An AutoScalingSettingsUpdate applied to stored settings (replica-autoscaling.ts shares it). */
export function applyAutoScaling(cur: AutoScalingSettings | undefined, u: Settings): AutoScalingSettings {
  const next: AutoScalingSettings = { ...(cur ?? {}) };
  if (u.MinimumUnits !== undefined) next.MinimumUnits = u.MinimumUnits;
  if (u.MaximumUnits !== undefined) next.MaximumUnits = u.MaximumUnits;
  if (u.AutoScalingDisabled !== undefined) next.AutoScalingDisabled = u.AutoScalingDisabled;
  if (u.AutoScalingRoleArn !== undefined) next.AutoScalingRoleArn = u.AutoScalingRoleArn;
  if (u.ScalingPolicyUpdate) {
    const p = u.ScalingPolicyUpdate;
    next.ScalingPolicies = [{
      PolicyName: p.PolicyName ?? 'DynamoDBWriteCapacityUtilization', // wording unverified
      TargetTrackingScalingPolicyConfiguration: { ...p.TargetTrackingScalingPolicyConfiguration },
    }];
  }
  if (next.MinimumUnits !== undefined && next.MaximumUnits !== undefined && next.MinimumUnits > next.MaximumUnits) {
    throw validation('MinimumUnits must be less than or equal to MaximumUnits'); // wording unverified
  }
  return next;
}

export function updateGlobalTableSettings(ctx: RequestContext, input: In<'UpdateGlobalTableSettings'>): Out<'UpdateGlobalTableSettings'> {
  const g = globalTable(ctx, input.GlobalTableName);
  const members = g.regions.flatMap((region) => {
    const s = regionState(ctx, region);
    const t = s.live.get(g.name);
    return t ? [{ region, s, t, rec: { ...t.rec } as TableRec }] : [];
  });
  const billing = (input.GlobalTableBillingMode ?? members[0]?.rec.billingMode) as TableRec['billingMode'];
  const provisioned = input.GlobalTableProvisionedWriteCapacityUnits !== undefined || input.GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate
    || input.ReplicaSettingsUpdate?.some((r) => r.ReplicaProvisionedReadCapacityUnits !== undefined);
  if (billing === 'PAY_PER_REQUEST' && provisioned) {
    throw invalidParam('Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
  }
  for (const u of input.ReplicaSettingsUpdate ?? []) {
    if (!g.regions.includes(u.RegionName)) throw new ServiceError('ReplicaNotFoundException', `Replica not found in region ${u.RegionName}`, 400);
  }
  const indexNames = new Set(members[0]?.rec.gsis.map((x) => x.name) ?? []);
  const missingIndex = [...(input.GlobalTableGlobalSecondaryIndexSettingsUpdate ?? []), ...(input.ReplicaSettingsUpdate ?? []).flatMap((r) => r.ReplicaGlobalSecondaryIndexSettingsUpdate ?? [])]
    .find((x) => !indexNames.has(x.IndexName));
  if (missingIndex) throw new ServiceError('IndexNotFoundException', `Index not found: ${missingIndex.IndexName}`, 400);
  const now = clock.now();
  for (const m of members) {
    const r = m.rec;
    if (billing !== r.billingMode) {
      r.billingMode = billing;
      if (billing === 'PAY_PER_REQUEST') { r.read = 0; r.write = 0; r.payPerRequestSince = now; r.gsis = r.gsis.map((x) => ({ ...x, read: 0, write: 0 })); }
    }
    if (input.GlobalTableProvisionedWriteCapacityUnits !== undefined) r.write = input.GlobalTableProvisionedWriteCapacityUnits;
    const as = structuredClone(r.autoScaling ?? {});
    if (input.GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate) as.write = applyAutoScaling(as.write, input.GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate);
    for (const u of input.GlobalTableGlobalSecondaryIndexSettingsUpdate ?? []) {
      if (u.ProvisionedWriteCapacityUnits !== undefined) r.gsis = r.gsis.map((x) => (x.name === u.IndexName ? { ...x, write: u.ProvisionedWriteCapacityUnits } : x));
      if (u.ProvisionedWriteCapacityAutoScalingSettingsUpdate) {
        as.gsiWrite = { ...(as.gsiWrite ?? {}), [u.IndexName]: applyAutoScaling(as.gsiWrite?.[u.IndexName], u.ProvisionedWriteCapacityAutoScalingSettingsUpdate) };
      }
    }
    const mine = input.ReplicaSettingsUpdate?.find((u) => u.RegionName === m.region);
    if (mine) {
      if (mine.ReplicaProvisionedReadCapacityUnits !== undefined) r.read = mine.ReplicaProvisionedReadCapacityUnits;
      if (mine.ReplicaTableClass) r.tableClass = mine.ReplicaTableClass;
      if (mine.ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate) {
        as.read = { ...(as.read ?? {}), [m.region]: applyAutoScaling(as.read?.[m.region], mine.ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate) };
      }
      for (const u of mine.ReplicaGlobalSecondaryIndexSettingsUpdate ?? []) {
        if (u.ProvisionedReadCapacityUnits !== undefined) r.gsis = r.gsis.map((x) => (x.name === u.IndexName ? { ...x, read: u.ProvisionedReadCapacityUnits } : x));
        if (u.ProvisionedReadCapacityAutoScalingSettingsUpdate) {
          const cur = as.gsiRead?.[m.region] ?? {};
          as.gsiRead = { ...(as.gsiRead ?? {}), [m.region]: { ...cur, [u.IndexName]: applyAutoScaling(cur[u.IndexName], u.ProvisionedReadCapacityAutoScalingSettingsUpdate) } };
        }
      }
    }
    r.autoScaling = Object.keys(as).length ? as : undefined;
  }
  for (const m of members) { m.t.rec = m.rec; m.s.tables.set(g.name, m.rec); }
  const out = settingsOf(ctx, g);
  return out as Out<'UpdateGlobalTableSettings'>;
}

/** DeleteTable of a member: the global table no longer lists its region. */
export function leaveLegacyGroup(ctx: RequestContext, rec: TableRec): void {
  if (!rec.legacyGroup) return;
  const h = home(ctx.accountId);
  const g = h.globalTables.get(rec.legacyGroup.name);
  if (!g) return;
  const regions = g.regions.filter((r) => r !== ctx.region);
  if (regions.length) h.globalTables.set(g.name, { ...g, regions }); else h.globalTables.delete(g.name);
  setGroup(ctx, g.name, regions, regions.length ? regions : undefined);
}
