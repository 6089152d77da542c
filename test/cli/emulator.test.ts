import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
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
    // The folder's recordings of albums, artists, searches and errors are not playlists, and not mistakes either.
    expect(io.stderr()).not.toContain('warning');
    await expect(fetch(`${apiBaseUrl}/playlists/x`)).rejects.toThrow();
  });

  it('lists the built-in playlists as on the date asked, with the one the user may not read marked, and saves its credentials to a 0600 file', async () => {
    // Prepare
    const dir = await tempFolder('emulator-cli-');
    const io = captureIo(dir);
    // Act
    const exit = main(['emulator', '--port', '0', '--date', '2026-11-01', '--credentials', 'emulator.json'], io);
    await io.printed(/Press Ctrl-C/);
    io.stop();
    // Assess
    expect(await exit).toBe(0);
    const saved = JSON.parse(await readFile(join(dir, 'emulator.json'), 'utf8')) as { clientSecret: string; refreshToken: string };
    expect((await stat(join(dir, 'emulator.json'))).mode & 0o777).toBe(0o600);
    expect(io.stdout()).toContain('"Línea uno\\nline two, \\"quoted\\" 日本語 🎧" (7 entries)');
    expect(io.stdout()).toContain('(20 entries, not readable by the consenting user (403))');
    expect(io.stdout()).toContain('"Just one" (1 entry)');
    expect(io.stdout()).toContain('(built-in catalog 1 as on 2026-11-01)');
    expect(io.stdout()).toContain('"Forty-nine" (49 entries)');
    expect(io.stderr()).not.toContain(saved.clientSecret);
    expect(io.stderr()).not.toContain(saved.refreshToken);
  });

  it.each([
    [['--faults', 'boom=1'], 'unknown fault kind "boom"'],
    [['--seed', '1.5'], '--seed must be a whole number from 0 to 2147483647, got "1.5"'],
    [['--port', '70000'], '--port must be a whole number from 0 to 65535'],
    [['--colour', 'red'], 'unknown option --colour'],
    [['--date', '2026-11-31'], '--date must be a date as YYYY-MM-DD, got "2026-11-31"'],
    [['--date', '9999-12-31'], '--date 9999-12-31 is after today'],
  ])('fails with one line and a pointer at --help and exit status 2 for %j', async (args, message) => {
    // Prepare
    const io = captureIo(process.cwd());
    // Act
    const exit = await main(['emulator', ...args], io);
    // Assess
    expect(exit).toBe(2);
    expect(io.stderr()).toContain(message);
    expect(io.stderr().trimEnd().split('\n')).toHaveLength(2);
    expect(io.stderr()).toContain('Run `spotify-etl emulator --help` for its options.');
  });

  it('fails with exit status 2 and one clear line when the fixtures folder does not exist', async () => {
    // Prepare
    const io = captureIo('/tmp');
    // Act
    const exit = await main(['emulator', '--fixtures', 'no-such-folder-here'], io);
    // Assess
    expect(exit).toBe(2);
    expect(io.stderr()).toBe(
      'spotify-etl emulator: --fixtures /tmp/no-such-folder-here: no such folder. Give a folder holding recorded Spotify playlist objects or playlist-items pages (*.json).\n' +
        'Run `spotify-etl emulator --help` for its options.\n',
    );
  });
});

/** The words of a printed curl command, as a shell would split them (single quotes only, as printed). */
const shellWords = (line: string): string[] => [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');

/** Does what a printed `curl -s [-u user:pass] [-H header] [-d field]… URL` does, with fetch. */
const curlByFetch = async (line: string, env: Record<string, string> = {}): Promise<Response> => {
  const words = shellWords(line.replace(/\$(\w+)/g, (_, name: string) => env[name] ?? ''));
  expect(words[0]).toBe('curl');
  const headers: Record<string, string> = {};
  const form: string[] = [];
  let url = '';
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i] ?? '';
    if (word === '-s') continue;
    if (word === '-u') headers['authorization'] = `Basic ${Buffer.from(words[(i += 1)] ?? '').toString('base64')}`;
    else if (word === '-H') {
      const [name = '', ...value] = (words[(i += 1)] ?? '').split(':');
      headers[name.toLowerCase()] = value.join(':').trim();
    } else if (word === '-d') form.push(words[(i += 1)] ?? '');
    else url = word;
  }
  if (form.length === 0) return fetch(url, { headers });
  return fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: form.join('&') });
};

