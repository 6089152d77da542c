/** The CDK app: `npm run synth` (cdk.json runs `npx tsx infra/app.ts`). */
import { App } from 'aws-cdk-lib';
import { ConfigError, readConfig } from './config';
import { addNagChecks } from './nag';
import { SpotifyEtlStack } from './stack';

const app = new App();
try {
  const config = readConfig(app.node);
  new SpotifyEtlStack(app, config.stackName, { config });
} catch (error) {
  // A wrong context value is the operator's to fix: one line, not a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
addNagChecks(app);
app.synth();
