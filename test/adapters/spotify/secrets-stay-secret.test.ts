import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HttpSpotifyApi } from '../../../adapters/spotify/http-spotify-api';
import { startEmulator } from '../../../adapters/spotify/emulator/server';
import { SpotifyTokenClient } from '../../../adapters/spotify/spotify-token-client';
import { clientFor, MemoryCredentialsStore, MemoryTokenCache, readWhole, RecordingLogger } from './support';

/** Everything a person or a log could see of an error: message, stack, inspection (with causes) and JSON. */
const visible = (error: unknown): string =>
  [String(error), (error as Error).stack ?? '', inspect(error, { depth: 20, showHidden: true }), JSON.stringify(error) ?? ''].join('\n');

/** A token endpoint whose answers carry a token the client must not repeat: cut short, or mistyped. */
const leakyTokenServer = async (accessToken: string) => {
  const bodies = [
    JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: 3600 }).slice(0, 40),
    JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: 'soon' }),
  ];
  let call = 0;
  const server = createServer((_req, res) => {
    const body = bodies[call < 2 ? 0 : 1] ?? '';
    call += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(resolve)) };
};

describe('secrets in a faulty run', () => {
  it('never appear in a log line, an error message, a stack or a cause', async () => {
    // Prepare
    const emulator = await startEmulator({ faults: '429=0.1,500=0.1,reset=0.05,truncate=0.1,expire-token=0.1,retry-after=1', rotateRefreshTokens: true, seed: 2 });
    const leakedToken = 'access-token-that-must-not-leak-0123456789';
    const leaky = await leakyTokenServer(leakedToken);
    const wrongSecret = 'a-wrong-client-secret-value';
    const revokedRefreshToken = 'a-revoked-refresh-token-value';
    const { api, tokens, credentials, logger } = clientFor(emulator, { retry: { attempts: 3, baseDelayMs: 1 } });
    const errors: unknown[] = [];
    const attempt = async (work: () => Promise<unknown>) => work().catch((error: unknown) => void errors.push(error));
    const auth = (accountsBaseUrl: string, stored: { clientSecret?: string; refreshToken?: string }) =>
      new SpotifyTokenClient({
        accountsBaseUrl,
        credentials: new MemoryCredentialsStore({ ...emulator.credentials, ...stored }),
        grant: 'refresh_token',
        retry: { attempts: 2, baseDelayMs: 1 },
        logger,
      });
    const truncatedLogger = new RecordingLogger();
    try {
      // Act
      for (const id of emulator.playlistIds) await attempt(() => readWhole(api, id));
      for (const playlist of emulator.playlists.filter((p) => !p.readable)) await attempt(() => api.getItemsPage(playlist.id, 0, 50));
      await attempt(() => api.getPlaylist('deleted-playlist'));
      await attempt(() => auth(emulator.accountsBaseUrl, { clientSecret: wrongSecret }).fetchAccessToken());
      await attempt(() => auth(emulator.accountsBaseUrl, { refreshToken: revokedRefreshToken }).fetchAccessToken());
      await attempt(() => auth(leaky.url, {}).fetchAccessToken());
      await attempt(() => auth(leaky.url, {}).fetchAccessToken());
      await attempt(() =>
        new HttpSpotifyApi({ apiBaseUrl: emulator.apiBaseUrl, tokens: new MemoryTokenCache(), auth: auth(leaky.url, {}), logger: truncatedLogger }).getPlaylist('x'),
      );
      // Assess
      const secrets = [
        emulator.credentials.clientSecret,
        emulator.credentials.refreshToken ?? '',
        ...credentials.saved,
        ...tokens.written.map((token) => token.value),
        leakedToken,
        leakedToken.slice(0, 20),
        wrongSecret,
        revokedRefreshToken,
      ];
      const seen = [...errors.map(visible), ...logger.lines, ...truncatedLogger.lines].join('\n');
      expect(errors.map((error) => (error as Error).name)).toEqual(
        expect.arrayContaining(['SpotifyForbiddenError', 'SpotifyNotFoundError', 'SpotifyAuthError', 'SpotifyReauthRequiredError', 'SpotifyUnavailableError', 'UpstreamSchemaChangedError']),
      );
      expect(credentials.saved.length).toBeGreaterThan(0);
      expect(tokens.written.length).toBeGreaterThan(1);
      expect(logger.lines.length).toBeGreaterThan(5);
      for (const secret of secrets) expect(seen.includes(secret), `a secret of ${secret.length} characters leaked`).toBe(false);
    } finally {
      await leaky.close();
      await emulator.close();
    }
  });
});
