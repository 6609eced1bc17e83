// SQS test plumbing: an SDK client, raw query-protocol and JSON-protocol requests, XML parsing.
import http from 'node:http';
import { SQSClient } from '@aws-sdk/client-sqs';
import { XMLParser } from 'fast-xml-parser';
import { sdk } from '../../helpers.js';

export const client = (n: { endpoint: string }, creds?: { accessKeyId: string; secretAccessKey: string }) =>
  new SQSClient(sdk(n, creds));

// Elements that are flattened lists in the SQS query API come back as arrays, even when single.
const LISTS = ['Attribute', 'MessageAttribute', 'QueueUrl', 'SendMessageBatchResultEntry', 'BatchResultErrorEntry', 'DeleteMessageBatchResultEntry', 'Tag'];
const parser = new XMLParser({
  ignoreAttributes: false, parseTagValue: false,
  isArray: (name, jpath) => LISTS.includes(name) || String(jpath).endsWith('ReceiveMessageResult.Message'),
});

export interface Raw { status: number; headers: Headers; text: string; xml: Record<string, any> }

/** A query-protocol request (form-encoded Action=…), answered in XML. */
export async function query(n: { endpoint: string }, params: Record<string, string>, path = '/'): Promise<Raw> {
  const r = await fetch(n.endpoint + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ Version: '2012-11-05', ...params }).toString(),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, xml: parser.parse(text) };
}

/** A JSON-protocol request (X-Amz-Target: AmazonSQS.<Operation>). */
export async function json(n: { endpoint: string }, op: string, body: unknown): Promise<{ status: number; headers: Headers; body: any }> {
  const r = await fetch(n.endpoint + '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, headers: r.headers, body: JSON.parse((await r.text()) || '{}') };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A lean JSON-protocol client (keep-alive node:http, no SDK) for load tests, where the SDK's
 * own CPU cost would dominate. It speaks the same wire protocol as the SDKs.
 */
export function wire(endpoint: string, sockets = 64) {
  const u = new URL(endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  return {
    call<T = any>(op: string, body: unknown): Promise<T> {
      const data = JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = http.request({
          host: u.hostname, port: u.port, method: 'POST', path: '/', agent,
          headers: {
            'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}`, 'content-length': Buffer.byteLength(data),
            authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00',
          },
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) reject(Object.assign(new Error(`${op} ${res.statusCode} ${text}`), { status: res.statusCode }));
            else resolve(JSON.parse(text || '{}'));
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(data);
      });
    },
    close(): void { agent.destroy(); },
  };
}
