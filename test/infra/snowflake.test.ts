/** The Snowflake part of the stack: there with Snowflake's queue and external id, absent without. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../infra/config';
import { synthStack } from './synth';

const queueArn = 'arn:aws:sqs:eu-west-1:999999999999:sf-snowpipe-AIDAEXAMPLE-abc123';
const externalId = 'MYACCOUNT_SFCRole=2_abcdefghijklmnopqrstuvwxyz0=';
const userArn = 'arn:aws:iam::999999999999:user/abc1-s-p2ss1234';
const snowflakeContext = {
  'spotify-etl:snowflakeSqsArn': queueArn,
  'spotify-etl:snowflakeExternalId': externalId,
  'spotify-etl:snowflakeIamUserArn': userArn,
};

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

describe('the Snowflake part of the stack', () => {
  it('with the queue and external id: notifies the queue of new curated Parquet and manifests, and a role under that external id reads only those, nag-clean', () => {
    // Prepare
    const { app, stack } = synthStack(snowflakeContext, { bundle: false });
    // Act
    const template = Template.fromStack(stack);
    const violations = new AwsSolutionsChecks(app).validateScope(app).violations;
    // Assess
    const bucketId = stack.getLogicalId(stack.lake.bucket.node.defaultChild as never);
    const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    const objects = (pattern: string) => ({ 'Fn::Join': ['', [bucketArn, pattern]] });
    const rules = (prefix: string, suffix: string) => ({ S3Key: { Rules: [{ Name: 'prefix', Value: prefix }, { Name: 'suffix', Value: suffix }] } });
    expect(template.toJSON().Resources[bucketId].Properties.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        { Event: 's3:ObjectCreated:*', Queue: queueArn, Filter: rules('curated/', '.parquet') },
        { Event: 's3:ObjectCreated:*', Queue: queueArn, Filter: rules('runs/', '/manifest.json') },
      ],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'spotify-etl-snowflake',
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: userArn }, Condition: { StringEquals: { 'sts:ExternalId': externalId } } }],
      },
    });
    const roleId = stack.getLogicalId(stack.snowflake?.role.node.defaultChild as never);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]?.Properties.PolicyDocument.Statement as Statement[];
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [objects('/curated/*.parquet'), objects('/runs/*/manifest.json')] },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['curated/*', 'runs/*'] } } },
      { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucketArn },
    ]);
    template.hasOutput('SnowflakeRoleArn', {});
    expect(violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it('without the context: no notification, no Snowflake role, no output', () => {
    // Act
    const { stack } = synthStack({}, { bundle: false });
    const template = Template.fromStack(stack);
    // Assess
    const bucketId = stack.getLogicalId(stack.lake.bucket.node.defaultChild as never);
    expect(stack.snowflake).toBeUndefined();
    expect(template.toJSON().Resources[bucketId].Properties.NotificationConfiguration).toBeUndefined();
    expect(Object.values(template.findResources('AWS::IAM::Role')).map((role) => role.Properties.RoleName)).not.toContain('spotify-etl-snowflake');
    expect(Object.keys(template.findOutputs('*'))).not.toContain('SnowflakeRoleArn');
  });

  it('with the external id alone (the first of the two deploys): the role, trusting only this account until Snowflake\'s IAM user is known, and no notification yet', () => {
    // Act
    const { stack } = synthStack({ 'spotify-etl:snowflakeExternalId': externalId }, { bundle: false });
    const template = Template.fromStack(stack);
    // Assess
    const bucketId = stack.getLogicalId(stack.lake.bucket.node.defaultChild as never);
    expect(template.toJSON().Resources[bucketId].Properties.NotificationConfiguration).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'spotify-etl-snowflake',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
            Condition: { StringEquals: { 'sts:ExternalId': externalId } },
          },
        ],
      },
    });
  });

  it.each([
    ['the queue without the external id', { 'spotify-etl:snowflakeSqsArn': queueArn }, 'spotify-etl:snowflakeExternalId = "": is needed with spotify-etl:snowflakeSqsArn'],
    ["Snowflake's user without the external id", { 'spotify-etl:snowflakeIamUserArn': userArn }, 'spotify-etl:snowflakeExternalId = "": is needed with spotify-etl:snowflakeIamUserArn'],
    ['a queue that is not an SQS ARN', { ...snowflakeContext, 'spotify-etl:snowflakeSqsArn': 'https://sqs.eu-west-1.amazonaws.com/1/q' }, 'spotify-etl:snowflakeSqsArn = "https://sqs'],
    ['a principal that is not an IAM user', { ...snowflakeContext, 'spotify-etl:snowflakeIamUserArn': 'arn:aws:iam::999999999999:role/x' }, 'spotify-etl:snowflakeIamUserArn = "arn:aws:iam::999999999999:role/x"'],
  ])('refuses %s at synth, naming the setting', (_case, context, message) => {
    const read = () => readConfig(new App({ context }).node);

    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
  });
});
