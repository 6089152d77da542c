/** PollCrawler's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { awsHandler } from '../aws-wiring';
import { pollCrawler } from './contract';
import { runPollCrawler } from './step';

/** The Lambda entry point. */
export const handler = awsHandler(pollCrawler, runPollCrawler);
