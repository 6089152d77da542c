import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { HttpSpotifyApi } from '../../../adapters/spotify/http-spotify-api';
import {
  SpotifyAuthError,
  SpotifyForbiddenError,
  SpotifyNotFoundError,
  SpotifyRateLimitedError,
  SpotifyThrottledError,
  SpotifyUnavailableError,
  UpstreamSchemaChangedError,
} from '../../../core/errors';
import { emulatorWith } from '../../support/emulator';
import { SpotifyTokenClient } from '../../../adapters/spotify/spotify-token-client';
import { clientFor, MemoryCredentialsStore, MemoryTokenCache, playlistNamed, readWhole } from './support';

const entriesOf = (whole: Awaited<ReturnType<typeof readWhole>>): number =>
  whole.pages.reduce((sum, page) => sum + page.value.items.length, 0);

describe('HttpSpotifyApi over the emulator', () => {
  it.each([
    ['Empty for now', 0, [0]],
    ['Just one', 1, [0]],
    ['Exactly fifty', 50, [0]],
    ['Fifty-one', 51, [0, 50]],
    ['Everything, ever', 1000, Array.from({ length: 20 }, (_, i) => i * 50)],
  ])('reads the playlist "%s" of %i entries whole, page by page', async (name, total, offsets) => {
    // Prepare
    const emulator = await emulatorWith();
    const { api } = clientFor(emulator);
    // Act
    const whole = await readWhole(api, playlistNamed(emulator, name));
    // Assess
    expect(entriesOf(whole)).toBe(total);
    expect(whole.pages.map((page) => page.value.offset)).toEqual(offsets);
    expect(whole.pages.every((page) => page.value.total === total)).toBe(true);
    expect(JSON.parse(Buffer.from(whole.pages[0]?.body ?? '{}').toString())).toEqual(whole.pages[0]?.value);
  });

  it('asks for the playlist metadata fields only, with the entry count', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { api } = clientFor(emulator);
    // Act
    const playlist = await api.getPlaylist(playlistNamed(emulator, 'Fifty-one'));
    // Assess
    expect(Object.keys(JSON.parse(Buffer.from(playlist.body).toString())).sort()).toEqual(
      ['collaborative', 'description', 'id', 'items', 'name', 'owner', 'public', 'snapshot_id'].sort(),
    );
    expect(playlist.value.items).toEqual({ total: 51 });
    expect(playlist.value.owner).toEqual({ id: 'emulator-user', display_name: 'Émile Émulateur' });
  });

  it('fetches one access token for a whole read and reuses it from the cache', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { api, tokens } = clientFor(emulator);
    // Act
    await readWhole(api, playlistNamed(emulator, 'Road trip, 2026 — ça va "loud"'));
    // Assess
    expect(emulator.stats().tokenRequests).toBe(1);
    expect(tokens.written).toHaveLength(1);
  });

  it('waits out a short Retry-After in-process and still reads the playlist whole', async () => {
    // Prepare
    const emulator = await emulatorWith({ faults: '429=0.3,retry-after=2', seed: 7 });
    const { api, waits } = clientFor(emulator);
    // Act
    const whole = await readWhole(api, playlistNamed(emulator, 'Everything, ever'));
    // Assess
    expect(entriesOf(whole)).toBe(1000);
    expect(emulator.stats().faultsInjected).toBeGreaterThan(0);
    expect(waits.filter((ms) => ms === 2000)).toHaveLength(emulator.stats().faultsInjected);
  });

  it.each([
    // Every answer a 429 with Retry-After 5 s, which the client sits out in process, on its own timers
    ['stops sitting out a Retry-After', '429=1,retry-after=5', { sleep: undefined }],
    // Spotify never answers; the client would wait 10 s for the answer
    ['ends the request in flight as stopped, not as a failed try,', 'timeout=1', { retry: { attempts: 1, requestTimeoutMs: 10_000 } }],
  ] as const)('%s and sends nothing more once its signal aborts (a stopped local run)', async (_, faults, overrides) => {
    // Prepare
    const emulator = await emulatorWith({ faults, tokenFaults: false });
    const stop = new AbortController();
    const { api } = clientFor(emulator, { signal: stop.signal, ...overrides });
    const read = api.getPlaylist(playlistNamed(emulator, 'Just one'));
    while (emulator.stats().apiRequests < 1) await sleep(5);
    // Act
    stop.abort();
    const outcome = await Promise.race([read.then(() => 'answered', (error: unknown) => (error as Error).name), sleep(2_500).then(() => 'still waiting')]);
    // Assess
    expect(outcome).toBe('AbortError');
    expect(emulator.stats().apiRequests).toBe(1);
  });

  it('fails with SpotifyRateLimitedError carrying the wait when Retry-After is too long to wait in-process but fits a Wait state', async () => {
    // Prepare: 8 s is more than the client sits out (5 s), and no more than a Wait state takes by default (10 s)
    const emulator = await emulatorWith({ faults: '429=1,retry-after=8', tokenFaults: false });
    const { api, waits } = clientFor(emulator, { maxInProcessWaitSeconds: 5 });
    const id = playlistNamed(emulator, 'Fifty-one');
    // Act
    const error = await api.getItemsPage(id, 50, 50).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyRateLimitedError);
    expect((error as SpotifyRateLimitedError).retryAfterSeconds).toBe(8);
    expect((error as Error).message).toContain(`playlist ${id} at offset 50`);
    expect(waits).toEqual([]);
  });

  it('fails with SpotifyThrottledError, saying when to resume, when Retry-After is longer than a Wait state takes by default', async () => {
    // Prepare: 11 s is one second past the default cap of the playlist child's Wait states
    const emulator = await emulatorWith({ faults: '429=1,retry-after=11', tokenFaults: false });
    const { api } = clientFor(emulator, { maxInProcessWaitSeconds: 5 });
    // Act
    const error = await api.getItemsPage(playlistNamed(emulator, 'Just one'), 0, 50).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyThrottledError);
    expect(error).toMatchObject({ retryAfterSeconds: 11, quotaExceeded: false });
    expect((error as Error).message).toContain('[resume after 11 s]');
  });

  it('fails with SpotifyThrottledError when Retry-After is longer than a run waits', async () => {
    // Prepare
    const emulator = await emulatorWith({ faults: '429=1,retry-after=7200', tokenFaults: false });
    const { api } = clientFor(emulator, { maxStateMachineWaitSeconds: 900 });
    // Act
    const error = await api.getItemsPage(playlistNamed(emulator, 'Just one'), 0, 50).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyThrottledError);
    expect(error).toMatchObject({ retryAfterSeconds: 7200, quotaExceeded: false });
    expect((error as Error).message).toContain('2 h 0 min');
  });

  it('hands a metadata Retry-After beyond the in-process wait to the machine as SpotifyRateLimitedError, which MetadataReady waits out', async () => {
    // Prepare
    const emulator = await emulatorWith({ faults: '429=1,retry-after=60', tokenFaults: false });
    const { api, waits } = clientFor(emulator, { maxInProcessWaitSeconds: 5, maxStateMachineWaitSeconds: 900 });
    const id = playlistNamed(emulator, 'Just one');
    // Act
    const error = await api.getPlaylist(id).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyRateLimitedError);
    expect((error as SpotifyRateLimitedError).retryAfterSeconds).toBe(60);
    expect((error as Error).message).toContain(`reading playlist ${id} and asks to wait 60 s`);
    expect(waits).toEqual([]);
  });

  it('fails with SpotifyThrottledError marked as quota when Spotify answers QUOTA_EXCEEDED', async () => {
    // Prepare
    const emulator = await emulatorWith({ quota: { maxRequests: 2, retryAfterSeconds: 86_400 } });
    const { api, waits } = clientFor(emulator);
    const id = playlistNamed(emulator, 'Everything, ever');
    // Act
    const error = await readWhole(api, id).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyThrottledError);
    expect(error).toMatchObject({ retryAfterSeconds: 86_400, quotaExceeded: true });
    expect((error as Error).message).toMatch(/QUOTA_EXCEEDED.*24 h 0 min/);
    expect(waits).toEqual([]);
  });

  it('retries 500, 503, connection resets and timeouts, and still reads the playlist whole', async () => {
    // Prepare
    const emulator = await emulatorWith({ faults: '500=0.1,503=0.1,reset=0.1,timeout=0.05', seed: 9, tokenFaults: false });
    const { api, logger } = clientFor(emulator, { retry: { attempts: 8, baseDelayMs: 1, maxDelayMs: 5, requestTimeoutMs: 600 } });
    // Act
    const whole = await readWhole(api, playlistNamed(emulator, 'Everything, ever'));
    // Assess
    expect(entriesOf(whole)).toBe(1000);
    const failures = logger.lines.map((line) => (JSON.parse(line) as { failure: string }).failure);
    expect(failures).toEqual(expect.arrayContaining(['HTTP 500', 'HTTP 503', 'connection failed (ECONNRESET)', 'no answer within 600 ms']));
    // A loaded machine may time out a healthy answer too, never fewer retries than faults.
    expect(failures.length).toBeGreaterThanOrEqual(emulator.stats().faultsInjected);
  });

  it('fails with SpotifyUnavailableError after its tries when Spotify keeps answering 503', async () => {
    // Prepare
    const emulator = await emulatorWith({ faults: '503=1', tokenFaults: false });
    const { api } = clientFor(emulator, { retry: { attempts: 3, baseDelayMs: 1 } });
    const id = playlistNamed(emulator, 'Just one');
    // Act
    const error = await api.getItemsPage(id, 0, 50).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyUnavailableError);
    expect((error as Error).message).toContain(`playlist ${id}`);
    expect((error as Error).message).toContain('3 tries failed, the last with HTTP 503');
    expect(emulator.stats().apiRequests).toBe(3);
  });

  it('retries a truncated JSON body and still reads the playlist whole', async () => {
    // Prepare
    const emulator = await emulatorWith({ faults: 'truncate=0.25', seed: 5 });
    const { api } = clientFor(emulator, { retry: { attempts: 6, baseDelayMs: 1 } });
    // Act
    const whole = await readWhole(api, playlistNamed(emulator, 'Road trip, 2026 — ça va "loud"'));
    // Assess
    expect(entriesOf(whole)).toBe(250);
    expect(emulator.stats().faultsInjected).toBeGreaterThan(0);
  });

  it('fails with SpotifyUnavailableError, not a crash, when every body arrives truncated', async () => {
    // Prepare
    const emulator = await emulatorWith({ faults: 'truncate=1', tokenFaults: false });
    const { api } = clientFor(emulator, { retry: { attempts: 3, baseDelayMs: 1 } });
    // Act
    const error = await api.getPlaylist(playlistNamed(emulator, 'Just one')).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyUnavailableError);
    expect((error as Error).message).toMatch(/3 tries failed, the last with incomplete JSON body \(\d+ bytes\)/);
  });

  it('gets a new token once when Spotify answers 401 mid-way, and keeps reading', async () => {
    // Prepare
    const emulator = await emulatorWith({ faults: 'expire-token=0.15', seed: 11 });
    const { api, tokens } = clientFor(emulator);
    // Act
    const whole = await readWhole(api, playlistNamed(emulator, 'Everything, ever'));
    // Assess
    expect(entriesOf(whole)).toBe(1000);
    expect(emulator.stats().faultsInjected).toBeGreaterThan(0);
    expect(emulator.stats().tokenRequests).toBe(emulator.stats().faultsInjected + 1);
    expect(tokens.written).toHaveLength(emulator.stats().tokenRequests);
  });

  it('replaces an expired token from the cache before asking Spotify', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { api, tokens } = clientFor(emulator, { tokens: new MemoryTokenCache({ value: 'stale', expiresAt: new Date(Date.now() - 1000) }) });
    // Act
    await api.getPlaylist(playlistNamed(emulator, 'Just one'));
    // Assess
    expect(emulator.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 1 });
    expect(tokens.written).toHaveLength(0);
  });

  it('on a 401 takes the token another Lambda renewed meanwhile from the cache instead of renewing it again', async () => {
    // Prepare: the cache held a token Spotify no longer accepts; another Lambda renewed it after this one read it
    const emulator = await emulatorWith();
    const renewed = await new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials: new MemoryCredentialsStore(emulator.credentials), grant: 'refresh_token' }).fetchAccessToken();
    const refused = { value: 'revoked-access-token', expiresAt: new Date(Date.now() + 3_600_000) };
    const cached = [refused, renewed];
    const tokens = { read: async () => cached.shift() ?? renewed, write: async () => expect.unreachable('no token is written') };
    const { api } = clientFor(emulator, { tokens });
    // Act
    const playlist = await api.getPlaylist(playlistNamed(emulator, 'Just one'));
    // Assess
    expect(playlist.value.items).toEqual({ total: 1 });
    expect(emulator.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 2 });
  });

  it('renews once for requests that Spotify refused together', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const tokens = new MemoryTokenCache({ value: 'revoked-access-token', expiresAt: new Date(Date.now() + 3_600_000) });
    const { api } = clientFor(emulator, { tokens });
    // Act
    await Promise.all(['Just one', 'Fifty-one', 'Empty for now'].map(async (name) => api.getPlaylist(playlistNamed(emulator, name))));
    // Assess
    expect(emulator.stats()).toMatchObject({ tokenRequests: 1, apiRequests: 6 });
    expect(tokens.written).toHaveLength(1);
  });

  it('fails with SpotifyAuthError when Spotify refuses a freshly issued token too', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const api = new HttpSpotifyApi({
      apiBaseUrl: emulator.apiBaseUrl,
      tokens: new MemoryTokenCache(),
      auth: { fetchAccessToken: async () => ({ value: 'not-a-token-spotify-issued', expiresAt: new Date(Date.now() + 3_600_000) }) },
    });
    // Act
    const error = await api.getPlaylist(playlistNamed(emulator, 'Just one')).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyAuthError);
    expect((error as Error).message).toContain('spotify-etl auth login');
    expect(emulator.stats().apiRequests).toBe(2);
  });

  it('fails with SpotifyForbiddenError naming the playlist when the user neither owns nor collaborates on it', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { api } = clientFor(emulator);
    const id = emulator.playlists.find((playlist) => !playlist.readable)?.id ?? '';
    // Act
    const metadata = await api.getPlaylist(id);
    const error = await api.getItemsPage(id, 0, 50).catch((caught: unknown) => caught);
    // Assess
    expect(metadata.value.items?.total).toBe(20);
    expect(error).toBeInstanceOf(SpotifyForbiddenError);
    expect((error as Error).message).toContain(`playlist ${id}`);
    expect((error as Error).message).toContain('neither owns nor collaborates');
  });

  it('fails with SpotifyForbiddenError for a client-credentials token, which reads no playlist contents', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { api } = clientFor(emulator, { grant: 'client_credentials' });
    const id = playlistNamed(emulator, 'Just one');
    // Act
    const error = await api.getItemsPage(id, 0, 50).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyForbiddenError);
    expect((error as Error).message).toContain('client-credentials token');
  });

  it('fails with SpotifyNotFoundError naming the playlist when it does not exist or is Spotify-owned', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { api } = clientFor(emulator);
    // Act
    const error = await api.getPlaylist('37i9dQZF1DXcBWIGoYBM5M').catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyNotFoundError);
    expect((error as Error).message).toContain('playlist 37i9dQZF1DXcBWIGoYBM5M');
    expect((error as Error).message).toContain('Spotify-owned');
  });

  it('fails with RangeError before asking Spotify for more than 50 entries per page', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { api } = clientFor(emulator);
    // Act
    const error = await api.getItemsPage('any', 0, 100).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(RangeError);
    expect(emulator.stats().apiRequests).toBe(0);
  });

  it('fails with UpstreamSchemaChangedError naming the JSON path when a page no longer decodes', async () => {
    // Prepare: a server answering a page whose `items` is not a list
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ href: 'x', items: 'none', limit: 50, offset: 0, total: 1 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = new HttpSpotifyApi({
      apiBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      tokens: new MemoryTokenCache({ value: 'token', expiresAt: new Date(Date.now() + 3_600_000) }),
      auth: { fetchAccessToken: async () => ({ value: 'token', expiresAt: new Date(Date.now() + 3_600_000) }) },
    });
    try {
      // Act
      const error = await api.getItemsPage('p1', 0, 50).catch((caught: unknown) => caught);
      // Assess
      expect(error).toBeInstanceOf(UpstreamSchemaChangedError);
      expect((error as Error).message).toContain('$.items: expected');
      expect((error as Error).message).toContain('playlist p1');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
