/** Normalise's Lambda: AWS wiring only, built once per cold start. */
import { HyparquetTableEncoder } from '../../adapters/parquet/hyparquet-table-encoder';
import { systemClock } from '../../core/dates';
import { awsHandler, lakeStore } from '../aws-wiring';
import { LakeEnv, loadEnv } from '../env';
import { normalise } from './contract';
import { runNormalise } from './step';

const env = loadEnv(LakeEnv);

/** The Lambda entry point. */
export const handler = awsHandler(normalise, runNormalise({ store: lakeStore(env), encoder: new HyparquetTableEncoder(), clock: systemClock }));
