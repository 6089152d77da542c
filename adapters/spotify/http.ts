/**
 * One Spotify HTTP exchange with the retries both Spotify clients share: transport failures,
 * 5xx and truncated JSON are retried a few times with full-jitter backoff, and a 429 is either
 * waited out in-process (short), or thrown for a Wait state to wait (medium, only where one
 * follows the call), or thrown as throttled (long, or the quota is spent). Everything else is
 * returned for the caller to map.
 *
 * The client below it (http-send.ts) sends each request once, follows no redirect and takes any
 * status for an answer: every retry is this loop's (the token call, a POST, included), which makes
 * delays configurable and the errors ours. It passes on no error of Node's, which can quote the
 * request, only a sanitised description of the failure.
 */
import { setTimeout as wait } from 'node:timers/promises';
import type * as HttpSend from './http-send';
import { resumeAfterPhrase, SpotifyRateLimitedError, SpotifyThrottledError, SpotifyUnavailableError } from '../../core/errors';
import { tryDecode } from '../../core/decode';
import { parseJsonBytes } from '../../core/json-bytes';
import { WebApiError } from '../../core/spotify/codecs';

/** How often and how fast a failed request is tried again in-process. */
export interface RetryPolicy {
  /** Tries per request, the first included. @default 4 */
  readonly attempts: number;
  /** Upper bound of the first backoff; doubles per try (full jitter). @default 300 */
  readonly baseDelayMs: number;
  /** Upper bound of any backoff. @default 3000 */
  readonly maxDelayMs: number;
  /** A try that has not been answered in full by then is abandoned and retried. @default 10000 */
  readonly requestTimeoutMs: number;
}

/** Defaults sized to stay well below a step's Lambda timeout. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 4, baseDelayMs: 300, maxDelayMs: 3_000, requestTimeoutMs: 10_000 };

/**
 * The longest Retry-After a Wait state takes (WaitForMetadata, WaitRetryAfter): both run inside
 * the EXPRESS playlist child, which ends at five minutes, and state-machine/worst-case.ts budgets
 * each at this length. A longer wait ends the child as SpotifyThrottledError, which the parent
 * handles as a throttled run (NotifyFailure records resumeAfter and schedules the restart).
 */
export const defaultMaxStateMachineWaitSeconds = 10;

/** Where a client may report retries and waits; shaped so Powertools Logger and `console` both fit. */
export interface RetryLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
}

/** The knobs of {@link requestJson}, filled from each client's options. */
export interface HttpSettings {
  readonly retry: RetryPolicy;
  /** A 429 asking to wait at most this long is waited out in-process. */
  readonly maxInProcessWaitSeconds: number;
  /** Where a Wait state follows: a 429 asking to wait longer than this is {@link SpotifyThrottledError} (a quota 429 always is). */
  readonly maxStateMachineWaitSeconds: number;
  /** How many short 429 waits one request may sit out before leaving it to the state machine. */
  readonly maxRateLimitWaits: number;
  /**
   * Whether a Wait state of the Retry-After's length follows this call when it throws
   * SpotifyRateLimitedError (GetPlaylist and ExtractItems). Where none does (FetchToken) the
   * error meets only the state machine's retrier, whose full-jitter delay may be 0 s.
   */
  readonly waitState: boolean;
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger?: RetryLogger | undefined;
  /** Called once per HTTP request sent, retries included (the run summary counts them). */
  readonly onRequest?: (() => void) | undefined;
  /** Aborted: no further request is sent (see {@link HttpOptions.signal}). */
  readonly signal?: AbortSignal | undefined;
}

