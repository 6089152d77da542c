/**
 * The Spotify Web API behind the SpotifyApi port, over got. Reads the access token from the
 * token cache (FetchToken put it there), gets a new one once on a 401, decodes every body with
 * the core codecs and turns every failure into a named error that says which playlist and what
 * to do (docs/spotify-api.md §2–3).
 */
import type * as t from 'io-ts';
import { decodeOrThrow } from '../../core/decode';
import {
  SpotifyAuthError,
  SpotifyForbiddenError,
  SpotifyNotFoundError,
  UpstreamSchemaChangedError,
} from '../../core/errors';
import type { AccessToken, Clock, Fetched, SpotifyApi, SpotifyAuth, TokenCache } from '../../core/ports';
import { PlaylistItemsPage, PlaylistMetadata } from '../../core/spotify/codecs';
import { httpSettings, requestJson, webApiErrorOf, type HttpOptions, type HttpSettings, type JsonResponse } from './http';

/** The playlist fields extraction keeps: metadata and the entry count, not the embedded page. */
export const playlistFields =
  'id,name,description,public,collaborative,snapshot_id,owner(id,display_name),items(total),tracks(total)';

/** Spotify's maximum `limit` for playlist items. */
export const maxPageSize = 50;

/** A token this close to its expiry is treated as expired, so it cannot lapse mid-request. */
const expiryMarginMs = 60_000;

/** Tokens from the cache one request tries after a 401, besides the one it renews itself. */
const maxTokenReplacements = 3;

/** Options of {@link GotSpotifyApi}. */
export interface GotSpotifyApiOptions extends HttpOptions {
  /** `https://api.spotify.com/v1`, or the emulator's. */
  readonly apiBaseUrl: string;
  readonly tokens: TokenCache;
  readonly auth: SpotifyAuth;
  /** @default the system clock */
  readonly clock?: Clock;
}

/** GotSpotifyApi: the two calls extraction makes, with retries, one token refresh and named errors. */
export class GotSpotifyApi implements SpotifyApi {
  private readonly settings: HttpSettings;
  private readonly baseUrl: string;
  private token: AccessToken | undefined;
  private renewal: Promise<AccessToken> | undefined;

  public constructor(private readonly options: GotSpotifyApiOptions) {
    // Both calls have a Wait state after them (MetadataReady, MorePages): a Retry-After the
    // client does not sit out goes to the machine as SpotifyRateLimitedError with its wait.
    this.settings = { ...httpSettings(options), waitState: true };
    this.baseUrl = options.apiBaseUrl.replace(/\/+$/, '');
  }

  public async getPlaylist(playlistId: string): Promise<Fetched<PlaylistMetadata>> {
    return this.get(
      `/playlists/${encodeURIComponent(playlistId)}`,
      { fields: playlistFields, additional_types: 'track,episode' },
      PlaylistMetadata,
      playlistId,
      `reading playlist ${playlistId}`,
      this.settings,
    );
  }

