// Custom key stores. Nimbus has no CloudHSM clusters, so an AWS_CLOUDHSM store fails exactly as
// it does in an account without clusters (CloudHsmClusterNotFoundException). External key
// stores (XKS) are real records: created DISCONNECTED, and ConnectCustomKeyStore really calls
// the proxy's GetHealthStatus (xks.ts) to end CONNECTED or FAILED with a ConnectionErrorCode.
// KMS keys inside a connected external key store are not made (see storeForNewKey).
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { hex } from '../../core/ids.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/kms.js';
import { kmsState, type CustomKeyStoreRec } from './state.js';
import { checkHealth } from './xks.js';

const invalid = (msg: string) => new ServiceError('ValidationException', msg);
const invalidState = (msg: string) => new ServiceError('CustomKeyStoreInvalidStateException', msg);

function findStore(ctx: RequestContext, id: string): CustomKeyStoreRec {
  const st = kmsState(ctx).stores.get(id);
  if (!st) throw new ServiceError('CustomKeyStoreNotFoundException', `Custom key store ${id} does not exist.`);
  return st;
}

function entry(st: CustomKeyStoreRec): T.CustomKeyStoresListEntry {
  return {
    CustomKeyStoreId: st.id, CustomKeyStoreName: st.name, ConnectionState: st.state,
    ...(st.state === 'FAILED' && st.errorCode ? { ConnectionErrorCode: st.errorCode } : {}),
    CreationDate: new Date(st.created), CustomKeyStoreType: st.type,
    XksProxyConfiguration: {
      Connectivity: st.xks.connectivity, AccessKeyId: st.xks.accessKeyId, UriEndpoint: st.xks.uriEndpoint, UriPath: st.xks.uriPath,
      ...(st.xks.vpcEndpointServiceName ? { VpcEndpointServiceName: st.xks.vpcEndpointServiceName } : {}),
      ...(st.xks.vpcEndpointServiceOwner ? { VpcEndpointServiceOwner: st.xks.vpcEndpointServiceOwner } : {}),
    },
  };
}

/** Name, endpoint and endpoint+path are unique among the account's stores in the region. */
function assertUnique(ctx: RequestContext, self: string | undefined, name: string, xks: CustomKeyStoreRec['xks']): void {
  for (const other of kmsState(ctx).stores.values()) {
    if (other.id === self) continue;
    if (other.name === name) throw new ServiceError('CustomKeyStoreNameInUseException', `Custom key store name ${name} is already in use.`);
    if (other.xks.uriEndpoint === xks.uriEndpoint && other.xks.uriPath === xks.uriPath) {
      throw new ServiceError('XksProxyUriInUseException', `The URI ${xks.uriEndpoint}${xks.uriPath} is already associated with an external key store in this AWS Region.`);
    }
    if (xks.connectivity === 'PUBLIC_ENDPOINT' && other.xks.uriEndpoint === xks.uriEndpoint) {
      throw new ServiceError('XksProxyUriEndpointInUseException', `The URI endpoint ${xks.uriEndpoint} is already associated with an external key store in this AWS Region.`);
    }
  }
}

/**
 * Connectivity rules (CreateCustomKeyStore API reference): a VPC endpoint service name only
 * with VPC_ENDPOINT_SERVICE, and required there. Nimbus has no VPC endpoint services, so a named
 * one is never found — the answer AWS gives for a service that does not exist.
 */
function checkConnectivity(xks: CustomKeyStoreRec['xks']): void {
  if (xks.connectivity === 'VPC_ENDPOINT_SERVICE') {
    if (!xks.vpcEndpointServiceName) throw invalid('XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.');
    throw new ServiceError('XksProxyVpcEndpointServiceNotFoundException', `The VPC endpoint service ${xks.vpcEndpointServiceName} does not exist.`);
  }
  if (xks.vpcEndpointServiceName || xks.vpcEndpointServiceOwner) {
    throw invalid('XksProxyVpcEndpointServiceName and XksProxyVpcEndpointServiceOwner are valid only when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.');
  }
}

