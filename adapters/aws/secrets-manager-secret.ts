/**
 * One JSON secret in Secrets Manager, read and written whole. Error messages name the secret
 * and the problem but never carry the secret's text: JSON.parse messages quote the input, so
 * they are not passed on.
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AwsUnavailableError } from '../../core/errors';
import { awsErrorName, isTransientAwsError } from './aws-errors';

/** The secret's parsed JSON; `missing` when it has no value yet; `notJson` when its text is not JSON. */
export type SecretJson = { kind: 'json'; value: unknown } | { kind: 'missing' } | { kind: 'notJson' };

/** Reads and writes one secret's JSON value. */
export class JsonSecret {
  /** `secretId` is the secret's name or ARN. */
  public constructor(
    private readonly sm: SecretsManagerClient,
    public readonly secretId: string,
  ) {}

  /** The current value, parsed. */
  public async read(): Promise<SecretJson> {
    let text: string | undefined;
    try {
      text = (await this.sm.send(new GetSecretValueCommand({ SecretId: this.secretId }))).SecretString;
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return { kind: 'missing' };
      throw this.failure('GetSecretValue', error);
    }
    if (text === undefined) return { kind: 'missing' };
    try {
      return { kind: 'json', value: JSON.parse(text) as unknown };
    } catch {
      return { kind: 'notJson' };
    }
  }

  /** Stores `value` as the new current version. */
  public async write(value: unknown): Promise<void> {
    try {
      await this.sm.send(new PutSecretValueCommand({ SecretId: this.secretId, SecretString: JSON.stringify(value) }));
    } catch (error) {
      throw this.failure('PutSecretValue', error);
    }
  }

  /** The SDK's messages name the secret and the denied action, never the secret's value. */
  private failure(operation: string, error: unknown): Error {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const message = `Secrets Manager ${operation} on secret ${this.secretId} failed: ${detail}`;
    return isTransientAwsError(error) ? new AwsUnavailableError(message, { cause: error }) : new Error(message, { cause: error });
  }
}
