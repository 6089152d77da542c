import validateAsl from 'asl-validator';
import { maxPageSize } from '../../adapters/spotify/endpoints';
import { defaultMaxStateMachineWaitSeconds } from '../../adapters/spotify/http';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorPolicy, type ErrorName } from '../../core/errors';
import { lintAsl } from '../../state-machine/asl-lint';
import { lambdaOutlivesTaskSeconds, maxConcurrency, playlistExecutionType, stateNames } from '../../state-machine/definition';
import { neededChoiceOf } from '../../state-machine/state-names';
import { allStates } from '../../state-machine/local-executor';
import { path, resultOf, resultPathsIn } from '../../state-machine/paths';
import type { RunState } from '../../state-machine/payloads';
import { isPlaced, placed, type PlacedStep, type RunPart } from '../../state-machine/placement';
import { renderAsl, type Asl, type AslState } from '../../state-machine/render';
import { expressMaxSeconds, pagedReadSeconds, type PagedRead } from '../../state-machine/worst-case';
import { maxPagesPerInvocation } from '../../steps/extract-items/contract';
import type { ExtractItemsOutput } from '../../steps/extract-items/contract';
import { fetchToken } from '../../steps/fetch-token/contract';
import { allSteps, steps, type AnyStep } from '../../steps/registry';

/** Each state with the Map and Parallel states that enclose it, innermost first. */
const withAncestors = (asl: Asl, ancestors: AslState[] = []): { name: string; state: AslState; ancestors: AslState[] }[] =>
  Object.entries(asl.States).flatMap(([name, state]) => [
    { name, state, ancestors },
    ...[...(state.ItemProcessor ? [state.ItemProcessor] : []), ...(state.Branches ?? [])].flatMap((inner) => withAncestors(inner, [state, ...ancestors])),
  ]);

const namesIn = (list: readonly { ErrorEquals: readonly string[] }[] | undefined): string[] => (list ?? []).flatMap((entry) => entry.ErrorEquals);

