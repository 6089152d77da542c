/**
 * The Spotify Web API behind the SpotifyApi port, over Node's HTTP client (http-send.ts). Reads the access token from the
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
import type { PlaylistItemsPage, PlaylistMetadata } from '../../core/spotify/codecs';
import { playlistEndpoint, playlistItemsEndpoint, type Endpoint } from './endpoints';
import { httpSettings, requestJson, webApiErrorOf, type HttpOptions, type HttpSettings, type JsonResponse } from './http';

export { maxPageSize, playlistFields } from './endpoints';

/** A token this close to its expiry is treated as expired, so it cannot lapse mid-request. */
const expiryMarginMs = 60_000;

/** Tokens from the cache one request tries after a 401, besides the one it renews itself. */
const maxTokenReplacements = 3;

/** Options of {@link HttpSpotifyApi}. */
export interface HttpSpotifyApiOptions extends HttpOptions {
  /** `https://api.spotify.com/v1`, or the emulator's. */
  readonly apiBaseUrl: string;
  readonly tokens: TokenCache;
  readonly auth: SpotifyAuth;
  /** @default the system clock */
  readonly clock?: Clock;
}

/** HttpSpotifyApi: the Web API endpoints (adapters/spotify/endpoints.ts), with retries, one token refresh and named errors. */
export class HttpSpotifyApi implements SpotifyApi {
  private readonly settings: HttpSettings;
  private readonly baseUrl: string;
  private token: AccessToken | undefined;
  private renewal: Promise<AccessToken> | undefined;

  public constructor(private readonly options: HttpSpotifyApiOptions) {
    // Both calls have a Wait state after them (MetadataReady, MorePages): a Retry-After the
    // client does not sit out goes to the machine as SpotifyRateLimitedError with its wait.
    this.settings = { ...httpSettings(options), waitState: true };
    this.baseUrl = options.apiBaseUrl.replace(/\/+$/, '');
  }

  public async getPlaylist(playlistId: string): Promise<Fetched<PlaylistMetadata>> {
    return this.request(playlistEndpoint(playlistId));
  }

  // ExtractItems hands a SpotifyRateLimitedError's wait to the machine's WaitRetryAfter state.
  public async getItemsPage(playlistId: string, offset: number, limit: number): Promise<Fetched<PlaylistItemsPage>> {
    return this.request(playlistItemsEndpoint(playlistId, offset, limit));
  }

  /** Sends any endpoint's GET with the cached token, renews it once on a 401, and names every failure. */
  private async request<C extends t.Mixed>(endpoint: Endpoint<C>): Promise<Fetched<t.TypeOf<C>>> {
    const context = endpoint.doing;
    const send = async (token: AccessToken): Promise<JsonResponse> =>
      requestJson(
        {
          method: 'GET',
          url: `${this.baseUrl}${endpoint.path}`,
          headers: { authorization: `Bearer ${token.value}`, accept: 'application/json' },
          searchParams: { ...endpoint.query },
        },
        this.settings,
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
        value: decodeOrThrow(endpoint.codec, response.json, (problems) =>
          new UpstreamSchemaChangedError(
            `Spotify's answer while ${context} no longer has the expected shape: ${problems.join('; ')}. The Web API changed; update core/spotify/codecs.ts.`,
          ),
        ),
      };
    }
    if (response.status === 403) throw new SpotifyForbiddenError(withStatus(endpoint.forbidden, `403${this.said(response)}`));
    if (response.status === 404) throw new SpotifyNotFoundError(withStatus(endpoint.notFound, `404${this.said(response)}`));
    throw new UpstreamSchemaChangedError(
      `Spotify answered HTTP ${response.status}${this.said(response)} while ${context}: the Web API no longer accepts this request; update adapters/spotify/endpoints.ts.`,
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

/** Puts the status after the message's first clause: `Spotify refused playlist x (403: "…"): …`. */
const withStatus = (message: string, status: string): string => message.replace(/^([^:]*):/, `$1 (${status}):`);
