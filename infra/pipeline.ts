/**
 * The state machine and its Lambdas: one StepFunction per entry of steps/registry.ts, each bound
 * to exactly the resources its contract declares (core/resources.ts), and the definition from state-machine/definition.ts,
 * the same one the local executor runs.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildDefinition } from '../state-machine/definition';
import { allSteps, type AnyStep } from '../steps/registry';
import type { Catalog } from './catalog';
import type { StackConfig } from './config';
import { Lake } from './lake';
import { acknowledge, logicalIdOf, wildcardResourceFinding } from './nag';
import { RestartSchedules } from './restarts';
import { StepFunction, type DeclaredTargets } from './step-function';

/** What the steps are bound to. */
export interface PipelineProps {
  readonly lake: Lake;
  readonly catalog: Catalog;
  readonly spotify: { readonly credentials: secretsmanager.ISecret; readonly tokenCache: secretsmanager.ISecret };
  readonly failureTopic: sns.ITopic;
  readonly key: kms.IKey;
  readonly config: Pick<
    StackConfig,
    'namePrefix' | 'playlists' | 'logRetentionDays' | 'rejectTolerance' | 'spotifyApiBaseUrl' | 'spotifyAccountsBaseUrl' | 'spotifyGrant'
  >;
}

/** The stack's resources as a step declaration is resolved against them: ARNs for the grants, values for the variables. */
const declaredTargets = ({ lake, catalog, spotify, failureTopic, key, config }: PipelineProps, restarts: RestartSchedules): DeclaredTargets => ({
  lake,
  arns: {
    bucketArn: lake.bucket.bucketArn,
    credentialsSecretArn: spotify.credentials.secretArn,
    tokenCacheSecretArn: spotify.tokenCache.secretArn,
    crawlerArn: catalog.crawlerArn,
    workGroupArn: catalog.workGroupArn,
    catalogArns: catalog.catalogArns,
    athenaResultsPrefix: Lake.athenaResultsPrefix,
    topicArn: failureTopic.topicArn,
    keyArn: key.keyArn,
    restartSchedulesArn: restarts.schedulesArn,
    restartRoleArn: restarts.role.roleArn,
  },
  env: {
    lakeBucket: lake.bucket.bucketName,
    defaultPlaylists: config.playlists,
    credentialsSecret: spotify.credentials.secretArn,
    tokenCacheSecret: spotify.tokenCache.secretArn,
    apiBaseUrl: config.spotifyApiBaseUrl,
    accountsBaseUrl: config.spotifyAccountsBaseUrl,
    grant: config.spotifyGrant,
    crawlerName: catalog.crawlerName,
    workGroup: catalog.workGroupName,
    databaseName: catalog.databaseName,
    rejectTolerance: config.rejectTolerance,
    failureTopicArn: failureTopic.topicArn,
    stateMachineArn: restarts.stateMachineArn,
    restartGroup: restarts.groupName,
    restartRoleArn: restarts.role.roleArn,
  },
});

/** The Lambdas and the state machine. */
export class Pipeline extends Construct {
  /** The deployed workflow. */
  public readonly stateMachine: sfn.StateMachine;
  /** Each step's function by state name. */
  public readonly functions: ReadonlyMap<string, StepFunction>;
  /** Where a throttled run's restart is scheduled, and the role it starts the machine with. */
  public readonly restarts: RestartSchedules;

  /** Creates a function per step, binds it, and builds the state machine over them. */
  public constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const functions = new Map<string, StepFunction>();
    this.restarts = new RestartSchedules(this, 'Restarts', { config: props.config });
    const targets = declaredTargets(props, this.restarts);
    for (const step of allSteps) {
      const fn = new StepFunction(this, `${step.stateName}Fn`, {
        step,
        logRetention: props.config.logRetentionDays,
        namePrefix: props.config.namePrefix,
      });
      fn.bindDeclared(targets);
      functions.set(step.stateName, fn);
    }
    this.functions = functions;
    const functionFor = (step: AnyStep): StepFunction => {
      const fn = functions.get(step.stateName);
      if (!fn) throw new Error(`the definition uses ${step.stateName}, which is not in steps/registry.ts`);
      return fn;
    };

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      // Step Functions requires vended log groups to be named below /aws/vendedlogs/.
      logGroupName: `/aws/vendedlogs/states/${props.config.namePrefix}`,
      retention: props.config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The states get their own scope: their construct ids are the state names, which must
    // not collide with the functions' ids.
    const definition = buildDefinition(new Construct(this, 'Definition'), functionFor);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.config.namePrefix,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // No TimeoutSeconds here: the deployed ASL must be exactly the one the local executor
      // runs; every Task has its own timeout and every polling loop is bounded.
      tracingEnabled: true,
      // Execution data holds playlist ids and counts, not secrets, but logs stay lean and safe.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    const role = this.stateMachine.role;
    acknowledge(
      role,
      wildcardResourceFinding('*'),
      'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray (xray:PutTraceSegments and friends) do not support resource-level permissions; AWS documents Resource "*" for them.',
    );
    // The Distributed Map (ForEachPlaylist) starts each playlist as a child execution of this
    // machine: CDK grants StartExecution on the machine itself, DescribeExecution and
    // StopExecution on its executions, and RedriveExecution on the Map Run's children (a redriven
    // run redrives only the playlists that failed). The children are EXPRESS, which keep no history
    // of their own: they log to this machine's log group, through its logging configuration above.
    const machineName = JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: logicalIdOf(this.stateMachine) }] }] });
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}`;
    // CDK attaches these through its own policy below the state machine, not below the role.
    acknowledge(
      this.stateMachine,
      wildcardResourceFinding(`${executions}:*`),
      "Distributed Map: the machine describes and stops its own child executions, whose names Step Functions chooses; the ARN is this machine's executions only.",
    );
    acknowledge(
      this.stateMachine,
      wildcardResourceFinding(`${executions}/*:*`),
      "Distributed Map: redriving a run redrives its Map Run's failed child executions, whose names Step Functions chooses; the ARN is this machine's Map Runs only.",
    );
    for (const fn of functions.values()) {
      acknowledge(
        role,
        wildcardResourceFinding(`<${logicalIdOf(fn)}.Arn>:*`),
        `CDK grants invoking every version and alias of the ${fn.step.stateName} function; it is still this one function.`,
      );
    }
  }
}