describe('the rendered state machine', () => {
  let asl: Asl;
  beforeAll(() => {
    asl = renderAsl();
  });

  it('retries or catches every error a step declares, at its state or an enclosing Map or Parallel', () => {
    // Prepare
    const states = withAncestors(asl);
    // Act
    const unhandled = allSteps.flatMap((step) => {
      const found = states.find(({ name }) => name === step.stateName);
      if (!found) return [`${step.stateName}: no such state`];
      const scopes = [found.state, ...found.ancestors];
      return step.errors
        .filter((error: ErrorName) => {
          const handledBy = errorPolicy[error].policy === 'retry' ? scopes.flatMap((s) => namesIn(s.Retry)) : scopes.flatMap((s) => namesIn(s.Catch));
          return !handledBy.includes(error);
        })
        .map((error) => `${step.stateName}: ${error} (${errorPolicy[error].policy})`);
    });
    // Assess
    expect(unhandled).toEqual([]);
  });

  it('retries with backoff, a cap and full jitter, and never retries States.ALL', () => {
    const retriers = allStates(asl).flatMap(([, state]) => state.Retry ?? []);
    const ours = retriers.filter((retrier) => retrier.ErrorEquals.every((name) => name in errorPolicy));

    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((r) => r['JitterStrategy'] === 'FULL' && typeof r['MaxDelaySeconds'] === 'number' && Number(r['BackoffRate']) >= 1)).toBe(true);
    expect(retriers.flatMap((r) => r.ErrorEquals)).not.toContain('States.ALL');
  });

  it('ends every Catch list with a States.ALL catch-all into the failure branch', () => {
    const catchers = allStates(asl).filter(([, state]) => state.Catch !== undefined);

    const lasts = catchers.map(([name, state]) => [name, state.Catch?.at(-1)?.ErrorEquals] as const);

    expect(catchers.length).toBeGreaterThan(0);
    expect(lasts.filter(([, errors]) => !(errors?.length === 1 && errors[0] === 'States.ALL'))).toEqual([]);
  });

  it("times every run Task out only after its Lambda's own timeout has stopped it, each playlist child's Task at it, and binds each step to exactly one Task", () => {
    const tasks = allStates(asl).filter(([, state]) => state.Type === 'Task');
    const inChild = new Set<string>([steps.getPlaylist.stateName, steps.extractItems.stateName]);

    const timeouts = Object.fromEntries(tasks.map(([name, state]) => [name, state['TimeoutSeconds']]));

    expect(tasks.map(([name]) => name).sort()).toEqual(allSteps.map((step) => step.stateName).sort());
    expect(timeouts).toEqual(
      Object.fromEntries(allSteps.map((step) => [step.stateName, step.timeoutSeconds + (inChild.has(step.stateName) ? 0 : lambdaOutlivesTaskSeconds)])),
    );
    expect(lambdaOutlivesTaskSeconds).toBeGreaterThan(10);
  });

  it('runs at most two dates or playlists at once', () => {
    const maps = allStates(asl).filter(([, state]) => state.Type === 'Map');

    expect(maps.map(([name]) => name).sort()).toEqual([stateNames.forEachDate, stateNames.forEachPlaylist, stateNames.validateEachDate].sort());
    expect(maps.every(([, state]) => Number(state['MaxConcurrency']) >= 1 && Number(state['MaxConcurrency']) <= maxConcurrency)).toBe(true);
    expect(maxConcurrency).toBeLessThanOrEqual(2);
  });

  it('runs each playlist of a date as a child execution of a Distributed Map that tolerates no failure and returns nothing', () => {
    const forEachPlaylist = allStates(asl).find(([name]) => name === stateNames.forEachPlaylist)?.[1];

    expect(forEachPlaylist?.ItemProcessor?.['ProcessorConfig']).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: playlistExecutionType });
    expect(Object.keys(forEachPlaylist ?? {}).filter((field) => field.startsWith('ToleratedFailure'))).toEqual([]);
    // Every child's output is gathered into the Map's result: `{}` keeps 10,000 of them small.
    expect(forEachPlaylist?.ItemProcessor?.States[stateNames.extractPlaylist]?.['ResultSelector']).toEqual({});
  });

  describe('the EXPRESS playlist child, which ends at five minutes', () => {
    // A tenth of the five minutes is kept free: Lambda cold starts, Step Functions' own latency.
    const budgetSeconds = expressMaxSeconds * 0.9;
    const read: PagedRead = {
      metadata: steps.getPlaylist.stateName,
      metadataWait: stateNames.waitForMetadata,
      page: steps.extractItems.stateName,
      pageWait: stateNames.waitRetryAfter,
      pagesPerInvocation: maxPagesPerInvocation,
      waitCapSeconds: defaultMaxStateMachineWaitSeconds,
    };
    // Spotify caps a playlist at 10,000 entries: 200 pages of 50.
    const largestPlaylistPages = Math.ceil(10_000 / maxPageSize);
    const extractPlaylist = (): AslState => {
      const child = allStates(asl).find(([name]) => name === stateNames.forEachPlaylist)?.[1].ItemProcessor;
      const block = child?.States[stateNames.extractPlaylist];
      if (!block) throw new Error('ForEachPlaylist has no ExtractPlaylist');
      return block;
    };

    it('runs the playlist children EXPRESS', () => {
      expect(playlistExecutionType).toBe('EXPRESS');
    });

    it('fits a playlist read in one invocation with every retry at its timeout and every Retry-After wait at its cap', () => {
      // Act
      const budget = pagedReadSeconds(extractPlaylist(), read, maxPagesPerInvocation, 'every');
      // Assess: one invocation; the whole read twice (the PlaylistChanged retry) with its delay.
      expect(budget.invocations).toBe(1);
      expect(budget.total).toBeLessThanOrEqual(budgetSeconds);
    });

    it('fits the largest playlist with every Task running to its timeout once', () => {
      // Act
      const budget = pagedReadSeconds(extractPlaylist(), read, largestPlaylistPages, 'none');
      // Assess
      expect(budget.invocations).toBe(Math.ceil(largestPlaylistPages / maxPagesPerInvocation));
      expect(budget.total).toBeLessThanOrEqual(budgetSeconds);
    });

    it('leaves the largest playlist with faults on every invocation to the five-minute limit, a failed child the parent catches', () => {
      // Act
      const budget = pagedReadSeconds(extractPlaylist(), read, largestPlaylistPages, 'every');
      const forEachDate = allStates(asl).find(([name]) => name === stateNames.forEachDate)?.[1];
      // Assess: that does not fit, so such a child ends as States.Timeout, and a failed child fails
      // ForEachPlaylist, which ForEachDate catches (States.ALL) into the failure branch.
      expect(budget.total).toBeGreaterThan(expressMaxSeconds);
      expect(forEachDate?.Catch?.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: steps.notifyFailure.stateName });
    });
  });

  it('is valid ASL for asl-validator', () => {
    const result = validateAsl(asl);

    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('uses JSONPath only: no JSONata, variables or Distributed Map reader', () => {
    expect(lintAsl(asl)).toEqual([]);
  });
});

