/**
 * The catalog side of the lake: a Glue database; one crawler over `curated/` that makes one
 * `staged_<table>` per curated table folder (every run's files, partitioned by snapshot_date and
 * run_id); the `run_manifests` table over `runs/`; one view per curated table that shows only
 * each date's published run (core/publication.ts); and the Athena workgroup.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { analystViews } from '../core/analyst-views';
import { curatedTablePrefix, runManifestsPrefix } from '../core/lake/keys';
import { manifestColumns, manifestsTableName, publishedViewColumns, publishedViewSql } from '../core/publication';
import { stagedTablePrefix, tableNames } from '../core/tables';
import type { StackConfig } from './config';
import { Lake } from './lake';
import { acknowledge, logicalIdOf, wildcardResourceFinding } from './nag';

/** Properties of the {@link Catalog}. */
export interface CatalogProps {
  readonly lake: Lake;
  /** Encrypts the crawler's CloudWatch logs. */
  readonly key: kms.IKey;
  readonly config: Pick<StackConfig, 'namePrefix' | 'athenaBytesScannedCutoff'>;
}

/** The Glue database, crawler and Athena workgroup. */
export class Catalog extends Construct {
  /** The Glue database the crawler fills; Athena's database name. */
  public readonly databaseName: string;
  public readonly crawlerName: string;
  public readonly crawlerArn: string;
  public readonly workGroupName: string;
  public readonly workGroupArn: string;
  /** The Data Catalog, the database and its tables. */
  public readonly catalogArns: readonly string[];

