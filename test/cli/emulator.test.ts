import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { captureIo } from '../support/cli-io';
import { tempFolder } from '../support/temp-folders';

describe('spotify-etl emulator', () => {
  it('serves the real payload fixtures, prints the base URLs and playlists, and stops on Ctrl-C', async () => {
    // Prepare
    const io = captureIo(join(import.meta.dirname, '../..'));
    // Act
    const exit = main(['emulator', '--port', '0', '--fixtures', 'test/fixtures/spotify/real', '--seed', '3'], io);
    await io.printed(/Press Ctrl-C/);
    const apiBaseUrl = /API base URL: +(\S+)/.exec(io.stdout())?.[1] ?? '';
    const unauthenticated = await fetch(`${apiBaseUrl}/playlists/5lH9NjOeJvctAO92ZrKQNB/items`);
    io.stop();
    // Assess
    expect(await exit).toBe(0);
    expect(apiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(unauthenticated.status).toBe(401);
    expect(io.stdout()).toContain('5 playlists');
    expect(io.stdout()).toContain('5lH9NjOeJvctAO92ZrKQNB  "5lH9NjOeJvctAO92ZrKQNB" (40 entries)');
    expect(io.stdout()).toContain('37i9dQZF1DZ06evO25rXbO  "This Is Gorillaz" (50 entries)');
    expect(io.stderr()).toMatch(/warning: spotdl__GET_track_.*\.json: ignored/);
    await expect(fetch(`${apiBaseUrl}/playlists/x`)).rejects.toThrow();
  });

  it('lists the built-in playlists, with the one the user may not read marked, and saves its credentials only to a 0600 file', async () => {
    // Prepare
    const dir = await tempFolder('emulator-cli-');
    const io = captureIo(dir);
    // Act
    const exit = main(['emulator', '--port', '0', '--credentials', 'emulator.json'], io);
    await io.printed(/Press Ctrl-C/);
    io.stop();
    // Assess
    expect(await exit).toBe(0);
    const saved = JSON.parse(await readFile(join(dir, 'emulator.json'), 'utf8')) as { clientSecret: string; refreshToken: string };
    expect((await stat(join(dir, 'emulator.json'))).mode & 0o777).toBe(0o600);
    expect(io.stdout()).toContain('"Línea uno\\nline two, \\"quoted\\" 日本語 🎧" (7 entries)');
    expect(io.stdout()).toContain('(20 entries, not readable by the consenting user (403))');
    expect(io.stdout() + io.stderr()).not.toContain(saved.clientSecret);
    expect(io.stdout() + io.stderr()).not.toContain(saved.refreshToken);
  });

  it.each([
    [['--faults', 'boom=1'], 'unknown fault kind "boom"'],
    [['--seed', '1.5'], '--seed must be a whole number from 0 to 2147483647, got "1.5"'],
    [['--port', '70000'], '--port must be a whole number from 0 to 65535'],
    [['--colour', 'red'], "Unknown option '--colour'"],
  ])('fails with the usage and exit status 2 for %j', async (args, message) => {
    // Prepare
    const io = captureIo(process.cwd());
    // Act
    const exit = await main(['emulator', ...args], io);
    // Assess
    expect(exit).toBe(2);
    expect(io.stderr()).toContain(message);
    expect(io.stderr()).toContain('usage:');
  });

  it('fails with exit status 2 and one clear line when the fixtures folder does not exist', async () => {
    // Prepare
    const io = captureIo('/tmp');
    // Act
    const exit = await main(['emulator', '--fixtures', 'no-such-folder-here'], io);
    // Assess
    expect(exit).toBe(2);
    expect(io.stderr()).toBe(
      'spotify-etl emulator: --fixtures /tmp/no-such-folder-here: no such folder. Give a folder holding recorded Spotify playlist objects or playlist-items pages (*.json).\n',
    );
  });
});
