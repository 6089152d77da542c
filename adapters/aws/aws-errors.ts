/**
 * What the AWS adapters need to know about an SDK v3 error, read from the fields every service
 * exception carries (`name`, `$fault`, `$retryable`, `$metadata`), so no adapter has to import
 * each service's exception classes.
 */

/** The service's error code (`NoSuchKey`, `CrawlerRunningException`), or the JS error name. */
export const awsErrorName = (error: unknown): string =>
  error instanceof Error ? error.name : typeof error === 'string' ? error : 'UnknownError';

/** The error's own message, without anything the caller passed in. */
export const awsErrorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const throttlingNames = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'InternalServerError',
  'InternalServiceException',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Whether an error code S3 reports per key (DeleteObjects `Errors[].Code`) is worth retrying. */
export const isTransientAwsCode = (code: string | undefined): boolean => code !== undefined && throttlingNames.has(code);

/**
 * Whether retrying later may succeed: a server-side fault, throttling, or no answer at all
 * (connection refused or reset, a timeout) — after the SDK's own retries gave up.
 */
export const isTransientAwsError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const fields = error as Error & {
    $fault?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    code?: unknown;
  };
  const status = fields.$metadata?.httpStatusCode;
  if (fields.$fault === 'server' || fields.$retryable !== undefined || throttlingNames.has(error.name)) return true;
  if (status !== undefined) return status === 429 || status >= 500;
  // No HTTP status: the request never got an answer (a socket error carries a `code`).
  return typeof fields.code === 'string' || error.name === 'TimeoutError';
};
