/**
 * Normalise + write, side by side with the seeds' transform and the floor, on the same pages:
 * 100 synthetic playlist-items pages of 100 entries, in the legacy and the February 2026 shape,
 * from the peers' generator when `../shared/peers/` is beside the repository, else from the
 * emulator's synthetic catalog (and then without the seeds' transform, which is the peers' too).
 *
 * - seeds: `seed_transform.py` (pandas, one CSV triple per page), timed by itself;
 * - floor: read every file and `JSON.parse` it, nothing else: no pipeline can do less;
 * - ours: the shipped Normalise step (steps/normalise/step.ts) over the same pages landed at their
 *   raw keys: reading, parsing, the normaliser, Parquet for every table and the manifest.
 *
 * Each page becomes one playlist of one date (it is one playlist's whole item list), so one run
 * writes the Parquet files the Normalise step writes for a date of 100 playlists.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countsOf } from '../core/lake/manifest';
import { promisify } from 'node:util';
import { FsBlobStore } from '../adapters/local/fs-blob-store';
import { builtInCatalog } from '../adapters/spotify/emulator/built-in-catalog';
import { itemsPage } from '../adapters/spotify/emulator/catalog';
import { openDuckDb } from '../adapters/local/duckdb-catalog';
import { HyparquetTableEncoder } from '../adapters/parquet/hyparquet-table-encoder';
import { systemClock } from '../core/dates';
import { curatedPartKey, rawItemsPageKey, rawPlaylistKey } from '../core/lake/keys';
import { tableNames, type TableName } from '../core/tables';
import { runNormalise } from '../steps/normalise/step';
import { formatSample, mib, summarise, timed, type BenchContext, type ResultRow, type Sample, type WorkloadResult } from './report';

const run = promisify(execFile);

/** The peers' scripts, beside the repository as `../shared/peers/`. */
const peersDir = fileURLToPath(new URL('../../shared/peers/', import.meta.url));
/** Debian's interpreter: the seeds' transform needs its `python3-pandas`. */
const python = '/usr/bin/python3';
const pages = 100;
const entriesPerPage = 100;
const snapshotDate = '2026-01-01';

/** The two shapes, by our name, the peers' generator's `--shape` value and the emulator's shape. */
const shapes = [
  { name: 'legacy', flag: 'classic', emulatorShape: 'legacy' },
  { name: 'feb2026', flag: 'feb2026', emulatorShape: 'new' },
] as const;

/** Why the peers' scripts (their generator and the seeds' transform) cannot be used, or undefined. */
const peersProblem = (): string | undefined =>
  ['gen_synthetic.py', 'seed_transform.py'].every((script) => existsSync(join(peersDir, script)))
    ? undefined
    : `the peers' scripts are not at ${peersDir} (they are beside the repository only in the team's workspace)`;

/**
 * Writes the pages: with the peers' generator when it is there, so the seeds' transform reads the
 * very data it was written for; else one page per playlist of the emulator's synthetic catalog.
 */
const generatePages = async (rawDir: string, shape: (typeof shapes)[number], peers: string | undefined): Promise<void> => {
  if (peers === undefined) {
    await run(python, [join(peersDir, 'gen_synthetic.py'), '--out', rawDir, '--files', String(pages), '--items', String(entriesPerPage), '--shape', shape.flag]);
    return;
  }
  await mkdir(rawDir, { recursive: true });
  const catalog = builtInCatalog({ seed: 1, shape: shape.emulatorShape, synthetic: { playlists: pages, entriesPerPlaylist: entriesPerPage } });
  let index = 0;
  for (const playlist of catalog.playlists.values()) {
    const page = itemsPage('https://api.spotify.com/v1', playlist, 0, entriesPerPage, shape.emulatorShape === 'legacy' ? 'tracks' : 'items');
    await writeFile(join(rawDir, `page-${String(index).padStart(4, '0')}.json`), JSON.stringify(page));
    index += 1;
  }
};

/** Targets of issue 6: at least 4× the seeds' speed, at most 1.5× the floor's time. */
export const normaliseTargets = { seedOverOurs: 4, oursOverFloor: 1.5 } as const;

