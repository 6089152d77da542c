/**
 * A staged file the engine listed is gone when DuckDB opens it: another process's run published
 * its date and removed the candidate folders it superseded in between (two local runs of
 * different dates at once failed each other's validation about once in thirty). The engine lists
 * again and answers from what is there.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FsBlobStore } from '../../../adapters/local/fs-blob-store';
import { curatedRunPrefix } from '../../../core/lake/keys';
import { tableNames } from '../../../core/tables';
import { createTestLake, goodDay, type TestLake } from './lake-fixture';

describe('a query whose staged file vanished after it was listed', () => {
  let lake: TestLake;
  afterEach(async () => {
    vi.restoreAllMocks();
    await lake.remove();
  });

  it("lists again and answers this date's rows, without the other date's removed candidate", async () => {
    // Prepare: this run's candidate of 2026-11-20, and another run's of 2026-11-21, both crawled
    lake = await createTestLake();
    await lake.write('2026-11-20', goodDay(), { runId: 'mine', publish: false });
    await lake.write('2026-11-21', goodDay(), { runId: 'other', publish: false });
    expect(await lake.crawl()).toMatchObject({ state: 'succeeded' });
    // The other run removes its folder right after this engine listed it
    const list = FsBlobStore.prototype.list;
    let removed = false;
    vi.spyOn(FsBlobStore.prototype, 'list').mockImplementation(async function (this: FsBlobStore, prefix: string) {
      const keys = await list.call(this, prefix);
      if (!removed && prefix === curatedRunPrefix('songs', '2026-11-21', 'other')) {
        removed = true;
        await Promise.all(tableNames.map((table) => rm(join(lake.root, curatedRunPrefix(table, '2026-11-21', 'other')), { recursive: true, force: true })));
      }
      return keys;
    });
    // Act
    const rows = await lake.engine.query("SELECT COUNT(*) AS n FROM staged_songs WHERE CAST(snapshot_date AS VARCHAR) = '2026-11-20' AND run_id = 'mine'");
    // Assess
    expect(removed).toBe(true);
    expect(rows).toEqual([{ n: goodDay().songs.length }]);
  });
});
