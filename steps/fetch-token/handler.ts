/** FetchToken's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { awsHandler } from '../aws-wiring';
import { fetchToken } from './contract';
import { runFetchToken } from './step';

/** The Lambda entry point. */
export const handler = awsHandler(fetchToken, runFetchToken);
