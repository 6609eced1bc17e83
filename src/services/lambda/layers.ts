// Layers: PublishLayerVersion, GetLayerVersion(ByArn), ListLayers, ListLayerVersions,
// DeleteLayerVersion and the layer version policies. A function's layers are checked and
// resolved here; instances.ts extracts them, in order, into the function's /opt.
import { ServiceError } from '../../core/errors.js';
import { deleteBlob, putBlob } from '../../core/blobs.js';
import { uuid } from '../../core/ids.js';
import { page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type { LambdaOperations } from '../../protocols/types/lambda.js';
import { checkZip, MAX_UNZIPPED, sha256b64 } from './code.js';
import { codeLocation, codeZip } from './code-source.js';
import { lastModified, st, versionsOf } from './common.js';
import type { FnConfig, LayerVersionRec } from './state.js';

type In<K extends keyof LambdaOperations> = LambdaOperations[K]['input'];

const notFound = () => new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
const layerArn = (ctx: { region: string; accountId: string }, name: string) => `arn:aws:lambda:${ctx.region}:${ctx.accountId}:layer:${name}`;

/** A LayerName parameter: a name or a layer ARN. */
function layerName(ctx: RequestContext, input: string): string {
  const m = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)$/.exec(input);
  if (!m) return input;
  if (m[1] !== ctx.region || m[2] !== ctx.accountId) throw notFound();
  return m[3];
}

const MAX_LAYERS = 5;

function shown(ctx: RequestContext, l: LayerVersionRec, withContent = true) {
  return {
    ...(withContent ? { Content: { Location: codeLocation(ctx, l.blobId), CodeSha256: l.CodeSha256, CodeSize: l.CodeSize } } : {}),
    LayerArn: l.LayerArn, LayerVersionArn: l.LayerVersionArn, Description: l.Description, CreatedDate: l.CreatedDate, Version: l.Version,
    ...(l.CompatibleRuntimes?.length ? { CompatibleRuntimes: l.CompatibleRuntimes } : {}),
    ...(l.LicenseInfo !== undefined ? { LicenseInfo: l.LicenseInfo } : {}),
    ...(l.CompatibleArchitectures?.length ? { CompatibleArchitectures: l.CompatibleArchitectures } : {}),
  };
}

export async function publishLayerVersion(ctx: RequestContext, input: In<'PublishLayerVersion'>) {
  const name = layerName(ctx, input.LayerName);
  const zip = await codeZip(ctx, input.Content);
  if (!zip) throw new ServiceError('InvalidParameterValueException', 'Please provide a source for layer content.');
  const unzipped = await checkZip(zip, 'PublishLayerVersion');
  const blob = await putBlob(zip, [], 'lambda');
  const s = st(ctx);
  const counter = s.layerNames.get(name) ?? { next: 1 };
  const version = counter.next;
  s.layerNames.set(name, { next: version + 1 });
  const rec: LayerVersionRec = {
    LayerName: name, Version: version, LayerArn: layerArn(ctx, name), LayerVersionArn: `${layerArn(ctx, name)}:${version}`,
    Description: input.Description ?? '', CreatedDate: lastModified(),
    ...(input.CompatibleRuntimes?.length ? { CompatibleRuntimes: [...input.CompatibleRuntimes] } : {}),
    ...(input.CompatibleArchitectures?.length ? { CompatibleArchitectures: [...input.CompatibleArchitectures] } : {}),
    ...(input.LicenseInfo !== undefined ? { LicenseInfo: input.LicenseInfo } : {}),
    CodeSha256: sha256b64(zip), CodeSize: zip.length, unzipped, blobId: blob.id,
  };
  s.layers.set(`${name}:${version}`, rec);
  return shown(ctx, rec);
}

function getRec(ctx: RequestContext, name: string, version: number): LayerVersionRec {
  const l = st(ctx).layers.get(`${name}:${version}`);
  if (!l) throw notFound();
  return l;
}

export function getLayerVersion(ctx: RequestContext, input: In<'GetLayerVersion'>) {
  return shown(ctx, getRec(ctx, layerName(ctx, input.LayerName), input.VersionNumber));
}

