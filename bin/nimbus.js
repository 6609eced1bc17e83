#!/usr/bin/env node
// Entry point; the TypeScript sources are compiled to dist/ by `npm ci` (the prepare script).
import { main } from '../dist/src/cli.js';

main(process.argv.slice(2)).catch((e) => {
  console.error(`nimbus: ${e.message}`);
  process.exit(1);
});
