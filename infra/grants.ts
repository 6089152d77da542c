/**
 * A step's IAM statements, derived from its declared resources (core/resources.ts) and nothing
 * else. Plain data with no CDK in it, so the least-privilege test can replay a step's AWS calls
 * against exactly what infra grants without synthesizing the stack.
 */
import { lakePrefixesOf, type LakePrefix, type SecretAccess, type StepResources } from '../core/resources';

/** One Allow statement. */
export interface Grant {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** The ARNs of the stack's resources a declaration may name (CDK tokens in the stack, plain strings in tests). */
export interface ResourceArns {
  readonly bucketArn: string;
  readonly credentialsSecretArn: string;
  readonly tokenCacheSecretArn: string;
  readonly crawlerArn: string;
  readonly workGroupArn: string;
  /** The catalog, database and table ARNs the queries read metadata from. */
  readonly catalogArns: readonly string[];
  /** Where the workgroup writes query results, a prefix of the lake bucket. */
  readonly athenaResultsPrefix: string;
  readonly topicArn: string;
  readonly keyArn: string;
  /** The schedules of the restart group (`…:schedule/<group>/*`). */
  readonly restartSchedulesArn: string;
  /** The role the restart schedules start the state machine with. */
  readonly restartRoleArn: string;
}

/** The ARN pattern of the objects below `prefix` in the bucket. */
export const objectsArn = (bucketArn: string, prefix: string): string => `${bucketArn}/${prefix}*`;

/**
 * The prefixes Athena reads with the caller's access when a validation query runs: the staged
 * tables' files. Validation reads `staged_<table>` only, never the published views over runs/.
 */
export const athenaReadPrefixes: readonly LakePrefix[] = ['curated/'];

const reads = (access: SecretAccess | undefined): boolean => access === 'read' || access === 'readWrite';
const writes = (access: SecretAccess | undefined): boolean => access === 'write' || access === 'readWrite';

/** Every statement a function with `resources` needs, and no other. Empty lists are left out. */
export const grantsOf = (resources: StepResources, arns: ResourceArns): Grant[] => {
  const { lake, spotify } = resources;
  const objects = (prefixes: readonly string[] | undefined): string[] => (prefixes ?? []).map((prefix) => objectsArn(arns.bucketArn, prefix));
  const secrets = (want: (access: SecretAccess | undefined) => boolean): string[] => [
    ...(want(spotify?.credentials) ? [arns.credentialsSecretArn] : []),
    ...(want(spotify?.tokenCache) ? [arns.tokenCacheSecretArn] : []),
  ];
  const grants: Grant[] = [
    // ListBucket cannot be narrowed by prefix here: S3 answers a GetObject of a missing key
    // (a date's first manifest, a free lease) with 404 only to a caller holding ListBucket on
    // the bucket, and a prefix condition does not count for that; without it the 404 is a 403.
    { actions: ['s3:ListBucket'], resources: (lake?.list?.length ?? 0) + (lake?.read?.length ?? 0) > 0 ? [arns.bucketArn] : [] },
    { actions: ['s3:GetObject'], resources: objects(lake?.read) },
    { actions: ['s3:PutObject'], resources: objects(lake?.write) },
    { actions: ['s3:DeleteObject'], resources: objects(lake?.delete) },
    { actions: ['secretsmanager:GetSecretValue'], resources: secrets(reads) },
    { actions: ['secretsmanager:PutSecretValue'], resources: secrets(writes) },
    { actions: ['glue:StartCrawler'], resources: resources.crawler === 'start' ? [arns.crawlerArn] : [] },
    { actions: ['glue:GetCrawler'], resources: resources.crawler === 'poll' ? [arns.crawlerArn] : [] },
    // Glue authorizes both on the catalog, the database and the table.
    { actions: ['glue:GetTable', 'glue:BatchCreatePartition'], resources: resources.partitions ? [...arns.catalogArns] : [] },
    { actions: ['sns:Publish'], resources: resources.failureTopic ? [arns.topicArn] : [] },
    { actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: resources.failureTopic ? [arns.keyArn] : [] },
    { actions: ['scheduler:CreateSchedule'], resources: resources.restarts ? [arns.restartSchedulesArn] : [] },
    { actions: ['iam:PassRole'], resources: resources.restarts ? [arns.restartRoleArn] : [] },
    ...queryGrants(resources.queries, arns),
  ];
  return grants.filter((grant) => grant.resources.length > 0);
};

/** Athena runs a query with the caller's access: the catalog, the staged files and the results location are the caller's to grant. */
const queryGrants = (queries: StepResources['queries'], arns: ResourceArns): Grant[] => {
  const results = objectsArn(arns.bucketArn, arns.athenaResultsPrefix);
  switch (queries) {
    case 'start':
      return [
        { actions: ['athena:StartQueryExecution'], resources: [arns.workGroupArn] },
        { actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'], resources: [...arns.catalogArns] },
        { actions: ['s3:GetBucketLocation', 's3:ListBucket'], resources: [arns.bucketArn] },
        { actions: ['s3:GetObject'], resources: athenaReadPrefixes.map((prefix) => objectsArn(arns.bucketArn, prefix)) },
        { actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [results] },
      ];
    case 'poll':
      return [{ actions: ['athena:GetQueryExecution'], resources: [arns.workGroupArn] }];
    case 'results':
      return [
        { actions: ['athena:GetQueryResults'], resources: [arns.workGroupArn] },
        { actions: ['s3:GetObject'], resources: [results] },
      ];
    case 'run':
      return [...queryGrants('start', arns), ...queryGrants('poll', arns), ...queryGrants('results', arns)];
    case undefined:
      return [];
  }
};

/** The lake prefixes a declaration reaches, for cdk-nag's acknowledgement of object wildcards. */
export const objectPrefixesOf = (resources: StepResources, athenaResultsPrefix: string): string[] => [
  ...new Set([
    ...lakePrefixesOf(resources.lake),
    ...(resources.queries === 'start' || resources.queries === 'run'
      ? [...athenaReadPrefixes, athenaResultsPrefix]
      : resources.queries === 'results'
        ? [athenaResultsPrefix]
        : []),
  ]),
];