/** A layer version ARN of any account/region in this Nimbus, or undefined. */
export function layerByArn(arn: string): LayerVersionRec | undefined {
  const m = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):(\d+)$/.exec(arn);
  if (!m) return undefined;
  return st({ region: m[1], accountId: m[2] }).layers.get(`${m[3]}:${Number(m[4])}`);
}

export function getLayerVersionByArn(ctx: RequestContext, input: In<'GetLayerVersionByArn'>) {
  const l = layerByArn(input.Arn);
  if (!l) throw notFound();
  return shown(ctx, l);
}

const matches = (l: LayerVersionRec, runtime?: string, arch?: string) =>
  (!runtime || (l.CompatibleRuntimes ?? []).includes(runtime)) && (!arch || (l.CompatibleArchitectures ?? []).includes(arch));

function versionsOfLayer(ctx: RequestContext, name: string): LayerVersionRec[] {
  const out: LayerVersionRec[] = [];
  for (const [k, v] of st(ctx).layers.entries()) if (k.startsWith(`${name}:`) && v.LayerName === name) out.push(v);
  return out.sort((a, b) => b.Version - a.Version);
}

export function listLayerVersions(ctx: RequestContext, input: In<'ListLayerVersions'>) {
  const name = layerName(ctx, input.LayerName);
  const items = versionsOfLayer(ctx, name).filter((l) => matches(l, input.CompatibleRuntime, input.CompatibleArchitecture));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (l) => String(1e9 - l.Version).padStart(10, '0'), defaultLimit: 50, maxLimit: 50,
    invalidToken: () => new ServiceError('InvalidParameterValueException', 'Invalid Marker'),
  });
  out.LayerVersions = (out.LayerVersions as LayerVersionRec[]).map((l) => shown(ctx, l, false));
  return out;
}

