import { describe, expect, it } from 'vitest';
import { tryDecode } from '../../../core/decode';
import { buildAttempt, maxManifestRejects, RunManifest, withAttempt, type AttemptInput } from '../../../core/lake/manifest';
import { normalise } from '../../../core/normalise';
import { fixture, fixturePages, pagesSnapshot, realPayload, realPlaylists } from './spotify-payloads';

const { gorillaz, dutchTop40 } = realPlaylists;

const run = (normalised: AttemptInput['normalised']): AttemptInput => ({
  status: 'normalised',
  mode: 'scheduled',
  executionName: 'scheduled-2026-11-20',
  extractedAt: '2026-11-20T06:00:05.000Z',
  updatedAt: '2026-11-20T06:01:00.000Z',
  normalised,
});

describe('buildAttempt', () => {
  it('counts rows per table and rows, rejects and the entries they cost per playlist, including a playlist whose object did not decode', () => {
    // Prepare
    const brokenPlaylist = realPayload(gorillaz.playlistFile);
    delete brokenPlaylist.snapshot_id;
    const normalised = normalise([
      pagesSnapshot(dutchTop40.id, [realPayload(dutchTop40.pageFile)]),
      pagesSnapshot(fixturePages.undecodableEntry.id, [fixture(fixturePages.undecodableEntry.file)]),
      { playlistId: gorillaz.id, playlist: brokenPlaylist, pages: [] },
    ]);

    // Act
    const manifest = buildAttempt(run(normalised));

    // Assess
    expect(manifest.playlists).toEqual([
      { playlistId: dutchTop40.id, snapshotId: 'AAAAAfixture', totalItems: 40, rows: 40, rejects: 0, lostEntries: 0 },
      { playlistId: fixturePages.undecodableEntry.id, snapshotId: 'AAAAAfixture', totalItems: 3, rows: 2, rejects: 1, lostEntries: 1 },
      { playlistId: gorillaz.id, snapshotId: null, totalItems: null, rows: 0, rejects: 1, lostEntries: 0 },
    ]);
    expect(manifest.tables).toEqual({
      playlists: 2,
      playlist_items: 42,
      songs: normalised.tables.songs.length,
      albums: normalised.tables.albums.length,
      artists: normalised.tables.artists.length,
      song_artists: normalised.tables.song_artists.length,
      album_artists: normalised.tables.album_artists.length,
      playlist_changes: 0,
    });
    expect(manifest.tables.songs).toBe(40); // the fixture's tracks are Dutch Top 40 tracks, held once
    expect(manifest.rejects).toEqual(normalised.rejects);
    expect(manifest.rejectCount).toBe(2);
    expect(manifest).toMatchObject({ status: 'normalised', checks: [], error: null, runId: 'scheduled-2026-11-20', publishedAt: null });
  });

  it(`lists the first ${maxManifestRejects} rejects and counts all of them`, () => {
    // Prepare
    const page = { href: 'h', items: Array.from({ length: 150 }, () => 'not an entry'), offset: 0, total: 150 };
    const normalised = normalise([pagesSnapshot('p', [page])]);

    // Act
    const manifest = buildAttempt(run(normalised));

    // Assess
    expect(manifest.rejectCount).toBe(150);
    expect(manifest.rejects).toHaveLength(maxManifestRejects);
    expect(manifest.rejects[99]).toEqual({ playlistId: 'p', position: 99, reason: 'page at offset 0: $.items[99]: expected object, got string' });
    expect(manifest.playlists).toEqual([{ playlistId: 'p', snapshotId: 'AAAAAfixture', totalItems: 150, rows: 0, rejects: 150, lostEntries: 150 }]);
  });

  it('records every table with 0 rows for a skipped date', () => {
    // Prepare
    const input = { ...run(normalise([])), status: 'skipped' as const, extractedAt: null };

    // Act
    const manifest = buildAttempt(input);

    // Assess
    expect(Object.values(manifest.tables)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(manifest.playlists).toEqual([]);
  });

  it('carries the checks and the error it is given', () => {
    // Prepare
    const checks = [{ name: 'items_match_total', passed: false, count: 1, offending: ['0badEntryPlaylist00006'] }];
    const error = { name: 'ValidationFailedError', message: 'items_match_total failed for 1 playlist' };

    // Act
    const manifest = buildAttempt({ ...run(normalise([])), status: 'failed', checks, error });

    // Assess
    expect(manifest).toMatchObject({ status: 'failed', checks, error });
  });
});

describe('withAttempt', () => {
  const date = '2026-11-20';
  const attempt = (executionName: string, status: AttemptInput['status']) => buildAttempt({ ...run(normalise([])), executionName, status });

  it('keeps the published run when an attempt is not published, whatever its outcome', () => {
    // Prepare
    const published = withAttempt(date, undefined, attempt('first', 'succeeded'));

    // Act
    const failed = withAttempt(date, published, attempt('second', 'failed'));
    const validated = withAttempt(date, failed, attempt('third', 'validated'));

    // Assess
    expect(published.published?.executionName).toBe('first');
    expect(failed).toMatchObject({ published: { executionName: 'first' }, lastAttempt: { executionName: 'second', status: 'failed' } });
    expect(validated).toMatchObject({ published: { executionName: 'first' }, lastAttempt: { executionName: 'third', status: 'validated' } });
  });

  it('publishes nothing for a first attempt until it succeeds, then that attempt', () => {
    // Act
    const first = withAttempt(date, undefined, attempt('a', 'normalised'));
    const done = withAttempt(date, first, attempt('a', 'succeeded'));

    // Assess
    expect(first.published).toBeNull();
    expect(done.published).toEqual(done.lastAttempt);
  });
});

describe('RunManifest', () => {
  const manifestOf = (normalised: AttemptInput['normalised']) => withAttempt('2026-11-20', undefined, buildAttempt(run(normalised)));

  it('decodes a manifest read back from JSON to the manifest that was written', () => {
    // Prepare
    const written = manifestOf(normalise([pagesSnapshot('p', [fixture(fixturePages.undecodableEntry.file)])]));

    // Act
    const read = tryDecode(RunManifest, JSON.parse(JSON.stringify(written)));

    // Assess
    expect(read).toEqual({ ok: true, value: written });
  });

  it('fails a manifest with an impossible date, an unknown status or a missing table count, naming the paths', () => {
    // Prepare
    const written = JSON.parse(JSON.stringify(manifestOf(normalise([]))));
    delete written.lastAttempt.tables.songs;
    written.lastAttempt.status = 'done';
    written.snapshotDate = '2026-02-30';

    // Act
    const read = tryDecode(RunManifest, written);

    // Assess
    expect(read).toEqual({
      ok: false,
      problems: [
        '$.snapshotDate: expected IsoDate, got string',
        '$.lastAttempt.status: expected "normalised" | "validated" | "succeeded" | "failed" | "skipped", got string',
        '$.lastAttempt.tables.songs: expected number, got undefined',
      ],
    });
  });
});
