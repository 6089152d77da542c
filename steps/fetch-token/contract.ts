/** FetchToken: trades the stored credentials for an access token and leaves it in the token cache. */
import * as t from 'io-ts';
import { ErrorName } from '../../core/errors';
import { executionRequestsStem } from '../../core/lake/keys';
import { defineStep } from '../../core/step';

/**
 * The execution's name, where its token requests are counted (absent in payloads of definitions
 * before requests were counted: then they are not stored). The credentials come from the
 * credentials store, never from the payload.
 */
export const FetchTokenInput = t.exact(t.partial({ executionName: t.string }));
export type FetchTokenInput = t.TypeOf<typeof FetchTokenInput>;

/**
 * When the cached token expires (ISO 8601), and with the refresh_token grant the refresh token's
 * age in whole days (core/reconsent.ts): the token itself never enters a state payload.
 */
export const FetchTokenOutput = t.intersection([t.type({ expiresAt: t.string }), t.partial({ refreshTokenAgeDays: t.number })]);
export type FetchTokenOutput = t.TypeOf<typeof FetchTokenOutput>;

/** The metric the re-consent alarm watches (infra/alerts.ts), by stateName FetchToken. */
export const refreshTokenAgeMetric = 'RefreshTokenAgeDays';

/** The FetchToken step. */
export const fetchToken = defineStep({
  stateName: 'FetchToken',
  dir: 'fetch-token',
  input: FetchTokenInput,
  output: FetchTokenOutput,
  errors: [
    ErrorName.SpotifyAuth,
    ErrorName.SpotifyReauthRequired,
    ErrorName.SpotifyRateLimited,
    ErrorName.SpotifyThrottled,
    ErrorName.SpotifyUnavailable,
    ErrorName.AwsUnavailable,
    ErrorName.StorageUnavailable,
  ],
  timeoutSeconds: 60,
  // Reads the credentials, keeps a rotated refresh token and dates an undated one; leaves the new
  // access token in the cache; stores its token requests as the invocation's own count (raw/requests/).
  resources: { spotify: { credentials: 'readWrite', tokenCache: 'write' }, lake: { write: ['raw/requests/'] } },
  requestsStem: (input, stateName) => (input.executionName === undefined ? undefined : executionRequestsStem(input.executionName, stateName)),
  metricsOf: (output) =>
    output.refreshTokenAgeDays === undefined ? [] : [{ name: refreshTokenAgeMetric, unit: 'None', value: output.refreshTokenAgeDays }],
});
