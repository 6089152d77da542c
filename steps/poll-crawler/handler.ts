/** PollCrawler's Lambda: AWS wiring only, built once per cold start. */
import { lambdaHandler } from '../../core/step';
import { glueCatalog } from '../aws-wiring';
import { CrawlerEnv, loadEnv } from '../env';
import { pollCrawler } from './contract';
import { runPollCrawler } from './step';

const env = loadEnv(CrawlerEnv);

/** The Lambda entry point. */
export const handler = lambdaHandler(pollCrawler, runPollCrawler({ catalog: glueCatalog(env) }));
