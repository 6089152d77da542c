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

  it('creates one schedule per request that starts this state machine once, with that request, and deletes itself after', async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/spotify-etl-restarts/x' });
    const earlier = { mode: 'backfill', from: '2026-11-18', to: '2026-11-19' };
    const today = { mode: 'manual', date: '2026-11-20', playlists: ['37i9dQZF1DZ06evO25rXbO'] };
    // Act
    await restarts.restartAt({ executionName: 'a1b2c3d4-0000-1111-2222-333344445555', at: new Date('2026-11-20T08:00:00.250Z'), inputs: [earlier, today] });
    // Assess
    const schedule = (part: number, request: unknown) => ({
      Name: `restart-a1b2c3d4-0000-1111-2222-333344445555-${part}`,
      GroupName: 'spotify-etl-restarts',
      Description: `Restarts throttled execution a1b2c3d4-0000-1111-2222-333344445555: request ${part} of 2`,
      ScheduleExpression: 'at(2026-11-20T08:00:01)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: target.stateMachineArn, RoleArn: target.roleArn, Input: JSON.stringify(request) },
    });
    expect(scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input)).toEqual([schedule(1, earlier), schedule(2, today)]);
  });

  it('counts a schedule its earlier try already created as scheduled and creates the ones it did not, so a retried NotifyFailure schedules each once', async () => {
    // Prepare: the first try created the first schedule, then failed
    scheduler
      .on(CreateScheduleCommand, { Name: 'restart-exec-1-1' })
      .rejects(new ConflictException({ message: 'Schedule already exists', Message: 'Schedule already exists', $metadata: {} }))
      .on(CreateScheduleCommand, { Name: 'restart-exec-1-2' })
      .resolves({ ScheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/spotify-etl-restarts/restart-exec-1-2' });
    // Act
    const restarting = restarts.restartAt({ executionName: 'exec-1', at: new Date('2026-11-20T08:00:00Z'), inputs: [input, input] });
    // Assess
    await expect(restarting).resolves.toBeUndefined();
    expect(scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input.Name)).toEqual(['restart-exec-1-1', 'restart-exec-1-2']);
  });

  it('reports throttling by Scheduler as AwsUnavailableError, which the machine retries', async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    // Act
    const restarting = restarts.restartAt({ executionName: 'exec-1', at: new Date('2026-11-20T08:00:00Z'), inputs: [input] });
    // Assess
    await expect(restarting).rejects.toThrow(AwsUnavailableError);
    await expect(restarting).rejects.toThrow(/CreateSchedule restart-exec-1-1 in group spotify-etl-restarts failed: ThrottlingException: Rate exceeded/);
  });

  it('names a schedule within 64 allowed characters, different for each request and for two long execution names that share a start', () => {
    // Act
    const names = [`${'x'.repeat(70)}-1`, `${'x'.repeat(70)}-2`].flatMap((executionName) => [1, 2].map((part) => restartScheduleName(executionName, part)));
    // Assess
    for (const name of names) expect(name).toMatch(/^[0-9A-Za-z_.-]{1,64}$/);
    expect(new Set(names).size).toBe(4);
    expect(restartScheduleName('local 2026/11/20', 1)).toMatch(/^restart-local_2026_11_20-[0-9a-f]{8}-1$/);
    // Names that differ only where characters were replaced get schedules of their own.
    expect(restartScheduleName('run+1', 1)).not.toBe(restartScheduleName('run_1', 1));
    // The part always ends the name, even the first: execution "run" part 2 is not execution "run-2" part 1.
    expect(restartScheduleName('run', 2)).not.toBe(restartScheduleName('run-2', 1));
  });

  it('never schedules before the time asked: a fraction of a second rounds up', () => {
    expect(atExpression(new Date('2026-11-20T08:00:00.000Z'))).toBe('at(2026-11-20T08:00:00)');
    expect(atExpression(new Date('2026-11-20T23:59:59.001Z'))).toBe('at(2026-11-21T00:00:00)');
  });
});
