// Delivering a record to a destination ARN: an SQS queue, an SNS topic, a Lambda function or
// an EventBridge bus. Used by asynchronous invocation (OnSuccess/OnFailure) and by stream
// event source mappings (OnFailure). Delivery failures are logged, never thrown: AWS drops a
// record it cannot deliver (and reports it in metrics).
import { Readable } from 'node:stream';
import { callService, serviceContext } from '../../core/internal-client.js';
import { ServiceError } from '../../core/errors.js';
import { log } from '../../core/log.js';

const ARN = /^arn:aws[a-zA-Z-]*:(sqs|sns|lambda|events|s3):([a-z0-9-]*):(\d{12})?:(.+)$/;

/** The kinds of destination an ARN names, or undefined for one Lambda cannot deliver to. */
export function destinationKind(arn: string): 'sqs' | 'sns' | 'lambda' | 'events' | 's3' | undefined {
  const m = ARN.exec(arn);
  if (!m) return undefined;
  if (m[1] === 'lambda' && !/^function:[a-zA-Z0-9-_]+(:[a-zA-Z0-9-_$]+)?$/.test(m[4])) return undefined;
  if (m[1] === 'events' && !m[4].startsWith('event-bus/')) return undefined;
  return m[1] as 'sqs' | 'sns' | 'lambda' | 'events' | 's3';
}

/**
 * Sends `record` (JSON) to `arn`. `detailType` is the EventBridge detail-type (AWS: "Lambda
 * Function Invocation Result - Success" / "- Failure").
 */
export async function deliver(arn: string, record: unknown, o: { functionArn: string; success: boolean; s3Key?: () => string }): Promise<void> {
  const m = ARN.exec(arn);
  if (!m) return;
  const [, service, region, accountId, resource] = m;
  const scope = { accountId, region };
  const ctx = serviceContext('lambda', scope, 'Destination');
  const body = JSON.stringify(record);
  try {
    if (service === 'sqs') {
      const { QueueUrl } = await callService<{ QueueUrl: string }>(ctx, 'sqs', 'GetQueueUrl', { QueueName: resource, QueueOwnerAWSAccountId: accountId }, scope);
      await callService(ctx, 'sqs', 'SendMessage', { QueueUrl, MessageBody: body }, scope);
    } else if (service === 'sns') {
      await callService(ctx, 'sns', 'Publish', { TopicArn: arn, Message: body }, scope);
    } else if (service === 'lambda') {
      await callService(ctx, 'lambda', 'Invoke', { FunctionName: arn, InvocationType: 'Event', Payload: Buffer.from(body) }, scope);
    } else if (service === 'events') {
      await callService(ctx, 'events', 'PutEvents', { Entries: [{ Source: 'lambda', EventBusName: arn, Resources: [o.functionArn],
        DetailType: `Lambda Function Invocation Result - ${o.success ? 'Success' : 'Failure'}`, Detail: body }] }, scope);
    } else if (service === 's3' && o.s3Key) {
      // A bucket ARN (arn:aws:s3:::bucket): the record becomes one JSON object.
      await callService(ctx, 's3', 'PutObject', { Bucket: resource, Key: o.s3Key(), Body: Readable.from([Buffer.from(body)]), ContentType: 'application/json' },
        { accountId: o.functionArn.split(':')[4], region: o.functionArn.split(':')[3] });
    } else {
      log.warn(`lambda: destination ${arn} is not supported by Nimbus; record dropped`);
    }
  } catch (e) {
    log.warn(`lambda: could not deliver to ${arn}: ${e instanceof ServiceError ? `${e.code}: ${e.message}` : (e as Error).message}`);
  }
}
