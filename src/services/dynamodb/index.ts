// Amazon DynamoDB: tables, items (expressions and the legacy parameters, exact 38-digit
// numbers), Query/Scan over ordered indexes with LSIs and GSIs, batches, transactions, PartiQL,
// consumed capacity, TTL, streams (served to the Streams API through `internal`), backups,
// point-in-time recovery, exports to and imports from S3, global tables (both versions, with
// real replication between the regions of this one process), replica auto scaling settings and
// Kinesis streaming destinations. Operations not listed here answer 501.
//
// Where things are: tables.ts (table operations), items.ts, query.ts, batch.ts, legacy.ts
// (pre-expression parameters), expr.ts (expressions), partiql.ts + partiql-exec.ts, ttl.ts,
// streams.ts + stream-api.ts, backups.ts + pitr-log.ts, exports.ts + imports.ts (S3 through
// s3-data.ts), policies.ts (resource policies), insights.ts (Contributor Insights), replicas.ts
// (global tables 2019.11.21: UpdateTable ReplicaUpdates), global-legacy.ts (2017.11.29),
// replication.ts (both versions' replication), replica-autoscaling.ts, kinesis-destinations.ts,
// state.ts (ordered indexes).
import type { Service } from '../service.js';
import {
  createTable, deleteTable, describeEndpoints, describeLimits, describeTable, listTables, listTagsOfResource, tagResource,
  untagResource, updateTable,
} from './tables.js';
import { deleteItem, getItem, putItem, updateItem } from './items.js';
import { query, scan } from './query.js';
import { batchGetItem, batchWriteItem, transactGetItems, transactWriteItems } from './batch.js';
import { describeTimeToLive, updateTimeToLive } from './ttl.js';
import {
  createBackup, deleteBackup, describeBackup, describeContinuousBackups, listBackups, restoreTableFromBackup,
  restoreTableToPointInTime, updateContinuousBackups,
} from './backups.js';
import { deleteResourcePolicy, getResourcePolicy, putResourcePolicy } from './policies.js';
import { describeContributorInsights, listContributorInsights, updateContributorInsights } from './insights.js';
import { batchExecuteStatement, executeStatement, executeTransaction } from './partiql-exec.js';
import { describeExport, exportTableToPointInTime, listExports } from './exports.js';
import { describeImport, importTable, listImports } from './imports.js';
import { describeStream, getRecords, getShardIterator, listStreams } from './stream-api.js';
import {
  createGlobalTable, describeGlobalTable, describeGlobalTableSettings, listGlobalTables, updateGlobalTable, updateGlobalTableSettings,
} from './global-legacy.js';
import { describeTableReplicaAutoScaling, updateTableReplicaAutoScaling } from './replica-autoscaling.js';
import {
  describeKinesisStreamingDestination, disableKinesisStreamingDestination, enableKinesisStreamingDestination, updateKinesisStreamingDestination,
} from './kinesis-destinations.js';
import './replication.js'; // the write path's fan-out to replicas and Kinesis destinations

export const dynamodb: Service = {
  name: 'dynamodb',
  handlers: {
    CreateTable: createTable,
    DescribeTable: describeTable,
    DeleteTable: deleteTable,
    ListTables: listTables,
    UpdateTable: updateTable,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsOfResource: listTagsOfResource,
    DescribeLimits: describeLimits,
    DescribeEndpoints: describeEndpoints,
    PutItem: putItem,
    GetItem: getItem,
    UpdateItem: updateItem,
    DeleteItem: deleteItem,
    Query: query,
    Scan: scan,
    BatchGetItem: batchGetItem,
    BatchWriteItem: batchWriteItem,
    TransactWriteItems: transactWriteItems,
    TransactGetItems: transactGetItems,
    UpdateTimeToLive: updateTimeToLive,
    DescribeTimeToLive: describeTimeToLive,
    ExecuteStatement: executeStatement,
    BatchExecuteStatement: batchExecuteStatement,
    ExecuteTransaction: executeTransaction,
    CreateBackup: createBackup,
    DescribeBackup: describeBackup,
    ListBackups: listBackups,
    DeleteBackup: deleteBackup,
    RestoreTableFromBackup: restoreTableFromBackup,
    UpdateContinuousBackups: updateContinuousBackups,
    DescribeContinuousBackups: describeContinuousBackups,
    RestoreTableToPointInTime: restoreTableToPointInTime,
    PutResourcePolicy: putResourcePolicy,
    GetResourcePolicy: getResourcePolicy,
    DeleteResourcePolicy: deleteResourcePolicy,
    UpdateContributorInsights: updateContributorInsights,
    DescribeContributorInsights: describeContributorInsights,
    ListContributorInsights: listContributorInsights,
    ExportTableToPointInTime: exportTableToPointInTime,
    DescribeExport: describeExport,
    ListExports: listExports,
    ImportTable: importTable,
    DescribeImport: describeImport,
    ListImports: listImports,
    CreateGlobalTable: createGlobalTable,
    UpdateGlobalTable: updateGlobalTable,
    DescribeGlobalTable: describeGlobalTable,
    ListGlobalTables: listGlobalTables,
    DescribeGlobalTableSettings: describeGlobalTableSettings,
    UpdateGlobalTableSettings: updateGlobalTableSettings,
    DescribeTableReplicaAutoScaling: describeTableReplicaAutoScaling,
    UpdateTableReplicaAutoScaling: updateTableReplicaAutoScaling,
    EnableKinesisStreamingDestination: enableKinesisStreamingDestination,
    DisableKinesisStreamingDestination: disableKinesisStreamingDestination,
    DescribeKinesisStreamingDestination: describeKinesisStreamingDestination,
    UpdateKinesisStreamingDestination: updateKinesisStreamingDestination,
  },
  // The DynamoDB Streams API, served by src/services/dynamodbstreams/ through these.
  internal: {
    'Streams.ListStreams': listStreams,
    'Streams.DescribeStream': describeStream,
    'Streams.GetShardIterator': getShardIterator,
    'Streams.GetRecords': getRecords,
  },
  // Attribute values are checked by values.ts (checkValue) in DynamoDB's words; walking each
  // item a second time for the model's one constraint inside them would double the cost.
  validatesItself: new Set(['AttributeValue']),
};
