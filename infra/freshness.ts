/**
 * How long the pipeline may go without a succeeded execution before the freshness alarm fires:
 * the longest gap the schedule leaves between two runs, plus a margin for retried starts and the
 * run itself (`spotify-etl:freshnessMarginHours`).
 */

/**
 * CloudWatch limits an alarm's evaluation range (period × evaluation periods) to 7 days for
 * periods of an hour or more; the freshness alarm evaluates hourly periods.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export const maxFreshnessWindowHours = 7 * 24;

const unitHours: Record<string, number> = { minute: 1 / 60, minutes: 1 / 60, hour: 1, hours: 1, day: 24, days: 24 };

/**
 * The longest gap, in whole hours, between two starts of an EventBridge Scheduler expression, or
 * undefined when it runs less often than weekly. A cron expression is bounded from above: every
 * day (day-of-month and day-of-week wildcards) is 24 h, certain weekdays 168 h.
 * @example schedulePeriodHours('cron(0 6 * * ? *)') // 24
 * @example schedulePeriodHours('rate(12 hours)') // 12
 */
export const schedulePeriodHours = (expression: string): number | undefined => {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate) return Math.max(1, Math.ceil(Number(rate[1]) * (unitHours[rate[2] ?? ''] ?? Number.NaN)));
  const cron = /^cron\((.+)\)$/.exec(expression)?.[1]?.trim().split(/\s+/);
  if (cron?.length !== 6) return undefined;
  const [, , dayOfMonth, month, dayOfWeek] = cron;
  const any = (field: string | undefined): boolean => field === '*' || field === '?';
  if (month !== '*') return undefined;
  if (any(dayOfMonth) && any(dayOfWeek)) return 24;
  if (dayOfMonth === '?' && !any(dayOfWeek)) return 7 * 24;
  return undefined;
};

/** The schedule's longest gap plus the margin, or undefined when the schedule runs less often than weekly. */
export const freshnessWindowHours = (config: { schedule: string; freshnessMarginHours: number }): number | undefined => {
  const period = schedulePeriodHours(config.schedule);
  return period === undefined ? undefined : period + config.freshnessMarginHours;
};
