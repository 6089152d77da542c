import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deployedEnvironment as deployedEnv } from '../../support/lambda-environment';
import { allSteps } from '../../../steps/registry';

/** What a function's cold start loaded and built, recorded by the mocks below. */
const seen = vi.hoisted(() => ({ httpClientLoaded: false, clients: [] as string[] }));

vi.mock('../../../adapters/spotify/http-send', async (importOriginal) => {
  seen.httpClientLoaded = true;
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

describe('a step function cold start', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    vi.resetModules();
    Object.assign(process.env, deployedEnv);
    seen.httpClientLoaded = false;
    seen.clients = [];
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each(allSteps.map((step) => [step.stateName, step.dir]))('%s loads no HTTP client and constructs no AWS client until it is invoked', async (_stateName, dir) => {
    await import(`../../../steps/${dir}/handler.ts`);
    expect(seen.httpClientLoaded).toBe(false);
    expect(seen.clients).toEqual([]);
  });
});
