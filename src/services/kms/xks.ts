// The one call Nimbus makes to an external key store proxy: GetHealthStatus, an HTTPS POST to
// <XksProxyUriEndpoint><XksProxyUriPath>/health signed with SigV4 for the service
// "kms-xks-proxy" with the store's proxy authentication credential (AWS "External key store
// proxy API specification", GetHealthStatus and Authentication). The outcome is mapped to the
// ConnectionErrorCode AWS shows for a FAILED store.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { signingKey } from '../../gateway/sigv4.js';

export interface XksTarget { uriEndpoint: string; uriPath: string; accessKeyId: string; secret: string; region: string }

const TIMEOUT_MS = 3000;

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

function sign(t: XksTarget, host: string, path: string, body: string, now: Date): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/json', host, 'x-amz-content-sha256': sha256(body), 'x-amz-date': amzDate,
  };
  const names = Object.keys(headers).sort();
  const canonical = ['POST', path, '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), headers['x-amz-content-sha256']].join('\n');
  const scope = `${date}/${t.region}/kms-xks-proxy/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const signature = createHmac('sha256', signingKey(t.secret, date, t.region, 'kms-xks-proxy')).update(toSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${t.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}

/**
 * Extra CA certificates (PEM file) trusted for proxies, for tests with a self-signed proxy:
 * NIMBUS_KMS_XKS_CA. Without it only the system's trusted CAs are accepted, as in AWS.
 */
function extraCa(): string | undefined {
  const file = process.env.NIMBUS_KMS_XKS_CA;
  if (!file) return undefined;
  try { return readFileSync(file, 'utf8'); } catch { return undefined; }
}

/** Undefined when the proxy answered healthy; otherwise the ConnectionErrorCode. */
export function checkHealth(t: XksTarget): Promise<string | undefined> {
  const url = new URL(`${t.uriEndpoint}${t.uriPath}/health`);
  const body = JSON.stringify({ requestMetadata: { kmsRequestId: randomUUID(), kmsOperation: 'ConnectCustomKeyStore' } });
  // The proxy checks the signature's time against its own (real) clock, so the real time signs.
  const headers = sign(t, url.host, url.pathname, body, new Date());
  const ca = extraCa();
  return new Promise((resolve) => {
    let done = false;
    const finish = (code: string | undefined) => { if (!done) { done = true; resolve(code); } };
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => finish('XKS_PROXY_INVALID_RESPONSE'));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        let json: { errorName?: string; ekmFleetDetails?: { healthStatus?: string }[] } | undefined;
        try { json = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { json = undefined; }
        // Spec: 401 AuthenticationFailedException, 403 AccessDeniedException.
        if (status === 401) return finish('INVALID_CREDENTIALS');
        if (status === 403) return finish('XKS_PROXY_ACCESS_DENIED');
        if (status !== 200 || !json || typeof json !== 'object') return finish('XKS_PROXY_INVALID_RESPONSE');
        const fleet = json.ekmFleetDetails;
        if (Array.isArray(fleet) && fleet.length && fleet.every((e) => e?.healthStatus === 'UNAVAILABLE')) return finish('XKS_PROXY_NOT_REACHABLE');
        finish(undefined);
      });
    });
    req.setTimeout(TIMEOUT_MS, () => { finish('XKS_PROXY_TIMED_OUT'); req.destroy(); });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const tls = /CERT|SSL|TLS|self.signed|EPROTO/i.test(`${e.code ?? ''} ${e.message}`);
      finish(tls ? 'XKS_PROXY_INVALID_TLS_CONFIGURATION' : 'XKS_PROXY_NOT_REACHABLE');
    });
    req.end(body);
  });
}
