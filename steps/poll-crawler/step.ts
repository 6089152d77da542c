/** PollCrawler's logic: one look at the crawl, bounded by a polling budget. */
import { CrawlerFailedError, CrawlerTimeoutError } from '../../core/errors';
import { pollOnce } from '../../core/polling';
import type { Catalog } from '../../core/ports';
import { crawlerPolling, type PollCrawlerInput, type PollCrawlerOutput } from './contract';

/** What PollCrawler needs: the catalog's crawler and how many polls it may take. */
export interface PollCrawlerDeps {
  readonly catalog: Catalog;
  /** @default crawlerPolling.maxPolls */
  readonly maxPolls?: number;
}

/** Reports the crawl's state; throws when it failed or is still running after the last allowed poll. */
export const runPollCrawler =
  (deps: PollCrawlerDeps) =>
  async (input: PollCrawlerInput): Promise<PollCrawlerOutput> =>
    pollOnce({
      polls: input.polls,
      maxPolls: deps.maxPolls ?? crawlerPolling.maxPolls,
      status: () => deps.catalog.crawlStatus(),
      failed: (status) =>
        new CrawlerFailedError(
          `The crawler failed: ${status.message ?? 'it gave no reason'}. Fix the cause, then rerun the date (the curated files are in place).`,
        ),
      timedOut: (polls) =>
        new CrawlerTimeoutError(
          `The crawler was still running after ${polls} polls ${crawlerPolling.waitSeconds} s apart; check it in the console, then rerun the date.`,
        ),
    });
