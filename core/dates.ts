/**
 * Calendar dates of runs: `YYYY-MM-DD` in UTC. Date arithmetic happens on whole UTC days, so a
 * run's logical date never depends on the machine's time zone.
 */
import * as t from 'io-ts';
import type { Clock } from './ports';

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayMs = 86_400_000;

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (so `2026-02-30` is not). */
export const isIsoDate = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const match = isoDatePattern.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
};

/**
 * A calendar date `YYYY-MM-DD` (UTC), the snapshot date of a run: the codec, and its type
 * derived from it. The value stays a string on both sides.
 */
export const IsoDate = new t.Type<string, string, unknown>(
  'IsoDate',
  isIsoDate,
  (value, context) => (isIsoDate(value) ? t.success(value) : t.failure(value, context)),
  t.identity,
);
export type IsoDate = t.TypeOf<typeof IsoDate>;

/**
 * The UTC calendar date of an instant.
 * @example utcDateOf(new Date('2026-11-20T23:30:00-02:00')) // '2026-11-21'
 */
export const utcDateOf = (instant: Date): IsoDate => instant.toISOString().slice(0, 10);

/**
 * The date `days` after `date` (before it when negative).
 * @example addDays('2026-12-31', 1) // '2027-01-01'
 */
export const addDays = (date: IsoDate, days: number): IsoDate =>
  utcDateOf(new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs));

/**
 * Whole days from `from` to `to` (negative when `to` is earlier).
 * @example daysBetween('2026-11-01', '2026-11-03') // 2
 */
export const daysBetween = (from: IsoDate, to: IsoDate): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);

/**
 * Every date from `from` to `to`, both included, ascending.
 * @example dateRange('2026-11-01', '2026-11-03') // ['2026-11-01', '2026-11-02', '2026-11-03']
 */
export const dateRange = (from: IsoDate, to: IsoDate): IsoDate[] =>
  Array.from({ length: Math.max(0, daysBetween(from, to) + 1) }, (_, index) => addDays(from, index));

/** The machine's clock; tests pass a fixed one instead. */
export const systemClock: Clock = { now: () => new Date() };
