#!/usr/bin/env node
// The ceiling: a bare node:http server that reads each request to the end and answers one
// fixed response. Nothing a real server could do is cheaper, so its req/s is the most any
// Node.js server can reach on this machine with this load generator.
//
//   node bench/ceiling.mjs PORT
//
// The response comes from the BENCH_CEILING_RESPONSE environment variable, a JSON
// {status, headers, body} that bench/run.mjs fills from the scenario's `ceiling` field;
// without it, a GetCallerIdentity answer shaped like Nimbus's is used.
import http from 'node:http';

const DEFAULT = {
  status: 200,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': '00000000-0000-4000-8000-000000000000' },
  body: '<?xml version="1.0" encoding="UTF-8"?><GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    + '<GetCallerIdentityResult><UserId>000000000000</UserId><Account>000000000000</Account>'
    + '<Arn>arn:aws:iam::000000000000:root</Arn></GetCallerIdentityResult>'
    + '<ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ResponseMetadata>'
    + '</GetCallerIdentityResponse>',
};

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node bench/ceiling.mjs PORT');
  process.exit(2);
}
const spec = process.env.BENCH_CEILING_RESPONSE ? JSON.parse(process.env.BENCH_CEILING_RESPONSE) : DEFAULT;
const body = Buffer.from(spec.body ?? '');
const headers = { ...spec.headers, 'content-length': String(body.length) };
const status = spec.status ?? 200;

const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(status, headers);
    res.end(body);
  });
});
server.listen(port, '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
