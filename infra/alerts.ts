/**
 * Failure alerts: the topic NotifyFailure publishes to (with an optional e-mail subscription),
 * and alarms on failed, timed-out and throttled executions that reach the same topic even when
 * NotifyFailure itself could not run, and on a refresh token due for re-consent.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { reconsentRunbook, reconsentWarningAgeDays, refreshTokenLifetimeDays } from '../core/reconsent';
import { fetchToken, refreshTokenAgeMetric } from '../steps/fetch-token/contract';
import type { StackConfig } from './config';
import { freshnessWindowHours } from './freshness';

/** Properties of {@link Alerts}. */
export interface AlertsProps {
  readonly key: kms.IKey;
  readonly config: Pick<StackConfig, 'namePrefix' | 'alertEmail' | 'schedule' | 'freshnessMarginHours'>;
}

/** The failure topic and the alarms that publish to it. */
export class Alerts extends Construct {
  /** FAILURE_TOPIC_ARN: KMS-encrypted, TLS only. */
  public readonly topic: sns.Topic;
  private readonly action: actions.SnsAction;
  private readonly config: AlertsProps['config'];

  /** Creates the topic and, when configured, its e-mail subscription. */
  public constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    this.config = props.config;
    this.topic = new sns.Topic(this, 'FailureTopic', {
      topicName: `${props.config.namePrefix}-failures`,
      displayName: 'spotify-etl failures',
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.config.alertEmail !== '') this.topic.addSubscription(new subscriptions.EmailSubscription(props.config.alertEmail));
    // CloudWatch alarms publish to an encrypted topic only when the key lets CloudWatch use it.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.action = new actions.SnsAction(this.topic);
  }

  /** Alarms when any execution fails, times out or is throttled, in a five-minute window. */
  public watchStateMachine(stateMachine: sfn.StateMachine): void {
    const period = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
    this.alarm('ExecutionsFailed', stateMachine.metricFailed(period), 'An execution of the pipeline failed; see `spotify-etl remote status`.');
    this.alarm('ExecutionsTimedOut', stateMachine.metricTimedOut(period), 'An execution of the pipeline timed out.');
    this.alarm('ExecutionsThrottled', stateMachine.metricThrottled(period), 'Step Functions throttled the pipeline.');
  }

  /**
   * The freshness alarm: fires when no execution has succeeded for the schedule's period plus
   * the margin, so an archive that quietly stops (schedule disabled, every run failing or refused,
   * the account's quota spent) is noticed. It counts succeeded executions per hour and alarms
   * when every hour of the window has none; hours with no data at all count as none, so it also
   * fires on a new stack until the first run succeeds.
   */
  public watchFreshness(stateMachine: sfn.StateMachine): void {
    const hours = freshnessWindowHours(this.config);
    if (hours === undefined) throw new Error(`the schedule ${this.config.schedule} has no period; readConfig refuses it`);
    new cloudwatch.Alarm(this, 'NoRecentSuccess', {
      metric: stateMachine.metricSucceeded({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: hours,
      datapointsToAlarm: hours,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription:
        `No execution of the pipeline has succeeded for ${hours} hours (the schedule ${this.config.schedule} plus ` +
        `${this.config.freshnessMarginHours} h): the archive has stopped. See \`spotify-etl remote list\` and docs/operations.md.`,
    }).addAlarmAction(this.action);
  }

  /**
   * The re-consent alarm: fires when FetchToken reports a refresh token at least
   * {@link reconsentWarningAgeDays} days old (the `RefreshTokenAgeDays` metric its Lambda
   * publishes, namespace and service the stack's name prefix as infra/step-function.ts sets
   * them), about two weeks before Spotify refuses it, so the owner consents again before runs
   * fail. Days without a run keep the alarm as it is; it clears with the first run after re-consent.
   */
  public watchRefreshTokenAge(): void {
    new cloudwatch.Alarm(this, 'RefreshTokenAgeing', {
      metric: new cloudwatch.Metric({
        namespace: this.config.namePrefix,
        metricName: refreshTokenAgeMetric,
        dimensionsMap: { service: this.config.namePrefix, stateName: fetchToken.stateName },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.days(1),
      }),
      threshold: reconsentWarningAgeDays,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      alarmDescription:
        `The Spotify refresh token is ${reconsentWarningAgeDays} or more days old; Spotify refuses it about ${refreshTokenLifetimeDays} days ` +
        `after consent and runs then fail with SpotifyReauthRequiredError. Run \`spotify-etl auth login\` as the playlists' owner and ` +
        `put the new credentials in the secret: ${reconsentRunbook}.`,
    }).addAlarmAction(this.action);
  }

  /** Alarms when the schedule could not start an execution and parked the event in its dead-letter queue. */
  public watchDeadLetterQueue(queue: sqs.IQueue): void {
    this.alarm(
      'ScheduleDeadLetters',
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      'The schedule could not start the pipeline; the missed event waits in the dead-letter queue.',
    );
  }

  private alarm(id: string, metric: cloudwatch.IMetric, description: string): void {
    new cloudwatch.Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    }).addAlarmAction(this.action);
  }
}
