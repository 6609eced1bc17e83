// Global tables version 2019.11.21: UpdateTable ReplicaUpdates (Create, Update, Delete) and the
// Replicas / GlobalTableVersion members of a table's description. Every member table records the
// other members (TableRec.replicas), so DescribeTable in any region lists the replicas elsewhere
// (Developer Guide, "Determining the version of a global table": describe-table shows
// GlobalTableVersion "2019.11.21" and Replicas). A new replica is a full copy of the table made
// at once in its region; it reads CREATING for REPLICA_CREATION_MS on the clock (the table it
// was added from reads UPDATING meanwhile), then ACTIVE. A deleted replica's table goes at once;
// the others list it as DELETING for REPLICA_DELETION_MS. Changes then flow through replication.ts.
//
// Streams: adding a replica enables the table's stream with NEW_AND_OLD_IMAGES when it has
// none, and a replica's stream cannot be disabled (observed: "Disabling Stream is not allowed
// for a Global Table replica", hashicorp/terraform-provider-aws#34450). A PROVISIONED table
// needs write auto scaling first ("Table write capacity should either be Pay-Per-Request or
// AutoScaled.", aws/aws-cdk#11346); Nimbus counts settings stored by UpdateTableReplicaAutoScaling.
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import type { In } from './common.js';
import { type DynamoState, type ReplicaRec, type TableRec, Table, dynamoState, itemKey, trackTimers } from './state.js';
import { invalidParam, validation } from './values.js';
import { closeStream, openStream, streamArnOf } from './streams.js';
import { dropLog } from './pitr-log.js';
import { copyItems } from './replication.js';
import { hooks } from './state.js';

export const REPLICA_CREATION_MS = 5_000;
export const REPLICA_DELETION_MS = 5_000;

/** AWS's commercial regions (a replica can go to any of them). */
export const REGIONS = new Set([
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1',
  'me-central-1', 'mx-central-1', 'sa-east-1',
]);

type ReplicaUpdate = NonNullable<In<'UpdateTable'>['ReplicaUpdates']>[number];

const inUse = (name: string) =>
  new ServiceError('ResourceInUseException', `Attempt to change a resource which is still in use: Table is being updated: ${name}`, 400); // wording unverified

export function replicaStatus(r: ReplicaRec, now = clock.now()): string | undefined {
  if (r.deletingAt !== undefined) return now < (r.goneAt ?? 0) ? 'DELETING' : undefined;
  return now < r.readyAt ? 'CREATING' : 'ACTIVE';
}

/** The replicas a description lists (a deleted one only while it reads DELETING). */
export function visibleReplicas(rec: TableRec, now = clock.now()): ReplicaRec[] {
  return (rec.replicas ?? []).filter((r) => replicaStatus(r, now) !== undefined);
}

/** Whether the table is a replica of a global table (version 2019.11.21) right now. */
export const isGlobal = (rec: TableRec): boolean => (rec.replicas ?? []).some((r) => r.deletingAt === undefined);

/** A table whose replica set is changing reads UPDATING. */
export function replicaSetChanging(rec: TableRec, now = clock.now()): boolean {
  return visibleReplicas(rec, now).some((r) => replicaStatus(r, now) !== 'ACTIVE');
}

/** The TableDescription members of a replicated table. */
export function replicaDescription(rec: TableRec): Record<string, unknown> {
  const now = clock.now();
  const list = visibleReplicas(rec, now);
  if (!list.length) return {};
  return {
    GlobalTableVersion: '2019.11.21',
    Replicas: list.map((r) => {
      const status = replicaStatus(r, now)!;
      return {
        RegionName: r.region,
        ReplicaStatus: status,
        ...(status === 'CREATING' ? { ReplicaStatusPercentProgress: String(Math.floor((100 * (REPLICA_CREATION_MS - (r.readyAt - now))) / REPLICA_CREATION_MS)) } : {}),
        ...(r.kmsKey ? { KMSMasterKeyId: r.kmsKey } : {}),
        ...(r.readOverride !== undefined ? { ProvisionedThroughputOverride: { ReadCapacityUnits: r.readOverride } } : {}),
        ...(r.maxReadOverride !== undefined ? { OnDemandThroughputOverride: { MaxReadRequestUnits: r.maxReadOverride } } : {}),
        ...(r.gsis?.length ? { GlobalSecondaryIndexes: r.gsis } : {}),
        ...(r.tableClass ? { ReplicaTableClassSummary: { TableClass: r.tableClass } } : {}),
      };
    }),
  };
}

