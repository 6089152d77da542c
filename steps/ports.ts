/**
 * Everything a step's logic may be given, by the names the `run<StateName>(deps)` functions use.
 * A step's deps are a subset, so one ports object serves every step: the AWS handler builds it
 * from the step's declared resources (steps/aws-wiring.ts), the local run from local adapters
 * (cli/local/handlers.ts). Neither needs a line per step.
 */
import type { BlobStore, Catalog, Clock, DateLeases, Notifier, QueryEngine, RequestMeter, RunRestarts, SpotifyApi, SpotifyAuth, TableEncoder, TokenCache } from '../core/ports';

/** The ports and settings a step's logic may take. */
export interface StepPorts {
  readonly store: BlobStore;
  /** How a page the pipeline writes names the lake: its folder locally, `s3://<bucket>` on AWS. */
  readonly lakeName: string;
  readonly leases: DateLeases;
  readonly spotify: SpotifyApi;
  readonly auth: SpotifyAuth;
  readonly tokens: TokenCache;
  /** Counts the Spotify requests of each invocation (steps/request-counts.ts). */
  readonly meter: RequestMeter;
  /** Schedules a throttled run's restart (EventBridge Scheduler on AWS; nothing locally, where the summary prints the command). */
  readonly restarts: RunRestarts;
  readonly encoder: TableEncoder;
  readonly catalog: Catalog;
  readonly queries: QueryEngine;
  readonly notifier: Notifier;
  readonly clock: Clock;
  /** The playlists a run reads when its input names none. */
  readonly defaultPlaylists: readonly string[];
  /** Entries that may fail to decode before a date fails validation. */
  readonly rejectTolerance: number;
  /** Entries per Spotify request. */
  readonly pageSize: number;
  /** Pages per ExtractItems invocation. */
  readonly maxPages: number;
  /** The charting library's source, which the report inlines. */
  readonly chartLibrary: () => Promise<string>;
}
