/**
 * Named scenarios: the rendered ASL run by the local executor with fake steps, asserting the
 * execution history (which states ran, retried, caught) rather than any step's logic.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CrawlerBusyError, InvalidInputError, PlaylistChangedError, StorageUnavailableError, UpstreamSchemaChangedError, ValidationFailedError } from '../../core/errors';
import { stateNames } from '../../state-machine/definition';
import { allStates, runLocally, uniformPauses, type ExecutionEvent, type LocalOutcome } from '../../state-machine/local-executor';
import { renderAsl, type Asl } from '../../state-machine/render';
import { allSteps, steps } from '../../steps/registry';
import { runValidateInput } from '../../steps/validate-input/step';
import { fixedClock, MemoryBlobStore, MemoryDateLeases } from '../unit/steps/fakes';
import { fakeTotal, happyFakes, handlersOf, playlistA } from './fake-steps';

type Fakes = ReturnType<typeof happyFakes>;

const entered = (events: readonly ExecutionEvent[], name: string): ExecutionEvent[] =>
  events.filter((event) => event.type === 'StateEntered' && (event as { state?: { name: string } }).state?.name === name);

const ofType = (events: readonly ExecutionEvent[], type: string, name: string): ExecutionEvent[] =>
  events.filter((event) => event.type === type && (event as { state?: { name: string } }).state?.name === name);

/**
 * The Task states a run that fails nowhere can enter: reachable from the start through Next,
 * Choices, Default and the processors of Map and Parallel states, never through a Catch.
 */
const uncaughtTasks = (asl: Asl): Set<string> => {
  const reached = new Set<string>();
  const visit = (doc: Asl, name: string | undefined): void => {
    const state = name === undefined ? undefined : doc.States[name];
    if (name === undefined || state === undefined || reached.has(name)) return;
    reached.add(name);
    for (const nested of [...(state.Branches ?? []), ...(state.ItemProcessor ? [state.ItemProcessor] : []), ...(state.Iterator ? [state.Iterator] : [])]) visit(nested, nested.StartAt);
    for (const next of [state.Next, state.Default, ...(state.Choices ?? []).map((choice) => choice.Next)]) visit(doc, next);
  };
  visit(asl, asl.StartAt);
  return new Set(allStates(asl).filter(([name, state]) => state.Type === 'Task' && reached.has(name)).map(([name]) => name));
};

