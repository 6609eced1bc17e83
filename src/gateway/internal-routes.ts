// Nimbus's own routes under /_nimbus: health, reset, clock, snapshots.
import type { HttpResponse } from '../protocols/codec.js';
import type { Exchange } from './exchange.js';
import { clock } from '../core/clock-instance.js';
import { parseDuration } from '../core/clock.js';
import { allRecords, decodeValue, encodeValue, loadRecords, resetState, type Snapshot } from '../core/state.js';
import { readBody } from './body.js';
import { allBlobs, restoreBlob } from '../core/blobs.js';
import { loadService, loadServices } from '../services/registry.js';

const json = (status: number, v: unknown): HttpResponse =>
  ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(v) });

export function snapshot(): Snapshot {
  return { format: 'nimbus-snapshot', version: 1, records: [...allRecords()], blobs: [...allBlobs()] };
}

export async function loadSnapshot(s: Snapshot): Promise<number> {
  if (s?.format !== 'nimbus-snapshot' || s.version !== 1 || !Array.isArray(s.records)) throw new Error('not a Nimbus snapshot');
  await loadServices(s.records.map((r) => r[0]));
  resetState();
  // Bodies first, so no record is ever loaded pointing at a missing blob.
  for (const [id, data] of s.blobs ?? []) restoreBlob(id, Buffer.isBuffer(data) ? data : Buffer.from(data));
  // Loading goes through the journal too, so a durable Nimbus keeps the loaded state.
  return loadRecords(s.records, true);
}

export async function internalRoute(ex: Exchange): Promise<HttpResponse> {
  const url = new URL(ex.raw.url ?? '/', 'http://x');
  const route = `${ex.req.method} ${url.pathname.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /_nimbus/health':
        return json(200, {
          version: ex.opts.version,
          uptime: (Date.now() - ex.opts.startedAt) / 1000,
          state: ex.opts.stateLocation,
          services: Object.fromEntries([...ex.opts.enabled].map((s) => [s, 'running'])),
        });
      case 'POST /_nimbus/reset': {
        const service = url.searchParams.get('service') ?? undefined;
        if (service && !ex.opts.enabled.has(service)) return json(400, { error: `unknown service ${service}` });
        resetState(service);
        if (!service) clock.reset();
        return json(200, { reset: service ?? 'all' });
      }
      case 'GET /_nimbus/clock':
        return json(200, { now: clock.date().toISOString(), offsetMs: clock.now() - Date.now() });
      case 'POST /_nimbus/clock': {
        const body = JSON.parse((await readBody(ex.raw, 1 << 20)).toString('utf8') || '{}') as { advance?: string; set?: string };
        if (typeof body.advance === 'string') clock.advance(parseDuration(body.advance));
        else if (typeof body.set === 'string') {
          const t = Date.parse(body.set);
          if (Number.isNaN(t)) return json(400, { error: `not an ISO 8601 time: ${body.set}` });
          clock.set(t);
        } else return json(400, { error: 'expected {"advance": "PT5M"} or {"set": "2030-01-01T00:00:00Z"}' });
        return json(200, { now: clock.date().toISOString() });
      }
      case 'GET /_nimbus/snapshot':
        // Buffers travel as {"$b64": …}, as in the journal.
        return { status: 200, headers: { 'content-type': 'application/json' }, body: encodeValue(snapshot()) };
      case 'POST /_nimbus/snapshot': {
        const records = await loadSnapshot(decodeValue((await readBody(ex.raw, 1 << 30)).toString('utf8')) as Snapshot);
        return json(200, { loaded: records });
      }
      default: {
        // /_nimbus/<service>/…: a service's own plain-HTTP endpoints (SNS's signing certificate
        // and subscription confirmation links, Lambda's code downloads, for instance).
        const m = /^\/_nimbus\/([a-z0-9-]+)(\/.*)$/.exec(url.pathname);
        if (m) {
          const r = await serviceHttp(ex, m[1], m[2], 1 << 20);
          if (r) return r;
        }
        return json(404, { error: `no such Nimbus route: ${route}` });
      }
    }
  } catch (e) {
    return json(400, { error: (e as Error).message });
  }
}

/**
 * Hands a request to a service's plain-HTTP endpoint (Service.http), outside any AWS
 * protocol; undefined when the service does not serve that path. The body is read whole, up
 * to `limit` bytes.
 */
export async function serviceHttp(ex: Exchange, service: string, path: string, limit: number): Promise<HttpResponse | undefined> {
  if (!ex.opts.enabled.has(service)) return undefined;
  const svc = await loadService(service);
  if (!svc.http) return undefined;
  const url = new URL(ex.raw.url ?? '/', 'http://x');
  const body = ex.req.method === 'GET' || ex.req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(ex.raw, limit);
  ex.bodyRead = true;
  ex.ownCors = true; // what the service answers is whole, CORS headers included
  return svc.http({ method: ex.req.method, path, query: url.searchParams, headers: ex.req.headers, body });
}
