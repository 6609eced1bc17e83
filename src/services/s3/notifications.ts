// Event notifications: Put/GetBucketNotificationConfiguration, and delivering events to SQS,
// SNS and Lambda through the in-process client. Message format from the S3 User Guide, "Event
// message structure" (eventVersion 2.1); destination checks and the s3:TestEvent from
// "Walkthrough: Configuring a bucket for notifications".
import { randomBytes, randomUUID } from 'node:crypto';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { callService, serviceContext } from '../../core/internal-client.js';
import { log } from '../../core/log.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { checkBufferedMd5 } from './body.js';
import { canonicalId, invalidArgument, ownBucket } from './common.js';
import { s3State, type BucketRec, type ObjectRec } from './state.js';

type Target = { kind: 'queue' | 'topic' | 'lambda'; arn: string; id: string; events: string[]; rules: { Name: string; Value: string }[] };

const EVENTS = new Set([
  's3:ObjectCreated:*', 's3:ObjectCreated:Put', 's3:ObjectCreated:Post', 's3:ObjectCreated:Copy', 's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*', 's3:ObjectRemoved:Delete', 's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*', 's3:ObjectRestore:Post', 's3:ObjectRestore:Completed', 's3:ObjectRestore:Delete',
  's3:LifecycleExpiration:*', 's3:LifecycleExpiration:Delete', 's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:LifecycleTransition', 's3:ObjectTagging:*', 's3:ObjectTagging:Put', 's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put', 's3:ReducedRedundancyLostObject', 's3:Replication:*', 's3:IntelligentTiering',
]);

const config = (b: BucketRec) => b.config?.notification as T.NotificationConfiguration | undefined;

function targets(c: T.NotificationConfiguration | undefined): Target[] {
  if (!c) return [];
  const rules = (f: T.NotificationConfigurationFilter | undefined) => (f?.Key?.FilterRules ?? []).map((r) => ({ Name: String(r.Name).toLowerCase(), Value: r.Value ?? '' }));
  return [
    ...(c.QueueConfigurations ?? []).map((q) => ({ kind: 'queue' as const, arn: q.QueueArn, id: q.Id!, events: q.Events, rules: rules(q.Filter) })),
    ...(c.TopicConfigurations ?? []).map((q) => ({ kind: 'topic' as const, arn: q.TopicArn, id: q.Id!, events: q.Events, rules: rules(q.Filter) })),
    ...(c.LambdaFunctionConfigurations ?? []).map((q) => ({ kind: 'lambda' as const, arn: q.LambdaFunctionArn, id: q.Id!, events: q.Events, rules: rules(q.Filter) })),
  ];
}

const arnParts = (arn: string) => {
  const p = arn.split(':');
  return { region: p[3] ?? '', account: p[4] ?? '', name: p.slice(6).join(':') || p[5] || '' };
};

/** Whether the destination exists (an SQS queue, SNS topic, Lambda function). */
async function exists(ctx: RequestContext, t: Target): Promise<boolean> {
  const { region, account, name } = arnParts(t.arn);
  const scope = { accountId: account, region };
  try {
    if (t.kind === 'queue') await callService(ctx, 'sqs', 'GetQueueUrl', { QueueName: name, QueueOwnerAWSAccountId: account }, scope);
    else if (t.kind === 'topic') await callService(ctx, 'sns', 'GetTopicAttributes', { TopicArn: t.arn }, scope);
    else await callService(ctx, 'lambda', 'GetFunction', { FunctionName: t.arn }, scope);
    return true;
  } catch { return false; }
}

