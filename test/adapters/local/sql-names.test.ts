/**
 * Which tables a SQL text names, and whether it reads the catalog, from the text alone: what the
 * query engines build their views from (adapters/local/sql-names.ts).
 */
import { describe, expect, it } from 'vitest';
import { listsCatalog, names, wordsOf } from '../../../adapters/local/sql-names';

describe('names', () => {
  const songs = wordsOf(['songs']);

  it.each([
    ['a table after FROM', 'select * from songs'],
    ['a table in any case', 'SELECT * FROM Songs'],
    ['a quoted identifier', 'select * from "songs"'],
    ['a table after a quoted identifier holding a quote', `select 'x' as "it's" from songs`],
    ['a table after an E string with an escaped quote', "select E'it\\'s' as a from songs"],
    ['a table between identifiers ending in dollars', 'select 1 as a$$ from songs where b$$ = 1'],
    ['a table after a tagged dollar string', 'select $t$ x $t$ as a from songs'],
  ])('finds %s', (_what, sql) => {
    expect(names(sql, songs)).toBe(true);
  });

  it.each([
    ['a word inside a literal', "select 'songs:' || id as label from playlists"],
    ['a word inside a dollar string', 'select $$ from songs $$ as a'],
    ['a word inside a tagged dollar string', 'select $body$ songs $body$ as a'],
    ['a word in a line comment', '-- songs\nselect 1'],
    ['a word in a block comment', '/* from songs */ select 1'],
    ['a longer name that ends in the word', 'select * from staged_songs'],
  ])('does not take %s for the table', (_what, sql) => {
    expect(names(sql, songs)).toBe(false);
  });
});

describe('listsCatalog', () => {
  it.each([
    'show tables',
    'describe',
    'select table_name from information_schema.tables',
    'select * from "information_schema"."tables"',
    'select view_name from duckdb_views()',
    'select count(*) from pg_class',
    'select * from pg_views',
    'select * from sqlite_temp_master',
    "select current_setting('allowed_paths')",
    'pragma show_tables',
    "select * from pragma_table_info('songs')",
    'select 1 as a$$, (select count(*) from duckdb_views()) as n, 2 as b$$',
  ])('is true for %s', (sql) => {
    expect(listsCatalog(sql)).toBe(true);
  });

  it.each(['select count(*) from songs', "select 'show' as word", 'select 1 -- show tables', 'select * from playlist_history'])('is false for %s', (sql) => {
    expect(listsCatalog(sql)).toBe(false);
  });
});
