/**
 * The `spotify-etl` command line: picks the sub-command and turns user mistakes into one clear
 * line on stderr and a non-zero exit, never a stack trace.
 */
import { UsageError, type CliIo, type Command } from './command';

const usage = `usage:
  spotify-etl run [--date D | --from D --to D] [--playlists a,b] [--lake DIR]
                  [--source emulator|spotify] [--fixtures DIR] [--faults SPEC] [--seed N]
                  [--reject-tolerance N] [--json]
  spotify-etl query "<SQL>" [--lake DIR] [--json]
  spotify-etl emulator [--port N] [--fixtures DIR] [--faults SPEC] [--seed N]
  spotify-etl auth login [--port N]
  spotify-etl remote start|backfill|redrive|status|list ...
  spotify-etl snowflake ddl [--bucket NAME] [--database NAME] [--schema NAME] [--role-arn ARN]`;

/** Sub-commands by their words, loaded on demand so `query` does not pay for the emulator. */
const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run')).run,
  query: async () => (await import('./commands/query')).query,
  emulator: async () => (await import('./commands/emulator')).emulator,
  'auth login': async () => (await import('./commands/auth-login')).authLogin,
  remote: async () => (await import('./commands/remote')).remote,
  'snowflake ddl': async () => (await import('./commands/snowflake')).snowflake,
};

const pick = (argv: string[]): { load: () => Promise<Command>; args: string[] } | undefined => {
  const two = argv.slice(0, 2).join(' ');
  const one = argv[0] ?? '';
  if (commands[two]) return { load: commands[two], args: argv.slice(2) };
  if (commands[one]) return { load: commands[one], args: argv.slice(1) };
  return undefined;
};

/** Runs the command line on `argv` (without node and script) and returns the exit status. */
export const main = async (argv: string[], io: CliIo): Promise<number> => {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    io.err.write(`${usage}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const chosen = pick(argv);
  if (!chosen) {
    io.err.write(`spotify-etl: unknown command "${argv.join(' ')}"\n${usage}\n`);
    return 2;
  }
  try {
    return await (await chosen.load())(chosen.args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`spotify-etl: ${error.message}\n${usage}\n`);
      return 2;
    }
    throw error;
  }
};
