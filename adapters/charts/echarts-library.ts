/**
 * The charting library the report inlines (ECharts' prebuilt bundle of its common charts and
 * components: one file that needs nothing else, about 700 KB). A Lambda has no node_modules:
 * infra copies the file beside the bundle of a step that declares `charts`
 * (infra/step-function.ts); elsewhere it is read from the installed package.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The file's name, in the package's dist/ and beside a bundle. */
export const echartsFile = 'echarts.common.min.js';

/** Where the file is in the installed package. */
export const echartsPackagePath = (): string => createRequire(import.meta.url).resolve(`echarts/dist/${echartsFile}`);

let loaded: Promise<string> | undefined;

/** The library's source, read once per process. */
export const readChartLibrary = (): Promise<string> =>
  (loaded ??= readFile(fileURLToPath(new URL(echartsFile, import.meta.url)), 'utf8').catch(async () => readFile(echartsPackagePath(), 'utf8')));
