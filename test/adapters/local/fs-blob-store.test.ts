import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../../adapters/local/fs-blob-store';
import { ErrorName } from '../../../core/errors';
import { curatedPartKey, rawItemsPageKey, rawPlaylistKey } from '../../../core/lake/keys';
import { tempFolder } from '../../support/temp-folders';

const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);

describe('FsBlobStore', () => {
  let root: string;
  let store: FsBlobStore;

  beforeEach(async () => {
    root = await tempFolder('fs-blob-store-');
    store = new FsBlobStore(join(root, 'lake'));
  });

  it('stores strings and bytes and reads them back', async () => {
    // Prepare
    const key = rawPlaylistKey('2026-11-20', 'abc');
    const bytes = new Uint8Array([0, 1, 2, 255]);

    // Act
    await store.put(key, '{"id":"abc"}');
    await store.put('curated/songs/snapshot_date=2026-11-20/part-00000.parquet', bytes);

    // Assess
    expect(text(await store.get(key))).toBe('{"id":"abc"}');
    expect(await store.get('curated/songs/snapshot_date=2026-11-20/part-00000.parquet')).toEqual(bytes);
  });

  it('answers undefined for a key that was never written', async () => {
    expect(await store.get('raw/playlists/snapshot_date=2026-11-20/playlist_id=none/playlist.json')).toBeUndefined();
  });

  it('overwrites a key whole', async () => {
    // Prepare
    const key = rawItemsPageKey('2026-11-20', 'abc', 0);
    await store.put(key, 'a much longer first body');

    // Act
    await store.put(key, 'second');

    // Assess
    expect(text(await store.get(key))).toBe('second');
    expect(await store.list('raw/')).toEqual([key]);
  });

  it('writes into a folder that another process removed after this store last wrote there', async () => {
    // Prepare: the store has written into the date's folders, then another process removes them
    const first = rawItemsPageKey('2026-11-20', 'abc', 0);
    const second = rawItemsPageKey('2026-11-20', 'abc', 50);
    await store.put(first, '{"offset":0}');
    await rm(join(root, 'lake', 'raw'), { recursive: true });
    await rm(join(root, 'lake', '.tmp'), { recursive: true });

    // Act
    await store.put(second, '{"offset":50}');

    // Assess
    expect(text(await store.get(second))).toBe('{"offset":50}');
    expect(await store.list('raw/')).toEqual([second]);
  });

  it('lists every key below a prefix, recursively and sorted', async () => {
    // Prepare
    const keys = [
      rawItemsPageKey('2026-11-20', 'b', 50),
      rawItemsPageKey('2026-11-20', 'a', 0),
      rawItemsPageKey('2026-11-21', 'a', 0),
      rawItemsPageKey('2026-11-20', 'b', 0),
      curatedPartKey('songs', '2026-11-20', 'run-1', 0),
    ];
    for (const key of keys) await store.put(key, key);

    // Act
    const day = await store.list('raw/playlist_items/snapshot_date=2026-11-20/');
    const partial = await store.list('raw/playlist_items/snapshot_date=2026-11-2');
    const everything = await store.list('');

    // Assess
    expect(day).toEqual([
      'raw/playlist_items/snapshot_date=2026-11-20/playlist_id=a/page-000000.json',
      'raw/playlist_items/snapshot_date=2026-11-20/playlist_id=b/page-000000.json',
      'raw/playlist_items/snapshot_date=2026-11-20/playlist_id=b/page-000050.json',
    ]);
    expect(partial).toHaveLength(4);
    expect(everything).toEqual([...keys].sort());
  });

  it('lists nothing below a prefix that does not exist', async () => {
    expect(await store.list('raw/playlists/snapshot_date=2030-01-01/')).toEqual([]);
  });

  it('leaves no temporary file behind after puts, and keeps them out of the partition folders', async () => {
    // Prepare
    const key = curatedPartKey('albums', '2026-11-20', 'run-1', 0);
    await Promise.all([store.put(key, 'one'), store.put(key, 'two'), store.put(key, 'three')]);
    const folder = join(root, 'lake', 'curated', 'albums', 'snapshot_date=2026-11-20', 'run_id=run-1');

    // Act
    const listed = await store.list('curated/');

    // Assess
    expect(listed).toEqual([key]);
    expect(await readdir(folder)).toEqual(['part-00000.parquet']);
    expect(await readdir(join(root, 'lake', '.tmp'))).toEqual([]);
    expect(['one', 'two', 'three']).toContain(text(await store.get(key)));
  });

  it('sweeps the temporary files a killed process left, once they are older than any put takes', async () => {
    // Prepare
    const temp = join(root, 'lake', '.tmp');
    await mkdir(temp, { recursive: true });
    await writeFile(join(temp, '.old.partial'), 'half');
    await writeFile(join(temp, '.fresh.partial'), 'being written');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(temp, '.old.partial'), anHourAgo, anHourAgo);

    // Act
    const removed = await store.sweepTemporaryFiles();

    // Assess
    expect(removed).toBe(1);
    expect(await readdir(temp)).toEqual(['.fresh.partial']);
  });

  it('expires the folders below a prefix in which nothing changed for the time given, as a lifecycle rule would, and keeps the others', async () => {
    // Prepare: three runs' request counts; the second's own folder is old but a date inside it is not.
    const fortyDaysAgo = new Date(Date.now() - 40 * 24 * 3_600_000);
    const runs = ['run_id=old', 'run_id=recent-inside', 'run_id=fresh'];
    for (const run of runs) await store.put(`raw/requests/${run}/snapshot_date=2026-11-20/GetPlaylist.a.w.api-1.token-0.json`, '');
    const folder = (...parts: string[]) => join(root, 'lake', 'raw', 'requests', ...parts);
    for (const path of [folder('run_id=old', 'snapshot_date=2026-11-20'), folder('run_id=old'), folder('run_id=recent-inside')]) await utimes(path, fortyDaysAgo, fortyDaysAgo);

    // Act
    const removed = await store.expireFoldersBelow('raw/requests/', 35 * 24 * 3_600_000);

    // Assess
    expect(removed).toBe(1);
    expect((await store.list('raw/requests/')).map((key) => key.split('/')[2])).toEqual(['run_id=fresh', 'run_id=recent-inside']);
    expect(await store.expireFoldersBelow('raw/nothing-here/', 0)).toBe(0);
  });

  it('does not list hidden state folders such as .state or .catalog', async () => {
    // Prepare
    await mkdir(join(root, 'lake', '.state'), { recursive: true });
    await writeFile(join(root, 'lake', '.state', 'token.json'), '{}');
    await store.put('runs/snapshot_date=2026-11-20/manifest.json', '{}');

    // Act
    const listed = await store.list('');

    // Assess
    expect(listed).toEqual(['runs/snapshot_date=2026-11-20/manifest.json']);
  });

  it('deletes keys, ignores missing ones and removes the folders left empty', async () => {
    // Prepare
    const kept = rawItemsPageKey('2026-11-20', 'a', 0);
    const gone = [rawItemsPageKey('2026-11-20', 'b', 0), rawItemsPageKey('2026-11-20', 'b', 50)];
    for (const key of [kept, ...gone]) await store.put(key, 'x');

    // Act
    await store.delete([...gone, rawItemsPageKey('2026-11-20', 'never', 0)]);

    // Assess
    expect(await store.list('')).toEqual([kept]);
    expect(await readdir(join(root, 'lake', 'raw', 'playlist_items', 'snapshot_date=2026-11-20'))).toEqual([
      'playlist_id=a',
    ]);
  });

  it('removes every folder up to the root when the last key goes, leaving only the empty temporary folder', async () => {
    // Prepare
    const key = curatedPartKey('artists', '2026-11-20', 'run-1', 0);
    await store.put(key, 'x');

    // Act
    await store.delete([key]);

    // Assess
    expect(await readdir(join(root, 'lake'))).toEqual(['.tmp']);
    expect(await readdir(join(root, 'lake', '.tmp'))).toEqual([]);
  });

  it.each([
    ['a parent reference', '../outside.json', 'segment ".."'],
    ['an absolute path', '/etc/passwd', 'absolute'],
    ['an empty key', '', 'empty'],
    ['an empty segment', 'raw//playlist.json', 'segment ""'],
    ['a hidden segment', '.state/credentials.json', 'segment ".state"'],
    ['a backslash', 'raw\\..\\x.json', 'backslash'],
  ])('fails clearly on a key with %s', async (_what, key, problem) => {
    // Act
    const attempts = [store.put(key, 'x'), store.get(key), store.delete([key])];

    // Assess
    for (const attempt of attempts) {
      await expect(attempt).rejects.toMatchObject({
        name: ErrorName.InvalidInput,
        message: expect.stringContaining(problem),
      });
      await expect(attempt).rejects.toThrow(`Invalid lake key ${JSON.stringify(key)}`);
    }
    expect(await readdir(root)).toEqual([]);
  });

  it('fails clearly on a list prefix that climbs out of the lake', async () => {
    await expect(store.list('../')).rejects.toThrow('Invalid lake prefix "../": its segment ".."');
  });

  it('fails with StorageUnavailableError when the folder cannot be written', async () => {
    // Prepare: a file where the lake folder should be
    await writeFile(join(root, 'lake'), 'not a folder');

    // Act
    const attempt = store.put('runs/snapshot_date=2026-11-20/manifest.json', '{}');

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ErrorName.StorageUnavailable,
      message: expect.stringContaining('Could not write lake key "runs/snapshot_date=2026-11-20/manifest.json"'),
    });
  });
});