describe('spotify-etl emulator as a tool', () => {
  const root = join(import.meta.dirname, '../..');

  it('prints a token request and a playlist request that work when pasted', async () => {
    // Prepare
    const io = captureIo(root);
    const exit = main(['emulator', '--port', '0'], io);
    await io.printed(/Press Ctrl-C/);
    const tokenLine = /^ {2}TOKEN=\$\((curl .*) \| sed .*\)$/m.exec(io.stdout())?.[1] ?? '';
    const playlistLine = /^ {2}(curl -s -H "Authorization: Bearer \$TOKEN" .*)$/m.exec(io.stdout())?.[1] ?? '';
    // Act
    const tokenAnswer = await curlByFetch(tokenLine);
    const token = ((await tokenAnswer.json()) as { access_token?: string }).access_token ?? '';
    const page = await curlByFetch(playlistLine, { TOKEN: token });
    io.stop();
    // Assess
    expect(await exit).toBe(0);
    expect(tokenLine).toMatch(/^curl -s -u emulator-client-1:\S+ -d grant_type=refresh_token -d refresh_token=\S+ http:\/\/127\.0\.0\.1:\d+\/api\/token$/);
    expect(tokenAnswer.status).toBe(200);
    expect(token).not.toBe('');
    expect(page.status).toBe(200);
    expect(((await page.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  /** `node bin/spotify-etl.js emulator --port 0` as its own process (or under `sh -c`), and its base URL once listening. */
  const started = async (viaShell = false) => {
    const command = [process.execPath, join(root, 'bin/spotify-etl.js'), 'emulator', '--port', '0'];
    // A shell that waits for its child, as npm's does under npx, so the emulator's parent is the shell.
    const child = viaShell
      ? spawn('sh', ['-c', `${command.map((word) => `'${word}'`).join(' ')} & echo "emulator pid $!"; wait`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(command[0] ?? '', command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    while (!stdout.includes('Press Ctrl-C')) {
      if (child.exitCode !== null) throw new Error(`the emulator exited: ${stderr}`);
      await once(child.stdout, 'data');
    }
    const apiBaseUrl = /API base URL: +(\S+)/.exec(stdout)?.[1] ?? '';
    const pid = Number(/^emulator pid (\d+)$/m.exec(stdout)?.[1] ?? child.pid);
    return { child, pid, apiBaseUrl, stderr: () => stderr };
  };

  it('stops on SIGTERM: the process exits 0 and its port is closed', async () => {
    // Prepare
    const { child, apiBaseUrl, stderr } = await started();
    expect((await fetch(`${apiBaseUrl}/playlists/x`)).status).toBe(401);
    // Act
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    // Assess
    expect(code).toBe(0);
    expect(stderr()).toContain('Stopped after');
    await expect(fetch(`${apiBaseUrl}/playlists/x`)).rejects.toThrow();
  });

  it('stops when its parent goes away without passing the signal on, as npm and its shell do under npx', async () => {
    // Prepare
    const { child, pid, apiBaseUrl } = await started(true);
    onTestFinished(() => {
      // Should this test fail, the orphan is not left listening.
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    });
    // Act: the shell dies and the emulator is orphaned
    child.kill('SIGKILL');
    await once(child, 'exit');
    // Assess: within a few polls of its parent, the port closes
    let open = true;
    for (let attempt = 0; attempt < 100 && open; attempt += 1) {
      open = await fetch(`${apiBaseUrl}/playlists/x`).then(
        () => true,
        () => false,
      );
      if (open) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(open).toBe(false);
  });
});

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
