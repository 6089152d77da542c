import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthStack } from './synth';

type Resources = Record<string, { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }>;

/** What `cdk destroy` leaves behind, as docs/deploy.md ("Tear down") tells the operator. */
describe('what cdk destroy keeps', () => {
  let resources: Resources;

  beforeAll(() => {
    resources = Template.fromStack(synthStack({}, { bundle: false }).stack).toJSON().Resources as Resources;
  }, 60_000);

  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

  it('keeps the KMS key, which encrypts the crawler logs Glue writes to a log group the stack does not own', () => {
    // Act
    const keys = ofType('AWS::KMS::Key');
    const [[keyId, key]] = keys as [[string, Resources[string]]];
    const [[, securityConfiguration]] = ofType('AWS::Glue::SecurityConfiguration') as [[string, Resources[string]]];
    // Assess
    expect(keys).toHaveLength(1);
    expect(key.DeletionPolicy).toBe('Retain');
    expect(securityConfiguration.Properties).toMatchObject({
      EncryptionConfiguration: { CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS', KmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
    });
    const logGroupNames = ofType('AWS::Logs::LogGroup').map(([, group]) => String(group.Properties.LogGroupName ?? ''));
    expect(logGroupNames.filter((name) => name.startsWith('/aws-glue/'))).toEqual([]);
  });

  it('keeps the credentials secret under its fixed name, which a second deploy with the same namePrefix would create again', () => {
    // Act
    const secrets = Object.fromEntries(ofType('AWS::SecretsManager::Secret').map(([, secret]) => [String(secret.Properties.Name), secret.DeletionPolicy]));
    // Assess
    expect(secrets).toEqual({ 'spotify-etl/spotify-credentials': 'Retain', 'spotify-etl/spotify-token-cache': 'Delete' });
  });
});
