// Amazon S3: buckets, objects (streamed to blobs, checksummed), versions (versions.ts),
// listings from per-bucket ordered indexes, multipart uploads, Object Lock, archive restores,
// lifecycle, bucket configurations, ACLs, CORS preflight, notifications, browser POST uploads,
// GetObjectAttributes, replication, analytics/metrics/inventory/intelligent-tiering configurations,
// the legacy lifecycle and notification calls, S3 Select. Wire details the model gets wrong live in
// models/patches/s3.json.
import { ServiceError } from '../../core/errors.js';
import type { Protocol } from '../../protocols/model.js';
import { validationError as protocolDefault } from '../../gateway/errors-style.js';
import type { Violation } from '../../protocols/validate.js';
import type { Service } from '../service.js';
import { malformedXml } from './common.js';
import {
  createBucket, deleteBucket, deleteBucketTagging, getBucketLocation, getBucketTagging, headBucket, listBuckets, putBucketTagging,
} from './buckets.js';
import {
  copyObject, deleteObject, deleteObjects, deleteObjectTagging, getObject, getObjectTagging, headObject, putObject, putObjectTagging,
} from './objects.js';
import { listObjects, listObjectsV2 } from './listing.js';
import { getBucketVersioning, listObjectVersions, putBucketVersioning } from './versioning.js';
import {
  getObjectLegalHold, getObjectLockConfiguration, getObjectRetention, putObjectLegalHold, putObjectLockConfiguration, putObjectRetention,
} from './lock.js';
import { restoreObject } from './archive.js';
import { deleteBucketLifecycle, getBucketLifecycleConfiguration, putBucketLifecycleConfiguration } from './lifecycle.js';
import * as config from './bucket-config.js';
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from './acl.js';
import { corsHeaders, optionsObject } from './cors.js';
import { getBucketNotificationConfiguration, putBucketNotificationConfiguration } from './notifications.js';
import { postObject } from './post-object.js';
import { getObjectAttributes } from './object-attributes.js';
import * as keyed from './keyed-configs.js';
import { selectObjectContent } from './select.js';
import { getBucketLifecycle, getBucketNotification, putBucketLifecycle, putBucketNotification } from './legacy.js';
import { deleteBucketReplication, getBucketReplication, putBucketReplication } from './replication.js';
import {
  abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart, uploadPartCopy,
} from './multipart.js';

/** Configuration documents whose schema violations S3 answers with MalformedXML. */
const SCHEMA_CHECKED = /^(replication|analytics|metrics|inventory|intelligentTiering)Configuration\./;

/**
 * S3 does not answer model validation messages: a bad enum value has its own error (an
 * unknown LocationConstraint is InvalidLocationConstraint, a storage class InvalidStorageClass,
 * an encryption method InvalidArgument, an object attribute InvalidArgument naming it); a
 * schema violation in a configuration document is MalformedXML; anything else falls back to
 * InvalidArgument.
 */
