/**
 * The command line as JavaScript: one esbuild bundle of our TypeScript, so `spotify-etl` starts
 * without transpiling through tsx. Packages stay external (but one, below): Node loads them from
 * node_modules as usual, and DuckDB's native binding needs no special handling. Code splitting keeps each command
 * and each dynamic import its own chunk, so `query` loads neither the emulator nor the executor.
 *
 * Beside the bundle goes the list of the files it was built from: bin/spotify-etl.js runs the
 * bundle only while none of them is newer, and falls back to tsx otherwise.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile, Plugin } from 'esbuild';

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

/** The packages aws-local-stepfunctions imports that a local run never calls (see cli/left-out.ts). */
const leftOutPackages = /^(@aws-sdk\/client-lambda|@aws-sdk\/credential-providers|asl-validator)$/;

/**
 * Bundles aws-local-stepfunctions (the one package not left external) with the imports it never
 * uses locally replaced by cli/left-out.ts: loading the Lambda client, its credential providers and
 * asl-validator (with ajv and jsonata) was about a quarter of a one-playlist run's CPU time. Runs
 * through tsx load the real packages.
 */
const executorWithoutUnusedImports: Plugin = {
  name: 'executor-without-unused-imports',
  setup(build) {
    build.onResolve({ filter: /^aws-local-stepfunctions$/ }, () => ({ path: fileURLToPath(import.meta.resolve('aws-local-stepfunctions')) }));
    build.onResolve({ filter: leftOutPackages }, (args) =>
      args.importer.includes('/node_modules/aws-local-stepfunctions/') ? { path: join(repoRoot, 'cli', 'left-out.ts') } : undefined,
    );
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
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [executorWithoutUnusedImports],
  });
  const inputs: BundleInputs = { builtAtMs, inputs: Object.keys(result.metafile.inputs).sort() };
  await writeFile(join(outdir, 'inputs.json'), `${JSON.stringify(inputs, null, 2)}\n`);
  return result.metafile;
};
