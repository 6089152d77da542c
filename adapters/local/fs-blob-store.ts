/**
 * The lake in a local folder: the BlobStore the command line uses instead of S3. Keys are the
 * '/'-separated lake keys of core/lake/keys.ts, stored as files below the root.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InvalidInputError, StorageUnavailableError } from '../../core/errors';
import type { BlobStore } from '../../core/ports';

/** A segment no lake key contains: empty, dot-led (`.`, `..`, hidden state folders), or with a backslash or NUL. */
const badSegment = (segment: string): boolean => segment === '' || segment.startsWith('.') || /[\\\0]/.test(segment);

/** Why `key` is not a lake key, or undefined when it is one; a prefix may be empty or end with '/'. */
const keyProblem = (key: string, isPrefix: boolean): string | undefined => {
  if (key === '') return isPrefix ? undefined : 'it is empty';
  if (key.startsWith('/')) return 'it is absolute';
  const segments = (isPrefix && key.endsWith('/') ? key.slice(0, -1) : key).split('/');
  const bad = segments.find(badSegment);
  return bad === undefined
    ? undefined
    : `its segment "${bad}" is empty, starts with '.', or holds a backslash or NUL character`;
};

const errorCode = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

// Temporary files are hidden (dot-led), so list() never shows a half-written object.
const isHidden = (name: string): boolean => name.startsWith('.');

/** The lake's hidden folder for the temporary files of puts. */
const fsTempFolder = '.tmp';

/**
 * Writes a file whole: a temp file (in `tempFolder`, on the same file system), then a rename, so
 * a reader sees the old body or the new one, never a part. Creates the folders; throws the file
 * system's error.
 *
 * The calls are the file system's synchronous ones, here and in the store's get, list and delete:
 * each asynchronous call is a round trip through libuv's thread pool, and a put took four (open,
 * write, close, rename), 0.27 ms for a 100 kB page against 0.1 ms for the same calls made at once.
 * A run lands a few objects per playlist, so the round trips were a tenth of a local run, spent
 * waiting. Nothing else waits on these calls meanwhile but the next step of the same run.
 * @param madeFolders folders known to exist (the caller's own record, filled here): their mkdir
 *   is skipped, which was a third of a put's time in a run that writes thousands of objects. A
 *   folder removed meanwhile fails the write with ENOENT, and the retry makes it again.
 * @default tempFolder the file's own folder
 */
export const writeFileAtomically = async (
  path: string,
  body: Uint8Array | string,
  tempFolder = dirname(path),
  madeFolders = new Set<string>(),
): Promise<void> => {
  // Web Crypto's global loads node:crypto at the first write, not with every reader (`query` writes nothing).
  const temp = join(tempFolder, `.${crypto.randomUUID()}.partial`);
  const folders = tempFolder === dirname(path) ? [tempFolder] : [dirname(path), tempFolder];
  // A concurrent delete may remove the freshly made, still empty folder; make it again then. A
  // try that made no folder (all known) does not count: it only found the record out of date.
  for (let attempt = 1; ; ) {
    let made = false;
    try {
      for (const folder of folders) {
        if (madeFolders.has(folder)) continue;
        made = true;
        mkdirSync(folder, { recursive: true });
        madeFolders.add(folder);
      }
      writeFileSync(temp, body);
      renameSync(temp, path);
      return;
    } catch (error) {
      try {
        rmSync(temp, { force: true });
      } catch {
        // The write's own error is the one to report.
      }
      for (const folder of folders) madeFolders.delete(folder);
      if (errorCode(error) !== 'ENOENT' || attempt === 3) throw error;
      if (made) attempt += 1;
    }
  }
};

/** A folder of lake objects: atomic puts (temp file + rename), sorted recursive listing, tidy deletes. */
export class FsBlobStore implements BlobStore {
  private readonly root: string;
  /** Folders this store made or found, so a put into a known one skips its mkdir. */
  private readonly madeFolders = new Set<string>();

  /** @param root the lake folder; it is created on the first put. */
  public constructor(root: string) {
    this.root = resolve(root);
  }

  public async put(key: string, body: Uint8Array | string): Promise<void> {
    const path = this.pathOf(key, false);
    try {
      await writeFileAtomically(path, body, this.tempFolder(), this.madeFolders);
    } catch (error) {
      throw this.unavailable('write', key, error);
    }
  }

