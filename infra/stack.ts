/**
 * The spotify-etl stack (issue 5): the lake, the Spotify secrets, the catalog and workgroup,
 * the pipeline's Lambdas and state machine, the daily schedule and the failure alerts.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { Alerts } from './alerts';
import { Catalog } from './catalog';
import type { StackConfig } from './config';
import { Lake } from './lake';
import { Pipeline } from './pipeline';
import { DailySchedule } from './schedule';
import { SnowflakeAccess } from './snowflake';
import { SpotifySecrets } from './spotify-secrets';

/** Properties of the {@link SpotifyEtlStack}. */
export interface SpotifyEtlStackProps extends StackProps {
  readonly config: StackConfig;
}

/** Everything the pipeline needs in one account and region; environment-agnostic, so synth needs no credentials. */
export class SpotifyEtlStack extends Stack {
  /** The parts, for tests and outputs. */
  public readonly lake: Lake;
  public readonly secrets: SpotifySecrets;
  public readonly catalog: Catalog;
  public readonly alerts: Alerts;
  public readonly pipeline: Pipeline;
  public readonly schedule: DailySchedule;
  /** Snowflake's role and notifications; only when the context names Snowflake's external id. */
  public readonly snowflake: SnowflakeAccess | undefined;

  /** Builds the stack from a checked configuration (infra/config.ts). */
  public constructor(scope: Construct, id: string, props: SpotifyEtlStackProps) {
    super(scope, id, { description: 'spotify-etl: Spotify playlists to a curated lake on Step Functions', ...props });
    const { config } = props;
    const key = new kms.Key(this, 'EncryptionKey', {
      description: `${config.namePrefix}: failure topic and crawler logs`,
      enableKeyRotation: true,
      // Outlives the stack: Glue creates the crawler's log group at run time, encrypted with this
      // key, and `cdk destroy` leaves it; deleting the key would make those logs unreadable.
      // docs/deploy.md says how to delete both.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.lake = new Lake(this, 'Lake', { athenaResultsExpirationDays: config.athenaResultsExpirationDays });
    this.secrets = new SpotifySecrets(this, 'Spotify', config);
    this.catalog = new Catalog(this, 'Catalog', { lake: this.lake, key, config });
    this.alerts = new Alerts(this, 'Alerts', { key, config });
    this.pipeline = new Pipeline(this, 'Pipeline', {
      lake: this.lake,
      catalog: this.catalog,
      spotify: { credentials: this.secrets.credentials, tokenCache: this.secrets.tokenCache },
      failureTopic: this.alerts.topic,
      key,
      config,
    });
    this.schedule = new DailySchedule(this, 'Daily', { stateMachine: this.pipeline.stateMachine, config });
    this.alerts.watchStateMachine(this.pipeline.stateMachine);
    // A disabled schedule (no playlists) starts nothing, so there is no freshness to watch.
    if (config.playlists.length > 0) this.alerts.watchFreshness(this.pipeline.stateMachine);
    this.alerts.watchDeadLetterQueue(this.schedule.deadLetterQueue);
    // The client_credentials grant has no refresh token, hence no age to watch.
    if (config.spotifyGrant === 'refresh_token') this.alerts.watchRefreshTokenAge();
    this.snowflake = config.snowflakeExternalId === '' ? undefined : new SnowflakeAccess(this, 'Snowflake', { lake: this.lake, config });

    const output = (id: string, value: string, description: string): void => {
      new CfnOutput(this, id, { value, description });
    };
    output('StateMachineArn', this.pipeline.stateMachine.stateMachineArn, 'export SPOTIFY_ETL_STATE_MACHINE_ARN=<this> for `spotify-etl remote`');
    output('LakeBucketName', this.lake.bucket.bucketName, 'The lake: raw/, curated/, runs/');
    output('CredentialsSecretName', `${config.namePrefix}/spotify-credentials`, 'Put the Spotify credentials here (docs/deploy.md)');
    output('GlueDatabaseName', this.catalog.databaseName, 'Query the curated tables in Athena from this database');
    output('AthenaWorkGroupName', this.catalog.workGroupName, 'Run Athena queries in this workgroup');
    output('FailureTopicArn', this.alerts.topic.topicArn, 'Subscribe to failure alerts here');
    if (this.snowflake) output('SnowflakeRoleArn', this.snowflake.role.roleArn, 'STORAGE_AWS_ROLE_ARN of the Snowflake storage integration (docs/snowflake.md)');
  }
}
