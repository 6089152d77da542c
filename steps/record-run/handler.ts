/** RecordRun's Lambda: AWS wiring only, built once per cold start. */
import { systemClock } from '../../core/dates';
import { awsHandler, dateLeases, lakeStore } from '../aws-wiring';
import { LakeEnv, loadEnv } from '../env';
import { recordRun } from './contract';
import { runRecordRun } from './step';

const env = loadEnv(LakeEnv);

/** The Lambda entry point. */
export const handler = awsHandler(recordRun, runRecordRun({ store: lakeStore(env), clock: systemClock, leases: dateLeases(env) }));
