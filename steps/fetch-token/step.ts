/** FetchToken's logic: a fresh access token into the cache; only its expiry and the refresh token's age leave the step. */
import type { SpotifyAuth, TokenCache } from '../../core/ports';
import type { FetchTokenInput, FetchTokenOutput } from './contract';

/** What FetchToken needs: the token endpoint and the cache the extraction steps read. */
export interface FetchTokenDeps {
  readonly auth: SpotifyAuth;
  readonly tokens: TokenCache;
}

/** Fetches an access token, caches it, and returns when it expires and how old the refresh token is. */
export const runFetchToken =
  (deps: FetchTokenDeps) =>
  async (_input: FetchTokenInput): Promise<FetchTokenOutput> => {
    const { value, expiresAt, refreshTokenAgeDays } = await deps.auth.fetchAccessToken();
    await deps.tokens.write({ value, expiresAt });
    return { expiresAt: expiresAt.toISOString(), ...(refreshTokenAgeDays === undefined ? {} : { refreshTokenAgeDays }) };
  };
