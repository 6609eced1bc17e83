// Test plumbing for Lambda: zips (adm-zip), an execution role, a function factory, and polling
// for what functions log.
import AdmZip from 'adm-zip';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { LambdaClient, CreateFunctionCommand, type CreateFunctionCommandInput } from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { sdk } from '../../helpers.js';

/** A zip of these files (name → content, or [content, mode]); modes are kept (bootstrap needs +x). */
export function zipOf(files: Record<string, string | [string, number]>): Buffer {
  const z = new AdmZip();
  for (const [name, v] of Object.entries(files)) {
    const [content, mode] = Array.isArray(v) ? v : [v, 0o644];
    z.addFile(name, Buffer.from(content), '', mode);
  }
  return z.toBuffer();
}

export const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

export async function role(n: { endpoint: string }, name = 'lambda-exec'): Promise<string> {
  const iam = new IAMClient(sdk(n));
  const r = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }));
  return r.Role!.Arn!;
}

export async function createFn(lambda: LambdaClient, roleArn: string, name: string, files: Record<string, string | [string, number]>,
  extra: Partial<CreateFunctionCommandInput> = {}) {
  return lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn,
    Code: { ZipFile: zipOf(files) }, ...extra }));
}

export const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('utf8');
export const parsed = (b: Uint8Array | undefined) => JSON.parse(text(b));

export const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Calls `f` every `every` ms until `ok` holds for its value or `ms` pass, and returns the last
 * value. `tick`, when given, runs between calls (e.g. advancing the clock for retries).
 */
export async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000, tick?: () => void, every = 50): Promise<T> {
  const end = Date.now() + ms;
  let v = await f();
  while (!ok(v) && Date.now() < end) { tick?.(); await sleep(every); v = await f(); }
  return v;
}

/** The events a function logged as "EVENT <json>" (none while its log group does not exist). */
export async function loggedEvents(logs: CloudWatchLogsClient, fn: string): Promise<any[]> {
  try {
    const r = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"EVENT"' }));
    return (r.events ?? []).map((e) => JSON.parse(e.message!.slice(e.message!.indexOf('EVENT ') + 6)));
  } catch { return []; }
}
