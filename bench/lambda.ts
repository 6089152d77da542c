/**
 * Per step Lambda: the minified bundle as CDK builds it, and the time a fresh Node process takes
 * to import that bundle (the part of a cold start our code controls).
 *
 * The esbuild options mirror the NodejsFunction bundling of infra/step-function.ts (ESM, node24,
 * minify, keepNames, mainFields module,main, the createRequire banner, the CommonJS aliases of
 * Node's modules and the environment-only credential chain of infra/lambda-builtins.ts, linked
 * source map, not read at start). That stack bundles the pinned AWS SDK (`bundleAwsSDK: true`),
 * so the bundle measured and imported is that one; the size with `@aws-sdk/*` external (CDK's
 * default) is printed beside it.
 */
import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { lambdaAliases, lambdaBanner } from '../infra/lambda-builtins';
import { allSteps } from '../steps/registry';
import { deployedEnvironment } from '../test/support/lambda-environment';
import { formatSample, summarise, type BenchContext, type ResultRow, type Sample, type WorkloadResult } from './report';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Targets of issue 6. */
export const lambdaTargets = { bundleBytes: 1_000_000, coldImportMs: 150 } as const;

/** At least this many cold imports per handler, however few runs were asked for: each takes a fraction of a second. */
const minImports = 7;

/**
 * The functions' environment as the stack sets it (placeholders, nothing contacted). No
 * NODE_OPTIONS: the functions run without --enable-source-maps and map a failure's stack
 * themselves (steps/source-mapped-stack.ts).
 */
const lambdaEnvironment = { ...deployedEnvironment };

/**
 * Bundles one handler as infra/step-function.ts does; returns the .mjs path and what went into it.
 * Also the bundle test/infra/lambda-bundles.test.ts and lambda-credentials.test.ts check, so the
 * bench and those tests build alike; test/infra/stack.test.ts checks CDK's bundles are these, byte for byte.
 */
export const bundleHandler = async (dir: string, outDir: string, awsSdk: 'bundled' | 'external'): Promise<{ file: string; metafile: Metafile }> => {
  const file = join(outDir, 'index.mjs');
  const result = await build({
    entryPoints: [join(repoRoot, 'steps', dir, 'handler.ts')],
    absWorkingDir: repoRoot,
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    keepNames: true,
    external: awsSdk === 'external' ? ['@aws-sdk/*'] : [],
    banner: { js: lambdaBanner },
    alias: { ...lambdaAliases },
    metafile: true,
    logLevel: 'silent',
  });
  return { file, metafile: result.metafile };
};

/** The packages (or our own folders) that put the most bytes into the bundle, largest first. */
const largestInputs = (metafile: Metafile, count: number): { name: string; bytes: number }[] => {
  const byName = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/')[0] ?? path;
      byName.set(name, (byName.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...byName].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, count);
};

/**
 * Milliseconds one fresh Node process spends importing the module, process start-up excluded: by
 * the wall clock, and in CPU time (all threads), which other processes on a loaded machine barely
 * stretch.
 */
const coldImportMs = async (file: string): Promise<{ wall: number; cpu: number }> => {
  const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const w = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wall: w, cpu: (u.user + u.system) / 1000 }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...lambdaEnvironment, PATH: process.env['PATH'] ?? '' } });
  const measured = JSON.parse(stdout) as { wall: number; cpu: number };
  if (!Number.isFinite(measured.wall) || !Number.isFinite(measured.cpu)) throw new Error(`cold import of ${file} printed ${JSON.stringify(stdout)}`);
  return measured;
};

/** What the Lambda workload measured per step. */
export interface LambdaData {
  readonly environment: readonly string[];
  readonly steps: readonly {
    readonly stateName: string;
    readonly dir: string;
    readonly bundleBytes: number;
    readonly sourceMapBytes: number;
    readonly bundleBytesWithSdkExternal: number;
    readonly largestInputs: readonly { name: string; bytes: number }[];
    readonly coldImportMs: Sample;
    readonly coldImportCpuMs: Sample;
  }[];
}

/** Bundles every step's handler and times its cold import. */
export const lambdaWorkload = async (context: BenchContext): Promise<WorkloadResult<LambdaData>> => {
  const steps: LambdaData['steps'][number][] = [];
  for (const step of allSteps) {
    const outDir = join(context.workDir, 'lambda', step.dir);
    await mkdir(join(outDir, 'sdk-external'), { recursive: true });
    const { file, metafile } = await bundleHandler(step.dir, outDir, 'bundled');
    const external = await bundleHandler(step.dir, join(outDir, 'sdk-external'), 'external');
    const imports: { wall: number; cpu: number }[] = [];
    for (let index = 0; index < Math.max(context.runs, minImports); index += 1) imports.push(await coldImportMs(file));
    steps.push({
      stateName: step.stateName,
      dir: step.dir,
      bundleBytes: (await stat(file)).size,
      sourceMapBytes: (await stat(`${file}.map`)).size,
      bundleBytesWithSdkExternal: (await stat(external.file)).size,
      largestInputs: largestInputs(metafile, 4),
      coldImportMs: summarise(imports.map((measured) => measured.wall)),
      coldImportCpuMs: summarise(imports.map((measured) => measured.cpu)),
    });
    context.log(`lambda ${step.stateName}: ${(steps.at(-1)?.bundleBytes ?? 0) / 1000} kB`);
  }
  const rows: ResultRow[] = steps.flatMap((step): ResultRow[] => {
    const workload = `lambda ${step.stateName}`;
    return [
      {
        workload,
        metric: 'bundle, minified (SDK bundled)',
        value: `${(step.bundleBytes / 1000).toFixed(0)} kB`,
        spread: `${(step.bundleBytesWithSdkExternal / 1000).toFixed(0)} kB w/o SDK`,
        target: `≤ ${lambdaTargets.bundleBytes / 1_000_000} MB`,
        pass: step.bundleBytes <= lambdaTargets.bundleBytes,
      },
      {
        workload,
        metric: 'cold import of the bundle',
        ...formatSample(step.coldImportMs, 1, 'ms'),
        target: `≤ ${lambdaTargets.coldImportMs} ms`,
        pass: step.coldImportMs.median <= lambdaTargets.coldImportMs,
      },
      { workload, metric: '— its CPU time (all threads)', ...formatSample(step.coldImportCpuMs, 1, 'ms') },
    ];
  });
  return { rows, data: { environment: Object.keys(lambdaEnvironment), steps } };
};
