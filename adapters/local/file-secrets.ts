/**
 * The local stand-ins for Secrets Manager (DESIGN §7): the Spotify credentials and the access
 * token cache as JSON files readable by their owner only (0600), in a 0700 folder, by default
 * `<lake>/.state/`. Writes go to a temporary file that is renamed over the old one, so a reader
 * never sees half a secret.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tryDecode } from '../../core/decode';
import { SpotifyAuthError } from '../../core/errors';
import type { AccessToken, CredentialsStore, SpotifyCredentials, TokenCache } from '../../core/ports';
import { credentialsFromStored, StoredCredentials, storedCredentials, storedToken, tokenFromStored } from '../../core/secrets';

/** The folder below the lake that holds local secrets and state. */
export const stateDir = (lakeRoot: string): string => join(lakeRoot, '.state');

/** Where `auth login` stores the credentials by default: `<lake>/.state/credentials.json`. */
export const credentialsPath = (lakeRoot: string): string => join(stateDir(lakeRoot), 'credentials.json');

/** Where FetchToken leaves the access token locally: `<lake>/.state/token-cache.json`. */
export const tokenCachePath = (lakeRoot: string): string => join(stateDir(lakeRoot), 'token-cache.json');

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** Writes `text` to `path` as a 0600 file, atomically (temporary file, then rename). */
export const writeSecretFile = async (path: string, text: string): Promise<void> => {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600, flag: 'wx' });
    // The umask may have masked bits off, never added any; chmod makes 0600 exact either way.
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};

/**
 * The Spotify app credentials and the owner's refresh token in a 0600 JSON file
 * (`{"clientId","clientSecret","refreshToken","refreshTokenFirstSeen"}`). A file others can read is refused, like ssh does.
 */
export class FileCredentialsStore implements CredentialsStore {
  public constructor(private readonly path: string) {}

  public async read(): Promise<SpotifyCredentials> {
    let text: string;
    try {
      const { mode } = await stat(this.path);
      if ((mode & 0o077) !== 0) {
        throw new SpotifyAuthError(
          `The Spotify credentials file ${this.path} can be read by other users (mode ${(mode & 0o777).toString(8)}): run \`chmod 600 ${this.path}\` and try again.`,
        );
      }
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (!isMissing(error)) throw error;
      throw new SpotifyAuthError(
        `No Spotify credentials at ${this.path}: run \`spotify-etl auth login\` (with SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET set) to create them.`,
      );
    }
    // JSON.parse messages quote the text around the mistake, which could be a secret: never pass them on.
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SpotifyAuthError(`The Spotify credentials file ${this.path} is not valid JSON: run \`spotify-etl auth login\` to write it again.`);
    }
    const decoded = tryDecode(StoredCredentials, json);
    if (!decoded.ok) {
      throw new SpotifyAuthError(
        `The Spotify credentials file ${this.path} is not in the expected shape (${decoded.problems.join('; ')}): run \`spotify-etl auth login\` to write it again.`,
      );
    }
    return credentialsFromStored(decoded.value);
  }

  /** Replaces the whole file with `credentials`. */
  public async write(credentials: SpotifyCredentials): Promise<void> {
    await writeSecretFile(this.path, `${JSON.stringify(storedCredentials(credentials), null, 2)}\n`);
  }

  public async saveRefreshToken(refreshToken: string, firstSeen: Date): Promise<void> {
    await this.write({ ...(await this.read()), refreshToken, refreshTokenFirstSeen: firstSeen });
  }

  /** Adds the date only while the file holds `refreshToken` and no date (see the port). */
  public async recordRefreshTokenFirstSeen(refreshToken: string, firstSeen: Date): Promise<void> {
    const stored = await this.read();
    if (stored.refreshToken !== refreshToken || stored.refreshTokenFirstSeen !== undefined) return;
    await this.write({ ...stored, refreshTokenFirstSeen: firstSeen });
  }

  /** Where the credentials live, for messages such as "saved to …". */
  public get location(): string {
    return this.path;
  }
}

/**
 * The current access token in a 0600 JSON file. The cache is disposable: a missing or unreadable
 * file reads as "no token", and the client fetches a new one.
 */
export class FileTokenCache implements TokenCache {
  public constructor(private readonly path: string) {}

  public async read(): Promise<AccessToken | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      return tokenFromStored(JSON.parse(text));
    } catch {
      return undefined;
    }
  }

  public async write(token: AccessToken): Promise<void> {
    await writeSecretFile(this.path, `${JSON.stringify(storedToken(token))}\n`);
  }
}
