/**
 * The local Lambdas: every step's own code, wrapped in the same lambdaHandler as in AWS and bound
 * to local adapters, keyed by the state name the rendered ASL uses.
 */
import type { BlobStore, Catalog, Clock, DateLeases, Notifier, QueryEngine, SpotifyApi, SpotifyAuth, TableEncoder, TokenCache } from '../../core/ports';
import { lambdaHandler, type StepRunner } from '../../core/step';
import type { TaskHandler } from '../../state-machine/local-executor';
import { runEvaluateValidation } from '../../steps/evaluate-validation/step';
import { maxPagesPerInvocation } from '../../steps/extract-items/contract';
import { runExtractItems } from '../../steps/extract-items/step';
import { runFetchToken } from '../../steps/fetch-token/step';
import { runGetPlaylist } from '../../steps/get-playlist/step';
import { runNormalise } from '../../steps/normalise/step';
import { runNotifyFailure } from '../../steps/notify-failure/step';
import { runPollCrawler } from '../../steps/poll-crawler/step';
import { runPollValidation } from '../../steps/poll-validation/step';
import { runRecordRun } from '../../steps/record-run/step';
import { steps, type AnyStep } from '../../steps/registry';
import { runStartCrawler } from '../../steps/start-crawler/step';
import { runStartValidation } from '../../steps/start-validation/step';
import { runValidateInput } from '../../steps/validate-input/step';

/** The ports a local run binds the steps to. */
export interface LocalPorts {
  readonly store: BlobStore;
  readonly spotify: SpotifyApi;
  readonly auth: SpotifyAuth;
  readonly tokens: TokenCache;
  readonly encoder: TableEncoder;
  readonly catalog: Catalog;
  readonly queries: QueryEngine;
  readonly notifier: Notifier;
  readonly clock: Clock;
  /** One writer per date: lock files in the lake, held by the `run` process. */
  readonly leases: DateLeases;
  /** The playlists a run reads when its input names none. */
  readonly defaultPlaylists: readonly string[];
  /** Entries per Spotify request. @default 50 */
  readonly pageSize?: number;
  /** Pages per ExtractItems invocation. @default maxPagesPerInvocation */
  readonly maxPages?: number;
  /** Entries that may fail to decode before a date fails validation (`run --reject-tolerance`). @default 0 */
  readonly rejectTolerance?: number;
}

/** A handler for every Task state of the machine, by state name. */
export const localHandlers = (ports: LocalPorts): Record<string, TaskHandler> => {
  const { store, clock, leases } = ports;
  const bind = <S extends AnyStep>(step: S, run: StepRunner<S>): [string, TaskHandler] => [step.stateName, lambdaHandler(step, run)];
  return Object.fromEntries([
    bind(steps.validateInput, runValidateInput({ clock, store, defaultPlaylists: ports.defaultPlaylists, leases })),
    bind(steps.fetchToken, runFetchToken({ auth: ports.auth, tokens: ports.tokens })),
    bind(steps.getPlaylist, runGetPlaylist({ spotify: ports.spotify, store })),
    bind(
      steps.extractItems,
      runExtractItems({ spotify: ports.spotify, store, pageSize: ports.pageSize ?? 50, maxPages: ports.maxPages ?? maxPagesPerInvocation }),
    ),
    bind(steps.normalise, runNormalise({ store, encoder: ports.encoder, clock })),
    bind(steps.startCrawler, runStartCrawler({ catalog: ports.catalog })),
    bind(steps.pollCrawler, runPollCrawler({ catalog: ports.catalog })),
    bind(steps.startValidation, runStartValidation({ store, queries: ports.queries })),
    bind(steps.pollValidation, runPollValidation({ queries: ports.queries })),
    bind(steps.evaluateValidation, runEvaluateValidation({ store, queries: ports.queries, clock, rejectTolerance: ports.rejectTolerance ?? 0 })),
    bind(steps.recordRun, runRecordRun({ store, clock, leases })),
    bind(steps.notifyFailure, runNotifyFailure({ store, notifier: ports.notifier, clock, leases })),
  ]);
};
