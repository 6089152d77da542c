/** StartCrawler's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { crawler } from '../aws-ports/crawler';
import { awsHandler } from '../aws-wiring';
import { startCrawler } from './contract';
import { runStartCrawler } from './step';

/** The Lambda entry point, with the adapters its declared resources call for (a mismatch fails the cold start). */
export const handler = awsHandler(startCrawler, runStartCrawler, { crawler });
