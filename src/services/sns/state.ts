// SNS state per account and region: topics, subscriptions and FIFO deduplication entries are
// journalled collections; the per-topic subscription index, compiled filter policies and parsed
// delivery policies live beside them and are rebuilt after a load. The signing key (one per
// Nimbus data lifetime) is kept in a collection of its own scope, so a restart with --data-dir
// keeps verifying signatures made before it.
import { defineState, onReset, type Collection } from '../../core/state.js';
import { compileFilterPolicy, type Matcher } from './filter-policy.js';

export interface TopicRec {
  arn: string;
  name: string;
  account: string;
  region: string;
  fifo: boolean;
  /** Attributes as SNS reports them (strings); computed ones are added on read. */
  attrs: Record<string, string>;
  /** Tags in insertion order (ListTagsForResource order). */
  tags: Record<string, string>;
  dataProtectionPolicy?: string;
  /** Subscriptions deleted since creation (SubscriptionsDeleted). */
  deletedSubs: number;
  /** Last FIFO sequence number handed out. */
  seq: number;
  created: number;
}

export interface SubRec {
  arn: string;
  topicArn: string;
  account: string;
  region: string;
  protocol: string;
  endpoint: string;
  owner: string;
  confirmed: boolean;
  /** The confirmation token of a pending subscription. */
  token?: string;
  /** Settable attributes (RawMessageDelivery, FilterPolicy, ...). */
  attrs: Record<string, string>;
  authenticated: boolean;
  /** Confirmed with AuthenticateOnUnsubscribe=true: unsubscribing needs AWS authentication. */
  authUnsub?: boolean;
  created: number;
}

/** A FIFO topic's deduplication entry: a message id seen within the 5-minute window. */
export interface DedupRec { topic: string; key: string; messageId: string; seq: string; at: number }

export interface KeyRec { privateKey: string; cert: string; id: string }

/** A mobile push platform application; its credentials are stored, never shown. */
export interface AppRec { arn: string; name: string; platform: string; attrs: Record<string, string>; created: number }

/** A platform endpoint (a device token of an application). */
export interface EndpointRec { arn: string; app: string; attrs: Record<string, string>; created: number }

/** A subscription with what is derived from its attributes, compiled once. */
export class LiveSub {
  filter: Matcher | undefined;
  constructor(public rec: SubRec) { this.recompile(); }
  recompile(): void {
    const fp = this.rec.attrs.FilterPolicy;
    this.filter = fp ? compileFilterPolicy(JSON.parse(fp), this.rec.attrs.FilterPolicyScope === 'MessageBody') : undefined;
  }
}

/** A destination number added to the SMS sandbox, with its one-time password until verified. */
export interface SandboxNumber { phone: string; status: 'Pending' | 'Verified'; otp?: string; created: number }

export interface SnsState {
  topics: Collection<TopicRec>;
  subs: Collection<SubRec>;
  dedup: Collection<DedupRec>;
  keys: Collection<KeyRec>;
  apps: Collection<AppRec>;
  endpoints: Collection<EndpointRec>;
  /** Account SMS preferences (SetSMSAttributes), under the key "sms". */
  sms: Collection<Record<string, string>>;
  /** SMS sandbox destination numbers, by phone number. */
  sandbox: Collection<SandboxNumber>;
  /** Application ARN → its endpoints' ARNs; `${app}\n${token}` → endpoint ARN. */
  endpointsByApp: Map<string, Set<string>>;
  endpointByToken: Map<string, string>;
  /** Topic ARN → its subscriptions, in subscription order. */
  byTopic: Map<string, Map<string, LiveSub>>;
  /** Confirmation token → subscription ARN. */
  tokens: Map<string, string>;
  /** Topic ARN → dedup entries in expiry order. */
  dedupByTopic: Map<string, Map<string, DedupRec>>;
}

export const DEDUP_WINDOW_MS = 5 * 60 * 1000;

export function indexSub(s: SnsState, rec: SubRec): LiveSub {
  let m = s.byTopic.get(rec.topicArn);
  if (!m) s.byTopic.set(rec.topicArn, m = new Map());
  const live = new LiveSub(rec);
  m.set(rec.arn, live);
  if (rec.token) s.tokens.set(rec.token, rec.arn);
  return live;
}

export function indexEndpoint(s: SnsState, e: EndpointRec): void {
  let set = s.endpointsByApp.get(e.app);
  if (!set) s.endpointsByApp.set(e.app, set = new Set());
  set.add(e.arn);
  s.endpointByToken.set(`${e.app}\n${e.attrs.Token}`, e.arn);
}

export const snsState = defineState<SnsState>({
  service: 'sns',
  create: (c) => ({
    topics: c.collection<TopicRec>('topics'),
    subs: c.collection<SubRec>('subs'),
    dedup: c.collection<DedupRec>('dedup'),
    keys: c.collection<KeyRec>('keys'),
    apps: c.collection<AppRec>('apps'),
    endpoints: c.collection<EndpointRec>('endpoints'),
    sms: c.collection<Record<string, string>>('sms'),
    sandbox: c.collection<SandboxNumber>('sandbox'),
    endpointsByApp: new Map(),
    endpointByToken: new Map(),
    byTopic: new Map(),
    tokens: new Map(),
    dedupByTopic: new Map(),
  }),
  rebuild(s) {
    s.byTopic.clear();
    s.tokens.clear();
    s.dedupByTopic.clear();
    s.endpointsByApp.clear();
    s.endpointByToken.clear();
    for (const e of s.endpoints.values()) {
      if (!s.apps.has(e.app)) { s.endpoints.delete(e.arn); continue; }
      indexEndpoint(s, e);
    }
    for (const rec of [...s.subs.values()].sort((a, b) => a.created - b.created)) {
      if (!s.topics.has(rec.topicArn)) { s.subs.delete(rec.arn); continue; }
      indexSub(s, rec);
    }
    for (const d of [...s.dedup.values()].sort((a, b) => a.at - b.at)) {
      let m = s.dedupByTopic.get(d.topic);
      if (!m) s.dedupByTopic.set(d.topic, m = new Map());
      m.set(d.key, d);
    }
  },
});

const resetHooks: (() => void)[] = [];
/** Lets the delivery engine drop its timers when SNS state is reset. */
export function onSnsReset(h: () => void): void { resetHooks.push(h); }
onReset((service) => { if (!service || service === 'sns') for (const h of resetHooks) h(); });
