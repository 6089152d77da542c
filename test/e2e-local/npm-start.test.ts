/**
 * `npm start` as a user runs it, in a child process: the pipeline on the embedded defaults exits
 * 0 with its summary, and `spotify-etl query` then counts what the summary showed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../cli/local/summary';
import { tempFolderForSuite } from '../support/temp-folders';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

describe('npm start', () => {
  const lake = tempFolderForSuite('spotify-etl-start-');

  it('runs today into the lake, and query counts the rows the summary showed', async () => {
    // Prepare: "today" is read inside the run, so a run across UTC midnight may take either date.
    const utcDate = () => new Date().toISOString().slice(0, 10);
    const before = utcDate();

    // Act
    const start = await run('npm', ['start', '--silent', '--', '--lake', lake(), '--json'], { cwd: repo, timeout: 240_000 });
    const counted = await run(process.execPath, [join(repo, 'bin/spotify-etl.js'), 'query', 'select count(*) as n from playlist_items', '--json', '--lake', lake()], {
      cwd: repo,
      timeout: 120_000,
    });
    const after = utcDate();

    // Assess
    const summary = JSON.parse(start.stdout) as RunSummary;
    expect(summary.status).toBe('succeeded');
    expect(summary.dates).toHaveLength(1);
    expect([before, after]).toContain(summary.dates[0]?.date);
    expect(start.stderr).toContain('✓ run recorded');
    expect(JSON.parse(counted.stdout)).toEqual([{ n: summary.dates[0]?.tables?.playlist_items }]);
    expect(summary.report).toBe(join(lake(), 'reports', 'latest.html'));
    expect(readFileSync(join(lake(), 'reports', 'latest.html'), 'utf8')).toContain('<h2>Playlist sizes over time</h2>');
  });
});