async function deliver(ctx: RequestContext, t: Target, body: string): Promise<void> {
  const { region, account, name } = arnParts(t.arn);
  const scope = { accountId: account, region };
  if (t.kind === 'queue') {
    const { QueueUrl } = await callService<{ QueueUrl: string }>(ctx, 'sqs', 'GetQueueUrl', { QueueName: name, QueueOwnerAWSAccountId: account }, scope);
    await callService(ctx, 'sqs', 'SendMessage', { QueueUrl, MessageBody: body }, scope);
  } else if (t.kind === 'topic') {
    await callService(ctx, 'sns', 'Publish', { TopicArn: t.arn, Message: body, Subject: 'Amazon S3 Notification' }, scope);
  } else {
    await callService(ctx, 'lambda', 'Invoke', { FunctionName: t.arn, InvocationType: 'Event', Payload: Buffer.from(body) }, scope);
  }
}

function send(ctx: RequestContext, t: Target, body: string): void {
  deliver(ctx, t, body).catch((e) => log.error(`s3: notification to ${t.arn} failed: ${(e as Error).message}`));
}

export async function putBucketNotificationConfiguration(ctx: RequestContext, input: T.PutBucketNotificationConfigurationRequest): Promise<void> {
  const b = ownBucket(ctx, input.Bucket);
  checkBufferedMd5(ctx);
  const c = structuredClone(input.NotificationConfiguration ?? {}) as T.NotificationConfiguration;
  for (const list of [c.QueueConfigurations, c.TopicConfigurations, c.LambdaFunctionConfigurations]) {
    for (const x of (list ?? []) as { Id?: string; Events: string[]; Filter?: T.NotificationConfigurationFilter }[]) {
      // An unnamed configuration gets a generated id (base64 of a UUID, as S3 shows).
      x.Id ??= Buffer.from(randomUUID()).toString('base64');
      for (const e of x.Events ?? []) if (!EVENTS.has(e)) throw invalidArgument('The event is not supported for notifications', e, e);
      const names = new Set<string>();
      for (const r of x.Filter?.Key?.FilterRules ?? []) {
        const n = String(r.Name).toLowerCase();
        if (n !== 'prefix' && n !== 'suffix') throw invalidArgument('filter rule name must be either prefix or suffix', 'FilterRule', r.Name);
        if (names.has(n)) throw invalidArgument('Cannot specify more than one prefix rule in a filter.', 'FilterRule', r.Name);
        names.add(n);
      }
    }
  }
  const all = targets(c);
  checkOverlap(all);
  const missing: Target[] = [];
  if (!input.SkipDestinationValidation) for (const t of all) if (!(await exists(ctx, t))) missing.push(t);
  if (missing.length) {
    const fields: Record<string, string> = {};
    missing.forEach((t, i) => {
      fields[`ArgumentName${i + 1}`] = t.arn;
      fields[`ArgumentValue${i + 1}`] = t.kind === 'lambda' ? `Not authorized to invoke function [${t.arn}]`
        : `Permissions on the destination ${t.kind} do not allow S3 to publish notifications from this bucket`;
    });
    throw new ServiceError('InvalidArgument', 'Unable to validate the following destination configurations', 400, fields);
  }
  const before = new Set(targets(config(b)).map((t) => t.arn));
  b.config = { ...b.config, notification: c };
  s3State().buckets.touch(b.name);
  // New SQS and SNS destinations get an s3:TestEvent (Lambda functions do not).
  const test = JSON.stringify({
    Service: 'Amazon S3', Event: 's3:TestEvent', Time: new Date(clock.now()).toISOString(), Bucket: b.name,
    RequestId: ctx.requestId, HostId: randomBytes(48).toString('base64'),
  });
  const sent = new Set<string>();
  for (const t of all) {
    if (t.kind === 'lambda' || before.has(t.arn) || sent.has(t.arn)) continue;
    sent.add(t.arn);
    await deliver(ctx, t, test).catch((e) => log.error(`s3: test event to ${t.arn} failed: ${(e as Error).message}`));
  }
}

/**
 * Two configurations may not share an event type for keys both could match: "Configurations
 * overlap. Configurations on the same bucket cannot share a common event type." (S3 User
 * Guide, "Configuring event notifications using object key name filtering").
 */
