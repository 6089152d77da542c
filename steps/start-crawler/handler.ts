/** StartCrawler's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { awsHandler } from '../aws-wiring';
import { startCrawler } from './contract';
import { runStartCrawler } from './step';

/** The Lambda entry point. */
export const handler = awsHandler(startCrawler, runStartCrawler);
