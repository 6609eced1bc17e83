// State per service, account and region. A service declares its state once with
// defineState(); each scope (account + region, or account alone for global services) gets
// its own set of Collections. A Collection is a Map whose writes are journalled when Nimbus
// runs with --data-dir, so everything a 2xx acknowledged survives kill -9. Derived indexes
// (ready queues, sorted views) live beside the collections and are rebuilt after a load.

export interface Scope { accountId: string; region: string }

/** Where writes go when state is durable (see journal.ts). Memory mode has none. */
export interface ChangeSink {
  put(service: string, account: string, region: string, coll: string, key: string, value: unknown): void;
  del(service: string, account: string, region: string, coll: string, key: string): void;
  dropService(service?: string): void;
}

let sink: ChangeSink | undefined;
export function setChangeSink(s: ChangeSink | undefined): void { sink = s; }

export class Collection<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly service: string, private readonly account: string,
    private readonly region: string, readonly name: string) {}

  get size(): number { return this.map.size; }
  get(key: string): V | undefined { return this.map.get(key); }
  has(key: string): boolean { return this.map.has(key); }
  keys(): IterableIterator<string> { return this.map.keys(); }
  values(): IterableIterator<V> { return this.map.values(); }
  entries(): IterableIterator<[string, V]> { return this.map.entries(); }

  set(key: string, value: V): V {
    this.map.set(key, value);
    sink?.put(this.service, this.account, this.region, this.name, key, value);
    return value;
  }
  /** Journals a value that was changed in place. */
  touch(key: string): void {
    const v = this.map.get(key);
    if (v !== undefined) sink?.put(this.service, this.account, this.region, this.name, key, v);
  }
  delete(key: string): boolean {
    const had = this.map.delete(key);
    if (had) sink?.del(this.service, this.account, this.region, this.name, key);
    return had;
  }
  /** Loads a record from the journal or a snapshot, without journalling it again. */
  load(key: string, value: V): void { this.map.set(key, value); }
}

export interface CollectionFactory { collection<V>(name: string): Collection<V> }

export interface StateDef<S> {
  service: string;
  /** Global services (IAM) keep one scope per account, whatever the region. */
  global?: boolean;
  create(c: CollectionFactory): S;
  /** Rebuilds derived, in-memory indexes after the collections were loaded (before onRebuild hooks). */
  rebuild?(s: S): void;
}

interface ScopeEntry<S> { state: S; collections: Map<string, Collection<unknown>>; account: string; region: string }

class ServiceStates<S> {
  readonly scopes = new Map<string, ScopeEntry<S>>();
  /** Work registered through the accessor's onRebuild. */
  readonly rebuildHooks: ((s: S) => void)[] = [];
  /** The scope asked for last: most requests in a row are for the same one. */
  private last: ScopeEntry<S> | undefined;
  constructor(readonly def: StateDef<S>) {}

  clear(): void { this.scopes.clear(); this.last = undefined; }

  /** After a load: the service's own rebuild (derived indexes), then the registered hooks. */
  rebuild(state: S): void {
    this.def.rebuild?.(state);
    for (const h of this.rebuildHooks) h(state);
  }

  get(account: string, region: string): ScopeEntry<S> {
    if (this.def.global) region = 'global';
    const last = this.last;
    if (last !== undefined && last.account === account && last.region === region) return last;
    const k = `${account}/${region}`;
    let e = this.scopes.get(k);
    if (!e) {
      const collections = new Map<string, Collection<unknown>>();
      const service = this.def.service;
      const state = this.def.create({
        collection<V>(name: string) {
          const c = new Collection<V>(service, account, region, name);
          collections.set(name, c as Collection<unknown>);
          return c;
        },
      });
      e = { state, collections, account, region };
      this.scopes.set(k, e);
    }
    this.last = e;
    return e;
  }
}

const registry = new Map<string, ServiceStates<unknown>>();
const resetHooks: ((service?: string) => void)[] = [];

/** The accessor handlers use, `state(ctx)`, and where work to redo after a load registers. */
export interface StateAccessor<S> {
  (scope: Scope): S;
  /**
   * Runs `hook` on every scope loaded from the journal or a snapshot, after the service's own
   * rebuild: for what lives outside the collections (timers, pollers, deliveries) to start again.
   */
  onRebuild(hook: (s: S) => void): void;
}

/** Declares a service's state; returns its accessor. */
export function defineState<S>(def: StateDef<S>): StateAccessor<S> {
  const states = new ServiceStates<S>(def);
  registry.set(def.service, states as ServiceStates<unknown>);
  return Object.assign((scope: Scope) => states.get(scope.accountId, scope.region).state, {
    onRebuild: (hook: (s: S) => void) => { states.rebuildHooks.push(hook); },
  });
}

/** Called on reset, for state kept outside collections (e.g. timers). */
export function onReset(hook: (service?: string) => void): void { resetHooks.push(hook); }

export function resetState(service?: string): void {
  for (const [name, s] of registry) if (!service || name === service) s.clear();
  sink?.dropService(service);
  for (const h of resetHooks) h(service);
}

export interface Snapshot {
  format: 'nimbus-snapshot';
  version: 1;
  records: [service: string, account: string, region: string, coll: string, key: string, value: unknown][];
  /** Payloads records refer to by blob id (S3 object bodies, Lambda code): id → bytes. */
  blobs?: [id: string, data: Buffer][];
}

export function* allRecords(): Generator<Snapshot['records'][number]> {
  for (const [service, s] of registry)
    for (const e of s.scopes.values())
      for (const [coll, c] of e.collections)
        for (const [k, v] of c.entries()) yield [service, e.account, e.region, coll, k, v];
}

/** Loads records (from the journal or a snapshot) into their collections, then rebuilds. */
export function loadRecords(records: Iterable<Snapshot['records'][number]>, journal = false): number {
  const touched = new Map<ScopeEntry<unknown>, ServiceStates<unknown>>();
  let n = 0;
  for (const [service, account, region, coll, key, value] of records) {
    const s = registry.get(service);
    if (!s) continue; // a service no longer present
    const e = s.get(account, region);
    const c = e.collections.get(coll);
    if (!c) continue;
    if (journal) c.set(key, value); else c.load(key, value);
    touched.set(e, s);
    n++;
  }
  for (const [e, s] of touched) s.rebuild(e.state);
  return n;
}

// JSON with Buffers kept as base64, for the journal and snapshots.
export function encodeValue(v: unknown): string {
  return JSON.stringify(v, function (this: Record<string, unknown>, k, x) {
    const orig = this[k];
    return Buffer.isBuffer(orig) ? { $b64: orig.toString('base64') } : x;
  });
}
export function decodeValue(s: string): unknown {
  return JSON.parse(s, (_k, x) => (x && typeof x === 'object' && typeof x.$b64 === 'string' && Object.keys(x).length === 1
    ? Buffer.from(x.$b64, 'base64') : x));
}