function checkGsis(rec: TableRec, gsis: { IndexName: string }[] | undefined): void {
  for (const g of gsis ?? []) {
    if (!rec.gsis.some((x) => x.name === g.IndexName)) {
      throw invalidParam(`Requested index ${g.IndexName} does not exist on table ${rec.name}`); // wording unverified
    }
  }
}

const other = (ctx: RequestContext, region: string): DynamoState => dynamoState({ accountId: ctx.accountId, region });

/**
 * Checks UpdateTable's ReplicaUpdates against the table (`r` is the updated record, not yet
 * saved) and records them in `r`; returns the work to do once `r` is saved: the replica tables
 * in the other regions and the other members' records. Nothing is written before every update
 * passed its checks.
 */
export function planReplicaUpdates(ctx: RequestContext, s: DynamoState, r: TableRec, updates: ReplicaUpdate[]): () => void {
  const now = clock.now();
  if (r.legacyGroup) {
    throw validation(`Table ${r.name} is a version 2017.11.29 global table; use UpdateGlobalTable to change its replicas`); // wording unverified
  }
  if (replicaSetChanging(r, now)) throw inUse(r.name);
  let replicas = [...(r.replicas ?? [])].filter((x) => replicaStatus(x, now) !== undefined);
  const work: (() => void)[] = [];
  let enableStream = false;
  for (const u of updates) {
    const region = (u.Create ?? u.Update ?? u.Delete)?.RegionName;
    if (!region) throw validation('One of Create, Update or Delete must be specified in a ReplicaUpdate'); // wording unverified
    // Observed wording (aws/aws-cli#4906).
    if (region === ctx.region) throw validation('Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.');
    if (!REGIONS.has(region)) throw validation(`1 validation error detected: Invalid AWS region: ${region}`); // wording unverified
    const existing = replicas.find((x) => x.region === region && x.deletingAt === undefined);
    if (u.Create) {
      const c = u.Create;
      if (existing || other(ctx, region).live.has(r.name)) {
        // Observed wording, typo included.
        throw validation(`Failed to create a the new replica of table with name: '${r.name}' because one or more replicas already existed as tables.`);
      }
      if (r.billingMode === 'PROVISIONED' && !r.autoScaling?.write) throw validation('Table write capacity should either be Pay-Per-Request or AutoScaled.');
      if (r.stream?.StreamEnabled && r.stream.StreamViewType !== 'NEW_AND_OLD_IMAGES') {
        throw invalidParam('Table must have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES to create a replica'); // wording unverified
      }
      if (c.ProvisionedThroughputOverride && r.billingMode === 'PAY_PER_REQUEST') {
        throw invalidParam('ProvisionedThroughputOverride cannot be specified when BillingMode is PAY_PER_REQUEST'); // wording unverified
      }
      checkGsis(r, c.GlobalSecondaryIndexes);
      if (!r.stream?.StreamEnabled) enableStream = true;
      const rep: ReplicaRec = {
        region, readyAt: now + REPLICA_CREATION_MS, kmsKey: c.KMSMasterKeyId,
        readOverride: c.ProvisionedThroughputOverride?.ReadCapacityUnits, maxReadOverride: c.OnDemandThroughputOverride?.MaxReadRequestUnits,
        gsis: c.GlobalSecondaryIndexes?.map((g) => ({ ...g })), tableClass: c.TableClassOverride,
      };
      const peers = replicas.filter((x) => x.deletingAt === undefined);
      replicas = [...replicas.filter((x) => x.region !== region), rep];
      work.push(() => createReplica(ctx, s, r, rep, peers));
    } else if (u.Update) {
      const c = u.Update;
      if (!existing) throw validation(`Update global table operation failed because the replica in region ${region} does not exist`); // wording unverified
      checkGsis(r, c.GlobalSecondaryIndexes);
      const next: ReplicaRec = {
        ...existing,
        ...(c.KMSMasterKeyId !== undefined ? { kmsKey: c.KMSMasterKeyId } : {}),
        ...(c.ProvisionedThroughputOverride ? { readOverride: c.ProvisionedThroughputOverride.ReadCapacityUnits } : {}),
        ...(c.OnDemandThroughputOverride ? { maxReadOverride: c.OnDemandThroughputOverride.MaxReadRequestUnits } : {}),
        ...(c.GlobalSecondaryIndexes ? { gsis: c.GlobalSecondaryIndexes.map((g) => ({ ...g })) } : {}),
        ...(c.TableClassOverride ? { tableClass: c.TableClassOverride } : {}),
      };
      replicas = replicas.map((x) => (x === existing ? next : x));
      work.push(() => forEachPeer(ctx, r.name, replicas, (peer) => {
        const rec: TableRec = { ...peer.rec, replicas: peer.rec.replicas?.map((x) => (x.region === region ? { ...next } : x)) };
        return rec;
      }, region, (self) => ({
        ...self,
        ...(next.readOverride !== undefined && self.billingMode === 'PROVISIONED' ? { read: next.readOverride } : {}),
        ...(next.tableClass ? { tableClass: next.tableClass } : {}),
      })));
    } else {
      if (!existing) throw validation(`Update global table operation failed because the replica in region ${region} does not exist`); // wording unverified
      const gone: ReplicaRec = { ...existing, deletingAt: now, goneAt: now + REPLICA_DELETION_MS };
      replicas = replicas.map((x) => (x === existing ? gone : x));
      work.push(() => {
        dropTableIn(ctx, region, r.name);
        markGone(ctx, r.name, replicas, region, now);
      });
    }
  }
  r.replicas = replicas.length ? replicas : undefined;
  return () => {
    if (enableStream) {
      r.stream = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' };
      r.streamLabel = openStream(s, r.arn, r.name, r.keySchema, 'NEW_AND_OLD_IMAGES');
      s.tables.set(r.name, r);
      const live = s.live.get(r.name);
      if (live) live.rec = r;
    }
    for (const w of work) w();
  };
}

