/** Process wiring of the command line: argv, streams, signals and the exit status. */
import { main } from './main';

/** Resolves on the first Ctrl-C; commands that run until stopped (the emulator) wait on it. */
const stopped = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

process.exitCode = await main(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  stopped,
});
