/** Hand-written fakes behind the token ports, and a client wired to a running emulator. */
import { HttpSpotifyApi, type HttpSpotifyApiOptions } from '../../../adapters/spotify/http-spotify-api';
import type { RetryLogger } from '../../../adapters/spotify/http';
import type { RunningEmulator } from '../../../adapters/spotify/emulator/server';
import { SpotifyTokenClient, type SpotifyGrant } from '../../../adapters/spotify/spotify-token-client';
import { firstCursor, readItemsPages } from '../../../core/extract';
import type { AccessToken, CredentialsStore, Fetched, SpotifyApi, SpotifyCredentials, TokenCache } from '../../../core/ports';
import type { PlaylistItemsPage, PlaylistMetadata } from '../../../core/spotify/codecs';

/** A token cache in memory that remembers every token written to it. */
export class MemoryTokenCache implements TokenCache {
  public readonly written: AccessToken[] = [];
  public constructor(private current?: AccessToken) {}
  public async read(): Promise<AccessToken | undefined> {
    return this.current;
  }
  public async write(token: AccessToken): Promise<void> {
    this.current = token;
    this.written.push(token);
  }
}

/** Credentials in memory; records every refresh token saved and every write. */
export class MemoryCredentialsStore implements CredentialsStore {
  public readonly saved: string[] = [];
  public writes = 0;
  public constructor(private credentials: SpotifyCredentials) {}
  public async read(): Promise<SpotifyCredentials> {
    return this.credentials;
  }
  public async saveRefreshToken(refreshToken: string, firstSeen: Date): Promise<void> {
    this.credentials = { ...this.credentials, refreshToken, refreshTokenFirstSeen: firstSeen };
    this.saved.push(refreshToken);
    this.writes += 1;
  }
  public async recordRefreshTokenFirstSeen(refreshToken: string, firstSeen: Date): Promise<void> {
    if (this.credentials.refreshToken !== refreshToken || this.credentials.refreshTokenFirstSeen !== undefined) return;
    this.credentials = { ...this.credentials, refreshTokenFirstSeen: firstSeen };
    this.writes += 1;
  }
}

/** A logger that keeps every line it was given, as it would be printed. */
export class RecordingLogger implements RetryLogger {
  public readonly lines: string[] = [];
  public warn(message: string, attributes: Record<string, unknown>): void {
    this.lines.push(JSON.stringify({ message, ...attributes }));
  }
}

/** Retry delays and Retry-After waits are recorded, not slept, so tests never sit in timers. */
export const recordingSleep = (): { waits: number[]; sleep: (ms: number) => Promise<void> } => {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
};

/** A HttpSpotifyApi on the emulator with in-memory token ports; overrides go to the client. */
export const clientFor = (
  emulator: RunningEmulator,
  { grant = 'refresh_token', credentials: stored, ...overrides }: Partial<HttpSpotifyApiOptions> & { grant?: SpotifyGrant; credentials?: SpotifyCredentials } = {},
) => {
  const credentials = new MemoryCredentialsStore(stored ?? emulator.credentials);
  const tokens = new MemoryTokenCache();
  const logger = new RecordingLogger();
  const { waits, sleep } = recordingSleep();
  const auth = new SpotifyTokenClient({ accountsBaseUrl: emulator.accountsBaseUrl, credentials, grant, sleep });
  const api = new HttpSpotifyApi({
    apiBaseUrl: emulator.apiBaseUrl,
    tokens,
    auth,
    sleep,
    logger,
    retry: { baseDelayMs: 1, maxDelayMs: 5, requestTimeoutMs: 2_000 },
    ...overrides,
  });
  return { api, auth, credentials, tokens, logger, waits };
};

/** The id of the emulator's playlist called `name`. */
export const playlistNamed = (emulator: RunningEmulator, name: string): string => {
  const found = emulator.playlists.find((playlist) => playlist.name === name);
  if (!found) throw new Error(`the emulator serves no playlist named ${name}`);
  return found.id;
};

/** A playlist's metadata and all its pages, read as GetPlaylist and ExtractItems do; a wait for a Wait state fails. */
export const readWhole = async (
  api: SpotifyApi,
  playlistId: string,
  pageSize = 50,
): Promise<{ playlist: Fetched<PlaylistMetadata>; pages: Fetched<PlaylistItemsPage>[] }> => {
  const playlist = await api.getPlaylist(playlistId);
  const pages: Fetched<PlaylistItemsPage>[] = [];
  const progress = await readItemsPages(api, playlistId, firstCursor(playlist.value), {
    pageSize,
    maxPages: Number.POSITIVE_INFINITY,
    onPage: async (_offset, page) => void pages.push(page),
  });
  if (progress.next !== null) throw new Error(`reading playlist ${playlistId} stopped to wait ${progress.waitSeconds ?? 0} s`);
  return { playlist, pages };
};
