/**
 * Normalise's logic: one date's raw playlists → one run's candidate Parquet part per curated
 * table, then the date's manifest with this attempt. Nothing a reader sees changes here: the
 * candidate lies in this run's own folder until RecordRun publishes it.
 */
import { playlistChanges } from '../../core/changes';
import { snapshotIdOf } from '../../core/extract';
import type { IsoDate } from '../../core/dates';
import { parseJsonBytes } from '../../core/json-bytes';
import { historyScopeOf, previousSnapshots, type HistoryScope, type PreviousSnapshot } from '../../core/history';
import { curatedPartKey, curatedRunPrefix, offsetOfPageKey, rawItemsPrefix, rawPlaylistKey, runIdOf } from '../../core/lake/keys';
import { landedRaw } from '../../core/lake/landed';
import { buildAttempt, withAttempt, type RunManifest } from '../../core/lake/manifest';
import { findManifest, writeManifest } from '../../core/manifests';
import { createNormaliser, UnreadableJson, type Normalised } from '../../core/normalise';
import { readAhead } from '../../core/read-ahead';
import { StorageUnavailableError } from '../../core/errors';
import type { BlobStore, Clock, TableEncoder } from '../../core/ports';
import { tableNames, type TableName, type TableRows } from '../../core/tables';
import type { NormaliseInput, NormaliseOutput } from './contract';

/** What Normalise needs: the lake, a Parquet encoder and the time for the manifest. */
export interface NormaliseDeps {
  readonly store: BlobStore;
  readonly encoder: TableEncoder;
  readonly clock: Clock;
}

const readBytes = async (store: BlobStore, key: string): Promise<Uint8Array> => {
  const body = await store.get(key);
  if (body === undefined) {
    throw new StorageUnavailableError(`${key} was listed but is gone: another run of this date may be rewriting it; Normalise is retried`);
  }
  return body;
};

