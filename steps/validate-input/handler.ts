/** ValidateInput's Lambda: AWS wiring only, built once per cold start. */
import * as t from 'io-ts';
import { systemClock } from '../../core/dates';
import { awsHandler, dateLeases, lakeStore } from '../aws-wiring';
import { LakeEnv, PlaylistsEnv, loadEnv } from '../env';
import { validateInput } from './contract';
import { runValidateInput } from './step';

const env = loadEnv(t.intersection([LakeEnv, PlaylistsEnv]));

/** The Lambda entry point. */
export const handler = awsHandler(
  validateInput,
  runValidateInput({ clock: systemClock, store: lakeStore(env), defaultPlaylists: env.DEFAULT_PLAYLIST_IDS, leases: dateLeases(env) }),
);
