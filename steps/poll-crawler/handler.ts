/** PollCrawler's Lambda: AWS wiring only, built once per cold start. */
import { awsHandler, glueCatalog } from '../aws-wiring';
import { CrawlerEnv, loadEnv } from '../env';
import { pollCrawler } from './contract';
import { runPollCrawler } from './step';

const env = loadEnv(CrawlerEnv);

/** The Lambda entry point. */
export const handler = awsHandler(pollCrawler, runPollCrawler({ catalog: glueCatalog(env) }));
