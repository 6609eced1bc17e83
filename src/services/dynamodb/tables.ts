// Tables: CreateTable, DescribeTable, DeleteTable, ListTables, UpdateTable, tags, limits and
// endpoints. CreateTable answers CREATING and the table is ACTIVE from then on (as AWS answers
// CREATING and turns ACTIVE shortly after), so waiters work.
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, isImporting, notFound, st, writeItem } from './common.js';
import { type IndexRec, type KeyElem, type TableRec, Table, trackTimers } from './state.js';
import { invalidParam, validation } from './values.js';
import { closeStream, openStream, streamArnOf } from './streams.js';
import { dropTable, isGlobal, leaveReplicaSet, planReplicaUpdates, replicaDescription, replicaSetChanging, syncSharedSettings } from './replicas.js';
import { leaveLegacyGroup } from './global-legacy.js';

const inUse = (msg: string) => new ServiceError('ResourceInUseException', msg, 400);

function checkKeySchema(ks: KeyElem[] | undefined, defs: Set<string>, what: string): void {
  if (!ks || ks.length === 0) throw validation(`1 validation error detected: Value null at '${what}' failed to satisfy constraint: Member must not be null`);
  if (ks[0].KeyType !== 'HASH') throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (ks.length > 1 && ks[1].KeyType !== 'RANGE') throw validation('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  if (ks.length > 1 && ks[0].AttributeName === ks[1].AttributeName) {
    throw validation('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  }
  void defs;
}

function checkProjection(ix: { IndexName: string; Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] } }): void {
  const p = ix.Projection ?? {};
  const type = p.ProjectionType;
  if (!type) throw invalidParam(`Unknown ProjectionType: null`); // wording unverified
  if (type !== 'INCLUDE' && p.NonKeyAttributes) {
    throw invalidParam(`ProjectionType is ${type}, but NonKeyAttributes is specified`);
  }
  if (type === 'INCLUDE' && !p.NonKeyAttributes?.length) {
    throw invalidParam('NonKeyAttributes must not be empty'); // wording unverified
  }
}

