/**
 * The local Lambdas: every step's own code, wrapped in the same lambdaHandler as in AWS and bound
 * to local adapters, keyed by the state name the rendered ASL uses.
 */
import { readChartLibrary } from '../../adapters/charts/echarts-library';
import { AsyncRequestMeter } from '../../adapters/spotify/request-meter';
import { lambdaHandler, type StepDefinition, type StepRunner } from '../../core/step';
import type { TaskHandler } from '../../state-machine/local-executor';
import { maxPagesPerInvocation } from '../../steps/extract-items/contract';
import type { StepPorts } from '../../steps/ports';
import { allSteps } from '../../steps/registry';
import { countingRequests } from '../../steps/request-counts';

/**
 * The ports a local run binds the steps to: the steps' own ports (steps/ports.ts), with the
 * settings defaulted (50 entries per request, the contract's pages per invocation, no reject
 * tolerance, the installed charting library) unless the run sets them. A request meter counts
 * only requests its clients report to it; restarts are never scheduled locally (the run's summary
 * prints the command instead).
 */
export type LocalPorts = Omit<StepPorts, Defaulted> & Partial<Pick<StepPorts, Defaulted>>;
type Defaulted = 'pageSize' | 'maxPages' | 'rejectTolerance' | 'chartLibrary' | 'meter' | 'restarts';

const noRestarts: StepPorts['restarts'] = { restartAt: async () => {} };

/**
 * A step's logic, found by the convention every step folder follows: `steps/<dir>/step.ts`
 * exports `run<StateName>(deps)`. So a new step needs no line here.
 */
export const stepLogic = async <S extends StepDefinition>(step: S): Promise<(ports: StepPorts) => StepRunner<S>> => {
  const module = (await import(`../../steps/${step.dir}/step.ts`)) as Record<string, unknown>;
  const logic = module[`run${step.stateName}`];
  if (typeof logic !== 'function') throw new Error(`steps/${step.dir}/step.ts exports no run${step.stateName}(deps), which every step folder must`);
  return logic as (ports: StepPorts) => StepRunner<S>;
};

/** A handler for every Task state of the machine, by state name: each step's logic given the same local ports. */
export const localHandlers = async (ports: LocalPorts): Promise<Record<string, TaskHandler>> => {
  const bound: StepPorts = { rejectTolerance: 0, pageSize: 50, maxPages: maxPagesPerInvocation, chartLibrary: readChartLibrary, meter: new AsyncRequestMeter(), restarts: noRestarts, ...ports };
  return Object.fromEntries(
    await Promise.all(
      allSteps.map(async (step): Promise<[string, TaskHandler]> => [
        step.stateName,
        lambdaHandler<StepDefinition>(step, countingRequests<StepDefinition>(step, bound, (await stepLogic<StepDefinition>(step))(bound))),
      ]),
    ),
  );
};
