/** The current Spotify access token in a Secrets Manager secret: the TokenCache port. */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as t from 'io-ts';
import { tryDecode } from '../../core/decode';
import type { AccessToken, TokenCache } from '../../core/ports';
import { JsonSecret } from './secrets-manager-secret';

/** The secret's JSON: `{"accessToken": "...", "expiresAt": "2026-11-20T06:00:00.000Z"}`. */
export const TokenCacheSecret = t.type({ accessToken: t.string, expiresAt: t.string });
/** The secret's JSON. */
export type TokenCacheSecret = t.TypeOf<typeof TokenCacheSecret>;

/** FetchToken writes the token here and the extraction steps read it: it never enters a state payload. */
export class SecretsManagerTokenCache implements TokenCache {
  private readonly secret: JsonSecret;

  /** `secretId` is SPOTIFY_TOKEN_CACHE_SECRET_ID. */
  public constructor(sm: SecretsManagerClient, secretId: string) {
    this.secret = new JsonSecret(sm, secretId);
  }

  /**
   * The cached token, or undefined when there is none usable: the secret has no value yet,
   * still holds the placeholder it was created with, or is malformed. A miss means "fetch a new one".
   */
  public async read(): Promise<AccessToken | undefined> {
    const read = await this.secret.read();
    if (read.kind !== 'json') return undefined;
    const decoded = tryDecode(TokenCacheSecret, read.value);
    if (!decoded.ok) return undefined;
    const expiresAt = new Date(decoded.value.expiresAt);
    if (Number.isNaN(expiresAt.getTime())) return undefined;
    return { value: decoded.value.accessToken, expiresAt };
  }

  /** Replaces the cached token. */
  public async write(token: AccessToken): Promise<void> {
    await this.secret.write({ accessToken: token.value, expiresAt: token.expiresAt.toISOString() } satisfies TokenCacheSecret);
  }
}
