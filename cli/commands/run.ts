/**
 * `spotify-etl run [--date D | --from D --to D] [--playlists a,b] [--lake DIR]
 * [--source emulator|spotify] [--fixtures DIR] [--faults SPEC] [--seed N] [--reject-tolerance N] [--json]`
 * (DESIGN §6; `--reject-tolerance` is how many undecodable entries a date may have and still pass):
 * the whole pipeline on this machine, the rendered state machine with every step's own code.
 * Without dates it is the daily run for today (UTC); `npm start` is this with the defaults.
 */
import { resolve } from 'node:path';
import { credentialsPath, FileCredentialsStore } from '../../adapters/local/file-secrets';
import { startEmulator, type RunningEmulator } from '../../adapters/spotify/emulator/server';
import type { SpotifyGrant } from '../../adapters/spotify/spotify-token-client';
import { systemClock } from '../../core/dates';
import { ErrorName, InvalidInputError } from '../../core/errors';
import type { Clock, CredentialsStore } from '../../core/ports';
import { splitList } from '../../core/run-input';
import { parseOptions, UsageError, type CliIo, type Command } from '../command';
import { runPipeline, storedSpotifyCredentials, type SpotifySource } from '../local/pipeline';
import { progressTo } from '../local/progress';
import { formatSummary, summarise } from '../local/summary';
import { emulatorOptionsFrom, integerOption } from './emulator';

/** What `run` depends on besides its arguments: tests move "today" with the clock. */
export interface RunDeps {
  readonly clock: Clock;
  /** Pages per ExtractItems invocation, to exercise the cursor loop on small playlists. @default the contract's budget */
  readonly maxPages?: number;
}