export function createTable(ctx: RequestContext, input: In<'CreateTable'>): Out<'CreateTable'> {
  const s = st(ctx);
  const name = input.TableName;
  const defs = input.AttributeDefinitions ?? [];
  const defNames = new Set(defs.map((d) => d.AttributeName));
  if (defNames.size !== defs.length) throw invalidParam('Duplicate attribute names in AttributeDefinitions'); // wording unverified
  checkKeySchema(input.KeySchema as KeyElem[], defNames, 'keySchema');
  const ks = input.KeySchema as KeyElem[];
  const used = new Set<string>(ks.map((k) => k.AttributeName));
  const lsis = input.LocalSecondaryIndexes ?? [];
  const gsis = input.GlobalSecondaryIndexes ?? [];
  const billing = (input.BillingMode ?? 'PROVISIONED') as TableRec['billingMode'];
  const pt = input.ProvisionedThroughput;
  if (billing === 'PROVISIONED' && !pt) {
    throw invalidParam('ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
  }
  if (billing === 'PAY_PER_REQUEST' && pt) {
    throw invalidParam('Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
  }
  const names = new Set<string>();
  const hash = ks[0].AttributeName;
  const range = ks[1]?.AttributeName;
  if (lsis.length && !range) throw invalidParam('Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex');
  if (lsis.length > 5) throw invalidParam('Number of LocalSecondaryIndexes exceeds per-table limit of 5');
  if (gsis.length > 20) throw invalidParam('GlobalSecondaryIndex count exceeds the per-table limit of 20');
  const lsiRecs: IndexRec[] = [];
  const gsiRecs: IndexRec[] = [];
  for (const ix of lsis) {
    if (names.has(ix.IndexName)) throw invalidParam(`Duplicate index name: ${ix.IndexName}`);
    names.add(ix.IndexName);
    checkKeySchema(ix.KeySchema as KeyElem[], defNames, 'localSecondaryIndexes.member.keySchema');
    if (ix.KeySchema[0].AttributeName !== hash) {
      throw invalidParam(`Index KeySchema does not have the same leading hash key as table KeySchema for index: ${ix.IndexName}. index hash key: ${ix.KeySchema[0].AttributeName}, table hash key: ${hash}`);
    }
    if (ix.KeySchema.length < 2) throw invalidParam(`Index KeySchema for index: ${ix.IndexName} must have a range key`); // wording unverified
    checkProjection(ix);
    for (const k of ix.KeySchema) used.add(k.AttributeName);
    lsiRecs.push({ name: ix.IndexName, keySchema: ix.KeySchema as KeyElem[], projection: { ...ix.Projection }, global: false });
  }
  for (const ix of gsis) {
    if (names.has(ix.IndexName)) throw invalidParam(`Duplicate index name: ${ix.IndexName}`);
    names.add(ix.IndexName);
    checkKeySchema(ix.KeySchema as KeyElem[], defNames, 'globalSecondaryIndexes.member.keySchema');
    checkProjection(ix);
    if (billing === 'PROVISIONED' && !ix.ProvisionedThroughput) {
      throw invalidParam(`ProvisionedThroughput must be specified for index: ${ix.IndexName}`);
    }
    if (billing === 'PAY_PER_REQUEST' && ix.ProvisionedThroughput) {
      throw invalidParam(`ProvisionedThroughput should not be specified for index: ${ix.IndexName} when BillingMode is PAY_PER_REQUEST`);
    }
    for (const k of ix.KeySchema) used.add(k.AttributeName);
    gsiRecs.push({
      name: ix.IndexName, keySchema: ix.KeySchema as KeyElem[], projection: { ...ix.Projection }, global: true,
      read: ix.ProvisionedThroughput?.ReadCapacityUnits, write: ix.ProvisionedThroughput?.WriteCapacityUnits,
    });
  }
  const missing = [...used].filter((a) => !defNames.has(a));
  if (missing.length) {
    throw invalidParam(`Some index key attributes are not defined in AttributeDefinitions. Keys: [${missing.join(', ')}], AttributeDefinitions: [${[...defNames].join(', ')}]`);
  }
  if (defs.length !== used.size) {
    throw invalidParam('Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions');
  }
  if (input.StreamSpecification?.StreamEnabled && !input.StreamSpecification.StreamViewType) {
    throw validation('1 validation error detected: Value null at \'streamSpecification.streamViewType\' failed to satisfy constraint: Member must not be null'); // approximate
  }
  if (s.live.has(name)) throw inUse(`Table already exists: ${name}`);
  const tags: Record<string, string> = {};
  for (const t of input.Tags ?? []) tags[t.Key] = t.Value;
  const now = clock.now();
  const rec: TableRec = {
    name, arn: `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${name}`, id: randomUUID(), created: now,
    keySchema: ks, attrDefs: defs.map((d) => ({ AttributeName: d.AttributeName, AttributeType: d.AttributeType })),
    billingMode: billing, read: pt?.ReadCapacityUnits ?? 0, write: pt?.WriteCapacityUnits ?? 0,
    payPerRequestSince: billing === 'PAY_PER_REQUEST' ? now : undefined,
    lsis: lsiRecs, gsis: gsiRecs, tags, deletionProtection: !!input.DeletionProtectionEnabled,
    tableClass: input.TableClass ?? 'STANDARD',
  };
  if (input.ResourcePolicy !== undefined) {
    try { JSON.parse(input.ResourcePolicy); } catch { throw validation('Invalid policy document: the policy is not valid JSON'); } // wording unverified
    rec.policies = { [rec.arn]: { policy: input.ResourcePolicy, revisionId: String(now) } };
  }
  if (input.StreamSpecification?.StreamEnabled) {
    rec.stream = { StreamEnabled: true, StreamViewType: input.StreamSpecification.StreamViewType };
    rec.streamLabel = openStream(s, rec.arn, name, ks, input.StreamSpecification.StreamViewType!);
  }
  s.tables.set(name, rec);
  const t = new Table(rec);
  trackTimers(t.ttlTimers);
  s.live.set(name, t);
  return { TableDescription: describe(t, 'CREATING') } as Out<'CreateTable'>;
}

const index = (t: Table, ix: IndexRec, status: string) => {
  const o = t.indexes.get(ix.name);
  return {
    IndexName: ix.name,
    KeySchema: ix.keySchema,
    Projection: ix.projection,
    IndexSizeBytes: o?.bytes ?? 0,
    ItemCount: o?.count ?? 0,
    IndexArn: `${t.rec.arn}/index/${ix.name}`,
    ...(ix.global ? {
      IndexStatus: status === 'CREATING' ? 'CREATING' : 'ACTIVE',
      ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: ix.read ?? 0, WriteCapacityUnits: ix.write ?? 0 },
      ...(t.rec.billingMode === 'PAY_PER_REQUEST' ? { WarmThroughput: { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: 'ACTIVE' } } : {}),
    } : {}),
  };
};

export function describe(t: Table, status = 'ACTIVE'): Record<string, unknown> {
  const r = t.rec;
  return {
    AttributeDefinitions: r.attrDefs,
    TableName: r.name,
    KeySchema: r.keySchema,
    TableStatus: status,
    CreationDateTime: new Date(r.created),
    ProvisionedThroughput: {
      ...(r.lastIncrease ? { LastIncreaseDateTime: new Date(r.lastIncrease) } : {}),
      ...(r.lastDecrease ? { LastDecreaseDateTime: new Date(r.lastDecrease) } : {}),
      NumberOfDecreasesToday: r.decreasesToday ?? 0,
      ReadCapacityUnits: r.read,
      WriteCapacityUnits: r.write,
    },
    TableSizeBytes: t.base.bytes,
    ItemCount: t.base.count,
    TableArn: r.arn,
    TableId: r.id,
    ...(r.billingMode === 'PAY_PER_REQUEST' ? { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: new Date(r.payPerRequestSince ?? r.created) } } : {}),
    ...(r.lsis.length ? { LocalSecondaryIndexes: r.lsis.map((x) => index(t, x, status)) } : {}),
    ...(r.gsis.length ? { GlobalSecondaryIndexes: r.gsis.map((x) => index(t, x, status)) } : {}),
    // A disabled stream keeps LatestStreamArn/Label (it stays readable 24 h) but DynamoDB leaves
    // StreamSpecification out (observed behaviour, scylladb/scylladb#31553).
    ...(r.stream?.StreamEnabled ? { StreamSpecification: r.stream } : {}),
    ...(r.streamLabel ? { LatestStreamLabel: r.streamLabel, LatestStreamArn: streamArnOf(r.arn, r.streamLabel) } : {}),
    // The restore's own answer says RestoreInProgress true (the table is CREATING); later
    // descriptions false, same RestoreDateTime (observed: extenddb dual-target restore tests).
    ...(r.restore ? { RestoreSummary: { ...r.restore, RestoreDateTime: new Date(r.restore.RestoreDateTime), RestoreInProgress: status === 'CREATING' } } : {}),
    ...(r.tableClass !== 'STANDARD' ? { TableClassSummary: { TableClass: r.tableClass } } : {}),
    DeletionProtectionEnabled: r.deletionProtection,
    ...replicaDescription(r),
  };
}

