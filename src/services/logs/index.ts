// Amazon CloudWatch Logs: log groups, log streams, events (put, get, filter), retention.
// Lambda writes its functions' output here through the in-process client.
import type { Service } from '../service.js';
import {
  createLogGroup, createLogStream, deleteLogGroup, deleteLogStream, deleteRetentionPolicy, describeLogGroups, describeLogStreams,
  putRetentionPolicy,
} from './groups.js';
import { filterLogEvents, getLogEvents, putLogEvents } from './events.js';

export const logs: Service = {
  name: 'logs',
  handlers: {
    CreateLogGroup: createLogGroup,
    DeleteLogGroup: deleteLogGroup,
    DescribeLogGroups: describeLogGroups,
    PutRetentionPolicy: putRetentionPolicy,
    DeleteRetentionPolicy: deleteRetentionPolicy,
    CreateLogStream: createLogStream,
    DeleteLogStream: deleteLogStream,
    DescribeLogStreams: describeLogStreams,
    PutLogEvents: putLogEvents,
    GetLogEvents: getLogEvents,
    FilterLogEvents: filterLogEvents,
  },
};
