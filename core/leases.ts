/**
 * The lease of a date (issue 9 item 4): what a lease records, when it has expired, the refusal a
 * second writer gets, and taking several dates all or none. The adapters (S3 conditional writes,
 * lock files) only decide how a lease is stored and how it is taken over atomically.
 */
import * as t from 'io-ts';
import { DateInUseError } from './errors';
import type { IsoDate } from './dates';
import { cut } from './text';

/**
 * How long a lease holds when its holder never gives it back (an aborted or timed-out
 * execution, which runs neither RecordRun nor NotifyFailure). Longer than any run takes (a
 * daily run takes minutes, a 366-date backfill a few hours), short enough that a date is not
 * blocked past the next day's schedule. A lock file whose process is gone is taken over at once.
 */
export const leaseHours = 24;

/** What a lease records; local lock files add the process that holds it. */
export const LeaseRecord = t.intersection([
  t.type({ holder: t.string, acquiredAt: t.string, expiresAt: t.string }),
  t.partial({ pid: t.number, host: t.string }),
]);
export type LeaseRecord = t.TypeOf<typeof LeaseRecord>;

/** A new lease for `holder`, from `now` for {@link leaseHours}. */
export const newLease = (holder: string, now: Date, process?: { pid: number; host: string }): LeaseRecord => ({
  holder,
  acquiredAt: now.toISOString(),
  expiresAt: new Date(now.getTime() + leaseHours * 3_600_000).toISOString(),
  ...process,
});

/** The lease stored in `text`, or undefined when it is not one (damaged, or written by something else). */
export const parseLease = (text: string): LeaseRecord | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    return LeaseRecord.is(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/** Whether the lease no longer holds at `now`; an unreadable expiry counts as expired. */
export const isExpired = (lease: LeaseRecord, now: Date): boolean => {
  const expiresAt = Date.parse(lease.expiresAt);
  return Number.isNaN(expiresAt) || expiresAt <= now.getTime();
};

/**
 * The refusal of a second writer: the date, the holder (and its process, for a lock file), when
 * the lease expires, and `remedy`, what to do, which depends on where the lease is kept.
 */
export const dateInUse = (date: IsoDate, lease: LeaseRecord, remedy: string): DateInUseError => {
  const process = lease.pid === undefined ? '' : `, pid ${lease.pid} on ${cut(lease.host ?? 'an unknown host')}`;
  return new DateInUseError(
    `${date} is being written by ${cut(lease.holder)} (since ${cut(lease.acquiredAt)}${process}; its lease expires ${cut(lease.expiresAt)}): ` +
      `a second run of a date is refused, not queued; ${remedy}`,
  );
};

/**
 * Takes the lease of each date in ascending order with `acquireOne`; when one is refused, gives
 * back the ones taken so far with `releaseOne` and rethrows, so a refused run holds nothing.
 */
export const acquireAll = async (
  dates: readonly IsoDate[],
  acquireOne: (date: IsoDate) => Promise<void>,
  releaseOne: (date: IsoDate) => Promise<void>,
): Promise<void> => {
  const taken: IsoDate[] = [];
  try {
    for (const date of [...new Set(dates)].sort()) {
      await acquireOne(date);
      taken.push(date);
    }
  } catch (error) {
    // A give-back that fails must not hide the refusal; that lease still expires.
    for (const date of taken) await releaseOne(date).catch(() => undefined);
    throw error;
  }
};
