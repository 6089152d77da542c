import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command';
import { credentialsPath, FileCredentialsStore } from '../../adapters/local/file-secrets';
import { createRun, requestOf, spotifyCredentials } from '../../cli/commands/run';
import { main } from '../../cli/main';
import { describeEvent, progressTo } from '../../cli/local/progress';
import type { RunSummary } from '../../cli/local/summary';
import type { ExecutionEvent } from '../../state-machine/local-executor';
import { steps } from '../../steps/registry';
import { capturedStream, captureIo } from '../support/cli-io';
import { emulatorWith } from '../support/emulator';
import { tempFolderForSuite } from '../support/temp-folders';

const clock = { now: () => new Date('2026-11-20T07:30:00Z') };

describe('spotify-etl run options', () => {
  it('turns no dates into the daily run of now, --date into a manual run and --from/--to into a backfill', () => {
    expect(requestOf({}, clock)).toEqual({ mode: 'scheduled', scheduledTime: '2026-11-20T07:30:00.000Z' });
    expect(requestOf({ date: '2026-11-02', playlists: 'a, b,' }, clock)).toEqual({ mode: 'manual', date: '2026-11-02', playlists: ['a', 'b'] });
    expect(requestOf({ from: '2026-11-01', to: '2026-11-03' }, clock)).toEqual({ mode: 'backfill', from: '2026-11-01', to: '2026-11-03' });
  });

  it.each([
    [['--source', 'soundcloud'], '--source must be emulator or spotify, got "soundcloud"'],
    [['--source', 'spotify', '--fixtures', 'x'], '--fixtures, --faults, --seed and --catalog-seed configure the emulator'],
    [['--seed', 'seven'], '--seed must be a whole number'],
    [['--catalog-seed', '-2'], '--catalog-seed must be a whole number from 0 to 2147483647, got "-2"'],
    [['--faults', '429=2'], 'the probability of 429 must be a decimal from 0 to 1, got "2"'],
    [['--dates', '2026-11-01'], 'unknown option --dates'],
  ])('fails on %j as a usage error', async (args, message) => {
    const lake = join(tmpdir(), 'spotify-etl-never-created');

    await expect(createRun({ clock })([...args, '--lake', lake], captureIo(tmpdir()))).rejects.toThrow(UsageError);
    await expect(createRun({ clock })([...args, '--lake', lake], captureIo(tmpdir()))).rejects.toThrow(message);
  });
});

