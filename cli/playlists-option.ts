/**
 * `--playlists @FILE` (run, remote start, remote backfill): the playlist ids kept in a file,
 * separated by commas, spaces or new lines, with `#` starting a comment line. A long list does
 * not fit on a command line: Linux refuses a single argument over 128 KiB, about 5,600 ids, and a
 * run takes up to 10,000.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SpotifyPlaylistId } from '../core/run-input';
import { cut } from '../core/text';
import { UsageError } from './command';
import { escapeControl } from './local/text';

/** The largest list read: 10,000 ids take about 230 KB, so a bigger file is some other file. */
const maxListBytes = 2 ** 20;

/**
 * The value of `--playlists` with `@FILE` replaced by the file's ids joined by commas (relative
 * to `cwd`); any other value unchanged. A file that cannot be read, is too large, holds something
 * that is not a playlist id or names none is a {@link UsageError} naming the file (and the line).
 * @example await playlistsOption('@ids.txt', '/home/me') // 'id1,id2,…' from /home/me/ids.txt
 */
export const playlistsOption = async (value: string | undefined, cwd: string): Promise<string | undefined> => {
  if (value?.startsWith('@') !== true) return value;
  const path = resolve(cwd, value.slice(1));
  const refuse = (problem: string): never => {
    throw new UsageError(`--playlists ${value}: ${problem}; give a file of playlist ids, one per line or separated by commas`);
  };
  let bytes: Buffer;
  try {
    const { size } = await stat(path);
    if (size > maxListBytes) refuse(`${path} holds ${size} bytes, more than a list of playlist ids (10,000 ids take about 230 KB)`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as { code?: unknown }).code;
    return refuse(`cannot read ${path} (${typeof code === 'string' ? code : 'unreadable'})`);
  }
  if (bytes[0] === 0xff || bytes[0] === 0xfe) refuse(`${path} is UTF-16 text; save it as UTF-8`);
  const ids: string[] = [];
  // trim() also drops a UTF-8 byte order mark.
  for (const [index, line] of bytes.toString('utf8').split('\n').entries()) {
    const text = line.trim();
    if (text.startsWith('#')) continue;
    for (const id of text.split(/[\s,]+/).filter((word) => word !== '')) {
      const comment = id.startsWith('#') ? ' (a comment takes a line of its own)' : '';
      if (!SpotifyPlaylistId.is(id)) {
        refuse(`line ${index + 1} holds ${escapeControl(cut(JSON.stringify(id)))}${comment}, which is not a Spotify playlist id (the 22 letters and digits after open.spotify.com/playlist/)`);
      }
      ids.push(id);
    }
  }
  if (ids.length === 0) refuse(`${path} names no playlist`);
  return ids.join(',');
};
