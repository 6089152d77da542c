/**
 * `spotify-etl emulator` (options in {@link emulatorHelp}): runs the Spotify emulator until Ctrl-C
 * or SIGTERM, and prints what it serves with curl commands that call it. Those commands carry the
 * emulator's own client secret and refresh token: throwaway values made at start, valid only
 * against this process on 127.0.0.1, never a Spotify app's. A real app's are never printed.
 */
import { FileCredentialsStore } from '../../adapters/local/file-secrets';
import { parseFaults } from '../../adapters/spotify/emulator/faults';
import type { EmulatorOptions, RunningEmulator } from '../../adapters/spotify/emulator/server';
import { isIsoDate, utcDateOf } from '../../core/dates';
import { InvalidInputError } from '../../core/errors';
import { integerOption, parseOptions, UsageError, type Command } from '../command';
import { localPathOption } from '../local/lake-folder';
import { plural } from '../local/text';

/** `spotify-etl emulator --help`. */
export const emulatorHelp = `usage: spotify-etl emulator [--port N] [--date D] [--fixtures DIR] [--faults SPEC] [--seed N]
                            [--catalog-seed N] [--credentials FILE]

The Spotify emulator alone, on 127.0.0.1, until Ctrl-C or SIGTERM: the accounts service (token
grants) and the Web API's playlist endpoints, with Spotify's limits and errors. It prints its
base URLs, its playlists and curl commands that fetch a token and a playlist's items.

  --port N            the port (0 to 65535; default 0, a free one)
  --date D            serve the built-in catalog as it is on D (YYYY-MM-DD; default today, UTC,
                      the date \`spotify-etl run\` serves): its playlists change from date to date
  --fixtures DIR      serve the recorded Spotify responses in DIR instead of the built-in catalog
  --faults SPEC       inject faults: kind=probability,... with kinds 429, 500, 503, reset, timeout,
                      truncate, expire-token and probabilities decimals from 0 to 1, plus
                      retry-after=SECONDS; e.g. 429=0.05,reset=0.02
  --seed N            seeds the faults (a whole number from 0; default 1)
  --catalog-seed N    another built-in catalog (a whole number from 0; default 1)
  --credentials FILE  also save the client id, secret and refresh token to FILE (mode 0600), in
                      the form \`spotify-etl run --source spotify\` reads
  --help              this help`;

const seedRange = [0, 2 ** 31 - 1] as const;

/**
 * The emulator options of `--fixtures`, `--faults`, `--seed` and `--catalog-seed` (shared with
 * `run`); a bad value is a UsageError. `--fixtures` is resolved against `cwd`.
 */
export const emulatorOptionsFrom = (
  values: { fixtures?: string | undefined; faults?: string | undefined; seed?: string | undefined; 'catalog-seed'?: string | undefined },
  cwd: string,
): EmulatorOptions => {
  try {
    parseFaults(values.faults);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(error.message);
    throw error;
  }
  return {
    ...(values.fixtures === undefined ? {} : { fixturesDir: localPathOption('--fixtures', cwd, values.fixtures) }),
    ...(values.faults === undefined ? {} : { faults: values.faults }),
    seed: values.seed === undefined ? 1 : integerOption('--seed', values.seed, ...seedRange),
    catalogSeed: values['catalog-seed'] === undefined ? 1 : integerOption('--catalog-seed', values['catalog-seed'], ...seedRange),
  };
};

/** A shell word: single-quoted unless it is plainly safe. */
const shellWord = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);

/**
 * Two ready-to-paste commands: a token request with the emulator's client credentials (the
 * refresh-token grant, as the pipeline makes it: a client-credentials token may not read items),
 * and a request for a playlist's first page of items with that token.
 */
