// Custom key stores through the JS SDK v3 (and the aws CLI once): AWS_CLOUDHSM stores fail as
// in an account without clusters; external key stores are created DISCONNECTED, described
// (by id, by name, paged), updated under AWS's connection-state rules, connected by a real
// SigV4-signed GetHealthStatus call to the proxy (a closed port → FAILED/XKS_PROXY_NOT_REACHABLE,
// a local self-signed HTTPS proxy → CONNECTED or INVALID_CREDENTIALS), disconnected and deleted.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  KMSClient, CreateCustomKeyStoreCommand, DescribeCustomKeyStoresCommand, UpdateCustomKeyStoreCommand, DeleteCustomKeyStoreCommand,
  ConnectCustomKeyStoreCommand, DisconnectCustomKeyStoreCommand, CreateKeyCommand, type CustomKeyStoresListEntry,
} from '@aws-sdk/client-kms';
import { nimbus, sdk, rejects, aws } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let kms: KMSClient;
before(async () => { n = await nimbus(); kms = new KMSClient(sdk(n)); });
after(async () => { kms.destroy(); await n.stop(); });
beforeEach(() => n.reset());

const CRED = { AccessKeyId: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', RawSecretAccessKey: 'K6m5JNgKXN0WnBNWzSx0lNU1i2ZBvqn8KS9G0PxcQ8w=' };
const xks = (name: string, extra: Record<string, unknown> = {}) => new CreateCustomKeyStoreCommand({
  CustomKeyStoreName: name, CustomKeyStoreType: 'EXTERNAL_KEY_STORE', XksProxyUriEndpoint: 'https://127.0.0.1',
  XksProxyUriPath: '/example/kms/xks/v1', XksProxyConnectivity: 'PUBLIC_ENDPOINT', XksProxyAuthenticationCredential: CRED, ...extra,
});
const describeOne = async (id: string): Promise<CustomKeyStoresListEntry> =>
  (await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id }))).CustomKeyStores![0];

