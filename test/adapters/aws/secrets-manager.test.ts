import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerCredentialsStore } from '../../../adapters/aws/secrets-manager-credentials-store';
import { SecretsManagerTokenCache } from '../../../adapters/aws/secrets-manager-token-cache';
import { AwsUnavailableError, SpotifyAuthError } from '../../../core/errors';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-1' });
const secretValue = (value: unknown): void => {
  sm.on(GetSecretValueCommand).resolves({ SecretString: typeof value === 'string' ? value : JSON.stringify(value) });
};
const failureOf = async (promise: Promise<unknown>): Promise<Error> => {
  const failure = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(failure instanceof Error)) throw new Error('expected a rejection');
  return failure;
};

describe('SecretsManagerCredentialsStore', () => {
  const store = new SecretsManagerCredentialsStore(client, 'spotify-etl/credentials');
  beforeEach(() => {
    sm.reset();
  });

  it('reads the client id, secret and refresh token from the secret JSON', async () => {
    // Prepare
    secretValue({ clientId: 'cid', clientSecret: 'csecret-123', refreshToken: 'rt-1' });
    // Act
    const credentials = await store.read();
    // Assess
    expect(credentials).toEqual({ clientId: 'cid', clientSecret: 'csecret-123', refreshToken: 'rt-1' });
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: 'spotify-etl/credentials' });
  });

  it('reads credentials without a refresh token, for the client credentials grant', async () => {
    // Prepare
    secretValue({ clientId: 'cid', clientSecret: 'csecret-123' });
    // Act / Assess
    expect(await store.read()).toEqual({ clientId: 'cid', clientSecret: 'csecret-123', refreshToken: undefined });
  });

  it('saves a rotated refresh token with the date it was first seen by writing the merged JSON back', async () => {
    // Prepare
    secretValue({ clientId: 'cid', clientSecret: 'csecret-123', refreshToken: 'rt-old', refreshTokenFirstSeen: '2026-05-01T00:00:00.000Z' });
    sm.on(PutSecretValueCommand).resolves({});
    // Act
    await store.saveRefreshToken('rt-new', new Date('2026-11-20T06:00:00Z'));
    // Assess
    const put = sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put?.SecretId).toBe('spotify-etl/credentials');
    expect(JSON.parse(put?.SecretString ?? '')).toEqual({
      clientId: 'cid',
      clientSecret: 'csecret-123',
      refreshToken: 'rt-new',
      refreshTokenFirstSeen: '2026-11-20T06:00:00.000Z',
    });
  });

  it('reads the date the refresh token was first seen', async () => {
    // Prepare
    secretValue({ clientId: 'cid', clientSecret: 'csecret-123', refreshToken: 'rt-1', refreshTokenFirstSeen: '2026-05-01T00:00:00.000Z' });
    // Act / Assess
    expect((await store.read()).refreshTokenFirstSeen).toEqual(new Date('2026-05-01T00:00:00Z'));
  });

  it('dates an undated refresh token in the secret, keeping the token and the rest of the JSON', async () => {
    // Prepare: a secret stored before dates were kept
    secretValue({ clientId: 'cid', clientSecret: 'csecret-123', refreshToken: 'rt-1' });
    sm.on(PutSecretValueCommand).resolves({});
    // Act
    await store.recordRefreshTokenFirstSeen('rt-1', new Date('2026-11-20T06:00:00Z'));
    // Assess
    const put = sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(JSON.parse(put?.SecretString ?? '')).toEqual({
      clientId: 'cid',
      clientSecret: 'csecret-123',
      refreshToken: 'rt-1',
      refreshTokenFirstSeen: '2026-11-20T06:00:00.000Z',
    });
  });

  it.each([
    ['already has a date', { refreshToken: 'rt-1', refreshTokenFirstSeen: '2026-05-01T00:00:00.000Z' }],
    ['holds a token another run rotated in meanwhile', { refreshToken: 'rt-2' }],
  ])('leaves the secret unwritten when asked to date a refresh token while it %s', async (_case, stored) => {
    // Prepare
    secretValue({ clientId: 'cid', clientSecret: 'csecret-123', ...stored });
    sm.on(PutSecretValueCommand).resolves({});
    // Act
    await store.recordRefreshTokenFirstSeen('rt-1', new Date('2026-11-20T06:00:00Z'));
    // Assess
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('fails with SpotifyAuthError saying how to store the secret when it still holds a generated placeholder', async () => {
    // Prepare: what CDK puts in a new secret, and which JSON.parse would quote in its message.
    secretValue('Zx9-placeholder-qwerty');
    // Act
    const failure = await failureOf(store.read());
    // Assess
    expect(failure).toBeInstanceOf(SpotifyAuthError);
    expect(failure.message).toContain('spotify-etl/credentials is not JSON');
    expect(failure.message).toContain('aws secretsmanager put-secret-value --secret-id spotify-etl/credentials');
    expect(failure.message).not.toContain('Zx9-placeholder-qwerty');
  });

  it('fails naming the missing field, without echoing any secret value, when the JSON is incomplete', async () => {
    // Prepare
    secretValue({ clientId: 'cid-visible', clientSecret: 42, refreshToken: 'rt-hidden' });
    // Act
    const failure = await failureOf(store.read());
    // Assess
    expect(failure).toBeInstanceOf(SpotifyAuthError);
    expect(failure.message).toContain('$.clientSecret: expected string, got number');
    expect(failure.message).not.toMatch(/rt-hidden|cid-visible|42/);
  });

  it('fails with SpotifyAuthError when the secret does not exist', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));
    // Act
    const failure = await failureOf(store.read());
    // Assess
    expect(failure).toBeInstanceOf(SpotifyAuthError);
    expect(failure.message).toContain('has no value');
  });
});

