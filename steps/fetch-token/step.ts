/** FetchToken's logic: a fresh access token into the cache; only its expiry leaves the step. */
import type { SpotifyAuth, TokenCache } from '../../core/ports';
import type { FetchTokenInput, FetchTokenOutput } from './contract';

/** What FetchToken needs: the token endpoint and the cache the extraction steps read. */
export interface FetchTokenDeps {
  readonly auth: SpotifyAuth;
  readonly tokens: TokenCache;
}

/** Fetches an access token, caches it, and returns when it expires. */
export const runFetchToken =
  (deps: FetchTokenDeps) =>
  async (_input: FetchTokenInput): Promise<FetchTokenOutput> => {
    const token = await deps.auth.fetchAccessToken();
    await deps.tokens.write(token);
    return { expiresAt: token.expiresAt.toISOString() };
  };
