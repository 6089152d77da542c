/**
 * One poll of an asynchronous job (a crawl, a query) that the state machine polls under a budget,
 * and the payloads its Start and Poll steps share: both sides of a loop import them from here.
 */
import * as t from 'io-ts';
import { IsoDate } from './dates';
import type { JobState } from './ports';

/** A polled job as the machine's loop carries it: still running or done, and the polls taken. */
export const PolledJob = t.type({ state: t.keyof({ running: null, succeeded: null }), polls: t.number });
export type PolledJob = t.TypeOf<typeof PolledJob>;

/** A validation query the machine polls: of one run's candidate for one date, its id, and its polled state. */
export const ValidationQuery = t.type({ date: IsoDate, executionName: t.string, queryId: t.string, ...PolledJob.props });
export type ValidationQuery = t.TypeOf<typeof ValidationQuery>;

/** How to take one poll of a job, and what to throw when it ends badly. */
export interface PollSpec<S extends { readonly state: JobState }> {
  /** Polls taken before this one. */
  readonly polls: number;
  /** Polls allowed in all: the one that reaches it while the job still runs fails. */
  readonly maxPolls: number;
  /** Asks the engine for the job's state. */
  readonly status: () => Promise<S>;
  /** The error for a job that failed, from the engine's answer. */
  readonly failed: (status: S) => Error;
  /** The error for a job still running at the last allowed poll, given the polls taken. */
  readonly timedOut: (polls: number) => Error;
}

/**
 * Takes one poll: throws `failed` when the job failed, and `timedOut` when it is still running at
 * the last allowed poll; otherwise reports its state with this poll counted. A job that succeeds
 * on the last allowed poll has succeeded.
 */
export const pollOnce = async <S extends { readonly state: JobState }>(spec: PollSpec<S>): Promise<PolledJob> => {
  const polls = spec.polls + 1;
  const status = await spec.status();
  if (status.state === 'failed') throw spec.failed(status);
  if (status.state === 'succeeded') return { state: 'succeeded', polls };
  if (polls >= spec.maxPolls) throw spec.timedOut(polls);
  return { state: 'running', polls };
};
