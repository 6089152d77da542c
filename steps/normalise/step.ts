/**
 * Normalise's logic: one date's raw playlists → one run's candidate Parquet part per curated
 * table, then the date's manifest with this attempt. Nothing a reader sees changes here: the
 * candidate lies in this run's own folder until RecordRun publishes it.
 */
import { playlistChanges } from '../../core/changes';
import type { IsoDate } from '../../core/dates';
import { previousRawDates } from '../../core/history';
import { curatedPartKey, curatedRunPrefix, offsetOfPageKey, playlistIdOfKey, rawItemsDatePrefix, rawItemsPrefix, rawPlaylistKey, rawPlaylistsPrefix, runIdOf } from '../../core/lake/keys';
import { buildAttempt, withAttempt } from '../../core/lake/manifest';
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

const decoder = new TextDecoder();

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
    return JSON.parse(decoder.decode(bytes)) as unknown;
  } catch (error) {
    return new UnreadableJson(key, `it is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
};

/** Playlists whose raw bytes are read ahead of the one being normalised (a few MiB at most). */
const readAheadDepth = 8;

// Generic in the table, so each table's rows are checked against that table's encoder schema.
const encodeTable = <T extends TableName>(encoder: TableEncoder, table: T, rows: TableRows): Uint8Array => encoder.encode(table, rows[table]);

/**
 * Normalises the date's playlists one at a time (memory holds the output rows, never all the raw
 * JSON), writes each table's candidate as a single object in this run's folder (clearing anything
 * else a killed attempt of the same run left there), and records the attempt in the manifest,
 * keeping the published run as it was. A rebuild reads every playlist landed on the date unless
 * the run named its playlists; a playlist with pages but no playlist.json is a reject, not a drop.
 */
export const runNormalise =
  (deps: NormaliseDeps) =>
  async (input: NormaliseInput): Promise<NormaliseOutput> => {
    const { store } = deps;
    const runId = runIdOf(input.run.executionName);
    // Two listings for the whole date, not one per playlist: on S3 each listing is a request.
    const [playlistKeys, itemKeys] = await Promise.all([store.list(rawPlaylistsPrefix(input.date)), store.list(rawItemsDatePrefix(input.date))]);
    const withMetadata = new Set(playlistKeys.filter((key) => key.endsWith('/playlist.json')).map(playlistIdOfKey));
    const pageKeysOf = Map.groupBy(itemKeys.filter((key) => offsetOfPageKey(key) !== undefined), playlistIdOfKey);
    const landed = new Set([...withMetadata, ...pageKeysOf.keys()].filter((id) => id !== undefined));
    const wanted = input.allLanded && !input.extract ? [...landed] : input.playlistIds;
    // In id order, whatever order the run listed them in: the same raw data gives the same bytes.
    const present = wanted.filter((id) => landed.has(id)).sort();
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
    for await (const raw of readAhead(present, readAheadDepth, load)) {
      normaliser.add({
        playlistId: raw.playlistId,
        playlist: parse(raw.playlistKey, raw.playlist),
        pages: raw.pages.map((bytes, index) => parse(raw.pageKeys[index] ?? '', bytes)),
      });
    }
    const normalised = normaliser.result();
    const unchanged = await addChanges(store, input.date, normalised);
    await Promise.all(
      tableNames.map(async (table) => {
        const part = curatedPartKey(table, input.date, runId, 0);
        await store.put(part, encodeTable(deps.encoder, table, normalised.tables));
        await store.delete((await store.list(curatedRunPrefix(table, input.date, runId))).filter((key) => key !== part));
      }),
    );
    const previous = await findManifest(store, input.date);
    const before = previous.state === 'present' ? previous.manifest : undefined;
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
      playlists: present.length,
      missing: input.allLanded && !input.extract ? [] : input.playlistIds.filter((id) => !landed.has(id)),
      tables: attempt.tables,
      rejectCount: attempt.rejectCount,
    };
  };

/** One playlist's entries and snapshot id on an earlier date, normalised from its raw snapshot. */
const earlierSnapshot = async (store: BlobStore, date: IsoDate, playlistId: string) => {
  const playlistKey = rawPlaylistKey(date, playlistId);
  const pageKeys = (await store.list(rawItemsPrefix(date, playlistId))).filter((key) => offsetOfPageKey(key) !== undefined);
  const normaliser = createNormaliser();
  normaliser.add({
    playlistId,
    playlist: parse(playlistKey, await store.get(playlistKey)),
    pages: await Promise.all(pageKeys.map(async (key) => parse(key, await store.get(key)))),
  });
  const { tables } = normaliser.result();
  return { items: tables.playlist_items, snapshotId: tables.playlists[0]?.snapshot_id };
};

/**
 * Adds the date's playlist_changes rows: each playlist compared with its previous snapshot, the
 * latest earlier date whose raw holds it ({@link previousRawDates}), normalised again from raw.
 * Raw, not the previous date's published Parquet: a backfill normalises its dates two at a time
 * and publishes them all at its end, so an earlier date of the same backfill may not be
 * published yet, while its raw always is in the lake. A playlist's first snapshot adds no row.
 * @returns the playlists whose snapshot id is the previous snapshot's (unchanged)
 */
const addChanges = async (store: BlobStore, date: IsoDate, normalised: Normalised): Promise<Set<string>> => {
  const { tables } = normalised;
  const current = Map.groupBy(tables.playlist_items, (row) => row.playlist_id);
  const snapshotIds = new Map(tables.playlists.map((row) => [row.playlist_id, row.snapshot_id]));
  const previousDates = await previousRawDates(store, date, [...snapshotIds.keys()]);
  const unchanged = new Set<string>();
  for (const [playlistId, previousDate] of [...previousDates].sort(([a], [b]) => a.localeCompare(b))) {
    const previous = await earlierSnapshot(store, previousDate, playlistId);
    if (previous.snapshotId !== undefined && previous.snapshotId === snapshotIds.get(playlistId)) unchanged.add(playlistId);
    tables.playlist_changes.push(...playlistChanges(playlistId, previousDate, previous.items, current.get(playlistId) ?? []));
  }
  return unchanged;
};
