/**
 * `spotify-etl run` (options in {@link runHelp}): the whole pipeline on this machine, the rendered
 * state machine with every step's own code. Without dates it is the daily run for today (UTC);
 * `npm start` is this with the defaults.
 */
import type { LocalDuckDb } from '../../adapters/local/duckdb-lake';
import { credentialsPath, FileCredentialsStore } from '../../adapters/local/file-secrets';
import type { EmulatorOptions, RunningEmulator } from '../../adapters/spotify/emulator/server';
import type { SpotifyGrant } from '../../adapters/spotify/spotify-token-client';
import { systemClock, utcDateOf } from '../../core/dates';
import { ErrorName, InvalidInputError } from '../../core/errors';
import type { Clock, CredentialsStore } from '../../core/ports';
import { splitList } from '../../core/run-input';
import { asOptions, integerOption, parseOptions, UsageError, type CliIo, type Command } from '../command';
import { lakeFolderOption, LakeFolderError, lakeProblem, prepareLake } from '../local/lake-folder';
import { runPipeline, storedSpotifyCredentials, type SpotifySource } from '../local/pipeline';
import { progressTo } from '../local/progress';
import { withReport } from '../local/report';
import { faultCountOf, formatSummary, summarise } from '../local/summary';
import { emulatorOptionsFrom } from './emulator';
import { playlistsOption } from '../playlists-option';

/** `spotify-etl run --help`. */
export const runHelp = `usage: spotify-etl run [--date D | --from D --to D] [--playlists a,b|@FILE] [--lake DIR]
                       [--source emulator|spotify] [--fixtures DIR] [--faults SPEC] [--seed N]
                       [--catalog-seed N] [--reject-tolerance N] [--full] [--json]

The whole pipeline on this machine: the rendered state machine with every step's code, a folder
as S3, DuckDB as Glue and Athena. Without a date it is the daily run for today (UTC).

  --date D              one date (YYYY-MM-DD, up to today), read from Spotify as it is now: for
                        a past date this overwrites its raw snapshots and outputs with today's
                        contents (to rebuild a past date as it was landed: --from D --to D)
  --from D --to D       a backfill: rebuild the range's dates from the raw snapshots landed on
                        them (today, if in the range, is read from Spotify)
  --playlists a,b       playlist ids (22 letters and digits), comma-separated, or @FILE for the
                        ids in FILE (one per line or comma-separated, # starts a comment line;
                        a long list does not fit on a command line); default: the emulator's
                        playlists (required with --source spotify)
  --lake DIR            where the lake is written (default ./lake)
  --source S            emulator (default, the built-in Spotify emulator) or spotify (the real
                        Web API with the credentials \`spotify-etl auth login\` stored)
  --fixtures DIR        the emulator serves the recorded responses in DIR instead of its catalog
  --faults SPEC         the emulator injects faults: kind=probability,... with kinds 429, 500,
                        503, reset, timeout, truncate, expire-token and probabilities decimals
                        from 0 to 1, plus retry-after=SECONDS; e.g. 429=0.05,reset=0.02
  --seed N              seeds the faults (a whole number from 0; default 1): the same seed
                        injects the same faults
  --catalog-seed N      another built-in catalog (a whole number from 0; default 1)
  --reject-tolerance N  undecodable entries a date may hold and still pass (default 0); a
                        playlist whose own object is missing or unreadable never passes
  --full                read every page of every playlist, even one whose snapshot id is
                        the one last published (otherwise carried over with one request)
  --json                print the summary as one JSON object
  --help                this help

Exit status: 0 when the run succeeded, 1 when it failed, 2 for a mistake in the command,
130 when stopped with Ctrl-C.
e.g. spotify-etl run --fixtures test/fixtures/spotify/real --date 2026-11-20`;

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
  'catalog-seed': { type: 'string' },
  json: { type: 'boolean' },
  full: { type: 'boolean' },
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
  if ((values.from === undefined) !== (values.to === undefined)) {
    const [given, missing] = values.from === undefined ? ['--to', '--from'] : ['--from', '--to'];
    throw new UsageError(`${given} ${values.from ?? values.to} needs ${missing} too: a backfill runs from one date to another, e.g. --from 2026-11-01 --to 2026-11-21`);
  }
  if (values.playlists !== undefined && splitList(values.playlists).length === 0) {
    throw new UsageError(`--playlists "${values.playlists}" names no playlist; give ids separated by commas, e.g. --playlists 37i9dQZF1DZ06evO25rXbO`);
  }
  const playlists = {
    ...(values.playlists === undefined ? {} : { playlists: splitList(values.playlists) }),
    ...(values.full === true ? { full: true } : {}),
  };
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
    saveRefreshToken: async (rotated, firstSeen) => {
      await new FileCredentialsStore(credentialsPath(lake)).write({ clientId, clientSecret, refreshToken: rotated, refreshTokenFirstSeen: firstSeen });
      refreshToken = rotated;
    },
    // An exported token has nowhere to keep its date, so its age reads 0 on every run: the
    // environment is for trying things out; `auth login`'s file keeps the date.
    recordRefreshTokenFirstSeen: async () => {},
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
    const parsed = parseOptions(args, options).values;
    const values = { ...parsed, playlists: await playlistsOption(parsed.playlists, io.cwd) };
    const source = values.source ?? 'emulator';
    if (source !== 'emulator' && source !== 'spotify') throw new UsageError(`--source must be emulator or spotify, got "${source}"`);
    if (source === 'spotify' && (values.fixtures ?? values.faults ?? values.seed ?? values['catalog-seed']) !== undefined) {
      throw new UsageError('--fixtures, --faults, --seed and --catalog-seed configure the emulator; they do not apply to --source spotify');
    }
    const request = requestOf(values, deps.clock);
    if (source === 'spotify' && values.playlists === undefined && request['mode'] !== 'backfill') {
      throw new UsageError('--source spotify needs --playlists: the ids of your playlists, comma-separated (the 22 letters and digits after open.spotify.com/playlist/), or @FILE for a file of them');
    }
    const rejectTolerance =
      values['reject-tolerance'] === undefined ? undefined : integerOption('--reject-tolerance', values['reject-tolerance'], 0, Number.MAX_SAFE_INTEGER);
    // The built-in catalog changes from date to date: it serves the date the run extracts. Never
    // one after today, which ValidateInput refuses: the catalog of a date is built day by day
    // from its first, and --date 9999-12-31 built it for minutes before any refusal could be said.
    const today = utcDateOf(deps.clock.now());
    const servedDate = values.date !== undefined && values.date < today ? values.date : today;
    const emulatorOptions = source === 'emulator' ? { ...emulatorOptionsFrom(values, io.cwd), date: servedDate } : undefined;
    const lake = lakeFolderOption(io.cwd, values.lake);
    try {
      await prepareLake(lake);
      return await runIn(lake, { args, values, request, emulatorOptions, rejectTolerance }, deps, io);
    } catch (error) {
      const problem = error instanceof LakeFolderError ? error.message : await lakeProblem(lake, error);
      if (problem === undefined) throw error;
      io.err.write(`spotify-etl run: ${problem}\n`);
      return 1;
    }
  };

