// AWS RAM state. Resource shares are owned by one account but read by others (the accounts
// they are shared with), so RAM keeps one scope per region holding every account's shares,
// invitations and client tokens, each record naming its owner. A derived index maps a
// resource ARN to the shares that hold it, so "is X shared with account Y" (asked by SSM, and
// later EC2, on every cross-account read) does not scan.
import { defineState, type Collection } from '../../core/state.js';

export interface AssocRec {
  /** Principal (account id or ARN) or resource ARN. */
  entity: string;
  status: string;
  statusMessage?: string;
  created: number;
  updated: number;
  external?: boolean;
  /** Resources: the RAM resource type (ssm:Parameter …). */
  resourceType?: string;
}

export interface ShareRec {
  arn: string;
  name: string;
  owner: string;
  region: string;
  allowExternalPrincipals: boolean;
  status: string;
  featureSet: string;
  tags: { key: string; value: string }[];
  created: number;
  updated: number;
  principals: AssocRec[];
  resources: AssocRec[];
  permissionArns: string[];
  /** For shares created from an SSM resource policy: the policy's id. */
  policyId?: string;
}

export interface InvitationRec {
  arn: string;
  shareArn: string;
  sender: string;
  receiver: string;
  /** For an IAM user or role principal: its ARN. */
  receiverArn?: string;
  status: 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED';
  time: number;
}

/** A clientToken seen from an account: the share it made and a digest of the request. */
export interface TokenRec { shareArn: string; digest: string; op: string }

export interface RamState {
  shares: Collection<ShareRec>;
  invitations: Collection<InvitationRec>;
  tokens: Collection<TokenRec>;
  /** Derived: resource ARN → ARNs of shares associating it. */
  byResource: Map<string, Set<string>>;
}

export const ramState = defineState<RamState>({
  service: 'ram',
  create: (c) => ({
    shares: c.collection<ShareRec>('shares'),
    invitations: c.collection<InvitationRec>('invitations'),
    tokens: c.collection<TokenRec>('tokens'),
    byResource: new Map(),
  }),
  rebuild(s) {
    s.byResource.clear();
    for (const sh of s.shares.values()) indexShare(s, sh);
  },
});

/** The one regional scope that holds all accounts' RAM records. */
export const ram = (ctx: { region: string }): RamState => ramState({ accountId: '*', region: ctx.region });

export function indexShare(s: RamState, sh: ShareRec): void {
  for (const r of sh.resources) {
    let set = s.byResource.get(r.entity);
    if (!set) s.byResource.set(r.entity, (set = new Set()));
    set.add(sh.arn);
  }
}

export function unindexResource(s: RamState, shareArn: string, resourceArn: string): void {
  const set = s.byResource.get(resourceArn);
  if (!set) return;
  set.delete(shareArn);
  if (!set.size) s.byResource.delete(resourceArn);
}
