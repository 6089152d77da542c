/**
 * A count that lands after the run's summing step listed the folder: one playlist's child fails,
 * the Distributed Map fails the run and NotifyFailure sums while another child's ExtractItems is
 * still running. The real rendered machine on the local executor, the real counting wrapper and
 * NotifyFailure, on a lake in a temp folder.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../../adapters/local/fs-blob-store';
import { AsyncRequestMeter } from '../../../adapters/spotify/request-meter';
import { UpstreamSchemaChangedError } from '../../../core/errors';
import { runRequestsPrefix } from '../../../core/lake/keys';
import type { RunManifest } from '../../../core/lake/manifest';
import { readManifest } from '../../../core/manifests';
import { countsOfKey } from '../../../core/requests';
import { lambdaHandler } from '../../../core/step';
import { runLocally, uniformPauses } from '../../../state-machine/local-executor';
import { renderAsl } from '../../../state-machine/render';
import type { ExtractItemsInput, ExtractItemsOutput } from '../../../steps/extract-items/contract';
import type { GetPlaylistInput, GetPlaylistOutput } from '../../../steps/get-playlist/contract';
import { runNotifyFailure } from '../../../steps/notify-failure/step';
import { steps } from '../../../steps/registry';
import { countingRequests } from '../../../steps/request-counts';
import { tempFolder } from '../../support/temp-folders';
import { handlersOf, happyFakes, playlistA, playlistB } from '../../workflow/fake-steps';
import { fixedClock, MemoryDateLeases, RecordingNotifier, RecordingRestarts } from './fakes';

const date = '2026-11-20';

/** A promise and the function that settles it. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
};

describe('a count that lands after the run was summed', () => {
  it('stays in the run\'s folder and is counted by a later summing of the run, as a redrive\'s is', async () => {
    // Prepare: playlist A's GetPlaylist fails (not retried) once B's ExtractItems is under way; B's ExtractItems sends its request and goes on until let go
    const store = new FsBlobStore(join(await tempFolder('late-writer-'), 'lake'));
    const meter = new AsyncRequestMeter();
    const { handlers } = handlersOf(happyFakes());
    const extracting = gate();
    const letGo = gate();
    let lateInvocation: Promise<unknown> | undefined;
    handlers.GetPlaylist = lambdaHandler(
      steps.getPlaylist,
      countingRequests(steps.getPlaylist, { store, meter }, async (input: GetPlaylistInput): Promise<GetPlaylistOutput> => {
        meter.apiRequest();
        if (input.playlistId === playlistA) {
          await extracting.opened;
          throw new UpstreamSchemaChangedError('the playlist object changed shape');
        }
        return { ...input, snapshotId: 'snap', cursor: { offset: 0, total: 50 } } as GetPlaylistOutput;
      }),
    );
    const extract = lambdaHandler(
      steps.extractItems,
      countingRequests(steps.extractItems, { store, meter }, async (input: ExtractItemsInput): Promise<ExtractItemsOutput> => {
        meter.apiRequest();
        extracting.open();
        await letGo.opened;
        return { ...input, cursor: { ...input.cursor, offset: input.cursor.total }, done: true, waitSeconds: 0, pagesStored: 1 } as ExtractItemsOutput;
      }),
    );
    handlers.ExtractItems = (payload) => (lateInvocation = extract(payload));
    let summing: unknown;
    const notify = lambdaHandler(
      steps.notifyFailure,
      runNotifyFailure({ store, clock: fixedClock(`${date}T09:20:00Z`), leases: new MemoryDateLeases(), notifier: new RecordingNotifier(), restarts: new RecordingRestarts() }),
    );
    handlers.NotifyFailure = (payload) => {
      summing = payload;
      return notify(payload);
    };
    const asl = renderAsl();
    // Act: the run ends failed while B's ExtractItems still runs; then it ends and stores its count
    const outcome = await runLocally({ asl, handlers, input: { mode: 'manual', date }, executionName: 'late', pauses: uniformPauses(asl, 0) });
    const atEnd = ((await readManifest(store, date)) as RunManifest).lastAttempt.requests;
    letGo.open();
    await lateInvocation;
    // A later summing of the run (a redrive's NotifyFailure or RecordRun sums the same folder)
    await notify(summing);
    // Assess
    expect(outcome.status).toBe('failed');
    const counts = (await store.list(runRequestsPrefix('late'))).filter((key) => countsOfKey(key) !== undefined);
    // A's and B's GetPlaylist when the run ended; B's ExtractItems landed after, and nothing removed any of them.
    expect(atEnd).toEqual({ spotifyApi: 2, spotifyToken: 0 });
    expect(counts.filter((key) => key.includes(`/ExtractItems.${playlistB}.`))).toHaveLength(1);
    expect(counts).toHaveLength(3);
    expect(((await readManifest(store, date)) as RunManifest).lastAttempt.requests).toEqual({ spotifyApi: 3, spotifyToken: 0 });
  });
});
