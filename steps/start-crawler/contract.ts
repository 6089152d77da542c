/**
 * StartCrawler: makes the run's new curated partitions visible to queries. It registers them in
 * the staged tables directly when those already are as core/tables.ts declares; it starts the
 * crawler only when a table is new or its columns differ (the first run, a release that changes
 * a table), since every crawl is billed at least 10 minutes.
 */
import * as t from 'io-ts';
import { ErrorName } from '../../core/errors';
import { PolledJob } from '../../core/polling';
import { PlannedDate } from '../../core/run-input';
import { defineStep } from '../../core/step';

/**
 * The run's dates and its execution name: its partitions are `snapshot_date=D/run_id=R` of each.
 * Both absent (an execution started before they were passed, redriven since): it crawls, as then.
 */
export const StartCrawlerInput = t.exact(t.partial({ dates: t.array(PlannedDate), executionName: t.string }));
export type StartCrawlerInput = t.TypeOf<typeof StartCrawlerInput>;

/** `succeeded` when the partitions were registered, with no crawl to wait for; `running` when a crawl was started. */
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
  resources: { crawler: 'start', partitions: true },
});
