/** The run summary's sample query over a real lake, against the report's top artists and the data model's Example. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topArtistsSql } from '../../../cli/local/summary';
import { queryLake } from '../../../cli/local/lake-reader';
import { topArtistsSql as reportTopArtistsSql } from '../../../core/report/queries';
import { createTestLake, goodDay, type TestLake } from './lake-fixture';

describe("the run summary's top artists", () => {
  let lake: TestLake;
  const date = '2026-11-20';

  beforeAll(async () => {
    // Two different artists named Wild Fires: ar1 on two entries, ar2 on one.
    const day = goodDay();
    lake = await createTestLake();
    await lake.write(date, { ...day, artists: day.artists.map((artist) => (artist.artist_id === 'ar3' ? artist : { ...artist, name: 'Wild Fires' })) });
    await lake.crawl();
  });
  afterAll(() => lake.remove());

  it('counts artists who share a name apart, as the report does', async () => {
    // Act
    const summary = await queryLake(lake.root, topArtistsSql(date));
    const report = await queryLake(lake.root, reportTopArtistsSql(date));
    // Assess
    expect(summary.map((row) => [row['artist'], Number(row['entries'])])).toEqual([
      ['Wild Fires', 2],
      ['Artist Three', 1],
      ['Wild Fires', 1],
    ]);
    expect(summary.map((row) => [row['artist'], Number(row['entries'])])).toEqual(report.map((row) => [row['artist'], Number(row['entries'])]));
  });

  it("is the data model's Example, word for word", () => {
    const doc = readFileSync(new URL('../../../docs/data-model.md', import.meta.url), 'utf8');

    expect(doc).toContain(`\`\`\`sql\n${topArtistsSql(date)}\n\`\`\``);
  });
});
