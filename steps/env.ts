/**
 * The Lambda environment, decoded once per cold start (STYLE §6): a missing or malformed variable
 * fails the cold start with its name, never a step halfway through. Which variables a step gets
 * follows from its declared resources (core/resources.ts); infra sets them from the same table.
 */
import * as t from 'io-ts';
import { decodeOrThrow } from '../core/decode';
import type { StepResources } from '../core/resources';
import { SpotifyPlaylistId, splitList } from '../core/run-input';

const NonEmpty = t.refinement(t.string, (value) => value.length > 0, 'non-empty string');

/** The comma-separated playlist ids of `DEFAULT_PLAYLIST_IDS`, decoded to a list. */
const PlaylistIdList = new t.Type<string[], string, unknown>(
  'comma-separated Spotify playlist ids',
  (value): value is string[] => Array.isArray(value) && value.every(SpotifyPlaylistId.is),
  (value, context) => {
    if (typeof value !== 'string') return t.failure(value, context);
    const ids = splitList(value);
    return ids.every(SpotifyPlaylistId.is) ? t.success(ids) : t.failure(value, context);
  },
  (ids) => ids.join(','),
);

/** A whole number of at least 0, written in decimal digits, decoded to a number. */
const WholeNumberString = new t.Type<number, string, unknown>(
  'whole number of at least 0',
  (value): value is number => Number.isSafeInteger(value) && (value as number) >= 0,
  (value, context) =>
    typeof value === 'string' && /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? t.success(Number(value)) : t.failure(value, context),
  String,
);

/** Every variable a step's environment may hold: the one place each name is written. */
export const envNames = {
  lakeBucket: 'LAKE_BUCKET_NAME',
  defaultPlaylists: 'DEFAULT_PLAYLIST_IDS',
  credentialsSecret: 'SPOTIFY_CREDENTIALS_SECRET_ID',
  tokenCacheSecret: 'SPOTIFY_TOKEN_CACHE_SECRET_ID',
  apiBaseUrl: 'SPOTIFY_API_BASE_URL',
  accountsBaseUrl: 'SPOTIFY_ACCOUNTS_BASE_URL',
  grant: 'SPOTIFY_GRANT',
  crawlerName: 'GLUE_CRAWLER_NAME',
  workGroup: 'ATHENA_WORKGROUP',
  databaseName: 'GLUE_DATABASE_NAME',
  rejectTolerance: 'REJECT_TOLERANCE',
  failureTopicArn: 'FAILURE_TOPIC_ARN',
  stateMachineArn: 'STATE_MACHINE_ARN',
  restartGroup: 'RESTART_SCHEDULE_GROUP',
  restartRoleArn: 'RESTART_ROLE_ARN',
} as const;
const n = envNames;

/** The lake bucket. */
export const LakeEnv = t.type({ [n.lakeBucket]: NonEmpty });
/** The configured playlists. */
export const PlaylistsEnv = t.type({ [n.defaultPlaylists]: PlaylistIdList });
/** Spotify's endpoints, the grant and the two secrets. */
export const SpotifyEnv = t.type({
  [n.credentialsSecret]: NonEmpty,
  [n.tokenCacheSecret]: NonEmpty,
  [n.apiBaseUrl]: NonEmpty,
  [n.accountsBaseUrl]: NonEmpty,
  [n.grant]: t.keyof({ refresh_token: null, client_credentials: null }),
});
/** The Glue crawler over curated/. */
export const CrawlerEnv = t.type({ [n.crawlerName]: NonEmpty });
/** The Glue database whose staged tables take a run's partitions. */
export const PartitionsEnv = t.type({ [n.databaseName]: NonEmpty });
/** The Athena workgroup and Glue database validation queries run in. */
export const QueriesEnv = t.type({ [n.workGroup]: NonEmpty, [n.databaseName]: NonEmpty });
/** Entries that may fail to decode before a date fails validation (DESIGN §4); absent means 0. */
export const RejectToleranceEnv = t.partial({ [n.rejectTolerance]: WholeNumberString });
/** The SNS topic failures are published to. */
export const FailureTopicEnv = t.type({ [n.failureTopicArn]: NonEmpty });
/** What a restart schedule starts, with which role, in which schedule group. */
export const RestartsEnv = t.type({ [n.stateMachineArn]: NonEmpty, [n.restartGroup]: NonEmpty, [n.restartRoleArn]: NonEmpty });

