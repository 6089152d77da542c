/**
 * Curated rows to Parquet with hyparquet-writer: pure JavaScript, so it bundles into a Lambda
 * (about 60 KB) where DuckDB (70 MB native) or parquet-wasm (a .wasm asset) would not fit as
 * easily. Every schema is derived from core/tables.ts, never inferred from the data. Reading back
 * (a published date's playlist_items, for the changes after it) is hyparquet, writer's sibling,
 * loaded on that rare path only so that no cold start pays for it.
 */
import { parquetWriteBuffer, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import { InvalidStepInputError } from '../../core/errors';
import type { TableEncoder } from '../../core/ports';
import { tables, type Column, type ColumnType, type TableName, type TableRows } from '../../core/tables';

/** The Parquet physical type and annotation of each logical column type. */
const parquetTypes = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int32: { type: 'INT32' },
  boolean: { type: 'BOOLEAN' },
  // The legacy TIMESTAMP_MILLIS annotation (UTC instants): DuckDB reads it as TIMESTAMP and Glue
  // maps it to `timestamp`, so one SQL text compares it the same way on both engines.
  timestamp: { type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' },
} as const satisfies Record<ColumnType, Omit<SchemaElement, 'name'>>;

const int32Range = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** Whether `value` is a non-null value of the logical type. */
const isOfType: Record<ColumnType, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  int32: (value) => Number.isInteger(value) && (value as number) >= int32Range.min && (value as number) <= int32Range.max,
  boolean: (value) => typeof value === 'boolean',
  timestamp: (value) => value instanceof Date && !Number.isNaN(value.getTime()),
};

/**
 * The explicit Parquet schema of a table: a root group, then one leaf per column in file order.
 * @example parquetSchema('artists') // [{ name: 'root', num_children: 2 }, { name: 'artist_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' }, …]
 */
export const parquetSchema = (table: TableName): SchemaElement[] => {
  const columns: readonly Column[] = tables[table];
  return [
    { name: 'root', num_children: columns.length },
    ...columns.map(
      (column): SchemaElement => ({
        name: column.name,
        ...parquetTypes[column.type],
        repetition_type: column.nullable ? 'OPTIONAL' : 'REQUIRED',
      }),
    ),
  ];
};

const describeValue = (value: unknown): string =>
  value instanceof Date ? `Date(${String(value.getTime())})` : `${JSON.stringify(value) ?? String(value)} (${typeof value})`;

/** One column's values, checked against its declared type so a wrong row fails here and not in a reader. */
const columnValues = (table: TableName, column: Column, rows: readonly Record<string, unknown>[]): unknown[] =>
  rows.map((row, index) => {
    const value = row[column.name];
    if (value === null || value === undefined) {
      if (column.nullable) return null;
    } else if (isOfType[column.type](value)) {
      return value;
    }
    throw new InvalidStepInputError(
      `Cannot write ${table} row ${String(index)}: column ${column.name} must be ${column.nullable ? 'null or ' : ''}` +
        `${column.type === 'int32' ? 'a 32-bit integer' : `a ${column.type}`}, got ${describeValue(value)}. ` +
        'The rows come from the normaliser; this is a bug there, not in the data.',
    );
  });

/** Encodes curated rows with their table's schema, snappy-compressed, with column statistics. */
export class HyparquetTableEncoder implements TableEncoder {
  public encode<T extends TableName>(table: T, rows: TableRows[T]): Uint8Array {
    const records = rows as readonly Record<string, unknown>[];
    const columnData = tables[table].map(
      (column): ColumnSource => ({ name: column.name, data: columnValues(table, column, records) }),
    );
    // Snappy is built into hyparquet-writer; zstd would need a compressor in the bundle, and
    // curated partitions are small enough that the ratio difference does not matter.
    return new Uint8Array(
      parquetWriteBuffer({ columnData, schema: parquetSchema(table), codec: 'SNAPPY', statistics: true }),
    );
  }

  public async decodePlaylistItems(bytes: Uint8Array, playlistIds: readonly string[]): Promise<TableRows['playlist_items']> {
    const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const columns = tables.playlist_items.map((column) => column.name);
    // Another table's file would read as rows of nulls, an empty playlist: refused instead.
    const metadata = parquetMetadata(file);
    const written = metadata.schema.slice(1).map((leaf) => leaf.name);
    if (written.join() !== columns.join()) throw new Error(`not a playlist_items file: its columns are ${written.join(', ')}`);
    // One row group at a time: skipped when its id statistics rule every wanted id out (the rows
    // are in playlist order), else its ids read first, and its rows only from the first wanted to
    // the last. A date of 10,000 × 100 is a million rows, which whole (or hyparquet's `$in`, a
    // scan of the ids per row) cost hundreds of MB and up to 25 s for a thousand playlists.
    const wanted = new Set(playlistIds);
    const sorted = [...wanted].sort();
    const found: Record<string, unknown>[] = [];
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      const statistics = group.columns[0]?.meta_data?.statistics;
      const [min, max] = [statistics?.min_value, statistics?.max_value];
      // Truncated statistics still bound: a shortened min sorts before, a bumped max after.
      const mayHold = typeof min !== 'string' || typeof max !== 'string' || sorted.some((id) => min <= id && id <= max);
      if (mayHold) {
        const ids = (await parquetReadObjects({ file, metadata, rowStart: groupStart, rowEnd: groupEnd, columns: ['playlist_id'] })).map((row) => row['playlist_id']);
        const first = ids.findIndex((id) => wanted.has(id as string));
        if (first >= 0) {
          const last = ids.findLastIndex((id) => wanted.has(id as string));
          const rows = await parquetReadObjects({ file, metadata, rowStart: groupStart + first, rowEnd: groupStart + last + 1 });
          for (const row of rows) if (wanted.has(row['playlist_id'] as string)) found.push(row);
        }
      }
      groupStart = groupEnd;
    }
    // hyparquet leaves an empty optional value undefined; the rows' type, like the writer's, says null.
    return found.map((row) => Object.fromEntries(columns.map((name) => [name, row[name] ?? null]))) as TableRows['playlist_items'];
  }
}
