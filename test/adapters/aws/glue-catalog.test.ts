import {
  CrawlerRunningException,
  EntityNotFoundException,
  GetCrawlerCommand,
  GlueClient,
  StartCrawlerCommand,
  type Crawler,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { GlueCatalog } from '../../../adapters/aws/glue-catalog';
import { AwsUnavailableError, CrawlerBusyError, CrawlerFailedError } from '../../../core/errors';

const glue = mockClient(GlueClient);
const catalog = new GlueCatalog(new GlueClient({ region: 'eu-west-1' }), 'spotify-etl-curated');
const crawlerIs = (crawler: Crawler): void => {
  glue.on(GetCrawlerCommand, { Name: 'spotify-etl-curated' }).resolves({ Crawler: { Name: 'spotify-etl-curated', ...crawler } });
};

describe('GlueCatalog', () => {
  beforeEach(() => {
    glue.reset();
  });

  it('fails with AwsUnavailableError, which the machine retries, when Glue throttles', async () => {
    // Prepare
    glue.on(GetCrawlerCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    // Act
    const failure = await catalog.crawlStatus().catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(AwsUnavailableError);
    expect((failure as Error).message).toContain('Glue GetCrawler for crawler spotify-etl-curated failed: ThrottlingException');
  });

  it('starts the configured crawler by name', async () => {
    // Prepare
    glue.on(StartCrawlerCommand).resolves({});
    // Act
    await catalog.startCrawl();
    // Assess
    expect(glue.commandCalls(StartCrawlerCommand).map((call) => call.args[0].input)).toEqual([{ Name: 'spotify-etl-curated' }]);
  });

  it('fails with CrawlerBusyError when the crawler is already running, keeping the Glue error as cause', async () => {
    // Prepare
    const running = new CrawlerRunningException({ message: 'Crawler with name spotify-etl-curated has already started', $metadata: {} });
    glue.on(StartCrawlerCommand).rejects(running);
    // Act
    const failure = await catalog.startCrawl().catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(CrawlerBusyError);
    expect((failure as Error).name).toBe('CrawlerBusyError');
    expect((failure as Error).message).toContain('spotify-etl-curated is already running');
    expect((failure as Error).cause).toBe(running);
  });

  it('fails with CrawlerFailedError saying what to do when the crawler does not exist', async () => {
    // Prepare
    glue.on(StartCrawlerCommand).rejects(new EntityNotFoundException({ message: 'Crawler entry with name x does not exist', $metadata: {} }));
    // Act / Assess
    await expect(catalog.startCrawl()).rejects.toThrow(CrawlerFailedError);
    await expect(catalog.startCrawl()).rejects.toThrow(/GLUE_CRAWLER_NAME/);
  });

  it('reports running while the crawler is RUNNING or STOPPING, even when an earlier crawl succeeded', async () => {
    // Prepare
    crawlerIs({ State: 'RUNNING', LastCrawl: { Status: 'SUCCEEDED' } });
    // Act
    const running = await catalog.crawlStatus();
    crawlerIs({ State: 'STOPPING' });
    const stopping = await catalog.crawlStatus();
    // Assess
    expect(running).toEqual({ state: 'running' });
    expect(stopping).toEqual({ state: 'running' });
    expect(glue.commandCalls(GetCrawlerCommand)[0]?.args[0].input).toEqual({ Name: 'spotify-etl-curated' });
  });

  it('reports succeeded when the crawler is READY after a successful crawl', async () => {
    // Prepare
    crawlerIs({ State: 'READY', LastCrawl: { Status: 'SUCCEEDED', StartTime: new Date('2026-11-20T06:10:00Z') } });
    // Act / Assess
    expect(await catalog.crawlStatus()).toEqual({ state: 'succeeded' });
  });

  it('reports failed with Glue\'s message and log location when the last crawl failed', async () => {
    // Prepare
    crawlerIs({
      State: 'READY',
      LastCrawl: { Status: 'FAILED', ErrorMessage: 'Insufficient Lake Formation permission(s)', LogGroup: '/aws-glue/crawlers', LogStream: 'spotify-etl-curated' },
    });
    // Act
    const status = await catalog.crawlStatus();
    // Assess
    expect(status).toEqual({
      state: 'failed',
      message: 'Glue crawler spotify-etl-curated last crawl FAILED: Insufficient Lake Formation permission(s) (logs: /aws-glue/crawlers spotify-etl-curated)',
    });
  });

  it('reports failed when the last crawl was cancelled', async () => {
    // Prepare
    crawlerIs({ State: 'READY', LastCrawl: { Status: 'CANCELLED' } });
    // Act / Assess
    expect(await catalog.crawlStatus()).toEqual({ state: 'failed', message: 'Glue crawler spotify-etl-curated last crawl CANCELLED' });
  });

  it('reports failed, not succeeded, when the crawler has never crawled', async () => {
    // Prepare
    crawlerIs({ State: 'READY' });
    // Act
    const status = await catalog.crawlStatus();
    // Assess
    expect(status.state).toBe('failed');
    expect(status.message).toContain('has no finished crawl');
  });
});
