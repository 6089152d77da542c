/** The lake bucket (DESIGN §4) and the bucket its server access logs go to. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { requestsPrefix } from '../core/lake/keys';
import { requestCountsKeptDays } from '../core/requests';

/** Settings of the lake. */
export interface LakeProps {
  /** Days Athena result files are kept below {@link Lake.athenaResultsPrefix}. */
  readonly athenaResultsExpirationDays: number;
}

/**
 * One bucket for raw snapshots, curated Parquet, run manifests and Athena results: private,
 * encrypted, TLS only, access-logged. Both buckets outlive the stack, because raw snapshots
 * cannot be fetched again (Spotify serves only a playlist's current state).
 */
export class Lake extends Construct {
  /** Where the Athena workgroup writes query results; expired by a lifecycle rule. */
  public static readonly athenaResultsPrefix = 'athena-results/';
  /** The lake bucket. */
  public readonly bucket: s3.Bucket;
  /** The bucket holding the lake's server access logs. */
  public readonly accessLogs: s3.Bucket;

  /** Creates both buckets. */
  public constructor(scope: Construct, id: string, props: LakeProps) {
    super(scope, id);
    const secured = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secured,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(365) }],
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...secured,
      // Versioning keeps the previous object when a rerun overwrites a date, so a bad rerun
      // of raw snapshots (which Spotify cannot serve again) can be undone for 30 days.
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'lake/',
      lifecycleRules: [
        { id: 'ExpireAthenaResults', prefix: Lake.athenaResultsPrefix, expiration: Duration.days(props.athenaResultsExpirationDays) },
        { id: 'ExpireRequestCounts', prefix: requestsPrefix, expiration: Duration.days(requestCountsKeptDays) },
        { id: 'ExpireOverwrittenVersions', noncurrentVersionExpiration: Duration.days(30), expiredObjectDeleteMarker: true },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }

  /** The ARN pattern of the objects below `prefix`. */
  public objectsArn(prefix: string): string {
    return this.bucket.arnForObjects(`${prefix}*`);
  }
}
