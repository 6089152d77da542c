/** PollValidation's Lambda: AWS wiring only, built once per cold start. */
import { lambdaHandler } from '../../core/step';
import { athenaQueries } from '../aws-wiring';
import { QueriesEnv, loadEnv } from '../env';
import { pollValidation } from './contract';
import { runPollValidation } from './step';

const env = loadEnv(QueriesEnv);

/** The Lambda entry point. */
export const handler = lambdaHandler(pollValidation, runPollValidation({ queries: athenaQueries(env) }));
