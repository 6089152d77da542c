/** FetchToken's Lambda: AWS wiring only, built once per cold start. */
import { awsHandler, spotifyAuth, tokenCache } from '../aws-wiring';
import { SpotifyEnv, loadEnv } from '../env';
import { fetchToken } from './contract';
import { runFetchToken } from './step';

const env = loadEnv(SpotifyEnv);

/** The Lambda entry point. */
export const handler = awsHandler(fetchToken, runFetchToken({ auth: spotifyAuth(env), tokens: tokenCache(env) }));
