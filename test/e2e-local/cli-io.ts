/** A CliIo that keeps what a command writes, for running commands in-process. */
import { Writable } from 'node:stream';
import type { CliIo } from '../../cli/command';

/** Captured output of one command. */
export interface CapturedIo extends CliIo {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

const sink = (): { stream: Writable; text: () => string } => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
};

/** An io in `cwd` with an empty environment, never stopped. */
export const captureIo = (cwd: string, env: NodeJS.ProcessEnv = {}): CapturedIo => {
  const out = sink();
  const err = sink();
  return { out: out.stream, err: err.stream, env, cwd, stopped: new Promise<void>(() => undefined), stdout: out.text, stderr: err.text };
};
