/**
 * The rendered ASL as a build artefact: `npm run build` writes state-machine/asl.json from
 * renderAsl() (state-machine/write-asl.ts), and test/workflow/built-asl.test.ts fails when the
 * committed file differs from a fresh render. The local run reads it from here, so it loads no
 * CDK; it is the ASL the stack deploys (test/infra compares the deployed one with a render).
 */
import asl from './asl.json' with { type: 'json' };
import type { Asl } from './render';

/** The committed rendering of the definition. */
export const builtAsl: Asl = asl as Asl;
