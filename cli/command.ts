/** What every `spotify-etl` sub-command receives and returns, and the one rule for its options. */
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

/**
 * A mistake in how the command was called: printed as one line, then one line pointing at
 * `spotify-etl <command> --help`, never a stack trace. `command` names the words whose help
 * applies when they are more than the command `main` picked (`remote start`).
 */
export class UsageError extends Error {
  public override readonly name = 'UsageError';

  public constructor(
    message: string,
    public readonly command?: string,
  ) {
    super(message);
  }
}

/**
 * A run input's rule broken (core/run-input.ts names the JSON fields: `from/to, playlists: …`)
 * said with the command line's options instead, for a command that took them as options.
 * @example asOptions('from/to: "2026-11-02".."2026-11-01" …') // '--from/--to: "2026-11-02".."2026-11-01" …'
 */
export const asOptions = (message: string): string =>
  message
    .replace(/^[a-z/, ]+(?=:)/, (fields) => fields.replace(/\b(date|from|to|playlists)\b/g, '--$1'))
    // The other field a rule compares with ("… is after to: …") is an option too.
    .replace(/(?<=[a-z] )(date|from|to)(?=: ")/g, '--$1');

/** Whether the arguments ask for help rather than for work. */
export const asksForHelp = (args: readonly string[]): boolean => args.some((arg) => arg === '--help' || arg === '-h');

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `--seed -1` as `--seed=-1`: node's parser takes a value starting with a dash for a forgotten
 * value ("argument is ambiguous"), but a negative number is a value, which the option's own rule
 * then refuses by name.
 */
const joinNegativeNumbers = (args: readonly string[], options: Options): string[] => {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    const option = arg.startsWith('--') ? options[arg.slice(2)] : undefined;
    if (option?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
};

/** node's parser error as one line naming the option and what to write instead. */
const explainParseError = (error: unknown, options: Options): string => {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  const known = Object.keys(options).map((name) => `--${name}`).join(', ');
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}; the options are ${known}, --help`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return options[option.replace(/^--/, '')]?.type === 'boolean' ? `${option} takes no value` : `${option} needs a value after it`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? message}; the options are ${known}, --help`;
    default:
      return message.split('\n')[0] ?? message;
  }
};

/**
 * Parses options strictly: an unknown option, a missing value or a single-valued option given
 * twice (where the last would silently win) is a {@link UsageError} naming the option.
 */
export const parseOptions = <O extends Options>(args: string[], options: O, allowPositionals = false) => {
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeNumbers(args, options), options, allowPositionals, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(explainParseError(error, options));
  }
  const seen = new Map<string, string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || options[token.name]?.multiple) continue;
    const earlier = seen.get(token.name);
    if (earlier !== undefined) {
      const values = token.value === undefined ? '' : ` ("${earlier}" and "${token.value}") but takes one value`;
      throw new UsageError(`--${token.name} is given twice${values}: give it once`);
    }
    seen.set(token.name, token.value ?? '');
  }
  return { values: parsed.values, positionals: parsed.positionals };
};

/** A whole-number option in [min, max], or a UsageError naming the flag, the value and the rule. */
export const integerOption = (flag: string, value: string, min: number, max: number): number => {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
};
