/** StartCrawler's logic. */
import { runIdOf } from '../../core/lake/keys';
import type { Catalog } from '../../core/ports';
import type { StartCrawlerInput, StartCrawlerOutput } from './contract';

/** What StartCrawler needs: the catalog, its crawler and its staged tables. */
export interface StartCrawlerDeps {
  readonly catalog: Catalog;
}

/**
 * Registers the run's partitions and answers `succeeded`, so the machine goes on with no crawl;
 * when a staged table is missing or differs from core/tables.ts, starts a crawl instead and
 * answers `running`. A crawl already running surfaces as CrawlerBusyError, which the machine retries.
 */
export const runStartCrawler =
  (deps: StartCrawlerDeps) =>
  async (input: StartCrawlerInput): Promise<StartCrawlerOutput> => {
    const { dates, executionName } = input;
    if (dates !== undefined && executionName !== undefined) {
      const runId = runIdOf(executionName);
      const registration = await deps.catalog.registerPartitions(dates.map(({ date }) => ({ date, runId })));
      if (registration.registered) return { state: 'succeeded', polls: 0 };
    }
    await deps.catalog.startCrawl();
    return { state: 'running', polls: 0 };
  };
