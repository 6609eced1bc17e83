// Which version a request on `Bucket/Key[?versionId=]` means, with S3's errors for the cases
// in between: no such key, a current delete marker (404 NoSuchKey carrying
// x-amz-delete-marker), a delete marker asked for by id (405 MethodNotAllowed, S3 User Guide
// "Working with delete markers"), an unknown or malformed version id.
import { ServiceError } from '../../core/errors.js';
import { noSuchKey } from './common.js';
import type { BucketRec, ObjectRec } from './state.js';
import { currentVersion, findVersion, invalidVersionId, noSuchVersion, versionOf, wellFormedVersionId } from './versions.js';

const markerHeaders = (m: ObjectRec, versioned: boolean): Record<string, string> => ({
  'x-amz-delete-marker': 'true',
  ...(versioned ? { 'x-amz-version-id': versionOf(m) } : {}),
});

/** The object version a read (or a per-version subresource call) addresses. */
export function readVersion(bucket: BucketRec, key: string, versionId: string | undefined, method = 'GET'): ObjectRec {
  if (versionId === undefined) {
    const o = currentVersion(bucket.name, key);
    if (!o) throw noSuchKey(key);
    if (o.deleteMarker) {
      const e = noSuchKey(key);
      throw new ServiceError(e.code, e.message, 404, e.fields, true, markerHeaders(o, !!bucket.versioning));
    }
    return o;
  }
  if (!wellFormedVersionId(versionId)) throw invalidVersionId(versionId);
  const o = findVersion(bucket.name, key, versionId);
  if (!o) throw noSuchVersion(key, versionId);
  if (o.deleteMarker) {
    throw new ServiceError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405,
      { Method: method, ResourceType: 'DeleteMarker' }, true,
      { ...markerHeaders(o, true), 'Last-Modified': new Date(Math.floor(o.lastModified / 1000) * 1000).toUTCString() });
  }
  return o;
}

/** The version an Object Lock call (retention, legal hold) addresses. */
export const lockedTarget = (bucket: BucketRec, key: string, versionId: string | undefined): ObjectRec =>
  readVersion(bucket, key, versionId, 'PUT');
