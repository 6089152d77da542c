import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleHandler } from '../../bench/lambda';
import { adaptersOf } from '../../steps/aws-wiring';
import { allSteps } from '../../steps/registry';
import { tempFolderForSuite } from '../support/temp-folders';

/** The packages that carry a kind of adapter: a step's bundle holds them exactly when its declaration calls for that kind. */
const packagesByAdapter = {
  lake: ['@aws-sdk/client-s3'],
  spotify: ['@aws-sdk/client-secrets-manager'],
  crawler: ['@aws-sdk/client-glue'],
  queries: ['@aws-sdk/client-athena'],
  failureTopic: ['@aws-sdk/client-sns'],
  restarts: ['@aws-sdk/client-scheduler'],
  charts: [],
  tables: ['hyparquet-writer'],
} as const;

describe('Lambda bundles', () => {
  const folder = tempFolderForSuite('lambda-bundles-');
  const built = new Map<string, Promise<{ file: string; metafile: Metafile }>>();
  /** A step's bundle as infra/step-function.ts builds it (bench/lambda.ts's `bundleHandler`, with the Lambda aliases), built once per step. */
  const bundleOf = (dir: string): Promise<{ file: string; metafile: Metafile }> => {
    const bundle = built.get(dir) ?? bundleHandler(dir, join(folder(), dir), 'bundled');
    built.set(dir, bundle);
    return bundle;
  };
  const metafileOf = async (dir: string): Promise<Metafile> => (await bundleOf(dir)).metafile;
  /**
   * Every import the written bundle holds, read from the file itself by esbuild's parser: the
   * banner too, which esbuild prepends after its metafile records what the sources import.
   */
  const importsInFile = async (file: string): Promise<string[]> => {
    const { metafile } = await build({ entryPoints: [file], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
    return Object.values(metafile.inputs).flatMap((input) => input.imports.map((imported) => `${imported.kind} ${imported.path}`));
  };
  /** The npm packages esbuild put into a step's bundle. */
  const bundledPackages = async (dir: string): Promise<Set<string>> =>
    new Set(Object.keys((await metafileOf(dir)).inputs).flatMap((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? []));

  const cases = allSteps.map((step) => [step.stateName, step] as const);

  it.each(cases)('%s carries the SDK clients and libraries of its declared resources and no other', async (_name, step) => {
    const bundled = await bundledPackages(step.dir);
    const declared = new Set<string>(adaptersOf(step.resources));

    const carried = Object.fromEntries(Object.entries(packagesByAdapter).map(([kind, packages]) => [kind, packages.map((name) => bundled.has(name))]));

    expect(carried).toEqual(Object.fromEntries(Object.entries(packagesByAdapter).map(([kind, packages]) => [kind, packages.map(() => declared.has(kind))])));
  });

  // An ES import of a Node module builds its facade at cold start (node:http's loads undici): every
  // one is taken as CommonJS instead (infra/lambda-builtins.ts), whichever module a dependency names.
  // The banner's `require` included: what the sources import (the metafile, which also sees a
  // require() esbuild leaves in place) and what the written file imports (its banner is in no metafile).
  it.each(cases)('%s imports nothing from outside the bundle, banner included: each Node module it uses is taken through process.getBuiltinModule', async (_name, step) => {
    const { file, metafile } = await bundleOf(step.dir);
    const fromSources = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((imported) => imported.external).map((imported) => `${imported.kind} ${imported.path}`));

    expect([...fromSources, ...(await importsInFile(file))]).toEqual([]);
  });
});
