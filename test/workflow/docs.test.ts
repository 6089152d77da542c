import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { architectureBlocks, dataModelBlocks, regenerateCommand, spliceBlocks, workflowBlocks } from '../../cli/docs/generate';
import { renderAsl } from '../../state-machine/render';

const doc = (name: string): string => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

describe('generated docs', () => {
  it(`keeps docs/workflow.md in step with the rendered ASL and the contracts (regenerate: ${regenerateCommand})`, () => {
    const committed = doc('workflow.md');

    expect(spliceBlocks(committed, workflowBlocks(renderAsl()))).toBe(committed);
  });

  it(`keeps docs/data-model.md in step with core/tables.ts (regenerate: ${regenerateCommand})`, () => {
    const committed = doc('data-model.md');

    expect(spliceBlocks(committed, dataModelBlocks())).toBe(committed);
  });

  it(`keeps docs/architecture.md's lake access table in step with the step declarations (regenerate: ${regenerateCommand})`, () => {
    const committed = doc('architecture.md');

    expect(spliceBlocks(committed, architectureBlocks())).toBe(committed);
  });

  it('fails to splice a doc that lost a generated block', () => {
    expect(() => spliceBlocks('# no markers here\n', { diagram: 'x' })).toThrow(/no <!-- generated:diagram/);
  });

  it('replaces a stale block with the current content', () => {
    const stale = `a\n<!-- generated:x (${regenerateCommand}) -->\nold\n<!-- /generated:x -->\nb\n`;

    expect(spliceBlocks(stale, { x: 'new' })).toBe(`a\n<!-- generated:x (${regenerateCommand}) -->\nnew\n<!-- /generated:x -->\nb\n`);
  });
});
