/** Spotify's ports: the Web API, the accounts service and the token cache, sharing one Secrets Manager client. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerCredentialsStore } from '../../adapters/aws/secrets-manager-credentials-store';
import { SecretsManagerTokenCache } from '../../adapters/aws/secrets-manager-token-cache';
import { HttpSpotifyApi } from '../../adapters/spotify/http-spotify-api';
import { AsyncRequestMeter } from '../../adapters/spotify/request-meter';
import { SpotifyTokenClient, type SpotifyGrant } from '../../adapters/spotify/spotify-token-client';
import { envNames, type StepEnv } from '../env';
import type { StepPorts } from '../ports';
import { onFirstSend } from './first-send';

/**
 * The ports a `spotify` declaration brings: its endpoints, grant and two secrets from the SPOTIFY_*
 * variables, and the meter both clients report their requests to (for the manifest and the metrics).
 */
export const spotify = (env: StepEnv): Pick<StepPorts, 'spotify' | 'auth' | 'tokens' | 'meter'> => {
  const meter = new AsyncRequestMeter();
  const secrets = onFirstSend(() => new SecretsManagerClient({}));
  const tokens = new SecretsManagerTokenCache(secrets, env[envNames.tokenCacheSecret] as string);
  const auth = new SpotifyTokenClient({
    accountsBaseUrl: env[envNames.accountsBaseUrl] as string,
    credentials: new SecretsManagerCredentialsStore(secrets, env[envNames.credentialsSecret] as string),
    grant: env[envNames.grant] as SpotifyGrant,
    onRequest: meter.tokenRequest,
  });
  return { spotify: new HttpSpotifyApi({ apiBaseUrl: env[envNames.apiBaseUrl] as string, tokens, auth, onRequest: meter.apiRequest }), auth, tokens, meter };
};
