/** The Glue crawler over `curated/`: the Catalog port over the Glue SDK v3 client. */
import { GetCrawlerCommand, StartCrawlerCommand, type GlueClient } from '@aws-sdk/client-glue';
import { AwsUnavailableError, CrawlerBusyError, CrawlerFailedError } from '../../core/errors';
import type { Catalog, JobState } from '../../core/ports';
import { awsErrorMessage, awsErrorName, isTransientAwsError } from './aws-errors';

/** Starts the stack's crawler and reports on its crawls. */
export class GlueCatalog implements Catalog {
  /** `glue` is a configured client; `crawlerName` the crawler's name (GLUE_CRAWLER_NAME). */
  public constructor(
    private readonly glue: GlueClient,
    private readonly crawlerName: string,
  ) {}

  /** Starts a crawl; a crawl already under way is CrawlerBusyError, which the state machine retries. */
  public async startCrawl(): Promise<void> {
    try {
      await this.glue.send(new StartCrawlerCommand({ Name: this.crawlerName }));
    } catch (error) {
      if (awsErrorName(error) === 'CrawlerRunningException') {
        throw new CrawlerBusyError(`Glue crawler ${this.crawlerName} is already running; start it again when it is done`, {
          cause: error,
        });
      }
      throw this.translate('StartCrawler', error);
    }
  }

  /**
   * RUNNING or STOPPING is running; READY is the outcome of the last crawl: SUCCEEDED, or
   * FAILED / CANCELLED with Glue's message.
   */
  public async crawlStatus(): Promise<{ state: JobState; message?: string | undefined }> {
    let crawler;
    try {
      crawler = (await this.glue.send(new GetCrawlerCommand({ Name: this.crawlerName }))).Crawler;
    } catch (error) {
      throw this.translate('GetCrawler', error);
    }
    if (crawler?.State === 'RUNNING' || crawler?.State === 'STOPPING') return { state: 'running' };
    const last = crawler?.LastCrawl;
    if (last?.Status === 'SUCCEEDED') return { state: 'succeeded' };
    if (last?.Status === 'FAILED' || last?.Status === 'CANCELLED') {
      const detail = last.ErrorMessage ? `: ${last.ErrorMessage}` : '';
      const logs = last.LogGroup ? ` (logs: ${[last.LogGroup, last.LogStream].filter(Boolean).join(' ')})` : '';
      return { state: 'failed', message: `Glue crawler ${this.crawlerName} last crawl ${last.Status}${detail}${logs}` };
    }
    return {
      state: 'failed',
      message: `Glue crawler ${this.crawlerName} is ${crawler?.State ?? 'in no known state'} and has no finished crawl; start it first`,
    };
  }

  private translate(operation: string, error: unknown): Error {
    const where = `Glue ${operation} for crawler ${this.crawlerName} failed: ${awsErrorName(error)}: ${awsErrorMessage(error)}`;
    if (awsErrorName(error) === 'EntityNotFoundException') {
      return new CrawlerFailedError(`${where}; deploy the stack or set GLUE_CRAWLER_NAME to an existing crawler`, {
        cause: error,
      });
    }
    if (isTransientAwsError(error)) return new AwsUnavailableError(where, { cause: error });
    return new Error(where, { cause: error });
  }
}
