import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command';
import { createRun, requestOf, spotifyCredentials } from '../../cli/commands/run';
import { main } from '../../cli/main';
import { progressTo } from '../../cli/local/progress';
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
    [['--source', 'spotify', '--fixtures', 'x'], '--fixtures, --faults and --seed configure the emulator'],
    [['--seed', 'seven'], '--seed must be a whole number'],
    [['--faults', '429=2'], 'the probability of 429 must be between 0 and 1'],
    [['--dates', '2026-11-01'], "Unknown option '--dates'"],
  ])('fails on %j as a usage error', async (args, message) => {
    const lake = join(tmpdir(), 'spotify-etl-never-created');

    await expect(createRun({ clock })([...args, '--lake', lake], captureIo(tmpdir()))).rejects.toThrow(UsageError);
    await expect(createRun({ clock })([...args, '--lake', lake], captureIo(tmpdir()))).rejects.toThrow(message);
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

  it('reads a rotated refresh token after saving it, instead of the exported one Spotify revoked', async () => {
    // Prepare
    const credentials = spotifyCredentials({ SPOTIFY_CLIENT_ID: 'id', SPOTIFY_CLIENT_SECRET: 'secret', SPOTIFY_REFRESH_TOKEN: 'exported' }, lake(), 'refresh_token');
    expect((await credentials.read()).refreshToken).toBe('exported');
    // Act
    await credentials.saveRefreshToken('rotated');
    // Assess
    expect(await credentials.read()).toEqual({ clientId: 'id', clientSecret: 'secret', refreshToken: 'rotated' });
    expect(JSON.parse(await readFile(join(lake(), '.state', 'credentials.json'), 'utf8'))).toMatchObject({ refreshToken: 'rotated' });
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

describe('run progress', () => {
  const event = (type: string, name: string, extra: Record<string, unknown>): ExecutionEvent =>
    ({ type, timestamp: 0, state: { name, type: 'Task', input: {}, ...extra } }) as unknown as ExecutionEvent;
  const events = [
    event('StateEntered', steps.fetchToken.stateName, {}),
    event('StateExited', steps.fetchToken.stateName, { output: { token: { expiresAt: '2026-11-20T08:30:00Z' } } }),
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

  it('redraws a live status line of the running states on a terminal', () => {
    const { stream, text } = streamOf(true);

    const progress = progressTo(stream);
    progress.onEvent(events[0] as ExecutionEvent);

    expect(text()).toBe('\r\x1b[2K  ⋯ FetchToken');
  });
});
