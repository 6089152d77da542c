/**
 * The one table of error names, and below it the one table of what the state machine does with
 * each (catch, or retry with which timing). Error classes set `name` from it, and the state
 * machine takes its Retry and Catch lists from it, so a thrown error and the state that handles it can never
 * disagree on a spelling. Step Functions matches on `error.name` (the Lambda runtime reports it
 * as `errorType`); no name may start with `States.`.
 */
export const ErrorName = {
  InvalidInput: 'InvalidInputError',
  InvalidStepInput: 'InvalidStepInputError',
  UpstreamSchemaChanged: 'UpstreamSchemaChangedError',
  SpotifyAuth: 'SpotifyAuthError',
  SpotifyReauthRequired: 'SpotifyReauthRequiredError',
  SpotifyForbidden: 'SpotifyForbiddenError',
  SpotifyNotFound: 'SpotifyNotFoundError',
  SpotifyRateLimited: 'SpotifyRateLimitedError',
  SpotifyThrottled: 'SpotifyThrottledError',
  SpotifyUnavailable: 'SpotifyUnavailableError',
  PlaylistChanged: 'PlaylistChangedError',
  StorageUnavailable: 'StorageUnavailableError',
  AwsUnavailable: 'AwsUnavailableError',
  CrawlerBusy: 'CrawlerBusyError',
  CrawlerFailed: 'CrawlerFailedError',
  CrawlerTimeout: 'CrawlerTimeoutError',
  QueryFailed: 'QueryFailedError',
  ValidationFailed: 'ValidationFailedError',
  DateInUse: 'DateInUseError',
  ReportNotWritten: 'ReportNotWrittenError',
} as const;
export type ErrorName = (typeof ErrorName)[keyof typeof ErrorName];

/**
 * What a Distributed Map fails with on AWS when one of its child executions fails (it tolerates
 * none): the child's own error stays in the child. The local executor passes the child's error on
 * instead, so only NotifyFailure on AWS meets this name (steps/notify-failure/step.ts).
 */
export const mapRunFailedError = 'States.ExceedToleratedFailureThreshold';

/**
 * What a call to the Spotify Web API may throw once the client has spent its own retries: the
 * errors every step that reads a playlist declares.
 */
export const spotifyCallErrors = [
  ErrorName.SpotifyAuth,
  ErrorName.SpotifyReauthRequired,
  ErrorName.SpotifyForbidden,
  ErrorName.SpotifyNotFound,
  ErrorName.SpotifyRateLimited,
  ErrorName.SpotifyThrottled,
  ErrorName.SpotifyUnavailable,
] as const satisfies readonly ErrorName[];

/** One retrier's timing: first interval, growth per attempt, cap and number of attempts (full jitter). */
export interface RetryProfile {
  readonly intervalSeconds: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number;
  readonly maxAttempts: number;
}

/**
 * What the state machine does with an error: catch it and fail the run, or retry the state with
 * backoff on `retry`'s timing.
 */
export type ErrorPolicy = { readonly policy: 'catch' } | { readonly policy: 'retry'; readonly retry: RetryProfile };

const caught: ErrorPolicy = { policy: 'catch' };
const retried = (retry: RetryProfile): ErrorPolicy => ({ policy: 'retry', retry });

/**
 * The retry timing inside a playlist's child execution (GetPlaylist, ExtractItems), which is
 * EXPRESS and so ends at five minutes: one retrier covers all of a child step's transient errors
 * (one shared attempt, not one per error), because the Spotify client has already retried each
 * request in-process four times; state-machine/worst-case.ts budgets the child with it.
 */
export const childTransientRetry: RetryProfile = { intervalSeconds: 2, backoffRate: 1, maxDelaySeconds: 2, maxAttempts: 1 };

/**
 * The policy of every error name, with the timing of each retried one; the definition builds
 * Retry and Catch from this. Spotify retries stay short (long waits fail the run as throttled
 * instead); a busy crawler gets minutes.
 */
export const errorPolicy: Readonly<Record<ErrorName, ErrorPolicy>> = {
  InvalidInputError: caught,
  InvalidStepInputError: caught,
  UpstreamSchemaChangedError: caught,
  SpotifyAuthError: caught,
  SpotifyReauthRequiredError: caught,
  SpotifyForbiddenError: caught,
  SpotifyNotFoundError: caught,
  // Full jitter may retry at once, so no Retry-After is honoured here: the Spotify clients throw
  // this from GetPlaylist and FetchToken only after sitting out a short Retry-After themselves
  // (longer ones are throttled), and ExtractItems turns it into the WaitRetryAfter state instead.
  SpotifyRateLimitedError: retried({ intervalSeconds: 5, backoffRate: 2, maxDelaySeconds: 60, maxAttempts: 4 }),
  SpotifyThrottledError: caught,
  SpotifyUnavailableError: retried({ intervalSeconds: 3, backoffRate: 2, maxDelaySeconds: 60, maxAttempts: 4 }),
  // A playlist edited while it was paged is read again from its metadata, once and soon: this is
  // retried only inside the EXPRESS playlist child, which ends at five minutes (worst-case.ts).
  // Edited again, the child fails and the parent handles it like any failed playlist.
  PlaylistChangedError: retried(childTransientRetry),
  StorageUnavailableError: retried({ intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 30, maxAttempts: 4 }),
  AwsUnavailableError: retried({ intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 30, maxAttempts: 4 }),
  // Someone else's crawl of the same crawler usually ends within minutes.
  CrawlerBusyError: retried({ intervalSeconds: 60, backoffRate: 1.5, maxDelaySeconds: 300, maxAttempts: 8 }),
  CrawlerFailedError: caught,
  CrawlerTimeoutError: caught,
  QueryFailedError: caught,
  ValidationFailedError: caught,
  DateInUseError: caught,
  // The dates are already published: the run fails under this name (the failed-executions alarm),
  // but nothing marks a date failed.
  ReportNotWrittenError: caught,
};

