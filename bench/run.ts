/**
 * `npm run bench [-- --runs N] [-- --only normalise,end-to-end,lambda,cost,startup]`: runs the performance
 * workloads of docs/performance.md, prints one table with PASS/MISS per target and writes every
 * number to bench/results/<timestamp>.json and bench/results/latest.json. Never part of `npm test`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleCli, cliBundleDir } from '../cli/bundle';
import { costWorkload } from './cost';
import { endToEndWorkload, overSeedsRow, type EndToEndData } from './end-to-end';
import { lambdaWorkload, type LambdaData } from './lambda';
import { endToEndShape, normaliseWorkload, type NormaliseData } from './normalise';
import { startupWorkload } from './startup';
import { renderTable, type BenchContext, type WorkloadResult } from './report';

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

/** The workloads in the order they run; cost reads what end-to-end and lambda measured. */
const workloadNames = ['normalise', 'end-to-end', 'lambda', 'cost', 'startup'] as const;
type WorkloadName = (typeof workloadNames)[number];

const usage = 'usage: npm run bench [-- --runs N] [-- --only normalise,end-to-end,lambda,cost,startup]';

const parseCommandLine = (): { runs: number; only: readonly WorkloadName[] } => {
  let values;
  try {
    ({ values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, only: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${usage}`, { cause: error });
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`--runs must be a whole number from 1 to 50, got "${values.runs}"\n${usage}`);
  const only = values.only === undefined ? [...workloadNames] : values.only.split(',').map((name) => name.trim());
  const unknown = only.filter((name) => !(workloadNames as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown workload(s) ${unknown.join(', ')}; choose from ${workloadNames.join(', ')}\n${usage}`);
  return { runs, only: only as WorkloadName[] };
};

/** What the numbers were measured on: they mean little without it. */
const machine = async () => {
  const cpuInfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  return {
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuInfo)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    nproc: cpus().length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))),
  };
};

const main = async (): Promise<number> => {
  let options;
  try {
    options = parseCommandLine();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const startedAt = new Date();
  const workDir = await mkdtemp(join(tmpdir(), 'spotify-etl-bench-'));
  const context: BenchContext = { workDir, runs: options.runs, log: (line) => console.error(`bench: ${line}`) };
  const results: Partial<Record<WorkloadName, WorkloadResult>> = {};
  let endToEnd: EndToEndData | undefined;
  let lambda: LambdaData | undefined;
  let normalise: NormaliseData | undefined;
  try {
    // The command line as `npm ci` builds it, from the code as it is now: a bundle older than an
    // edit would make bin/spotify-etl.js fall back to tsx, and the start-up and end-to-end
    // workloads would time that instead.
    if (options.only.includes('end-to-end') || options.only.includes('startup')) await bundleCli(cliBundleDir);
    for (const name of options.only) {
      context.log(`— ${name}`);
      if (name === 'normalise') normalise = (results[name] = await normaliseWorkload(context)).data;
      if (name === 'end-to-end') endToEnd = (results[name] = await endToEndWorkload(context)).data;
      if (name === 'startup') results[name] = await startupWorkload(context);
      if (name === 'lambda') lambda = (results[name] = await lambdaWorkload(context)).data;
      if (name === 'cost') {
        const coldImportSeconds = Object.fromEntries((lambda?.steps ?? []).map((step) => [step.stateName, step.coldImportMs.median / 1000]));
        results[name] = costWorkload(endToEnd?.scales.map((scale) => scale.counts) ?? [], coldImportSeconds);
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  const overSeeds = endToEnd && normalise ? overSeedsRow(endToEnd, normalise.shapes.find((shape) => shape.shape === endToEndShape)?.seeds?.median) : undefined;
  const rows = [...Object.values(results).flatMap((result) => result.rows), ...(overSeeds ? [overSeeds] : [])];
  console.log(renderTable(rows));
  const missed = rows.filter((row) => row.pass === false).length;
  console.log(`\n${rows.filter((row) => row.pass !== undefined).length - missed} targets met, ${missed} missed`);

  const report = {
    startedAt: startedAt.toISOString(),
    runs: options.runs,
    machine: await machine(),
    rows,
    workloads: Object.fromEntries(Object.entries(results).map(([name, result]) => [name, result.data])),
  };
  const file = join(resultsDir, `${startedAt.toISOString().replaceAll(':', '-')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${file}`);
  const broken = rows.filter((row) => row.required && row.pass === false);
  for (const row of broken) console.error(`bench: ${row.workload}: ${row.metric} is ${row.value}, must be ${row.target}`);
  return broken.length > 0 ? 1 : 0;
};

process.exitCode = await main();