/** Options both Spotify clients accept for their retry behaviour. */
export interface HttpOptions {
  /** @default {@link defaultRetryPolicy} */
  readonly retry?: Partial<RetryPolicy>;
  /** @default 5 */
  readonly maxInProcessWaitSeconds?: number;
  /** @default {@link defaultMaxStateMachineWaitSeconds} */
  readonly maxStateMachineWaitSeconds?: number;
  /** @default 3 */
  readonly maxRateLimitWaits?: number;
  /** Waits between tries; tests pass one that records instead of sleeping. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger?: RetryLogger;
  /** Called once per HTTP request sent, retries included: what the run summary reports as requests. */
  readonly onRequest?: () => void;
  /**
   * A stopped local run (Ctrl-C): once it aborts, no request is sent and the one in flight and
   * any wait end, so a step that was reading a playlist's pages ends instead of reading the rest.
   */
  readonly signal?: AbortSignal;
}

/** The settings of `options` with every default filled in. */
export const httpSettings = (options: HttpOptions): HttpSettings => ({
  retry: { ...defaultRetryPolicy, ...options.retry },
  maxInProcessWaitSeconds: options.maxInProcessWaitSeconds ?? 5,
  maxStateMachineWaitSeconds: options.maxStateMachineWaitSeconds ?? defaultMaxStateMachineWaitSeconds,
  maxRateLimitWaits: options.maxRateLimitWaits ?? 3,
  waitState: false,
  // A stopped run does not sit out a back-off or a Retry-After: the wait ends with the stop.
  sleep: options.sleep ?? ((ms) => wait(ms, undefined, options.signal ? { signal: options.signal } : {})),
  logger: options.logger,
  onRequest: options.onRequest,
  signal: options.signal,
});

/** One request to send. Secrets travel only in `headers` and `form`, which no error ever shows. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly searchParams?: Readonly<Record<string, string>>;
  readonly form?: Readonly<Record<string, string>>;
}

/** A final answer: any status but 5xx and 429, with the body parsed when it is JSON. */
export interface JsonResponse {
  readonly status: number;
  /** The body's bytes as received. */
  readonly body: Uint8Array;
  /** The parsed body; undefined when a non-2xx body is not JSON. */
  readonly json: unknown;
}

/**
 * The HTTP client, loaded on the first request rather than with the module, so that only the
 * paths that call Spotify load Node's HTTP, TLS and zlib modules (when got was the client, its
 * import cost a Lambda about 85 ms of cold start: docs/performance.md).
 */
let transport: Promise<typeof HttpSend> | undefined;
const sendOnce = async (request: HttpRequest, timeoutMs: number, signal: AbortSignal | undefined): Promise<HttpSend.Sent> =>
  (await (transport ??= import('./http-send'))).sendOnce(request, timeoutMs, signal);

/** `Retry-After` in whole seconds (Spotify sends seconds); 1 when absent or unreadable. */
const retryAfterSeconds = (header: string | string[] | undefined): number => {
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(value) && value >= 0 ? Math.ceil(value) : 1;
};

/** Seconds as a person reads them: `90 s`, `2 h 30 min`. */
export const humanSeconds = (seconds: number): string => {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
};

const parseJson = (body: Uint8Array): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: parseJsonBytes(body) };
  } catch {
    return { ok: false };
  }
};

/** The Web API error's message and reason, when the body is a Web API error. */
export const webApiErrorOf = (json: unknown): { message?: string | undefined; reason?: string | undefined } => {
  const decoded = tryDecode(WebApiError, json);
  return decoded.ok ? { message: decoded.value.error.message, reason: decoded.value.error.reason } : {};
};

/**
 * The error for a 429 this request will not wait out in-process any more. With a Wait state
 * after the call, a wait up to what a run waits is SpotifyRateLimitedError, longer is throttled.
 * Without one, the retrier's full-jitter delay cannot honour any Retry-After, so the rule is:
 * a wait beyond the in-process limit is throttled, and a short one (this request sat out its
 * share already) is sat out once more before SpotifyRateLimitedError, so no retry is early.
 */
