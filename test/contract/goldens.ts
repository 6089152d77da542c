/**
 * The golden step payloads of test/contract/steps/ (see its README.md): read by the contract test,
 * by the workflow fakes (a step's default answer is its golden output) and by the recorder
 * (`npm run goldens`) that writes them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allSteps, type AnyStep } from '../../steps/registry';

/** What one golden file holds: one step's payload and result in a real local run. */
export interface GoldenJson {
  readonly stateName?: unknown;
  readonly capturedFrom?: unknown;
  readonly input?: unknown;
  readonly output?: unknown;
}

/** A golden payload file, with the registered step it names (undefined for a stray file). */
export interface Golden {
  readonly file: string;
  readonly version: number;
  readonly step: AnyStep | undefined;
  readonly json: GoldenJson;
}

/** The folder of the golden files. */
export const goldenDir = fileURLToPath(new URL('./steps/', import.meta.url));

/** The command that records the missing goldens, for every message that asks for one. */
export const recordCommand = 'npm run goldens';

const goldenName = /^([a-z0-9-]+)\.v(\d+)\.json$/;

const parsed = (file: string): GoldenJson => {
  try {
    return JSON.parse(readFileSync(`${goldenDir}${file}`, 'utf8')) as GoldenJson;
  } catch (error) {
    throw new Error(`test/contract/steps/${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
};

/** Every golden file, sorted by name. */
export const readGoldens = (): Golden[] =>
  readdirSync(goldenDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const [, stepDir, version] = goldenName.exec(file) ?? [];
      return { file, version: Number(version), step: allSteps.find((step) => step.dir === stepDir), json: parsed(file) };
    });

/** A step's newest golden: what the machine as it is now sends it and gets back; undefined when none was recorded. */
export const newestGolden = (step: AnyStep, goldens: readonly Golden[] = readGoldens()): Golden | undefined =>
  goldens.filter((golden) => golden.step === step).reduce<Golden | undefined>((newest, golden) => (newest === undefined || golden.version > newest.version ? golden : newest), undefined);

/** The one-line instruction for a registered step that has no golden yet. */
export const missingGolden = (step: AnyStep): string =>
  `${step.stateName} has no golden payload test/contract/steps/${step.dir}.v1.json: run \`${recordCommand}\` to record it from a local run`;
