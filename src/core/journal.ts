// Durable state for --data-dir: a write-through journal in SQLite (better-sqlite3, WAL).
// Collection writes are queued and group-committed once per event-loop tick, whoever made
// them (a request, or a service's own background work: deliveries, pollers, sweeps); the
// gateway waits for that commit before it sends a 2xx, so an acknowledged write survives kill -9.
// WAL with synchronous=NORMAL is durable against a process crash (the OS has the pages).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeSink, Snapshot, decodeValue, encodeValue } from './state.js';
import { log } from './log.js';

type Pending = { s: string; a: string; r: string; c: string; k: string; v: unknown; del: boolean };

export class Journal implements ChangeSink {
  private readonly db: Database.Database;
  private pending = new Map<string, Pending>();
  private drops: (string | undefined)[] = [];
  private waiting: Promise<void> | undefined;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, 'nimbus.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS records (
      service TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, coll TEXT NOT NULL,
      key TEXT NOT NULL, value TEXT NOT NULL,
      PRIMARY KEY (service, account, region, coll, key)) WITHOUT ROWID`);
    this.upsert = this.db.prepare('INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)');
    this.remove = this.db.prepare('DELETE FROM records WHERE service=? AND account=? AND region=? AND coll=? AND key=?');
  }

  /** The services that have records. */
  services(): string[] {
    return (this.db.prepare('SELECT DISTINCT service FROM records').all() as { service: string }[]).map((r) => r.service);
  }

  *records(): Generator<Snapshot['records'][number]> {
    for (const row of this.db.prepare('SELECT * FROM records').iterate() as Iterable<Record<string, string>>)
      yield [row.service, row.account, row.region, row.coll, row.key, decodeValue(row.value)];
  }

  put(s: string, a: string, r: string, c: string, k: string, v: unknown): void {
    this.pending.set(`${s}\0${a}\0${r}\0${c}\0${k}`, { s, a, r, c, k, v, del: false });
    this.schedule();
  }
  del(s: string, a: string, r: string, c: string, k: string): void {
    this.pending.set(`${s}\0${a}\0${r}\0${c}\0${k}`, { s, a, r, c, k, v: undefined, del: true });
    this.schedule();
  }
  dropService(service?: string): void {
    // Pending writes of the dropped service are void; later writes are kept in order.
    for (const [k, p] of this.pending) if (!service || p.s === service) this.pending.delete(k);
    this.drops.push(service);
    this.schedule();
  }

  /** Every write gets committed by the next tick, also when no request waits for it. */
  private schedule(): void {
    if (!this.waiting) this.commit()?.catch((e: Error) => log.error(`journal commit failed: ${e.message}`));
  }

  get dirty(): boolean { return this.pending.size > 0 || this.drops.length > 0; }

  /** Writes everything queued, in one transaction. */
  flush(): void {
    if (!this.dirty) return;
    const pending = this.pending; const drops = this.drops;
    this.pending = new Map(); this.drops = [];
    this.db.transaction(() => {
      for (const d of drops) {
        if (d === undefined) this.db.prepare('DELETE FROM records').run();
        else this.db.prepare('DELETE FROM records WHERE service=?').run(d);
      }
      for (const p of pending.values()) {
        if (p.del) this.remove.run(p.s, p.a, p.r, p.c, p.k);
        else this.upsert.run(p.s, p.a, p.r, p.c, p.k, encodeValue(p.v));
      }
    })();
  }

  /** Resolves once everything queued so far is on disk; one commit serves a whole tick. */
  commit(): Promise<void> | undefined {
    if (!this.dirty) return this.waiting;
    return (this.waiting ??= new Promise<void>((resolve, reject) => setImmediate(() => {
      this.waiting = undefined;
      try { this.flush(); resolve(); } catch (e) { reject(e); }
    })));
  }

  close(): void { this.flush(); this.db.close(); }
}
