// Test plumbing for Lambda: zips (adm-zip), an execution role, a function factory.
import AdmZip from 'adm-zip';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import { LambdaClient, CreateFunctionCommand, type CreateFunctionCommandInput } from '@aws-sdk/client-lambda';
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
