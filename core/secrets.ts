/**
 * The JSON the two Spotify secrets hold, wherever they are kept (Secrets Manager in AWS, 0600
 * files locally): one shape each, so a secret written by one store reads back in the other.
 */
import * as t from 'io-ts';
import { tryDecode } from './decode';
import type { AccessToken, SpotifyCredentials } from './ports';

/**
 * The credentials secret: `{"clientId": "...", "clientSecret": "...", "refreshToken": "...",
 * "refreshTokenFirstSeen": "2026-11-20T06:00:00.000Z"}`; the last two are optional (the
 * client_credentials grant has no refresh token; older secrets have no date).
 */
export const StoredCredentials = t.intersection([
  t.type({ clientId: t.string, clientSecret: t.string }),
  t.partial({ refreshToken: t.string, refreshTokenFirstSeen: t.string }),
]);
export type StoredCredentials = t.TypeOf<typeof StoredCredentials>;

/**
 * The credentials a secret's JSON holds; a first-seen date that is not a date reads as none, so
 * the next FetchToken records one instead of failing the run.
 * @example credentialsFromStored({ clientId: 'id', clientSecret: 's', refreshToken: 'r', refreshTokenFirstSeen: '2026-11-20T06:00:00.000Z' }).refreshTokenFirstSeen // Date
 */
export const credentialsFromStored = (stored: StoredCredentials): SpotifyCredentials => {
  const firstSeen = stored.refreshTokenFirstSeen === undefined ? undefined : new Date(stored.refreshTokenFirstSeen);
  return {
    clientId: stored.clientId,
    clientSecret: stored.clientSecret,
    refreshToken: stored.refreshToken,
    refreshTokenFirstSeen: firstSeen === undefined || Number.isNaN(firstSeen.getTime()) ? undefined : firstSeen,
  };
};

/**
 * The secret's JSON of `credentials`: the date as ISO 8601, absent fields left out.
 * @example storedCredentials({ clientId: 'id', clientSecret: 's' }) // { clientId: 'id', clientSecret: 's' }
 */
export const storedCredentials = (credentials: SpotifyCredentials): StoredCredentials => ({
  clientId: credentials.clientId,
  clientSecret: credentials.clientSecret,
  ...(credentials.refreshToken === undefined ? {} : { refreshToken: credentials.refreshToken }),
  ...(credentials.refreshTokenFirstSeen === undefined ? {} : { refreshTokenFirstSeen: credentials.refreshTokenFirstSeen.toISOString() }),
});

/** The token cache secret: `{"accessToken": "...", "expiresAt": "2026-11-20T06:00:00.000Z"}`. */
export const StoredToken = t.type({ accessToken: t.string, expiresAt: t.string });
export type StoredToken = t.TypeOf<typeof StoredToken>;

/**
 * The access token in a token cache's JSON, or undefined when it holds none usable (malformed,
 * a placeholder, an expiry that is not a date): a miss means "fetch a new one".
 * @example tokenFromStored({ accessToken: 'BQD…', expiresAt: '2026-11-20T07:00:00.000Z' }) // { value: 'BQD…', expiresAt: Date }
 */
export const tokenFromStored = (json: unknown): AccessToken | undefined => {
  const decoded = tryDecode(StoredToken, json);
  if (!decoded.ok) return undefined;
  const expiresAt = new Date(decoded.value.expiresAt);
  return Number.isNaN(expiresAt.getTime()) ? undefined : { value: decoded.value.accessToken, expiresAt };
};

/**
 * The token cache's JSON of `token`.
 * @example storedToken({ value: 'BQD…', expiresAt: new Date('2026-11-20T07:00:00Z') }) // { accessToken: 'BQD…', expiresAt: '2026-11-20T07:00:00.000Z' }
 */
export const storedToken = (token: AccessToken): StoredToken => ({ accessToken: token.value, expiresAt: token.expiresAt.toISOString() });
