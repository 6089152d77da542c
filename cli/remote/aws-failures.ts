/**
 * AWS failures as `spotify-etl remote` says them: one line naming what was asked (the bucket and
 * key for S3), what went wrong and what to do, for a person at a command line. The Lambda-side
 * adapters word theirs for a step and its role ("the step will be retried"), and the SDK's own
 * errors carry fields (an access key id) that must not be printed, so neither is shown as it is.
 */

/** The fields of an SDK error or a Node socket error this module reads. */
interface Fields {
  readonly name?: string;
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly hostname?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly cause?: unknown;
}

/** The SDK's error below any wrapping (S3BlobStore keeps it as `cause`). */
const sdkErrorOf = (error: unknown): (Error & Fields) | undefined => {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const fields = current as Error & Fields;
    if (fields.$metadata !== undefined || typeof fields.code === 'string' || !(fields.cause instanceof Error)) return fields;
    current = fields.cause;
  }
  return undefined;
};

/**
 * Where a request that got no answer went and why, e.g. `states.us-east-1.amazonaws.com: ENOTFOUND`
 * or `127.0.0.1:1: ECONNREFUSED`; undefined when AWS did answer (with an HTTP status).
 */
const noAnswerOf = (error: unknown): string | undefined => {
  const fields = sdkErrorOf(error);
  if (fields === undefined || fields.$metadata?.httpStatusCode !== undefined) return undefined;
  if (fields.name === 'TimeoutError') return 'timed out';
  // A socket error: a code such as ECONNREFUSED (ERR_… codes are Node's own misuse errors, not the network's).
  if (typeof fields.code !== 'string' || !/^E[A-Z]+$/.test(fields.code)) return undefined;
  const host =
    typeof fields.hostname === 'string'
      ? fields.hostname
      : typeof fields.address === 'string'
        ? `${fields.address}${typeof fields.port === 'number' ? `:${fields.port}` : ''}`
        : undefined;
  return host === undefined ? fields.code : `${host}: ${fields.code}`;
};

/** "could not reach AWS (…): …" when the request got no answer, else undefined. */
export const unreachableAws = (error: unknown): string | undefined => {
  const where = noAnswerOf(error);
  return where === undefined ? undefined : `could not reach AWS (${where}): check the network, AWS_REGION and any AWS_ENDPOINT_URL_*`;
};

/** The S3 codes that mean the credentials themselves were refused, not what they may do. */
const refusedCredentials = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired']);

/**
 * An S3 read of `s3://bucket/key` (GetObject) that failed, as one line; undefined for an error
 * that did not come from AWS or the SDK (a bug, which keeps its stack trace). Only the error's
 * code is shown, never its message or fields: S3's answer to a wrong key id echoes the key id.
 */
export const s3ReadFailure = (error: unknown, bucket: string, key: string, region: string): string | undefined => {
  const object = `s3://${bucket}/${key}`;
  const unreachable = noAnswerOf(error);
  if (unreachable !== undefined) return `could not reach S3 to read ${object} (${unreachable}): check the network, AWS_REGION and any AWS_ENDPOINT_URL_*`;
  const fields = sdkErrorOf(error);
  const name = fields?.name ?? 'UnknownError';
  const status = fields?.$metadata?.httpStatusCode;
  if (name === 'CredentialsProviderError') return `no AWS credentials to read ${object}; set AWS_PROFILE, or run \`aws sso login\`, then try again`;
  if (fields?.$metadata === undefined) return undefined;
  if (name === 'NoSuchBucket') {
    return `the bucket "${bucket}" does not exist (S3 answered NoSuchBucket for ${object}); pass the stack's LakeBucketName output as --bucket or SPOTIFY_ETL_LAKE_BUCKET`;
  }
  if (name === 'PermanentRedirect' || status === 301) {
    return `the bucket "${bucket}" is not in ${region}, the state machine's region (S3 answered ${name} for ${object}); pass the lake bucket of that stack`;
  }
  if (refusedCredentials.has(name)) {
    return `S3 did not accept your AWS credentials reading ${object} (${name}); check AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run \`aws sso login\``;
  }
  if (name === 'AccessDenied' || status === 403) {
    return (
      `access denied reading ${object} (${name}): your credentials need s3:GetObject on it, and s3:ListBucket on ` +
      `arn:aws:s3:::${bucket} for S3 to answer a missing object with 404 rather than 403`
    );
  }
  return `S3 could not read ${object} (${name}${status === undefined ? '' : `, HTTP ${status}`}); check the bucket and try again`;
};

/**
 * The first AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE> set to something that is not an http(s)
 * URL, as one line; the SDK would fail on it with a bare TypeError ("Invalid URL").
 */
export const badEndpointVariable = (env: Readonly<Record<string, string | undefined>>): string | undefined => {
  for (const [name, value] of Object.entries(env)) {
    if (!/^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(name) || value === undefined || value === '') continue;
    const url = URL.canParse(value) ? new URL(value) : undefined;
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
      return `${name} is ${JSON.stringify(value)}, not an http(s) URL; set it to an endpoint such as http://127.0.0.1:4566, or unset it to reach AWS`;
    }
  }
  return undefined;
};
