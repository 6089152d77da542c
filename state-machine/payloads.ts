/**
 * The payloads the machine passes between states, by scope. Each is assembled from step
 * contract types only, so the typed paths of paths.ts follow every contract change.
 */
import type { FetchTokenOutput } from '../steps/fetch-token/contract';
import type { CaughtError, NotifyFailureOutput } from '../steps/notify-failure/contract';
import type { PollCrawlerOutput } from '../steps/poll-crawler/contract';
import type { RecordRunOutput } from '../steps/record-run/contract';
import type { ValidateInputOutput } from '../steps/validate-input/contract';
import type { WriteReportOutput } from '../steps/write-report/contract';

/** The top-level payload: the request as started, then each state's result under its own key. */
export interface RunState {
  readonly request: unknown;
  readonly executionName: string;
  readonly plan: ValidateInputOutput;
  readonly token: FetchTokenOutput;
  readonly crawl: PollCrawlerOutput;
  readonly recorded: RecordRunOutput;
  readonly report: WriteReportOutput;
  readonly error: CaughtError;
  readonly notified: NotifyFailureOutput;
  readonly notifyError: CaughtError;
}
