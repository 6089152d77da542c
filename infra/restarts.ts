/**
 * Where a throttled run's restart is scheduled (issue 11 item 7): NotifyFailure creates a
 * one-time schedule in this group (steps/notify-failure, adapters/aws/scheduler-run-restarts.ts),
 * and Scheduler starts the state machine with this role. The state machine's ARN is formatted
 * from its fixed name rather than referenced: the NotifyFailure function, which the state machine
 * references, needs it in its environment, and a reference would make a cycle.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { StackConfig } from './config';

/** Properties of {@link RestartSchedules}. */
export interface RestartSchedulesProps {
  readonly config: Pick<StackConfig, 'namePrefix'>;
}

/** The restart schedules' group and the role they start the state machine with. */
export class RestartSchedules extends Construct {
  /** The state machine restarts start (named `namePrefix` by infra/pipeline.ts). */
  public readonly stateMachineArn: string;
  /** The group every restart schedule is created in. */
  public readonly groupName: string;
  /** The ARN pattern of the group's schedules, which NotifyFailure may create. */
  public readonly schedulesArn: string;
  /** The role Scheduler assumes to start the state machine. */
  public readonly role: iam.Role;

  /** Creates the group and the role. */
  public constructor(scope: Construct, id: string, props: RestartSchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.stateMachineArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: props.config.namePrefix, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.groupName = `${props.config.namePrefix}-restarts`;
    new scheduler.ScheduleGroup(this, 'Group', { scheduleGroupName: this.groupName, removalPolicy: RemovalPolicy.DESTROY });
    this.schedulesArn = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.groupName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.role = new iam.Role(this, 'Role', {
      description: 'EventBridge Scheduler starts the spotify-etl state machine again after a throttled run',
      // Only schedules of this account may assume it (the confused-deputy guard Scheduler documents).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArn] }));
  }
}
