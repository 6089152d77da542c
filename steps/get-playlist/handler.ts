/** GetPlaylist's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { awsHandler } from '../aws-wiring';
import { getPlaylist } from './contract';
import { runGetPlaylist } from './step';

/** The Lambda entry point. */
export const handler = awsHandler(getPlaylist, runGetPlaylist);
