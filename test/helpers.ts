// Shared test plumbing: a Nimbus per test file, and the three real clients (JS SDK v3,
// the aws CLI, boto3) pointed at it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startNimbus, type Nimbus, type NimbusOptions } from '../src/index.js';

const run = promisify(execFile);

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export async function nimbus(opts: NimbusOptions = {}): Promise<Nimbus> {
  return startNimbus({ port: 0, logLevel: 'silent', ...opts });
}

/** SDK client config for a Nimbus endpoint. */
export const sdk = (n: { endpoint: string }, creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = credentials) =>
  ({ endpoint: n.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });

export interface CliResult { code: number; stdout: string; stderr: string }

const env = (creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => ({
  ...process.env,
  AWS_ACCESS_KEY_ID: creds.accessKeyId,
  AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
  ...(creds.sessionToken ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}),
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_MAX_ATTEMPTS: '1',
  AWS_RETRY_MODE: 'standard',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
});

/** Runs `aws --endpoint-url … <args>`; never throws for a non-zero exit. */
export async function aws(n: { endpoint: string }, args: string[], creds = credentials): Promise<CliResult> {
  try {
    const r = await run('aws', ['--endpoint-url', n.endpoint, '--output', 'json', ...args], { env: env(creds), timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : 1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

/**
 * Runs a boto3 script with `endpoint` defined and `boto3`, `json` imported; the script prints
 * its result as JSON on the last line, which is returned parsed.
 */
export async function boto3<T = unknown>(n: { endpoint: string }, script: string, creds = credentials): Promise<T> {
  const prelude = `import boto3, json, botocore\nendpoint = ${JSON.stringify(n.endpoint)}\n`;
  const r = await run('python3', ['-c', prelude + script], { env: env(creds), timeout: 60_000 });
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** Asserts that `p` rejects with an SDK error of this name and HTTP status; returns it. */
export async function rejects(p: Promise<unknown>, name: string, status?: number): Promise<Error & { $metadata: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata: { httpStatusCode?: number; requestId?: string }; Code?: string };
    if (err.name !== name) throw new Error(`expected ${name}, got ${err.name}: ${err.message}`);
    if (status !== undefined && err.$metadata?.httpStatusCode !== status) throw new Error(`expected HTTP ${status}, got ${err.$metadata?.httpStatusCode}`);
    return err;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}
