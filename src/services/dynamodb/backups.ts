// On-demand backups and point-in-time recovery: CreateBackup, DescribeBackup, ListBackups,
// DeleteBackup, RestoreTableFromBackup, UpdateContinuousBackups, DescribeContinuousBackups,
// RestoreTableToPointInTime. A backup is one journalled record holding the table's settings
// and a copy of its items; PITR replays the table's change log (pitr-log.ts). A restore makes
// a new table with the source's keys, indexes and items, but (as AWS) not its stream, TTL,
// tags or PITR settings (Developer Guide, "Restoring a DynamoDB table from a backup").
import { randomBytes, randomUUID } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import type { RequestContext } from '../service.js';
import { type In, type Out, st, writeItem } from './common.js';
import { dropLog, itemsAt, startLog } from './pitr-log.js';
import { type BackupRec, type DynamoState, type IndexRec, type KeyElem, type TableRec, Table, trackTimers } from './state.js';
import { describe } from './tables.js';
import { type Item, cloneItem, validation } from './values.js';

const tableNotFound = (name: string) => new ServiceError('TableNotFoundException', `Table not found: ${name}`, 400);
const backupNotFound = (arn: string) => new ServiceError('BackupNotFoundException', `Backup not found: ${arn}`, 400); // wording unverified

/** A TableName member that also takes the table's ARN (the model's TableArn shape). */
function tableByNameOrArn(ctx: RequestContext, s: DynamoState, nameOrArn: string): Table | undefined {
  const m = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([^/]+)$/.exec(nameOrArn);
  if (m) return m[1] === ctx.region && m[2] === ctx.accountId ? s.live.get(m[3]) : undefined;
  return s.live.get(nameOrArn);
}

function details(b: BackupRec, status = 'AVAILABLE') {
  return {
    BackupArn: b.arn, BackupName: b.name, BackupSizeBytes: b.bytes, BackupStatus: status, BackupType: b.type,
    BackupCreationDateTime: new Date(b.created),
  };
}

function indexDescription(ix: IndexRec) {
  return {
    IndexName: ix.name, KeySchema: ix.keySchema, Projection: ix.projection,
    ...(ix.global ? { ProvisionedThroughput: { ReadCapacityUnits: ix.read ?? 0, WriteCapacityUnits: ix.write ?? 0 } } : {}),
  };
}

function description(b: BackupRec, status = 'AVAILABLE') {
  const r = b.table;
  return {
    BackupDetails: details(b, status),
    SourceTableDetails: {
      TableName: r.name, TableId: r.id, TableArn: r.arn, TableSizeBytes: b.bytes, KeySchema: r.keySchema,
      TableCreationDateTime: new Date(r.created), ProvisionedThroughput: { ReadCapacityUnits: r.read, WriteCapacityUnits: r.write },
      ItemCount: b.count, BillingMode: r.billingMode,
    },
    SourceTableFeatureDetails: {
      ...(r.lsis.length ? { LocalSecondaryIndexes: r.lsis.map(indexDescription) } : {}),
      ...(r.gsis.length ? { GlobalSecondaryIndexes: r.gsis.map(indexDescription) } : {}),
      ...(r.stream?.StreamEnabled ? { StreamDescription: r.stream } : {}),
      ...(r.ttl?.enabled ? { TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: r.ttl.attr } } : {}),
    },
  };
}

