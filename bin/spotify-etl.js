#!/usr/bin/env node
// Runs the command line as the JavaScript bundle `npm ci` builds (`prepare`, cli/bundle.ts) while it
// is current, and otherwise the TypeScript through tsx: after an edit without `npm run build`, or
// where esbuild was not installed. Either way there is no manual build step between a clone and a run.
import { readFileSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  // npm scripts and npx put the project's own Node 24 (the `node` devDependency) first on PATH.
  console.error(`spotify-etl needs Node 22 or later, and this is Node ${process.versions.node}: run it as \`npm start\` or \`npx spotify-etl …\`, which use the project's Node 24.`);
  process.exit(1);
}

const root = new URL('../', import.meta.url);

/** True while dist/cli/ exists and no file it was built from has changed since. */
const bundleIsCurrent = () => {
  try {
    const { builtAtMs, inputs } = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8'));
    return inputs.every((input) => statSync(new URL(input, root)).mtimeMs <= builtAtMs);
  } catch {
    return false;
  }
};

if (bundleIsCurrent()) {
  // V8's compiled code of the bundle (and of the packages it requires) kept on disk between runs:
  // Node checks each entry against the source, and compiling was a fifth of a start's CPU time.
  // (module.enableCompileCache arrived in Node 22.8.)
  nodeModule.enableCompileCache?.();
  await import('../dist/cli/entry.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/entry.ts');
}
