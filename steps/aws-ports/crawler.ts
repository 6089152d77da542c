/** The Glue crawler's port. */
import { GlueClient } from '@aws-sdk/client-glue';
import { GlueCatalog } from '../../adapters/aws/glue-catalog';
import { envNames, type StepEnv } from '../env';
import type { StepPorts } from '../ports';
import { onFirstSend } from './first-send';

/**
 * The port a `crawler` declaration brings, over the crawler GLUE_CRAWLER_NAME names; with
 * `partitions` declared too, over the staged tables of the database GLUE_DATABASE_NAME names.
 */
export const crawler = (env: StepEnv): Pick<StepPorts, 'catalog'> => ({
  catalog: new GlueCatalog(onFirstSend(() => new GlueClient({})), env[envNames.crawlerName] as string, env[envNames.databaseName]),
});