export const curlCommands = (running: RunningEmulator, playlistId: string): { token: string; playlist: string } => {
  const { clientId, clientSecret, refreshToken } = running.credentials;
  const token =
    `curl -s -u ${shellWord(`${clientId}:${clientSecret}`)} -d grant_type=refresh_token -d refresh_token=${shellWord(refreshToken ?? '')} ` +
    `${running.accountsBaseUrl}/api/token`;
  const playlist = `curl -s -H "Authorization: Bearer $TOKEN" '${running.apiBaseUrl}/playlists/${encodeURIComponent(playlistId)}/items?limit=50'`;
  return { token, playlist };
};

/** Runs the emulator until the user stops it. */
export const emulator: Command = async (args, io) => {
  const { values } = parseOptions(args, {
    port: { type: 'string' },
    fixtures: { type: 'string' },
    faults: { type: 'string' },
    seed: { type: 'string' },
    'catalog-seed': { type: 'string' },
    credentials: { type: 'string' },
    date: { type: 'string' },
  });
  if (values.date !== undefined && !isIsoDate(values.date)) throw new UsageError(`--date must be a date as YYYY-MM-DD, got "${values.date}"`);
  // The date a run without --date serves, so the emulator alone shows the playlists `run` reads.
  const today = utcDateOf(new Date());
  // Spotify has no playlists of the future, and the catalog of a date is built day by day from its first.
  if (values.date !== undefined && values.date > today) throw new UsageError(`--date ${values.date} is after today (${today} UTC): the emulator serves playlists as they are up to today`);
  const date = values.date ?? today;
  const options: EmulatorOptions = {
    ...emulatorOptionsFrom(values, io.cwd),
    date,
    port: values.port === undefined ? 0 : integerOption('--port', values.port, 0, 65_535),
  };
  let running;
  try {
    // Loaded here, not at the top: `run` imports this module for its options alone.
    const { startEmulator } = await import('../../adapters/spotify/emulator/server');
    running = await startEmulator(options);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.err.write(`spotify-etl emulator: port ${options.port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one).\n`);
      return 1;
    }
    throw error;
  }
  try {
    for (const warning of running.warnings) io.err.write(`warning: ${warning}\n`);
    const source = options.fixturesDir ? `fixtures in ${options.fixturesDir}` : `built-in catalog ${options.catalogSeed ?? 1} as on ${date}`;
    const lines = [
      `Spotify emulator: ${plural(running.playlists.length, 'playlist')} (${source})`,
      `  API base URL:      ${running.apiBaseUrl}`,
      `  Accounts base URL: ${running.accountsBaseUrl}`,
      `  Client id:         ${running.credentials.clientId}`,
      `  Faults:            ${values.faults === undefined ? 'none' : `${values.faults} (seed ${options.seed ?? 1})`}`,
    ];
    if (values.credentials !== undefined) {
      const store = new FileCredentialsStore(localPathOption('--credentials', io.cwd, values.credentials));
      await store.write(running.credentials);
      lines.push(`  Credentials:       saved to ${store.location} (mode 0600; client secret and refresh token)`);
    }
    lines.push('Playlists:');
    for (const playlist of running.playlists) {
      // JSON quoting keeps names with line breaks or quotes on one line.
      const access = playlist.readable ? '' : ', not readable by the consenting user (403)';
      lines.push(`  ${playlist.id}  ${JSON.stringify(playlist.name)} (${plural(playlist.total, 'entry', 'entries')}${access})`);
    }
    const example = running.playlists.find((playlist) => playlist.readable && playlist.total > 0) ?? running.playlists[0];
    if (example) {
      const curl = curlCommands(running, example.id);
      lines.push(
        'Try it (a token, then the first page of a playlist):',
        `  TOKEN=$(${curl.token} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
        `  ${curl.playlist}`,
      );
    }
    lines.push('Press Ctrl-C to stop (or send SIGTERM).');
    io.out.write(`${lines.join('\n')}\n`);
    await io.stopped;
    const { apiRequests, tokenRequests } = running.stats();
    io.err.write(`Stopped after ${plural(apiRequests, 'API request')} and ${plural(tokenRequests, 'token request')}.\n`);
    return 0;
  } finally {
    await running.close();
  }
};