test('AWS_CLOUDHSM (the default type): no cluster exists, CloudHsmClusterNotFoundException', async () => {
  const e = await rejects(kms.send(new CreateCustomKeyStoreCommand({
    CustomKeyStoreName: 'hsm', CloudHsmClusterId: 'cluster-234abcdefgh', TrustAnchorCertificate: 'cert', KeyStorePassword: 'password',
  })), 'CloudHsmClusterNotFoundException', 400);
  assert.match(e.message, /cluster-234abcdefgh/);
  assert.equal((await kms.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores!.length, 0);
});

test('CreateCustomKeyStore (external): id, DISCONNECTED, configuration; validation and uniqueness errors', async () => {
  const { CustomKeyStoreId: id } = await kms.send(xks('store-a'));
  assert.match(id!, /^cks-[0-9a-f]{17}$/);
  const st = await describeOne(id!);
  assert.equal(st.CustomKeyStoreName, 'store-a');
  assert.equal(st.CustomKeyStoreType, 'EXTERNAL_KEY_STORE');
  assert.equal(st.ConnectionState, 'DISCONNECTED');
  assert.equal(st.ConnectionErrorCode, undefined);
  assert.ok(st.CreationDate instanceof Date);
  assert.deepEqual(st.XksProxyConfiguration, {
    Connectivity: 'PUBLIC_ENDPOINT', AccessKeyId: CRED.AccessKeyId, UriEndpoint: 'https://127.0.0.1', UriPath: '/example/kms/xks/v1',
  });
  await rejects(kms.send(xks('store-a', { XksProxyUriEndpoint: 'https://other.example.com' })), 'CustomKeyStoreNameInUseException', 400);
  await rejects(kms.send(xks('store-b')), 'XksProxyUriInUseException', 400);
  await rejects(kms.send(xks('store-b', { XksProxyUriPath: '/kms/xks/v1' })), 'XksProxyUriEndpointInUseException', 400);
  // The model's constraints: https only, the /kms/xks/v<n> path, credential lengths.
  await rejects(kms.send(xks('c', { XksProxyUriEndpoint: 'http://proxy.example.com' })), 'ValidationException', 400);
  await rejects(kms.send(xks('c', { XksProxyUriEndpoint: 'https://c.example.com', XksProxyUriPath: '/kms/xks/v1/extra' })), 'ValidationException', 400);
  await rejects(kms.send(xks('c', { XksProxyUriEndpoint: 'https://c.example.com', XksProxyAuthenticationCredential: { ...CRED, AccessKeyId: 'SHORT' } })), 'ValidationException', 400);
  await rejects(kms.send(xks('c', { XksProxyUriEndpoint: 'https://c.example.com', XksProxyAuthenticationCredential: { ...CRED, RawSecretAccessKey: 'tooshort' } })), 'ValidationException', 400);
  await rejects(kms.send(xks('c', { XksProxyUriEndpoint: 'https://c.example.com', XksProxyConnectivity: 'VPC_ENDPOINT_SERVICE' })), 'ValidationException', 400);
  await rejects(kms.send(xks('c', {
    XksProxyUriEndpoint: 'https://c.example.com', XksProxyConnectivity: 'VPC_ENDPOINT_SERVICE',
    XksProxyVpcEndpointServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
  })), 'XksProxyVpcEndpointServiceNotFoundException', 400);
  await rejects(kms.send(xks('c', { XksProxyUriEndpoint: undefined })), 'ValidationException', 400);
  assert.equal((await kms.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores!.length, 1);
});

test('DescribeCustomKeyStores: by id, by name, Limit/Marker pages, not found', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await kms.send(xks(`s${i}`, { XksProxyUriEndpoint: `https://p${i}.example.com` }))).CustomKeyStoreId!);
  const byName = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: 's1' }));
  assert.deepEqual(byName.CustomKeyStores!.map((s) => s.CustomKeyStoreId), [ids[1]]);
  const seen: string[] = [];
  let Marker: string | undefined;
  do {
    const p = await kms.send(new DescribeCustomKeyStoresCommand({ Limit: 2, Marker }));
    assert.ok(p.CustomKeyStores!.length <= 2);
    seen.push(...p.CustomKeyStores!.map((s) => s.CustomKeyStoreId!));
    Marker = p.Truncated ? p.NextMarker : undefined;
  } while (Marker);
  assert.deepEqual(seen.sort(), [...ids].sort());
  await rejects(kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: 'cks-0123456789abcdef0' })), 'CustomKeyStoreNotFoundException', 400);
  await rejects(kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: 'nope' })), 'CustomKeyStoreNotFoundException', 400);
  await rejects(kms.send(new DescribeCustomKeyStoresCommand({ Marker: 'garbage' })), 'InvalidMarkerException', 400);
});

test('ConnectCustomKeyStore against a closed port: FAILED with XKS_PROXY_NOT_REACHABLE; then disconnect, update, delete', async () => {
  // Nothing listens on 127.0.0.1:443 here (the proxy test below listens only while it runs).
  const { CustomKeyStoreId: id } = await kms.send(xks('closed'));
  await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  let st = await describeOne(id!);
  assert.equal(st.ConnectionState, 'FAILED');
  assert.equal(st.ConnectionErrorCode, 'XKS_PROXY_NOT_REACHABLE');
  // A FAILED store must be disconnected before connecting again, and cannot be deleted.
  await rejects(kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id })), 'CustomKeyStoreInvalidStateException', 400);
  await rejects(kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })), 'CustomKeyStoreInvalidStateException', 400);
  await rejects(kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyUriPath: '/kms/xks/v2' })), 'CustomKeyStoreInvalidStateException', 400);
  // Keys need a CONNECTED store.
  await rejects(kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL_KEY_STORE', CustomKeyStoreId: id, XksKeyId: 'k1' })), 'CustomKeyStoreInvalidStateException', 400);
  await rejects(kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL_KEY_STORE', CustomKeyStoreId: 'cks-0123456789abcdef0' })), 'CustomKeyStoreNotFoundException', 400);
  await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  st = await describeOne(id!);
  assert.equal(st.ConnectionState, 'DISCONNECTED');
  assert.equal(st.ConnectionErrorCode, undefined);
  await rejects(kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id })), 'CustomKeyStoreInvalidStateException', 400);
  await kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, NewCustomKeyStoreName: 'renamed', XksProxyUriPath: '/kms/xks/v2' }));
  st = await describeOne(id!);
  assert.equal(st.CustomKeyStoreName, 'renamed');
  assert.equal(st.XksProxyConfiguration!.UriPath, '/kms/xks/v2');
  await rejects(kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: 'cks-0123456789abcdef0', NewCustomKeyStoreName: 'x' })), 'CustomKeyStoreNotFoundException', 400);
  await kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  await rejects(kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id })), 'CustomKeyStoreNotFoundException', 400);
});

