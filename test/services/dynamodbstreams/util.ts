// DynamoDB Streams test plumbing: a table with a stream.
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Creates table `name` (string key `pk`, on demand) with a stream of `view`; its stream's ARN. */
export async function streamTable(ddb: DynamoDBClient, name: string, view = 'NEW_AND_OLD_IMAGES'): Promise<string> {
  const r = await ddb.send(new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: view as 'NEW_IMAGE' },
  }));
  return r.TableDescription!.LatestStreamArn!;
}
