/**
 * The refresh token's life: Spotify refuses a refresh token about six months after the owner's
 * consent (`invalid_grant`, docs/spotify-api.md §1), so the pipeline warns two weeks before.
 * One definition of the numbers, read by FetchToken's metric, the CloudWatch alarm
 * (infra/alerts.ts) and the local run's summary.
 */

/** Days from consent until Spotify refuses the refresh token: six months, taken at their longest stretch of 182 days. */
export const refreshTokenLifetimeDays = 182;

/** How long before that the owner is warned: time to find them and have them click "Agree". */
export const reconsentNoticeDays = 14;

/** The age in days from which the alarm fires and the local summary warns: 182 − 14 = 168. */
export const reconsentWarningAgeDays = refreshTokenLifetimeDays - reconsentNoticeDays;

/** The runbook section a re-consent message points at. */
export const reconsentRunbook = 'docs/operations.md#re-consent';

const dayMs = 86_400_000;

/**
 * Whole days since the refresh token was first seen (never negative, should clocks disagree).
 * @example refreshTokenAgeDays(new Date('2026-05-01T00:00:00Z'), new Date('2026-11-20T06:00:00Z')) // 203
 */
export const refreshTokenAgeDays = (firstSeen: Date, now: Date): number => Math.max(0, Math.floor((now.getTime() - firstSeen.getTime()) / dayMs));

/** Whether a refresh token of this age is due for re-consent: the alarm's and the summary's one rule. */
export const reconsentDue = (ageDays: number): boolean => ageDays >= reconsentWarningAgeDays;

/**
 * The one-line warning for a refresh token due for re-consent.
 * @example reconsentWarning(170) // 'the Spotify refresh token is 170 days old; Spotify refuses it about 182 days after consent: …'
 */
export const reconsentWarning = (ageDays: number): string =>
  `the Spotify refresh token is ${ageDays} days old; Spotify refuses it about ${refreshTokenLifetimeDays} days after consent: ` +
  `run \`spotify-etl auth login\` as the playlists' owner before then (${reconsentRunbook})`;
