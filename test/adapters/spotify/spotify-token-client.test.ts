import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SpotifyTokenClient } from '../../../adapters/spotify/spotify-token-client';
import { SpotifyAuthError, SpotifyRateLimitedError, SpotifyReauthRequiredError, SpotifyThrottledError, UpstreamSchemaChangedError } from '../../../core/errors';
import { emulatorWith } from '../../support/emulator';
import { runFetchToken } from '../../../steps/fetch-token/step';
import { MemoryCredentialsStore, MemoryTokenCache, RecordingLogger, recordingSleep } from './support';

const now = new Date('2026-11-20T06:00:00Z');
const clock = { now: () => now };

/** A token endpoint on 127.0.0.1 that answers with the given statuses and bodies in turn. */
const scriptedTokenServer = async (answers: { status: number; body: unknown }[]) => {
  let calls = 0;
  const server = createServer((_req, res) => {
    const answer = answers[Math.min(calls, answers.length - 1)] ?? { status: 500, body: {} };
    calls += 1;
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};

/** A token client (5 s sat out in-process, 3 waits per request) against an emulator that answers every token request 429 with `retryAfter`. */
const tokenClientAnswered429 = async (retryAfter: number) => {
  const emulator = await emulatorWith({ faults: `429=1,retry-after=${retryAfter}` });
  const { waits, sleep } = recordingSleep();
  const auth = new SpotifyTokenClient({
    accountsBaseUrl: emulator.accountsBaseUrl,
    credentials: new MemoryCredentialsStore(emulator.credentials),
    grant: 'refresh_token',
    maxInProcessWaitSeconds: 5,
    maxRateLimitWaits: 3,
    sleep,
  });
  return { auth, waits };
};

describe('SpotifyTokenClient', () => {
  it('trades the refresh token for an access token that expires when Spotify says', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const client = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials: new MemoryCredentialsStore(emulator.credentials), grant: 'refresh_token', clock });
    // Act
    const token = await client.fetchAccessToken();
    // Assess
    expect(token.value.length).toBeGreaterThan(20);
    expect(token.expiresAt).toEqual(new Date('2026-11-20T07:00:00Z'));
    expect(emulator.stats().tokenRequests).toBe(1);
  });

  it('accepts the lower-case token type of the client-credentials grant', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { clientId, clientSecret } = emulator.credentials;
    const client = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials: new MemoryCredentialsStore({ clientId, clientSecret }), grant: 'client_credentials' });
    // Act
    const token = await client.fetchAccessToken();
    // Assess
    expect(token.value).not.toBe('');
  });

  it('keeps a rotated refresh token, without which the next refresh would fail', async () => {
    // Prepare
    const emulator = await emulatorWith({ rotateRefreshTokens: true });
    const credentials = new MemoryCredentialsStore(emulator.credentials);
    const client = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials, grant: 'refresh_token' });
    const stale = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials: new MemoryCredentialsStore(emulator.credentials), grant: 'refresh_token' });
    // Act
    await client.fetchAccessToken();
    await client.fetchAccessToken();
    const staleError = await stale.fetchAccessToken().catch((caught: unknown) => caught);
    // Assess
    expect(credentials.saved).toHaveLength(2);
    expect(new Set([emulator.credentials.refreshToken, ...credentials.saved]).size).toBe(3);
    expect(staleError).toBeInstanceOf(SpotifyReauthRequiredError);
  });

  it('dates a stored refresh token that has no first-seen date the first time it is used, and only then', async () => {
    // Prepare: credentials stored before the date was kept
    const emulator = await emulatorWith();
    const credentials = new MemoryCredentialsStore(emulator.credentials);
    let today = now;
    const client = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials, grant: 'refresh_token', clock: { now: () => today } });
    // Act
    const first = await client.fetchAccessToken();
    today = new Date('2026-12-01T06:00:00Z');
    const later = await client.fetchAccessToken();
    // Assess
    expect(first.refreshTokenAgeDays).toBe(0);
    expect(later.refreshTokenAgeDays).toBe(11);
    expect(await credentials.read()).toEqual({ ...emulator.credentials, refreshTokenFirstSeen: now });
    expect(credentials.writes).toBe(1);
  });

  it('keeps the stored refresh token and its date when Spotify answers without a new one', async () => {
    // Prepare: a token consented to 170 days ago
    const emulator = await emulatorWith();
    const consented = new Date('2026-06-03T06:00:00Z');
    const credentials = new MemoryCredentialsStore({ ...emulator.credentials, refreshTokenFirstSeen: consented });
    const client = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials, grant: 'refresh_token', clock });
    // Act
    const token = await client.fetchAccessToken();
    // Assess
    expect(token.refreshTokenAgeDays).toBe(170);
    expect(await credentials.read()).toEqual({ ...emulator.credentials, refreshTokenFirstSeen: consented });
    expect(credentials.writes).toBe(0);
  });

  it('starts the age again from a refresh token Spotify rotated', async () => {
    // Prepare
    const emulator = await emulatorWith({ rotateRefreshTokens: true });
    const credentials = new MemoryCredentialsStore({ ...emulator.credentials, refreshTokenFirstSeen: new Date('2026-05-01T00:00:00Z') });
    const client = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials, grant: 'refresh_token', clock });
    // Act
    const token = await client.fetchAccessToken();
    // Assess
    const stored = await credentials.read();
    expect(token.refreshTokenAgeDays).toBe(0);
    expect(stored.refreshToken).not.toBe(emulator.credentials.refreshToken);
    expect(stored.refreshTokenFirstSeen).toEqual(now);
  });

  it('reports no refresh token age and stores nothing for the client credentials grant', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { clientId, clientSecret } = emulator.credentials;
    const credentials = new MemoryCredentialsStore({ clientId, clientSecret });
    const client = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials, grant: 'client_credentials' });
    // Act
    const token = await client.fetchAccessToken();
    // Assess
    expect(token.refreshTokenAgeDays).toBeUndefined();
    expect(credentials.writes).toBe(0);
  });

  it("absorbs the emulator's 429, 500, 503, resets and timeouts at the token endpoint in FetchToken's retries", async () => {
    // Prepare
    const emulator = await emulatorWith({ faults: '429=0.15,500=0.15,503=0.15,reset=0.15,timeout=0.1,retry-after=1', seed: 3 });
    const logger = new RecordingLogger();
    const { waits, sleep } = recordingSleep();
    const auth = new SpotifyTokenClient({
      accountsBaseUrl: emulator.accountsBaseUrl,
      credentials: new MemoryCredentialsStore(emulator.credentials),
      grant: 'refresh_token',
      retry: { attempts: 10, baseDelayMs: 1, maxDelayMs: 5, requestTimeoutMs: 500 },
      maxRateLimitWaits: 10,
      sleep,
      logger,
    });
    const tokens = new MemoryTokenCache();
    // Act
    const fetched = [];
    for (let run = 0; run < 12; run += 1) fetched.push(await runFetchToken({ auth, tokens })({}));
    // Assess
    expect(fetched).toHaveLength(12);
    expect(tokens.written).toHaveLength(12);
    const failures = logger.lines.map((line) => (JSON.parse(line) as { failure?: string }).failure).filter((failure) => failure !== undefined);
    expect(failures).toEqual(expect.arrayContaining(['HTTP 500', 'HTTP 503', 'connection failed (ECONNRESET)', 'no answer within 500 ms']));
    expect(waits.filter((ms) => ms === 1000).length).toBeGreaterThan(0);
    expect(emulator.stats().tokenRequests).toBeGreaterThan(12);
  });

  it('fails the token request with SpotifyRateLimitedError only after sitting out every short Retry-After, since no Wait state follows FetchToken and the retrier may retry at once', async () => {
    // Prepare
    const { auth, waits } = await tokenClientAnswered429(2);
    // Act
    const error = await auth.fetchAccessToken().catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyRateLimitedError);
    expect((error as SpotifyRateLimitedError).retryAfterSeconds).toBe(2);
    expect(waits).toEqual([2000, 2000, 2000, 2000]);
  });

  it('fails the token request with SpotifyThrottledError when Retry-After is beyond the in-process wait', async () => {
    // Prepare
    const { auth, waits } = await tokenClientAnswered429(60);
    // Act
    const error = await auth.fetchAccessToken().catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyThrottledError);
    expect(error).toMatchObject({ retryAfterSeconds: 60, quotaExceeded: false });
    expect(waits).toEqual([]);
  });

  it('uses the refresh token another Lambda rotated in after this one read the old one', async () => {
    // Prepare: B read the credentials secret, then A refreshed and Spotify rotated the token
    const emulator = await emulatorWith({ rotateRefreshTokens: true });
    const shared = new MemoryCredentialsStore(emulator.credentials);
    const snapshot = await shared.read();
    let reads = 0;
    const seenByB = {
      read: async () => (++reads === 1 ? snapshot : shared.read()),
      saveRefreshToken: async (token: string, firstSeen: Date) => shared.saveRefreshToken(token, firstSeen),
      recordRefreshTokenFirstSeen: async (token: string, firstSeen: Date) => shared.recordRefreshTokenFirstSeen(token, firstSeen),
    };
    const a = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials: shared, grant: 'refresh_token' });
    const b = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials: seenByB, grant: 'refresh_token' });
    await a.fetchAccessToken();
    // Act
    const token = await b.fetchAccessToken();
    // Assess
    expect(token.value).not.toBe('');
    expect(reads).toBe(2);
    expect(shared.saved).toHaveLength(2);
    expect(emulator.stats().tokenRequests).toBe(3);
  });

  it('fails with SpotifyReauthRequiredError saying to consent again when the refresh token is refused', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const revoked = 'revoked-refresh-token-value';
    const client = new SpotifyTokenClient({
      accountsBaseUrl: emulator.accountsBaseUrl,
      credentials: new MemoryCredentialsStore({ ...emulator.credentials, refreshToken: revoked }),
      grant: 'refresh_token',
    });
    // Act
    const error = await client.fetchAccessToken().catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyReauthRequiredError);
    expect((error as Error).message).toContain('invalid_grant');
    expect((error as Error).message).toContain('spotify-etl auth login');
    expect((error as Error).message).toContain('docs/operations.md#re-consent');
    expect((error as Error).message).not.toContain(revoked);
    expect((error as Error).message).not.toContain('\n');
    expect(emulator.stats().tokenRequests).toBe(1);
  });

  it('fails with SpotifyReauthRequiredError after one token request when the owner revoked the consent, and stores nothing', async () => {
    // Prepare
    const emulator = await emulatorWith();
    emulator.revokeConsent();
    const credentials = new MemoryCredentialsStore(emulator.credentials);
    const client = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials, grant: 'refresh_token' });
    // Act
    const error = await client.fetchAccessToken().catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyReauthRequiredError);
    expect((error as Error).message).toMatch(/^Spotify refused the stored refresh token \(invalid_grant: Refresh token revoked\)/);
    expect(emulator.stats().tokenRequests).toBe(1);
    expect(credentials.writes).toBe(0);
  });

  it('says invalid_grant in one line even when the server describes it over several, and never retries it', async () => {
    // Prepare
    const server = await scriptedTokenServer([{ status: 400, body: { error: 'invalid_grant', error_description: 'Refresh token\nexpired\r\n  after six months' } }]);
    const client = new SpotifyTokenClient({
      accountsBaseUrl: server.url,
      credentials: new MemoryCredentialsStore({ clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' }),
      grant: 'refresh_token',
    });
    try {
      // Act
      const error = await client.fetchAccessToken().catch((caught: unknown) => caught);
      // Assess
      expect(error).toBeInstanceOf(SpotifyReauthRequiredError);
      expect((error as Error).message).toMatch(/^Spotify refused the stored refresh token \(invalid_grant: Refresh token expired after six months\); [^\n]+docs\/operations\.md#re-consent\.$/);
      expect(server.calls()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('fails with SpotifyReauthRequiredError when no refresh token is stored', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { clientId, clientSecret } = emulator.credentials;
    const client = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials: new MemoryCredentialsStore({ clientId, clientSecret }), grant: 'refresh_token' });
    // Act
    const error = await client.fetchAccessToken().catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyReauthRequiredError);
    expect(emulator.stats().tokenRequests).toBe(0);
  });

  it('fails with SpotifyAuthError naming the settings to check when the client secret is wrong', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const client = new SpotifyTokenClient({
      accountsBaseUrl: emulator.accountsBaseUrl,
      credentials: new MemoryCredentialsStore({ ...emulator.credentials, clientSecret: 'wrong-secret-value' }),
      grant: 'refresh_token',
    });
    // Act
    const error = await client.fetchAccessToken().catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(SpotifyAuthError);
    expect((error as Error).message).toContain('invalid_client');
    expect((error as Error).message).toContain('SPOTIFY_CLIENT_SECRET');
    expect((error as Error).message).not.toContain('wrong-secret-value');
  });

  it('retries the token request, a POST, when the accounts service answers 503', async () => {
    // Prepare
    const server = await scriptedTokenServer([
      { status: 503, body: {} },
      { status: 200, body: { access_token: 'fresh', token_type: 'Bearer', expires_in: 3600 } },
    ]);
    const { waits, sleep } = recordingSleep();
    const client = new SpotifyTokenClient({
      accountsBaseUrl: server.url,
      credentials: new MemoryCredentialsStore({ clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' }),
      grant: 'refresh_token',
      sleep,
    });
    try {
      // Act
      const token = await client.fetchAccessToken();
      // Assess
      expect(token.value).toBe('fresh');
      expect(server.calls()).toBe(2);
      expect(waits).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('fails with UpstreamSchemaChangedError when the token is not a Bearer token', async () => {
    // Prepare
    const server = await scriptedTokenServer([{ status: 200, body: { access_token: 'fresh', token_type: 'MAC', expires_in: 3600 } }]);
    const client = new SpotifyTokenClient({
      accountsBaseUrl: server.url,
      credentials: new MemoryCredentialsStore({ clientId: 'id', clientSecret: 'secret' }),
      grant: 'client_credentials',
    });
    try {
      // Act
      const error = await client.fetchAccessToken().catch((caught: unknown) => caught);
      // Assess
      expect(error).toBeInstanceOf(UpstreamSchemaChangedError);
      expect((error as Error).message).toContain('"MAC"');
    } finally {
      await server.close();
    }
  });
});
