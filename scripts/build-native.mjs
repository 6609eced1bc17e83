#!/usr/bin/env node
// Builds Nimbus's one native addon, native/crc64nvme (hardware CRC64NVME for S3 uploads), with
// node-gyp at `npm ci` / `npm install`. It is optional: if it cannot be built (no C compiler,
// no Node headers), S3 computes CRC64NVME with aws-crt instead, ~14x slower, and this prints
// why. So this script never fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'crc64nvme');
const prefix = dirname(dirname(process.execPath));
// npm gives install scripts its bundled node-gyp; run by hand, find the one npm ships beside node.
const gyp = process.env.npm_config_node_gyp ?? join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const args = [gyp, 'rebuild'];
// node-gyp downloads Node's headers unless told where they are: an offline machine needs the
// copy Node installs beside itself (include/node), when npm is not configured with one.
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);

const r = existsSync(gyp) ? spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' }) : undefined;
if (r?.status === 0) {
  console.log('native/crc64nvme built');
} else {
  const why = !r ? `node-gyp not found at ${gyp}` : (r.error?.message ?? `${r.stderr}${r.stdout}`.trim().split('\n').slice(-8).join('\n'));
  console.warn(`native/crc64nvme not built; S3 computes CRC64NVME with aws-crt instead (slower):\n${why}`);
}
