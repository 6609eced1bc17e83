// Amazon CloudWatch Logs: log groups and streams, events (put, get, filter with the full filter
// pattern syntax), retention on the clock, tags, metric filters (with TestMetricFilter),
// subscription filters delivering to Lambda, account resource policies, saved query
// definitions. Lambda writes its functions' output here through the in-process client.
import { ServiceError } from '../../core/errors.js';
import { validationMessage, type Violation } from '../../protocols/validate.js';
import type { Service } from '../service.js';
import {
  createLogGroup, createLogStream, deleteLogGroup, deleteLogStream, deleteRetentionPolicy, describeLogGroups, describeLogStreams,
  listLogGroups, putRetentionPolicy,
} from './groups.js';
import { filterLogEvents, getLogEvents, putLogEvents } from './events.js';
import { deleteMetricFilter, describeMetricFilters, putMetricFilter, testMetricFilter } from './metric-filters.js';
import { deleteSubscriptionFilter, describeSubscriptionFilters, putSubscriptionFilter } from './subscriptions.js';
import { listTagsForResource, listTagsLogGroup, tagLogGroup, tagResource, untagLogGroup, untagResource } from './tags.js';
import {
  deleteQueryDefinition, deleteResourcePolicy, describeQueryDefinitions, describeResourcePolicies, putQueryDefinition,
  putResourcePolicy,
} from './policies.js';

/**
 * CloudWatch Logs reports model violations as InvalidParameterException with the usual
 * "1 validation error detected: …" text (e.g. PutRetentionPolicy with retentionInDays 2, or a
 * log group name outside [.\-_/#A-Za-z0-9]+), not as ValidationException.
 */
const validationError = (vs: Violation[]) => new ServiceError('InvalidParameterException', validationMessage(vs), 400);

export const logs: Service = {
  name: 'logs',
  validationError,
  handlers: {
    CreateLogGroup: createLogGroup,
    DeleteLogGroup: deleteLogGroup,
    DescribeLogGroups: describeLogGroups,
    ListLogGroups: listLogGroups,
    PutRetentionPolicy: putRetentionPolicy,
    DeleteRetentionPolicy: deleteRetentionPolicy,
    CreateLogStream: createLogStream,
    DeleteLogStream: deleteLogStream,
    DescribeLogStreams: describeLogStreams,
    PutLogEvents: putLogEvents,
    GetLogEvents: getLogEvents,
    FilterLogEvents: filterLogEvents,
    TagLogGroup: tagLogGroup,
    UntagLogGroup: untagLogGroup,
    ListTagsLogGroup: listTagsLogGroup,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
    PutMetricFilter: putMetricFilter,
    DescribeMetricFilters: describeMetricFilters,
    DeleteMetricFilter: deleteMetricFilter,
    TestMetricFilter: testMetricFilter,
    PutSubscriptionFilter: putSubscriptionFilter,
    DescribeSubscriptionFilters: describeSubscriptionFilters,
    DeleteSubscriptionFilter: deleteSubscriptionFilter,
    PutResourcePolicy: putResourcePolicy,
    DescribeResourcePolicies: describeResourcePolicies,
    DeleteResourcePolicy: deleteResourcePolicy,
    PutQueryDefinition: putQueryDefinition,
    DescribeQueryDefinitions: describeQueryDefinitions,
    DeleteQueryDefinition: deleteQueryDefinition,
  },
};
