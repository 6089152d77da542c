/**
 * How long a playlist's read may take at worst, from the rendered ASL alone ({@link
 * pagedReadSeconds}): every Task times out on every attempt its retriers allow, every retry waits
 * its longest (backoff to the cap), every fixed Wait runs in full, and a Wait whose length comes
 * from the payload (a Retry-After) runs as long as the client lets one be (`waitCapSeconds`). It
 * budgets the EXPRESS playlist child, which ends at five minutes (state-machine/definition.ts
 * `playlistExecutionType`).
 */
import type { AslState } from './render';

/** The longest an EXPRESS execution runs, in seconds (Step Functions quota). */
export const expressMaxSeconds = 300;

interface Retrier {
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

/** A state's retries: how many more attempts, and the longest total delay before them (ASL defaults: 1 s, 3 attempts, rate 2). */
const retriesOf = (state: AslState): { attempts: number; delaySeconds: number } =>
  (state.Retry ?? []).reduce<{ attempts: number; delaySeconds: number }>(
    (sum, entry) => {
      const retrier = entry as Retrier;
      const attempts = retrier.MaxAttempts ?? 3;
      const delays = Array.from({ length: attempts }, (_, k) =>
        Math.min((retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** k, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY),
      );
      return { attempts: sum.attempts + attempts, delaySeconds: sum.delaySeconds + delays.reduce((a, b) => a + b, 0) };
    },
    { attempts: 0, delaySeconds: 0 },
  );

/** One attempt of a Task or Wait, without retries: a Task at its timeout, a Wait in full (a payload's wait at the cap). */
const attemptSeconds = (state: AslState, waitCapSeconds: number): number =>
  state.Type === 'Task' ? Number(state['TimeoutSeconds'] ?? 60) : state.Type === 'Wait' ? (state['SecondsPath'] === undefined ? Number(state['Seconds'] ?? 0) : waitCapSeconds) : 0;

/** `once` seconds of work on every attempt `state`'s retriers allow, plus the retry delays between them. */
const withRetries = (state: AslState, once: number): number => {
  const { attempts, delaySeconds } = retriesOf(state);
  return once * (1 + attempts) + delaySeconds;
};

/** One visit of a state: its work on every attempt, plus the retry delays between them. */
const visitSeconds = (state: AslState, waitCapSeconds: number): number => withRetries(state, attemptSeconds(state, waitCapSeconds));

/** The states of a paged read (a Parallel whose one branch reads metadata, then pages in a loop). */
export interface PagedRead {
  /** The metadata Task, and the Wait on its Retry-After. */
  readonly metadata: string;
  readonly metadataWait: string;
  /** The page Task (one invocation reads up to `pagesPerInvocation` pages), and the Wait on its Retry-After. */
  readonly page: string;
  readonly pageWait: string;
  readonly pagesPerInvocation: number;
  /** The longest wait a Retry-After Wait state takes. */
  readonly waitCapSeconds: number;
}

/** The terms of a paged read's worst case, in seconds. */
export interface PagedReadBudget {
  /** The metadata Task: every attempt at its timeout, with its retry delays (no fault: once, at its timeout). */
  readonly metadata: number;
  /** The Retry-After wait before the metadata, at the cap (no fault: none). */
  readonly metadataWait: number;
  /** Each page invocation: with its retries and the Retry-After wait after it, or at its timeout alone. */
  readonly invocation: number;
  /** Page invocations for the playlist: its pages over the per-invocation budget. */
  readonly invocations: number;
  /** The read once: metadata, its wait and every invocation. */
  readonly read: number;
  /** The whole block: the read on every attempt the Parallel's retrier allows, with its delays. */
  readonly total: number;
}

/**
 * The worst case of reading a playlist of `pages` pages through `read`'s Parallel `block`. With
 * `faults: 'every'`, every state on every visit takes every retry at its timeout and every
 * Retry-After wait at the cap, on every invocation; with `faults: 'none'`, each Task runs once at
 * its timeout and nothing waits. Each round of a Retry-After loop (a metadata read asked to wait
 * again, a page read that returned with a wait and no page) is one more such term: this counts
 * one per read and one per invocation.
 * @example pagedReadSeconds(extractPlaylist, names, 200, 'none').total // metadata timeout + 8 × page timeout
 */
export const pagedReadSeconds = (block: AslState, read: PagedRead, pages: number, faults: 'every' | 'none'): PagedReadBudget => {
  const branch = block.Branches?.[0];
  const stateOf = (name: string): AslState => {
    const state = branch?.States[name];
    if (!state) throw new Error(`the paged read has no state ${name}`);
    return state;
  };
  const every = faults === 'every';
  const taskSeconds = (name: string): number => (every ? visitSeconds(stateOf(name), read.waitCapSeconds) : attemptSeconds(stateOf(name), read.waitCapSeconds));
  const waitSeconds = (name: string): number => (every ? attemptSeconds(stateOf(name), read.waitCapSeconds) : 0);
  const metadata = taskSeconds(read.metadata);
  const metadataWait = waitSeconds(read.metadataWait);
  const invocation = taskSeconds(read.page) + waitSeconds(read.pageWait);
  const invocations = Math.max(1, Math.ceil(pages / read.pagesPerInvocation));
  const readOnce = metadata + metadataWait + invocation * invocations;
  return {
    metadata,
    metadataWait,
    invocation,
    invocations,
    read: readOnce,
    total: every ? withRetries(block, readOnce) : readOnce,
  };
};
