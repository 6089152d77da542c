/** Temporary folders that tests make and never have to remember to remove. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, onTestFinished } from 'vitest';

/**
 * Node retries a recursive rm on ENOTEMPTY/EBUSY: a folder emptied while a run's last write (its
 * temp files in `.tmp/`) lands can otherwise fail the cleanup of a test that passed.
 */
const remove = (folder: string): Promise<void> => rm(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });

/** A new folder below the system temp folder, removed when the calling test (or its beforeEach's test) finishes. */
export const tempFolder = async (prefix: string): Promise<string> => {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => remove(folder));
  return folder;
};

/** One folder for the enclosing suite: made before its first test, removed after its last; read the path from a hook or test. */
export const tempFolderForSuite = (prefix: string): (() => string) => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), prefix));
    return () => remove(folder);
  });
  return () => folder;
};
