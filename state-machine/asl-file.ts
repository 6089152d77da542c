/**
 * Where the rendered ASL artefact lives and how it is written: the one format `npm run build`
 * (state-machine/write-asl.ts) writes and test/workflow/built-asl.test.ts compares.
 */
import type { Asl } from './render';

/** state-machine/asl.json. */
export const aslFileUrl = new URL('./asl.json', import.meta.url);

/** The text of `asl.json` for a rendered definition. */
export const aslFileText = (rendered: Asl): string => `${JSON.stringify(rendered, null, 2)}\n`;