export function createCustomKeyStore(ctx: RequestContext, input: T.CreateCustomKeyStoreRequest): T.CreateCustomKeyStoreResponse {
  const type = input.CustomKeyStoreType ?? 'AWS_CLOUDHSM';
  if (type === 'AWS_CLOUDHSM') {
    if (!input.CloudHsmClusterId) throw invalid('CloudHsmClusterId is required for a custom key store of type AWS_CLOUDHSM.');
    if (!input.TrustAnchorCertificate) throw invalid('TrustAnchorCertificate is required for a custom key store of type AWS_CLOUDHSM.');
    if (!input.KeyStorePassword) throw invalid('KeyStorePassword is required for a custom key store of type AWS_CLOUDHSM.');
    // The account has no CloudHSM clusters (Nimbus emulates none), so any cluster id names nothing.
    throw new ServiceError('CloudHsmClusterNotFoundException', `AWS CloudHSM cluster ${input.CloudHsmClusterId} not found.`);
  }
  if (input.CloudHsmClusterId || input.TrustAnchorCertificate || input.KeyStorePassword) {
    throw invalid('CloudHsmClusterId, TrustAnchorCertificate and KeyStorePassword are valid only for a custom key store of type AWS_CLOUDHSM.');
  }
  const missing = (['XksProxyUriEndpoint', 'XksProxyUriPath', 'XksProxyAuthenticationCredential', 'XksProxyConnectivity'] as const)
    .filter((f) => input[f] === undefined);
  if (missing.length) throw invalid(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required for a custom key store of type EXTERNAL_KEY_STORE.`);
  const xks: CustomKeyStoreRec['xks'] = {
    connectivity: input.XksProxyConnectivity!, uriEndpoint: input.XksProxyUriEndpoint!, uriPath: input.XksProxyUriPath!,
    accessKeyId: input.XksProxyAuthenticationCredential!.AccessKeyId, secret: input.XksProxyAuthenticationCredential!.RawSecretAccessKey,
    ...(input.XksProxyVpcEndpointServiceName ? { vpcEndpointServiceName: input.XksProxyVpcEndpointServiceName } : {}),
    ...(input.XksProxyVpcEndpointServiceOwner ? { vpcEndpointServiceOwner: input.XksProxyVpcEndpointServiceOwner } : {}),
  };
  assertUnique(ctx, undefined, input.CustomKeyStoreName, xks);
  checkConnectivity(xks);
  // Custom key store ids: "cks-" and 17 hex digits (DescribeCustomKeyStores examples).
  const id = `cks-${hex(9).slice(0, 17)}`;
  kmsState(ctx).stores.set(id, { id, name: input.CustomKeyStoreName, type: 'EXTERNAL_KEY_STORE', created: clock.now(), state: 'DISCONNECTED', xks });
  return { CustomKeyStoreId: id };
}

export function describeCustomKeyStores(ctx: RequestContext, input: T.DescribeCustomKeyStoresRequest): T.DescribeCustomKeyStoresResponse {
  if (input.CustomKeyStoreId && input.CustomKeyStoreName) {
    throw invalid('You cannot specify both CustomKeyStoreId and CustomKeyStoreName.');
  }
  let stores = [...kmsState(ctx).stores.values()];
  if (input.CustomKeyStoreId) stores = [findStore(ctx, input.CustomKeyStoreId)];
  if (input.CustomKeyStoreName) {
    stores = stores.filter((st) => st.name === input.CustomKeyStoreName);
    if (!stores.length) throw new ServiceError('CustomKeyStoreNotFoundException', `Custom key store ${input.CustomKeyStoreName} does not exist.`);
  }
  const entries = stores.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1)).map(entry);
  return page(ctx, input as unknown as Record<string, unknown>, entries, {
    key: (e) => `${String(kmsState(ctx).stores.get(e.CustomKeyStoreId!)!.created).padStart(15, '0')}/${e.CustomKeyStoreId}`,
    invalidToken: () => new ServiceError('InvalidMarkerException', 'Invalid marker'), maxLimit: 1000,
  }) as T.DescribeCustomKeyStoresResponse;
}

export function updateCustomKeyStore(ctx: RequestContext, input: T.UpdateCustomKeyStoreRequest): T.UpdateCustomKeyStoreResponse {
  const st = findStore(ctx, input.CustomKeyStoreId);
  if (input.CloudHsmClusterId || input.KeyStorePassword) {
    throw invalid('CloudHsmClusterId and KeyStorePassword are valid only for a custom key store of type AWS_CLOUDHSM.');
  }
  // AWS (UpdateCustomKeyStore parameters): an external key store's name and proxy credential can
  // change while connected; the endpoint, path, connectivity and VPC endpoint service only
  // while DISCONNECTED.
  const structural = input.XksProxyUriEndpoint !== undefined || input.XksProxyUriPath !== undefined
    || input.XksProxyConnectivity !== undefined || input.XksProxyVpcEndpointServiceName !== undefined
    || input.XksProxyVpcEndpointServiceOwner !== undefined;
  if (structural && st.state !== 'DISCONNECTED') {
    throw invalidState(`Custom key store ${st.id} must be disconnected to update XksProxyUriEndpoint, XksProxyUriPath, XksProxyConnectivity or XksProxyVpcEndpointServiceName. Its connection state is ${st.state}.`);
  }
  const xks: CustomKeyStoreRec['xks'] = {
    ...st.xks,
    ...(input.XksProxyUriEndpoint !== undefined ? { uriEndpoint: input.XksProxyUriEndpoint } : {}),
    ...(input.XksProxyUriPath !== undefined ? { uriPath: input.XksProxyUriPath } : {}),
    ...(input.XksProxyConnectivity !== undefined ? { connectivity: input.XksProxyConnectivity } : {}),
    ...(input.XksProxyVpcEndpointServiceName !== undefined ? { vpcEndpointServiceName: input.XksProxyVpcEndpointServiceName } : {}),
    ...(input.XksProxyVpcEndpointServiceOwner !== undefined ? { vpcEndpointServiceOwner: input.XksProxyVpcEndpointServiceOwner } : {}),
    ...(input.XksProxyAuthenticationCredential
      ? { accessKeyId: input.XksProxyAuthenticationCredential.AccessKeyId, secret: input.XksProxyAuthenticationCredential.RawSecretAccessKey } : {}),
  };
  if (input.XksProxyConnectivity === 'PUBLIC_ENDPOINT') { delete xks.vpcEndpointServiceName; delete xks.vpcEndpointServiceOwner; }
  const name = input.NewCustomKeyStoreName ?? st.name;
  assertUnique(ctx, st.id, name, xks);
  if (structural) checkConnectivity(xks);
  st.name = name;
  st.xks = xks;
  kmsState(ctx).stores.set(st.id, st);
  return {};
}

export function deleteCustomKeyStore(ctx: RequestContext, input: T.DeleteCustomKeyStoreRequest): T.DeleteCustomKeyStoreResponse {
  const st = findStore(ctx, input.CustomKeyStoreId);
  if (st.state !== 'DISCONNECTED') {
    throw invalidState(`Custom key store ${st.id} must be disconnected before it can be deleted. Its connection state is ${st.state}.`);
  }
  for (const k of kmsState(ctx).keys.values()) {
    if (k.customKeyStoreId === st.id) throw new ServiceError('CustomKeyStoreHasCMKsException', `Custom key store ${st.id} contains KMS keys.`);
  }
  kmsState(ctx).stores.delete(st.id);
  return {};
}

export async function connectCustomKeyStore(ctx: RequestContext, input: T.ConnectCustomKeyStoreRequest): Promise<T.ConnectCustomKeyStoreResponse> {
  const st = findStore(ctx, input.CustomKeyStoreId);
  // AWS: valid for every state but DISCONNECTING and FAILED (a FAILED store is disconnected
  // first); connecting a CONNECTED store succeeds and changes nothing.
  if (st.state === 'FAILED' || st.state === 'DISCONNECTING') {
    throw invalidState(`Custom key store ${st.id} has connection state ${st.state}. Disconnect it before connecting it again.`);
  }
  if (st.state === 'CONNECTED' || st.state === 'CONNECTING') return {};
  // AWS connects asynchronously (CONNECTING, then CONNECTED or FAILED); Nimbus waits for the
  // proxy's answer (a few seconds at most) so the next DescribeCustomKeyStores shows the result.
  st.state = 'CONNECTING';
  kmsState(ctx).stores.set(st.id, st);
  const error = await checkHealth({ ...st.xks, region: ctx.region });
  const cur = kmsState(ctx).stores.get(st.id);
  if (!cur || cur.state !== 'CONNECTING') return {};
  cur.state = error ? 'FAILED' : 'CONNECTED';
  if (error) cur.errorCode = error; else delete cur.errorCode;
  kmsState(ctx).stores.set(cur.id, cur);
  return {};
}

export function disconnectCustomKeyStore(ctx: RequestContext, input: T.DisconnectCustomKeyStoreRequest): T.DisconnectCustomKeyStoreResponse {
  const st = findStore(ctx, input.CustomKeyStoreId);
  if (st.state === 'DISCONNECTED' || st.state === 'DISCONNECTING') {
    throw invalidState(`Custom key store ${st.id} is already ${st.state === 'DISCONNECTED' ? 'disconnected' : 'disconnecting'}.`);
  }
  st.state = 'DISCONNECTED';
  delete st.errorCode;
  kmsState(ctx).stores.set(st.id, st);
  return {};
}

/**
 * CreateKey in a custom key store. AWS requires a CONNECTED store
 * (CustomKeyStoreInvalidStateException otherwise), SYMMETRIC_DEFAULT keys, and single-Region
 * keys. Keys in a connected external store would need the proxy's key API (encrypt/decrypt
 * through the XKS proxy), which Nimbus does not implement: that last step answers 501.
 */
export function storeForNewKey(ctx: RequestContext, origin: string, storeId: string | undefined, multiRegion: boolean, spec: string): never {
  if (origin !== 'AWS_CLOUDHSM' && origin !== 'EXTERNAL_KEY_STORE') {
    throw invalid(`CustomKeyStoreId is valid only when Origin is AWS_CLOUDHSM or EXTERNAL_KEY_STORE.`);
  }
  if (!storeId) throw invalid(`CustomKeyStoreId is required when Origin is ${origin}.`);
  const st = findStore(ctx, storeId);
  if (st.type !== origin) {
    throw invalid(`Origin ${origin} does not match the type ${st.type} of custom key store ${st.id}.`);
  }
  if (multiRegion) throw new ServiceError('UnsupportedOperationException', 'Multi-Region keys are not supported in custom key stores.');
  if (spec !== 'SYMMETRIC_DEFAULT') throw new ServiceError('UnsupportedOperationException', `KeySpec ${spec} is not supported for KMS keys in custom key stores.`);
  if (st.state !== 'CONNECTED') {
    throw invalidState(`Custom key store ${st.id} is not connected. Its connection state is ${st.state}.`);
  }
  throw new ServiceError('NotImplemented', 'Nimbus does not create KMS keys in external key stores: the XKS proxy key operations are not implemented.', 501);
}
