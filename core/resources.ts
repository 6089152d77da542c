/**
 * What a step uses, declared once beside its contract (`defineStep({ resources })`). Its IAM
 * grants, its Lambda environment, the ports its handler and the local run build, and the infra
 * tests all derive from this declaration, so a grant cannot drift from the code that needs it.
 */

/** The top-level areas of the lake bucket. */
export type LakeArea = 'raw' | 'curated' | 'runs' | 'leases' | 'reports';

/** A key prefix in the lake bucket: an area, optionally narrowed (`raw/playlist_items/`). */
export type LakePrefix = `${LakeArea}/${string}`;

/** What a step does below which lake prefixes; each list is exactly what its calls reach. */
export interface LakeAccess {
  /** Listing keys below these prefixes, without reading them. */
  readonly list?: readonly LakePrefix[];
  /** GetObject (and listing) below these prefixes. */
  readonly read?: readonly LakePrefix[];
  /** PutObject below these prefixes. */
  readonly write?: readonly LakePrefix[];
  /** DeleteObject below these prefixes. */
  readonly delete?: readonly LakePrefix[];
}

/** Reading a secret, writing a new version of it, or both. */
export type SecretAccess = 'read' | 'write' | 'readWrite';

/** The stack's resources a step may use; an absent key means none of it. */
export interface StepResources {
  /** The lake bucket (LAKE_BUCKET_NAME) and what the step does below which prefixes. */
  readonly lake?: LakeAccess;
  /** Spotify's endpoints and grant, with access to its two secrets. */
  readonly spotify?: { readonly credentials: SecretAccess; readonly tokenCache: SecretAccess };
  /** The Glue crawler over curated/: starting it, or reading its state. */
  readonly crawler?: 'start' | 'poll';
  /**
   * Registering a run's partitions in the staged tables of the stack's Glue database directly
   * (GetTable, BatchCreatePartition), which costs no crawl; needs `crawler`, whose port does it.
   */
  readonly partitions?: true;
  /**
   * Athena queries in the stack's workgroup over its Glue database. Athena runs them with the
   * caller's own access, so this also grants reading curated/ (the staged tables) and writing
   * the workgroup's results location; `results` reads the result files back; `run` is all three
   * in one invocation (a step that waits for its queries itself).
   */
  readonly queries?: 'start' | 'poll' | 'results' | 'run';
  /** Publishing to the failure topic (through its KMS key). */
  readonly failureTopic?: true;
  /**
   * Scheduling a restart of this state machine: a one-time EventBridge Scheduler schedule in the
   * stack's restart group, with the role Scheduler assumes to start the machine (iam:PassRole).
   */
  readonly restarts?: true;
  /** The configured playlists (DEFAULT_PLAYLIST_IDS); no AWS access. */
  readonly defaultPlaylists?: true;
  /** The reject tolerance (REJECT_TOLERANCE); no AWS access. */
  readonly rejectTolerance?: true;
  /** The charting library the report inlines, copied beside the function's bundle; no AWS access. */
  readonly charts?: true;
}

/** Every prefix a lake declaration names, whatever the access. */
export const lakePrefixesOf = (lake: LakeAccess | undefined): LakePrefix[] => [
  ...new Set([...(lake?.list ?? []), ...(lake?.read ?? []), ...(lake?.write ?? []), ...(lake?.delete ?? [])]),
];
