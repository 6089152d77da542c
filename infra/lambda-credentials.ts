/**
 * What the Lambda bundles take for `@aws-sdk/credential-provider-node` (the alias is in
 * infra/lambda-builtins.ts): AWS credentials from the function's environment, and from nowhere else.
 *
 * Every SDK client's Node runtime config imports that package's `defaultProvider`, the SDK's whole
 * credential chain: SSO, INI files, credential_process, web identity, IMDS and the container
 * endpoint, with the STS and SSO clients they call (`@aws-sdk/nested-clients`). In Lambda none of
 * it is ever reached: the runtime puts the function role's credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, the chain's first link. Yet V8 compiles it at every
 * cold start: 140 kB and 15–20 ms of CPU per bundle (docs/performance.md, Lambda cold imports).
 *
 * The trade: the functions take no other credential source (no profile, no web identity, no
 * container endpoint). The command line and the tests run from sources keep the SDK's chain.
 */
import { ENV_KEY, ENV_SECRET, fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/** The SDK's credential provider type, as fromEnv returns it. */
type CredentialProvider = ReturnType<typeof fromEnv>;

/** The variables without which there are no credentials (a session token is optional, as for fromEnv). */
const required = [ENV_KEY, ENV_SECRET] as const;

/**
 * The SDK's `defaultProvider`, reduced to the environment. A missing variable fails the request
 * with one line that names it, not the SDK's generic "Unable to find environment variable
 * credentials" (which names none).
 */
export const defaultProvider = (init?: FromEnvInit): CredentialProvider => {
  const fromEnvironment = fromEnv(init);
  return async () => {
    const missing = required.filter((name) => !process.env[name]);
    if (missing.length > 0) {
      throw new Error(
        `no AWS credentials: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set in the environment; this Lambda bundle reads credentials from the environment only (infra/lambda-credentials.ts), which the Lambda runtime sets from the function's role`,
      );
    }
    return fromEnvironment();
  };
};
