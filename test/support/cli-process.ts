/** `spotify-etl` as a user starts it: `bin/spotify-etl.js` in a process of its own. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const execFileAsync = promisify(execFile);

/** How the process ended: its exit code (-1 when a signal ended it, named in `signal`) and its output. */
export interface Exit {
  readonly code: number;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `spotify-etl <args>` in its own process, from the repository, with its exit instead of a rejection. */
export const cliProcess = async (args: readonly string[]): Promise<Exit> => {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [join(repo, 'bin/spotify-etl.js'), ...args], { cwd: repo, timeout: 240_000 });
    return { code: 0, signal: null, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; signal?: string | null; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, signal: failed.signal ?? null, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
};