describe('workflow scenarios', () => {
  let asl: Asl;
  beforeAll(() => {
    asl = renderAsl();
  });

  const execute = async (fakes: Fakes): Promise<{ outcome: LocalOutcome; calls: Map<string, number> }> => {
    const { handlers, calls } = handlersOf(fakes);
    const outcome = await runLocally({
      asl,
      handlers,
      input: { mode: 'manual', date: '2026-11-20' },
      executionName: 'scenario',
      pauses: uniformPauses(asl, 0),
    });
    return { outcome, calls };
  };

  it('HappyPath: extracts both playlists page by page, normalises, crawls, validates and records the run', async () => {
    // Prepare
    const fakes = happyFakes();
    // Every step a run that fails nowhere reaches runs once, except the two per playlist and per page.
    const once = allSteps.filter((step) => uncaughtTasks(asl).has(step.stateName)).map((step) => [step.stateName, 1] as const);
    // Act
    const { outcome, calls } = await execute(fakes);
    // Assess
    expect(outcome.status).toBe('succeeded');
    expect(Object.fromEntries(calls)).toEqual({
      ...Object.fromEntries(once),
      [steps.getPlaylist.stateName]: 2,
      [steps.extractItems.stateName]: 2 * Math.ceil(fakeTotal / 50),
    });
    expect(once.map(([name]) => name)).toEqual(expect.arrayContaining([steps.validateInput.stateName, steps.normalise.stateName, steps.recordRun.stateName]));
    expect(entered(outcome.events, stateNames.runSucceeded)).toHaveLength(1);
    expect(entered(outcome.events, steps.notifyFailure.stateName)).toHaveLength(0);
  });

  it('RateLimitedThenOk: a Retry-After on the metadata or on a page becomes a Wait of that length, then the read goes on', async () => {
    // Prepare
    const fakes = happyFakes();
    const happyExtract = fakes.extractItems;
    fakes.extractItems = (input, call) => (call === 1 ? { ...input, done: false, waitSeconds: 7, pagesStored: 0 } : happyExtract(input, call));
    const metadataInputs: unknown[] = [];
    fakes.getPlaylist = (input, call) => {
      metadataInputs.push(input);
      // As the step does, the wait's answer passes on the date, the playlist and the run (its execution name).
      return call === 1 ? { ...input, waitSeconds: 4, rateLimitWaits: 1 } : happyFakes().getPlaylist(input, call);
    };
    // Act
    const { outcome } = await execute(fakes);
    // Assess
    expect(outcome.status).toBe('succeeded');
    const waited = (state: string) => entered(outcome.events, state).map((event) => (event as { state: { input: { waitSeconds: number } } }).state.input.waitSeconds);
    expect(waited(stateNames.waitForMetadata)).toEqual([4]);
    expect(waited(stateNames.waitRetryAfter)).toEqual([7]);
    // The retried GetPlaylist carries the count of waits in a row, so the step can bound them.
    expect(metadataInputs).toContainEqual(expect.objectContaining({ rateLimitWaits: 1 }));
  });

  it('BadInputCaught: an invalid request ends in NotifyFailure and fails the run with InvalidInputError', async () => {
    // Prepare
    const fakes = happyFakes();
    fakes.validateInput = () => {
      throw new InvalidInputError('date: "2026-13-01" is not a calendar date');
    };
    // Act
    const { outcome, calls } = await execute(fakes);
    // Assess
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.error).toBe('InvalidInputError');
    const notify = entered(outcome.events, steps.notifyFailure.stateName)[0] as { state: { input: { error: { Error: string; Cause: string } } } };
    expect(notify.state.input.error.Error).toBe('InvalidInputError');
    expect(notify.state.input.error.Cause).toContain('2026-13-01');
    expect(calls.get(steps.fetchToken.stateName)).toBeUndefined();
  });

  it.each([null, 'run it', 42, [1, 2]])('NotAnObjectCaught: an execution input of %j reaches the real ValidateInput and ends in NotifyFailure with InvalidInputError', async (input) => {
    // Prepare
    const fakes = happyFakes();
    fakes.validateInput = runValidateInput({ clock: fixedClock('2026-11-20T09:00:00Z'), store: new MemoryBlobStore(), defaultPlaylists: [playlistA], leases: new MemoryDateLeases() });
    const { handlers } = handlersOf(fakes);
    // Act
    const outcome = await runLocally({ asl, handlers, input, executionName: 'scenario', pauses: uniformPauses(asl, 0) });
    // Assess
    expect(outcome.status === 'failed' && outcome.error).toBe('InvalidInputError');
    const notify = entered(outcome.events, steps.notifyFailure.stateName)[0] as { state: { input: { error: { Error: string; Cause: string } } } };
    expect(notify.state.input.error.Cause).toContain(`the run input ${JSON.stringify(input).replace(/"/g, '\\"')} is not a JSON object`);
  });

  it('SchemaChangedCaught: a page that no longer decodes stops the date before Normalise and fails the run', async () => {
    // Prepare
    const fakes = happyFakes();
    fakes.extractItems = () => {
      throw new UpstreamSchemaChangedError('$.items: expected array, got object');
    };
    // Act
    const { outcome, calls } = await execute(fakes);
    // Assess
    expect(outcome.status === 'failed' && outcome.error).toBe('UpstreamSchemaChangedError');
    expect(ofType(outcome.events, 'StateCaught', stateNames.forEachDate)).toHaveLength(1);
    expect(calls.get(steps.normalise.stateName)).toBeUndefined();
    expect(calls.get(steps.notifyFailure.stateName)).toBe(1);
  });

  it('ReportNotWrittenCaught: a report that cannot be written, once storage is retried, fails the run as ReportNotWrittenError without NotifyFailure marking the published date', async () => {
    // Prepare
    const fakes = happyFakes();
    fakes.writeReport = () => {
      throw new StorageUnavailableError('Could not write lake key "reports/latest.html": ENOSPC');
    };
    // Act
    const { outcome, calls } = await execute(fakes);
    // Assess
    expect(outcome.status === 'failed' && outcome.error).toBe('ReportNotWrittenError');
    expect(outcome.status === 'failed' && outcome.cause).toContain('ENOSPC');
    expect(ofType(outcome.events, 'StateRetried', steps.writeReport.stateName).length).toBeGreaterThan(0);
    expect(calls.get(steps.recordRun.stateName)).toBe(1);
    expect(calls.get(steps.notifyFailure.stateName)).toBeUndefined();
    expect(entered(outcome.events, stateNames.reportFailed)).toHaveLength(1);
  });

  it('CrawlerBusyRetried: a busy crawler is started again until it accepts', async () => {
    // Prepare
    const fakes = happyFakes();
    fakes.startCrawler = (_input, call) => {
      if (call <= 2) throw new CrawlerBusyError('the crawler is already running');
      return { state: 'running', polls: 0 };
    };
    // Act
    const { outcome, calls } = await execute(fakes);
    // Assess
    expect(outcome.status).toBe('succeeded');
    expect(ofType(outcome.events, 'StateRetried', steps.startCrawler.stateName)).toHaveLength(2);
    expect(calls.get(steps.startCrawler.stateName)).toBe(3);
  });

  it('PlaylistChangedRestarts: a playlist edited while paged is read again from its metadata', async () => {
    // Prepare
    const fakes = happyFakes();
    let changed = false;
    fakes.extractItems = (input, call) => {
      if (input.playlistId === playlistA && input.cursor.offset === 50 && !changed) {
        changed = true;
        throw new PlaylistChangedError('playlist changed');
      }
      return happyFakes().extractItems(input, call);
    };
    // Act
    const { outcome, calls } = await execute(fakes);
    // Assess
    expect(outcome.status).toBe('succeeded');
    expect(ofType(outcome.events, 'StateRetried', stateNames.extractPlaylist)).toHaveLength(1);
    expect(calls.get(steps.getPlaylist.stateName)).toBe(3);
  });

  it('CrawlerPolledUntilDone: the machine waits and polls again while the crawl runs', async () => {
    // Prepare
    const fakes = happyFakes();
    fakes.pollCrawler = (input) => ({ state: input.polls < 2 ? 'running' : 'succeeded', polls: input.polls + 1 });
    // Act
    const { outcome, calls } = await execute(fakes);
    // Assess
    expect(outcome.status).toBe('succeeded');
    expect(calls.get(steps.pollCrawler.stateName)).toBe(3);
    expect(entered(outcome.events, stateNames.waitForCrawler)).toHaveLength(3);
  });

  it('PartitionsRegistered: when StartCrawler registered the run\'s partitions itself, the machine validates at once, with no wait and no poll', async () => {
    // Prepare
    const fakes = happyFakes();
    const given: unknown[] = [];
    fakes.startCrawler = (input) => {
      given.push(input);
      return { state: 'succeeded', polls: 0 };
    };
    // Act
    const { outcome, calls } = await execute(fakes);
    // Assess
    expect(outcome.status).toBe('succeeded');
    expect(given).toEqual([{ dates: [{ date: '2026-11-20', extract: true }], executionName: 'scenario' }]);
    expect(calls.get(steps.pollCrawler.stateName)).toBeUndefined();
    expect(entered(outcome.events, stateNames.waitForCrawler)).toHaveLength(0);
    expect(calls.get(steps.recordRun.stateName)).toBe(1);
  });

  it('fails the run with ValidationFailedError when a check fails, after NotifyFailure', async () => {
    // Prepare
    const fakes = happyFakes();
    fakes.evaluateValidation = () => {
      throw new ValidationFailedError('2026-11-20: 1 of 8 checks failed: items_match_total (1)');
    };
    // Act
    const { outcome, calls } = await execute(fakes);
    // Assess
    expect(outcome.status === 'failed' && outcome.error).toBe('ValidationFailedError');
    expect(calls.get(steps.notifyFailure.stateName)).toBe(1);
    expect(calls.get(steps.recordRun.stateName)).toBeUndefined();
  });

  it('Stopped: once stopped, the machine starts no Task, and the execution ends only when the Tasks running then have finished', async () => {
    // Prepare: B's GetPlaylist starts and runs until released; A's stops the run once B's is running
    const stop = new AbortController();
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => void (release = resolve));
    let bRunning = (): void => undefined;
    const bStarted = new Promise<void>((resolve) => void (bRunning = resolve));
    const fakes: Fakes = {
      ...happyFakes(),
      getPlaylist: async (input) => {
        if (input.playlistId === playlistA) {
          await bStarted;
          stop.abort();
        } else {
          bRunning();
          await released;
        }
        return { ...input, snapshotId: 'snap', cursor: { offset: 0, total: fakeTotal } };
      },
    };
    const { handlers, calls } = handlersOf(fakes);
    // Act
    const running = runLocally({ asl, handlers, input: { mode: 'manual', date: '2026-11-20' }, executionName: 'scenario', pauses: uniformPauses(asl, 0), signal: stop.signal });
    const beforeRelease = await Promise.race([running.then(() => 'ended'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 100))]);
    release();
    const outcome = await running;
    // Assess
    expect(beforeRelease).toBe('waiting');
    expect(outcome.status === 'failed' && outcome.error).toBe('ExecutionAbortedError');
    expect(calls.get(steps.getPlaylist.stateName)).toBe(2);
    expect(calls.get(steps.extractItems.stateName)).toBeUndefined();
    expect(calls.get(steps.notifyFailure.stateName)).toBeUndefined();
  });
});
