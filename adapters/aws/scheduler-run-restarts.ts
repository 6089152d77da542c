/**
 * A throttled run's restart as one-time EventBridge Scheduler schedules, one per request that
 * runs its dates again (core/run-input.ts restartRequestsOf): at the given time each starts this
 * state machine with its request, then deletes itself (ActionAfterCompletion DELETE). The SDK
 * client is loaded on the first restart, not at cold start: only a throttled run's NotifyFailure
 * ever needs it.
 */
import { createHash } from 'node:crypto';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { AwsUnavailableError } from '../../core/errors';
import { runIdOf } from '../../core/lake/keys';
import type { RunRestarts } from '../../core/ports';
import { awsErrorMessage, awsErrorName, isTransientAwsError } from './aws-errors';

/** Where restarts are scheduled and what they start. */
export interface RestartTarget {
  /** The state machine a restart starts. */
  readonly stateMachineArn: string;
  /** The role Scheduler assumes to start it (passed with iam:PassRole). */
  readonly roleArn: string;
  /** The schedule group the restarts live in, which the step's grant is scoped to. */
  readonly group: string;
}

/** Scheduler's limit on a schedule name: 1-64 of letters, digits, `-`, `_` and `.`. */
const maxNameLength = 64;

/**
 * The name of the schedule of an execution's `part`-th restart request (from 1): unique per
 * execution and part, so a retried NotifyFailure finds its own schedules instead of making more.
 * The part always ends the name, after a `-`, so the name of one execution's part is never
 * another's; a long execution name is cut and made unique again by its hash.
 * @example restartScheduleName('local-20261130T100000-ab12cd', 1) // 'restart-local-20261130T100000-ab12cd-1'
 */
export const restartScheduleName = (executionName: string, part: number): string => {
  const base = `restart-${runIdOf(executionName)}`;
  const suffix = `-${part}`;
  if (base.length + suffix.length <= maxNameLength) return `${base}${suffix}`;
  const hash = createHash('sha256').update(executionName).digest('hex').slice(0, 12);
  return `${base.slice(0, maxNameLength - hash.length - 1 - suffix.length)}-${hash}${suffix}`;
};

/**
 * Scheduler's one-time expression, in UTC, at the whole second at or after `at`.
 * @example atExpression(new Date('2026-11-30T12:00:00.400Z')) // 'at(2026-11-30T12:00:01)'
 */
export const atExpression = (at: Date): string => `at(${new Date(Math.ceil(at.getTime() / 1000) * 1000).toISOString().slice(0, 19)})`;

/** {@link RunRestarts} over EventBridge Scheduler. */
export class SchedulerRunRestarts implements RunRestarts {
  /** `client` is for tests; by default one is created on the first restart. */
  public constructor(
    private readonly target: RestartTarget,
    private client?: SchedulerClient,
  ) {}

  public async restartAt({ executionName, at, inputs }: { executionName: string; at: Date; inputs: readonly unknown[] }): Promise<void> {
    const sdk = await import('@aws-sdk/client-scheduler');
    const client = (this.client ??= new sdk.SchedulerClient({}));
    for (const [index, input] of inputs.entries()) {
      const name = restartScheduleName(executionName, index + 1);
      try {
        await client.send(
          new sdk.CreateScheduleCommand({
            Name: name,
            GroupName: this.target.group,
            Description: `Restarts throttled execution ${executionName}: request ${index + 1} of ${inputs.length}`,
            ScheduleExpression: atExpression(at),
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: { Arn: this.target.stateMachineArn, RoleArn: this.target.roleArn, Input: JSON.stringify(input ?? {}) },
          }),
        );
      } catch (error) {
        // A retried NotifyFailure meets the schedule its first try made: this request is scheduled.
        if (awsErrorName(error) === 'ConflictException') continue;
        const message = `EventBridge Scheduler CreateSchedule ${name} in group ${this.target.group} failed: ${awsErrorName(error)}: ${awsErrorMessage(error)}`;
        throw isTransientAwsError(error) ? new AwsUnavailableError(message, { cause: error }) : new Error(message, { cause: error });
      }
    }
  }
}