/** A table's status now: CREATING while an import or a new replica fills it, UPDATING while its replica set changes. */
export const statusOf = (t: Table): string => (isImporting(t) ? 'CREATING' : replicaSetChanging(t.rec) ? 'UPDATING' : 'ACTIVE');

export function describeTable(ctx: RequestContext, input: In<'DescribeTable'>): Out<'DescribeTable'> {
  const t = st(ctx).live.get(input.TableName);
  if (!t) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Table: ${input.TableName} not found`, 400);
  // A table ImportTable makes is CREATING until its import ends (imports.ts); a new replica
  // likewise, and a table whose replica set changes is UPDATING (replicas.ts).
  return { Table: describe(t, statusOf(t)) } as Out<'DescribeTable'>;
}

export function deleteTable(ctx: RequestContext, input: In<'DeleteTable'>): Out<'DeleteTable'> {
  const s = st(ctx);
  const t = s.live.get(input.TableName);
  if (!t) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Table: ${input.TableName} not found`, 400);
  // "If table is in CREATING or UPDATING states, then DynamoDB returns a ResourceInUseException"
  // (API Reference, DeleteTable); wording unverified.
  if (isImporting(t)) throw inUse(`Attempt to change a resource which is still in use: Table is being created: ${t.rec.name}`);
  if (t.rec.deletionProtection) {
    // AWS answers ValidationException for a protected table (not ResourceInUseException).
    throw validation('Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
  }
  const out = describe(t, 'DELETING');
  // A replica's deletion removes it from its global table (the others keep replicating).
  leaveReplicaSet(ctx, t.rec);
  leaveLegacyGroup(ctx, t.rec);
  dropTable(s, t);
  return { TableDescription: out } as Out<'DeleteTable'>;
}