describe('SecretsManagerTokenCache', () => {
  const cache = new SecretsManagerTokenCache(client, 'spotify-etl/token-cache');
  beforeEach(() => {
    sm.reset();
  });

  it('fails with AwsUnavailableError, which the machine retries, when Secrets Manager throttles', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    // Act / Assess
    await expect(cache.read()).rejects.toBeInstanceOf(AwsUnavailableError);
  });

  it('reads the cached access token and its expiry', async () => {
    // Prepare
    secretValue({ accessToken: 'BQD-token', expiresAt: '2026-11-20T07:00:00.000Z' });
    // Act
    const token = await cache.read();
    // Assess
    expect(token).toEqual({ value: 'BQD-token', expiresAt: new Date('2026-11-20T07:00:00.000Z') });
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: 'spotify-etl/token-cache' });
  });

  it('writes the token as JSON with an ISO expiry', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).resolves({});
    // Act
    await cache.write({ value: 'BQD-new', expiresAt: new Date('2026-11-20T08:00:00Z') });
    // Assess
    const put = sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put?.SecretId).toBe('spotify-etl/token-cache');
    expect(JSON.parse(put?.SecretString ?? '')).toEqual({ accessToken: 'BQD-new', expiresAt: '2026-11-20T08:00:00.000Z' });
  });

  it.each([
    ['the generated placeholder', 'not-json-placeholder'],
    ['JSON of another shape', { token: 'x' }],
    ['an unreadable expiry', { accessToken: 'x', expiresAt: 'tomorrow' }],
  ])('treats %s as an empty cache', async (_what, value) => {
    // Prepare
    secretValue(value);
    // Act / Assess
    expect(await cache.read()).toBeUndefined();
  });

  it('treats a secret that does not exist as an empty cache', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    // Act / Assess
    expect(await cache.read()).toBeUndefined();
  });

  it('fails naming the secret and the denied action, never the token, when writing is denied', async () => {
    // Prepare
    const denied = Object.assign(new Error('User: arn:aws:sts::1:assumed-role/fn is not authorized to perform: secretsmanager:PutSecretValue'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    sm.on(PutSecretValueCommand).rejects(denied);
    // Act
    const failure = await failureOf(cache.write({ value: 'BQD-secret-token', expiresAt: new Date('2026-11-20T08:00:00Z') }));
    // Assess
    expect(failure.message).toContain('PutSecretValue on secret spotify-etl/token-cache failed: AccessDeniedException');
    expect(failure.message).not.toContain('BQD-secret-token');
    expect(failure.cause).toBe(denied);
  });
});
