// Identifier formats as AWS issues them.
import { randomBytes, randomUUID } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[bytes[i] % alphabet.length];
  return s;
}

export const requestId = (): string => randomUUID();

/**
 * S3's request ids are 16 upper-case hex digits (`<RequestId>4442587FB7D0A2F9</RequestId>` in
 * "The REST error response", Amazon S3 User Guide), in x-amz-request-id, error documents and
 * event notifications alike.
 */
export const s3RequestId = (): string => randomBytes(8).toString('hex').toUpperCase();

/**
 * IAM unique ids: a four-letter prefix naming the kind (AIDA user, AROA role, AGPA group,
 * ANPA managed policy, AIPA instance profile, AKIA access key, ASIA temporary key) and 17
 * characters; see "Unique identifiers" in the IAM User Guide (IAM identifiers).
 */
export const iamId = (prefix: string): string => prefix + pick(UPPER_ALNUM, 17);

/** A 40-character secret access key. */
export const secretKey = (): string => pick(ALNUM + '+/', 40);

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export const uuid = (): string => randomUUID();

export const randomAlnum = (n: number): string => pick(ALNUM, n);
