/** The Spotify app's credentials in a Secrets Manager secret: the CredentialsStore port. */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tryDecode } from '../../core/decode';
import { SpotifyAuthError } from '../../core/errors';
import type { CredentialsStore, SpotifyCredentials } from '../../core/ports';
import { credentialsFromStored, StoredCredentials } from '../../core/secrets';
import { JsonSecret } from './secrets-manager-secret';

const howToStore = (secretId: string): string =>
  `store it with: aws secretsmanager put-secret-value --secret-id ${secretId} ` +
  `--secret-string '{"clientId":"...","clientSecret":"...","refreshToken":"..."}' (see docs/deploy.md)`;

/** Reads the credentials from one secret and keeps a rotated refresh token in it. */
export class SecretsManagerCredentialsStore implements CredentialsStore {
  private readonly secret: JsonSecret;

  /** `secretId` is SPOTIFY_CREDENTIALS_SECRET_ID. */
  public constructor(sm: SecretsManagerClient, secretId: string) {
    this.secret = new JsonSecret(sm, secretId);
  }

  /** The stored credentials; a missing, non-JSON or incomplete secret is a SpotifyAuthError saying how to fix it. */
  public async read(): Promise<SpotifyCredentials> {
    return credentialsFromStored(await this.readSecret());
  }

  /** Writes the merged JSON back, so the client id and secret stay as they were. */
  public async saveRefreshToken(refreshToken: string, firstSeen: Date): Promise<void> {
    const stored = await this.readSecret();
    await this.secret.write({ ...stored, refreshToken, refreshTokenFirstSeen: firstSeen.toISOString() });
  }

  /** Adds the date to the secret's JSON only while it holds `refreshToken` and no valid date. */
  public async recordRefreshTokenFirstSeen(refreshToken: string, firstSeen: Date): Promise<void> {
    const stored = await this.readSecret();
    if (stored.refreshToken !== refreshToken || credentialsFromStored(stored).refreshTokenFirstSeen !== undefined) return;
    await this.secret.write({ ...stored, refreshTokenFirstSeen: firstSeen.toISOString() });
  }

  private async readSecret(): Promise<StoredCredentials> {
    const id = this.secret.secretId;
    const read = await this.secret.read();
    if (read.kind === 'missing') throw new SpotifyAuthError(`the Spotify credentials secret ${id} has no value; ${howToStore(id)}`);
    if (read.kind === 'notJson') throw new SpotifyAuthError(`the Spotify credentials secret ${id} is not JSON; ${howToStore(id)}`);
    const decoded = tryDecode(StoredCredentials, read.value);
    // The problem lines name paths and JSON types only, never values.
    if (!decoded.ok) {
      throw new SpotifyAuthError(
        `the Spotify credentials secret ${id} is incomplete (${decoded.problems.join('; ')}); ${howToStore(id)}`,
      );
    }
    return decoded.value;
  }
}
