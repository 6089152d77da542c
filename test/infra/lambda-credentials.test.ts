import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundleHandler } from '../../bench/lambda';
import { credentialChainCode, credentialChainPackages } from '../support/credential-chain';
import { deployedEnvironment } from '../support/lambda-environment';
import { tempFolderForSuite } from '../support/temp-folders';

const run = promisify(execFile);

/** What Glue answers GetCrawler with for a crawler whose last crawl succeeded. */
const crawlerReady = JSON.stringify({ Crawler: { Name: deployedEnvironment.GLUE_CRAWLER_NAME, State: 'READY', LastCrawl: { Status: 'SUCCEEDED' } } });

describe('the Lambda bundles’ AWS credentials', () => {
  const folder = tempFolderForSuite('lambda-credentials-');
  let dir: string;
  let bundle: { file: string; metafile: Metafile };
  let glue: Server;
  let endpoint: string;
  const requests: { target: string | undefined; authorization: string | undefined }[] = [];
  beforeAll(async () => {
    dir = folder();
    // PollCrawler: one SDK client (Glue), so one signed request per invocation.
    bundle = await bundleHandler('poll-crawler', dir, 'bundled');
    glue = createServer((request, response) => {
      requests.push({ target: request.headers['x-amz-target'] as string | undefined, authorization: request.headers.authorization });
      request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(crawlerReady));
    });
    await new Promise<void>((resolve) => glue.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(glue.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => glue.close(resolve));
  });
  beforeEach(() => {
    requests.length = 0;
  });

  /**
   * Invokes the bundle's handler once in a fresh Node, as Lambda would, with the stack's variables,
   * Glue's endpoint on the local server and `env`; beside them, a shared credentials file of
   * another key, which the SDK's default chain would fall back to.
   */
  const invoke = async (env: Record<string, string>): Promise<{ output?: unknown; error?: string }> => {
    const credentialsFile = join(dir, 'credentials');
    await writeFile(credentialsFile, '[default]\naws_access_key_id = AKIAFROMTHEFILE\naws_secret_access_key = file-secret\n', { mode: 0o600 });
    const result = join(dir, 'result.json');
    const script = [
      `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle.file).href)});`,
      `const { writeFileSync } = await import('node:fs');`,
      `try { writeFileSync(${JSON.stringify(result)}, JSON.stringify({ output: await handler({ polls: 0 }) })); }`,
      `catch (error) { writeFileSync(${JSON.stringify(result)}, JSON.stringify({ error: error.message })); }`,
    ].join('\n');
    await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...deployedEnvironment,
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_ENDPOINT_URL_GLUE: endpoint,
        AWS_MAX_ATTEMPTS: '1',
        ...env,
      },
    });
    return JSON.parse(await readFile(result, 'utf8')) as { output?: unknown; error?: string };
  };

  it('signs the request with the access key id in the environment', async () => {
    const outcome = await invoke({ AWS_ACCESS_KEY_ID: 'ASIAFROMTHEROLE', AWS_SECRET_ACCESS_KEY: 'role-secret', AWS_SESSION_TOKEN: 'role-session' });

    expect(outcome).toMatchObject({ output: { state: 'succeeded' } });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.target).toBe('AWSGlue.GetCrawler');
    expect(requests[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIAFROMTHEROLE\/\d{8}\/eu-west-1\/glue\/aws4_request,/);
  });

  it('fails naming the missing variables, without falling back to the credentials file', async () => {
    const outcome = await invoke({ AWS_ACCESS_KEY_ID: 'ASIAFROMTHEROLE' });

    expect(outcome.error).toMatch(/no AWS credentials: AWS_SECRET_ACCESS_KEY is not set in the environment/);
    expect(requests).toEqual([]);
  });

  it('carries none of the SDK’s other credential sources', () => {
    const inputs = Object.keys(bundle.metafile.inputs);

    expect(inputs.filter((path) => credentialChainPackages.test(path))).toEqual([]);
    expect(inputs.some((path) => path.includes('node_modules/@aws-sdk/credential-provider-env/'))).toBe(true);
  });

  it('holds none of their code in the bundle’s text', async () => {
    expect(credentialChainCode.test(await readFile(bundle.file, 'utf8'))).toBe(false);
  });
});
