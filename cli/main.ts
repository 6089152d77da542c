/**
 * The `spotify-etl` command line: picks the sub-command, answers `--help` on stdout, and turns
 * user mistakes into one line on stderr plus one line pointing at `--help`, never a stack trace.
 */
import { asksForHelp, UsageError, type CliIo, type Command } from './command';

const overview = `usage: spotify-etl <command> [options]

commands:
  run        the whole pipeline on this machine, into ./lake (npm start runs it with the defaults)
  query      SQL over the lake's curated tables
  report     one HTML page of charts of the lake's published data and run health
  emulator   the Spotify emulator alone, with curl commands to call it
  auth login the one-time consent of the playlists' owner, for --source spotify
  remote     start, redrive and inspect executions of the deployed state machine
  snowflake ddl  the Snowflake SQL that loads the published tables through Snowpipe

Run spotify-etl <command> --help for a command's options.`;

/** A command and its help text, loaded on demand so `query` does not pay for the emulator. */
interface Loaded {
  readonly command: Command;
  /** The help of the command, given the arguments after its words (remote picks its sub-command's). */
  readonly help: (args: readonly string[]) => string;
}

const commands: Record<string, () => Promise<Loaded>> = {
  run: async () => {
    const module = await import('./commands/run');
    return { command: module.run, help: () => module.runHelp };
  },
  query: async () => {
    const module = await import('./commands/query');
    return { command: module.query, help: () => module.queryHelp };
  },
  report: async () => {
    const module = await import('./commands/report');
    return { command: module.report, help: () => module.reportHelp };
  },
  emulator: async () => {
    const module = await import('./commands/emulator');
    return { command: module.emulator, help: () => module.emulatorHelp };
  },
  'auth login': async () => {
    const module = await import('./commands/auth-login');
    return { command: module.authLogin, help: () => module.authLoginHelp };
  },
  remote: async () => {
    const module = await import('./commands/remote');
    return { command: module.remote, help: module.remoteHelp };
  },
  'snowflake ddl': async () => {
    const module = await import('./commands/snowflake');
    return { command: module.snowflake, help: () => module.snowflakeHelp };
  },
};

const firstWord = (words: string): string => words.split(' ')[0] ?? words;
/** The command of each group that has exactly one, a two-word command (`auth` → `auth login`, `snowflake` → `snowflake ddl`). */
const groups = new Map(
  Object.keys(commands)
    .filter((words) => words.includes(' ') && Object.keys(commands).filter((other) => firstWord(other) === firstWord(words)).length === 1)
    .map((words) => [firstWord(words), words] as const),
);

const pick = (argv: string[]): { words: string; args: string[] } | undefined => {
  const two = argv.slice(0, 2).join(' ');
  const one = argv[0] ?? '';
  if (commands[two]) return { words: two, args: argv.slice(2) };
  // `auth --help`: the group has one command.
  const grouped = groups.get(one);
  if (grouped !== undefined && asksForHelp(argv.slice(1, 2))) return { words: grouped, args: argv.slice(1) };
  if (commands[one]) return { words: one, args: argv.slice(1) };
  return undefined;
};

/** A usage mistake: its line, and the line that says where the right usage is. */
const usageMistake = (io: CliIo, words: string, message: string): number => {
  io.err.write(`spotify-etl ${words}: ${message.replace(/\s*\n\s*/g, ' ')}\nRun \`spotify-etl ${words} --help\` for its options.\n`);
  return 2;
};

/**
 * Runs the command line on `argv` (without node and script) and returns the exit status.
 * `replaced` swaps a command for one built with other dependencies (tests move "today").
 */
export const main = async (argv: string[], io: CliIo, replaced: Readonly<Record<string, Command>> = {}): Promise<number> => {
  if (argv.length > 0 && asksForHelp(argv.slice(0, 1))) {
    io.out.write(`${overview}\n`);
    return 0;
  }
  if (argv.length === 0) {
    io.err.write('spotify-etl: give a command: run, query, report, emulator, auth login, remote or snowflake ddl\nRun `spotify-etl --help` for what each does.\n');
    return 2;
  }
  const chosen = pick(argv);
  const group = groups.get(argv[0] ?? '');
  if (!chosen && group !== undefined) {
    const first = firstWord(group);
    return usageMistake(io, first, `"${first}${argv[1] === undefined ? '' : ` ${argv[1]}`}" is not a command; the ${first} command is \`spotify-etl ${group}\``);
  }
  if (!chosen) {
    io.err.write(`spotify-etl: unknown command "${argv[0] ?? ''}"; the commands are run, query, report, emulator, auth login, remote and snowflake ddl\nRun \`spotify-etl --help\` for what each does.\n`);
    return 2;
  }
  const module = await (commands[chosen.words] as () => Promise<Loaded>)();
  const loaded = { ...module, command: replaced[chosen.words] ?? module.command };
  if (asksForHelp(chosen.args)) {
    io.out.write(`${loaded.help(chosen.args)}\n`);
    return 0;
  }
  try {
    return await loaded.command(chosen.args, io);
  } catch (error) {
    if (error instanceof UsageError) return usageMistake(io, error.command ?? chosen.words, error.message);
    throw error;
  }
};
