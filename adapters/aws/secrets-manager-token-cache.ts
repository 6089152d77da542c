/** The current Spotify access token in a Secrets Manager secret: the TokenCache port. */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AccessToken, TokenCache } from '../../core/ports';
import { storedToken, tokenFromStored } from '../../core/secrets';
import { JsonSecret } from './secrets-manager-secret';

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
    return read.kind === 'json' ? tokenFromStored(read.value) : undefined;
  }

  /** Replaces the cached token. */
  public async write(token: AccessToken): Promise<void> {
    await this.secret.write(storedToken(token));
  }
}