function checkOverlap(all: Target[]): void {
  const kinds = (t: Target) => t.events.map((e) => e.split(':').slice(0, 2).join(':'));
  const sharesEvent = (a: Target, b: Target) => a.events.some((x) => b.events.some((y) =>
    x === y || (x.endsWith(':*') && kinds(b).includes(x.slice(0, -2))) || (y.endsWith(':*') && kinds(a).includes(y.slice(0, -2)))));
  const rule = (t: Target, n: string) => t.rules.find((r) => r.Name === n)?.Value ?? '';
  const overlaps = (a: Target, b: Target) => {
    const [pa, pb, sa, sb] = [rule(a, 'prefix'), rule(b, 'prefix'), rule(a, 'suffix'), rule(b, 'suffix')];
    return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
  };
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (sharesEvent(all[i], all[j]) && overlaps(all[i], all[j])) {
        throw invalidArgument('Configurations overlap. Configurations on the same bucket cannot share a common event type.', 'Event', all[j].events[0]);
      }
    }
  }
}

export function getBucketNotificationConfiguration(ctx: RequestContext, input: T.GetBucketNotificationConfigurationRequest): T.NotificationConfiguration {
  const b = ownBucket(ctx, input.Bucket);
  return config(b) ?? {};
}

function matches(t: Target, event: string, key: string): boolean {
  const [kind] = event.split(':');
  if (!t.events.some((e) => e === `s3:${event}` || e === `s3:${kind}:*`)) return false;
  for (const r of t.rules) {
    if (r.Name === 'prefix' && !key.startsWith(r.Value)) return false;
    if (r.Name === 'suffix' && !key.endsWith(r.Value)) return false;
  }
  return true;
}

/** Keys in events are URL-encoded as in a form: spaces become '+' (Event message structure). */
const eventKey = (k: string) => encodeURIComponent(k).replace(/%20/g, '+').replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Sends `event` (e.g. 'ObjectCreated:Put') about `o` to every matching destination of the bucket. */
export function notify(ctx: RequestContext, b: BucketRec, event: string, o: ObjectRec, principal?: string): void {
  const ts = targets(config(b));
  if (!ts.length) return;
  const removed = event.startsWith('ObjectRemoved') || event.startsWith('LifecycleExpiration');
  // "The sequencer key … provides a way to determine the sequence of events": later events on a
  // key have greater values (Event message structure). A write's own number, else a new one.
  const seq = event.startsWith('ObjectCreated') ? o.seq ?? 0 : s3State().seq.next++;
  for (const t of ts) {
    if (!matches(t, event, o.key)) continue;
    const record = {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: b.region,
      eventTime: new Date(clock.now()).toISOString(),
      eventName: event,
      userIdentity: { principalId: principal ?? `AWS:${ctx.caller?.userId ?? ctx.accountId}` },
      requestParameters: { sourceIPAddress: principal ? 's3.amazonaws.com' : '127.0.0.1' },
      responseElements: { 'x-amz-request-id': ctx.requestId, 'x-amz-id-2': randomBytes(48).toString('base64') },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: t.id,
        bucket: { name: b.name, ownerIdentity: { principalId: canonicalId(b.owner) }, arn: `arn:aws:s3:::${b.name}` },
        object: {
          key: eventKey(o.key),
          ...(removed ? {} : { size: o.size, eTag: o.etag.replace(/"/g, '') }),
          ...(b.versioning ? { versionId: o.versionId ?? 'null' } : {}),
          sequencer: seq.toString(16).toUpperCase().padStart(18, '0'),
        },
      },
    };
    send(ctx, t, JSON.stringify({ Records: [record] }));
  }
}

/** Events S3 raises on its own (restore completed, lifecycle expiration). */
export function notifyFromService(owner: string, region: string, bucket: string, event: string, o: ObjectRec): void {
  const b = s3State().buckets.get(bucket);
  if (!b) return;
  notify(serviceContext('s3', { accountId: owner, region }), b, event, o, 's3.amazonaws.com');
}
