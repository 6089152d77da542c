import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { adaptersOf } from '../../steps/aws-wiring';
import { allSteps } from '../../steps/registry';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The packages that carry a kind of adapter: a step's bundle holds them exactly when its declaration calls for that kind. */
const packagesByAdapter = {
  lake: ['@aws-sdk/client-s3'],
  spotify: ['@aws-sdk/client-secrets-manager', 'got'],
  crawler: ['@aws-sdk/client-glue'],
  queries: ['@aws-sdk/client-athena'],
  failureTopic: ['@aws-sdk/client-sns'],
  restarts: ['@aws-sdk/client-scheduler'],
  charts: [],
  tables: ['hyparquet-writer'],
} as const;

/** The npm packages esbuild puts into a step's Lambda bundle (resolved as infra/step-function.ts bundles it). */
const bundledPackages = async (dir: string): Promise<Set<string>> => {
  const { metafile } = await build({
    entryPoints: [join(repoRoot, 'steps', dir, 'handler.ts')],
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    outdir: 'out',
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'silent',
  });
  return new Set(Object.keys(metafile.inputs).flatMap((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? []));
};

describe('Lambda bundles', () => {
  it.each(allSteps.map((step) => [step.stateName, step] as const))('%s carries the SDK clients and libraries of its declared resources and no other', async (_name, step) => {
    const bundled = await bundledPackages(step.dir);
    const declared = new Set<string>(adaptersOf(step.resources));

    const carried = Object.fromEntries(Object.entries(packagesByAdapter).map(([kind, packages]) => [kind, packages.map((name) => bundled.has(name))]));

    expect(carried).toEqual(Object.fromEntries(Object.entries(packagesByAdapter).map(([kind, packages]) => [kind, packages.map(() => declared.has(kind))])));
  });
});
