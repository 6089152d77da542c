/** GetPlaylist's Lambda: AWS wiring only, built once per cold start. */
import * as t from 'io-ts';
import { awsHandler, lakeStore, spotifyApi } from '../aws-wiring';
import { LakeEnv, SpotifyEnv, loadEnv } from '../env';
import { getPlaylist } from './contract';
import { runGetPlaylist } from './step';

const env = loadEnv(t.intersection([LakeEnv, SpotifyEnv]));

/** The Lambda entry point. */
export const handler = awsHandler(getPlaylist, runGetPlaylist({ spotify: spotifyApi(env), store: lakeStore(env) }));
