// AWS managed policies (arn:aws:iam::aws:policy/…): a read-only catalog shared by every
// account, loaded on first use. Every published policy can be read, listed and attached; the
// documents of the commonly attached ones ship with Nimbus (see scripts/gen-aws-policies.py), and
// GetPolicyVersion of any other answers NotImplemented rather than inventing a document.
import { createHash } from 'node:crypto';
import { base32Encode } from './totp.js';

export interface AwsPolicy {
  PolicyName: string;
  Path: string;
  Arn: string;
  PolicyId: string;
  DefaultVersionId: string;
  CreateDate: number;
  UpdateDate: number;
  /** Pretty-printed JSON of the default version, when Nimbus ships it. */
  Document?: string;
}

interface Catalog { byArn: Map<string, AwsPolicy>; sorted: AwsPolicy[] }
let catalog: Promise<Catalog> | undefined;

export const awsPolicyArn = (path: string, name: string): string => `arn:aws:iam::aws:policy${path}${name}`;

/** AWS's policy ids are fixed per policy; Nimbus derives a stable one from the ARN. */
const policyId = (arn: string) => 'ANPA' + base32Encode(createHash('sha256').update(arn).digest()).slice(0, 17);

async function load(): Promise<Catalog> {
  const { CATALOG, DOCUMENTS } = await import('./aws-policies-data.js');
  const byArn = new Map<string, AwsPolicy>();
  const sorted: AwsPolicy[] = [];
  for (const row of CATALOG.split('\n')) {
    const [name, path, version, created, updated] = row.split('\t');
    const arn = awsPolicyArn(path, name);
    const doc = DOCUMENTS[name] as Record<string, unknown> | undefined;
    const p: AwsPolicy = {
      PolicyName: name, Path: path, Arn: arn, PolicyId: policyId(arn), DefaultVersionId: version,
      CreateDate: Date.parse(created), UpdateDate: Date.parse(updated),
      // Version first, as AWS prints its documents.
      Document: doc ? JSON.stringify({ Version: doc.Version, ...doc }, null, 4) : undefined,
    };
    byArn.set(arn, p);
    sorted.push(p);
  }
  return { byArn, sorted };
}

const get = (): Promise<Catalog> => (catalog ??= load());

export async function awsPolicy(arn: string): Promise<AwsPolicy | undefined> {
  return (await get()).byArn.get(arn);
}

/** All AWS managed policies, sorted by name (case-insensitive). */
export async function awsPolicies(): Promise<readonly AwsPolicy[]> {
  return (await get()).sorted;
}
