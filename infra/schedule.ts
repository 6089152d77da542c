/**
 * The daily schedule (DESIGN §1): EventBridge Scheduler starts the machine with the scheduled
 * time, from which ValidateInput takes the logical date, so a late or retried start still
 * writes the right day. Events it cannot deliver go to a dead-letter queue.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StackConfig } from './config';
import { acknowledge } from './nag';

/** Properties of the {@link DailySchedule}. */
export interface DailyScheduleProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly config: Pick<StackConfig, 'namePrefix' | 'schedule' | 'scheduleTimezone' | 'playlists'>;
}

/** The schedule and its dead-letter queue. */
export class DailySchedule extends Construct {
  /** Where Scheduler parks an event it could not deliver after its retries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The schedule; disabled while no playlists are configured, since every run would fail. */
  public readonly schedule: scheduler.Schedule;

  /** Creates the schedule, its target with retries, and the dead-letter queue. */
  public constructor(scope: Construct, id: string, props: DailyScheduleProps) {
    super(scope, id);
    const { config } = props;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the schedule; a queue for its failures would have nothing to receive.');
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: `${config.namePrefix}-daily`,
      description: 'Starts the spotify-etl pipeline for the scheduled date',
      schedule: scheduler.ScheduleExpression.expression(config.schedule, TimeZone.of(config.scheduleTimezone)),
      enabled: config.playlists.length > 0,
      target: new targets.StepFunctionsStartExecution(props.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ mode: 'scheduled', scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 5,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}
