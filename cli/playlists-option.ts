/**
 * `--playlists @FILE` (run, remote start, remote backfill): the playlist ids kept in a file,
 * separated by commas, spaces or new lines. A long list does not fit on a command line: Linux
 * refuses a single argument over 128 KiB, about 5,600 ids, and a run takes up to 10,000.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from './command';

/**
 * The value of `--playlists` with `@FILE` replaced by the file's ids joined by commas (relative
 * to `cwd`); any other value unchanged.
 * @example await playlistsOption('@ids.txt', '/home/me') // 'id1,id2,…' from /home/me/ids.txt
 */
export const playlistsOption = async (value: string | undefined, cwd: string): Promise<string | undefined> => {
  if (value?.startsWith('@') !== true) return value;
  const path = resolve(cwd, value.slice(1));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`--playlists ${value}: cannot read ${path} (${typeof code === 'string' ? code : 'unreadable'}); give a file of playlist ids, one per line or separated by commas`);
  }
  const ids = text.split(/[\s,]+/).filter((id) => id !== '');
  if (ids.length === 0) throw new UsageError(`--playlists ${value}: ${path} names no playlist; give a file of playlist ids, one per line or separated by commas`);
  return ids.join(',');
};
