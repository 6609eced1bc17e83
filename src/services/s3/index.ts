// Amazon S3: buckets, objects (streamed to blobs, checksummed), versions (versions.ts),
// listings from per-bucket ordered indexes, multipart uploads, Object Lock, archive restores,
// lifecycle, bucket configurations, ACLs, CORS preflight, notifications, browser POST uploads. Wire details the model gets wrong live in
// models/patches/s3.json.
import { ServiceError } from '../../core/errors.js';
import type { Protocol } from '../../protocols/model.js';
import { validationError as protocolDefault } from '../../gateway/errors-style.js';
import type { Violation } from '../../protocols/validate.js';
import type { Service } from '../service.js';
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
import {
  abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart, uploadPartCopy,
} from './multipart.js';

/**
 * S3 does not answer model validation messages: a bad enum value has its own error (an
 * unknown LocationConstraint is InvalidLocationConstraint, a storage class InvalidStorageClass,
 * an encryption method InvalidArgument); anything else falls back to InvalidArgument.
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
  }
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
  },
  // Browser requests get the CORS headers of the bucket's rules, not the gateway's allow-all.
  cors: corsHeaders,
  validationError,
};