/** Raw JSON, or what made it unreadable: a damaged raw file is a named reject, never a SyntaxError. */
const parse = (key: string, bytes: Uint8Array | undefined): unknown => {
  if (bytes === undefined) return new UnreadableJson(key, 'it is missing');
  try {
    return parseJsonBytes(bytes);
  } catch (error) {
    return new UnreadableJson(key, `it is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
};

/**
 * The playlists a rebuild that named none reads: those of the date's published run, so a date
 * rerun with fewer playlists is rebuilt as it was published, not with the raw an earlier run of it
 * left of the others (extracted at another time); every playlist landed on a date with nothing
 * published, or whose manifest is damaged and no longer says what was.
 */
const playlistsToRebuild = (
  before: RunManifest | undefined,
  landed: ReadonlySet<string>,
): { playlistIds: string[]; publishedSnapshotIds?: ReadonlyMap<string, string | null> } =>
  before?.published
    ? {
        playlistIds: before.published.playlists.map(({ playlistId }) => playlistId),
        publishedSnapshotIds: new Map(before.published.playlists.map(({ playlistId, snapshotId }) => [playlistId, snapshotId])),
      }
    : { playlistIds: [...landed] };

/**
 * A rebuilt playlist's raw object, or a reject when it holds another snapshot than the one the
 * date published: a later read of the date (a rerun that failed) replaced it, and publishing it
 * would put that read's entries under the date with the published run's extraction time.
 */
const asPublished = (key: string, playlist: unknown, publishedSnapshotId: string | null | undefined): unknown => {
  const held = snapshotIdOf(playlist);
  if (typeof publishedSnapshotId !== 'string' || held === undefined || held === publishedSnapshotId) return playlist;
  return new UnreadableJson(key, `it holds snapshot ${String(held)}, not ${publishedSnapshotId}, which the date published: a later read of the date replaced it, so the date cannot be rebuilt as published`);
};

/** Playlists whose raw bytes are read ahead of the one being normalised (a few MiB at most). */
const readAheadDepth = 8;

// Generic in the table, so each table's rows are checked against that table's encoder schema.
const encodeTable = <T extends TableName>(encoder: TableEncoder, table: T, rows: TableRows): Uint8Array => encoder.encode(table, rows[table]);

/**
 * Normalises the date's playlists one at a time (memory holds the output rows, never all the raw
 * JSON), writes each table's candidate as a single object in this run's folder (clearing anything
 * else a killed attempt of the same run left there), and records the attempt in the manifest,
 * keeping the published run as it was. A rebuild reads the playlists the run named, or else
 * those of the date's published run ({@link playlistsToRebuild}); a playlist with pages but no
 * playlist.json is a reject, not a drop.
 */
export const runNormalise =
  (deps: NormaliseDeps) =>
  async (input: NormaliseInput): Promise<NormaliseOutput> => {
    const { store } = deps;
    const runId = runIdOf(input.run.executionName);
    // Two listings for the whole date, not one per playlist: on S3 each listing is a request.
    const { complete: withMetadata, pageKeysOf, landed } = await landedRaw(store, input.date);
    const previous = await findManifest(store, input.date);
    const before = previous.state === 'present' ? previous.manifest : undefined;
    const rebuilt = input.allLanded && !input.extract ? playlistsToRebuild(before, landed) : undefined;
    const wanted = rebuilt?.playlistIds ?? input.playlistIds;
    // In id order, whatever order the run listed them in: the same raw data gives the same bytes.
    // A published playlist without raw is read as missing, a reject that fails the checks: the
    // rebuild must not publish the date without it.
    const toRead = (rebuilt?.publishedSnapshotIds === undefined ? wanted.filter((id) => landed.has(id)) : [...wanted]).sort();
    const load = async (playlistId: string) => {
      const playlistKey = rawPlaylistKey(input.date, playlistId);
      const pageKeys = pageKeysOf.get(playlistId) ?? [];
      const [playlist, ...pages] = await Promise.all([
        withMetadata.has(playlistId) ? readBytes(store, playlistKey) : undefined,
        ...pageKeys.map((key) => readBytes(store, key)),
      ]);
      return { playlistId, playlistKey, playlist, pageKeys, pages };
    };
    const normaliser = createNormaliser();
    // Bytes are read ahead and parsed only in their turn: the reads overlap the CPU work, and
    // memory holds one parsed playlist, never the whole date's raw JSON.
    for await (const raw of readAhead(toRead, readAheadDepth, load)) {
      normaliser.add({
        playlistId: raw.playlistId,
        playlist: asPublished(raw.playlistKey, parse(raw.playlistKey, raw.playlist), rebuilt?.publishedSnapshotIds?.get(raw.playlistId)),
        pages: raw.pages.map((bytes, index) => parse(raw.pageKeys[index] ?? '', bytes)),
      });
    }
    const normalised = normaliser.result();
    const scope = historyScopeOf(input.date, new Set((input.runDates ?? []).map(({ date }) => date)), input.allLanded);
    const { unchanged, untold } = await addChanges(deps, input.date, normalised, scope);
    await Promise.all(
      tableNames.map(async (table) => {
        const part = curatedPartKey(table, input.date, runId, 0);
        await store.put(part, encodeTable(deps.encoder, table, normalised.tables));
        await store.delete((await store.list(curatedRunPrefix(table, input.date, runId))).filter((key) => key !== part));
      }),
    );
    const attempt = buildAttempt({
      executionName: input.run.executionName,
      status: 'normalised',
      mode: input.run.mode,
      // A rebuild did not read Spotify: it keeps the time the raw snapshots were extracted.
      extractedAt: input.extract ? input.run.startedAt : (before?.published?.extractedAt ?? before?.lastAttempt.extractedAt ?? null),
      updatedAt: deps.clock.now().toISOString(),
      normalised,
    });
    for (const playlist of attempt.playlists) {
      playlist.outcome = playlist.rejects > 0 ? 'rejected' : unchanged.has(playlist.playlistId) ? 'unchanged' : 'extracted';
    }
    // A damaged manifest no longer says what was published: the date is rebuilt from raw, and
    // until this attempt is published nothing is.
    await writeManifest(store, withAttempt(input.date, before, attempt));
    return {
      date: input.date,
      playlists: toRead.length,
      missing: wanted.filter((id) => !landed.has(id)),
      tables: attempt.tables,
      rejectCount: attempt.rejectCount,
      ...(untold.length > 0 ? { changesUntold: untold } : {}),
    };
  };

/**
 * One playlist's previous snapshot, as what to compare with: nothing when it is the snapshot the
 * playlist has now (Spotify's snapshot id names the playlist's contents, so an unchanged playlist,
 * the usual daily case, costs no read at all when the date published it, and one small read when
 * the same run writes it); else its raw pages, as bytes to parse in their turn, while that date's
 * raw still holds the snapshot it published; else (a failed rerun of the date cut or replaced
 * it since) the rows its published run holds, read by {@link addChanges}.
 */
const loadEarlierSnapshot = async (store: BlobStore, playlistId: string, { date, published }: PreviousSnapshot, snapshotIdNow: string | undefined) => {
  if (published !== undefined && published.snapshotId === snapshotIdNow) return { kind: 'unchanged' as const, playlistId, date };
  const playlistKey = rawPlaylistKey(date, playlistId);
  // Parsed once, here: it is small, and it decides whether the pages are read at all.
  const playlist = parse(playlistKey, await store.get(playlistKey));
  const rawSnapshotId = snapshotIdOf(playlist);
  if (published !== undefined && rawSnapshotId !== published.snapshotId) return { kind: 'published' as const, playlistId, date, runId: published.runId };
  if (snapshotIdNow !== undefined && rawSnapshotId === snapshotIdNow) return { kind: 'unchanged' as const, playlistId, date };
  const pageKeys = (await store.list(rawItemsPrefix(date, playlistId))).filter((key) => offsetOfPageKey(key) !== undefined);
  const pages = await Promise.all(pageKeys.map((key) => store.get(key)));
  return { kind: 'changed' as const, playlistId, date, published, playlist, pageKeys, pages };
};

/**
 * The published playlist_items rows of `playlistIds` on `date`, from the run that published them,
 * by playlist: one read of the date's file for all of them. Undefined when the file is damaged or
 * another table's, or gone while the manifest still names its run (a damaged lake): the changes
 * then cannot be told, and those playlists get no rows, as a first snapshot, rather than fail
 * every later run. Gone because the date was published again meanwhile, the step is retried.
 */
const publishedItems = async (deps: NormaliseDeps, date: IsoDate, runId: string, playlistIds: readonly string[]) => {
  const bytes = await deps.store.get(curatedPartKey('playlist_items', date, runId, 0));
  if (bytes === undefined) {
    const now = await findManifest(deps.store, date);
    if (now.state === 'present' && now.manifest.published?.runId !== runId) {
      throw new StorageUnavailableError(`${date}'s published run ${runId} was replaced while Normalise read it: another run published that date meanwhile; Normalise is retried`);
    }
    return undefined;
  }
  try {
    return Map.groupBy(await deps.encoder.decodePlaylistItems(bytes, playlistIds), (row) => row.playlist_id);
  } catch {
    return undefined;
  }
};

