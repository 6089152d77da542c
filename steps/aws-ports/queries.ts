/** Athena's port. */
import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaQueryEngine } from '../../adapters/aws/athena-query-engine';
import { envNames, type StepEnv } from '../env';
import type { StepPorts } from '../ports';
import { onFirstSend } from './first-send';

/** The port a `queries` declaration brings: queries in ATHENA_WORKGROUP over the Glue database GLUE_DATABASE_NAME. */
export const queries = (env: StepEnv): Pick<StepPorts, 'queries'> => ({
  queries: new AthenaQueryEngine(onFirstSend(() => new AthenaClient({})), {
    workGroup: env[envNames.workGroup] as string,
    database: env[envNames.databaseName] as string,
  }),
});
