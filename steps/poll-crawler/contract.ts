/** PollCrawler: reads the crawl's state; fails when it failed or outlived its polling budget. */
import * as t from 'io-ts';
import { ErrorName } from '../../core/errors';
import { PolledJob } from '../../core/polling';
import { defineStep } from '../../core/step';

/** How the machine polls the crawler: the Wait between polls and how many polls it allows. */
export const crawlerPolling = { waitSeconds: 30, maxPolls: 60 } as const;

/** How many times the crawl has been polled so far. */
export const PollCrawlerInput = t.exact(t.type({ polls: t.number }));
export type PollCrawlerInput = t.TypeOf<typeof PollCrawlerInput>;

/** The crawl's state after this poll. */
export const PollCrawlerOutput = PolledJob;
export type PollCrawlerOutput = t.TypeOf<typeof PollCrawlerOutput>;

/** The PollCrawler step. */
export const pollCrawler = defineStep({
  stateName: 'PollCrawler',
  dir: 'poll-crawler',
  input: PollCrawlerInput,
  output: PollCrawlerOutput,
  errors: [ErrorName.CrawlerFailed, ErrorName.CrawlerTimeout, ErrorName.AwsUnavailable],
  timeoutSeconds: 30,
  resources: { crawler: 'poll' },
});