/** Why the seeds' transform cannot run here, or undefined when pandas imports (installing it once when root). */
const pandasProblem = async (log: BenchContext['log']): Promise<string | undefined> => {
  const imports = () => run(python, ['-c', 'import pandas']).then(() => true, () => false);
  if (await imports()) return undefined;
  if (process.getuid?.() !== 0) return `${python} cannot import pandas and the bench is not root, so it cannot apt-get install python3-pandas`;
  log('pandas missing: apt-get install -y python3-pandas');
  try {
    await run('apt-get', ['install', '-y', 'python3-pandas'], { maxBuffer: 2 ** 26 });
  } catch (error) {
    return `apt-get install -y python3-pandas failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  return (await imports()) ? undefined : `${python} still cannot import pandas after installing python3-pandas`;
};

/** Reads and parses every page, in file order: the floor, the least any pipeline must do. */
const parsePages = async (files: readonly string[], each: (page: unknown, index: number) => void): Promise<void> => {
  for (const [index, file] of files.entries()) each(JSON.parse(await readFile(file, 'utf8')) as unknown, index);
};

/** A Spotify-shaped playlist id per page: each page is one playlist's whole item list. */
const playlistIdOf = (index: number): string => `bench${String(index).padStart(17, '0')}`;

/**
 * Lands the pages in a lake where ExtractItems would have put them (untimed): each page as one
 * playlist's only page, with the minimal metadata GetPlaylist lands with its `fields` filter.
 */
const landRaw = async (files: readonly string[], lakeRoot: string): Promise<string[]> => {
  await rm(lakeRoot, { recursive: true, force: true });
  const store = new FsBlobStore(lakeRoot);
  const ids = files.map((_, index) => playlistIdOf(index));
  for (const [index, file] of files.entries()) {
    const playlistId = playlistIdOf(index);
    await store.put(rawItemsPageKey(snapshotDate, playlistId, 0), await readFile(file));
    await store.put(rawPlaylistKey(snapshotDate, playlistId), JSON.stringify({ id: playlistId, name: playlistId, snapshot_id: 'bench', owner: { id: 'bench' } }));
  }
  return ids;
};

/** Ours: the shipped Normalise step over that lake: read, parse, normalise, Parquet for every table, manifest. */
const ours = async (playlistIds: string[], lakeRoot: string): Promise<{ rows: Record<TableName, number>; rejects: number }> => {
  const step = runNormalise({ store: new FsBlobStore(lakeRoot), encoder: new HyparquetTableEncoder(), clock: systemClock });
  const output = await step({
    date: snapshotDate,
    extract: false,
    playlistIds,
    allLanded: false,
    run: { mode: 'manual', executionName: 'bench', startedAt: new Date(0).toISOString() },
  });
  return { rows: countsOf(output.tables), rejects: output.rejectCount };
};

/** Row counts of the written files as DuckDB reads them: the bench must not time Parquet nobody can read. */
const readBack = async (lakeRoot: string): Promise<Record<TableName, number>> => {
  const db = await openDuckDb();
  const counts: Partial<Record<TableName, number>> = {};
  try {
    for (const table of tableNames) {
      const path = join(lakeRoot, ...curatedPartKey(table, snapshotDate, 'bench', 0).split('/')).replaceAll("'", "''");
      const reader = await db.connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${path}')`);
      counts[table] = Number(reader.getRowObjects()[0]?.['n']);
    }
  } finally {
    db.close();
  }
  return counts as Record<TableName, number>;
};

/** Seconds of one run of the seeds' transform on the same pages, as its script times itself (Python start-up and pandas import excluded). */
const seeds = async (rawDir: string, outDir: string): Promise<{ seconds: number; pandas: string; songRows: number }> => {
  const { stdout } = await run(python, [join(peersDir, 'seed_transform.py'), '--raw', rawDir, '--out', outDir, '--repeat', '1', '--json']);
  const result = JSON.parse(stdout) as { seconds: number; pandas: string; song_rows: number };
  return { seconds: result.seconds, pandas: result.pandas, songRows: result.song_rows };
};

/**
 * One shape: generate the pages; one untimed warm-up, then `runs` rounds of floor, ours and seeds
 * (interleaved, so load from other processes falls on all three alike, and the ratios are taken
 * within a round); then check what ours wrote.
 */
