/** Rewrites the generated blocks of docs/workflow.md and docs/data-model.md: `npx tsx cli/docs/write.ts`. */
import { readFile, writeFile } from 'node:fs/promises';
import { renderAsl } from '../../state-machine/render';
import { dataModelBlocks, spliceBlocks, workflowBlocks } from './generate';

const docs = [
  { path: new URL('../../docs/workflow.md', import.meta.url), blocks: workflowBlocks(renderAsl()) },
  { path: new URL('../../docs/data-model.md', import.meta.url), blocks: dataModelBlocks() },
];
for (const doc of docs) await writeFile(doc.path, spliceBlocks(await readFile(doc.path, 'utf8'), doc.blocks));
