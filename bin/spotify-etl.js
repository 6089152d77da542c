#!/usr/bin/env node
// Runs the TypeScript command line through tsx, so there is no build step between a clone and a run.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  // npm scripts and npx put the project's own Node 24 (the `node` devDependency) first on PATH.
  console.error(`spotify-etl needs Node 22 or later, and this is Node ${process.versions.node}: run it as \`npm start\` or \`npx spotify-etl …\`, which use the project's Node 24.`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../cli/entry.ts');
