import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FileCredentialsStore } from '../../adapters/local/file-secrets';
import type { RunningEmulator } from '../../adapters/spotify/emulator/server';
import { SpotifyTokenClient } from '../../adapters/spotify/spotify-token-client';
import { main } from '../../cli/main';
import { captureIo, type CapturedIo } from '../support/cli-io';
import { emulatorWith } from '../support/emulator';
import { tempFolder } from '../support/temp-folders';

let emulator: RunningEmulator;
let dir: string;
beforeEach(async () => {
  emulator = await emulatorWith();
  dir = await tempFolder('auth-login-');
});

/** A command-line IO in the test's folder, with the emulator's app in the environment. */
const cli = (env: Record<string, string> = { SPOTIFY_CLIENT_ID: emulator.credentials.clientId, SPOTIFY_CLIENT_SECRET: emulator.credentials.clientSecret, SPOTIFY_ACCOUNTS_BASE_URL: emulator.accountsBaseUrl }) =>
  captureIo(dir, env);

/** The authorize URL, once the command has printed it. */
const authorizeUrl = async (io: CapturedIo): Promise<string> => (await io.printed(/^ {2}(http\S+\/authorize\?\S+)$/m, 'stderr'))[1] ?? '';

describe('spotify-etl auth login', () => {
  it('runs the consent on a loopback redirect and stores a working refresh token, dated at the consent, in a 0600 file', async () => {
    // Prepare
    const io = cli();
    const before = Date.now();
    // Act: the test plays the browser, which follows Spotify's redirect to the loopback callback
    const exit = main(['auth', 'login', '--port', '0'], io);
    const browser = await fetch(await authorizeUrl(io));
    // Assess
    expect(await exit).toBe(0);
    expect(browser.status).toBe(200);
    expect(await browser.text()).toContain('Consent received');
    const path = join(dir, 'lake', '.state', 'credentials.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(path, 'utf8')) as { clientId: string; refreshToken: string; refreshTokenFirstSeen: string };
    expect(stored.clientId).toBe(emulator.credentials.clientId);
    expect(Date.parse(stored.refreshTokenFirstSeen)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(stored.refreshTokenFirstSeen)).toBeLessThanOrEqual(Date.now());
    expect(io.stdout()).toContain(`to ${path} (mode 0600)`);
    expect(io.stdout() + io.stderr()).not.toContain(stored.refreshToken);
    expect(io.stdout() + io.stderr()).not.toContain(emulator.credentials.clientSecret);
    const token = await new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials: new FileCredentialsStore(path), grant: 'refresh_token' }).fetchAccessToken();
    expect(token.value).not.toBe('');
    expect(token.refreshTokenAgeDays).toBe(0);
  });

  it('asks for the consent with the playlist scopes, a 127.0.0.1 redirect URI and a fresh state', async () => {
    // Prepare
    const io = cli();
    // Act
    const exit = main(['auth', 'login', '--port', '0', '--credentials', 'secrets/spotify.json'], io);
    const url = new URL(await authorizeUrl(io));
    io.stop();
    // Assess
    expect(await exit).toBe(130);
    expect(url.searchParams.get('scope')).toBe('playlist-read-private playlist-read-collaborative');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get('state')).toMatch(/^[0-9a-f]{32}$/);
    await expect(stat(join(dir, 'secrets', 'spotify.json'))).rejects.toThrow();
  });

  it('fails with exit status 1 and stores nothing when the callback carries another state', async () => {
    // Prepare
    const io = cli();
    // Act
    const exit = main(['auth', 'login', '--port', '0'], io);
    const redirectUri = new URL(await authorizeUrl(io)).searchParams.get('redirect_uri') ?? '';
    const forged = await fetch(`${redirectUri}?code=stolen&state=not-the-one-sent`);
    // Assess
    expect(await exit).toBe(1);
    expect(forged.status).toBe(400);
    expect(io.stderr()).toContain('different `state` than the one sent');
    await expect(stat(join(dir, 'lake', '.state', 'credentials.json'))).rejects.toThrow();
  });

  it('fails with exit status 1 saying to agree when the owner declines', async () => {
    // Prepare
    const io = cli();
    // Act
    const exit = main(['auth', 'login', '--port', '0'], io);
    const url = new URL(await authorizeUrl(io));
    await fetch(`${url.searchParams.get('redirect_uri') ?? ''}?error=access_denied&state=${url.searchParams.get('state') ?? ''}`);
    // Assess
    expect(await exit).toBe(1);
    expect(io.stderr()).toContain('Spotify did not grant consent (access_denied)');
  });

  it('fails with exit status 1 naming the settings when the client secret is wrong', async () => {
    // Prepare
    const io = cli({ SPOTIFY_CLIENT_ID: emulator.credentials.clientId, SPOTIFY_CLIENT_SECRET: 'not-the-secret', SPOTIFY_ACCOUNTS_BASE_URL: emulator.accountsBaseUrl });
    // Act
    const exit = main(['auth', 'login', '--port', '0'], io);
    const browser = await fetch(await authorizeUrl(io));
    // Assess
    expect(await exit).toBe(1);
    expect(browser.status).toBe(502);
    expect(io.stderr()).toContain('invalid_client');
    expect(io.stderr()).not.toContain('not-the-secret');
  });

  it('fails with the usage and exit status 2 when the app credentials are not in the environment', async () => {
    // Prepare
    const io = cli({ SPOTIFY_CLIENT_ID: 'id' });
    // Act
    const exit = await main(['auth', 'login'], io);
    // Assess
    expect(exit).toBe(2);
    expect(io.stderr()).toContain('auth login needs SPOTIFY_CLIENT_SECRET in the environment');
  });
});
