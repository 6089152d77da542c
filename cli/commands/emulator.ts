/**
 * `spotify-etl emulator [--port N] [--fixtures DIR] [--faults SPEC] [--seed N] [--credentials FILE]`:
 * runs the Spotify emulator until Ctrl-C and prints what it serves. Its secret and refresh token
 * are never printed; `--credentials FILE` saves them to a 0600 file for other tools.
 */
import { resolve } from 'node:path';
import { FileCredentialsStore } from '../../adapters/local/file-secrets';
import { parseFaults } from '../../adapters/spotify/emulator/faults';
import { startEmulator, type EmulatorOptions } from '../../adapters/spotify/emulator/server';
import { InvalidInputError } from '../../core/errors';
import { parseOptions, UsageError, type Command } from '../command';

/** A whole-number option in [min, max], or a UsageError naming the flag and the value. */
export const integerOption = (flag: string, value: string, min: number, max: number): number => {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
};

/**
 * The emulator options of `--fixtures`, `--faults` and `--seed` (shared with `run`); a bad value is a
 * UsageError. `--fixtures` is resolved against `cwd`.
 */
export const emulatorOptionsFrom = (values: { fixtures?: string | undefined; faults?: string | undefined; seed?: string | undefined }, cwd: string): EmulatorOptions => {
  try {
    parseFaults(values.faults);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(error.message);
    throw error;
  }
  return {
    ...(values.fixtures === undefined ? {} : { fixturesDir: resolve(cwd, values.fixtures) }),
    ...(values.faults === undefined ? {} : { faults: values.faults }),
    seed: values.seed === undefined ? 1 : integerOption('--seed', values.seed, 0, 2 ** 31 - 1),
  };
};

/** Runs the emulator until the user stops it. */
export const emulator: Command = async (args, io) => {
  const { values } = parseOptions(args, {
    port: { type: 'string' },
    fixtures: { type: 'string' },
    faults: { type: 'string' },
    seed: { type: 'string' },
    credentials: { type: 'string' },
  });
  const options: EmulatorOptions = {
    ...emulatorOptionsFrom(values, io.cwd),
    port: values.port === undefined ? 0 : integerOption('--port', values.port, 0, 65_535),
  };
  let running;
  try {
    running = await startEmulator(options);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      io.err.write(`spotify-etl emulator: ${error.message}\n`);
      return 2;
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.err.write(`spotify-etl emulator: port ${options.port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one).\n`);
      return 1;
    }
    throw error;
  }
  try {
    for (const warning of running.warnings) io.err.write(`warning: ${warning}\n`);
    const source = options.fixturesDir ? `fixtures in ${options.fixturesDir}` : `built-in catalog, seed ${options.seed}`;
    const lines = [
      `Spotify emulator: ${running.playlists.length} playlists (${source})`,
      `  API base URL:      ${running.apiBaseUrl}`,
      `  Accounts base URL: ${running.accountsBaseUrl}`,
      `  Client id:         ${running.credentials.clientId}`,
      `  Faults:            ${values.faults ?? 'none'}`,
    ];
    if (values.credentials !== undefined) {
      const store = new FileCredentialsStore(resolve(io.cwd, values.credentials));
      await store.write(running.credentials);
      lines.push(`  Credentials:       saved to ${store.location} (mode 0600; client secret and refresh token)`);
    }
    lines.push('Playlists:');
    for (const playlist of running.playlists) {
      // JSON quoting keeps names with line breaks or quotes on one line.
      const access = playlist.readable ? '' : ', not readable by the consenting user (403)';
      lines.push(`  ${playlist.id}  ${JSON.stringify(playlist.name)} (${playlist.total} entries${access})`);
    }
    lines.push('Press Ctrl-C to stop.');
    io.out.write(`${lines.join('\n')}\n`);
    await io.stopped;
    io.err.write(`Stopped after ${running.stats().apiRequests} API and ${running.stats().tokenRequests} token requests.\n`);
    return 0;
  } finally {
    await running.close();
  }
};