  public async getItemsPage(playlistId: string, offset: number, limit: number): Promise<Fetched<PlaylistItemsPage>> {
    if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
      throw new RangeError(`A playlist items page holds 1 to ${maxPageSize} entries (Spotify's limit); ${limit} was asked for.`);
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new RangeError(`A playlist items offset is a whole number ≥ 0; ${offset} was asked for.`);
    }
    return this.get(
      `/playlists/${encodeURIComponent(playlistId)}/items`,
      { offset: String(offset), limit: String(limit), additional_types: 'track,episode' },
      PlaylistItemsPage,
      playlistId,
      `reading the items of playlist ${playlistId} at offset ${offset}`,
      // ExtractItems hands a SpotifyRateLimitedError's wait to the machine's WaitRetryAfter state.
      this.settings,
    );
  }

  private async get<C extends t.Mixed>(
    path: string,
    searchParams: Record<string, string>,
    codec: C,
    playlistId: string,
    context: string,
    settings: HttpSettings,
  ): Promise<Fetched<t.TypeOf<C>>> {
    const send = async (token: AccessToken): Promise<JsonResponse> =>
      requestJson(
        { method: 'GET', url: `${this.baseUrl}${path}`, headers: { authorization: `Bearer ${token.value}`, accept: 'application/json' }, searchParams },
        settings,
        context,
      );
    let token = await this.accessToken();
    let response = await send(token);
    const refused = new Set<string>();
    let renewed = false;
    while (response.status === 401) {
      refused.add(token.value);
      const replacement = await this.replaceRefusedToken(refused, renewed);
      if (replacement === undefined) {
        throw new SpotifyAuthError(
          `Spotify refused a freshly issued access token while ${context} (401${this.said(response)}): check the app's client id and secret, or run \`spotify-etl auth login\` again.`,
        );
      }
      ({ token, renewed } = replacement);
      response = await send(token);
    }
    if (response.status === 200) {
      return {
        body: response.body,
        value: decodeOrThrow(codec, response.json, (problems) =>
          new UpstreamSchemaChangedError(
            `Spotify's answer while ${context} no longer has the expected shape: ${problems.join('; ')}. The Web API changed; update core/spotify/codecs.ts.`,
          ),
        ),
      };
    }
    if (response.status === 403) {
      throw new SpotifyForbiddenError(
        `Spotify refused playlist ${playlistId} (403${this.said(response)}): the consenting account neither owns nor collaborates on it, or the endpoint is not open to this app (a client-credentials token reads no playlist contents). Remove it from the playlist list, or have its owner run \`spotify-etl auth login\`.`,
      );
    }
    if (response.status === 404) {
      throw new SpotifyNotFoundError(
        `Spotify has no playlist ${playlistId} (404${this.said(response)}): it was deleted, or it is Spotify-owned (editorial or algorithmic), which apps can no longer read. Remove it from the playlist list.`,
      );
    }
    throw new UpstreamSchemaChangedError(
      `Spotify answered HTTP ${response.status}${this.said(response)} while ${context}: the Web API no longer accepts this request; update adapters/spotify/got-spotify-api.ts.`,
    );
  }

  private said(response: JsonResponse): string {
    const { message } = webApiErrorOf(response.json);
    return message ? `: "${message}"` : '';
  }

  private usable(token: AccessToken | undefined): token is AccessToken {
    const now = (this.options.clock?.now() ?? new Date()).getTime();
    return token !== undefined && token.expiresAt.getTime() - expiryMarginMs > now;
  }

  /** The cached token while it is valid; otherwise a new one, written back to the cache. */
  private async accessToken(): Promise<AccessToken> {
    if (this.usable(this.token)) return this.token;
    const cached = await this.options.tokens.read();
    if (this.usable(cached)) {
      this.token = cached;
      return cached;
    }
    return this.renewAccessToken();
  }

  /**
   * The token to try after Spotify refused those in `refused`, or undefined when there is none.
   * Another Lambda (or another request of this one) may have renewed the token already: the cache
   * is read again, and a new token is fetched, once per request, only when the cache holds none
   * not yet refused. Renewals in this process share one token request. What remains racy: two
   * Lambdas that both read the refused token before either wrote a new one both renew (each then
   * uses its own token, both valid; SpotifyTokenClient copes with a refresh token rotated
   * meanwhile, see there).
   */
  private async replaceRefusedToken(
    refused: ReadonlySet<string>,
    renewed: boolean,
  ): Promise<{ token: AccessToken; renewed: boolean } | undefined> {
    const cached = await this.options.tokens.read();
    // Bounded: the cache holds a token not tried yet only when a renewal happened meanwhile.
    if (cached !== undefined && !refused.has(cached.value) && this.usable(cached) && refused.size <= maxTokenReplacements) {
      this.token = cached;
      return { token: cached, renewed };
    }
    return renewed ? undefined : { token: await this.renewAccessToken(), renewed: true };
  }

  private renewAccessToken(): Promise<AccessToken> {
    this.renewal ??= (async () => {
      try {
        const token = await this.options.auth.fetchAccessToken();
        await this.options.tokens.write(token);
        this.token = token;
        return token;
      } finally {
        this.renewal = undefined;
      }
    })();
    return this.renewal;
  }
}
