import { describe, expect, it } from 'vitest';
import { faultCountOf, formatSummary, resumeArgsOf, type DateSummary, type RunSummary } from '../../cli/local/summary';
import { formatRows } from '../../cli/local/text';
import type { RunPlan } from '../../core/run-input';
import { escapeControl, plural, shellWords } from '../../cli/local/text';

const summary = (overrides: Partial<RunSummary> = {}): RunSummary => ({
  status: 'succeeded',
  executionName: 'local-20261120T073000-abcdef',
  mode: 'manual',
  lake: '/data/lake',
  playlists: ['6rgIU2tnh1sO2e9PNkBt1O'],
  dates: [],
  skipped: [],
  requests: { spotifyApi: 3, spotifyToken: 1 },
  error: null,
  sample: null,
  faults: null,
  resumeAfter: null,
  resumeCommands: [],
  refreshTokenAgeDays: 3,
  ...overrides,
});

const dateSummary = (overrides: Partial<DateSummary> = {}): DateSummary => ({
  date: '2026-11-20',
  action: 'extracted',
  status: 'succeeded',
  playlists: 1,
  published: null,
  tables: null,
  rejectCount: 0,
  checksPassed: 0,
  checksFailed: [],
  playlistOutcomes: {},
  ...overrides,
});

describe('the run summary as text', () => {
  it('counts one playlist in the singular and two in the plural', () => {
    expect(formatSummary(summary())).toContain('  playlists  1 playlist: 6rgIU2tnh1sO2e9PNkBt1O\n');
    expect(formatSummary(summary({ playlists: ['a', 'b'] }))).toContain('  playlists  2 playlists: a, b\n');
  });

  it('names the first five of a long playlist list and counts the rest', () => {
    // Prepare: a run of 10,000 playlists would print every id on one line
    const playlists = Array.from({ length: 10_000 }, (_, index) => `p${index}`);
    // Act
    const text = formatSummary(summary({ playlists }));
    // Assess
    expect(text).toContain('  playlists  10000 playlists: p0, p1, p2, p3, p4, … and 9995 more\n');
    expect(formatSummary(summary({ playlists: playlists.slice(0, 6) }))).toContain('  playlists  6 playlists: p0, p1, p2, p3, p4, p5\n');
  });

  it('keeps a name with a line break, a tab or an escape sequence on its row of the sample table', () => {
    // Prepare
    const sample = { title: 'Top artists of 2026-11-20', sql: 'SELECT 1', rows: [{ artist: 'Línea uno\nline two\t\u001b[2J', entries: 1 }] };
    // Act
    const text = formatSummary(summary({ sample }));
    // Assess
    expect(text).toContain('  Línea uno\\nline two\\t\\u001b[2J  1\n');
    expect(text).not.toContain('\u001b');
  });

  it('says the faults injected, by kind, and that the tables are unaffected when the run succeeded', () => {
    const faults = faultCountOf({ '429': 3, reset: 1, '500': 0 });

    const text = formatSummary(summary({ faults }));

    expect(faults).toEqual({ injected: 4, byKind: { '429': 3, reset: 1 } });
    expect(text).toContain('  faults     4 faults injected (429 ×3, reset ×1), all absorbed by retries and waits: the checks passed, so the tables are what a run without faults writes\n');
  });

  it('says which error ended a faults run, and prints its message nowhere in the summary (stderr has it once)', () => {
    const failed = summary({
      status: 'failed',
      error: { name: 'SpotifyUnavailableError', message: 'Spotify answered 500 five times' },
      faults: faultCountOf({ '500': 1 }),
    });

    const text = formatSummary(failed);

    expect(text).toContain('  faults     1 fault injected (500 ×1); the run ended on SpotifyUnavailableError\n');
    expect(text).not.toContain('Spotify answered 500 five times');
  });

  it('warns in one line, naming the command and the runbook, once the refresh token is 168 days old, and not a day before', () => {
    const due = formatSummary(summary({ refreshTokenAgeDays: 168 }));
    const early = formatSummary(summary({ refreshTokenAgeDays: 167 }));
    const none = formatSummary(summary({ refreshTokenAgeDays: null }));

    expect(due.split('\n').filter((line) => line.includes('refresh token'))).toEqual([
      "  warning    the Spotify refresh token is 168 days old; Spotify refuses it about 182 days after consent: run `spotify-etl auth login` as the playlists' owner before then (docs/operations.md#re-consent)",
    ]);
    expect(early).not.toContain('warning');
    expect(none).not.toContain('warning');
  });

  it('says a date a run throttled at its token was to be extracted and failed before any playlist was read', () => {
    // Prepare: FetchToken was throttled, so the manifest's failed attempt lists no playlist and no Web API request was sent
    const date = dateSummary({ status: 'failed', playlists: 0 });
    const throttled = summary({ status: 'failed', dates: [date], requests: { spotifyApi: 0, spotifyToken: 1 }, error: { name: 'SpotifyThrottledError', message: 'wait' } });
    // Act
    const text = formatSummary(throttled);
    // Assess
    expect(text).toContain('  dates      2026-11-20 to be extracted, failed before any playlist was read\n');
    expect(text).not.toContain('extracted (0 playlists)');
  });

  it('says a failed date that read Spotify but normalised no playlist failed before any was normalised, and a date that did says how many', () => {
    const failed = summary({ status: 'failed', dates: [dateSummary({ status: 'failed', playlists: 0 }), dateSummary({ date: '2026-11-19', action: 'rebuilt', status: 'failed', playlists: 0 })] });
    const normalised = summary({ status: 'failed', dates: [dateSummary({ status: 'failed', playlists: 2 })] });

    expect(formatSummary(failed)).toContain('  dates      2026-11-20 to be extracted, failed before any playlist was normalised; 2026-11-19 to be rebuilt, failed before any playlist was normalised\n');
    expect(formatSummary(normalised)).toContain('  dates      2026-11-20 extracted (2 playlists), failed\n');
    expect(formatSummary(summary({ dates: [dateSummary()] }))).toContain('  dates      2026-11-20 extracted (1 playlist), succeeded\n');
  });

  it('says no fault was drawn when the run asked for faults and none hit', () => {
    expect(formatSummary(summary({ faults: faultCountOf({}) }))).toContain("  faults     0 faults injected: none was drawn for this run's requests\n");
  });
});