describe('the worst case of a paged read', () => {
  // Prepare: metadata (10 s, one retry after 1 s), its wait, pages (20 s, one retry after 1 s), its wait; the block retried once after 3 s.
  const retryOnce = [{ ErrorEquals: ['E'], IntervalSeconds: 1, MaxAttempts: 1, BackoffRate: 1, MaxDelaySeconds: 1 }];
  const block: AslState = {
    Type: 'Parallel',
    Retry: [{ ErrorEquals: ['Changed'], IntervalSeconds: 3, MaxAttempts: 1, BackoffRate: 1, MaxDelaySeconds: 3 }],
    Branches: [
      {
        StartAt: 'M',
        States: {
          M: { Type: 'Task', TimeoutSeconds: 10, Retry: retryOnce, Next: 'R' },
          R: { Type: 'Choice', Choices: [{ Next: 'MW' }], Default: 'P' },
          MW: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'M' },
          P: { Type: 'Task', TimeoutSeconds: 20, Retry: retryOnce, Next: 'C' },
          C: { Type: 'Choice', Choices: [{ Next: 'PW' }], Default: 'P' },
          PW: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'P' },
        },
      },
    ],
  };
  const read: PagedRead = { metadata: 'M', metadataWait: 'MW', page: 'P', pageWait: 'PW', pagesPerInvocation: 4, waitCapSeconds: 5 };

  it('adds every retry and capped wait on every invocation, and the whole read again for the block retry', () => {
    // Act: 10 pages at 4 an invocation are 3 invocations
    const budget = pagedReadSeconds(block, read, 10, 'every');
    // Assess: metadata 10 × 2 + 1, its wait 5, each invocation 20 × 2 + 1 + 5; then the read twice with 3 s between
    expect(budget).toEqual({ metadata: 21, metadataWait: 5, invocation: 46, invocations: 3, read: 21 + 5 + 3 * 46, total: (21 + 5 + 3 * 46) * 2 + 3 });
  });

  it('counts each Task once at its timeout and no wait without faults', () => {
    // Act
    const budget = pagedReadSeconds(block, read, 10, 'none');
    // Assess
    expect(budget.total).toBe(10 + 3 * 20);
  });
});

describe('the ASL lint', () => {
  it('flags JSONata, variables and ItemReader wherever they are nested', () => {
    // Prepare
    const bad = {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Map', ItemReader: {}, ItemProcessor: { StartAt: 'C', States: { C: { Type: 'Pass', Output: '{% $states.input %}', End: true } } }, End: true },
      },
    };
    // Act
    const problems = lintAsl(bad);
    // Assess
    expect(problems).toEqual([
      expect.stringContaining('$.QueryLanguage'),
      expect.stringContaining('$.States.A.Assign'),
      expect.stringContaining('$.States.B.ItemReader'),
      expect.stringContaining('$.States.B.ItemProcessor.States.C.Output'),
      expect.stringContaining('$.States.B.ItemProcessor.States.C.Output: a JSONata expression'),
    ]);
  });
});

describe('typed paths', () => {
  it('build JSONPath from the fields of a contract type', () => {
    expect(path<ExtractItemsOutput>('cursor', 'offset')).toBe('$.cursor.offset');
  });

  it('fails to compile for a field the contract does not have', () => {
    // @ts-expect-error `cursr` is not a field of ExtractItemsOutput: tsc rejects this line.
    expect(path<ExtractItemsOutput>('cursr')).toBe('$.cursr');
  });

  it('store a step result only in a field its output type fits', () => {
    const into = resultPathsIn<RunState>();

    expect(resultOf(steps.startCrawler, into('crawl'))).toBe('$.crawl');
    // @ts-expect-error FetchToken's output ({ expiresAt }) is not a crawl: tsc rejects storing it there.
    expect(resultOf(steps.fetchToken, into('crawl'))).toBe('$.crawl');
  });
});

