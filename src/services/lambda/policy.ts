// Resource-based policies of functions: AddPermission, RemovePermission, GetPolicy. The
// statements are the JSON AWS writes ("Viewing resource-based IAM policies in Lambda",
// docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html): service
// principals as {"Service": …}, accounts as {"AWS": "arn:aws:iam::<id>:root"}, SourceArn as
// an ArnLike condition on AWS:SourceArn, SourceAccount as StringEquals on AWS:SourceAccount.
// A policy change is a change of the function (or version, or alias): its RevisionId moves,
// and GetPolicy reports that RevisionId.
import { ServiceError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { RequestContext } from '../service.js';
import type { LambdaOperations } from '../../protocols/types/lambda.js';
import { fnArn, getFn, notFound, parseName, st } from './common.js';
import { retire } from './instances.js';

type In<K extends keyof LambdaOperations> = LambdaOperations[K]['input'];

function target(ctx: RequestContext, fn: string, q?: string) {
  const { name, qualifier } = parseName(fn, q);
  const f = getFn(ctx, name);
  const s = st(ctx);
  const ql = qualifier && qualifier !== '$LATEST' ? qualifier : undefined;
  let revision: () => string;
  let bump: () => void;
  if (!ql) {
    revision = () => f.latest.RevisionId;
    bump = () => { f.latest = { ...f.latest, RevisionId: uuid() }; s.functions.set(name, f); retire(ctx, name, '$LATEST'); };
  } else if (/^\d+$/.test(ql)) {
    const v = s.versions.get(`${name}:${ql}`);
    if (!v) throw notFound(ctx, name, ql);
    revision = () => v.RevisionId;
    bump = () => { s.versions.set(`${name}:${ql}`, { ...v, RevisionId: uuid() }); retire(ctx, name, ql); };
  } else {
    const a = s.aliases.get(`${name}:${ql}`);
    if (!a) throw notFound(ctx, name, ql);
    revision = () => a.RevisionId;
    bump = () => { s.aliases.set(`${name}:${ql}`, { ...a, RevisionId: uuid() }); };
  }
  return { name, key: `${name}:${ql ?? ''}`, arn: fnArn(ctx, name, ql), revision, bump };
}

const preconditionFailed = () => new ServiceError('PreconditionFailedException', 'The Revision Id provided does not match the latest '
  + 'Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id', 412);

function principal(p: string): unknown {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith('arn:')) return { AWS: p };
  if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(p) || p.endsWith('.amazon.com')) return { Service: p };
  throw new ServiceError('InvalidParameterValueException', `The provided principal was invalid. Please check the principal and try again.`);
}

export function addPermission(ctx: RequestContext, input: In<'AddPermission'>) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  if (input.RevisionId !== undefined && input.RevisionId !== t.revision()) throw preconditionFailed();
  const s = st(ctx);
  const policy = s.policies.get(t.key) ?? { statements: [] };
  if (policy.statements.some((x) => x.Sid === input.StatementId)) {
    throw new ServiceError('ResourceConflictException', `The statement id (${input.StatementId}) provided already exists. `
      + 'Please provide a new statement id, or remove the existing statement.', 409);
  }
  const condition: Record<string, Record<string, string>> = {};
  const add = (op: string, k: string, v: string | undefined) => { if (v !== undefined) (condition[op] ??= {})[k] = v; };
  add('StringEquals', 'AWS:SourceAccount', input.SourceAccount);
  add('StringEquals', 'aws:PrincipalOrgID', input.PrincipalOrgID);
  add('StringEquals', 'lambda:EventSourceToken', input.EventSourceToken);
  add('StringEquals', 'lambda:FunctionUrlAuthType', input.FunctionUrlAuthType);
  if (input.InvokedViaFunctionUrl !== undefined) (condition.Bool ??= {})['lambda:InvokedViaFunctionUrl'] = String(input.InvokedViaFunctionUrl);
  add('ArnLike', 'AWS:SourceArn', input.SourceArn);
  const statement: Record<string, unknown> = {
    Sid: input.StatementId, Effect: 'Allow', Principal: principal(input.Principal), Action: input.Action, Resource: t.arn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
  const text = JSON.stringify(statement);
  // AWS's limit on a function's policy: 20 KB.
  if (JSON.stringify(policy.statements).length + text.length > 20480) {
    throw new ServiceError('PolicyLengthExceededException', 'The final policy size (bigger than 20480) is bigger than the limit.', 400);
  }
  s.policies.set(t.key, { statements: [...policy.statements, statement] });
  t.bump();
  return { Statement: text };
}

export function removePermission(ctx: RequestContext, input: In<'RemovePermission'>) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  if (input.RevisionId !== undefined && input.RevisionId !== t.revision()) throw preconditionFailed();
  const s = st(ctx);
  const policy = s.policies.get(t.key);
  if (!policy?.statements.some((x) => x.Sid === input.StatementId)) {
    throw new ServiceError('ResourceNotFoundException', `Statement ${input.StatementId} is not found in resource policy.`, 404);
  }
  const statements = policy.statements.filter((x) => x.Sid !== input.StatementId);
  if (statements.length) s.policies.set(t.key, { statements }); else s.policies.delete(t.key);
  t.bump();
  return {};
}

export function getPolicy(ctx: RequestContext, input: In<'GetPolicy'>) {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const policy = st(ctx).policies.get(t.key);
  if (!policy) throw new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
  return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: policy.statements }), RevisionId: t.revision() };
}
