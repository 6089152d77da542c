/** Rewrites the generated blocks of docs/workflow.md, docs/data-model.md and docs/architecture.md: `npx tsx cli/docs/write.ts`. */
import { readFile, writeFile } from 'node:fs/promises';
import { renderAsl } from '../../state-machine/render';
import { architectureBlocks, dataModelBlocks, spliceBlocks, workflowBlocks } from './generate';

const docs = [
  { path: new URL('../../docs/workflow.md', import.meta.url), blocks: workflowBlocks(renderAsl()) },
  { path: new URL('../../docs/data-model.md', import.meta.url), blocks: dataModelBlocks() },
  { path: new URL('../../docs/architecture.md', import.meta.url), blocks: architectureBlocks() },
];
for (const doc of docs) await writeFile(doc.path, spliceBlocks(await readFile(doc.path, 'utf8'), doc.blocks));