/**
 * Adds the date's playlist_changes rows: each playlist compared with its previous snapshot, the
 * latest earlier date that published it or that this run writes ({@link previousSnapshots}):
 * nothing to compare when its snapshot id is the one the playlist has now (no rows); else its raw
 * normalised again, while the date's raw still holds what it published or the run writes it; else
 * the rows its published run holds. Raw first, not the previous date's published Parquet: a
 * backfill normalises its dates two at a time and publishes them all at its end, so an earlier
 * date of the same backfill may not be published yet, while its raw always is in the lake; and a
 * changed playlist's raw is a few small reads, where the published file holds the whole date. A
 * playlist's first snapshot adds no row. The earlier snapshots are read ahead as the date's own
 * are: on S3, one after another, 10,000 playlists' reads would not fit a Lambda's run time.
 * @returns the playlists whose snapshot id is the previous snapshot's (unchanged), and those whose
 *   changes could not be told: their previous date's published file is damaged (untold, no rows)
 */
const addChanges = async (
  deps: NormaliseDeps,
  date: IsoDate,
  normalised: Normalised,
  scope: HistoryScope,
): Promise<{ unchanged: Set<string>; untold: { playlistId: string; previousDate: IsoDate }[] }> => {
  const { store } = deps;
  const { tables } = normalised;
  const current = Map.groupBy(tables.playlist_items, (row) => row.playlist_id);
  const snapshotIds = new Map(tables.playlists.map((row) => [row.playlist_id, row.snapshot_id]));
  const previous = [...(await previousSnapshots(store, date, [...snapshotIds.keys()], scope))].sort(([a], [b]) => a.localeCompare(b));
  const load = ([playlistId, snapshot]: [string, PreviousSnapshot]) => loadEarlierSnapshot(store, playlistId, snapshot, snapshotIds.get(playlistId));
  const unchanged = new Set<string>();
  const fromPublished: { playlistId: string; date: IsoDate; runId: string }[] = [];
  // Rows by playlist, written in playlist order whichever way each was compared: the same data gives the same bytes.
  const changes = new Map<string, TableRows['playlist_changes']>();
  for await (const earlier of readAhead(previous, readAheadDepth, load)) {
    if (earlier.kind === 'published') {
      fromPublished.push(earlier);
    } else if (earlier.kind === 'unchanged') {
      unchanged.add(earlier.playlistId);
    } else {
      const normaliser = createNormaliser();
      normaliser.add({
        playlistId: earlier.playlistId,
        playlist: earlier.playlist,
        pages: earlier.pages.map((bytes, index) => parse(earlier.pageKeys[index] ?? '', bytes)),
      });
      const rebuilt = normaliser.result().tables.playlist_items;
      // Raw that names the published snapshot but no longer gives the rows published (a failed
      // rerun carried a page over that it then found unreadable) is not what readers saw: their rows are.
      if (earlier.published !== undefined && rebuilt.length !== earlier.published.rows) fromPublished.push({ playlistId: earlier.playlistId, date: earlier.date, runId: earlier.published.runId });
      else changes.set(earlier.playlistId, playlistChanges(earlier.playlistId, earlier.date, rebuilt, current.get(earlier.playlistId) ?? []));
    }
  }
  // Rare: dates whose raw no longer holds what they published. One read of each date's file.
  const untold: { playlistId: string; previousDate: IsoDate }[] = [];
  for (const ofRun of Map.groupBy(fromPublished, ({ date: earlierDate, runId }) => `${earlierDate}/${runId}`).values()) {
    const [first] = ofRun;
    if (first === undefined) continue;
    const ids = ofRun.map(({ playlistId }) => playlistId);
    const rows = await publishedItems(deps, first.date, first.runId, ids);
    if (rows === undefined) {
      untold.push(...ids.map((playlistId) => ({ playlistId, previousDate: first.date })));
      continue;
    }
    for (const playlistId of ids) changes.set(playlistId, playlistChanges(playlistId, first.date, rows.get(playlistId) ?? [], current.get(playlistId) ?? []));
  }
  for (const [playlistId] of previous) tables.playlist_changes.push(...(changes.get(playlistId) ?? []));
  return { unchanged, untold: untold.sort((a, b) => a.playlistId.localeCompare(b.playlistId)) };
};
