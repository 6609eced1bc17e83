#!/usr/bin/env node
// Extracts the structural facts of AWS's published service models (botocore's data, the
// complete and current copy on this machine) into compact files under models/: no
// documentation text, paginators folded in, the patch overlay in models/patches/ applied.
// Nimbus reads only models/ at run time. Re-run with `npm run models`.
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'models');

// Nimbus service name -> botocore folder. The name is what --services, reset?service= and
// coverage use.
export const SERVICES = {
  sts: 'sts', iam: 'iam', sqs: 'sqs', s3: 's3', dynamodb: 'dynamodb',
  dynamodbstreams: 'dynamodbstreams', lambda: 'lambda', logs: 'logs', sns: 'sns', kms: 'kms',
  ssm: 'ssm', cloudwatch: 'cloudwatch', xray: 'xray', kinesis: 'kinesis',
  apigateway: 'apigateway', ecr: 'ecr', codebuild: 'codebuild', codedeploy: 'codedeploy',
  codepipeline: 'codepipeline', elasticbeanstalk: 'elasticbeanstalk', ec2: 'ec2', ecs: 'ecs',
  elb: 'elb', elbv2: 'elbv2', cloudfront: 'cloudfront', autoscaling: 'autoscaling', acm: 'acm',
  fis: 'fis', billing: 'billing', events: 'events', ram: 'ram',
};

// Keys that carry prose or client-only hints; everything else is structure we honour.
const DROP = new Set(['documentation', 'documentationUrl', 'deprecatedMessage', 'deprecatedSince',
  'examples', 'sensitive', 'box', 'wrapper', 'endpointdiscovery', 'endpointoperation',
  'staticContextParams', 'contextParam', 'operationContextParams', 'clientContextParams',
  'unsignedPayload', 'union_documentation']);

function strip(v) {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) if (!DROP.has(k)) o[k] = strip(x);
    return o;
  }
  return v;
}

function botocoreData() {
  const dir = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'])
    .toString().trim();
  return join(dir, 'data');
}

function readMaybeGz(path) {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8'));
  if (existsSync(path + '.gz')) return JSON.parse(gunzipSync(readFileSync(path + '.gz')).toString('utf8'));
  return undefined;
}

// A patch entry: { "why": "what AWS really does", "path": ["shapes","X",...], "set": {...} }
// merges `set` into the object at `path` (creating it), or `"delete": true` removes it.
function applyPatches(name, model) {
  const file = join(outDir, 'patches', `${name}.json`);
  if (!existsSync(file)) return 0;
  const entries = JSON.parse(readFileSync(file, 'utf8'));
  for (const e of entries) {
    if (!e.why) throw new Error(`${file}: every patch entry needs a "why"`);
    let o = model;
    for (const k of e.path.slice(0, -1)) o = o[k] ??= {};
    const last = e.path[e.path.length - 1];
    if (e.delete) delete o[last];
    else if (e.set !== undefined) {
      if (typeof e.set === 'object' && !Array.isArray(e.set) && e.set !== null) o[last] = { ...(o[last] ?? {}), ...e.set };
      else o[last] = e.set;
    }
  }
  return entries.length;
}

const data = botocoreData();
mkdirSync(outDir, { recursive: true });
const index = {};
for (const [name, folder] of Object.entries(SERVICES)) {
  const versions = readdirSync(join(data, folder)).filter((v) => /^\d{4}-\d{2}-\d{2}$/.test(v)).sort();
  const version = versions[versions.length - 1];
  const base = join(data, folder, version);
  const model = strip(readMaybeGz(join(base, 'service-2.json')));
  const pag = readMaybeGz(join(base, 'paginators-1.json'));
  model.paginators = pag?.pagination ?? {};
  const patched = applyPatches(name, model);
  const m = model.metadata;
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify(model));
  index[name] = {
    protocols: m.protocols ?? [m.protocol],
    apiVersion: m.apiVersion,
    signingName: m.signingName ?? m.endpointPrefix,
    endpointPrefix: m.endpointPrefix,
    ...(m.targetPrefix ? { targetPrefix: m.targetPrefix } : {}),
    operations: Object.keys(model.operations).length,
  };
  console.log(`${name.padEnd(18)} ${version} ${String(index[name].operations).padStart(4)} operations${patched ? `, ${patched} patches` : ''}`);
}
writeFileSync(join(outDir, 'index.json'), JSON.stringify(index, null, 1) + '\n');
