// S3 test plumbing: path-style SDK clients per region and account.
import { S3Client } from '@aws-sdk/client-s3';
import { sdk, credentials } from '../../helpers.js';

export const s3 = (n: { endpoint: string }, region = 'us-east-1', creds = credentials) =>
  new S3Client({ ...sdk(n, creds), region, forcePathStyle: true });

/** Credentials whose 12-digit key id selects another account. */
export const otherAccount = { accessKeyId: '111122223333', secretAccessKey: 'test' };

export const text = async (b: { transformToString(): Promise<string> } | undefined) => (b ? b.transformToString() : '');
