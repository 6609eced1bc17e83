// The pre-2016 (deprecated) bucket lifecycle and notification calls, kept because clients still
// send them: "Appendix: Lifecycle Configuration APIs (Deprecated)"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/lifecycle-old-api.html) and
// PutBucketNotification/GetBucketNotification in the API reference. They use the same
// subresources (?lifecycle, ?notification) and the same stored configuration as the current
// calls: a legacy rule is a current rule whose only filter is a Prefix, and a legacy
// notification holds at most one configuration per destination kind.
//
// On the wire a legacy request is indistinguishable from the current one (same method, path
// and query; its XML elements are a subset), so the router dispatches the current operation
// and these handlers exist for callers inside Nimbus and for clarity; the mapping is the same.
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { getBucketLifecycleConfiguration, putBucketLifecycleConfiguration } from './lifecycle.js';
import { getBucketNotificationConfiguration, putBucketNotificationConfiguration } from './notifications.js';

export function putBucketLifecycle(ctx: RequestContext, input: T.PutBucketLifecycleRequest): void {
  const Rules: T.LifecycleRule[] = (input.LifecycleConfiguration?.Rules ?? []).map((r) => ({
    ID: r.ID, Prefix: r.Prefix ?? '', Status: r.Status, Expiration: r.Expiration,
    Transitions: r.Transition ? [r.Transition] : undefined,
    NoncurrentVersionTransitions: r.NoncurrentVersionTransition ? [r.NoncurrentVersionTransition] : undefined,
    NoncurrentVersionExpiration: r.NoncurrentVersionExpiration,
    AbortIncompleteMultipartUpload: r.AbortIncompleteMultipartUpload,
  }));
  putBucketLifecycleConfiguration(ctx, { Bucket: input.Bucket, LifecycleConfiguration: { Rules } });
}

/** Current rules in the legacy shape: the filter's prefix becomes the rule's Prefix. */
export function getBucketLifecycle(ctx: RequestContext, input: T.GetBucketLifecycleRequest): T.GetBucketLifecycleOutput {
  const { Rules = [] } = getBucketLifecycleConfiguration(ctx, input);
  return {
    Rules: Rules.map((r) => ({
      ID: r.ID, Prefix: r.Prefix ?? r.Filter?.Prefix ?? r.Filter?.And?.Prefix ?? '', Status: r.Status, Expiration: r.Expiration,
      Transition: r.Transitions?.[0], NoncurrentVersionTransition: r.NoncurrentVersionTransitions?.[0],
      NoncurrentVersionExpiration: r.NoncurrentVersionExpiration, AbortIncompleteMultipartUpload: r.AbortIncompleteMultipartUpload,
    })),
  };
}

const eventsOf = (c: { Event?: string; Events?: string[] }) => [...new Set([...(c.Events ?? []), ...(c.Event ? [c.Event] : [])])];

export async function putBucketNotification(ctx: RequestContext, input: T.PutBucketNotificationRequest): Promise<void> {
  const c = input.NotificationConfiguration ?? {};
  const t = c.TopicConfiguration, q = c.QueueConfiguration, f = c.CloudFunctionConfiguration;
  await putBucketNotificationConfiguration(ctx, {
    Bucket: input.Bucket,
    NotificationConfiguration: {
      TopicConfigurations: t?.Topic ? [{ Id: t.Id, TopicArn: t.Topic, Events: eventsOf(t) }] : undefined,
      QueueConfigurations: q?.Queue ? [{ Id: q.Id, QueueArn: q.Queue, Events: eventsOf(q) }] : undefined,
      LambdaFunctionConfigurations: f?.CloudFunction ? [{ Id: f.Id, LambdaFunctionArn: f.CloudFunction, Events: eventsOf(f) }] : undefined,
    },
  });
}

/** The first configuration of each kind, in the legacy shape. */
export function getBucketNotification(ctx: RequestContext, input: T.GetBucketNotificationConfigurationRequest): T.NotificationConfigurationDeprecated {
  const c = getBucketNotificationConfiguration(ctx, input);
  const t = c.TopicConfigurations?.[0], q = c.QueueConfigurations?.[0], f = c.LambdaFunctionConfigurations?.[0];
  return {
    TopicConfiguration: t && { Id: t.Id, Events: t.Events, Topic: t.TopicArn },
    QueueConfiguration: q && { Id: q.Id, Events: q.Events, Queue: q.QueueArn },
    CloudFunctionConfiguration: f && { Id: f.Id, Events: f.Events, CloudFunction: f.LambdaFunctionArn },
  };
}
