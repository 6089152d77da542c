import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../cli/command';
import { main } from '../../cli/main';

/** A command-line IO whose output is kept, and a stop the test presses like Ctrl-C. */
const cli = (cwd = process.cwd()) => {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = { out: '', err: '' };
  out.on('data', (chunk: Buffer) => (text.out += chunk.toString()));
  err.on('data', (chunk: Buffer) => (text.err += chunk.toString()));
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const io: CliIo = { out, err, env: {}, cwd, stopped };
  /** Resolves with stdout once `pattern` has been printed. */
  const printed = async (pattern: RegExp): Promise<string> => {
    while (!pattern.test(text.out)) await new Promise((resolve) => out.once('data', resolve));
    return text.out;
  };
  return { io, text, stop, printed };
};

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('spotify-etl emulator', () => {
  it('serves the real payload fixtures, prints the base URLs and playlists, and stops on Ctrl-C', async () => {
    // Prepare
    const { io, text, stop, printed } = cli(join(import.meta.dirname, '../..'));
    // Act
    const exit = main(['emulator', '--port', '0', '--fixtures', '../shared/spotify/real-payloads', '--seed', '3'], io);
    const output = await printed(/Press Ctrl-C/);
    const apiBaseUrl = /API base URL: +(\S+)/.exec(output)?.[1] ?? '';
    const unauthenticated = await fetch(`${apiBaseUrl}/playlists/5lH9NjOeJvctAO92ZrKQNB/items`);
    stop();
    // Assess
    expect(await exit).toBe(0);
    expect(apiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(unauthenticated.status).toBe(401);
    expect(text.out).toContain('5 playlists');
    expect(text.out).toContain('5lH9NjOeJvctAO92ZrKQNB  "5lH9NjOeJvctAO92ZrKQNB" (40 entries)');
    expect(text.out).toContain('37i9dQZF1DZ06evO25rXbO  "This Is Gorillaz" (50 entries)');
    expect(text.err).toMatch(/warning: spotdl__GET_track_.*\.json: ignored/);
    await expect(fetch(`${apiBaseUrl}/playlists/x`)).rejects.toThrow();
  });

  it('lists the built-in playlists, with the one the user may not read marked, and saves its credentials only to a 0600 file', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'));
    folders.push(dir);
    const { io, text, stop, printed } = cli(dir);
    // Act
    const exit = main(['emulator', '--port', '0', '--credentials', 'emulator.json'], io);
    await printed(/Press Ctrl-C/);
    stop();
    // Assess
    expect(await exit).toBe(0);
    const saved = JSON.parse(await readFile(join(dir, 'emulator.json'), 'utf8')) as { clientSecret: string; refreshToken: string };
    expect((await stat(join(dir, 'emulator.json'))).mode & 0o777).toBe(0o600);
    expect(text.out).toContain('"Línea uno\\nline two, \\"quoted\\" 日本語 🎧" (7 entries)');
    expect(text.out).toContain('(20 entries, not readable by the consenting user (403))');
    expect(text.out + text.err).not.toContain(saved.clientSecret);
    expect(text.out + text.err).not.toContain(saved.refreshToken);
  });

  it.each([
    [['--faults', 'boom=1'], 'unknown fault kind "boom"'],
    [['--seed', '1.5'], '--seed must be a whole number from 0 to 2147483647, got "1.5"'],
    [['--port', '70000'], '--port must be a whole number from 0 to 65535'],
    [['--colour', 'red'], "Unknown option '--colour'"],
  ])('fails with the usage and exit status 2 for %j', async (args, message) => {
    // Prepare
    const { io, text } = cli();
    // Act
    const exit = await main(['emulator', ...args], io);
    // Assess
    expect(exit).toBe(2);
    expect(text.err).toContain(message);
    expect(text.err).toContain('usage:');
  });

  it('fails with exit status 2 and one clear line when the fixtures folder does not exist', async () => {
    // Prepare
    const { io, text } = cli('/tmp');
    // Act
    const exit = await main(['emulator', '--fixtures', 'no-such-folder-here'], io);
    // Assess
    expect(exit).toBe(2);
    expect(text.err).toBe(
      'spotify-etl emulator: --fixtures /tmp/no-such-folder-here: no such folder. Give a folder holding recorded Spotify playlist objects or playlist-items pages (*.json).\n',
    );
  });
});