  /** Creates the database, the crawler with its role and security configuration, and the workgroup. */
  public constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    const { lake, key, config } = props;
    const stack = Stack.of(this);
    // Athena cannot use a database name with "-" without quoting it in every query.
    this.databaseName = config.namePrefix.replace(/-/g, '_');
    this.crawlerName = `${config.namePrefix}-curated`;
    this.workGroupName = config.namePrefix;
    const arn = (resource: string): string => stack.formatArn({ service: 'glue', resource });
    this.crawlerArn = arn(`crawler/${this.crawlerName}`);
    this.workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName });
    this.catalogArns = [arn('catalog'), arn(`database/${this.databaseName}`), arn(`table/${this.databaseName}/*`)];

    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'Curated Spotify playlist tables, one per folder below curated/' },
    });

    const securityConfiguration = new glue.CfnSecurityConfiguration(this, 'SecurityConfiguration', {
      name: `${config.namePrefix}-crawler`,
      encryptionConfiguration: {
        cloudWatchEncryption: { cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn: key.keyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: key.keyArn },
        s3Encryptions: [{ s3EncryptionMode: 'SSE-S3' }],
      },
    });

    // Glue writes an encrypted crawler's logs to /aws-glue/crawlers-role/<role>-<security configuration>.
    const crawlerLogs = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '/aws-glue/crawlers*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // CloudWatch Logs encrypts those log groups itself, so the key must trust it for them alone.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': crawlerLogs } },
      }),
    );
    const role = new iam.Role(this, 'CrawlerRole', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: `Lets the ${this.crawlerName} crawler read curated/ and register its tables`,
      inlinePolicies: {
        Crawl: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [lake.bucket.bucketArn] }),
            new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [lake.objectsArn('curated/')] }),
            new iam.PolicyStatement({
              actions: [
                'glue:GetDatabase',
                'glue:GetTable',
                'glue:GetTables',
                'glue:CreateTable',
                'glue:UpdateTable',
                'glue:GetPartition',
                'glue:GetPartitions',
                'glue:BatchGetPartition',
                'glue:CreatePartition',
                'glue:BatchCreatePartition',
                'glue:UpdatePartition',
                'glue:BatchUpdatePartition',
                'glue:CreatePartitionIndex',
              ],
              resources: [...this.catalogArns],
            }),
            new iam.PolicyStatement({
              actions: ['glue:GetSecurityConfiguration'],
              resources: [arn(`securityConfiguration/${securityConfiguration.name}`)],
            }),
            new iam.PolicyStatement({
              actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
              resources: [crawlerLogs, `${crawlerLogs}:*`],
            }),
            new iam.PolicyStatement({ actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }),
          ],
        }),
      },
    });
    const crawlerAcknowledgements: [string, string][] = [
      [`<${logicalIdOf(lake.bucket)}.Arn>/curated/*`, 'The crawler reads every curated Parquet file; keys carry dates, so the prefix is as narrow as IAM allows.'],
      [`arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${this.databaseName}/*`, 'The crawler creates the tables itself, so their names are not known at deploy time; access stays within this database.'],
      ['arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws-glue/crawlers*', 'Glue names the log group after the role and security configuration (/aws-glue/crawlers-role/...) at run time.'],
      ['arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws-glue/crawlers*:*', "The log streams of the crawler's log group, named by Glue at run time."],
    ];
    for (const [resource, reason] of crawlerAcknowledgements) acknowledge(role, wildcardResourceFinding(resource), reason);

    const crawler = new glue.CfnCrawler(this, 'Crawler', {
      name: this.crawlerName,
      role: role.roleArn,
      databaseName: this.databaseName,
      description: 'Registers the curated tables and their snapshot_date partitions; started by the state machine, never on a schedule',
      // One include path per curated table; with CombineCompatibleSchemas each path becomes
      // exactly one table named after its folder, and TableThreshold fails a crawl that would
      // invent more. The paths come from core/tables.ts; a new table or column still needs one full
      // crawl after its deploy, since an incremental crawler only logs schema changes (docs/development.md).
      targets: { s3Targets: tableNames.map((table) => ({ path: `s3://${lake.bucket.bucketName}/${curatedTablePrefix(table)}` })) },
      recrawlPolicy: { recrawlBehavior: 'CRAWL_NEW_FOLDERS_ONLY' },
      // Glue requires LOG for both when only new folders are crawled.
      schemaChangePolicy: { updateBehavior: 'LOG', deleteBehavior: 'LOG' },
      crawlerSecurityConfiguration: securityConfiguration.name,
      // The crawled tables hold candidates too; analysts query the published views, which take the bare names.
      tablePrefix: stagedTablePrefix,
      configuration: JSON.stringify({
        Version: 1.0,
        Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas' },
        CrawlerOutput: {
          Partitions: { AddOrUpdateBehavior: 'InheritFromTable' },
          Tables: { AddOrUpdateBehavior: 'MergeNewColumns', TableThreshold: tableNames.length },
        },
      }),
    });
    // The crawler names both by string, so CloudFormation needs telling to create them first.
    crawler.node.addDependency(database, securityConfiguration);
    this.declarePublication(database, lake);

    new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'Validation queries over the curated tables',
      state: 'ENABLED',
      // Lets `cdk destroy` remove the workgroup even when it holds saved queries.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: config.athenaBytesScannedCutoff,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${lake.bucket.bucketName}/${Lake.athenaResultsPrefix}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: stack.account,
        },
      },
    });
  }

  /**
   * The manifests table and the published views. The manifests table is declared, not crawled:
   * unpartitioned over `runs/`, so a date's new manifest is read at once, and JSON (one line per
   * manifest). Each view is a Glue VIRTUAL_VIEW holding its Trino SQL, as Athena's CREATE VIEW
   * stores it, so the stack creates them with the database and no query runs to make them.
   */
  private declarePublication(database: glue.CfnDatabase, lake: Lake): void {
    const stack = Stack.of(this);
    const manifests = new glue.CfnTable(this, 'RunManifests', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: manifestsTableName,
        description: "Each date's run manifest (runs/snapshot_date=D/manifest.json): which run is published",
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'json' },
        storageDescriptor: {
          location: `s3://${lake.bucket.bucketName}/${runManifestsPrefix}`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
          columns: manifestColumns.map((column) => ({ name: column.name, type: column.hiveType })),
        },
      },
    });
    manifests.addDependency(database);
    const published = tableNames.map((table) =>
      this.declareView(`View${table}`, table, `The published ${table}: for each date, the rows of the run its manifest names`, {
        sql: publishedViewSql(table, this.databaseName),
        columns: publishedViewColumns(table),
        after: [manifests],
      }),
    );
    // The analysts' views read the published views (and one another), so they follow them.
    const declared: glue.CfnTable[] = [];
    for (const view of analystViews) {
      const from = (relation: string): string => `"${this.databaseName}"."${relation}"`;
      declared.push(
        this.declareView(`AnalystView${view.name}`, view.name, `For analysts: ${view.doc}`, { sql: view.sql(from), columns: view.columns, after: [...published, ...declared] }),
      );
    }
  }

  /** A Glue VIRTUAL_VIEW holding its Trino SQL and columns, as Athena's CREATE VIEW stores it. */
  private declareView(
    id: string,
    name: string,
    description: string,
    view: { sql: string; columns: readonly { name: string; hive: string; trino: string }[]; after: readonly glue.CfnTable[] },
  ): glue.CfnTable {
    const presto = {
      originalSql: view.sql,
      catalog: 'awsdatacatalog',
      schema: this.databaseName,
      columns: view.columns.map((column) => ({ name: column.name, type: column.trino })),
    };
    const table = new glue.CfnTable(this, id, {
      catalogId: Stack.of(this).account,
      databaseName: this.databaseName,
      tableInput: {
        name,
        description,
        tableType: 'VIRTUAL_VIEW',
        parameters: { presto_view: 'true', comment: 'Presto View' },
        viewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(presto)).toString('base64')} */`,
        viewExpandedText: '/* Presto View */',
        storageDescriptor: { columns: view.columns.map((column) => ({ name: column.name, type: column.hive })) },
      },
    });
    for (const before of view.after) table.addDependency(before);
    return table;
  }
}
