/**
 * The payloads the machine passes between states, by scope. Each is assembled from step
 * contract types only, so the typed paths of paths.ts follow every contract change.
 */
import type { CaughtError, NotifyFailureOutput } from '../steps/notify-failure/contract';
import type { PollCrawlerOutput } from '../steps/poll-crawler/contract';
import type { RecordRunOutput } from '../steps/record-run/contract';
import type { steps } from '../steps/registry';
import type { ValidateInputOutput } from '../steps/validate-input/contract';
import type { WriteReportOutput } from '../steps/write-report/contract';
import type { PlacedResults } from './placement';

/** The top-level payload as the machine's own parts fill it: the request as started, then each state's result under its own key. */
export interface RunStateBase {
  readonly request: unknown;
  readonly executionName: string;
  readonly plan: ValidateInputOutput;
  readonly crawl: PollCrawlerOutput;
  readonly recorded: RecordRunOutput;
  readonly report: WriteReportOutput;
  readonly error: CaughtError;
  readonly notified: NotifyFailureOutput;
  readonly notifyError: CaughtError;
}

/** The top-level payload: {@link RunStateBase} and the result of each step the registry places (state-machine/placement.ts). */
export type RunState = RunStateBase & PlacedResults<typeof steps>;
