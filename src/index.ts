// startNimbus(): the in-process API for test runners.
//
//   const nimbus = await startNimbus({ port: 0 });
//   process.env.AWS_ENDPOINT_URL = nimbus.endpoint;
//   ... await nimbus.clock.advance('PT5M'); await nimbus.reset(); await nimbus.stop();
//
// State is per process: one Nimbus per process.
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createGateway } from './gateway/server.js';
import { allServiceNames, loadServices } from './services/registry.js';
import { clock } from './core/clock-instance.js';
import { parseDuration } from './core/clock.js';
import { resetState } from './core/state.js';
import { closeDataDir, openDataDir } from './core/durability.js';
import { closeBlobs, setBlobRoot } from './core/blobs.js';
import { runStopHooks } from './core/lifecycle.js';
import { setDefaultAccount } from './core/identity.js';
import { log, setLogLevel, type LogLevel } from './core/log.js';
import { setPublicEndpoint } from './core/internal-client.js';

export interface NimbusOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  /** Services to enable (default: all). */
  services?: string[];
  accountId?: string;
  logLevel?: LogLevel;
  verifySignatures?: boolean;
  maxBodyBytes?: number;
}

export interface Nimbus {
  endpoint: string;
  port: number;
  reset(service?: string): void;
  clock: { now(): Date; advance(duration: string | number): void; set(time: string | Date): void };
  stop(): Promise<void>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VERSION: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

export async function startNimbus(o: NimbusOptions = {}): Promise<Nimbus> {
  setLogLevel(o.logLevel ?? 'warn');
  const all = allServiceNames();
  const services = o.services?.length ? o.services : all;
  const unknown = services.filter((s) => !all.includes(s));
  if (unknown.length) throw new Error(`unknown service(s): ${unknown.join(', ')} (known: ${all.join(', ')})`);
  if (o.accountId !== undefined) {
    if (!/^\d{12}$/.test(o.accountId)) throw new Error('--account-id must be 12 digits');
    setDefaultAccount(o.accountId);
  }
  const dataDir = o.dataDir ? resolve(o.dataDir) : undefined;
  const loaded = dataDir ? await openDataDir(dataDir, loadServices) : 0;
  setBlobRoot(dataDir);
  const server = createGateway({
    version: VERSION,
    verifySignatures: !!o.verifySignatures,
    maxBodyBytes: o.maxBodyBytes ?? 80 * 1024 * 1024,
    enabled: new Set(services),
    startedAt: Date.now(),
    stateLocation: dataDir ?? 'memory',
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => { server.once('error', fail); server.listen(o.port ?? 4566, host, () => ok()); });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const endpoint = `http://${shownHost}:${port}`;
  setPublicEndpoint(endpoint);
  log.info(`nimbus ${VERSION} listening on ${endpoint}; state in ${dataDir ? `${dataDir} (${loaded} records loaded)` : 'memory'}; services: ${services.join(',')}`);
  return {
    endpoint,
    port,
    reset: (service?: string) => { resetState(service); if (!service) clock.reset(); },
    clock: {
      now: () => clock.date(),
      advance: (d) => clock.advance(typeof d === 'number' ? d : parseDuration(d)),
      set: (t) => clock.set(typeof t === 'string' ? Date.parse(t) : t.getTime()),
    },
    stop: async () => {
      await runStopHooks();
      await new Promise<void>((ok) => {
        server.close(() => { closeDataDir(); closeBlobs(); ok(); });
        server.closeAllConnections();
      });
    },
  };
}
