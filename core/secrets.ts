/**
 * The JSON the two Spotify secrets hold, wherever they are kept (Secrets Manager in AWS, 0600
 * files locally): one shape each, so a secret written by one store reads back in the other.
 */
import * as t from 'io-ts';
import { tryDecode } from './decode';
import type { AccessToken } from './ports';

/** The credentials secret: `{"clientId": "...", "clientSecret": "...", "refreshToken": "..."}`. */
export const StoredCredentials = t.intersection([
  t.type({ clientId: t.string, clientSecret: t.string }),
  t.partial({ refreshToken: t.string }),
]);
export type StoredCredentials = t.TypeOf<typeof StoredCredentials>;

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