describe('steps placed by their registry line', () => {
  /** A placed step under another state name: FetchToken's contract, placed after `after`. */
  const probe = (stateName: string, after: RunPart, into: string): PlacedStep<AnyStep> =>
    // The registry types a step's state name as one of its own; a probe is a step it does not have.
    ({ ...placed(fetchToken, { after, given: { executionName: ['plan', 'run', 'executionName'] }, into: into as 'probe' }), stateName }) as unknown as PlacedStep<AnyStep>;

  /** The state whose Next (or a Choice branch's) is `name`, and the state `name` goes on to. */
  const neighbours = (asl: Asl, name: string): { before: string[]; next: string | undefined } => ({
    before: Object.entries(asl.States)
      .filter(([, state]) => state.Next === name || (state.Choices ?? []).some((choice) => choice.Next === name))
      .map(([other]) => other),
    next: asl.States[name]?.Next,
  });

  it('put FetchToken after the plan behind a Choice that goes straight on to the dates when the plan reads no Spotify, given the execution name, its result at $.token', () => {
    const asl = renderAsl();
    const state = asl.States[steps.fetchToken.stateName];
    const needed = neededChoiceOf(steps.fetchToken.stateName);

    expect(neighbours(asl, needed)).toEqual({ before: [steps.validateInput.stateName], next: undefined });
    expect(asl.States[needed]).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.plan.readsSpotify', BooleanEquals: true, Next: steps.fetchToken.stateName }], Default: stateNames.forEachDate });
    expect(neighbours(asl, steps.fetchToken.stateName)).toEqual({ before: [needed], next: stateNames.forEachDate });
    expect(state?.Parameters).toEqual({ 'executionName.$': '$.plan.run.executionName' });
    expect(state?.ResultPath).toBe('$.token');
  });

  it('chain a step after every part of the run, several after one part in registry order, each caught into the failure branch', () => {
    // Prepare: a step after each part, two after the catalog, whose loop ends in a Choice.
    const probes = [probe('AfterPlan', 'plan', 'afterPlan'), probe('AfterDates', 'dates', 'afterDates'), probe('FirstAfterCatalog', 'catalog', 'firstAfterCatalog'), probe('SecondAfterCatalog', 'catalog', 'secondAfterCatalog'), probe('AfterValidation', 'validation', 'afterValidation')];
    // Act
    const asl = renderAsl(probes);
    // Assert
    expect(neighbours(asl, 'AfterPlan')).toEqual({ before: [steps.validateInput.stateName], next: stateNames.forEachDate });
    expect(neighbours(asl, 'AfterDates')).toEqual({ before: [stateNames.forEachDate], next: steps.startCrawler.stateName });
    expect(neighbours(asl, 'FirstAfterCatalog')).toEqual({ before: [stateNames.crawlerFinished], next: 'SecondAfterCatalog' });
    expect(neighbours(asl, 'SecondAfterCatalog')).toEqual({ before: ['FirstAfterCatalog'], next: stateNames.validateEachDate });
    expect(neighbours(asl, 'AfterValidation')).toEqual({ before: [stateNames.validateEachDate], next: steps.recordRun.stateName });
    for (const { stateName, placement } of probes) {
      const state = asl.States[stateName];
      expect(state?.Parameters, stateName).toEqual({ 'executionName.$': '$.plan.run.executionName' });
      expect(state?.ResultPath, stateName).toBe(`$.${placement.into}`);
      expect(state?.Catch?.map((c) => [c.ErrorEquals, c.Next]), stateName).toEqual([
        [steps.fetchToken.errors.filter((name) => errorPolicy[name].policy === 'catch'), 'NotifyFailure'],
        [['States.ALL'], 'NotifyFailure'],
      ]);
    }
  });

  it('each put their result in a field of its own, a plain name', () => {
    const fields = allSteps.filter(isPlaced).map((step) => step.placement.into);

    expect(new Set(fields).size).toBe(fields.length);
    for (const field of fields) expect(field).toMatch(/^[a-z][A-Za-z0-9]*$/);
  });

  it('fail to compile when a given path is not in the run state by then, holds another type, `when` names no boolean, or the result would overwrite a field', () => {
    // @ts-expect-error `plan.run.executionNam` is not a field of the run's state: tsc rejects this line.
    const misspelt = placed(fetchToken, { after: 'plan', given: { executionName: ['plan', 'run', 'executionNam'] }, into: 'tokenAgain' });
    // @ts-expect-error the crawl is not in the run's state until after the catalog.
    const tooEarly = placed(fetchToken, { after: 'plan', given: { executionName: ['crawl', 'state'] }, into: 'tokenAgain' });
    // @ts-expect-error the report is written after publication: no placed step may read it.
    const tooLate = placed(fetchToken, { after: 'validation', given: { executionName: ['report', 'latest'] }, into: 'tokenAgain' });
    // @ts-expect-error the plan's dates are a list, not the execution name.
    const wrongType = placed(fetchToken, { after: 'plan', given: { executionName: ['plan', 'dates'] }, into: 'tokenAgain' });
    // @ts-expect-error `plan` is ValidateInput's field: a placed step cannot take it.
    const overwriting = placed(fetchToken, { after: 'plan', given: { executionName: ['plan', 'run', 'executionName'] }, into: 'plan' });
    // @ts-expect-error every field of the step's input must be given.
    const missing = placed(fetchToken, { after: 'plan', given: {}, into: 'tokenAgain' });
    // @ts-expect-error `when` names a boolean: the execution name is a string.
    const whenNotBoolean = placed(fetchToken, { after: 'plan', given: { executionName: ['plan', 'run', 'executionName'] }, into: 'tokenAgain', when: ['plan', 'run', 'executionName'] });
    const wellFormed = placed(fetchToken, { after: 'catalog', given: { executionName: ['plan', 'run', 'executionName'] }, into: 'tokenAgain', when: ['plan', 'rebuildLanded'] });

    expect([misspelt, tooEarly, tooLate, wrongType, overwriting, missing, whenNotBoolean, wellFormed].map((step) => step.placement.after)).toEqual(['plan', 'plan', 'validation', 'plan', 'plan', 'plan', 'plan', 'catalog']);
  });
});
