/**
 * `spotify-etl snowflake ddl`: prints the Snowflake SQL that auto-ingests the published tables
 * through Snowpipe (core/snowflake.ts, docs/snowflake.md). It only prints: nothing is sent to
 * Snowflake or AWS, so it runs offline and needs no credentials.
 */
import { defaultSnowflakeTarget, isSnowflakeIdentifier, snowflakeDdl, type SnowflakeTarget } from '../../core/snowflake';
import { parseOptions, UsageError, type Command } from '../command';
import { s3BucketName } from '../s3-bucket-name';

export const snowflakeHelp = `usage: spotify-etl snowflake ddl [--bucket NAME] [--database NAME] [--schema NAME] [--role-arn ARN]

Prints the Snowflake SQL (storage integration, file formats, stages, the manifests' external
table, and per curated table a staged table, an auto-ingest pipe and the published view).
  --bucket NAME     the lake bucket (the stack's LakeBucketName output)
  --database NAME   Snowflake database (default ${defaultSnowflakeTarget.database})
  --schema NAME     Snowflake schema (default ${defaultSnowflakeTarget.schema})
  --role-arn ARN    the role Snowflake assumes (the stack's SnowflakeRoleArn output, or
                    arn:aws:iam::<account-id>:role/<namePrefix>-snowflake before the first deploy)
Set-up step by step: docs/snowflake.md`;

/** Each option's rule, checked before anything is printed. */
const rules: Record<'bucket' | 'database' | 'schema' | 'role-arn', { valid: (value: string) => boolean; rule: string }> = {
  bucket: s3BucketName,
  database: { valid: isSnowflakeIdentifier, rule: 'must be a Snowflake name: a letter or _, then letters, digits or _' },
  schema: { valid: isSnowflakeIdentifier, rule: 'must be a Snowflake name: a letter or _, then letters, digits or _' },
  'role-arn': { valid: (value) => /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(value), rule: 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/spotify-etl-snowflake' },
};

/** Prints the DDL for the given bucket, database, schema and role. */
export const snowflake: Command = async (args, io) => {
  const { values } = parseOptions(args, {
    bucket: { type: 'string' },
    database: { type: 'string' },
    schema: { type: 'string' },
    'role-arn': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out.write(`${snowflakeHelp}\n`);
    return 0;
  }
  for (const [option, { valid, rule }] of Object.entries(rules)) {
    const value = values[option as keyof typeof rules];
    if (value !== undefined && !valid(value)) throw new UsageError(`--${option} ${JSON.stringify(value)} ${rule}`);
  }
  const target: SnowflakeTarget = {
    bucket: values.bucket ?? defaultSnowflakeTarget.bucket,
    database: values.database ?? defaultSnowflakeTarget.database,
    schema: values.schema ?? defaultSnowflakeTarget.schema,
    roleArn: values['role-arn'] ?? defaultSnowflakeTarget.roleArn,
  };
  const missing = [values.bucket === undefined ? '--bucket' : '', values['role-arn'] === undefined ? '--role-arn' : ''].filter(Boolean);
  if (missing.length > 0) {
    io.err.write(`spotify-etl snowflake ddl: without ${missing.join(' and ')} the SQL holds placeholders in <angle brackets>; replace them before running it\n`);
  }
  io.out.write(snowflakeDdl(target));
  return 0;
};