const measureShape = async (context: BenchContext, shape: (typeof shapes)[number], peers: string | undefined, pandas: string | undefined) => {
  const dir = join(context.workDir, `normalise-${shape.name}`);
  const rawDir = join(dir, 'raw');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await generatePages(rawDir, shape, peers);
  const files = (await readdir(rawDir)).filter((name) => name.endsWith('.json')).sort().map((name) => join(rawDir, name));
  const bytes = (await Promise.all(files.map((file) => stat(file)))).reduce((sum, info) => sum + info.size, 0);
  const lakeRoot = join(dir, 'lake');
  const playlistIds = await landRaw(files, lakeRoot);

  context.log(`normalise ${shape.name}: ${files.length} pages, ${mib(bytes)}; warm-up and ${context.runs} rounds of floor, ours${pandas === undefined ? ' and seeds' : ''}`);
  let entries = 0;
  const floor = () => parsePages(files, (page) => void (entries = (page as { items: unknown[] }).items.length));
  let output = await ours(playlistIds, lakeRoot);
  await floor();
  let pandasVersion = '';
  const rounds: { floor: number; ours: number; floorCpu: number; oursCpu: number; seeds?: number }[] = [];
  for (let index = 0; index < context.runs; index += 1) {
    // The order alternates, so garbage one leaves behind is collected during the other as often as not.
    const timeOurs = () => timed(async () => (output = await ours(playlistIds, lakeRoot)));
    const [first, second] = index % 2 === 0 ? [await timed(floor), await timeOurs()] : [await timeOurs(), await timed(floor)];
    const [floorTime, oursTime] = index % 2 === 0 ? [first, second] : [second, first];
    const round: (typeof rounds)[number] = { floor: floorTime.wall, ours: oursTime.wall, floorCpu: floorTime.cpu, oursCpu: oursTime.cpu };
    if (pandas === undefined) {
      const seed = await seeds(rawDir, join(dir, 'seed-out'));
      round.seeds = seed.seconds;
      pandasVersion = seed.pandas;
    }
    rounds.push(round);
  }

  const readRows = await readBack(lakeRoot);
  const expectedItems = files.length * entriesPerPage;
  const problems = [
    entries !== entriesPerPage ? `the generator wrote ${entries} entries per page, not ${entriesPerPage}` : undefined,
    output.rows.playlist_items !== expectedItems ? `ours wrote ${output.rows.playlist_items} playlist_items rows, not ${expectedItems}` : undefined,
    output.rejects > 0 ? `ours rejected ${output.rejects} entries` : undefined,
    ...tableNames.filter((table) => readRows[table] !== output.rows[table]).map((table) => `DuckDB reads ${readRows[table]} ${table} rows, ours wrote ${output.rows[table]}`),
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) throw new Error(`normalise ${shape.name} produced wrong output: ${problems.join('; ')}`);

  const seedRuns = rounds.flatMap((round) => (round.seeds === undefined ? [] : [round.seeds]));
  return {
    shape: shape.name,
    pages: files.length,
    entries: expectedItems,
    bytes,
    rows: output.rows,
    floor: summarise(rounds.map((round) => round.floor)),
    ours: summarise(rounds.map((round) => round.ours)),
    oursOverFloor: summarise(rounds.map((round) => round.ours / round.floor)),
    oursOverFloorCpu: summarise(rounds.map((round) => round.oursCpu / round.floorCpu)),
    seeds: seedRuns.length > 0 ? { pandas: pandasVersion, ...summarise(seedRuns) } : undefined,
    seedsOverOurs: seedRuns.length > 0 ? summarise(rounds.map((round) => (round.seeds ?? Number.NaN) / round.ours)) : undefined,
    seedsOverFloor: seedRuns.length > 0 ? summarise(rounds.map((round) => (round.seeds ?? Number.NaN) / round.floor)) : undefined,
  };
};

/** What the normalise workload measured, by shape. */
export interface NormaliseData {
  readonly peerNotMeasured: string | null;
  readonly pagesFrom: string;
  readonly shapes: readonly Awaited<ReturnType<typeof measureShape>>[];
}

/** The shape the emulator serves by default, so the one the end-to-end run reads. */
export const endToEndShape = 'feb2026' satisfies (typeof shapes)[number]['name'];

/** Runs the workload for both shapes. */
export const normaliseWorkload = async (context: BenchContext): Promise<WorkloadResult<NormaliseData>> => {
  const peers = peersProblem();
  if (peers !== undefined) context.log(`skipped: the seeds' transform and the peers' generator (${peers}); ours and the floor are measured on the emulator's synthetic pages instead`);
  const pandas = peers ?? (await pandasProblem(context.log));
  if (pandas !== undefined && peers === undefined) context.log(`seeds' transform not measured: ${pandas}`);
  const results = [];
  for (const shape of shapes) results.push(await measureShape(context, shape, peers, pandas));

  const rows: ResultRow[] = results.flatMap((result): ResultRow[] => {
    const workload = `normalise ${result.shape} (${result.pages}×${entriesPerPage}, ${mib(result.bytes)})`;
    const ratio = (sample: Sample) => ({ value: `${sample.median.toFixed(2)}×`, spread: `${sample.min.toFixed(2)}–${sample.max.toFixed(2)}` });
    return [
      { workload, metric: 'floor: read + JSON.parse', ...formatSample(result.floor, 3, 's') },
      { workload, metric: 'ours: + normalise + Parquet + write', ...formatSample(result.ours, 3, 's') },
      result.seeds
        ? { workload, metric: `seeds' transform (pandas ${result.seeds.pandas})`, ...formatSample(result.seeds, 3, 's') }
        : { workload, metric: "seeds' transform", value: 'not measured', spread: pandas ?? '' },
      ...(result.seedsOverOurs && result.seedsOverFloor
        ? [
            { workload, metric: 'seeds / ours', ...ratio(result.seedsOverOurs), target: `≥ ${normaliseTargets.seedOverOurs}×`, pass: result.seedsOverOurs.median >= normaliseTargets.seedOverOurs },
            // No pipeline that parses the pages beats the floor, so this bounds the ratio above.
            { workload, metric: 'seeds / floor (bound of seeds / ours)', ...ratio(result.seedsOverFloor) },
          ]
        : []),
      { workload, metric: 'ours / floor', ...ratio(result.oursOverFloor), target: `≤ ${normaliseTargets.oursOverFloor}×`, pass: result.oursOverFloor.median <= normaliseTargets.oursOverFloor },
      { workload, metric: 'ours / floor in CPU time', ...ratio(result.oursOverFloorCpu) },
    ];
  });
  return { rows, data: { peerNotMeasured: pandas ?? null, pagesFrom: peers === undefined ? 'peers generator' : 'emulator synthetic catalog', shapes: results } };
};
