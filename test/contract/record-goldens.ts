/**
 * Records golden step payloads (test/contract/steps/README.md) from real local runs of the
 * rendered ASL over the built-in emulator, as `spotify-etl run` makes them: the first payload
 * each registered step's Task receives and the result it returns.
 *
 *   npm run goldens                 records <dir>.v1.json for every registered step that has none
 *   npm run goldens -- <dir> ...    records <dir>.v(N+1).json for the named step folders, after a contract change
 *
 * It never overwrites a golden. Two runs reach every step today: one that publishes, and one whose
 * Spotify credentials are refused (the failure branch); a step neither reaches is reported.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../adapters/spotify/emulator/server';
import { runPipeline } from '../../cli/local/pipeline';
import { renderAsl } from '../../state-machine/render';
import { allSteps, type AnyStep } from '../../steps/registry';
import { goldenDir, newestGolden, readGoldens } from './goldens';

/** The day the runs are told it is, so the recorded dates do not move with the calendar. */
const runDate = '2026-11-20';

/** The files to write: each step with the version it gets. */
const targets = (named: readonly string[]): { step: AnyStep; version: number }[] => {
  const goldens = readGoldens();
  if (named.length === 0) return allSteps.filter((step) => newestGolden(step, goldens) === undefined).map((step) => ({ step, version: 1 }));
  return named.map((dir) => {
    const step = allSteps.find((candidate) => candidate.dir === dir);
    if (step === undefined) throw new Error(`${dir} is not the folder of a registered step (steps/registry.ts): name one of ${allSteps.map((s) => s.dir).join(', ')}`);
    return { step, version: (newestGolden(step, goldens)?.version ?? 0) + 1 };
  });
};

/** One `spotify-etl run` over the emulator, told it is {@link runDate}: `record` sees each Task's payload and result. */
const recordRun = async (request: unknown, refuseCredentials: boolean, record: (step: AnyStep, input: unknown, output: unknown) => void): Promise<string> => {
  const lake = mkdtempSync(join(tmpdir(), 'goldens-'));
  const emulator = await startEmulator({ seed: 1 });
  try {
    const { outcome } = await runPipeline({
      lake,
      request,
      source: {
        kind: 'emulator',
        apiBaseUrl: emulator.apiBaseUrl,
        accountsBaseUrl: emulator.accountsBaseUrl,
        credentials: refuseCredentials ? { ...emulator.credentials, clientSecret: 'refused' } : emulator.credentials,
        playlistIds: emulator.playlistIds.slice(0, 2),
      },
      clock: { now: () => new Date(`${runDate}T06:00:00.000Z`) },
      asl: renderAsl(),
      onTask: (stateName, input, output) => {
        const step = allSteps.find((candidate) => candidate.stateName === stateName);
        if (step !== undefined) record(step, input, output);
      },
    });
    return outcome.status === 'failed' ? `${outcome.status} (${outcome.error})` : outcome.status;
  } finally {
    await emulator.close();
    rmSync(lake, { recursive: true, force: true });
  }
};

const main = async (): Promise<number> => {
  const wanted = targets(process.argv.slice(2));
  if (wanted.length === 0) {
    console.log('Every registered step has a golden payload. After a contract change, name its folder: npm run goldens -- <dir>');
    return 0;
  }
  const request = { mode: 'manual', date: runDate };
  const seen = new Map<AnyStep, { input: unknown; output: unknown; run: string }>();
  const runs = [
    { what: 'a run that publishes', refuse: false },
    { what: 'a run whose Spotify credentials are refused', refuse: true },
  ];
  for (const run of runs) {
    const ended = await recordRun(request, run.refuse, (step, input, output) => {
      if (!seen.has(step)) seen.set(step, { input, output, run: run.what });
    });
    console.log(`${run.what}: ${ended}`);
  }
  let missed = 0;
  for (const { step, version } of wanted) {
    const file = join(goldenDir, `${step.dir}.v${version}.json`);
    const payload = seen.get(step);
    if (payload === undefined) {
      missed += 1;
      console.error(`${step.stateName}: no run reached it, so no golden was written; add a run that does in test/contract/record-goldens.ts`);
    } else if (existsSync(file)) {
      console.error(`${file} exists and is never overwritten; a changed contract gets the next version`);
    } else {
      const capturedFrom = `${payload.run}: a local run of the rendered ASL over the built-in emulator (seed 1), started with ${JSON.stringify(request)}; the payload the Task's Lambda received and the result it returned`;
      writeFileSync(file, `${JSON.stringify({ stateName: step.stateName, capturedFrom, input: payload.input, output: payload.output }, null, 2)}\n`);
      console.log(`wrote test/contract/steps/${step.dir}.v${version}.json`);
    }
  }
  return missed === 0 ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
