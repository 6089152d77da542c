/**
 * The command line as JavaScript: one esbuild bundle of our TypeScript and the packages it uses, so
 * `spotify-etl` starts without transpiling through tsx, and without Node resolving, reading and
 * compiling a file per module of DuckDB's API, io-ts and fp-ts (a hundred and more files; a
 * fifth of `query "select 1"`). Left to Node: DuckDB's native binding, which finds its platform's
 * `.node` file at run time, and the AWS SDK, which only the remote commands load. Code splitting
 * keeps each command and each dynamic import its own chunk, so `query` loads neither the emulator
 * nor the executor.
 *
 * Beside the bundle goes the list of the files it was built from: bin/spotify-etl.js runs the
 * bundle only while none of them is newer, and falls back to tsx otherwise.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile, Plugin } from 'esbuild';
import { fpTsAsEsBuild } from '../infra/lambda-builtins';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Where `npm ci` (prepare) and `npm run build` put the bundle; bin/spotify-etl.js looks there. */
export const cliBundleDir = join(repoRoot, 'dist', 'cli');

/** What bin/spotify-etl.js reads (`inputs.json`) to decide whether the bundle is current. */
export interface BundleInputs {
  /** Milliseconds since the epoch when the build started: an input modified later makes the bundle stale. */
  readonly builtAtMs: number;
  /** The bundled files, relative to the repository. */
  readonly inputs: readonly string[];
}

/** The packages Node loads from node_modules, not from the bundle (see above). */
const externalPackages = ['@duckdb/node-bindings', '@aws-sdk/*', '@smithy/*'];

/** The packages aws-local-stepfunctions imports that a local run never calls (see cli/left-out.ts). */
const leftOutPackages = /^(@aws-sdk\/client-lambda|@aws-sdk\/credential-providers|asl-validator)$/;

/**
 * Bundles aws-local-stepfunctions with the imports it never uses locally replaced by
 * cli/left-out.ts: loading the Lambda client, its credential providers and asl-validator (with
 * ajv and jsonata) was about a quarter of a one-playlist run's CPU time. Runs through tsx load the
 * real packages.
 */
const executorWithoutUnusedImports: Plugin = {
  name: 'executor-without-unused-imports',
  setup(build) {
    build.onResolve({ filter: leftOutPackages }, (args) =>
      args.importer.includes('/node_modules/aws-local-stepfunctions/') ? { path: join(repoRoot, 'cli', 'left-out.ts') } : undefined,
    );
  },
};

/**
 * Node's own modules loaded as CommonJS (`require`), not through an ES `import`: Node builds an
 * ES module facade by reading every export, and reading node:http's WebSocket loads undici, so
 * `import … from 'node:http'` took 64 ms of CPU against 6 ms for `require` (node:crypto 9 against
 * 0.4). esbuild turns the named imports into property reads where they are used.
 */
const builtinsThroughRequire: Plugin = {
  name: 'builtins-through-require',
  setup(build) {
    const names = new Set(builtinModules.flatMap((name) => (name.startsWith('node:') ? [name] : [name, `node:${name}`])));
    build.onResolve({ filter: /^[a-z_:/0-9]+$/ }, (args) =>
      names.has(args.path) && (args.kind === 'import-statement' || args.kind === 'dynamic-import') ? { path: args.path, namespace: 'builtin-require' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/** Bundles cli/entry.ts into `outdir` (emptied first) as `entry.js` and its chunks; returns esbuild's metafile. */
export const bundleCli = async (outdir: string): Promise<Metafile> => {
  const builtAtMs = Date.now();
  // esbuild is a devDependency: imported here so the command line itself never needs it.
  const { build } = await import('esbuild');
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    entryPoints: { entry: join(repoRoot, 'cli', 'entry.ts') },
    absWorkingDir: repoRoot,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // io-ts and fp-ts ship ES modules under `module`: smaller, and tree-shaken.
    mainFields: ['module', 'main'],
    // One copy of fp-ts, as in the Lambda bundles (infra/lambda-builtins.ts says why).
    alias: { ...fpTsAsEsBuild },
    external: externalPackages,
    // CommonJS packages in an ES module bundle call require() for Node's own modules.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [executorWithoutUnusedImports, builtinsThroughRequire],
  });
  // Our own files only: the packages change with `npm ci` or `npm install`, which run `prepare`
  // again, and a plugin's module (`builtin-require:node:http`) is no file.
  const ownFile = (input: string): boolean => !input.includes('node_modules/') && !/^[a-z-]+:/.test(input);
  const inputs: BundleInputs = { builtAtMs, inputs: Object.keys(result.metafile.inputs).filter(ownFile).sort() };
  await writeFile(join(outdir, 'inputs.json'), `${JSON.stringify(inputs, null, 2)}\n`);
  return result.metafile;
};
