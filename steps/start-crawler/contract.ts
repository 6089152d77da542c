/** StartCrawler: starts the crawl that makes the new curated partitions visible to queries. */
import * as t from 'io-ts';
import { ErrorName } from '../../core/errors';
import { PolledJob } from '../../core/polling';
import { defineStep } from '../../core/step';

/** Nothing: the crawler is configured, not passed. */
export const StartCrawlerInput = t.exact(t.type({}));
export type StartCrawlerInput = t.TypeOf<typeof StartCrawlerInput>;

/** The crawl, running and not yet polled. */
export const StartCrawlerOutput = PolledJob;
export type StartCrawlerOutput = t.TypeOf<typeof StartCrawlerOutput>;

/** The StartCrawler step. */
export const startCrawler = defineStep({
  stateName: 'StartCrawler',
  dir: 'start-crawler',
  input: StartCrawlerInput,
  output: StartCrawlerOutput,
  errors: [ErrorName.CrawlerBusy, ErrorName.AwsUnavailable],
  timeoutSeconds: 60,
  resources: { crawler: 'start' },
});
