/**
 * `npm run build` (first half): renders the definition with CDK and writes it to
 * state-machine/asl.json, the artefact the local run reads. Run it after changing the definition;
 * test/workflow/built-asl.test.ts fails until then.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aslFileText, aslFileUrl } from './asl-file';
import { renderAsl } from './render';

writeFileSync(aslFileUrl, aslFileText(renderAsl()));
console.error(`wrote ${fileURLToPath(aslFileUrl)}`);