export function createBackup(ctx: RequestContext, input: In<'CreateBackup'>): Out<'CreateBackup'> {
  const s = st(ctx);
  const t = tableByNameOrArn(ctx, s, input.TableName);
  if (!t) throw tableNotFound(input.TableName);
  const now = clock.now();
  const items: Item[] = [];
  for (const p of t.base.parts) for (const e of p.entries) items.push(cloneItem(e.item));
  // BackupArn: table ARN + /backup/ + 14-digit epoch ms + '-' + 8 hex (as AWS's look).
  const arn = `${t.rec.arn}/backup/${String(now).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
  const b: BackupRec = {
    arn, name: input.BackupName, table: structuredClone(t.rec), created: now, type: 'USER',
    bytes: t.base.bytes, count: t.base.count, items,
  };
  s.backups.set(arn, b);
  // AWS answers CREATING and the backup is AVAILABLE shortly after; here at once.
  return { BackupDetails: details(b, 'CREATING') } as Out<'CreateBackup'>;
}

function getBackup(s: DynamoState, arn: string): BackupRec {
  const b = s.backups.get(arn);
  if (!b) throw backupNotFound(arn);
  return b;
}

export function describeBackup(ctx: RequestContext, input: In<'DescribeBackup'>): Out<'DescribeBackup'> {
  return { BackupDescription: description(getBackup(st(ctx), input.BackupArn)) } as Out<'DescribeBackup'>;
}

export function deleteBackup(ctx: RequestContext, input: In<'DeleteBackup'>): Out<'DeleteBackup'> {
  const s = st(ctx);
  const b = getBackup(s, input.BackupArn);
  s.backups.delete(b.arn);
  return { BackupDescription: description(b, 'DELETED') } as Out<'DeleteBackup'>;
}

export function listBackups(ctx: RequestContext, input: In<'ListBackups'>): Out<'ListBackups'> {
  const s = st(ctx);
  const type = input.BackupType ?? 'USER';
  const lo = input.TimeRangeLowerBound !== undefined ? new Date(input.TimeRangeLowerBound as Date).getTime() : -Infinity;
  const hi = input.TimeRangeUpperBound !== undefined ? new Date(input.TimeRangeUpperBound as Date).getTime() : Infinity;
  let list = [...s.backups.values()]
    .filter((b) => (type === 'ALL' || b.type === type) && b.created >= lo && b.created <= hi)
    .filter((b) => input.TableName === undefined || b.table.name === input.TableName || b.table.arn === input.TableName)
    .sort((a, b) => a.created - b.created || (a.arn < b.arn ? -1 : 1));
  if (input.ExclusiveStartBackupArn !== undefined) {
    const at = list.findIndex((b) => b.arn === input.ExclusiveStartBackupArn);
    list = at < 0 ? [] : list.slice(at + 1);
  }
  const limit = input.Limit ?? 100;
  const page = list.slice(0, limit);
  return {
    BackupSummaries: page.map((b) => ({
      TableName: b.table.name, TableId: b.table.id, TableArn: b.table.arn, BackupArn: b.arn, BackupName: b.name,
      BackupCreationDateTime: new Date(b.created), BackupStatus: 'AVAILABLE', BackupType: b.type, BackupSizeBytes: b.bytes,
    })),
    LastEvaluatedBackupArn: list.length > limit ? page[page.length - 1].arn : undefined,
  } as Out<'ListBackups'>;
}

interface Overrides {
  BillingModeOverride?: string;
  GlobalSecondaryIndexOverride?: { IndexName: string; KeySchema: KeyElem[]; Projection: IndexRec['projection']; ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number } }[];
  LocalSecondaryIndexOverride?: { IndexName: string; KeySchema: KeyElem[]; Projection: IndexRec['projection'] }[];
  ProvisionedThroughputOverride?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
}

/** Makes the target table from a source table's settings and items. */
function restoreInto(ctx: RequestContext, target: string, src: TableRec, items: Item[], o: Overrides, summary: TableRec['restore']): Record<string, unknown> {
  const s = st(ctx);
  if (s.live.has(target)) throw new ServiceError('TableAlreadyExistsException', `Table already exists: ${target}`, 400);
  const now = clock.now();
  const billing = (o.BillingModeOverride ?? src.billingMode) as TableRec['billingMode'];
  const rec: TableRec = {
    name: target, arn: `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${target}`, id: randomUUID(), created: now,
    keySchema: src.keySchema, attrDefs: src.attrDefs, billingMode: billing,
    read: billing === 'PAY_PER_REQUEST' ? 0 : o.ProvisionedThroughputOverride?.ReadCapacityUnits ?? src.read,
    write: billing === 'PAY_PER_REQUEST' ? 0 : o.ProvisionedThroughputOverride?.WriteCapacityUnits ?? src.write,
    payPerRequestSince: billing === 'PAY_PER_REQUEST' ? now : undefined,
    lsis: o.LocalSecondaryIndexOverride
      ? o.LocalSecondaryIndexOverride.map((x) => ({ name: x.IndexName, keySchema: x.KeySchema, projection: { ...x.Projection }, global: false }))
      : src.lsis,
    gsis: o.GlobalSecondaryIndexOverride
      ? o.GlobalSecondaryIndexOverride.map((x) => ({ name: x.IndexName, keySchema: x.KeySchema, projection: { ...x.Projection }, global: true, read: x.ProvisionedThroughput?.ReadCapacityUnits, write: x.ProvisionedThroughput?.WriteCapacityUnits }))
      : src.gsis,
    tags: {}, deletionProtection: false, tableClass: src.tableClass, restore: summary,
  };
  for (const ix of [...rec.lsis, ...rec.gsis]) {
    for (const k of ix.keySchema) {
      if (!rec.attrDefs.some((d) => d.AttributeName === k.AttributeName)) {
        throw validation(`One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [${k.AttributeName}], AttributeDefinitions: [${rec.attrDefs.map((d) => d.AttributeName).join(', ')}]`);
      }
    }
  }
  s.tables.set(target, rec);
  const t = new Table(rec);
  trackTimers(t.ttlTimers);
  s.live.set(target, t);
  for (const item of items) {
    const copy = cloneItem(item);
    writeItem(s, t, t.pkOf(copy), undefined, copy);
  }
  return describe(t, 'CREATING');
}

export function restoreTableFromBackup(ctx: RequestContext, input: In<'RestoreTableFromBackup'>): Out<'RestoreTableFromBackup'> {
  const b = getBackup(st(ctx), input.BackupArn);
  const desc = restoreInto(ctx, input.TargetTableName, b.table, b.items, input as Overrides,
    { SourceBackupArn: b.arn, SourceTableArn: b.table.arn, RestoreDateTime: clock.now() });
  return { TableDescription: desc } as Out<'RestoreTableFromBackup'>;
}

// ---------------------------------------------------------------------------------------------
// Point-in-time recovery

/** The restorable window: from when PITR was turned on (at most the recovery period back) to
 * five minutes ago, as AWS's LatestRestorableDateTime "is typically 5 minutes before the
 * current time" (API Reference, PointInTimeRecoveryDescription). */
function window(rec: TableRec): { earliest: number; latest: number } {
  const now = clock.now();
  const p = rec.pitr!;
  const earliest = Math.max(p.since, now - p.days * 86_400_000);
  return { earliest, latest: Math.max(earliest, now - 5 * 60_000) };
}

function continuous(rec: TableRec) {
  const p = rec.pitr;
  if (!p?.enabled) return { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } };
  const w = window(rec);
  return {
    ContinuousBackupsStatus: 'ENABLED',
    PointInTimeRecoveryDescription: {
      PointInTimeRecoveryStatus: 'ENABLED', RecoveryPeriodInDays: p.days,
      EarliestRestorableDateTime: new Date(w.earliest), LatestRestorableDateTime: new Date(w.latest),
    },
  };
}

export function describeContinuousBackups(ctx: RequestContext, input: In<'DescribeContinuousBackups'>): Out<'DescribeContinuousBackups'> {
  const t = tableByNameOrArn(ctx, st(ctx), input.TableName);
  if (!t) throw tableNotFound(input.TableName);
  return { ContinuousBackupsDescription: continuous(t.rec) } as Out<'DescribeContinuousBackups'>;
}

export function updateContinuousBackups(ctx: RequestContext, input: In<'UpdateContinuousBackups'>): Out<'UpdateContinuousBackups'> {
  const s = st(ctx);
  const t = tableByNameOrArn(ctx, s, input.TableName);
  if (!t) throw tableNotFound(input.TableName);
  const spec = input.PointInTimeRecoverySpecification;
  const days = spec.RecoveryPeriodInDays ?? 35;
  if (days < 1 || days > 35) throw validation('RecoveryPeriodInDays must be between 1 and 35'); // wording unverified
  if (spec.PointInTimeRecoveryEnabled) {
    if (t.rec.pitr?.enabled) {
      t.rec = { ...t.rec, pitr: { ...t.rec.pitr, days } };
    } else {
      t.rec = { ...t.rec, pitr: { enabled: true, since: clock.now(), days } };
      startLog(s, t);
    }
  } else {
    if (spec.RecoveryPeriodInDays !== undefined) throw validation('RecoveryPeriodInDays can only be set when PointInTimeRecoveryEnabled is true'); // wording unverified
    t.rec = { ...t.rec, pitr: undefined };
    dropLog(s, t.rec.name);
  }
  s.tables.set(t.rec.name, t.rec);
  return { ContinuousBackupsDescription: continuous(t.rec) } as Out<'UpdateContinuousBackups'>;
}

export function restoreTableToPointInTime(ctx: RequestContext, input: In<'RestoreTableToPointInTime'>): Out<'RestoreTableToPointInTime'> {
  const s = st(ctx);
  const name = input.SourceTableArn ?? input.SourceTableName;
  if (name === undefined) throw validation('Either SourceTableArn or SourceTableName must be specified'); // wording unverified
  const t = tableByNameOrArn(ctx, s, name);
  if (!t) throw tableNotFound(name); // the model's error for a missing source (TableNotFoundException)
  if (!t.rec.pitr?.enabled) {
    throw new ServiceError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${t.rec.name}'`, 400); // wording unverified
  }
  const w = window(t.rec);
  let at: number;
  if (input.UseLatestRestorableTime) {
    if (input.RestoreDateTime !== undefined) throw validation('Only one of RestoreDateTime or UseLatestRestorableTime can be specified'); // wording unverified
    at = w.latest;
  } else {
    if (input.RestoreDateTime === undefined) throw validation('Either RestoreDateTime or UseLatestRestorableTime must be specified'); // wording unverified
    at = new Date(input.RestoreDateTime as Date).getTime();
  }
  if (at < w.earliest || at > w.latest) {
    throw new ServiceError('InvalidRestoreTimeException', `Restore time must be between ${new Date(w.earliest).toISOString()} and ${new Date(w.latest).toISOString()}`, 400); // wording unverified
  }
  const desc = restoreInto(ctx, input.TargetTableName, t.rec, itemsAt(s, t.rec.name, at), input as Overrides,
    { SourceTableArn: t.rec.arn, RestoreDateTime: at });
  return { TableDescription: desc } as Out<'RestoreTableToPointInTime'>;
}

