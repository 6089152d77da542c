/**
 * Builds the stack the way `npm run synth` does (the context of cdk.json, the nag plugin), into
 * a temporary folder, so the template tests assert on what would be deployed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll } from 'vitest';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { readConfig } from '../../infra/config';
import { SpotifyEtlStack } from '../../infra/stack';

/** The synth output folders of this test file, removed when it ends. */
const outdirs: string[] = [];
afterAll(() => {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
});

/** The context `cdk synth` reads from cdk.json. */
export const cdkContext: Record<string, unknown> = cdkJson.context;

/**
 * An app with the stack, under cdk.json's context plus `overrides`. `bundle: false` skips the
 * esbuild bundling for tests that only look at settings.
 */
export const synthStack = (overrides: Record<string, unknown> = {}, options: { bundle?: boolean } = {}) => {
  const context = { ...cdkContext, ...overrides, ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}) };
  const outdir = mkdtempSync(join(tmpdir(), 'spotify-etl-cdk-'));
  outdirs.push(outdir);
  const app = new App({ context, outdir });
  const config = readConfig(app.node);
  const stack = new SpotifyEtlStack(app, config.stackName, { config });
  return { app, stack, config };
};
