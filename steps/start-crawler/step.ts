/** StartCrawler's logic. */
import type { Catalog } from '../../core/ports';
import type { StartCrawlerInput, StartCrawlerOutput } from './contract';

/** What StartCrawler needs: the catalog's crawler. */
export interface StartCrawlerDeps {
  readonly catalog: Catalog;
}

/** Starts a crawl; a crawl already running surfaces as CrawlerBusyError, which the machine retries. */
export const runStartCrawler =
  (deps: StartCrawlerDeps) =>
  async (_input: StartCrawlerInput): Promise<StartCrawlerOutput> => {
    await deps.catalog.startCrawl();
    return { state: 'running', polls: 0 };
  };
