// Amazon S3: buckets, objects (streamed to blobs, checksummed), listings from per-bucket
// ordered indexes, multipart uploads. Wire details the model gets wrong live in
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
  },
  validationError,
};
