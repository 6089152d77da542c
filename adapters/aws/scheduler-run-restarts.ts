/**
 * A throttled run's restart as a one-time EventBridge Scheduler schedule: at the given time it
 * starts this state machine with the input the throttled execution was started with, then
 * deletes itself (ActionAfterCompletion DELETE). The SDK client is loaded on the first restart,
 * not at cold start: only a throttled run's NotifyFailure ever needs it.
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
 * The schedule's name, unique per execution, so a retried NotifyFailure finds its own schedule
 * instead of making a second; a long execution name is cut and made unique again by its hash.
 * @example restartScheduleName('local-20261130T100000-ab12cd') // 'restart-local-20261130T100000-ab12cd'
 */
export const restartScheduleName = (executionName: string): string => {
  const name = `restart-${runIdOf(executionName)}`;
  if (name.length <= maxNameLength) return name;
  const hash = createHash('sha256').update(executionName).digest('hex').slice(0, 12);
  return `${name.slice(0, maxNameLength - hash.length - 1)}-${hash}`;
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

  public async restartAt({ executionName, at, input }: { executionName: string; at: Date; input: unknown }): Promise<void> {
    const sdk = await import('@aws-sdk/client-scheduler');
    this.client ??= new sdk.SchedulerClient({});
    const name = restartScheduleName(executionName);
    try {
      await this.client.send(
        new sdk.CreateScheduleCommand({
          Name: name,
          GroupName: this.target.group,
          Description: `Restarts throttled execution ${executionName} with its input`,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: this.target.stateMachineArn, RoleArn: this.target.roleArn, Input: input === undefined ? '{}' : JSON.stringify(input) },
        }),
      );
    } catch (error) {
      // A retried NotifyFailure meets the schedule its first try made: the restart is scheduled.
      if (awsErrorName(error) === 'ConflictException') return;
      const message = `EventBridge Scheduler CreateSchedule ${name} in group ${this.target.group} failed: ${awsErrorName(error)}: ${awsErrorMessage(error)}`;
      throw isTransientAwsError(error) ? new AwsUnavailableError(message, { cause: error }) : new Error(message, { cause: error });
    }
  }
}
