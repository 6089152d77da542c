/** Every reference in README.md and docs/ resolves inside the repository: a plain clone is the whole product. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');

const anchorsOf = (file: string): Set<string> =>
  new Set([...readFileSync(join(root, file), 'utf8').matchAll(/^#+ (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')));

/** Markdown links `[text](target)` that are not web addresses. */
const linksOf = (file: string): string[] =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '').filter((target) => !/^[a-z]+:/.test(target));

describe('the references of README.md and docs/', () => {
  it.each(docs)('%s links only to files and headings that exist in the repository', (file) => {
    const broken = linksOf(file).filter((target) => {
      const [path = '', anchor] = target.split('#');
      const linked = path === '' ? file : join(dirname(file), path);
      if (!existsSync(join(root, linked))) return true;
      return anchor !== undefined && linked.endsWith('.md') && !anchorsOf(linked).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it.each(docs)('%s reads nothing beside the clone (no sibling reference folder)', (file) => {
    expect(readFileSync(join(root, file), 'utf8')).not.toMatch(/\.\.\/shared|DESIGN §|STYLE\.md/);
  });
});
