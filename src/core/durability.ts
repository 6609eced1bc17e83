// Memory or a data directory. With a data directory, the journal is opened, its records are
// loaded into the services' collections, and every later write is journalled.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Journal } from './journal.js';
import { loadRecords, setChangeSink } from './state.js';
import { setTokenSecret } from './pagination.js';

let journal: Journal | undefined;

/**
 * Opens the journal in `dir` and loads what it holds (after `prepare` has loaded the code of
 * the services it names); returns the number of records. SQLite
 * is loaded only here, so an in-memory Nimbus starts without it.
 */
export async function openDataDir(dir: string, prepare: (services: string[]) => Promise<unknown>): Promise<number> {
  const { Journal } = await import('./journal.js');
  journal = new Journal(dir);
  const secretFile = join(dir, 'token-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32), { mode: 0o600 });
  setTokenSecret(readFileSync(secretFile));
  // Services are loaded on demand; those with stored state must be loaded before it is.
  await prepare(journal.services());
  const n = loadRecords(journal.records());
  setChangeSink(journal);
  return n;
}

/** Resolves when every write so far is on disk (undefined: nothing to wait for). */
export function commit(): Promise<void> | undefined { return journal?.commit(); }

export function closeDataDir(): void {
  setChangeSink(undefined);
  journal?.close();
  journal = undefined;
}
