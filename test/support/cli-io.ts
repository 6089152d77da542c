/** A CliIo that keeps what a command writes, for running commands in-process. */
import { EventEmitter, once } from 'node:events';
import { Writable } from 'node:stream';
import type { CliIo } from '../../cli/command';

/** Output of one command as it is written, and the Ctrl-C a test can press. */
export interface CapturedIo extends CliIo {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Presses Ctrl-C: resolves `stopped`. */
  readonly stop: () => void;
  /** Resolves with the first match of `pattern` in the stream, once the command has written it. */
  readonly printed: (pattern: RegExp, stream?: 'stdout' | 'stderr') => Promise<RegExpExecArray>;
}

/** A stream that keeps the text written to it; `printed` waits for a pattern to appear. */
export const capturedStream = (): { stream: Writable; text: () => string; printed: (pattern: RegExp) => Promise<RegExpExecArray> } => {
  let text = '';
  const written = new EventEmitter();
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      written.emit('text');
      done();
    },
  });
  const printed = async (pattern: RegExp): Promise<RegExpExecArray> => {
    let match = pattern.exec(text);
    while (!match) {
      await once(written, 'text');
      match = pattern.exec(text);
    }
    return match;
  };
  return { stream, text: () => text, printed };
};

/** An io in `cwd` with the given environment (empty by default), stopped only by {@link CapturedIo.stop}. */
export const captureIo = (cwd: string, env: NodeJS.ProcessEnv = {}): CapturedIo => {
  const out = capturedStream();
  const err = capturedStream();
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  return {
    out: out.stream,
    err: err.stream,
    env,
    cwd,
    stopped,
    stop,
    stdout: out.text,
    stderr: err.text,
    printed: (pattern, stream = 'stdout') => (stream === 'stdout' ? out : err).printed(pattern),
  };
};
