/** What every `spotify-etl` sub-command receives and returns. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command writes: results to `out` (stdout), progress and messages to `err` (stderr). */
export interface CliIo {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Resolves when the user asks the command to stop (Ctrl-C); long-running commands wait on it. */
  readonly stopped: Promise<void>;
}

/** A sub-command: takes its own arguments (after the command words) and returns the exit status. */
export type Command = (args: string[], io: CliIo) => Promise<number>;

/** A mistake in how the command was called: printed as one line with the usage, never a stack trace. */
export class UsageError extends Error {
  public override readonly name = 'UsageError';
}

/** Parses options strictly; an unknown or malformed option becomes a {@link UsageError}. */
export const parseOptions = <O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
  allowPositionals = false,
) => {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};
