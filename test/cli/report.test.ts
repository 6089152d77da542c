/**
 * `spotify-etl report` over lakes made by real local runs: what it writes and prints, that it
 * shows published data and the manifests' run health, and the report `npm start` leaves.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command';
import { report } from '../../cli/commands/report';
import { createRun } from '../../cli/commands/run';
import { collectLocalReport } from '../../cli/local/report';
import { queryLake } from '../../cli/local/lake-reader';
import { topArtistsSql } from '../../cli/local/summary';
import { changesNeedHistory, requestsNotRecorded } from '../../core/report/charts';
import { captureIo } from '../support/cli-io';
import { dailyRuns, reportDays } from '../support/report-lakes';
import { tempFolderForSuite } from '../support/temp-folders';

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

describe('spotify-etl report', () => {
  const work = tempFolderForSuite('spotify-etl-report-');
  const lake = () => join(work(), 'lake');
  let runOutput = '';
  beforeAll(async () => {
    runOutput = await dailyRuns(lake(), reportDays);
  });

  it('stops on Ctrl-C with exit status 130 and writes nothing', async () => {
    // Prepare
    const io = captureIo(work());
    const out = join(work(), 'stopped', 'report.html');
    // Act
    const exit = report(['--lake', lake(), '--out', out], io);
    io.stop();
    // Assess
    expect(await exit).toBe(130);
    expect(io.stderr()).toBe('spotify-etl report: stopped; nothing was written\n');
    expect(existsSync(out)).toBe(false);
  });

  it('writes one self-contained page into the lake and prints its path as the last line', async () => {
    // Prepare
    const io = captureIo(work());
    // Act
    const code = await report(['--lake', lake()], io);
    // Assess
    const path = join(lake(), 'reports', 'latest.html');
    expect(code).toBe(0);
    expect(lastLine(io.stdout())).toBe(path);
    const html = readFileSync(path, 'utf8');
    const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, '$1</script>');
    expect(markup.match(/\b(src|href|srcset|action)\s*=\s*["']?[^"'\s>]*/gi) ?? []).toEqual([]);
    expect(markup.match(/<link\b[^>]*>/gi) ?? []).toEqual([]);
    expect(markup).toContain("default-src 'none'");
    expect(html.includes('echarts.init(')).toBe(true);
    for (const title of ['Playlist sizes over time', 'Entries added and removed per day', 'Top artists on 2026-11-19', 'Release years on 2026-11-19', 'Explicit share on 2026-11-19', 'Run health per date', 'Run duration per date']) {
      expect(html.includes(`<h2>${title}</h2>`), title).toBe(true);
    }
  });

  it('shows the published rows of every date and the run health the manifests record', async () => {
    // Act
    const data = await collectLocalReport(lake(), {}, new Date());
    // Assess
    const published = await queryLake(lake(), 'select cast(snapshot_date as varchar) as d, count(*) as n from playlists group by 1 order by 1');
    expect(published.map((row) => row['d'])).toEqual([...reportDays]);
    expect(data.sizes.length).toBe(published.reduce((sum, row) => sum + Number(row['n']), 0));
    expect(data.latestDate).toBe('2026-11-19');
    expect(data.artists.length).toBeGreaterThan(0);
    expect(data.releaseYears.length).toBeGreaterThan(0);
    expect(data.explicit.length).toBeGreaterThan(0);
    expect(data.health.map((row) => [row.date, row.status, row.published, row.checksFailed, row.rejects])).toEqual(reportDays.map((day) => [day, 'succeeded', true, 0, 0]));
    expect(data.health.every((row) => row.checksPassed > 0 && (row.durationSeconds ?? 0) > 0)).toBe(true);
  });

  it('draws the changes from playlist_changes and the Spotify requests the manifests record, with no chart waiting for data', async () => {
    const html = readFileSync(join(lake(), 'reports', 'latest.html'), 'utf8');
    const data = await collectLocalReport(lake(), {}, new Date());

    expect(html.includes(changesNeedHistory)).toBe(false);
    expect(html.includes(requestsNotRecorded)).toBe(false);
    expect(data.health.every((row) => row.requests !== null && row.requests.spotifyApi > 0 && row.requests.spotifyToken > 0)).toBe(true);
  });

  it('keeps to the dates --from and --to name and writes where --out says', async () => {
    // Prepare
    const io = captureIo(work());
    const out = join(work(), 'elsewhere', 'middle.html');
    // Act
    const code = await report(['--lake', lake(), '--from', '2026-11-18', '--to', '2026-11-18', '--out', out], io);
    const data = await collectLocalReport(lake(), { from: '2026-11-18', to: '2026-11-18' }, new Date());
    // Assess
    expect(code).toBe(0);
    expect(lastLine(io.stdout())).toBe(out);
    expect(readFileSync(out, 'utf8')).toContain('2026-11-18 to 2026-11-18');
    expect(new Set(data.sizes.map((row) => row.snapshot_date))).toEqual(new Set(['2026-11-18']));
    expect(data.health.map((row) => row.date)).toEqual(['2026-11-18']);
  });

  it('writes a report of some dates beside the latest one, which it leaves as it was', async () => {
    // Prepare
    const latest = join(lake(), 'reports', 'latest.html');
    await report(['--lake', lake()], captureIo(work()));
    const before = readFileSync(latest, 'utf8');
    const io = captureIo(work());
    // Act
    const code = await report(['--lake', lake(), '--from', '2026-11-18'], io);
    // Assess
    expect(code).toBe(0);
    expect(lastLine(io.stdout())).toBe(join(lake(), 'reports', 'range-2026-11-18--last.html'));
    expect(readFileSync(lastLine(io.stdout()), 'utf8')).toContain('2026-11-18 to the last date');
    expect(readFileSync(latest, 'utf8')).toBe(before);
  });

  it('is left by every run, whose summary ends with its path and file:// link', () => {
    const path = join(lake(), 'reports', 'latest.html');

    expect(runOutput.trimEnd().split('\n').slice(-2)).toEqual([`Report: ${path}`, `  ${pathToFileURL(path).href}`]);
  });

  it('that a run writes names its lake by its folder, as the report command does', () => {
    // The run's page of its last date: the report command above rewrote latest.html, never this one.
    const page = readFileSync(join(lake(), 'reports', 'snapshot_date=2026-11-19', 'index.html'), 'utf8');

    expect(page).toContain(`<p>Lake <code>${lake()}</code>`);
  });

  it("ends each run's summary with its last date's top artists, the rows query reads", async () => {
    // Act
    const rows = await queryLake(lake(), topArtistsSql('2026-11-19'));
    // Assess
    expect(rows.length).toBeGreaterThan(0);
    const table = runOutput.slice(runOutput.lastIndexOf('Top artists of 2026-11-19:'));
    for (const row of rows) expect(table).toMatch(new RegExp(`^  ${String(row['artist'])} +${String(row['entries'])}$`, 'm'));
  });

  it('of an empty lake says what to run first', async () => {
    // Prepare
    const empty = join(work(), 'empty-lake');
    mkdirSync(empty);
    const io = captureIo(work());
    // Act
    const code = await report(['--lake', empty], io);
    // Assess
    expect(code).toBe(0);
    const html = readFileSync(lastLine(io.stdout()), 'utf8');
    expect(html).toContain(`npx spotify-etl run --lake ${empty}`);
    expect(html).not.toContain('<script');
  });

  it('of dates with nothing in them says so and how to widen them, not to run the pipeline', async () => {
    // Prepare
    const out = join(work(), 'before-the-lake.html');
    const io = captureIo(work());
    // Act
    const code = await report(['--lake', lake(), '--to', '2020-01-01', '--out', out], io);
    // Assess
    expect(code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('No date from the first date to 2020-01-01 has published data or a recorded run in this lake.');
    expect(html).toContain(`npx spotify-etl report --lake ${lake()}`);
    expect(html).not.toContain('Run the pipeline first');
  });

  it('fails in one line when there is no lake, writing nothing', async () => {
    const io = captureIo(work());

    const code = await report(['--lake', join(work(), 'missing')], io);

    expect(code).toBe(1);
    expect(io.stderr()).toMatch(/^spotify-etl report: there is no lake at .*missing; run `spotify-etl run` first, or point --lake at one\n$/);
    expect(existsSync(join(work(), 'missing'))).toBe(false);
  });

  it('fails in one line when --out cannot be written', async () => {
    // Prepare: a file where the folder of --out would be
    const blocker = join(work(), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const io = captureIo(work());
    // Act
    const code = await report(['--lake', lake(), '--out', join(blocker, 'report.html')], io);
    // Assess
    expect(code).toBe(1);
    expect(io.stderr()).toMatch(/^spotify-etl report: cannot write .*a-file\/report\.html \((ENOTDIR|EEXIST)\); point --out at a file in a folder you may write\n$/);
  });

  it('fails the run as ReportNotWrittenError when the run cannot write it, leaving the date published', async () => {
    // Prepare: a file where the lake's reports/ folder would be
    const other = join(work(), 'lake-without-reports');
    mkdirSync(other);
    writeFileSync(join(other, 'reports'), 'not a folder');
    const io = captureIo(work());
    // Act
    const code = await createRun({ clock: { now: () => new Date('2026-11-19T06:00:00Z') } })(['--lake', other], io);
    // Assess
    expect(code).toBe(1);
    expect(io.stderr()).toMatch(/^spotify-etl run: ReportNotWrittenError: Could not write lake key "reports\/latest\.html"/m);
    expect(io.stdout()).toMatch(/^ {2}published {2}2026-11-19 this run$/m);
    expect(io.stdout()).not.toContain('Report:');
  });

  it.each([
    [['--from', '2026-13-01'], '--from must be a date like 2026-11-20, got "2026-13-01"'],
    [['--to', 'yesterday'], '--to must be a date like 2026-11-20, got "yesterday"'],
    [['--from', '2026-11-19', '--to', '2026-11-17'], '--from 2026-11-19 is after --to 2026-11-17; give the earlier date first'],
  ])('refuses %j as a usage mistake', async (args, message) => {
    await expect(report([...args, '--lake', lake()], captureIo(work()))).rejects.toThrow(new UsageError(message));
  });
});