export function listLayers(ctx: RequestContext, input: In<'ListLayers'>) {
  const latest = new Map<string, LayerVersionRec>();
  for (const l of st(ctx).layers.values()) {
    if (!matches(l, input.CompatibleRuntime, input.CompatibleArchitecture)) continue;
    const cur = latest.get(l.LayerName);
    if (!cur || cur.Version < l.Version) latest.set(l.LayerName, l);
  }
  const items = [...latest.values()].sort((a, b) => (a.LayerName < b.LayerName ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, {
    key: (l) => l.LayerName, defaultLimit: 50, maxLimit: 50,
    invalidToken: () => new ServiceError('InvalidParameterValueException', 'Invalid Marker'),
  });
  out.Layers = (out.Layers as LayerVersionRec[]).map((l) => ({ LayerName: l.LayerName, LayerArn: l.LayerArn, LatestMatchingVersion: shown(ctx, l, false) }));
  return out;
}

/** Whether any function configuration still uses this layer version (it then keeps the content, as on AWS). */
function inUse(ctx: RequestContext, arn: string): boolean {
  const s = st(ctx);
  const uses = (c: FnConfig) => (c.Layers ?? []).some((l) => l.Arn === arn);
  for (const f of s.functions.values()) if (uses(f.latest) || versionsOf(ctx, f.name).some(uses)) return true;
  return false;
}

export function deleteLayerVersion(ctx: RequestContext, input: In<'DeleteLayerVersion'>) {
  const name = layerName(ctx, input.LayerName);
  const key = `${name}:${input.VersionNumber}`;
  const l = st(ctx).layers.get(key);
  if (!l) return {}; // idempotent, as AWS is
  st(ctx).layers.delete(key);
  if (!inUse(ctx, l.LayerVersionArn)) deleteBlob(l.blobId);
  return {};
}

// --- layer version policies ---

export function addLayerVersionPermission(ctx: RequestContext, input: In<'AddLayerVersionPermission'>) {
  const name = layerName(ctx, input.LayerName);
  const l = getRec(ctx, name, input.VersionNumber);
  const policy = l.policy ?? { RevisionId: uuid(), statements: [] };
  if (input.RevisionId !== undefined && input.RevisionId !== policy.RevisionId) {
    throw new ServiceError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. '
      + 'Call the GetLayerPolicy API to retrieve the latest Revision Id', 412);
  }
  if (policy.statements.some((x) => x.Sid === input.StatementId)) {
    throw new ServiceError('ResourceConflictException', `The statement id (${input.StatementId}) provided already exists. `
      + 'Please provide a new statement id, or remove the existing statement.', 409);
  }
  if (input.Action !== 'lambda:GetLayerVersion') {
    throw new ServiceError('InvalidParameterValueException', `Action must be lambda:GetLayerVersion.`);
  }
  if (input.Principal !== '*' && !/^\d{12}$/.test(input.Principal) && !/^arn:aws[a-zA-Z-]*:iam::\d{12}:root$/.test(input.Principal)) {
    throw new ServiceError('InvalidParameterValueException', 'The principal must be an AWS account id, an account root ARN or *.');
  }
  const statement: Record<string, unknown> = {
    Sid: input.StatementId, Effect: 'Allow',
    Principal: input.Principal === '*' ? '*' : { AWS: /^\d{12}$/.test(input.Principal) ? `arn:aws:iam::${input.Principal}:root` : input.Principal },
    Action: input.Action, Resource: l.LayerVersionArn,
    ...(input.OrganizationId ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': input.OrganizationId } } } : {}),
  };
  const next = { RevisionId: uuid(), statements: [...policy.statements, statement] };
  st(ctx).layers.set(`${name}:${l.Version}`, { ...l, policy: next });
  return { Statement: JSON.stringify(statement), RevisionId: next.RevisionId };
}

export function removeLayerVersionPermission(ctx: RequestContext, input: In<'RemoveLayerVersionPermission'>) {
  const name = layerName(ctx, input.LayerName);
  const l = getRec(ctx, name, input.VersionNumber);
  const policy = l.policy;
  if (input.RevisionId !== undefined && input.RevisionId !== policy?.RevisionId) {
    throw new ServiceError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. '
      + 'Call the GetLayerPolicy API to retrieve the latest Revision Id', 412);
  }
  if (!policy?.statements.some((x) => x.Sid === input.StatementId)) {
    throw new ServiceError('ResourceNotFoundException', `Statement ${input.StatementId} is not found in resource policy.`, 404);
  }
  const statements = policy.statements.filter((x) => x.Sid !== input.StatementId);
  const next = { ...l };
  if (statements.length) next.policy = { RevisionId: uuid(), statements }; else delete next.policy;
  st(ctx).layers.set(`${name}:${l.Version}`, next);
  return {};
}

export function getLayerVersionPolicy(ctx: RequestContext, input: In<'GetLayerVersionPolicy'>) {
  const l = getRec(ctx, layerName(ctx, input.LayerName), input.VersionNumber);
  if (!l.policy) throw new ServiceError('ResourceNotFoundException', 'No policy is associated with the given resource.', 404);
  return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: l.policy.statements }), RevisionId: l.policy.RevisionId };
}

/**
 * Checks a function's Layers parameter and resolves it: at most five existing layer
 * versions, and the function's code with its layers within the 250 MB unzipped limit.
 */
export function resolveLayers(arns: string[], codeUnzipped: number): Pick<FnConfig, 'Layers' | 'layerBlobs'> {
  if (!arns.length) return {};
  if (arns.length > MAX_LAYERS) throw new ServiceError('InvalidParameterValueException', `Cannot reference more than ${MAX_LAYERS} layers.`);
  const layers: LayerVersionRec[] = [];
  for (const arn of arns) {
    const l = layerByArn(arn);
    if (!l) throw new ServiceError('InvalidParameterValueException', `Layer version ${arn} does not exist.`);
    layers.push(l);
  }
  const total = layers.reduce((n, l) => n + l.unzipped, codeUnzipped);
  if (total > MAX_UNZIPPED) {
    throw new ServiceError('InvalidParameterValueException', `Function code combined with layers exceeds the maximum allowed size of ${MAX_UNZIPPED} bytes. The actual size is ${total} bytes.`);
  }
  return {
    Layers: layers.map((l) => ({ Arn: l.LayerVersionArn, CodeSize: l.CodeSize })),
    layerBlobs: layers.map((l) => ({ blobId: l.blobId, sha256: l.CodeSha256 })),
  };
}