const options = {
  date: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  playlists: { type: 'string' },
  lake: { type: 'string' },
  source: { type: 'string' },
  fixtures: { type: 'string' },
  faults: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  'reject-tolerance': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseOptions<typeof options>>['values'];

/**
 * The execution input the options stand for, exactly what the console would send; its values are
 * checked by ValidateInput in the machine, so the rules and messages are the deployed ones.
 */
export const requestOf = (values: Values, clock: Clock): Record<string, unknown> => {
  if (values.date !== undefined && (values.from !== undefined || values.to !== undefined)) {
    throw new UsageError('--date runs one date and --from/--to a range; give one or the other');
  }
  const playlists = values.playlists === undefined ? {} : { playlists: splitList(values.playlists) };
  if (values.date !== undefined) return { mode: 'manual', date: values.date, ...playlists };
  if (values.from !== undefined || values.to !== undefined) return { mode: 'backfill', from: values.from, to: values.to, ...playlists };
  return { mode: 'scheduled', scheduledTime: clock.now().toISOString(), ...playlists };
};

/**
 * Where `--source spotify` takes the credentials from: the environment only when it holds all a
 * token request needs (SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET, plus SPOTIFY_REFRESH_TOKEN
 * unless the grant is client_credentials); otherwise the file `auth login` stored, which is also
 * what `auth login` needs those two variables exported for, so their presence alone says nothing.
 */
export const spotifyCredentials = (env: NodeJS.ProcessEnv, lake: string, grant: SpotifyGrant): CredentialsStore => {
  const { SPOTIFY_CLIENT_ID: clientId, SPOTIFY_CLIENT_SECRET: clientSecret, SPOTIFY_REFRESH_TOKEN: envRefreshToken } = env;
  if (!clientId || !clientSecret || (!envRefreshToken && grant === 'refresh_token')) return storedSpotifyCredentials(lake);
  let refreshToken = envRefreshToken || undefined;
  return {
    read: async () => ({ clientId, clientSecret, refreshToken }),
    // A rotated refresh token replaces the exported one, which may no longer work: this process
    // uses it from now on, and it is kept where `auth login` would, to outlive the process.
    saveRefreshToken: async (rotated) => {
      await new FileCredentialsStore(credentialsPath(lake)).write({ clientId, clientSecret, refreshToken: rotated });
      refreshToken = rotated;
    },
  };
};

/** `--source spotify`: the real Spotify (or the base URLs in the environment) with {@link spotifyCredentials}. */
const spotifySource = (io: CliIo, lake: string): SpotifySource => {
  const grant: SpotifyGrant = io.env.SPOTIFY_GRANT === 'client_credentials' ? 'client_credentials' : 'refresh_token';
  return {
    kind: 'spotify',
    apiBaseUrl: io.env.SPOTIFY_API_BASE_URL ?? 'https://api.spotify.com/v1',
    accountsBaseUrl: io.env.SPOTIFY_ACCOUNTS_BASE_URL ?? 'https://accounts.spotify.com',
    credentials: spotifyCredentials(io.env, lake, grant),
    grant,
  };
};

/** The `run` command with its dependencies. */
export const createRun =
  (deps: RunDeps = { clock: systemClock }): Command =>
  async (args, io) => {
    const { values } = parseOptions(args, options);
    const source = values.source ?? 'emulator';
    if (source !== 'emulator' && source !== 'spotify') throw new UsageError(`--source must be emulator or spotify, got "${source}"`);
    if (source === 'spotify' && (values.fixtures ?? values.faults ?? values.seed) !== undefined) {
      throw new UsageError('--fixtures, --faults and --seed configure the emulator; they do not apply to --source spotify');
    }
    const request = requestOf(values, deps.clock);
    const lake = resolve(io.cwd, values.lake ?? 'lake');
    let emulator: RunningEmulator | undefined;
    if (source === 'emulator') {
      try {
        emulator = await startEmulator(emulatorOptionsFrom(values, io.cwd));
      } catch (error) {
        if (error instanceof InvalidInputError) throw new UsageError(error.message);
        throw error;
      }
      for (const warning of emulator.warnings) io.err.write(`warning: ${warning}\n`);
    }
    const abort = new AbortController();
    void io.stopped.then(() => abort.abort());
    const progress = progressTo(io.err);
    try {
      const run = await runPipeline({
        lake,
        request,
        source: emulator ? { kind: 'emulator', ...emulator } : spotifySource(io, lake),
        clock: deps.clock,
        onEvent: progress.onEvent,
        signal: abort.signal,
        ...(deps.maxPages === undefined ? {} : { maxPages: deps.maxPages }),
        ...(values['reject-tolerance'] === undefined
          ? {}
          : { rejectTolerance: integerOption('--reject-tolerance', values['reject-tolerance'], 0, Number.MAX_SAFE_INTEGER) }),
      });
      progress.done();
      const summary = await summarise(lake, run);
      if (values.json) io.out.write(`${JSON.stringify(summary)}\n`);
      if (summary.status === 'succeeded') {
        if (!values.json) io.out.write(formatSummary(summary));
        return 0;
      }
      const error = summary.error ?? { name: 'Error', message: 'the run failed' };
      if (!values.json && error.name !== ErrorName.InvalidInput) io.out.write(formatSummary(summary));
      if (error.name === ErrorName.InvalidInput) {
        io.err.write(`spotify-etl run: ${error.message}\n`);
        return 2;
      }
      if (error.name === 'ExecutionAbortedError') {
        io.err.write('spotify-etl run: stopped before it finished; every partition holds either its old or its new rows, so run it again to complete it\n');
        return 130;
      }
      io.err.write(`spotify-etl run: ${error.name}: ${error.message}\n`);
      return 1;
    } catch (error) {
      // The file system refused the lake's own files outside any step (the 0600 state files a run
      // writes before it starts): a full disk or a read-only folder is one line, not a stack trace.
      if (!(error instanceof Error) || typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
      io.err.write(`spotify-etl run: could not use the lake ${lake}: ${error.message}. Free space or fix its permissions, then run again.\n`);
      return 1;
    } finally {
      await emulator?.close();
    }
  };

/** `spotify-etl run`. */
export const run: Command = createRun();
