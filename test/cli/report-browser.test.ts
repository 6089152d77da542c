/**
 * The report in a real browser: headless Chromium (Debian's `chromium`) opens the file written
 * after real local runs, and every chart must be drawn with marks, with no console error and no
 * http(s) request. Without /usr/bin/chromium these tests say so and are skipped.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { report } from '../../cli/commands/report';
import { changesNeedHistory } from '../../core/report/charts';
import { chromiumMissing, visitReport } from '../support/browser';
import { captureIo } from '../support/cli-io';
import { dailyRuns, reportDays } from '../support/report-lakes';
import { tempFolderForSuite } from '../support/temp-folders';

const missing = chromiumMissing();
if (missing !== undefined) console.warn(`WARNING: ${missing}`);

/** Writes the report of `lake` and returns its path (the last line `report` prints). */
const reportOf = async (lake: string, cwd: string): Promise<string> => {
  const io = captureIo(cwd);
  const code = await report(['--lake', lake], io);
  if (code !== 0) throw new Error(`report failed: ${io.stderr()}`);
  return io.stdout().trimEnd().split('\n').at(-1) ?? '';
};

describe.skipIf(missing !== undefined)('the report in Chromium', () => {
  const work = tempFolderForSuite('spotify-etl-report-browser-');
  const lakes = { three: '', one: '', empty: '' };
  beforeAll(async () => {
    lakes.three = join(work(), 'three-dates');
    lakes.one = join(work(), 'one-date');
    lakes.empty = join(work(), 'empty');
    await dailyRuns(lakes.three, reportDays);
    await dailyRuns(lakes.one, reportDays.slice(-1));
    mkdirSync(lakes.empty);
  });

  it('after runs on three dates draws every chart with marks, logs no error and requests nothing', async () => {
    // Prepare
    const page = await reportOf(lakes.three, work());
    const screenshot = join(work(), 'three-dates.png');
    // Act
    const visit = await visitReport(page, screenshot);
    // Assess
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.networkRequests).toEqual([]);
    expect(visit.charts.map((chart) => chart.id)).toEqual(['playlist-sizes', 'playlist-changes', 'top-artists', 'release-years', 'explicit-share', 'run-health', 'run-duration', 'spotify-requests']);
    expect(visit.charts.filter((chart) => chart.svgs !== 1 || chart.marks === 0)).toEqual([]);
    expect(visit.notes['playlist-changes']).not.toBe(changesNeedHistory);
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  });

  it('of a lake with one date draws every chart', async () => {
    const visit = await visitReport(await reportOf(lakes.one, work()), join(work(), 'one-date.png'));

    expect(visit.consoleErrors).toEqual([]);
    expect(visit.networkRequests).toEqual([]);
    expect(visit.charts.length).toBeGreaterThanOrEqual(5);
    expect(visit.charts.filter((chart) => chart.svgs !== 1 || chart.marks === 0)).toEqual([]);
  });

  it('of an empty lake says what to run first, without errors', async () => {
    const visit = await visitReport(await reportOf(lakes.empty, work()), join(work(), 'empty.png'));

    expect(visit.consoleErrors).toEqual([]);
    expect(visit.charts).toEqual([]);
    expect(visit.emptyMessage).toContain(`npx spotify-etl run --lake ${lakes.empty}`);
  });

  it('would see a console error and a request to the network, were the page to make them', async () => {
    // Prepare: a page without the report's Content-Security-Policy that reaches out.
    const page = join(work(), 'leaky.html');
    writeFileSync(page, '<!doctype html><title>leaky</title><img src="http://127.0.0.1:9/pixel.png"><script>console.error("boom")</script>');
    // Act
    const visit = await visitReport(page, join(work(), 'leaky.png'));
    // Assess
    expect(visit.networkRequests).toEqual(['http://127.0.0.1:9/pixel.png']);
    expect(visit.consoleErrors).toContain('boom');
  });
});