/** Makes the replica table in `rep.region`: the table's settings, a new stream, every item. */
function createReplica(ctx: RequestContext, s: DynamoState, src: TableRec, rep: ReplicaRec, peers: ReplicaRec[]): void {
  const ts = other(ctx, rep.region);
  const now = clock.now();
  const arn = `arn:aws:dynamodb:${rep.region}:${ctx.accountId}:table/${src.name}`;
  const rec: TableRec = {
    name: src.name, arn, id: randomUUID(), created: now, keySchema: src.keySchema, attrDefs: src.attrDefs,
    billingMode: src.billingMode, read: rep.readOverride ?? src.read, write: src.write,
    payPerRequestSince: src.billingMode === 'PAY_PER_REQUEST' ? now : undefined,
    lsis: src.lsis, gsis: src.gsis.map((g) => ({ ...g, read: rep.gsis?.find((x) => x.IndexName === g.name)?.ProvisionedThroughputOverride?.ReadCapacityUnits ?? g.read })),
    tags: {}, deletionProtection: false, tableClass: rep.tableClass ?? src.tableClass,
    ...(src.ttl ? { ttl: { ...src.ttl } } : {}),
    ...(src.autoScaling ? { autoScaling: structuredClone(src.autoScaling) } : {}),
    replicaReadyAt: rep.readyAt,
    replicas: [{ region: ctx.region, readyAt: now }, ...peers.map((p) => ({ ...p }))],
    stream: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
  rec.streamLabel = openStream(ts, arn, rec.name, rec.keySchema, 'NEW_AND_OLD_IMAGES');
  ts.tables.set(rec.name, rec);
  const t = new Table(rec);
  trackTimers(t.ttlTimers);
  ts.live.set(rec.name, t);
  const from = s.live.get(src.name);
  if (from) copyItems(from, ts, t);
  hooks.afterRebuild?.(ts, t);
  // The replicas already there learn of the new one.
  for (const p of peers) {
    const ps = other(ctx, p.region);
    const pt = ps.live.get(src.name);
    if (!pt) continue;
    pt.rec = { ...pt.rec, replicas: [...(pt.rec.replicas ?? []).filter((x) => x.region !== rep.region), { ...rep }] };
    ps.tables.set(pt.rec.name, pt.rec);
  }
}

/** Applies `change` to every other member's record, and `self` to the replica in `region`'s own table. */
function forEachPeer(ctx: RequestContext, name: string, replicas: ReplicaRec[], change: (t: Table) => TableRec, region: string,
  self: (rec: TableRec) => TableRec): void {
  for (const p of replicas) {
    if (p.deletingAt !== undefined) continue;
    const ps = other(ctx, p.region);
    const pt = ps.live.get(name);
    if (!pt) continue;
    let rec = change(pt);
    if (p.region === region) rec = self(rec);
    pt.rec = rec;
    ps.tables.set(name, rec);
  }
}

/** Every remaining member lists the replica in `region` as DELETING from `now`. */
function markGone(ctx: RequestContext, name: string, replicas: ReplicaRec[], region: string, now: number): void {
  for (const p of replicas) {
    if (p.deletingAt !== undefined || p.region === region) continue;
    const ps = other(ctx, p.region);
    const pt = ps.live.get(name);
    if (!pt) continue;
    pt.rec = {
      ...pt.rec,
      replicas: pt.rec.replicas?.map((x) => (x.region === region ? { ...x, deletingAt: now, goneAt: now + REPLICA_DELETION_MS } : x)),
    };
    ps.tables.set(name, pt.rec);
  }
}

/** Deletes a table with its items, as DeleteTable does. */
export function dropTable(s: DynamoState, t: Table): void {
  if (t.rec.streamLabel) closeStream(s, streamArnOf(t.rec.arn, t.rec.streamLabel));
  dropLog(s, t.rec.name);
  for (const o of t.base.parts) for (const e of o.entries) s.items.delete(itemKey(t.rec.name, e.pk));
  for (const timer of t.ttlTimers.values()) timer.cancel();
  t.ttlTimers.clear();
  s.tables.delete(t.rec.name);
  s.live.delete(t.rec.name);
}

function dropTableIn(ctx: RequestContext, region: string, name: string): void {
  const ts = other(ctx, region);
  const t = ts.live.get(name);
  if (t) dropTable(ts, t);
}

/** DeleteTable of one replica: the others stop replicating with it and list it as DELETING. */
export function leaveReplicaSet(ctx: RequestContext, rec: TableRec): void {
  if (!rec.replicas) return;
  markGone(ctx, rec.name, rec.replicas, ctx.region, clock.now());
}

/** The other members of a version 2019.11.21 global table (not being deleted), with their state. */
export function peersOf(ctx: RequestContext, rec: TableRec): { region: string; s: DynamoState; t: Table }[] {
  const out: { region: string; s: DynamoState; t: Table }[] = [];
  for (const p of rec.replicas ?? []) {
    if (p.deletingAt !== undefined) continue;
    const s = other(ctx, p.region);
    const t = s.live.get(rec.name);
    if (t) out.push({ region: p.region, s, t });
  }
  return out;
}

/**
 * UpdateTable on one replica changes the settings every replica shares: billing mode, write
 * capacity, attribute definitions and global secondary indexes; read capacity, table class, KMS
 * key, deletion protection stay per replica (the split AWS::DynamoDB::GlobalTable makes between
 * table-level and per-replica properties; Developer Guide, "How global tables work", synchronized
 * settings). A GSI new on a replica is filled from that replica's own items.
 */
export function syncSharedSettings(ctx: RequestContext, rec: TableRec): void {
  const now = clock.now();
  for (const { region, s, t } of peersOf(ctx, rec)) {
    const prev = t.rec;
    const mine = rec.replicas?.find((x) => x.region === region);
    const provisioned = rec.billingMode === 'PROVISIONED';
    const next: TableRec = {
      ...prev,
      attrDefs: rec.attrDefs,
      billingMode: rec.billingMode,
      write: rec.write,
      read: !provisioned ? 0 : prev.billingMode === 'PROVISIONED' ? prev.read : mine?.readOverride ?? rec.read,
      payPerRequestSince: !provisioned ? (prev.billingMode === 'PAY_PER_REQUEST' ? prev.payPerRequestSince : now) : prev.payPerRequestSince,
      gsis: rec.gsis.map((g) => {
        const had = prev.gsis.find((x) => x.name === g.name);
        const override = mine?.gsis?.find((x) => x.IndexName === g.name)?.ProvisionedThroughputOverride?.ReadCapacityUnits;
        return { ...g, read: provisioned ? (had?.read ?? override ?? g.read) : g.read };
      }),
    };
    for (const ix of prev.gsis) if (!next.gsis.some((x) => x.name === ix.name)) t.indexes.delete(ix.name);
    const added = next.gsis.filter((x) => !prev.gsis.some((y) => y.name === x.name));
    t.rec = next;
    s.tables.set(next.name, next);
    for (const ix of added) {
      const o = t.addIndex(ix);
      for (const p of t.base.parts) for (const e of p.entries) o.insert(e.item, e.pk);
    }
  }
}
