/**
 * The rule an S3 bucket name follows (S3's naming rules, in short), checked before any request:
 * `snowflake ddl` writes the name into SQL, and `remote` would otherwise send `a/b` or
 * `Bad_Bucket!` to S3 and get back an error that reads like a missing object.
 */
export const s3BucketName = {
  valid: (value: string): boolean => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value),
  rule: 'must be an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)',
} as const;
