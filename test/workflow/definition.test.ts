import validateAsl from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorPolicy, type ErrorName } from '../../core/errors';
import { lintAsl } from '../../state-machine/asl-lint';
import { maxConcurrency, playlistExecutionType, stateNames } from '../../state-machine/definition';
import { allStates } from '../../state-machine/local-executor';
import { path, resultOf, resultPathsIn } from '../../state-machine/paths';
import type { RunState } from '../../state-machine/payloads';
import { renderAsl, type Asl, type AslState } from '../../state-machine/render';
import { expressMaxSeconds, onePassWorstCaseSeconds } from '../../state-machine/worst-case';
import type { ExtractItemsOutput } from '../../steps/extract-items/contract';
import { allSteps, steps } from '../../steps/registry';

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

  it('gives every Task its step contract timeout and binds each step to exactly one Task', () => {
    const tasks = allStates(asl).filter(([, state]) => state.Type === 'Task');

    const timeouts = Object.fromEntries(tasks.map(([name, state]) => [name, state['TimeoutSeconds']]));

    expect(tasks.map(([name]) => name).sort()).toEqual(allSteps.map((step) => step.stateName).sort());
    expect(timeouts).toEqual(Object.fromEntries(allSteps.map((step) => [step.stateName, step.timeoutSeconds])));
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

  it('runs the playlist children STANDARD, because one pass of a child may outlast an EXPRESS execution by its retries and timeouts alone', () => {
    const child = allStates(asl).find(([name]) => name === stateNames.forEachPlaylist)?.[1].ItemProcessor;
    if (!child) throw new Error('ForEachPlaylist has no item processor');

    const worstCase = onePassWorstCaseSeconds(child);

    // EXPRESS only once a child's worst case fits five minutes: then this flips and the child may be cheaper.
    expect(playlistExecutionType).toBe(worstCase <= expressMaxSeconds ? 'EXPRESS' : 'STANDARD');
    expect(worstCase).toBeGreaterThan(expressMaxSeconds);
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

describe('the one-pass worst case of a rendered machine', () => {
  it('adds every attempt of a Task at its timeout, each capped backoff delay and fixed waits, along the longest path once', () => {
    // Prepare
    const asl: Asl = {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', TimeoutSeconds: 10, Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 5 }], Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Next: 'W' }], Default: 'T' },
        W: { Type: 'Wait', Seconds: 7, End: true },
      },
    };
    // Act
    const seconds = onePassWorstCaseSeconds(asl);
    // Assess: 4 attempts × 10 s + delays 2 + 4 + 5 (capped), then the 7 s wait; the loop back to T is not taken twice.
    expect(seconds).toBe(40 + 11 + 7);
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
