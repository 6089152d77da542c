import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { allSteps } from '../../../steps/registry';

/** What a function's cold start loaded and built, recorded by the mocks below. */
const seen = vi.hoisted(() => ({ gotLoaded: false, clients: [] as string[] }));

vi.mock('got', async (importOriginal) => {
  seen.gotLoaded = true;
  return importOriginal();
});

/** Each SDK client class, unchanged except that constructing one is recorded. */
const recorded = async <M extends Record<string, unknown>>(load: () => Promise<M>, name: string): Promise<M> => {
  const module = await load();
  const Client = module[name] as new (...args: unknown[]) => object;
  return { ...module, [name]: class extends Client { constructor(...args: unknown[]) { super(...args); seen.clients.push(name); } } };
};
vi.mock('@aws-sdk/client-s3', (importOriginal) => recorded(importOriginal, 'S3Client'));
vi.mock('@aws-sdk/client-secrets-manager', (importOriginal) => recorded(importOriginal, 'SecretsManagerClient'));
vi.mock('@aws-sdk/client-glue', (importOriginal) => recorded(importOriginal, 'GlueClient'));
vi.mock('@aws-sdk/client-athena', (importOriginal) => recorded(importOriginal, 'AthenaClient'));
vi.mock('@aws-sdk/client-sns', (importOriginal) => recorded(importOriginal, 'SNSClient'));

/** Every variable a handler decodes at cold start; nothing here is contacted. */
const deployedEnv = {
  AWS_REGION: 'eu-west-1',
  LAKE_BUCKET_NAME: 'lake-bucket',
  DEFAULT_PLAYLIST_IDS: '37i9dQZF1DZ06evO25rXbO',
  SPOTIFY_CREDENTIALS_SECRET_ID: 'creds',
  SPOTIFY_TOKEN_CACHE_SECRET_ID: 'token',
  SPOTIFY_API_BASE_URL: 'https://api.spotify.com/v1',
  SPOTIFY_ACCOUNTS_BASE_URL: 'https://accounts.spotify.com',
  SPOTIFY_GRANT: 'refresh_token',
  GLUE_CRAWLER_NAME: 'crawler',
  GLUE_DATABASE_NAME: 'spotify',
  ATHENA_WORKGROUP: 'spotify',
  FAILURE_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:failures',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:spotify-etl',
  RESTART_SCHEDULE_GROUP: 'spotify-etl-restarts',
  RESTART_ROLE_ARN: 'arn:aws:iam::123456789012:role/restarts',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

describe('a step function cold start', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    vi.resetModules();
    Object.assign(process.env, deployedEnv);
    seen.gotLoaded = false;
    seen.clients = [];
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each(allSteps.map((step) => [step.stateName, step.dir]))('%s loads no HTTP client and constructs no AWS client until it is invoked', async (_stateName, dir) => {
    await import(`../../../steps/${dir}/handler.ts`);
    expect(seen.gotLoaded).toBe(false);
    expect(seen.clients).toEqual([]);
  });
});
