/** Process wiring of the command line: argv, streams, signals and the exit status. */
import { main } from './main';

/**
 * Resolves on the first Ctrl-C, SIGTERM or SIGHUP, or when the parent process goes away;
 * commands that run until stopped (the emulator) wait on it, then close what they opened.
 */
const stopped = new Promise<void>((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
  // `npx spotify-etl …` runs this under npm and a shell; on SIGTERM npm exits and its shell with
  // it, without passing the signal on, which would leave this process (and a listening emulator)
  // running. Orphaned, this process gets a new parent: that is the stop.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) resolve();
  }, 250);
  watch.unref();
});

process.exitCode = await main(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  stopped,
});
