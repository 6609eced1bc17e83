// Account-level resource policies (PutResourcePolicy: which AWS services may write to the
// account's log groups; 10 per account and region, CloudWatch Logs quotas) and saved Logs
// Insights query definitions (stored and returned; Nimbus does not run Insights queries).
import { ServiceError, notImplemented } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { uuid } from '../../core/ids.js';
import { decodeToken, encodeToken, page } from '../../core/pagination.js';
import type { RequestContext } from '../service.js';
import type {
  DeleteQueryDefinitionRequest, DeleteResourcePolicyRequest, DescribeQueryDefinitionsRequest, DescribeResourcePoliciesRequest,
  PutQueryDefinitionRequest, PutResourcePolicyRequest,
} from '../../protocols/types/logs.js';
import { st } from './groups.js';
import type { QueryDefinitionRec, ResourcePolicyRec } from './state.js';

const MAX_POLICIES = 10;
const invalid = (m: string) => new ServiceError('InvalidParameterException', m);

const policyOut = (p: ResourcePolicyRec) => ({
  policyName: p.name, policyDocument: p.document, lastUpdatedTime: p.lastUpdatedTime, policyScope: 'ACCOUNT', revisionId: p.revisionId,
});

export function putResourcePolicy(ctx: RequestContext, input: PutResourcePolicyRequest) {
  if (input.resourceArn) throw notImplemented('logs', 'PutResourcePolicy for a single resource (resourceArn)');
  if (!input.policyName) throw invalid('policyName is required.');
  if (!input.policyDocument) throw invalid('policyDocument is required.');
  try { JSON.parse(input.policyDocument); } catch { throw invalid('Policy document is not valid JSON.'); }
  const s = st(ctx);
  const prev = s.resourcePolicies.get(input.policyName);
  if (prev && input.expectedRevisionId !== undefined && input.expectedRevisionId !== prev.revisionId) {
    throw new ServiceError('OperationAbortedException', 'The revision ID does not match the current revision of the policy.');
  }
  if (!prev && s.resourcePolicies.size >= MAX_POLICIES) throw new ServiceError('LimitExceededException', 'Resource limit exceeded.');
  const rec: ResourcePolicyRec = { name: input.policyName, document: input.policyDocument, lastUpdatedTime: clock.now(), revisionId: uuid() };
  s.resourcePolicies.set(rec.name, rec);
  return { resourcePolicy: policyOut(rec), revisionId: rec.revisionId };
}

export function describeResourcePolicies(ctx: RequestContext, input: DescribeResourcePoliciesRequest) {
  if (input.resourceArn) throw notImplemented('logs', 'DescribeResourcePolicies for a single resource (resourceArn)');
  const items = [...st(ctx).resourcePolicies.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const out = page(ctx, input as unknown as Record<string, unknown>, items, { key: (p) => p.name, defaultLimit: 50, maxLimit: 50,
    invalidToken: () => invalid('The specified nextToken is invalid.') });
  out.resourcePolicies = (out.resourcePolicies as ResourcePolicyRec[]).map(policyOut);
  return out;
}

export function deleteResourcePolicy(ctx: RequestContext, input: DeleteResourcePolicyRequest) {
  if (input.resourceArn) throw notImplemented('logs', 'DeleteResourcePolicy for a single resource (resourceArn)');
  if (!input.policyName) throw invalid('policyName is required.');
  const s = st(ctx);
  if (!s.resourcePolicies.delete(input.policyName)) {
    throw new ServiceError('ResourceNotFoundException', `Policy with name [${input.policyName}] does not exist`);
  }
  return {};
}

// ---- query definitions ----

const queryOut = (q: QueryDefinitionRec) => ({
  queryLanguage: q.queryLanguage, queryDefinitionId: q.id, name: q.name, queryString: q.queryString, lastModified: q.lastModified,
  ...(q.logGroupNames ? { logGroupNames: q.logGroupNames } : {}), ...(q.parameters ? { parameters: q.parameters } : {}),
});

export function putQueryDefinition(ctx: RequestContext, input: PutQueryDefinitionRequest) {
  const s = st(ctx);
  let id = input.queryDefinitionId;
  if (id !== undefined && !s.queryDefinitions.has(id)) {
    throw new ServiceError('ResourceNotFoundException', 'The specified query definition does not exist.');
  }
  id ??= uuid();
  s.queryDefinitions.set(id, {
    id, name: input.name, queryString: input.queryString, queryLanguage: input.queryLanguage ?? 'CWLI', lastModified: clock.now(),
    ...(input.logGroupNames ? { logGroupNames: input.logGroupNames } : {}), ...(input.parameters ? { parameters: input.parameters } : {}),
  });
  return { queryDefinitionId: id };
}

/** Sorted by name; the model has no paginator for it, so the token is built here. */
export function describeQueryDefinitions(ctx: RequestContext, input: DescribeQueryDefinitionsRequest) {
  const key = (q: QueryDefinitionRec) => `${q.name}\u0000${q.id}`;
  const items = [...st(ctx).queryDefinitions.values()]
    .filter((q) => !input.queryDefinitionNamePrefix || q.name.startsWith(input.queryDefinitionNamePrefix))
    .filter((q) => !input.queryLanguage || q.queryLanguage === input.queryLanguage)
    .sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const limit = Math.min(input.maxResults && input.maxResults > 0 ? input.maxResults : 1000, 1000);
  let start = 0;
  if (input.nextToken) {
    const pos = decodeToken('DescribeQueryDefinitions', input.nextToken);
    if (!pos || pos.k === undefined) throw invalid('The specified nextToken is invalid.');
    const after = pos.k;
    start = items.findIndex((q) => key(q) > after);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + limit);
  return {
    queryDefinitions: slice.map(queryOut),
    ...(start + limit < items.length ? { nextToken: encodeToken('DescribeQueryDefinitions', { k: key(slice[slice.length - 1]) }) } : {}),
  };
}

export function deleteQueryDefinition(ctx: RequestContext, input: DeleteQueryDefinitionRequest) {
  if (!st(ctx).queryDefinitions.delete(input.queryDefinitionId)) {
    throw new ServiceError('ResourceNotFoundException', 'The specified query definition does not exist.');
  }
  return { success: true };
}