function validationError(vs: Violation[], protocol: Protocol): ServiceError {
  for (const v of vs) {
    if (v.member === 'LocationConstraint') {
      return new ServiceError('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, { LocationConstraint: String(v.value) });
    }
    if (v.member === 'StorageClass') {
      return new ServiceError('InvalidStorageClass', 'The storage class you specified is not valid', 400, { StorageClassRequested: String(v.value) });
    }
    if (v.member === 'ServerSideEncryption') {
      return new ServiceError('InvalidArgument', 'The encryption method specified is not supported', 400, { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: String(v.value) });
    }
    if (v.member === 'ObjectAttributes' || v.member === 'x-amz-object-attributes') {
      if (v.kind === 'enum') return new ServiceError('InvalidArgument', 'Invalid attribute name specified.', 400, { ArgumentName: 'x-amz-object-attributes', ArgumentValue: String(v.value) });
    }
  }
  // In these configuration documents a value that breaks the schema (a missing element, a value
  // outside an enumeration) is MalformedXML: "The XML you provided was not well-formed or did
  // not validate against our published schema" (ErrorResponses.html).
  if (vs.some((v) => SCHEMA_CHECKED.test(v.path) && (v.kind === 'enum' || v.kind === 'required'))) return malformedXml();
  return protocolDefault(vs, protocol);
}

export const s3: Service = {
  name: 's3',
  handlers: {
    CreateBucket: createBucket,
    HeadBucket: headBucket,
    DeleteBucket: deleteBucket,
    ListBuckets: listBuckets,
    GetBucketLocation: getBucketLocation,
    GetBucketTagging: getBucketTagging,
    PutBucketTagging: putBucketTagging,
    DeleteBucketTagging: deleteBucketTagging,
    PutObject: putObject,
    GetObject: getObject,
    HeadObject: headObject,
    DeleteObject: deleteObject,
    DeleteObjects: deleteObjects,
    CopyObject: copyObject,
    GetObjectTagging: getObjectTagging,
    PutObjectTagging: putObjectTagging,
    DeleteObjectTagging: deleteObjectTagging,
    ListObjectsV2: listObjectsV2,
    ListObjects: listObjects,
    CreateMultipartUpload: createMultipartUpload,
    UploadPart: uploadPart,
    UploadPartCopy: uploadPartCopy,
    CompleteMultipartUpload: completeMultipartUpload,
    AbortMultipartUpload: abortMultipartUpload,
    ListParts: listParts,
    ListMultipartUploads: listMultipartUploads,
    // versioning.ts
    PutBucketVersioning: putBucketVersioning,
    GetBucketVersioning: getBucketVersioning,
    ListObjectVersions: listObjectVersions,
    // lock.ts
    PutObjectLockConfiguration: putObjectLockConfiguration,
    GetObjectLockConfiguration: getObjectLockConfiguration,
    PutObjectRetention: putObjectRetention,
    GetObjectRetention: getObjectRetention,
    PutObjectLegalHold: putObjectLegalHold,
    GetObjectLegalHold: getObjectLegalHold,
    // archive.ts
    RestoreObject: restoreObject,
    // lifecycle.ts
    PutBucketLifecycleConfiguration: putBucketLifecycleConfiguration,
    GetBucketLifecycleConfiguration: getBucketLifecycleConfiguration,
    DeleteBucketLifecycle: deleteBucketLifecycle,
    // bucket-config.ts
    PutBucketPolicy: config.putBucketPolicy,
    GetBucketPolicy: config.getBucketPolicy,
    DeleteBucketPolicy: config.deleteBucketPolicy,
    GetBucketPolicyStatus: config.getBucketPolicyStatus,
    PutBucketCors: config.putBucketCors,
    GetBucketCors: config.getBucketCors,
    DeleteBucketCors: config.deleteBucketCors,
    PutBucketEncryption: config.putBucketEncryption,
    GetBucketEncryption: config.getBucketEncryption,
    DeleteBucketEncryption: config.deleteBucketEncryption,
    PutBucketOwnershipControls: config.putBucketOwnershipControls,
    GetBucketOwnershipControls: config.getBucketOwnershipControls,
    DeleteBucketOwnershipControls: config.deleteBucketOwnershipControls,
    PutPublicAccessBlock: config.putPublicAccessBlock,
    GetPublicAccessBlock: config.getPublicAccessBlock,
    DeletePublicAccessBlock: config.deletePublicAccessBlock,
    PutBucketWebsite: config.putBucketWebsite,
    GetBucketWebsite: config.getBucketWebsite,
    DeleteBucketWebsite: config.deleteBucketWebsite,
    PutBucketLogging: config.putBucketLogging,
    GetBucketLogging: config.getBucketLogging,
    PutBucketRequestPayment: config.putBucketRequestPayment,
    GetBucketRequestPayment: config.getBucketRequestPayment,
    PutBucketAccelerateConfiguration: config.putBucketAccelerateConfiguration,
    GetBucketAccelerateConfiguration: config.getBucketAccelerateConfiguration,
    // acl.ts
    PutBucketAcl: putBucketAcl,
    GetBucketAcl: getBucketAcl,
    PutObjectAcl: putObjectAcl,
    GetObjectAcl: getObjectAcl,
    // cors.ts: the CORS preflight (models/patches/s3.json adds the operation)
    OptionsObject: optionsObject,
    // notifications.ts
    PutBucketNotificationConfiguration: putBucketNotificationConfiguration,
    GetBucketNotificationConfiguration: getBucketNotificationConfiguration,
    // post-object.ts: browser POST uploads (models/patches/s3.json adds the operation)
    PostObject: postObject,
    // object-attributes.ts
    GetObjectAttributes: getObjectAttributes,
    // replication.ts: the configuration and the background copies
    PutBucketReplication: putBucketReplication,
    GetBucketReplication: getBucketReplication,
    DeleteBucketReplication: deleteBucketReplication,
    // keyed-configs.ts: configurations stored by id
    PutBucketAnalyticsConfiguration: keyed.putBucketAnalyticsConfiguration,
    GetBucketAnalyticsConfiguration: keyed.getBucketAnalyticsConfiguration,
    DeleteBucketAnalyticsConfiguration: keyed.deleteBucketAnalyticsConfiguration,
    ListBucketAnalyticsConfigurations: keyed.listBucketAnalyticsConfigurations,
    PutBucketMetricsConfiguration: keyed.putBucketMetricsConfiguration,
    GetBucketMetricsConfiguration: keyed.getBucketMetricsConfiguration,
    DeleteBucketMetricsConfiguration: keyed.deleteBucketMetricsConfiguration,
    ListBucketMetricsConfigurations: keyed.listBucketMetricsConfigurations,
    PutBucketInventoryConfiguration: keyed.putBucketInventoryConfiguration,
    GetBucketInventoryConfiguration: keyed.getBucketInventoryConfiguration,
    DeleteBucketInventoryConfiguration: keyed.deleteBucketInventoryConfiguration,
    ListBucketInventoryConfigurations: keyed.listBucketInventoryConfigurations,
    PutBucketIntelligentTieringConfiguration: keyed.putBucketIntelligentTieringConfiguration,
    GetBucketIntelligentTieringConfiguration: keyed.getBucketIntelligentTieringConfiguration,
    DeleteBucketIntelligentTieringConfiguration: keyed.deleteBucketIntelligentTieringConfiguration,
    ListBucketIntelligentTieringConfigurations: keyed.listBucketIntelligentTieringConfigurations,
    // legacy.ts: the deprecated shapes of the lifecycle and notification calls
    PutBucketLifecycle: putBucketLifecycle,
    GetBucketLifecycle: getBucketLifecycle,
    PutBucketNotification: putBucketNotification,
    GetBucketNotification: getBucketNotification,
    // select.ts: S3 Select (SQL in select-sql.ts, CSV/JSON in select-formats.ts)
    SelectObjectContent: selectObjectContent,
  },
  // Browser requests get the CORS headers of the bucket's rules, not the gateway's allow-all.
  cors: corsHeaders,
  validationError,
};
