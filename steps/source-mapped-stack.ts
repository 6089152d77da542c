/**
 * A failed invocation's stack in source positions, mapped through the source map beside the
 * Lambda bundle, which is read on the first failure instead of at every cold start: Node's
 * --enable-source-maps reads, parses and indexes the 0.8–1.3 MB map while compiling the bundle,
 * about a fifth of a cold import (docs/performance.md), for stacks only a failure prints.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Each bundle's map, or null when it has none (the unbundled sources, in tests and locally); read once. */
const maps = new Map<string, SourceMap | null>();

const mapBeside = (fileUrl: string): SourceMap | null => {
  if (!maps.has(fileUrl)) {
    try {
      maps.set(fileUrl, new SourceMap(JSON.parse(readFileSync(new URL(`${fileUrl}.map`), 'utf8')) as ConstructorParameters<typeof SourceMap>[0]));
    } catch {
      maps.set(fileUrl, null);
    }
  }
  return maps.get(fileUrl) ?? null;
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `stack` with every position in `fileUrl` (this bundle, by default) replaced by the source file,
 * line and column it was built from, as --enable-source-maps prints them; unchanged where no map
 * lies beside the file or a position has no mapping.
 */
export const sourceMappedStack = (stack: string, fileUrl: string = import.meta.url): string => {
  const map = mapBeside(fileUrl);
  if (map === null) return stack;
  return stack.replace(new RegExp(`${escapeRegExp(fileUrl)}:(\\d+):(\\d+)`, 'g'), (position, line: string, column: string) => {
    try {
      const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
      if (!('originalSource' in entry)) return position;
      // The map names sources relative to itself; printed as paths, as --enable-source-maps prints them.
      const source = new URL(entry.originalSource, fileUrl);
      return `${source.protocol === 'file:' ? fileURLToPath(source) : source.href}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    } catch {
      // A source that is no path (fileURLToPath refuses an encoded slash, say) keeps its bundle position.
      return position;
    }
  });
};

/**
 * Maps `error`'s stack in place where it can, and never throws: the step's own error, its name
 * (what Step Functions' Retry and Catch match) and its message must reach the runtime unchanged
 * even when its stack is read-only or cannot be mapped.
 */
export const mapStackOf = (error: unknown): void => {
  try {
    if (error instanceof Error && typeof error.stack === 'string') error.stack = sourceMappedStack(error.stack);
  } catch {
    // The unmapped stack stays.
  }
};
