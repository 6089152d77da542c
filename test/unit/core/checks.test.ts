import { describe, expect, it } from 'vitest';
import { checkNames, evaluateChecks, sqlString, validationSql, type CheckExpectations } from '../../../core/checks';
import { ErrorName } from '../../../core/errors';
import { tableNames } from '../../../core/tables';

const expected: CheckExpectations = {
  tables: { playlists: 1, playlist_items: 2, songs: 2, albums: 1, artists: 1, song_artists: 2, album_artists: 1, playlist_changes: 0 },
  lostEntriesByPlaylist: {},
};

describe('evaluateChecks', () => {
  it('passes every check when the query returned no rows', () => {
    // Act
    const results = evaluateChecks([]);

    // Assess
    expect(results.map((result) => result.name)).toEqual([...checkNames]);
    expect(results.every((result) => result.passed && result.count === 0 && result.offending.length === 0)).toBe(true);
  });

  it('fails the checks that returned rows, with their count and keys, from DuckDB numbers or Athena strings', () => {
    // Prepare
    const rows = [
      { check_name: 'songs_resolvable', offending_key: 's1', failures: 7 },
      { check_name: 'songs_resolvable', offending_key: 's2', failures: 7 },
      { check_name: 'counts_match_manifest', offending_key: 'songs', failures: '1' },
    ];

    // Act
    const results = evaluateChecks(rows);

    // Assess
    expect(results.find((result) => result.name === 'songs_resolvable')).toEqual({
      name: 'songs_resolvable',
      passed: false,
      count: 7,
      offending: ['s1', 's2'],
    });
    expect(results.find((result) => result.name === 'counts_match_manifest')).toEqual({
      name: 'counts_match_manifest',
      passed: false,
      count: 1,
      offending: ['songs'],
    });
    expect(results.filter((result) => result.passed)).toHaveLength(checkNames.length - 2);
  });

  it('fails with QueryFailedError naming the path when a row does not have the validation shape', () => {
    expect(() => evaluateChecks([{ check_name: 'songs_resolvable', offending_key: 's1' }])).toThrow(
      expect.objectContaining({ name: ErrorName.QueryFailed, message: expect.stringContaining('[0].failures') }),
    );
  });
});

describe('validationSql', () => {
  it("reads the run's candidate of every table: the staged files of that date (as text, so a DATE and a string partition both match) and that run", () => {
    // Act
    const sql = validationSql('2026-11-20', 'run-1', expected);

    // Assess
    expect(sql.match(/FROM staged_\w+ WHERE CAST\(snapshot_date AS VARCHAR\) = '2026-11-20' AND run_id = 'run-1'/g)).toHaveLength(tableNames.length);
    for (const name of checkNames) expect(sql).toContain(`'${name}'`);
  });

  it('doubles the single quotes of ids it writes into the SQL', () => {
    // Act
    const sql = validationSql('2026-11-20', 'run-1', { ...expected, lostEntriesByPlaylist: { "it's'; DROP TABLE songs; --": 1 } });

    // Assess
    expect(sql).toContain("WHEN 'it''s''; DROP TABLE songs; --' THEN 1");
    expect(sqlString("a'b")).toBe("'a''b'");
  });

  it('fails on a date that is not YYYY-MM-DD', () => {
    expect(() => validationSql("2026-11-20' OR 1=1 --", 'run-1', expected)).toThrow(
      expect.objectContaining({ name: ErrorName.InvalidStepInput, message: expect.stringContaining('must be YYYY-MM-DD') }),
    );
  });

  it('fails on an expected count that is not a whole number', () => {
    expect(() => validationSql('2026-11-20', 'run-1', { ...expected, tables: { ...expected.tables, songs: 1.5 } })).toThrow(
      'the expected row count of songs must be a whole number of at least 0, got 1.5',
    );
  });

  it('fails on a lost-entry count that is negative', () => {
    expect(() => validationSql('2026-11-20', 'run-1', { ...expected, lostEntriesByPlaylist: { pl1: -1 } })).toThrow(
      'the lost entries of pl1 must be a whole number of at least 0, got -1',
    );
  });
});
