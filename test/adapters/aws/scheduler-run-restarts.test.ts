import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { atExpression, restartScheduleName, SchedulerRunRestarts } from '../../../adapters/aws/scheduler-run-restarts';
import { AwsUnavailableError } from '../../../core/errors';

const scheduler = mockClient(SchedulerClient);
const target = {
  stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:spotify-etl',
  roleArn: 'arn:aws:iam::123456789012:role/spotify-etl-restarts',
  group: 'spotify-etl-restarts',
};
const restarts = new SchedulerRunRestarts(target, new SchedulerClient({ region: 'eu-west-1' }));
const input = { mode: 'scheduled', scheduledTime: '2026-11-20T06:00:00Z' };

describe('SchedulerRunRestarts', () => {
  beforeEach(() => {
    scheduler.reset();
  });

  it('creates one schedule that starts this state machine once, with the same input, and deletes itself after', async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/spotify-etl-restarts/x' });
    // Act
    await restarts.restartAt({ executionName: 'a1b2c3d4-0000-1111-2222-333344445555', at: new Date('2026-11-20T08:00:00.250Z'), input });
    // Assess
    expect(scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input)).toEqual([
      {
        Name: 'restart-a1b2c3d4-0000-1111-2222-333344445555',
        GroupName: 'spotify-etl-restarts',
        Description: 'Restarts throttled execution a1b2c3d4-0000-1111-2222-333344445555 with its input',
        ScheduleExpression: 'at(2026-11-20T08:00:01)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: target.stateMachineArn, RoleArn: target.roleArn, Input: JSON.stringify(input) },
      },
    ]);
  });

  it('counts a schedule its earlier try already created as scheduled, so a retried NotifyFailure schedules once', async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'Schedule already exists', Message: 'Schedule already exists', $metadata: {} }));
    // Act
    const restarting = restarts.restartAt({ executionName: 'exec-1', at: new Date('2026-11-20T08:00:00Z'), input });
    // Assess
    await expect(restarting).resolves.toBeUndefined();
  });

  it('reports throttling by Scheduler as AwsUnavailableError, which the machine retries', async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    // Act
    const restarting = restarts.restartAt({ executionName: 'exec-1', at: new Date('2026-11-20T08:00:00Z'), input });
    // Assess
    await expect(restarting).rejects.toThrow(AwsUnavailableError);
    await expect(restarting).rejects.toThrow(/CreateSchedule restart-exec-1 in group spotify-etl-restarts failed: ThrottlingException: Rate exceeded/);
  });

  it('names a schedule within 64 allowed characters, different for two long execution names that share a start', () => {
    // Act
    const one = restartScheduleName(`${'x'.repeat(70)}-1`);
    const two = restartScheduleName(`${'x'.repeat(70)}-2`);
    // Assess
    for (const name of [one, two]) expect(name).toMatch(/^[0-9A-Za-z_.-]{1,64}$/);
    expect(one).not.toBe(two);
    expect(restartScheduleName('local 2026/11/20')).toBe('restart-local_2026_11_20');
  });

  it('never schedules before the time asked: a fraction of a second rounds up', () => {
    expect(atExpression(new Date('2026-11-20T08:00:00.000Z'))).toBe('at(2026-11-20T08:00:00)');
    expect(atExpression(new Date('2026-11-20T23:59:59.001Z'))).toBe('at(2026-11-21T00:00:00)');
  });
});
