import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, repoRoot } from '../../cli/bundle';

const run = promisify(execFile);

/** The packages an output chunk imports as it loads (not through a dynamic `import()`). */
const staticPackages = (metafile: Metafile, chunk: string): string[] =>
  (metafile.outputs[chunk]?.imports ?? []).filter((entry) => entry.external && entry.kind === 'import-statement').map((entry) => entry.path);

/** The output chunk built from `input`, relative to the repository. */
const chunkOf = (metafile: Metafile, input: string): string => {
  const found = Object.entries(metafile.outputs).find(([, output]) => Object.keys(output.inputs).includes(input));
  if (!found) throw new Error(`no chunk holds ${input}`);
  return found[0];
};

describe('the command line bundle that npm ci builds (cli/bundle.ts)', () => {
  // Inside the repository (a git-ignored folder) so Node resolves the external packages from node_modules.
  const outdir = join(repoRoot, `.scratch-bundle-${process.pid}`);
  let metafile: Metafile;
  beforeAll(async () => {
    metafile = await bundleCli(outdir);
  });
  afterAll(() => rm(outdir, { recursive: true, force: true }));

  it('loads neither CDK nor tsx anywhere (run reads the rendered ASL from state-machine/asl.json), nor the Lambda client and validator the local executor never calls', () => {
    const everyPackage = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external).map((entry) => entry.path));
    expect(everyPackage.filter((path) => /^(aws-cdk-lib|constructs|tsx|@aws-sdk\/client-lambda|@aws-sdk\/credential-providers|asl-validator)(\/|$)/.test(path))).toEqual([]);
    expect(Object.keys(metafile.inputs)).toContain('state-machine/asl.json');
    expect(Object.keys(metafile.inputs).filter((input) => /state-machine\/(definition|render)\.ts$/.test(input))).toEqual([]);
  });

  it('loads DuckDB and the emulator only when a command uses them, not with the run command itself', () => {
    const runChunk = chunkOf(metafile, 'cli/commands/run.ts');
    const duckDbApi = Object.keys(metafile.inputs).find((input) => input.includes('/@duckdb/node-api/'));
    expect(duckDbApi).toBeDefined();
    expect(chunkOf(metafile, duckDbApi ?? '')).not.toBe(runChunk);
    expect(staticPackages(metafile, runChunk)).not.toContain('@duckdb/node-bindings');
    expect(chunkOf(metafile, 'adapters/spotify/emulator/server.ts')).not.toBe(runChunk);
    expect(chunkOf(metafile, 'adapters/local/duckdb-catalog.ts')).not.toBe(runChunk);
  });

  it("imports none of Node's own modules as an ES module (node:http's facade alone loads undici): they come through require", () => {
    const esImports = Object.values(metafile.outputs).flatMap((output) =>
      output.imports.filter((entry) => entry.external && entry.kind !== 'require-call' && /^node:|^(http|https|crypto|fs|util)$/.test(entry.path)).map((entry) => entry.path),
    );
    expect(esImports).toEqual([]);
  });

  it('runs as plain JavaScript: the bundled query command answers', async () => {
    const { stdout } = await run(process.execPath, [join(outdir, 'entry.js'), 'query', '--help'], { cwd: repoRoot });
    expect(stdout).toMatch(/^usage: spotify-etl query/);
  });
});
