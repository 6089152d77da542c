/** Normalise's logic: one date's raw playlists → one Parquet part per curated table, then the manifest. */
import { readManifest, writeManifest } from '../../core/manifests';
import { buildManifest } from '../../core/lake/manifest';
import {
  curatedPartitionPrefix,
  curatedPartKey,
  offsetOfPageKey,
  playlistIdOfKey,
  rawItemsDatePrefix,
  rawPlaylistKey,
  rawPlaylistsPrefix,
} from '../../core/lake/keys';
import { createNormaliser } from '../../core/normalise';
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

const parse = (bytes: Uint8Array): unknown => JSON.parse(decoder.decode(bytes)) as unknown;

/** Playlists whose raw bytes are read ahead of the one being normalised (a few MiB at most). */
const readAheadDepth = 8;

// Generic in the table, so each table's rows are checked against that table's encoder schema.
const encodeTable = <T extends TableName>(encoder: TableEncoder, table: T, rows: TableRows): Uint8Array => encoder.encode(table, rows[table]);

/**
 * Normalises the run's playlists of the date one at a time (memory holds the output rows, never
 * all the raw JSON), writes each table's partition as a single object, removes parts a former
 * run may have left, and records the manifest. A rerun writes the same rows to the same keys.
 */
export const runNormalise =
  (deps: NormaliseDeps) =>
  async (input: NormaliseInput): Promise<NormaliseOutput> => {
    const { store } = deps;
    // Two listings for the whole date, not one per playlist: on S3 each listing is a request.
    const [playlistKeys, itemKeys] = await Promise.all([store.list(rawPlaylistsPrefix(input.date)), store.list(rawItemsDatePrefix(input.date))]);
    const landed = new Set(playlistKeys.map(playlistIdOfKey));
    const pageKeysOf = Map.groupBy(itemKeys.filter((key) => offsetOfPageKey(key) !== undefined), playlistIdOfKey);
    const present = input.playlistIds.filter((id) => landed.has(id));
    const load = async (playlistId: string) => {
      const [playlist, ...pages] = await Promise.all(
        [rawPlaylistKey(input.date, playlistId), ...(pageKeysOf.get(playlistId) ?? [])].map((key) => readBytes(store, key)),
      );
      return { playlistId, playlist: playlist as Uint8Array, pages };
    };
    const normaliser = createNormaliser();
    // Bytes are read ahead and parsed only in their turn: the reads overlap the CPU work, and
    // memory holds one parsed playlist, never the whole date's raw JSON.
    for await (const raw of readAhead(present, readAheadDepth, load)) {
      normaliser.add({ playlistId: raw.playlistId, playlist: parse(raw.playlist), pages: raw.pages.map(parse) });
    }
    const normalised = normaliser.result();
    // One object per partition, put atomically: a query sees a table's old rows or its new rows,
    // never part of them (docs/workflow.md, "Writing curated partitions").
    await Promise.all(
      tableNames.map(async (table) => {
        const part = curatedPartKey(table, input.date, 0);
        await store.put(part, encodeTable(deps.encoder, table, normalised.tables));
        await store.delete((await store.list(curatedPartitionPrefix(table, input.date))).filter((key) => key !== part));
      }),
    );
    const previous = await readManifest(store, input.date);
    const manifest = buildManifest({
      snapshotDate: input.date,
      status: 'normalised',
      mode: input.run.mode,
      executionName: input.run.executionName,
      // A rebuild did not read Spotify: it keeps the time the raw snapshots were extracted.
      extractedAt: input.extract ? input.run.startedAt : (previous?.extractedAt ?? null),
      updatedAt: deps.clock.now().toISOString(),
      normalised,
    });
    await writeManifest(store, manifest);
    return {
      date: input.date,
      playlists: present.length,
      missing: input.playlistIds.filter((id) => !landed.has(id)),
      tables: manifest.tables,
      rejectCount: manifest.rejectCount,
    };
  };
