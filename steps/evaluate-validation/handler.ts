/** EvaluateValidation's Lambda: AWS wiring only, built once per cold start. */
import * as t from 'io-ts';
import { systemClock } from '../../core/dates';
import { awsHandler, athenaQueries, lakeStore } from '../aws-wiring';
import { LakeEnv, QueriesEnv, RejectToleranceEnv, loadEnv } from '../env';
import { evaluateValidation } from './contract';
import { runEvaluateValidation } from './step';

const env = loadEnv(t.intersection([LakeEnv, QueriesEnv, RejectToleranceEnv]));

/** The Lambda entry point. */
export const handler = awsHandler(
  evaluateValidation,
  runEvaluateValidation({ store: lakeStore(env), queries: athenaQueries(env), clock: systemClock, rejectTolerance: env.REJECT_TOLERANCE ?? 0 }),
);