const rateLimitBeyondInProcess = async (
  settings: HttpSettings,
  context: string,
  seconds: number,
): Promise<SpotifyRateLimitedError | SpotifyThrottledError> => {
  const asked = `Spotify rate-limited ${context} and asks to wait ${humanSeconds(seconds)} (Retry-After ${seconds})`;
  if (settings.waitState) {
    if (seconds > settings.maxStateMachineWaitSeconds) {
      return new SpotifyThrottledError(
        `${asked}, longer than a run waits (${humanSeconds(settings.maxStateMachineWaitSeconds)}): the run stops as throttled. Run it again after that time. ${resumeAfterPhrase(seconds)}`,
        seconds,
        false,
      );
    }
    return new SpotifyRateLimitedError(`${asked}: the workflow waits that long and resumes from where it stopped.`, seconds);
  }
  if (seconds > settings.maxInProcessWaitSeconds) {
    return new SpotifyThrottledError(
      `${asked}, longer than this step waits (${humanSeconds(settings.maxInProcessWaitSeconds)}): the run stops as throttled. Run it again after that time. ${resumeAfterPhrase(seconds)}`,
      seconds,
      false,
    );
  }
  settings.logger?.warn('Spotify rate limit: waiting before leaving the request to the workflow', { context, retryAfterSeconds: seconds });
  await settings.sleep(seconds * 1000);
  return new SpotifyRateLimitedError(
    `Spotify kept rate-limiting ${context} (${settings.maxRateLimitWaits + 1} answers of 429 in a row, the last with Retry-After ${seconds} s, already waited out): the workflow retries the step.`,
    seconds,
  );
};

/**
 * Sends `request` until it has a final answer. `context` says what was being done, for messages:
 * "reading the items of playlist X at offset 50".
 */
export const requestJson = async (request: HttpRequest, settings: HttpSettings, context: string): Promise<JsonResponse> => {
  let failures = 0;
  let rateLimitWaits = 0;
  for (;;) {
    settings.signal?.throwIfAborted();
    settings.onRequest?.();
    const sent = await sendOnce(request, settings.retry.requestTimeoutMs, settings.signal);
    // A request cut short by the stop is no failed try of Spotify's: it ends the read as stopped.
    settings.signal?.throwIfAborted();
    let failure: string | undefined;
    if ('failure' in sent) {
      failure = sent.failure;
    } else {
      const { status, headers, body } = sent.response;
      const parsed = parseJson(body);
      if (status === 429) {
        const seconds = retryAfterSeconds(headers['retry-after']);
        const quota = parsed.ok && webApiErrorOf(parsed.value).reason === 'QUOTA_EXCEEDED';
        if (quota) {
          throw new SpotifyThrottledError(
            `Spotify's request quota for this developer account is spent (429 QUOTA_EXCEEDED) while ${context}; it asks to wait ${humanSeconds(seconds)}. Run again after that, or apply for Extended Quota Mode. ${resumeAfterPhrase(seconds)}`,
            seconds,
            true,
          );
        }
        if (seconds > settings.maxInProcessWaitSeconds || rateLimitWaits >= settings.maxRateLimitWaits) {
          throw await rateLimitBeyondInProcess(settings, context, seconds);
        }
        rateLimitWaits += 1;
        settings.logger?.warn('Spotify rate limit: waiting before the next try', { context, retryAfterSeconds: seconds });
        await settings.sleep(seconds * 1000);
        continue;
      }
      if (status >= 500) failure = `HTTP ${status}`;
      else if (status >= 200 && status < 300 && !parsed.ok) failure = `incomplete JSON body (${body.byteLength} bytes)`;
      else return { status, body, json: parsed.ok ? parsed.value : undefined };
    }
    failures += 1;
    if (failures >= settings.retry.attempts) {
      throw new SpotifyUnavailableError(
        `Spotify did not answer properly while ${context}: ${failures} tries failed, the last with ${failure}. This is usually temporary and the workflow retries the step; if it persists, check the Spotify base URLs and https://developer.spotify.com/status.`,
      );
    }
    const ceiling = Math.min(settings.retry.maxDelayMs, settings.retry.baseDelayMs * 2 ** (failures - 1));
    const delayMs = Math.round(Math.random() * ceiling);
    settings.logger?.warn('Spotify request failed: retrying', { context, attempt: failures, failure, delayMs });
    await settings.sleep(delayMs);
  }
};
