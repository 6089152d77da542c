/** The run health as WriteReport and `spotify-etl report` read it from a lake's manifests. */
import { describe, expect, it } from 'vitest';
import { runManifestKey } from '../../../core/lake/keys';
import { buildAttempt, withAttempt, type RunManifest } from '../../../core/lake/manifest';
import { writeManifest } from '../../../core/manifests';
import { lakeHealth, manifestReadDepth } from '../../../core/report/collect';
import { healthOf, type HealthRow } from '../../../core/report/health';
import { MemoryBlobStore } from '../steps/fakes';

/** A published run of `date` listing `playlists` playlists. */
const published = (date: string, playlists: number): RunManifest => {
  const attempt = buildAttempt({ executionName: `exec-${date}`, status: 'succeeded', mode: 'scheduled', extractedAt: `${date}T06:00:00.000Z`, updatedAt: `${date}T06:05:00.000Z` });
  for (let index = 0; index < playlists; index += 1) {
    attempt.playlists.push({ playlistId: `playlist-${index}`, snapshotId: `snap-${index}`, totalItems: 10, rows: 10, rejects: 0, lostEntries: 0 });
  }
  return withAttempt(date, undefined, attempt);
};

const dates = (count: number): string[] => Array.from({ length: count }, (_, day) => `2026-10-${String(day + 1).padStart(2, '0')}`);

/** The fields of a health row, and nothing else. */
const healthFields: readonly (keyof HealthRow)[] = ['date', 'status', 'mode', 'executionName', 'published', 'checksPassed', 'checksFailed', 'rejects', 'durationSeconds', 'requests', 'error'];

describe('The run health of a lake', () => {
  it('keeps each manifest as its health row alone, not the manifest and its playlists', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    const manifest = published('2026-10-01', 2_000);
    await writeManifest(store, manifest);
    // Act
    const health = await lakeHealth(store);
    // Assess
    expect(health).toEqual([healthOf(manifest)]);
    expect(Object.keys(health[0] ?? {}).toSorted()).toEqual(healthFields.toSorted());
    expect(JSON.stringify(health)).not.toContain('playlist-');
  });

  it(`reads at most ${manifestReadDepth} manifests at a time, more than one, and returns them in date order`, async () => {
    // Prepare: a store whose reads of manifests answer only once the test lets them, latest first
    const store = new MemoryBlobStore();
    const all = dates(20);
    for (const date of all) await writeManifest(store, published(date, 3));
    const get = store.get.bind(store);
    const waiting: (() => void)[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    store.get = async (key) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise<void>((answer) => waiting.push(answer));
      inFlight -= 1;
      return get(key);
    };
    // Act
    const reading = lakeHealth(store);
    let done = false;
    void reading.then(() => (done = true));
    while (!done) {
      await new Promise((settle) => setImmediate(settle));
      waiting.splice(0).reverse().forEach((answer) => answer());
    }
    const health = await reading;
    // Assess
    expect(health.map((row) => row.date)).toEqual(all);
    expect(mostInFlight).toBe(manifestReadDepth);
  });

  it('leaves out a date whose manifest is damaged', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    for (const date of dates(3)) await writeManifest(store, published(date, 1));
    await store.put(runManifestKey('2026-10-02'), '{"version":2');
    // Act
    const health = await lakeHealth(store);
    // Assess
    expect(health.map((row) => row.date)).toEqual(['2026-10-01', '2026-10-03']);
  });
});
