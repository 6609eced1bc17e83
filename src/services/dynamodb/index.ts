// Amazon DynamoDB: tables, items (expressions, exact 38-digit numbers), Query/Scan over ordered
// indexes with LSIs and GSIs, batches, transactions, consumed capacity and TTL. Operations not
// listed here (backups, global tables, PartiQL, imports/exports, streams…) answer 501.
import type { Service } from '../service.js';
import {
  createTable, deleteTable, describeEndpoints, describeLimits, describeTable, listTables, listTagsOfResource, tagResource,
  untagResource, updateTable,
} from './tables.js';
import { deleteItem, getItem, putItem, updateItem } from './items.js';
import { query, scan } from './query.js';
import { batchGetItem, batchWriteItem, transactGetItems, transactWriteItems } from './batch.js';
import { describeTimeToLive, updateTimeToLive } from './ttl.js';

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
  },
};
