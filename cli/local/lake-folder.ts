/**
 * The `--lake` folder of a local command: made and proved writable before any work starts, and
 * every file-system refusal under it said as one line naming the folder, the reason and the fix.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../command';

/** A URL (`s3://bucket`, `https://…`): local commands read and write this machine's files only. */
const urlLike = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The path a local command's `option` names, from `cwd`. A URL is refused: taken as a relative
 * path, `--lake s3://lake` ran a whole pipeline into `./s3:/lake` and answered queries from it.
 */
export const localPathOption = (option: string, cwd: string, value: string): string => {
  if (urlLike.test(value)) {
    throw new UsageError(
      `${option} ${value} is a URL, and this command works on this machine's files: name a folder or file here (the deployed lake is read with Athena, its report fetched with \`spotify-etl remote report\`)`,
    );
  }
  return resolve(cwd, value);
};

/** The `--lake` folder of a local command, `./lake` by default. */
export const lakeFolderOption = (cwd: string, value: string | undefined): string => localPathOption('--lake', cwd, value ?? 'lake');

/** The closest part of `path` that exists and is not a folder (a file where a folder should be). */
const fileOnTheWay = async (path: string): Promise<string | undefined> => {
  for (let current = path; ; current = dirname(current)) {
    try {
      return (await stat(current)).isDirectory() ? undefined : current;
    } catch {
      if (dirname(current) === current) return undefined;
    }
  }
};

/**
 * One line for a file-system error met in the lake, or undefined when `error` is not one (a bug,
 * which keeps its stack trace).
 */
export const lakeProblem = async (lake: string, error: unknown): Promise<string | undefined> => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `--lake ${lake}`;
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR': {
      const file = await fileOnTheWay(lake);
      if (file === undefined) return `${where}: a file stands where a folder is needed (${code}); point --lake at a folder`;
      return file === lake ? `${where} is a file, not a folder; point --lake at a folder (it is created if missing)` : `${where}: ${file} is a file, so no folder can be made below it; point --lake elsewhere`;
    }
    case 'EACCES':
    case 'EPERM':
      return `${where}: permission denied at ${(error as NodeJS.ErrnoException).path ?? lake}; point --lake at a folder you may write, or change its permissions`;
    case 'EROFS':
      return `${where} is on a read-only file system; point --lake at a writable folder`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `${where}: no space left on its device (${code}); free some space or point --lake at another disk`;
    case 'ENOENT':
      return `${where}: the folder cannot be created there (${(error as NodeJS.ErrnoException).path ?? lake} refuses new entries); point --lake at an ordinary folder`;
    case 'ENAMETOOLONG':
      return `${where}: the path is too long for the file system; choose a shorter one`;
    default:
      return undefined;
  }
};

/**
 * `mkdir -p`, one level at a time from the closest existing folder: node's recursive mkdir spins
 * for ever where a parent exists but refuses new entries with ENOENT (`/proc/x`).
 */
const makeFolders = async (path: string): Promise<void> => {
  const missing: string[] = [];
  let current = path;
  while (!(await exists(current))) {
    missing.unshift(current);
    if (dirname(current) === current) break;
    current = dirname(current);
  }
  for (const folder of missing) await mkdir(folder);
};

const exists = async (path: string): Promise<boolean> => {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
};

/** Thrown by {@link prepareLake}: the reason as one line, for the command to print. */
export class LakeFolderError extends Error {
  public override readonly name = 'LakeFolderError';
}

/**
 * Creates the lake folder if needed and writes and removes a probe file in it, so a file in the
 * way, a read-only folder or a full disk is reported before a run starts, not half-way through.
 */
export const prepareLake = async (lake: string): Promise<void> => {
  const probe = join(lake, `.write-probe-${randomBytes(4).toString('hex')}`);
  try {
    await makeFolders(lake);
    await writeFile(probe, 'spotify-etl checks that the lake folder is writable\n');
    await rm(probe, { force: true });
  } catch (error) {
    const problem = await lakeProblem(lake, error);
    if (problem === undefined) throw error;
    throw new LakeFolderError(problem);
  }
};
