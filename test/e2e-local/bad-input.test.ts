/**
 * Bad input, end to end: each mistake exits non-zero with one clear line and leaves the curated
 * data of an earlier run exactly as it was. The rules run inside the machine (ValidateInput), so
 * these are the messages a console user of the deployed machine sees too.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command';
import { createRun } from '../../cli/commands/run';
import { main } from '../../cli/main';
import { runPipeline } from '../../cli/local/pipeline';
import { causeMessage } from '../../core/step';
import { steps } from '../../steps/registry';
import { captureIo } from '../support/cli-io';
import { emulatorWith } from '../support/emulator';
import { tempFolderForSuite } from '../support/temp-folders';

const today = '2026-11-20';
const clock = { now: () => new Date(`${today}T07:00:00Z`) };

/** Every curated file with a hash of its bytes. */
const curatedState = async (lake: string): Promise<Record<string, string>> => {
  const root = join(lake, 'curated');
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  return Object.fromEntries(
    await Promise.all(
      files.map(async (file) => {
        const path = join(file.parentPath, file.name);
        return [path.slice(root.length), createHash('sha256').update(await readFile(path)).digest('hex')] as const;
      }),
    ),
  );
};

describe('bad input', () => {
  const lake = tempFolderForSuite('spotify-etl-bad-input-');
  let before: Record<string, string>;

  beforeAll(async () => {
    const code = await createRun({ clock })(['--lake', lake(), '--json'], captureIo(lake()));
    if (code !== 0) throw new Error('the run that lays down curated data failed');
    before = await curatedState(lake());
  });

  it.each([
    ['from > to', ['--from', '2026-11-10', '--to', '2026-11-01'], 2, '--from: "2026-11-10" is after --to: "2026-11-01"'],
    ['a malformed date', ['--date', '20-11-2026'], 2, 'date: "20-11-2026" is not a calendar date; write it as YYYY-MM-DD'],
    ['a range over 366 days', ['--from', '2025-01-01', '--to', '2026-11-20'], 2, 'covers 689 dates; a backfill covers at most 366'],
    ['a future date', ['--date', '2026-11-21'], 2, 'date: "2026-11-21" is in the future (today is 2026-11-20 UTC)'],
    ['a date far in the future (the emulator built its catalog for it for minutes first)', ['--date', '9999-12-31'], 2, 'date: "9999-12-31" is in the future (today is 2026-11-20 UTC)'],
    ['an empty playlist list', ['--playlists', ','], 2, '--playlists "," names no playlist'],
    ['a malformed playlist id', ['--playlists', 'https://open.spotify.com/x'], 2, 'is not a Spotify playlist id'],
    [
      'a backfill whose plan would not fit the run state',
      ['--from', '2025-11-20', '--to', today, '--playlists', Array.from({ length: 10_000 }, (_, index) => `p${String(index).padStart(21, '0')}`).join(',')],
      2,
      '--from/--to, --playlists: 10,000 playlists over 366 dates take 268,',
    ],
    ['an unknown playlist id', ['--date', today, '--playlists', '0000000000000000000000'], 1, 'SpotifyNotFoundError: Spotify has no playlist 0000000000000000000000'],
  ])('fails on %s with one clear line and leaves curated/ untouched', async (_case, args, exitCode, message) => {
    // Prepare
    const io = captureIo(lake());
    // Act
    const code = await main(['run', ...args, '--lake', lake()], io, { run: createRun({ clock }) });
    // Assess
    expect(code).toBe(exitCode);
    const lines = io.stderr().trim().split('\n');
    // A usage mistake ends with the pointer at --help; a failed run with its error.
    const said = exitCode === 2 ? lines.at(-2) : lines.at(-1);
    if (exitCode === 2) expect(lines.at(-1)).toBe('Run `spotify-etl run --help` for its options.');
    expect(said).toContain(message);
    expect(io.stderr()).not.toMatch(/\n\s+at /);
    expect(await curatedState(lake())).toEqual(before);
  });

  it('fails on --date with --from as a usage error, before anything runs', async () => {
    await expect(createRun({ clock })(['--date', today, '--from', today, '--lake', lake()], captureIo(lake()))).rejects.toThrow(
      new UsageError('--date runs one date and --from/--to a range; give one or the other'),
    );
  });

  it('fails an unknown mode in ValidateInput, through NotifyFailure, with InvalidInputError', async () => {
    // Prepare
    const emulator = await emulatorWith();
    // Act
    const run = await runPipeline({ lake: lake(), request: { mode: 'weekly', date: today }, source: { kind: 'emulator', ...emulator }, clock });
    // Assess
    expect(run.outcome.status).toBe('failed');
    if (run.outcome.status !== 'failed') return;
    expect(run.outcome.error).toBe('InvalidInputError');
    expect(causeMessage(run.outcome.cause)).toBe('mode: "weekly" is not a run mode; use "scheduled", "manual" or "backfill"');
    expect(run.outcome.events.some((e) => e.type === 'StateEntered' && (e as { state: { name: string } }).state.name === steps.notifyFailure.stateName)).toBe(true);
    expect(run.notifications[0]?.subject).toBe('spotify-etl: InvalidInputError');
    expect(await curatedState(lake())).toEqual(before);
  });
});
