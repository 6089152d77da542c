/**
 * `npm run report:screenshot`: regenerates docs/report.png, the README's picture of the report.
 * Lays down a lake with the daily run on three dates against the emulator (as the tests do),
 * writes its report and photographs it in headless Chromium (/usr/bin/chromium).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumMissing, visitReport } from '../../test/support/browser';
import { dailyRuns, reportDays } from '../../test/support/report-lakes';
import { writeReport } from '../local/report';

const target = fileURLToPath(new URL('../../docs/report.png', import.meta.url));

const missing = chromiumMissing();
if (missing !== undefined) {
  console.error(`report:screenshot: ${missing}`);
  process.exit(1);
}
const work = await mkdtemp(join(tmpdir(), 'spotify-etl-screenshot-'));
try {
  const lake = join(work, 'lake');
  await dailyRuns(lake, reportDays);
  const page = await writeReport(lake, join(work, 'report.html'), { now: new Date('2026-11-19T06:05:00Z') });
  const visit = await visitReport(page, target);
  if (visit.consoleErrors.length > 0) throw new Error(`the report logged errors: ${visit.consoleErrors.join('; ')}`);
  console.log(target);
} finally {
  await rm(work, { recursive: true, force: true });
}
