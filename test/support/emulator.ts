/** The Spotify emulator for one test. */
import { onTestFinished } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../adapters/spotify/emulator/server';

/** Starts an emulator on 127.0.0.1 that is closed when the calling test (or its beforeEach's test) finishes. */
export const emulatorWith = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
  const emulator = await startEmulator(options);
  onTestFinished(() => emulator.close());
  return emulator;
};
