// Amazon DynamoDB Streams: ListStreams, DescribeStream, GetShardIterator, GetRecords. The
// streams belong to DynamoDB tables, so their records live with DynamoDB's state; this service
// answers the Streams endpoint by calling DynamoDB's internal stream handlers in-process
// (src/services/dynamodb/stream-api.ts), the same way another service would.
import { callService } from '../../core/internal-client.js';
import type { RequestContext, Service } from '../service.js';

const forward = (operation: string) => (ctx: RequestContext, input: Record<string, unknown>) =>
  callService(ctx, 'dynamodb', `Streams.${operation}`, input);

export const dynamodbstreams: Service = {
  name: 'dynamodbstreams',
  handlers: {
    ListStreams: forward('ListStreams'),
    DescribeStream: forward('DescribeStream'),
    GetShardIterator: forward('GetShardIterator'),
    GetRecords: forward('GetRecords'),
  },
};
