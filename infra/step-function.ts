/**
 * One Lambda per step, with the function defaults in one place (STYLE §6): Node 24 on arm64,
 * an ESM bundle built locally by esbuild with keepNames (Step Functions matches on
 * `error.name`) and source maps, a log group with retention, and a role holding nothing but
 * what the bind helpers grant. Environment variables are set only by those helpers, each
 * together with the IAM access the variable implies.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { leasesPrefix } from '../core/lake/keys';
import type { AnyStep } from '../steps/registry';
import type { StackConfig } from './config';
import { Lake } from './lake';
import { acknowledge, logicalIdOf, wildcardResourceFinding } from './nag';

/** The repository root: entries, tsconfig and the lock file are found from here. */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Lambda memory per step where the default is too small. */
const memoryMiB: Partial<Record<AnyStep['stateName'], number>> = {
  // Normalise holds a date's rows and encodes Parquet; memory also buys CPU in Lambda.
  Normalise: 1024,
};
const defaultMemoryMiB = 256;

/** Where the Spotify steps find their credentials, token cache and endpoints. */
export interface SpotifyBinding {
  readonly credentials: secretsmanager.ISecret;
  readonly tokenCache: secretsmanager.ISecret;
  readonly config: Pick<StackConfig, 'spotifyApiBaseUrl' | 'spotifyAccountsBaseUrl' | 'spotifyGrant'>;
}

/** The crawler the crawl steps start and poll. */
export interface CrawlerBinding {
  readonly crawlerName: string;
  readonly crawlerArn: string;
}

/** The Athena workgroup and Glue database the validation steps query. */
export interface QueryBinding {
  readonly workGroupName: string;
  readonly workGroupArn: string;
  readonly databaseName: string;
  /** The catalog, database and table ARNs the queries read metadata from. */
  readonly catalogArns: readonly string[];
}

/** Properties of a {@link StepFunction}. */
export interface StepFunctionProps {
  readonly step: AnyStep;
  readonly logRetention: logs.RetentionDays;
  readonly namePrefix: string;
}

/** A step's Lambda: entry `steps/<dir>/handler.ts`, timeout from the step's contract. */
export class StepFunction extends NodejsFunction {
  /** The step this function runs. */
  public readonly step: AnyStep;

