import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { deployedEnvironment as deployedEnv } from '../../support/lambda-environment';
import { refreshTokenAgeMetric } from '../../../steps/fetch-token/contract';
import { allSteps, steps } from '../../../steps/registry';
import { startS3rver, type RunningS3rver } from '../../adapters/aws/s3rver';
import { emulatorWith } from '../../support/emulator';

type HandlerModule = { handler: (event: unknown) => Promise<unknown> };

/** An Embedded Metric Format line as CloudWatch reads it from a function's output. */
type EmfLine = {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
};

describe('step handlers', () => {
  const saved = { ...process.env };
  // ValidateInput leases the run's dates in the lake bucket: the SDK reaches s3rver through the
  // standard endpoint variable (an IP endpoint, so path-style requests).
  let s3rver: RunningS3rver;
  beforeAll(async () => {
    s3rver = await startS3rver('lake-bucket');
  });
  afterAll(async () => {
    await s3rver.close();
  });
  let stdout: MockInstance<typeof process.stdout.write>;
  beforeEach(() => {
    vi.resetModules();
    Object.assign(process.env, deployedEnv, {
      AWS_ENDPOINT_URL_S3: s3rver.endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    });
    // Keeps what the handlers print (the EMF metrics lines) off the test output and readable by the tests.
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    for (const key of [...Object.keys(deployedEnv), 'AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REQUEST_CHECKSUM_CALCULATION', 'AWS_RESPONSE_CHECKSUM_VALIDATION']) {
      delete process.env[key];
    }
    Object.assign(process.env, saved);
  });

  /** The EMF lines the handlers wrote to stdout. */
  const emfLines = (): EmfLine[] =>
    stdout.mock.calls
      .flatMap(([chunk]) => String(chunk).split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as EmfLine);

  it('decode their environment at cold start and export a Lambda entry point, one per step', async () => {
    const modules = await Promise.all(allSteps.map((step) => import(`../../../steps/${step.dir}/handler.ts`) as Promise<HandlerModule>));

    expect(modules.map((module) => typeof module.handler)).toEqual(allSteps.map(() => 'function'));
  });

  it('fail at cold start naming each missing variable', async () => {
    delete process.env['LAKE_BUCKET_NAME'];
    delete process.env['DEFAULT_PLAYLIST_IDS'];

    await expect(import('../../../steps/validate-input/handler')).rejects.toThrow(
      /environment is incomplete: \$\.LAKE_BUCKET_NAME: expected non-empty string, got undefined; \$\.DEFAULT_PLAYLIST_IDS: expected comma-separated Spotify playlist ids, got undefined/,
    );
  });

  it('fail at cold start on a reject tolerance that is not a whole number', async () => {
    process.env['REJECT_TOLERANCE'] = 'some';

    await expect(import('../../../steps/evaluate-validation/handler')).rejects.toThrow(
      'environment is incomplete: $.REJECT_TOLERANCE: expected whole number of at least 0, got string',
    );
  });

  it('plan a scheduled run with the configured playlists', async () => {
    const { handler } = (await import('../../../steps/validate-input/handler')) as HandlerModule;

    const plan = await handler({ request: { mode: 'scheduled', scheduledTime: new Date().toISOString() }, executionName: 'daily-1' });

    expect(plan).toMatchObject({ playlistIds: ['37i9dQZF1DZ06evO25rXbO', '5lH9NjOeJvctAO92ZrKQNB'], dates: [{ extract: true }], skipped: [] });
  });

  it('fail with the step\'s named error, which Step Functions matches on', async () => {
    const { handler } = (await import('../../../steps/validate-input/handler')) as HandlerModule;

    await expect(handler({ request: { mode: 'weekly' }, executionName: 'x' })).rejects.toMatchObject({ name: 'InvalidInputError' });
    await expect(handler({ executionName: 'x' })).rejects.toMatchObject({ name: 'InvalidInputError' });
    await expect(handler({ request: {} })).rejects.toMatchObject({ name: 'InvalidStepInputError' });
  });

  it('publish one EMF line per invocation: StepSucceeded and StepDurationMs under the state name', async () => {
    // Prepare
    const { handler } = (await import('../../../steps/validate-input/handler')) as HandlerModule;

    // Act
    await handler({ request: { mode: 'scheduled', scheduledTime: new Date().toISOString() }, executionName: 'daily-1' });
    await handler({ request: { mode: 'scheduled', scheduledTime: new Date().toISOString() }, executionName: 'daily-2' });

    // Assess
    const lines = emfLines();
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'spotify-etl-test',
          Dimensions: [['service', 'stateName']],
          Metrics: [
            { Name: 'StepSucceeded', Unit: 'Count' },
            { Name: 'StepDurationMs', Unit: 'Milliseconds' },
          ],
        },
      ]);
      expect(line).toMatchObject({ service: 'spotify-etl-test', stateName: steps.validateInput.stateName, StepSucceeded: 1, StepDurationMs: expect.any(Number) });
    }
  });

  it('publish the refresh token\'s age in days from FetchToken, the metric the re-consent alarm watches, and leave the dated credentials secret unwritten', async () => {
    // Prepare: the credentials secret holds a refresh token first seen 170 days ago; the token endpoint is the emulator
    const emulator = await emulatorWith();
    process.env['SPOTIFY_ACCOUNTS_BASE_URL'] = emulator.accountsBaseUrl;
    const firstSeen = new Date(Date.now() - 170 * 86_400_000 - 3_600_000);
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: deployedEnv.SPOTIFY_CREDENTIALS_SECRET_ID }).resolves({
      SecretString: JSON.stringify({ ...emulator.credentials, refreshTokenFirstSeen: firstSeen.toISOString() }),
    });
    sm.on(PutSecretValueCommand).resolves({});
    try {
      const { handler } = (await import('../../../steps/fetch-token/handler')) as HandlerModule;
      // Act
      const output = await handler({});
      // Assess
      expect(output).toEqual({ expiresAt: expect.any(String), refreshTokenAgeDays: 170 });
      const [line, ...more] = emfLines();
      expect(more).toEqual([]);
      expect(line?._aws.CloudWatchMetrics[0]?.Metrics).toContainEqual({ Name: refreshTokenAgeMetric, Unit: 'None' });
      expect(line).toMatchObject({ service: 'spotify-etl-test', stateName: steps.fetchToken.stateName, [refreshTokenAgeMetric]: 170 });
      expect(sm.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input.SecretId)).toEqual([deployedEnv.SPOTIFY_TOKEN_CACHE_SECRET_ID]);
    } finally {
      sm.restore();
    }
  });

  it('fail and still publish the invocation\'s metrics: StepFailed and StepDurationMs under the state name', async () => {
    // Prepare
    const { handler } = (await import('../../../steps/validate-input/handler')) as HandlerModule;

    // Act
    const failed = handler({ request: { mode: 'weekly' }, executionName: 'x' });

    // Assess
    await expect(failed).rejects.toMatchObject({ name: 'InvalidInputError' });
    const [line, ...more] = emfLines();
    expect(more).toEqual([]);
    expect(line?._aws.CloudWatchMetrics[0]?.Metrics.map((metric) => metric.Name)).toEqual(['StepFailed', 'StepDurationMs']);
    expect(line).toMatchObject({ stateName: steps.validateInput.stateName, StepFailed: 1, StepDurationMs: expect.any(Number) });
    expect(line).not.toHaveProperty('StepSucceeded');
  });
});
