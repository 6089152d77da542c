/** StartCrawler's Lambda: AWS wiring only, built once per cold start. */
import { awsHandler, glueCatalog } from '../aws-wiring';
import { CrawlerEnv, loadEnv } from '../env';
import { startCrawler } from './contract';
import { runStartCrawler } from './step';

const env = loadEnv(CrawlerEnv);

/** The Lambda entry point. */
export const handler = awsHandler(startCrawler, runStartCrawler({ catalog: glueCatalog(env) }));