  public async get(key: string): Promise<Uint8Array | undefined> {
    const path = this.pathOf(key, false);
    try {
      const bytes = readFileSync(path);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw this.unavailable('read', key, error);
    }
  }

  public async list(prefix: string): Promise<string[]> {
    this.pathOf(prefix, true);
    // Walk only the deepest folder the prefix names in full; the rest of the prefix filters names.
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const keys: string[] = [];
    this.walk(folder, keys);
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  public async delete(keys: readonly string[]): Promise<void> {
    const paths = keys.map((key) => this.pathOf(key, false));
    for (const [index, path] of paths.entries()) {
      try {
        rmSync(path, { force: true });
        this.removeEmptyFolders(dirname(path));
      } catch (error) {
        throw this.unavailable('delete', keys[index] ?? path, error);
      }
    }
  }

  /**
   * Removes temporary files older than `olderThanMs` that a killed process left behind. Puts keep
   * their temporary files in one hidden folder of the lake (not beside the objects), so what a
   * kill leaves never stays in a partition folder and is found here in one place.
   * @default olderThanMs ten minutes: far longer than any one put takes
   */
  public async sweepTemporaryFiles(olderThanMs = 10 * 60_000): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.tempFolder());
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return 0;
      throw this.unavailable('list', fsTempFolder, error);
    }
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of names.filter((entry) => entry.endsWith('.partial'))) {
      const path = join(this.tempFolder(), name);
      const stats = await stat(path).catch(() => undefined);
      if (stats === undefined || stats.mtimeMs > cutoff) continue;
      await rm(path, { force: true });
      removed += 1;
    }
    return removed;
  }

  /**
   * Removes each folder directly below `prefix` (a '/'-ended lake prefix) in which nothing has
   * changed for `olderThanMs`, itself or a folder directly inside it: what an S3 lifecycle rule
   * expiring that prefix does on AWS, by whole folders, so the sweep reads a few folders' times,
   * not every object. Returns how many it removed.
   */
  public async expireFoldersBelow(prefix: string, olderThanMs: number): Promise<number> {
    const root = this.pathOf(prefix, true);
    let entries;
    try {
      entries = readdirSync(root, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return 0;
      throw this.unavailable('list', prefix, error);
    }
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const entry of entries.filter((found) => found.isDirectory() && !isHidden(found.name))) {
      const folder = join(root, entry.name);
      const inside = readdirSync(folder, { withFileTypes: true }).filter((found) => found.isDirectory());
      const times = await Promise.all([folder, ...inside.map((found) => join(folder, found.name))].map((path) => stat(path).then((info) => info.mtimeMs)));
      if (Math.max(...times) > cutoff) continue;
      await rm(folder, { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }

  private tempFolder(): string {
    return join(this.root, fsTempFolder);
  }

  /** The file of a key, after checking that the key stays below the root. */
  private pathOf(key: string, isPrefix: boolean): string {
    const problem = keyProblem(key, isPrefix);
    if (problem !== undefined) {
      throw new InvalidInputError(
        `Invalid lake ${isPrefix ? 'prefix' : 'key'} ${JSON.stringify(key)}: ${problem}. ` +
          "A lake key is a relative, '/'-separated path such as 'curated/songs/snapshot_date=2026-11-20/part-00000.parquet'; build keys with core/lake/keys.ts.",
      );
    }
    return join(this.root, ...key.split('/'));
  }

  private walk(folder: string, keys: string[]): void {
    let entries;
    try {
      entries = readdirSync(join(this.root, ...folder.split('/')), { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return;
      throw this.unavailable('list', folder, error);
    }
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      if (entry.isDirectory()) this.walk(`${folder}${entry.name}/`, keys);
      else if (entry.isFile()) keys.push(`${folder}${entry.name}`);
    }
  }

  /** Removes `folder` and its parents up to (not including) the root while they are empty. */
  private removeEmptyFolders(folder: string): void {
    for (let current = folder; current !== this.root && current.startsWith(this.root); current = dirname(current)) {
      try {
        this.madeFolders.delete(current);
        rmdirSync(current);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue;
        if (errorCode(error) === 'ENOTEMPTY' || errorCode(error) === 'EEXIST') return;
        throw error;
      }
    }
  }

  private unavailable(action: string, key: string, error: unknown): StorageUnavailableError {
    const reason = error instanceof Error ? error.message : String(error);
    return new StorageUnavailableError(`Could not ${action} lake key ${JSON.stringify(key)} in ${this.root}: ${reason}`, {
      cause: error,
    });
  }
}
