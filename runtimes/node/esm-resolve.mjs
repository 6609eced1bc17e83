// Module resolve hook of Nimbus's Node.js runtime: a bare import (`@aws-sdk/client-s3`) that
// Node cannot resolve from the importing file is looked up in the NODE_PATH folders, as AWS's
// Node.js 18+ runtimes do for ES modules: the runtime-included SDK v3 imports without being
// bundled ("Runtime-included SDK versions", docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html),
// and so do layers' packages in /opt/nodejs/node_modules ("Lambda supports JavaScript ES module
// dependencies for Node.js 18", repost.aws/knowledge-center/lambda-import-module-error-nodejs).
// Node's own resolution runs first, so a function's own node_modules wins.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const folders = (process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean);
const bare = (s) => !/^(\.{0,2}\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(s);
const packageName = (s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]);

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !bare(specifier)) throw e;
    const name = packageName(specifier);
    for (const folder of folders) {
      const dir = path.join(folder, name);
      if (!fs.existsSync(dir)) continue;
      // Resolve as if imported from beside the node_modules folder that really holds the package
      // (the folder may link to it), so Node applies the package's exports and conditions.
      const real = fs.realpathSync(dir);
      const nodeModules = real.slice(0, real.length - name.length - 1);
      const from = path.basename(nodeModules) === 'node_modules' ? path.dirname(nodeModules) : folder;
      try { return await nextResolve(specifier, { ...context, parentURL: pathToFileURL(path.join(from, 'noop.mjs')).href }); } catch { /* next folder */ }
    }
    throw e;
  }
}
