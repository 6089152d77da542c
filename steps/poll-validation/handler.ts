/** PollValidation's Lambda: AWS wiring only, built once per cold start. */
import { awsHandler, athenaQueries } from '../aws-wiring';
import { QueriesEnv, loadEnv } from '../env';
import { pollValidation } from './contract';
import { runPollValidation } from './step';

const env = loadEnv(QueriesEnv);

/** The Lambda entry point. */
export const handler = awsHandler(pollValidation, runPollValidation({ queries: athenaQueries(env) }));
