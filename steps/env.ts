/**
 * The Lambda environment, decoded once per cold start (STYLE §6): a missing or malformed variable
 * fails the cold start with its name, never a step halfway through. Infra's `bind*` helpers set
 * these variables together with the access they need.
 */
import * as t from 'io-ts';
import { decodeOrThrow } from '../core/decode';
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

/** The lake bucket. */
export const LakeEnv = t.type({ LAKE_BUCKET_NAME: NonEmpty });
/** The configured playlists. */
export const PlaylistsEnv = t.type({ DEFAULT_PLAYLIST_IDS: PlaylistIdList });
/** Spotify's endpoints, the grant and the two secrets. */
export const SpotifyEnv = t.type({
  SPOTIFY_CREDENTIALS_SECRET_ID: NonEmpty,
  SPOTIFY_TOKEN_CACHE_SECRET_ID: NonEmpty,
  SPOTIFY_API_BASE_URL: NonEmpty,
  SPOTIFY_ACCOUNTS_BASE_URL: NonEmpty,
  SPOTIFY_GRANT: t.keyof({ refresh_token: null, client_credentials: null }),
});
/** The Glue crawler over curated/. */
export const CrawlerEnv = t.type({ GLUE_CRAWLER_NAME: NonEmpty });
/** The Athena workgroup and Glue database validation queries run in. */
export const QueriesEnv = t.type({ ATHENA_WORKGROUP: NonEmpty, GLUE_DATABASE_NAME: NonEmpty });
/** Entries that may fail to decode before a date fails validation (DESIGN §4); absent means 0. */
export const RejectToleranceEnv = t.partial({ REJECT_TOLERANCE: WholeNumberString });
/** The SNS topic failures are published to. */
export const FailureTopicEnv = t.type({ FAILURE_TOPIC_ARN: NonEmpty });

/** Decodes the variables `codec` names from `env`, or throws naming each missing or malformed one. */
export const loadEnv = <C extends t.Mixed>(codec: C, env: NodeJS.ProcessEnv = process.env): t.TypeOf<C> =>
  decodeOrThrow(
    codec,
    env,
    (problems) => new Error(`The function's environment is incomplete: ${problems.join('; ')}. Redeploy the stack, which sets these variables.`),
  );
