/** ExtractItems's Lambda: AWS wiring only, built once per cold start. */
import * as t from 'io-ts';
import { maxPageSize } from '../../adapters/spotify/got-spotify-api';
import { awsHandler, lakeStore, spotifyApi } from '../aws-wiring';
import { LakeEnv, SpotifyEnv, loadEnv } from '../env';
import { extractItems, maxPagesPerInvocation } from './contract';
import { runExtractItems } from './step';

const env = loadEnv(t.intersection([LakeEnv, SpotifyEnv]));

/** The Lambda entry point. */
export const handler = awsHandler(extractItems, runExtractItems({ spotify: spotifyApi(env), store: lakeStore(env), pageSize: maxPageSize, maxPages: maxPagesPerInvocation }));
