/** EventBridge Scheduler's port: a throttled run's one-time restart. */
import { SchedulerRunRestarts } from '../../adapters/aws/scheduler-run-restarts';
import { envNames, type StepEnv } from '../env';
import type { StepPorts } from '../ports';

/** The port a `restarts` declaration brings: schedules in the stack's restart group that start this state machine as the restart role. */
export const restarts = (env: StepEnv): Pick<StepPorts, 'restarts'> => ({
  restarts: new SchedulerRunRestarts({
    stateMachineArn: env[envNames.stateMachineArn] as string,
    roleArn: env[envNames.restartRoleArn] as string,
    group: env[envNames.restartGroup] as string,
  }),
});
