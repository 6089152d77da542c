/**
 * `node --expose-gc --import tsx bench/manifest-reads.ts [playlists] [dates]`: the two readers of
 * large run manifests, measured on an in-memory lake (no disk or network in the numbers).
 *
 * - the carry-over lookup: CPU per GetPlaylist lookup of a playlist in the day before's manifest;
 * - WriteReport's run health: the heap still held once the lake's manifests are read.
 *
 * Defaults: 10,000 playlists, 30 dates (docs/performance.md, "Reading large manifests"). Not part
 * of `npm run bench`: it measures two functions, not a workload.
 */
import { addDays, type IsoDate } from '../core/dates';
import { runManifestKey } from '../core/lake/keys';
import { lastPublishedSnapshot } from '../core/history';
import type { ManifestPlaylist, RunAttempt, RunManifest, TableCounts } from '../core/lake/manifest';
import { writeManifest } from '../core/manifests';
import { lakeHealth } from '../core/report/collect';
import { tableNames } from '../core/tables';
// A BlobStore in a Map: what is measured is decoding, not I/O.
import { MemoryBlobStore } from '../test/unit/steps/fakes';

const playlists = Number(process.argv[2] ?? 10_000);
const dates = Number(process.argv[3] ?? 30);
const lookups = 200;

const playlistId = (index: number): string => `pl${String(index).padStart(20, '0')}`;

/** A published run of `count` playlists, as RecordRun leaves it: published and last attempt the same. */
const publishedManifest = (date: IsoDate, count: number): RunManifest => {
  const rows: ManifestPlaylist[] = Array.from({ length: count }, (_, index) => ({
    playlistId: playlistId(index),
    snapshotId: `AAAAA${String(index).padStart(27, '0')}`,
    totalItems: 100,
    rows: 100,
    rejects: 0,
    lostEntries: 0,
    outcome: 'unchanged',
  }));
  const attempt: RunAttempt = {
    runId: `run-${date}`,
    executionName: `local-${date}`,
    mode: 'scheduled',
    status: 'succeeded',
    extractedAt: `${date}T06:00:00.000Z`,
    updatedAt: `${date}T06:10:00.000Z`,
    publishedAt: `${date}T06:10:00.000Z`,
    playlists: rows,
    tables: Object.fromEntries(tableNames.map((name) => [name, count])) as TableCounts,
    rejects: [],
    rejectCount: 0,
    checks: [{ name: 'unique_keys', passed: true, count: 0, offending: [] }],
    error: null,
    requests: { spotifyApi: count * 3, spotifyToken: 1 },
  };
  return { version: 2, snapshotDate: date, published: attempt, lastAttempt: attempt };
};

const gcNow = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc --import tsx bench/manifest-reads.ts');
  gc();
  gc();
};

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** CPU milliseconds of `work`, which runs `times` times; `between` runs before each, unmeasured. */
const cpuPer = async (times: number, work: (index: number) => Promise<unknown>, between: (index: number) => Promise<unknown> = async () => undefined): Promise<number> => {
  let micros = 0;
  for (let index = 0; index < times; index += 1) {
    await between(index);
    const start = process.cpuUsage();
    await work(index);
    const { user, system } = process.cpuUsage(start);
    micros += user + system;
  }
  return micros / 1000 / times;
};

const lookupCpu = async (): Promise<void> => {
  const store = new MemoryBlobStore();
  const today: IsoDate = '2026-11-30';
  const manifest = publishedManifest(addDays(today, -1), playlists);
  await writeManifest(store, manifest);
  const bytes = (await store.get(runManifestKey(addDays(today, -1))))?.byteLength ?? 0;
  const lookup = async (index: number): Promise<void> => {
    if ((await lastPublishedSnapshot(store, today, playlistId((index * 37) % playlists))) === undefined) throw new Error('the lookup did not find a published playlist');
  };
  await lookup(0); // warm the JIT
  const unchanged = await cpuPer(lookups, lookup);
  // A manifest rewritten before every lookup (as a publish does) is read and decoded again each time.
  const rewritten = await cpuPer(lookups / 4, lookup, async (index) => {
    await writeManifest(store, { ...manifest, lastAttempt: { ...manifest.lastAttempt, updatedAt: `${today}T00:00:${String(index % 60).padStart(2, '0')}.${index}Z` } });
    gcNow(); // the rewrite's garbage is not the lookup's
  });
  console.log(`carry-over lookup, manifest of ${playlists} playlists (${mib(bytes)}): ${unchanged.toFixed(2)} ms CPU per lookup of the same manifest, ${rewritten.toFixed(2)} ms after each rewrite`);
};

const healthMemory = async (): Promise<void> => {
  const store = new MemoryBlobStore();
  for (let day = 0; day < dates; day += 1) await writeManifest(store, publishedManifest(addDays('2026-10-31', day), playlists));
  gcNow();
  const before = process.memoryUsage();
  const health = await lakeHealth(store);
  gcNow();
  const after = process.memoryUsage();
  console.log(
    `run health of ${dates} manifests × ${playlists} playlists: ${health.length} kept, heapUsed +${mib(after.heapUsed - before.heapUsed)}, rss +${mib(after.rss - before.rss)}`,
  );
};

await lookupCpu();
await healthMemory();
