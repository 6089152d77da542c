/**
 * The two Secrets Manager secrets of the Spotify side: the app's credentials with the owner's
 * refresh token (filled in by hand once, see docs/deploy.md) and the access-token cache that
 * FetchToken writes and the extraction steps read, so no token ever enters a state payload.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { StackConfig } from './config';
import { acknowledge } from './nag';

/** The credentials and token-cache secrets. */
export class SpotifySecrets extends Construct {
  /** `{"clientId","clientSecret","refreshToken"}`, put there by the operator. */
  public readonly credentials: secretsmanager.Secret;
  /** `{"accessToken","expiresAt"}`, written by the pipeline. */
  public readonly tokenCache: secretsmanager.Secret;

  /** Creates both secrets; their first value is a random placeholder the adapters recognise as "not set". */
  public constructor(scope: Construct, id: string, config: Pick<StackConfig, 'namePrefix'>) {
    super(scope, id);
    this.credentials = new secretsmanager.Secret(this, 'Credentials', {
      secretName: `${config.namePrefix}/spotify-credentials`,
      description: 'Spotify app credentials: {"clientId","clientSecret","refreshToken"}; see docs/deploy.md',
      // Re-creating it would lose the owner's consent, which takes a person and a browser.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.tokenCache = new secretsmanager.Secret(this, 'TokenCache', {
      secretName: `${config.namePrefix}/spotify-token-cache`,
      description: 'The current Spotify access token {"accessToken","expiresAt"}, written by FetchToken',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledge(
      this.credentials,
      'AwsSolutions-SMG4',
      'Spotify issues the client secret in its dashboard and the refresh token through a browser consent, so Secrets Manager cannot rotate them; the pipeline stores a refresh token Spotify rotates, and docs/operations.md covers re-consent every six months.',
    );
    acknowledge(
      this.tokenCache,
      'AwsSolutions-SMG4',
      'The cached access token expires after one hour and is replaced by FetchToken on every run; rotation would add nothing.',
    );
  }
}