/** A self-signed certificate for 127.0.0.1 (node-forge), trusted by Nimbus only through NIMBUS_KMS_XKS_CA. */
function selfSigned(): { cert: string; key: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const c = forge.pki.createCertificate();
  c.publicKey = keys.publicKey;
  c.serialNumber = '01';
  c.validity.notBefore = new Date(Date.now() - 60_000);
  c.validity.notAfter = new Date(Date.now() + 86_400_000);
  c.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
  c.setIssuer(c.subject.attributes);
  c.setExtensions([{ name: 'basicConstraints', cA: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }]);
  c.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(c), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** The proxy checks KMS's SigV4 signature (service kms-xks-proxy) as the XKS specification asks. */
async function signatureValid(headers: Record<string, string | string[] | undefined>, path: string, body: string): Promise<boolean> {
  const auth = String(headers.authorization ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/kms-xks-proxy\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m || m[1] !== CRED.AccessKeyId) return false;
  const signed: Record<string, string> = {};
  for (const h of m[4].split(';')) signed[h] = String(headers[h] ?? '');
  const d = String(headers['x-amz-date']);
  const date = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
  const signer = new SignatureV4({ service: 'kms-xks-proxy', region: m[3], credentials: { accessKeyId: CRED.AccessKeyId, secretAccessKey: CRED.RawSecretAccessKey }, sha256: Sha256 });
  const again = await signer.sign({ method: 'POST', protocol: 'https:', hostname: '127.0.0.1', path, headers: signed, body }, { signingDate: date });
  return String(again.headers.authorization).endsWith(`Signature=${m[5]}`);
}

test('ConnectCustomKeyStore against a local HTTPS proxy: signed health check, CONNECTED; wrong secret → INVALID_CREDENTIALS', async (t) => {
  const { cert, key } = selfSigned();
  const dir = mkdtempSync(join(tmpdir(), 'xks-'));
  writeFileSync(join(dir, 'ca.pem'), cert);
  const calls: string[] = [];
  const server: Server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      calls.push(`${req.method} ${req.url}`);
      const ok = await signatureValid(req.headers, req.url!, body);
      const meta = JSON.parse(body).requestMetadata;
      res.setHeader('content-type', 'application/json');
      if (!ok || !meta?.kmsRequestId) { res.statusCode = 401; res.end(JSON.stringify({ errorName: 'AuthenticationFailedException' })); return; }
      res.end(JSON.stringify({ xksProxyFleetSize: 1, xksProxyVendor: 'test', xksProxyModel: 'test', ekmVendor: 'test', ekmFleetDetails: [{ id: 'ekm-1', model: 'test', healthStatus: 'ACTIVE' }] }));
    });
  });
  // The model allows no port in XksProxyUriEndpoint, so the proxy must listen on 443.
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(443, '127.0.0.1', () => resolve(true));
  });
  if (!listening) { t.skip('cannot listen on 127.0.0.1:443 here'); return; }
  process.env.NIMBUS_KMS_XKS_CA = join(dir, 'ca.pem');
  try {
    const wrong = { ...CRED, RawSecretAccessKey: 'A'.repeat(44) };
    const { CustomKeyStoreId: id } = await kms.send(xks('proxy', { XksProxyAuthenticationCredential: wrong }));
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    let st = await describeOne(id!);
    assert.equal(st.ConnectionState, 'FAILED');
    assert.equal(st.ConnectionErrorCode, 'INVALID_CREDENTIALS');
    assert.deepEqual(calls, ['POST /example/kms/xks/v1/health']);
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    await kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyAuthenticationCredential: CRED }));
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    st = await describeOne(id!);
    assert.equal(st.ConnectionState, 'CONNECTED');
    assert.equal(st.ConnectionErrorCode, undefined);
    assert.equal(calls.length, 2);
    // Connecting a connected store succeeds without calling the proxy again.
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    assert.equal(calls.length, 2);
    // While connected: the name and credential may change, the endpoint may not; no deletion.
    await kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, NewCustomKeyStoreName: 'proxy-2', XksProxyAuthenticationCredential: CRED }));
    await rejects(kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyUriEndpoint: 'https://elsewhere.example.com' })), 'CustomKeyStoreInvalidStateException', 400);
    await rejects(kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })), 'CustomKeyStoreInvalidStateException', 400);
    // Keys inside an external key store would need the proxy's key API, which Nimbus lacks.
    await rejects(kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL_KEY_STORE', CustomKeyStoreId: id, XksKeyId: 'k1' })), 'NotImplemented', 501);
    await rejects(kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL_KEY_STORE', CustomKeyStoreId: id, MultiRegion: true })), 'UnsupportedOperationException', 400);
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    await kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  } finally {
    delete process.env.NIMBUS_KMS_XKS_CA;
    await new Promise((r) => server.close(r));
  }
});

