// DescribeTableReplicaAutoScaling / UpdateTableReplicaAutoScaling: auto scaling settings of a
// table and its replicas (write capacity for the whole global table and its GSIs, read capacity
// per replica and GSI), as the API Reference shapes them. On AWS these calls drive Application
// Auto Scaling; Nimbus has no Application Auto Scaling, so the settings are stored and returned
// only: capacity never changes by itself. They are kept on every member of a global table alike,
// and PROVISIONED tables need write settings before they can have replicas (replicas.ts).
import { ServiceError } from '../../core/errors.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, st } from './common.js';
import { type AutoScalingRec, type Table, dynamoState } from './state.js';
import { invalidParam, validation } from './values.js';
import { statusOf } from './tables.js';
import { replicaStatus, visibleReplicas } from './replicas.js';
import { applyAutoScaling } from './global-legacy.js';

function tableOf(ctx: RequestContext, nameOrArn: string): Table {
  const m = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([^/]+)$/.exec(nameOrArn);
  const name = m ? m[3] : nameOrArn;
  const t = m && (m[1] !== ctx.region || m[2] !== ctx.accountId) ? undefined : st(ctx).live.get(name);
  if (!t) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`, 400);
  return t;
}

function describeAutoScaling(ctx: RequestContext, t: Table): Record<string, unknown> {
  const r = t.rec;
  const as: AutoScalingRec = r.autoScaling ?? {};
  const regions = [{ region: ctx.region, status: 'ACTIVE' }, ...visibleReplicas(r).map((x) => ({ region: x.region, status: replicaStatus(x)! }))];
  return {
    TableName: r.name,
    TableStatus: statusOf(t),
    Replicas: regions.map(({ region, status }) => ({
      RegionName: region,
      ...(r.gsis.length ? {
        GlobalSecondaryIndexes: r.gsis.map((ix) => ({
          IndexName: ix.name, IndexStatus: 'ACTIVE',
          ...(as.gsiRead?.[region]?.[ix.name] ? { ProvisionedReadCapacityAutoScalingSettings: as.gsiRead[region][ix.name] } : {}),
          ...(as.gsiWrite?.[ix.name] ? { ProvisionedWriteCapacityAutoScalingSettings: as.gsiWrite[ix.name] } : {}),
        })),
      } : {}),
      ...(as.read?.[region] ? { ReplicaProvisionedReadCapacityAutoScalingSettings: as.read[region] } : {}),
      ...(as.write ? { ReplicaProvisionedWriteCapacityAutoScalingSettings: as.write } : {}),
      ReplicaStatus: status,
    })),
  };
}

export function describeTableReplicaAutoScaling(ctx: RequestContext, input: In<'DescribeTableReplicaAutoScaling'>): Out<'DescribeTableReplicaAutoScaling'> {
  return { TableAutoScalingDescription: describeAutoScaling(ctx, tableOf(ctx, input.TableName)) } as Out<'DescribeTableReplicaAutoScaling'>;
}

export function updateTableReplicaAutoScaling(ctx: RequestContext, input: In<'UpdateTableReplicaAutoScaling'>): Out<'UpdateTableReplicaAutoScaling'> {
  const t = tableOf(ctx, input.TableName);
  const r = t.rec;
  const any = input.ProvisionedWriteCapacityAutoScalingUpdate || input.GlobalSecondaryIndexUpdates?.length || input.ReplicaUpdates?.length;
  // Wordings below unverified.
  if (!any) throw validation('At least one of ProvisionedWriteCapacityAutoScalingUpdate, GlobalSecondaryIndexUpdates or ReplicaUpdates is required');
  if (r.billingMode === 'PAY_PER_REQUEST') throw validation('AutoScaling is not available for tables with PAY_PER_REQUEST billing mode');
  const regions = new Set([ctx.region, ...visibleReplicas(r).filter((x) => x.deletingAt === undefined).map((x) => x.region)]);
  const index = (name: string | undefined) => {
    if (!name || !r.gsis.some((x) => x.name === name)) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Index: ${name} not found`, 400);
    return name;
  };
  const as: AutoScalingRec = structuredClone(r.autoScaling ?? {});
  const apply = applyAutoScaling;
  if (input.ProvisionedWriteCapacityAutoScalingUpdate) as.write = apply(as.write, input.ProvisionedWriteCapacityAutoScalingUpdate);
  for (const u of input.GlobalSecondaryIndexUpdates ?? []) {
    const name = index(u.IndexName);
    if (u.ProvisionedWriteCapacityAutoScalingUpdate) as.gsiWrite = { ...(as.gsiWrite ?? {}), [name]: apply(as.gsiWrite?.[name], u.ProvisionedWriteCapacityAutoScalingUpdate) };
  }
  for (const u of input.ReplicaUpdates ?? []) {
    if (!regions.has(u.RegionName)) throw invalidParam(`Table ${r.name} has no replica in region ${u.RegionName}`);
    if (u.ReplicaProvisionedReadCapacityAutoScalingUpdate) {
      as.read = { ...(as.read ?? {}), [u.RegionName]: apply(as.read?.[u.RegionName], u.ReplicaProvisionedReadCapacityAutoScalingUpdate) };
    }
    for (const g of u.ReplicaGlobalSecondaryIndexUpdates ?? []) {
      const name = index(g.IndexName);
      if (!g.ProvisionedReadCapacityAutoScalingUpdate) continue;
      const cur = as.gsiRead?.[u.RegionName] ?? {};
      as.gsiRead = { ...(as.gsiRead ?? {}), [u.RegionName]: { ...cur, [name]: apply(cur[name], g.ProvisionedReadCapacityAutoScalingUpdate) } };
    }
  }
  // Every member of the global table keeps the same settings.
  for (const region of regions) {
    const s = region === ctx.region ? st(ctx) : dynamoState({ accountId: ctx.accountId, region });
    const mt = s.live.get(r.name);
    if (!mt) continue;
    mt.rec = { ...mt.rec, autoScaling: as };
    s.tables.set(r.name, mt.rec);
  }
  return { TableAutoScalingDescription: describeAutoScaling(ctx, t) } as Out<'UpdateTableReplicaAutoScaling'>;
}
