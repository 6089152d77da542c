/**
 * Snowflake's way into the lake (docs/snowflake.md), built only when the deployment names
 * Snowflake's external id: a role Snowflake's storage integration assumes reads curated Parquet
 * and run manifests and nothing else; once Snowflake's queue is named too, the bucket tells it
 * about every new such object. Two steps, because Snowflake reports its queue only once the
 * pipes exist, and its external table can only be created once the role can be assumed.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { runManifestsPrefix } from '../core/lake/keys';
import { snowflakeRoleName } from '../core/snowflake';
import type { StackConfig } from './config';
import type { Lake } from './lake';
import { acknowledge, logicalIdOf, wildcardResourceFinding } from './nag';

/** Properties of {@link SnowflakeAccess}. */
export interface SnowflakeAccessProps {
  readonly lake: Lake;
  readonly config: Pick<StackConfig, 'namePrefix' | 'snowflakeSqsArn' | 'snowflakeExternalId' | 'snowflakeIamUserArn'>;
}

/**
 * The objects Snowflake reads, as S3 key filters: every run's curated Parquet (the pipes load
 * candidates too; the views show only what a manifest publishes) and the dates' manifests.
 */
export const snowflakeObjects = [
  { prefix: 'curated/', suffix: '.parquet' },
  { prefix: runManifestsPrefix, suffix: '/manifest.json' },
] as const;

/** The event notifications to Snowflake's queue and the role its storage integration assumes. */
export class SnowflakeAccess extends Construct {
  /** The role named in the storage integration's STORAGE_AWS_ROLE_ARN. */
  public readonly role: iam.Role;

  /** Adds the role, and the notifications when the queue is known, to the lake bucket of `props.lake`. */
  public constructor(scope: Construct, id: string, props: SnowflakeAccessProps) {
    super(scope, id);
    const { lake, config } = props;
    const bucket = lake.bucket;
    this.role = new iam.Role(this, 'Role', {
      // A fixed name, so the integration can be created with the role's ARN before the first deploy.
      roleName: snowflakeRoleName(config.namePrefix),
      description: `${config.namePrefix}: assumed by the Snowflake storage integration to read curated Parquet and run manifests`,
      assumedBy: config.snowflakeIamUserArn === '' ? new iam.AccountRootPrincipal() : new iam.ArnPrincipal(config.snowflakeIamUserArn),
      externalIds: [config.snowflakeExternalId],
    });
    const objects = snowflakeObjects.map(({ prefix, suffix }) => bucket.arnForObjects(`${prefix}*${suffix}`));
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: objects }));
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': snowflakeObjects.map(({ prefix }) => `${prefix}*`) } },
      }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [bucket.bucketArn] }));
    const bucketId = logicalIdOf(bucket);
    for (const { prefix, suffix } of snowflakeObjects) {
      acknowledge(
        this.role,
        wildcardResourceFinding(`<${bucketId}.Arn>/${prefix}*${suffix}`),
        `Snowflake reads every ${suffix} object below ${prefix}, whose keys name dates and runs not known at deploy time; nothing else in the bucket matches.`,
      );
    }
    if (config.snowflakeSqsArn !== '') notifyQueue(bucket, config.snowflakeSqsArn);
  }
}

/**
 * Sends `s3:ObjectCreated:*` for {@link snowflakeObjects} to the queue. Set on the bucket's own
 * NotificationConfiguration rather than with `addEventNotification`, whose custom resource would
 * add a Lambda function for something CloudFormation does natively; the queue is Snowflake's,
 * in Snowflake's account, and its policy already admits S3.
 */
const notifyQueue = (bucket: s3.Bucket, queueArn: string): void => {
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  cfnBucket.notificationConfiguration = {
    queueConfigurations: snowflakeObjects.map(({ prefix, suffix }) => ({
      event: 's3:ObjectCreated:*',
      queue: queueArn,
      filter: { s3Key: { rules: [{ name: 'prefix', value: prefix }, { name: 'suffix', value: suffix }] } },
    })),
  };
};