export function listTables(ctx: RequestContext, input: In<'ListTables'>): Out<'ListTables'> {
  const names = [...st(ctx).live.keys()].sort();
  const limit = input.Limit ?? 100;
  const start = input.ExclusiveStartTableName;
  const from = start === undefined ? 0 : names.findIndex((n) => n > start);
  const rest = from < 0 ? [] : names.slice(from);
  const page = rest.slice(0, limit);
  return { TableNames: page, LastEvaluatedTableName: rest.length > limit ? page[page.length - 1] : undefined } as Out<'ListTables'>;
}

export function updateTable(ctx: RequestContext, input: In<'UpdateTable'>): Out<'UpdateTable'> {
  const s = st(ctx);
  const t = s.live.get(input.TableName);
  if (!t) throw notFound();
  // Message as AWS words it for a table still being created (wording unverified).
  if (isImporting(t)) throw inUse(`Attempt to change a resource which is still in use: Table is being created: ${t.rec.name}`);
  const r = { ...t.rec };
  const now = clock.now();
  let changed = false;
  let streamChange: { open?: string; close?: string } | undefined;
  const billing = (input.BillingMode ?? r.billingMode) as TableRec['billingMode'];
  if (input.BillingMode && input.BillingMode !== r.billingMode) {
    changed = true;
    if (billing === 'PROVISIONED' && !input.ProvisionedThroughput) {
      throw invalidParam('ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
    }
    if (billing === 'PAY_PER_REQUEST') { r.read = 0; r.write = 0; r.payPerRequestSince = now; }
    // A replicated table's write capacity must be on demand or auto scaled (replicas.ts).
    if (billing === 'PROVISIONED' && isGlobal(r) && !r.autoScaling?.write) throw validation('Table write capacity should either be Pay-Per-Request or AutoScaled.');
    r.billingMode = billing;
  }
  if (input.ProvisionedThroughput) {
    if (billing === 'PAY_PER_REQUEST') {
      throw invalidParam('Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
    }
    const { ReadCapacityUnits: rd, WriteCapacityUnits: wr } = input.ProvisionedThroughput;
    if (rd === r.read && wr === r.write && !changed && !input.GlobalSecondaryIndexUpdates) {
      throw validation(`The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: ${r.read}. Requested ReadCapacityUnits: ${rd}. Current WriteCapacityUnits provisioned for the table: ${r.write}. Requested WriteCapacityUnits: ${wr}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`);
    }
    if (rd > r.read || wr > r.write) r.lastIncrease = now;
    if (rd < r.read || wr < r.write) { r.lastDecrease = now; r.decreasesToday = (r.decreasesToday ?? 0) + 1; }
    r.read = rd; r.write = wr;
    changed = true;
  }
  if (input.DeletionProtectionEnabled !== undefined) { r.deletionProtection = input.DeletionProtectionEnabled; changed = true; }
  if (input.TableClass !== undefined) { r.tableClass = input.TableClass; changed = true; }
  if (input.StreamSpecification) {
    const sp = input.StreamSpecification;
    // Observed wordings (aws-controllers-k8s/community#2782 and published DynamoDB error catalogues).
    if (sp.StreamEnabled && r.stream?.StreamEnabled) throw validation(`Table already has an enabled stream: TableName: ${r.name}`);
    if (!sp.StreamEnabled && !r.stream?.StreamEnabled) throw validation(`Table has no stream to disable: TableName: ${r.name}`);
    // Observed wording (hashicorp/terraform-provider-aws#34450).
    if (!sp.StreamEnabled && (isGlobal(r) || r.legacyGroup)) throw invalidParam('Disabling Stream is not allowed for a Global Table replica.');
    if (sp.StreamEnabled && !sp.StreamViewType) {
      throw validation('1 validation error detected: Value null at \'streamSpecification.streamViewType\' failed to satisfy constraint: Member must not be null'); // approximate
    }
    streamChange = sp.StreamEnabled ? { open: sp.StreamViewType! } : { close: streamArnOf(r.arn, r.streamLabel!) };
    changed = true;
  }
  const newGsis: IndexRec[] = [];
  if (input.AttributeDefinitions) {
    for (const d of input.AttributeDefinitions) {
      const have = r.attrDefs.find((x) => x.AttributeName === d.AttributeName);
      if (have && have.AttributeType !== d.AttributeType) throw invalidParam(`Cannot change the type of attribute ${d.AttributeName}`); // wording unverified
      if (!have) r.attrDefs = [...r.attrDefs, { AttributeName: d.AttributeName, AttributeType: d.AttributeType }];
    }
  }
  for (const u of input.GlobalSecondaryIndexUpdates ?? []) {
    changed = true;
    if (u.Create) {
      const c = u.Create;
      if (t.indexRec(c.IndexName)) throw validation(`Attempting to create an index which already exists: ${c.IndexName}`);
      checkKeySchema(c.KeySchema as KeyElem[], new Set(), 'globalSecondaryIndexUpdates.member.create.keySchema');
      checkProjection(c);
      for (const k of c.KeySchema) {
        if (!r.attrDefs.some((d) => d.AttributeName === k.AttributeName)) {
          throw invalidParam(`Some index key attributes are not defined in AttributeDefinitions. Keys: [${k.AttributeName}], AttributeDefinitions: [${r.attrDefs.map((d) => d.AttributeName).join(', ')}]`);
        }
      }
      if (r.billingMode === 'PROVISIONED' && !c.ProvisionedThroughput) throw invalidParam(`ProvisionedThroughput must be specified for index: ${c.IndexName}`);
      const ix: IndexRec = { name: c.IndexName, keySchema: c.KeySchema as KeyElem[], projection: { ...c.Projection }, global: true, read: c.ProvisionedThroughput?.ReadCapacityUnits, write: c.ProvisionedThroughput?.WriteCapacityUnits };
      r.gsis = [...r.gsis, ix];
      newGsis.push(ix);
    } else if (u.Update) {
      const ix = r.gsis.find((x) => x.name === u.Update!.IndexName);
      if (!ix) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Index: ${u.Update.IndexName} not found`, 400); // wording unverified
      r.gsis = r.gsis.map((x) => (x === ix ? { ...x, read: u.Update!.ProvisionedThroughput?.ReadCapacityUnits, write: u.Update!.ProvisionedThroughput?.WriteCapacityUnits } : x));
    } else if (u.Delete) {
      if (!r.gsis.some((x) => x.name === u.Delete!.IndexName)) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: Index: ${u.Delete.IndexName} not found`, 400); // wording unverified
      r.gsis = r.gsis.filter((x) => x.name !== u.Delete!.IndexName);
      t.indexes.delete(u.Delete.IndexName);
    }
  }
  if (r.gsis.length > 20) throw invalidParam('GlobalSecondaryIndex count exceeds the per-table limit of 20');
  // Global tables version 2019.11.21 (replicas.ts): checked here, carried out once the table is saved.
  let replicaWork: (() => void) | undefined;
  if (input.ReplicaUpdates?.length) {
    replicaWork = planReplicaUpdates(ctx, s, r, input.ReplicaUpdates);
    changed = true;
  }
  if (!changed) throw validation('At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required');
  // Re-enabling makes a new stream; disabling closes the current one, still readable 24 h.
  if (streamChange?.open) {
    r.stream = { StreamEnabled: true, StreamViewType: streamChange.open };
    r.streamLabel = openStream(s, r.arn, r.name, r.keySchema, streamChange.open);
  } else if (streamChange?.close) {
    closeStream(s, streamChange.close);
    r.stream = undefined;
  }
  t.rec = r;
  s.tables.set(r.name, r);
  // New GSIs are backfilled from the table at once.
  for (const ix of newGsis) {
    const o = t.addIndex(ix);
    for (const p of t.base.parts) for (const e of p.entries) o.insert(e.item, e.pk);
  }
  replicaWork?.();
  if (isGlobal(r) && (input.BillingMode || input.ProvisionedThroughput || input.AttributeDefinitions || input.GlobalSecondaryIndexUpdates)) {
    syncSharedSettings(ctx, r);
  }
  void writeItem;
  return { TableDescription: describe(t, 'UPDATING') } as Out<'UpdateTable'>;
}

function tableByArn(ctx: RequestContext, arn: string): Table {
  const m = /^arn:aws:dynamodb:([^:]+):(\d{12}):table\/([^/]+)$/.exec(arn);
  if (!m) throw validation(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
  const t = m[1] === ctx.region && m[2] === ctx.accountId ? st(ctx).live.get(m[3]) : undefined;
  if (!t) throw new ServiceError('ResourceNotFoundException', `Requested resource not found: ResourcArn: ${arn} not found`, 400);
  return t;
}

export function tagResource(ctx: RequestContext, input: In<'TagResource'>): Out<'TagResource'> {
  const s = st(ctx);
  const t = tableByArn(ctx, input.ResourceArn);
  const tags = { ...t.rec.tags };
  for (const x of input.Tags) tags[x.Key] = x.Value;
  if (Object.keys(tags).length > 50) throw validation('One or more parameter values were invalid: The number of tags exceeds the limit of 50'); // wording unverified
  t.rec = { ...t.rec, tags };
  s.tables.set(t.rec.name, t.rec);
  return undefined;
}

export function untagResource(ctx: RequestContext, input: In<'UntagResource'>): Out<'UntagResource'> {
  const s = st(ctx);
  const t = tableByArn(ctx, input.ResourceArn);
  const tags = { ...t.rec.tags };
  for (const k of input.TagKeys) delete tags[k];
  t.rec = { ...t.rec, tags };
  s.tables.set(t.rec.name, t.rec);
  return undefined;
}

export function listTagsOfResource(ctx: RequestContext, input: In<'ListTagsOfResource'>): Out<'ListTagsOfResource'> {
  const t = tableByArn(ctx, input.ResourceArn);
  return { Tags: Object.entries(t.rec.tags).map(([Key, Value]) => ({ Key, Value })) };
}

export function describeLimits(): Out<'DescribeLimits'> {
  return { AccountMaxReadCapacityUnits: 80000, AccountMaxWriteCapacityUnits: 80000, TableMaxReadCapacityUnits: 40000, TableMaxWriteCapacityUnits: 40000 };
}

export function describeEndpoints(ctx: RequestContext): Out<'DescribeEndpoints'> {
  return { Endpoints: [{ Address: `dynamodb.${ctx.region}.amazonaws.com`, CachePeriodInMinutes: 1440 }] };
}

void notFound;
