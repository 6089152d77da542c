/**
 * Every step of the pipeline, in the order the machine runs them: infra builds one Lambda per
 * entry, the local run wires each, the docs list them. A step that runs once per run before
 * publication is placed by its line here (`placed`, state-machine/placement.ts) and the definition
 * chains it; the others have their place in a fragment of state-machine/definition.ts.
 */
import { placed } from '../state-machine/placement';
import { evaluateValidation } from './evaluate-validation/contract';
import { extractItems } from './extract-items/contract';
import { fetchToken } from './fetch-token/contract';
import { getPlaylist } from './get-playlist/contract';
import { normalise } from './normalise/contract';
import { notifyFailure } from './notify-failure/contract';
import { pollCrawler } from './poll-crawler/contract';
import { pollValidation } from './poll-validation/contract';
import { recordRun } from './record-run/contract';
import { startCrawler } from './start-crawler/contract';
import { startValidation } from './start-validation/contract';
import { validateInput } from './validate-input/contract';
import { writeReport } from './write-report/contract';

/** The step definitions by their contract's export name. */
export const steps = {
  validateInput,
  // Only a run that extracts a date calls Spotify: a backfill of past dates runs without a token.
  fetchToken: placed(fetchToken, { after: 'plan', given: { executionName: ['plan', 'run', 'executionName'] }, into: 'token', when: ['plan', 'readsSpotify'] }),
  getPlaylist,
  extractItems,
  normalise,
  startCrawler,
  pollCrawler,
  startValidation,
  pollValidation,
  evaluateValidation,
  recordRun,
  writeReport,
  notifyFailure,
} as const;

/** A step of the pipeline. */
export type AnyStep = (typeof steps)[keyof typeof steps];

/** Every step definition: `stateName`, `dir`, codecs, declared errors, `timeoutSeconds`. */
export const allSteps: readonly AnyStep[] = Object.values(steps);
