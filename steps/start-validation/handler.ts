/** StartValidation's Lambda: AWS wiring only, built once per cold start. */
import * as t from 'io-ts';
import { awsHandler, athenaQueries, lakeStore } from '../aws-wiring';
import { LakeEnv, QueriesEnv, loadEnv } from '../env';
import { startValidation } from './contract';
import { runStartValidation } from './step';

const env = loadEnv(t.intersection([LakeEnv, QueriesEnv]));

/** The Lambda entry point. */
export const handler = awsHandler(startValidation, runStartValidation({ store: lakeStore(env), queries: athenaQueries(env) }));
