// Amazon Kinesis Data Streams: streams and their shards, records (put, iterators, reads),
// retention on the virtual clock, resharding, tags, encryption settings, enhanced monitoring,
// resource policies, enhanced fan-out consumers and their SubscribeToShard event streams.
// Other services write through PutRecords and read through GetShardIterator/GetRecords
// with core/internal-client, like any client.
import type { Service } from '../service.js';
import {
  createStream, deleteStream, describeLimits, describeStream, describeStreamSummary, disableEnhancedMonitoring,
  enableEnhancedMonitoring, listShards, listStreams, startStreamEncryption, stopStreamEncryption, updateMaxRecordSize, updateStreamMode,
} from './streams.js';
import { getRecords, getShardIterator, putRecord, putRecords } from './records.js';
import { decreaseStreamRetentionPeriod, increaseStreamRetentionPeriod } from './retention.js';
import { mergeShards, splitShard, updateShardCount } from './resharding.js';
import {
  addTagsToStream, deleteResourcePolicy, getResourcePolicy, listTagsForResource, listTagsForStream, putResourcePolicy,
  removeTagsFromStream, tagResource, untagResource,
} from './tags.js';
import { subscribeToShard } from './subscriptions.js';
import { deregisterStreamConsumer, describeStreamConsumer, listStreamConsumers, registerStreamConsumer } from './consumers.js';

export const kinesis: Service = {
  name: 'kinesis',
  handlers: {
    CreateStream: createStream,
    DeleteStream: deleteStream,
    DescribeStream: describeStream,
    DescribeStreamSummary: describeStreamSummary,
    ListStreams: listStreams,
    ListShards: listShards,
    UpdateStreamMode: updateStreamMode,
    UpdateMaxRecordSize: updateMaxRecordSize,
    StartStreamEncryption: startStreamEncryption,
    StopStreamEncryption: stopStreamEncryption,
    EnableEnhancedMonitoring: enableEnhancedMonitoring,
    DisableEnhancedMonitoring: disableEnhancedMonitoring,
    DescribeLimits: describeLimits,
    PutRecord: putRecord,
    PutRecords: putRecords,
    GetShardIterator: getShardIterator,
    GetRecords: getRecords,
    IncreaseStreamRetentionPeriod: increaseStreamRetentionPeriod,
    DecreaseStreamRetentionPeriod: decreaseStreamRetentionPeriod,
    SplitShard: splitShard,
    MergeShards: mergeShards,
    UpdateShardCount: updateShardCount,
    AddTagsToStream: addTagsToStream,
    RemoveTagsFromStream: removeTagsFromStream,
    ListTagsForStream: listTagsForStream,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
    PutResourcePolicy: putResourcePolicy,
    GetResourcePolicy: getResourcePolicy,
    DeleteResourcePolicy: deleteResourcePolicy,
    RegisterStreamConsumer: registerStreamConsumer,
    DescribeStreamConsumer: describeStreamConsumer,
    ListStreamConsumers: listStreamConsumers,
    DeregisterStreamConsumer: deregisterStreamConsumer,
    SubscribeToShard: subscribeToShard,
  },
};
