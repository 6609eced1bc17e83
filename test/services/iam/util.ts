// Small helpers the IAM tests share.
import type { CliResult } from '../../helpers.js';

/** The error the aws CLI printed: "An error occurred (Code) when calling the Op operation…: message". */
export function cliError(r: CliResult): { code: string; operation: string; message: string } | undefined {
  const m = /An error occurred \((\w+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: (.*)/.exec(r.stderr);
  return m ? { code: m[1], operation: m[2], message: m[3].trim() } : undefined;
}

/** A policy document with the given statements. */
export const doc = (...Statement: unknown[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/** A trust policy letting `principal` assume the role. */
export const trust = (principal: unknown): string => doc({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' });

/** boto3 prelude: an IAM client `c` and `err(call)` giving {code, status, message} or None. */
export const PY_IAM = `
c = boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1')
def err(call):
    try:
        call()
        return None
    except botocore.exceptions.ClientError as e:
        return {'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'message': e.response['Error']['Message']}
`;