describe('spotify-etl run --playlists @FILE', () => {
  const work = tempFolderForSuite('spotify-etl-run-ids-');

  it('runs the playlists the file lists, one per line or separated by commas, past its comment lines', async () => {
    // Prepare: two of the built-in catalog's playlists, the way a list too long for one argument is kept
    const [first, second] = (await emulatorWith()).playlistIds;
    await writeFile(join(work(), 'ids.txt'), `\ufeff# two of the built-in catalog\n${first ?? ''},\r\n  ${second ?? ''}\n`);
    const io = captureIo(work());
    // Act
    const code = await createRun({ clock })(['--date', '2026-11-20', '--playlists', '@ids.txt', '--lake', join(work(), 'lake'), '--json'], io);
    // Assess
    expect(code).toBe(0);
    expect((JSON.parse(io.stdout()) as RunSummary).playlists).toEqual([first, second]);
  });

  it.each([
    ['missing.txt', undefined, /^--playlists @missing\.txt: cannot read .*missing\.txt \(ENOENT\); give a file of playlist ids/],
    ['blank.txt', ' ,\n# none yet\n', /^--playlists @blank\.txt: .*blank\.txt names no playlist; give a file of playlist ids/],
    ['url.txt', '37i9dQZF1DZ06evO25rXbO\nhttps://open.spotify.com/playlist/37i9dQZF1DZ06evO25rXbO?si=x\n', /^--playlists @url\.txt: line 2 holds "https:\/\/open\.spotify\.com\/playlist\/37i9dQZF1DZ06evO25rXbO\?si=x", which is not a Spotify playlist id/],
    ['utf16.txt', Buffer.from('\ufeff37i9dQZF1DZ06evO25rXbO\n', 'utf16le'), /^--playlists @utf16\.txt: .*utf16\.txt is UTF-16 text; save it as UTF-8/],
    ['huge.txt', Buffer.alloc(2 ** 20 + 1, 'a'), /^--playlists @huge\.txt: .*huge\.txt holds 1048577 bytes, more than a list of playlist ids/],
    ['note.txt', '37i9dQZF1DZ06evO25rXbO  # mine\n', /^--playlists @note\.txt: line 1 holds "#" \(a comment takes a line of its own\), which is not/],
    ['binary.txt', `${'\u0085x'.repeat(5000)}\n`, /^--playlists @binary\.txt: line 1 holds "(\\u0085x){39}…, which is not a Spotify playlist id/],
  ])('fails on @%s as a usage error, and touches no lake', async (file, text, message) => {
    // Prepare
    if (text !== undefined) await writeFile(join(work(), file), text);
    const lake = join(work(), `never-${file}`);
    // Act
    const run = createRun({ clock })(['--playlists', `@${file}`, '--lake', lake], captureIo(work()));
    // Assess
    await expect(run).rejects.toThrow(UsageError);
    await expect(createRun({ clock })(['--playlists', `@${file}`, '--lake', lake], captureIo(work()))).rejects.toThrow(message);
    await expect(readdir(lake)).rejects.toThrow(/ENOENT/);
  });
});

describe('spotify-etl run --source spotify', () => {
  const lake = tempFolderForSuite('spotify-etl-source-');

  it('fails without stored credentials, telling the user to log in, before any request leaves the machine', async () => {
    // Prepare
    const io = captureIo(lake(), { SPOTIFY_API_BASE_URL: 'http://127.0.0.1:9/v1', SPOTIFY_ACCOUNTS_BASE_URL: 'http://127.0.0.1:9' });
    // Act
    const code = await createRun({ clock })(['--source', 'spotify', '--date', '2026-11-20', '--playlists', '37i9dQZF1DZ06evO25rXbO', '--lake', lake()], io);
    // Assess
    expect(code).toBe(1);
    expect(io.stderr().trim().split('\n').at(-1)).toMatch(/^spotify-etl run: SpotifyAuthError: No Spotify credentials at .*credentials\.json: run `spotify-etl auth login`/);
    expect(await readdir(lake())).not.toContain('curated');
  });

  it('uses the refresh token `auth login` stored while SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are still exported', async () => {
    // Prepare: the README's flow, `auth login` then `run --source spotify` in the same shell
    const emulator = await emulatorWith();
    const env = {
      SPOTIFY_CLIENT_ID: emulator.credentials.clientId,
      SPOTIFY_CLIENT_SECRET: emulator.credentials.clientSecret,
      SPOTIFY_ACCOUNTS_BASE_URL: emulator.accountsBaseUrl,
      SPOTIFY_API_BASE_URL: emulator.apiBaseUrl,
    };
    const login = captureIo(lake(), env);
    const loggedIn = main(['auth', 'login', '--port', '0', '--lake', lake()], login);
    await fetch((await login.printed(/^ {2}(http\S+\/authorize\?\S+)$/m, 'stderr'))[1] ?? '');
    expect(await loggedIn).toBe(0);
    const smallest = emulator.playlists.filter((playlist) => playlist.readable).sort((a, b) => a.total - b.total)[0]?.id ?? '';
    const io = captureIo(lake(), env);
    // Act
    const code = await createRun({ clock })(['--source', 'spotify', '--date', '2026-11-20', '--playlists', smallest, '--lake', lake()], io);
    // Assess
    expect(io.stderr()).not.toContain('SpotifyReauthRequiredError');
    expect(code).toBe(0);
    expect(await readdir(lake())).toContain('curated');
  });

  it("prints one warning line when the stored refresh token is due for re-consent, and reports its age with --json", async () => {
    // Prepare: credentials `auth login` stored 170 days ago
    const emulator = await emulatorWith();
    const env = { SPOTIFY_ACCOUNTS_BASE_URL: emulator.accountsBaseUrl, SPOTIFY_API_BASE_URL: emulator.apiBaseUrl };
    const consented = new Date(Date.now() - 170 * 86_400_000 - 3_600_000);
    await new FileCredentialsStore(credentialsPath(lake())).write({ ...emulator.credentials, refreshTokenFirstSeen: consented });
    const smallest = emulator.playlists.filter((playlist) => playlist.readable).sort((a, b) => a.total - b.total)[0]?.id ?? '';
    const args = ['--source', 'spotify', '--date', '2026-11-20', '--playlists', smallest, '--lake', lake()];
    const text = captureIo(lake(), env);
    const json = captureIo(lake(), env);
    // Act
    const codes = [await createRun({ clock })(args, text), await createRun({ clock })([...args, '--json'], json)];
    // Assess
    expect(codes).toEqual([0, 0]);
    expect(text.stdout().split('\n').filter((line) => line.startsWith('  warning'))).toEqual([
      "  warning    the Spotify refresh token is 170 days old; Spotify refuses it about 182 days after consent: run `spotify-etl auth login` as the playlists' owner before then (docs/operations.md#re-consent)",
    ]);
    expect((JSON.parse(json.stdout()) as RunSummary).refreshTokenAgeDays).toBe(170);
    expect(text.stdout() + text.stderr()).not.toContain(emulator.credentials.refreshToken ?? '-');
  });

  it('reads a rotated refresh token after saving it, instead of the exported one Spotify revoked', async () => {
    // Prepare
    const credentials = spotifyCredentials({ SPOTIFY_CLIENT_ID: 'id', SPOTIFY_CLIENT_SECRET: 'secret', SPOTIFY_REFRESH_TOKEN: 'exported' }, lake(), 'refresh_token');
    expect((await credentials.read()).refreshToken).toBe('exported');
    // Act
    await credentials.saveRefreshToken('rotated', new Date('2026-11-20T06:00:00Z'));
    // Assess
    expect(await credentials.read()).toEqual({ clientId: 'id', clientSecret: 'secret', refreshToken: 'rotated' });
    expect(JSON.parse(await readFile(join(lake(), '.state', 'credentials.json'), 'utf8'))).toMatchObject({
      refreshToken: 'rotated',
      refreshTokenFirstSeen: '2026-11-20T06:00:00.000Z',
    });
  });

  it('takes the app credentials from the environment without a refresh token for the client_credentials grant', async () => {
    // Prepare
    const env = { SPOTIFY_CLIENT_ID: 'id', SPOTIFY_CLIENT_SECRET: 'secret' };
    // Act
    const credentials = await spotifyCredentials(env, lake(), 'client_credentials').read();
    // Assess
    expect(credentials).toEqual({ clientId: 'id', clientSecret: 'secret', refreshToken: undefined });
  });
});

describe('spotify-etl run --reject-tolerance', () => {
  const work = tempFolderForSuite('spotify-etl-tolerance-');
  const fixtures = () => join(work(), 'fixtures');
  const page = new URL('../fixtures/spotify/undecodable-entry.page.json', import.meta.url);

  it('fails validation on a date with an undecodable entry by default, and passes when the tolerance allows it', async () => {
    // Prepare: one recorded playlist with one entry that does not decode
    await mkdir(fixtures(), { recursive: true });
    await copyFile(page, join(fixtures(), 'page.json'));
    const runWith = async (lake: string, extra: string[]) => {
      const io = captureIo(work());
      const code = await createRun({ clock })(['--fixtures', fixtures(), '--date', '2026-11-20', '--lake', join(work(), lake), '--json', ...extra], io);
      return { code, summary: JSON.parse(io.stdout()) as { status: string; error?: { name: string } } };
    };
    // Act
    const strict = await runWith('strict', []);
    const tolerant = await runWith('tolerant', ['--reject-tolerance', '1']);
    // Assess
    expect(strict.code).toBe(1);
    expect(strict.summary.error?.name).toBe('ValidationFailedError');
    expect(tolerant.code).toBe(0);
    expect(tolerant.summary.status).toBe('succeeded');
  });

  it('fails as a usage error on a tolerance that is not a whole number', async () => {
    await expect(createRun({ clock })(['--reject-tolerance', 'some', '--lake', join(work(), 'never')], captureIo(work()))).rejects.toThrow(
      '--reject-tolerance must be a whole number',
    );
  });
});

describe('spotify-etl run stopped by the user', () => {
  const lake = tempFolderForSuite('spotify-etl-stop-');

  it('fails with exit 130 and says how to complete the run', async () => {
    // Prepare: Ctrl-C already pressed
    const io = captureIo(lake());
    io.stop();
    // Act
    const code = await createRun({ clock })(['--lake', lake()], io);
    // Assess
    expect(code).toBe(130);
    expect(io.stderr().trim().split('\n').at(-1)).toBe(
      'spotify-etl run: stopped before it finished; every partition holds either its old or its new rows, so run it again to complete it',
    );
    expect(await readdir(lake())).not.toContain('curated');
  });
});

describe('spotify-etl run --from --to on a fresh lake', () => {
  const work = tempFolderForSuite('spotify-etl-run-fresh-backfill-');

  it('skips every date, as no raw snapshot has landed, and names the report its WriteReport step wrote', async () => {
    // Prepare
    const lake = join(work(), 'lake');
    const io = captureIo(work());
    // Act
    const code = await createRun({ clock })(['--from', '2026-11-18', '--to', '2026-11-19', '--lake', lake], io);
    // Assess
    const report = join(lake, 'reports', 'latest.html');
    expect(code).toBe(0);
    expect(io.stdout()).toContain('  skipped    2026-11-18, 2026-11-19 (no raw snapshots landed)\n');
    expect(await readFile(report, 'utf8')).toContain('<html');
    expect(io.stdout().trimEnd().split('\n').slice(-2)).toEqual([`Report: ${report}`, `  ${pathToFileURL(report).href}`]);
  });
});

describe('run progress', () => {
  const event = (type: string, name: string, extra: Record<string, unknown>): ExecutionEvent =>
    ({ type, timestamp: 0, state: { name, type: 'Task', input: {}, ...extra } }) as unknown as ExecutionEvent;
  const events = [
    event('StateEntered', steps.fetchToken.stateName, {}),
    event('StateExited', steps.fetchToken.stateName, { output: { [steps.fetchToken.placement.into]: { expiresAt: '2026-11-20T08:30:00Z' } } }),
    event('StateFailed', steps.getPlaylist.stateName, {}),
    event('StateRetried', steps.getPlaylist.stateName, {}),
  ];
  (events[2] as unknown as { Error: string }).Error = 'SpotifyUnavailableError';

  const streamOf = (tty: boolean) => {
    const { stream, text } = capturedStream();
    return { stream: Object.assign(stream, { isTTY: tty }), text };
  };

  it('writes plain milestone lines when stderr is not a terminal', () => {
    const { stream, text } = streamOf(false);

    const progress = progressTo(stream);
    events.forEach(progress.onEvent);
    progress.done();

    expect(text()).toBe(`  ✓ Spotify token cached\n  ↻ ${steps.getPlaylist.stateName} failed with SpotifyUnavailableError; retrying\n`);
  });

  it('counts one entry and one playlist in the singular', () => {
    const lastError = new Map<string, string>();
    const landed = event('StateExited', 'ExtractItems', {
      output: { date: '2026-11-20', playlistId: '6rgIU2tnh1sO2e9PNkBt1O', done: true, cursor: { offset: 1, total: 1 }, waitSeconds: 0, pagesStored: 1 },
    });

    const line = describeEvent(landed, lastError);

    expect(line).toBe('  ✓ 2026-11-20 6rgIU2tnh1sO2e9PNkBt1O: 1 entry landed');
  });

  it('says which playlists got no change rows because the file their previous date published is damaged', () => {
    const tables = { playlists: 3, playlist_items: 30, songs: 20, albums: 5, artists: 4, song_artists: 25, album_artists: 5, playlist_changes: 2 };
    const normalised = event('StateExited', steps.normalise.stateName, {
      output: {
        date: '2026-11-20',
        playlists: 3,
        missing: [],
        tables,
        rejectCount: 0,
        changesUntold: [
          { playlistId: 'a', previousDate: '2026-11-19' },
          { playlistId: 'b', previousDate: '2026-11-19' },
        ],
      },
    });

    expect(describeEvent(normalised, new Map())).toBe(
      '  ✓ 2026-11-20 normalised: 30 items, 20 songs, 5 albums, 4 artists; the changes of 2 playlists since 2026-11-19 are not told (no playlist_changes rows): the playlist_items file 2026-11-19 published is damaged',
    );
  });

  it("says a past-only backfill that named no playlists rebuilds each date's published playlists, as its plan lists none", () => {
    const planned = event('StateExited', steps.validateInput.stateName, {
      output: {
        plan: {
          run: { mode: 'backfill', executionName: 'exec-1', startedAt: '2026-11-20T07:30:00.000Z', full: false },
          playlistIds: [],
          rebuildLanded: true,
          dates: [{ date: '2026-11-18', extract: false }],
          skipped: ['2026-11-19'],
        },
      },
    });

    expect(describeEvent(planned, new Map())).toBe('  ✓ plan: backfill run; dates 2026-11-18 (rebuild); skipping 2026-11-19; each date\'s published playlists, or all landed');
  });

  it('redraws a live status line of the running states on a terminal', () => {
    const { stream, text } = streamOf(true);

    const progress = progressTo(stream);
    progress.onEvent(events[0] as ExecutionEvent);

    expect(text()).toBe('\r\x1b[2K  ⋯ FetchToken');
  });
});

describe('spotify-etl run with faults', () => {
  const work = tempFolderForSuite('spotify-etl-run-faults-');

  const runWith = async (lake: string, extra: string[]) => {
    const io = captureIo(work());
    const code = await createRun({ clock })(['--date', '2026-11-20', '--lake', join(work(), lake), ...extra], io);
    return { code, io };
  };

  it('counts the faults it injected by kind, and writes the same playlists and rows as a run without faults', async () => {
    // Prepare
    const plain = await runWith('plain', ['--json']);
    // Act: another seed draws other faults, never another catalog
    const faulty = await runWith('faulty', ['--faults', '500=0.08,503=0.05,reset=0.05', '--seed', '7', '--json']);
    // Assess
    const [before, after] = [plain, faulty].map(({ io }) => JSON.parse(io.stdout()) as RunSummary);
    expect(faulty.code).toBe(0);
    expect(after?.faults?.injected).toBeGreaterThan(0);
    expect(Object.values(after?.faults?.byKind ?? {}).reduce((sum, n) => sum + n, 0)).toBe(after?.faults?.injected);
    expect(Object.keys(after?.faults?.byKind ?? {}).every((kind) => ['500', '503', 'reset'].includes(kind))).toBe(true);
    expect(after?.playlists).toEqual(before?.playlists);
    expect(after?.dates[0]?.tables).toEqual(before?.dates[0]?.tables);
    expect(before?.faults).toBeNull();
  });

  it('says a failed run\'s error once, and the faults line names the error that ended it', async () => {
    // Act
    const { code, io } = await runWith('failing', ['--faults', '500=1']);
    // Assess
    const said = `${io.stdout()}${io.stderr()}`;
    const message = /^spotify-etl run: (\w+): (.+)$/m.exec(io.stderr());
    expect(code).toBe(1);
    expect(message).not.toBeNull();
    expect(said.split(message?.[2] ?? '').length - 1).toBe(1);
    expect(io.stdout()).toMatch(new RegExp(`^ {2}faults {5}\\d+ faults injected \\(500 ×\\d+\\); the run ended on ${message?.[1] ?? ''}$`, 'm'));
    expect(await readdir(join(work(), 'failing'))).not.toContain('curated');
  });
});
