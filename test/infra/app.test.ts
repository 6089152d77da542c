import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('infra/app.ts', () => {
  it('fails with one line naming the context key, and no stack trace, when a context value is wrong', () => {
    // Prepare: the CLI hands context and the output folder to the app through these variables.
    const env = {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify({ 'spotify-etl:schedule': 'every morning' }),
      CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'spotify-etl-cdk-')),
    };
    // Act
    const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
    const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'infra/app.ts'], { cwd: repoRoot, env, encoding: 'utf8' });
    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'CDK context spotify-etl:schedule = "every morning": must be an EventBridge Scheduler expression such as "cron(0 6 * * ? *)" or "rate(1 day)" (set it in cdk.json or with -c spotify-etl:schedule=...)',
    );
  });
});
