import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../../adapters/local/duckdb-catalog';
import { HyparquetTableEncoder, parquetSchema } from '../../../adapters/parquet/hyparquet-table-encoder';
import { ErrorName } from '../../../core/errors';
import { tables, type Row } from '../../../core/tables';
import { tempFolderForSuite } from '../../support/temp-folders';
import { goodDay } from './lake-fixture';

const encoder = new HyparquetTableEncoder();
const song = (): Row<'songs'> => ({ ...goodDay().songs[0]! });

describe('HyparquetTableEncoder', () => {
  const folder = tempFolderForSuite('parquet-encoder-');

  it('derives one schema leaf per column of core/tables.ts, required unless nullable', () => {
    // Act
    const schema = parquetSchema('playlist_items');

    // Assess
    expect(schema[0]).toEqual({ name: 'root', num_children: tables.playlist_items.length });
    expect(schema.slice(1).map((leaf) => [leaf.name, leaf.type, leaf.repetition_type])).toEqual(
      tables.playlist_items.map((column) => [
        column.name,
        { string: 'BYTE_ARRAY', int32: 'INT32', boolean: 'BOOLEAN', timestamp: 'INT64' }[column.type],
        column.nullable ? 'OPTIONAL' : 'REQUIRED',
      ]),
    );
  });

  it('writes a table with no rows as a readable file that keeps the column types', async () => {
    // Prepare
    const file = join(folder(), 'empty.parquet');
    await writeFile(file, encoder.encode('playlist_items', []));
    const db = await openDuckDb();

    // Act
    const described = (await db.connection.runAndReadAll(`DESCRIBE SELECT * FROM '${file}'`)).getRowObjectsJson();
    const count = (await db.connection.runAndReadAll(`SELECT COUNT(*)::INTEGER AS n FROM '${file}'`)).getRowObjectsJson();
    db.close();

    // Assess
    expect(count).toEqual([{ n: 0 }]);
    expect(described.map((row) => row['column_type'])).toEqual([
      'VARCHAR', 'INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'TIMESTAMP', 'VARCHAR',
    ]);
  });

  it('fails naming table, row, column and value when a required column is null', () => {
    // Prepare
    const rows = [song(), { ...song(), name: null as unknown as string }];

    // Act
    const attempt = () => encoder.encode('songs', rows);

    // Assess
    expect(attempt).toThrow(
      expect.objectContaining({
        name: ErrorName.InvalidStepInput,
        message: expect.stringContaining('Cannot write songs row 1: column name must be a string, got null (object)'),
      }),
    );
  });

  it.each([
    ['a fraction', 1.5, 'got 1.5 (number)'],
    ['a number beyond 32 bits', 2 ** 31, 'got 2147483648 (number)'],
    ['text', '200000', 'got "200000" (string)'],
  ])('fails when an int32 column holds %s', (_what, value, got) => {
    expect(() => encoder.encode('songs', [{ ...song(), duration_ms: value as number }])).toThrow(
      `column duration_ms must be a 32-bit integer, ${got}`,
    );
  });

  it('fails when a timestamp column holds an invalid date or text', () => {
    // Prepare
    const item = goodDay().playlist_items[0]!;

    // Act
    const invalid = () => encoder.encode('playlist_items', [{ ...item, added_at: new Date('not a date') }]);
    const text = () => encoder.encode('playlist_items', [{ ...item, added_at: '2026-11-20T00:00:00Z' as unknown as Date }]);

    // Assess
    expect(invalid).toThrow('column added_at must be null or a timestamp, got Date(NaN)');
    expect(text).toThrow('column added_at must be null or a timestamp, got "2026-11-20T00:00:00Z" (string)');
  });

  it('reads back the playlist_items rows of the playlists asked for, as written, nulls and times included', async () => {
    // Prepare: two playlists' entries, one of each kind of null the table allows.
    const [track] = goodDay().playlist_items;
    const rows: Row<'playlist_items'>[] = [
      { ...track!, playlist_id: 'p-one', position: 0 },
      { ...track!, playlist_id: 'p-two', position: 0, item_type: 'episode', song_id: null, episode_id: 'e1', added_at: null, added_by: null },
      { ...track!, playlist_id: 'p-one', position: 1, item_type: 'local', song_id: null, local_uri: 'spotify:local:a:b:c:1', added_at: new Date('2026-11-19T08:30:00.123Z') },
    ];
    const bytes = encoder.encode('playlist_items', rows);

    // Act
    const one = await encoder.decodePlaylistItems(bytes, ['p-one']);
    const both = await encoder.decodePlaylistItems(bytes, ['p-one', 'p-two', 'p-absent']);

    // Assess
    expect(one).toEqual([rows[0], rows[2]]);
    expect(both).toEqual(rows);
  });

  it('refuses bytes that are not a Parquet file, and the file of another table, which would read as empty playlists', async () => {
    // Act and assess
    await expect(encoder.decodePlaylistItems(new TextEncoder().encode('not a table'), ['p-one'])).rejects.toThrow();
    await expect(encoder.decodePlaylistItems(encoder.encode('playlists', goodDay().playlists), [goodDay().playlists[0]!.playlist_id])).rejects.toThrow(/not a playlist_items file/);
  });
});
