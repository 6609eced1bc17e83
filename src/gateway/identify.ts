// Which service a request is for, and in which protocol. In order: X-Amz-Target (json), the
// host name (S3 virtual hosts), the SigV4 credential scope, the query API's Action/Version,
// and finally S3 (path-style requests that carry no signature).
import { modelIndex, type Protocol } from '../protocols/model.js';
import type { HttpRequest } from '../protocols/codec.js';
import type { SigV4Auth } from './sigv4.js';
import { queryParams } from '../protocols/query.js';

interface Indexes {
  byTarget: Map<string, string>;
  bySigning: Map<string, string[]>;
  byEndpointPrefix: Map<string, string>;
  queryByVersion: Map<string, string[]>;
}
let idx: Indexes | undefined;
function indexes(): Indexes {
  if (idx) return idx;
  idx = { byTarget: new Map(), bySigning: new Map(), byEndpointPrefix: new Map(), queryByVersion: new Map() };
  for (const [name, e] of Object.entries(modelIndex())) {
    if (e.targetPrefix) idx.byTarget.set(e.targetPrefix, name);
    idx.bySigning.set(e.signingName, [...(idx.bySigning.get(e.signingName) ?? []), name]);
    idx.byEndpointPrefix.set(e.endpointPrefix, name);
    if (e.protocols.includes('query') || e.protocols.includes('ec2'))
      idx.queryByVersion.set(e.apiVersion, [...(idx.queryByVersion.get(e.apiVersion) ?? []), name]);
  }
  return idx;
}

export interface Identified { service: string; protocol: Protocol }

/** The protocol a request speaks, among those its service supports. */
export function protocolOf(service: string, req: HttpRequest): Protocol {
  const protocols = modelIndex()[service].protocols;
  if (protocols.length === 1) return protocols[0];
  const ct = String(req.headers['content-type'] ?? '');
  if (req.headers['x-amz-target'] && protocols.includes('json')) return 'json';
  if (req.headers['smithy-protocol'] === 'rpc-v2-cbor' && protocols.includes('smithy-rpc-v2-cbor')) return 'smithy-rpc-v2-cbor';
  if ((ct.startsWith('application/x-www-form-urlencoded') || req.query.some(([k]) => k === 'Action')) && protocols.includes('query')) return 'query';
  return protocols.includes('json') ? 'json' : protocols[0];
}

/** The bucket of a virtual-hosted S3 request (`bucket.s3.localhost`, `bucket.localhost`), if any. */
const hostCache = new Map<string, { s3: boolean; bucket?: string }>();
export function s3HostBucket(host: string): { s3: boolean; bucket?: string } {
  let r = hostCache.get(host);
  if (!r) {
    r = hostBucket(host);
    if (hostCache.size > 10_000) hostCache.clear(); // many virtual-hosted buckets: start over
    hostCache.set(host, r);
  }
  return r;
}

function hostBucket(host: string): { s3: boolean; bucket?: string } {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  if (/^[\d.]+$/.test(name) || name === 'localhost' || name.startsWith('[')) return { s3: false };
  const labels = name.split('.');
  const s3At = labels.findIndex((l) => l === 's3' || /^s3[.-]/.test(l) || l.startsWith('s3-'));
  if (s3At >= 0) return { s3: true, bucket: s3At > 0 ? labels.slice(0, s3At).join('.') : undefined };
  // `<bucket>.localhost[...]`: a first label that names no service is a bucket.
  const local = labels.indexOf('localhost');
  if (local > 0 && !indexes().byEndpointPrefix.has(labels[0])) return { s3: true, bucket: labels.slice(0, local).join('.') };
  return { s3: false };
}

/**
 * The service a request is for (and, for a virtual-hosted S3 request, its bucket on
 * req.hostBucket). Needs the body only for query-protocol requests signed for a shared name
 * (elb/elbv2) or unsigned.
 */
export function identify(req: HttpRequest, auth: SigV4Auth | undefined): Identified | { ambiguous: string[] } | undefined {
  const { byTarget, bySigning, byEndpointPrefix } = indexes();
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const svc = byTarget.get(target.slice(0, target.lastIndexOf('.')));
    if (svc) return { service: svc, protocol: 'json' };
  }
  const s3 = s3HostBucket(String(req.headers.host ?? ''));
  // A virtual-hosted bucket is routed as if it led the path (rest.ts reads req.hostBucket).
  if (s3.bucket) req.hostBucket = s3.bucket;
  if (s3.s3) return { service: 's3', protocol: 'rest-xml' };
  if (auth?.service) {
    const candidates = bySigning.get(auth.service) ?? (byEndpointPrefix.has(auth.service) ? [byEndpointPrefix.get(auth.service)!] : []);
    if (candidates.length === 1) return { service: candidates[0], protocol: protocolOf(candidates[0], req) };
    if (candidates.length > 1) return { ambiguous: candidates };
  }
  if (!auth?.service) {
    // Unsigned: the query API names itself with Action and Version.
    const hasAction = req.query.some(([k]) => k === 'Action') || String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    if (hasAction) return { ambiguous: [...indexes().queryByVersion.values()].flat() };
    return { service: 's3', protocol: 'rest-xml' };
  }
  return undefined;
}

/** Picks among query services by the Version parameter once the body is read. */
export function pickByVersion(req: HttpRequest, candidates: string[]): Identified | undefined {
  const version = queryParams(req).get('Version');
  const svc = candidates.find((c) => modelIndex()[c].apiVersion === version) ?? (candidates.length === 1 ? candidates[0] : undefined);
  return svc ? { service: svc, protocol: protocolOf(svc, req) } : undefined;
}