/**
 * The variables each kind of declared resource (core/resources.ts) brings, in the order they are
 * reported: the one place an environment name is written. Infra sets exactly these on a step's
 * function, from the step's declaration, and the handler decodes exactly these.
 */
export const envByResource = {
  lake: LakeEnv,
  defaultPlaylists: PlaylistsEnv,
  spotify: SpotifyEnv,
  crawler: CrawlerEnv,
  partitions: PartitionsEnv,
  queries: QueriesEnv,
  rejectTolerance: RejectToleranceEnv,
  failureTopic: FailureTopicEnv,
  // A file beside the bundle, not a variable.
  charts: t.type({}),
  restarts: RestartsEnv,
} as const satisfies Record<keyof StepResources, t.Mixed>;

/** The values of every variable a declaration brings, decoded (playlist ids as a list, the tolerance as a number). */
export type StepEnv = Partial<t.TypeOf<typeof LakeEnv> & t.TypeOf<typeof PlaylistsEnv> & t.TypeOf<typeof SpotifyEnv> & t.TypeOf<typeof CrawlerEnv> & t.TypeOf<typeof QueriesEnv> & t.TypeOf<typeof RejectToleranceEnv> & t.TypeOf<typeof FailureTopicEnv> & t.TypeOf<typeof RestartsEnv>>;

/** The kinds of resource a declaration names that bring variables, in {@link envByResource}'s order. */
export const envResourcesOf = (resources: StepResources): (keyof typeof envByResource)[] =>
  (Object.keys(envByResource) as (keyof typeof envByResource)[]).filter((kind) => resources[kind] !== undefined);

/** The codec of exactly the variables `resources` brings: one object, so a cold start reports every missing one at once. */
export const envCodecOf = (resources: StepResources) => {
  const kinds = envResourcesOf(resources).map((kind) => envByResource[kind]);
  const required = Object.assign({}, ...kinds.map((codec) => (codec instanceof t.InterfaceType ? codec.props : {}))) as t.Props;
  const optional = Object.assign({}, ...kinds.map((codec) => (codec instanceof t.PartialType ? codec.props : {}))) as t.Props;
  return t.intersection([t.type(required), t.partial(optional)]);
};

/** The names of the variables `resources` brings. */
export const envNamesOf = (resources: StepResources): string[] => {
  const codec = envCodecOf(resources);
  return codec.types.flatMap((part) => Object.keys(part.props));
};

/** A step's environment: the variables its declaration brings, decoded, or a throw naming each missing or malformed one. */
export const loadStepEnv = (resources: StepResources, env: NodeJS.ProcessEnv = process.env): StepEnv => loadEnv(envCodecOf(resources), env) as StepEnv;

/** Decodes the variables `codec` names from `env`, or throws naming each missing or malformed one. */
export const loadEnv = <C extends t.Mixed>(codec: C, env: NodeJS.ProcessEnv = process.env): t.TypeOf<C> =>
  decodeOrThrow(
    codec,
    env,
    (problems) => new Error(`The function's environment is incomplete: ${problems.join('; ')}. Redeploy the stack, which sets these variables.`),
  );

/** The deployed values behind the variables, by the keys of {@link envNames}, as infra knows them. */
export type EnvValues = { readonly [K in keyof typeof envNames]: K extends 'defaultPlaylists' ? readonly string[] : K extends 'rejectTolerance' ? number : string };

/** The variables a function with `resources` gets: exactly those its handler decodes, encoded from `values`. */
export const environmentOf = (resources: StepResources, values: EnvValues): Record<string, string> => {
  const byName = new Map<string, keyof typeof envNames>(Object.entries(envNames).map(([key, name]) => [name, key as keyof typeof envNames]));
  const decoded = Object.fromEntries(envNamesOf(resources).map((name) => [name, values[byName.get(name) ?? 'lakeBucket']]));
  return envCodecOf(resources).encode(decoded as never) as Record<string, string>;
};