  /** Builds the function with the shared defaults and an otherwise empty role. */
  public constructor(scope: Construct, id: string, props: StepFunctionProps) {
    assertLocalEsbuild();
    const { step } = props;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${step.stateName} step of ${props.namePrefix}`,
    });
    super(scope, id, {
      entry: `${repoRoot}steps/${step.dir}/handler.ts`,
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: memoryMiB[step.stateName] ?? defaultMemoryMiB,
      timeout: Duration.seconds(step.timeoutSeconds),
      description: `${props.namePrefix}: ${step.stateName}`,
      role,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.namePrefix,
        POWERTOOLS_METRICS_NAMESPACE: props.namePrefix,
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        // io-ts and fp-ts ship ES modules under `module`: a third of the CommonJS size.
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Step Functions matches Retry/Catch on error.name; minified class names would break that.
        keepNames: true,
        // The pinned SDK the adapters were tested with, not whichever the runtime carries.
        bundleAwsSDK: true,
        // CommonJS dependencies call require(), which an ES module does not have by default.
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });
    this.step = step;
    logGroup.grantWrite(role);
  }

  /** LAKE_BUCKET_NAME, with read (or read and write) access to the lake's keys: raw/, curated/, runs/. */
  public bindLake(lake: Lake, access: 'read' | 'readWrite'): this {
    this.addEnvironment('LAKE_BUCKET_NAME', lake.bucket.bucketName);
    const prefixes = ['raw/', 'curated/', 'runs/'];
    this.allow(['s3:ListBucket'], [lake.bucket.bucketArn]);
    this.allow(
      access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      prefixes.map((prefix) => lake.objectsArn(prefix)),
    );
    this.acknowledgeObjectWildcards(lake, prefixes);
    return this;
  }

  /**
   * The date leases below `leases/` (one writer per date): ValidateInput takes them (read,
   * conditional put, delete of an expired one); RecordRun and NotifyFailure give them back.
   */
  public bindLeases(lake: Lake, access: 'take' | 'release'): this {
    this.addEnvironment('LAKE_BUCKET_NAME', lake.bucket.bucketName);
    this.allow(access === 'take' ? ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'] : ['s3:GetObject', 's3:DeleteObject'], [lake.objectsArn(leasesPrefix)]);
    this.acknowledgeObjectWildcards(lake, [leasesPrefix]);
    return this;
  }

  /** The Spotify secrets and endpoints: read both secrets, write back a new token or a rotated refresh token. */
  public bindSpotify(spotify: SpotifyBinding): this {
    this.addEnvironment('SPOTIFY_CREDENTIALS_SECRET_ID', spotify.credentials.secretArn);
    this.addEnvironment('SPOTIFY_TOKEN_CACHE_SECRET_ID', spotify.tokenCache.secretArn);
    this.addEnvironment('SPOTIFY_API_BASE_URL', spotify.config.spotifyApiBaseUrl);
    this.addEnvironment('SPOTIFY_ACCOUNTS_BASE_URL', spotify.config.spotifyAccountsBaseUrl);
    this.addEnvironment('SPOTIFY_GRANT', spotify.config.spotifyGrant);
    this.allow(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], [spotify.credentials.secretArn, spotify.tokenCache.secretArn]);
    return this;
  }

  /** GLUE_CRAWLER_NAME, with starting and reading that crawler. */
  public bindCrawler(crawler: CrawlerBinding): this {
    this.addEnvironment('GLUE_CRAWLER_NAME', crawler.crawlerName);
    this.allow(['glue:StartCrawler', 'glue:GetCrawler'], [crawler.crawlerArn]);
    return this;
  }

  /**
   * ATHENA_WORKGROUP and GLUE_DATABASE_NAME, with running queries in that workgroup: Athena
   * reads the catalog and the curated data and writes results with the caller's own access.
   */
  public bindQueries(queries: QueryBinding, lake: Lake): this {
    this.addEnvironment('ATHENA_WORKGROUP', queries.workGroupName);
    this.addEnvironment('GLUE_DATABASE_NAME', queries.databaseName);
    this.allow(
      ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
      [queries.workGroupArn],
    );
    this.allow(['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'], [...queries.catalogArns]);
    this.allow(['s3:GetBucketLocation', 's3:ListBucket'], [lake.bucket.bucketArn]);
    this.allow(['s3:GetObject'], [lake.objectsArn('curated/')]);
    this.allow(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], [lake.objectsArn(Lake.athenaResultsPrefix)]);
    this.acknowledgeObjectWildcards(lake, ['curated/', Lake.athenaResultsPrefix]);
    acknowledge(
      this.role ?? this,
      wildcardResourceFinding(`arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${queries.databaseName}/*`),
      "The crawler creates the database's tables at run time, so their names cannot be listed at deploy time; access stays within this stack's database.",
    );
    return this;
  }

  /** FAILURE_TOPIC_ARN, with publishing to that topic through its KMS key. */
  public bindFailureTopic(topic: sns.ITopic, key: kms.IKey): this {
    this.addEnvironment('FAILURE_TOPIC_ARN', topic.topicArn);
    this.allow(['sns:Publish'], [topic.topicArn]);
    this.allow(['kms:GenerateDataKey', 'kms:Decrypt'], [key.keyArn]);
    return this;
  }

  /** DEFAULT_PLAYLIST_IDS: the configured playlists, comma-separated; no AWS access goes with it. */
  public bindDefaultPlaylists(playlistIds: readonly string[]): this {
    this.addEnvironment('DEFAULT_PLAYLIST_IDS', playlistIds.join(','));
    return this;
  }

  /** REJECT_TOLERANCE: entries per date that may fail to decode before validation fails; no AWS access goes with it. */
  public bindRejectTolerance(tolerance: number): this {
    this.addEnvironment('REJECT_TOLERANCE', String(tolerance));
    return this;
  }

  private allow(actions: string[], resources: string[]): void {
    this.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
  }

  /** Object ARNs end in `/*` by nature; the grant is still limited to this bucket's prefixes. */
  private acknowledgeObjectWildcards(lake: Lake, prefixes: readonly string[]): void {
    for (const prefix of prefixes) {
      acknowledge(
        this.role ?? this,
        wildcardResourceFinding(`<${logicalIdOf(lake.bucket)}.Arn>/${prefix}*`),
        `Objects below ${prefix} in this stack's lake bucket; object keys carry dates and ids, so the prefix is as narrow as IAM allows.`,
      );
    }
  }
}

/**
 * Refuses to synthesize without a local esbuild: NodejsFunction would otherwise fall back to
 * bundling in Docker, which is slow where it exists and absent on the build machines.
 */
const assertLocalEsbuild = (): void => {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    throw new Error('esbuild is not installed, and the Lambda bundles must be built locally, never in Docker: run `npm ci` first');
  }
};