/** The names of `names` whose policy is `policy`, in table order. */
export const errorsWithPolicy = (names: readonly ErrorName[], policy: ErrorPolicy['policy']): ErrorName[] =>
  names.filter((name) => errorPolicy[name].policy === policy);

/** The retry timing of an error; asking it of a caught error is a bug, found at synth time. */
export const retryProfileOf = (name: ErrorName): RetryProfile => {
  const entry = errorPolicy[name];
  if (entry.policy !== 'retry') throw new Error(`${name} has policy "catch" in core/errors.ts, so it has no retry profile`);
  return entry.retry;
};

/** Base of every error this project throws: `name` is a literal from {@link ErrorName}. */
const namedError = <N extends ErrorName>(name: N) =>
  class extends Error {
    public override readonly name: N = name;
  };

/** The run's input breaks a rule (a date, a range, a playlist list); the message names field, value and rule. */
export class InvalidInputError extends namedError(ErrorName.InvalidInput) {}

/** A step received a payload its contract does not accept: a wiring bug, not a user's mistake. */
export class InvalidStepInputError extends namedError(ErrorName.InvalidStepInput) {}

/** A Spotify response no longer decodes: the platform changed; the message names the JSON path. */
export class UpstreamSchemaChangedError extends namedError(ErrorName.UpstreamSchemaChanged) {}

/** The client id or secret was refused (`invalid_client`). */
export class SpotifyAuthError extends namedError(ErrorName.SpotifyAuth) {}

/** The refresh token was refused (`invalid_grant`): the playlist owner must consent again. */
export class SpotifyReauthRequiredError extends namedError(ErrorName.SpotifyReauthRequired) {}

/** 403: the account neither owns nor collaborates on the playlist, or the endpoint is gone. */
export class SpotifyForbiddenError extends namedError(ErrorName.SpotifyForbidden) {}

/** 404: the playlist was deleted, or is Spotify-owned and hidden from this app. */
export class SpotifyNotFoundError extends namedError(ErrorName.SpotifyNotFound) {}

/** 429 with a wait the state machine may retry after. */
export class SpotifyRateLimitedError extends namedError(ErrorName.SpotifyRateLimited) {
  public constructor(
    message: string,
    public readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * How a throttled error's message says when the run may resume: the Retry-After it was refused
 * with, in seconds. A Lambda error reaches the state machine (and NotifyFailure) as its type and
 * message only (the Cause `{"errorType","errorMessage"}`; locally the message), so the message is
 * where the wait travels; {@link resumeAfterSecondsOf} reads it back. Only a wait longer than the
 * run sits out (or a spent quota) gets it: a run throttled by many short waits has no resume time.
 * @example resumeAfterPhrase(7200) // '[resume after 7200 s]'
 */
export const resumeAfterPhrase = (seconds: number): string => `[resume after ${seconds} s]`;

/**
 * The seconds of the {@link resumeAfterPhrase} in a caught error's message, or undefined when it has none.
 * @example resumeAfterSecondsOf('… Run it again after that time. [resume after 7200 s]') // 7200
 */
export const resumeAfterSecondsOf = (message: string): number | undefined => {
  const match = /\[resume after (\d+) s\]/.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

/** 429 with a wait too long to sit out, or the account's quota is spent: the run stops as throttled. */
export class SpotifyThrottledError extends namedError(ErrorName.SpotifyThrottled) {
  public constructor(
    message: string,
    public readonly retryAfterSeconds: number,
    public readonly quotaExceeded: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** 5xx, connection reset or timeout after the client's own short retries. */
export class SpotifyUnavailableError extends namedError(ErrorName.SpotifyUnavailable) {}

/** A page reported another entry count (`total`) than the playlist's metadata: it was edited while being paged. */
export class PlaylistChangedError extends namedError(ErrorName.PlaylistChanged) {}

/** The blob store did not answer (a transient S3 or file-system failure). */
export class StorageUnavailableError extends namedError(ErrorName.StorageUnavailable) {}

/** Secrets Manager, Glue, Athena or SNS throttled or did not answer, after the SDK's own retries. */
export class AwsUnavailableError extends namedError(ErrorName.AwsUnavailable) {}

/** The crawler is already running; start it again later. */
export class CrawlerBusyError extends namedError(ErrorName.CrawlerBusy) {}

/** The crawler's last crawl failed. */
export class CrawlerFailedError extends namedError(ErrorName.CrawlerFailed) {}

/** The crawler did not finish within the polling budget. */
export class CrawlerTimeoutError extends namedError(ErrorName.CrawlerTimeout) {}

/** A validation or user query failed in the query engine; the message carries the engine's reason. */
export class QueryFailedError extends namedError(ErrorName.QueryFailed) {}

/** At least one validation check failed; the message names each failed check. */
export class ValidationFailedError extends namedError(ErrorName.ValidationFailed) {}

/**
 * Another run holds the lease of a date this run would write: the run is refused at once, never
 * queued. The message names the date, the holder, when its lease expires and what to do.
 */
export class DateInUseError extends namedError(ErrorName.DateInUse) {}

/**
 * The report could not be written after the run published its dates: they stay published; the
 * message names the dates and the cause.
 */
export class ReportNotWrittenError extends namedError(ErrorName.ReportNotWritten) {}