test('an untrusted (self-signed) proxy certificate fails as XKS_PROXY_INVALID_TLS_CONFIGURATION', async (t) => {
  const { cert, key } = selfSigned();
  const server = createServer({ cert, key }, (_req, res) => { res.end('{}'); });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(443, '127.0.0.1', () => resolve(true));
  });
  if (!listening) { t.skip('cannot listen on 127.0.0.1:443 here'); return; }
  try {
    const { CustomKeyStoreId: id } = await kms.send(xks('untrusted'));
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const st = await describeOne(id!);
    assert.equal(st.ConnectionState, 'FAILED');
    assert.equal(st.ConnectionErrorCode, 'XKS_PROXY_INVALID_TLS_CONFIGURATION');
  } finally { await new Promise((r) => server.close(r)); }
});

test('aws CLI: create-custom-key-store and describe-custom-key-stores', async () => {
  // The CLI v1 fetches https:// parameter values as URLs, so the input goes in as JSON.
  const c = await aws(n, ['kms', 'create-custom-key-store', '--cli-input-json', JSON.stringify({
    CustomKeyStoreName: 'cli', CustomKeyStoreType: 'EXTERNAL_KEY_STORE', XksProxyUriEndpoint: 'https://cli.example.com',
    XksProxyUriPath: '/kms/xks/v1', XksProxyConnectivity: 'PUBLIC_ENDPOINT', XksProxyAuthenticationCredential: CRED,
  })]);
  assert.equal(c.code, 0, c.stderr);
  const id = JSON.parse(c.stdout).CustomKeyStoreId as string;
  const d = await aws(n, ['kms', 'describe-custom-key-stores', '--custom-key-store-name', 'cli']);
  assert.equal(d.code, 0, d.stderr);
  const st = JSON.parse(d.stdout).CustomKeyStores[0];
  assert.equal(st.CustomKeyStoreId, id);
  assert.equal(st.ConnectionState, 'DISCONNECTED');
  const hsm = await aws(n, ['kms', 'create-custom-key-store', '--custom-key-store-name', 'hsm', '--cloud-hsm-cluster-id', 'cluster-234abcdefgh',
    '--trust-anchor-certificate', 'x', '--key-store-password', 'password']);
  assert.match(hsm.stderr, /CloudHsmClusterNotFoundException/);
});