/** The run itself, once its options are checked and its lake is writable. */
const runIn = async (
  lake: string,
  given: { args: readonly string[]; values: Values; request: Record<string, unknown>; emulatorOptions: EmulatorOptions | undefined; rejectTolerance: number | undefined },
  deps: RunDeps,
  io: CliIo,
): Promise<number> => {
  const { args, values, request, emulatorOptions, rejectTolerance } = given;
  let emulator: RunningEmulator | undefined;
  if (emulatorOptions) {
    try {
      // Loaded only when used: `--source spotify` and `--help` never start it.
      const { startEmulator } = await import('../../adapters/spotify/emulator/server');
      emulator = await startEmulator(emulatorOptions);
    } catch (error) {
      if (error instanceof InvalidInputError) throw new UsageError(error.message);
      throw error;
    }
    for (const warning of emulator.warnings) io.err.write(`warning: ${warning}\n`);
  }
  const abort = new AbortController();
  void io.stopped.then(() => abort.abort());
  const progress = progressTo(io.err);
  let db: LocalDuckDb | undefined;
  try {
    // The run's DuckDB stays open for the summary's sample, which then reuses the views the
    // report's queries defined: a second instance and its views were a tenth of a small run. Like
    // the report's, the sample builds only the views it names (not the analysts').
    const { DuckDbQueryEngine, openDuckDb } = await import('../../adapters/local/duckdb-catalog');
    const duckDb = (db = await openDuckDb());
    const run = await runPipeline({
      duckDb,
      lake,
      request,
      source: emulator ? { kind: 'emulator', ...emulator } : spotifySource(io, lake),
      clock: deps.clock,
      onEvent: progress.onEvent,
      signal: abort.signal,
      ...(deps.maxPages === undefined ? {} : { maxPages: deps.maxPages }),
      ...(rejectTolerance === undefined ? {} : { rejectTolerance }),
    });
    progress.done();
    const faults = emulator && values.faults !== undefined ? faultCountOf(emulator.stats().faultsByKind) : null;
    const summary = withReport(await summarise(lake, run, (sql) => new DuckDbQueryEngine(lake, duckDb.connection, { published: 'when-named' }).query(sql), faults, args));
    if (values.json) io.out.write(`${JSON.stringify(summary)}\n`);
    const error = summary.error ?? { name: 'Error', message: 'the run failed' };
    // A rejected input is a mistake in the command, said as one; nothing was planned to summarise.
    if (summary.status === 'failed' && error.name === ErrorName.InvalidInput) throw new UsageError(asOptions(error.message));
    // A run refused for a date in use wrote nothing: one line says why, without a summary of nothing.
    if (summary.status === 'failed' && error.name === ErrorName.DateInUse) {
      io.err.write(`spotify-etl run: ${error.message}\n`);
      return 1;
    }
    if (!values.json) io.out.write(formatSummary(summary));
    if (summary.status === 'succeeded') return 0;
    if (error.name === 'ExecutionAbortedError') {
      io.err.write('spotify-etl run: stopped before it finished; every partition holds either its old or its new rows, so run it again to complete it\n');
      return 130;
    }
    // The summary names the error; its message is said here, once.
    io.err.write(`spotify-etl run: ${error.name}: ${error.message}\n`);
    return 1;
  } finally {
    db?.close();
    await emulator?.close();
  }
};

/** `spotify-etl run`. */
export const run: Command = createRun();
