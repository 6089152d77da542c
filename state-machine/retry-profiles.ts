/**
 * How long the machine waits before retrying each transient error. Spotify waits stay short
 * (long ones fail the run as throttled instead); a busy crawler gets minutes.
 */
import { ErrorName } from '../core/errors';

/** One retrier's timing: first interval, growth per attempt, cap and number of attempts. */
export interface RetryProfile {
  readonly intervalSeconds: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number;
  readonly maxAttempts: number;
}

/** The profile of every error whose policy is `retry` (core/errors.ts). */
export const retryProfiles: Partial<Record<ErrorName, RetryProfile>> = {
  // Full jitter may retry at once, so no Retry-After is honoured here: the Spotify clients throw
  // this from GetPlaylist and FetchToken only after sitting out a short Retry-After themselves
  // (longer ones are throttled), and ExtractItems turns it into the WaitRetryAfter state instead.
  [ErrorName.SpotifyRateLimited]: { intervalSeconds: 5, backoffRate: 2, maxDelaySeconds: 60, maxAttempts: 4 },
  [ErrorName.SpotifyUnavailable]: { intervalSeconds: 3, backoffRate: 2, maxDelaySeconds: 60, maxAttempts: 4 },
  // A playlist edited while it was paged is read again from its metadata; editors rarely keep at it.
  [ErrorName.PlaylistChanged]: { intervalSeconds: 30, backoffRate: 2, maxDelaySeconds: 300, maxAttempts: 3 },
  [ErrorName.StorageUnavailable]: { intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 30, maxAttempts: 4 },
  [ErrorName.AwsUnavailable]: { intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 30, maxAttempts: 4 },
  // Someone else's crawl of the same crawler usually ends within minutes.
  [ErrorName.CrawlerBusy]: { intervalSeconds: 60, backoffRate: 1.5, maxDelaySeconds: 300, maxAttempts: 8 },
};

/** The profile of a retried error; a retry-policy error without one is a bug found at synth time. */
export const retryProfileOf = (name: ErrorName): RetryProfile => {
  const profile = retryProfiles[name];
  if (!profile) throw new Error(`${name} has policy "retry" in core/errors.ts but no entry in state-machine/retry-profiles.ts`);
  return profile;
};