describe('text values', () => {
  it('escapes control characters in table cells and headers, and leaves other text alone', () => {
    expect(formatRows([{ 'a\nb': 'x\ry', n: null }])).toBe('a\\nb  n\n----  ----\nx\\ry  null\n');
    expect(escapeControl('日本語 🎧 "quoted"')).toBe('日本語 🎧 "quoted"');
    expect(escapeControl('\u0000\u007f\u0085\u2028')).toBe('\\u0000\\u007f\\u0085\\u2028');
  });

  it('says in one line per command when a throttled run may run again and the commands that do it', () => {
    // Prepare
    const resumeCommands = ['npx spotify-etl run --from 2026-11-18 --to 2026-11-19', 'npx spotify-etl run --date 2026-11-20'];
    // Act
    const text = formatSummary(summary({ status: 'failed', resumeAfter: '2026-11-20T09:30:00.000Z', resumeCommands, error: { name: 'SpotifyThrottledError', message: 'wait' } }));
    // Assess
    expect(text.split('\n').filter((line) => line.includes('resume'))).toEqual([
      '  resume     Spotify allows this run again after 2026-11-20T09:30:00.000Z: npx spotify-etl run --from 2026-11-18 --to 2026-11-19',
      '  resume     Spotify allows this run again after 2026-11-20T09:30:00.000Z: npx spotify-etl run --date 2026-11-20',
    ]);
    expect(formatSummary(summary())).not.toContain('resume');
  });

  it("names each restart's dates in its resume options, in place of the dates the run's options named", () => {
    // Prepare
    const plan = (mode: RunPlan['run']['mode'], dates: string[], extracted: string[] = []): RunPlan => ({
      run: { mode, executionName: 'local-1', startedAt: '2026-11-20T23:50:00.000Z' },
      playlistIds: ['6rgIU2tnh1sO2e9PNkBt1O'],
      rebuildLanded: true,
      dates: dates.map((date) => ({ date, extract: mode !== 'backfill' || extracted.includes(date) })),
      skipped: [],
    });
    // Act, assess
    expect(resumeArgsOf(['--lake', 'lake'], plan('scheduled', ['2026-11-20']))).toEqual([['--lake', 'lake', '--date', '2026-11-20']]);
    expect(resumeArgsOf([], plan('backfill', ['2026-11-18', '2026-11-19']))).toEqual([['--from', '2026-11-18', '--to', '2026-11-19']]);
    expect(resumeArgsOf(['--date=2026-11-19', '--full'], plan('manual', ['2026-11-19']))).toEqual([['--full', '--date', '2026-11-19']]);
    // A backfill up to today, throttled: typed after midnight, its own options would rebuild today from what landed, not extract it.
    expect(resumeArgsOf(['--from', '2026-11-18', '--to=2026-11-20', '--lake', 'lake'], plan('backfill', ['2026-11-18', '2026-11-19', '2026-11-20'], ['2026-11-20']))).toEqual([
      ['--lake', 'lake', '--from', '2026-11-18', '--to', '2026-11-19'],
      ['--lake', 'lake', '--date', '2026-11-20'],
    ]);
  });

  it('quotes for the shell only the words that need it', () => {
    expect(shellWords(['run', '--lake', '/tmp/my lake', '--faults', '429=1', "it's"])).toBe("run --lake '/tmp/my lake' --faults 429=1 'it'\\''s'");
  });

  it('puts a noun in the number its count needs', () => {
    expect([plural(0, 'entry', 'entries'), plural(1, 'entry', 'entries'), plural(2, 'playlist')]).toEqual(['0 entries', '1 entry', '2 playlists']);
  });
});
