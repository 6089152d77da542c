import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../../adapters/aws/s3-blob-store';
import { StorageUnavailableError } from '../../../core/errors';
import { curatedPartKey, rawItemsPageKey, rawPlaylistKey } from '../../../core/lake/keys';
import { startS3rver, type RunningS3rver } from './s3rver';

describe('S3BlobStore against s3rver over HTTP', () => {
  let s3rver: RunningS3rver;
  let store: S3BlobStore;

  beforeAll(async () => {
    s3rver = await startS3rver();
    store = new S3BlobStore(s3rver.client(), s3rver.bucket, { maxKeys: 3 });
  });
  afterAll(async () => {
    await s3rver.close();
  });

  it('reads back the bytes and text it put', async () => {
    // Prepare
    const parquetKey = curatedPartKey('songs', '2026-11-20', 'run-1', 0);
    const bytes = Uint8Array.from([0x50, 0x41, 0x52, 0x31, 0, 255, 7]);
    const jsonKey = rawPlaylistKey('2026-11-20', 'pl1');
    // Act
    await store.put(parquetKey, bytes);
    await store.put(jsonKey, '{"name":"Café ☕"}');
    // Assess
    expect(await store.get(parquetKey)).toEqual(bytes);
    expect(new TextDecoder().decode(await store.get(jsonKey))).toBe('{"name":"Café ☕"}');
  });

  it('returns undefined for a key that does not exist', async () => {
    // Act
    const body = await store.get('raw/playlists/snapshot_date=1999-01-01/playlist_id=none/playlist.json');
    // Assess
    expect(body).toBeUndefined();
  });

  it('overwrites an object, so a rerun replaces the day instead of duplicating it', async () => {
    // Prepare
    const key = rawItemsPageKey('2026-11-21', 'pl1', 0);
    await store.put(key, 'first');
    // Act
    await store.put(key, 'second');
    // Assess
    expect(new TextDecoder().decode(await store.get(key))).toBe('second');
    expect(await store.list('raw/playlist_items/snapshot_date=2026-11-21/')).toEqual([key]);
  });

  it('lists every key below a prefix across truncated pages, sorted, and nothing outside it', async () => {
    // Prepare: 8 keys with MaxKeys 3 makes three ListObjectsV2 pages.
    const inside = [250, 0, 100, 50, 300, 150, 350, 200].map((offset) => rawItemsPageKey('2026-11-22', 'big', offset));
    const outside = [rawItemsPageKey('2026-11-22', 'other', 0), rawItemsPageKey('2026-11-23', 'big', 0)];
    await Promise.all([...inside, ...outside].map((key) => store.put(key, '{}')));
    const client = s3rver.client();
    let listCalls = 0;
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'ListObjectsV2Command') listCalls += 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    const paged = new S3BlobStore(client, s3rver.bucket, { maxKeys: 3 });
    // Act
    const listed = await paged.list('raw/playlist_items/snapshot_date=2026-11-22/playlist_id=big/');
    // Assess
    expect(listed).toEqual([...inside].sort());
    expect(listCalls).toBe(3);
  });

  it('deletes the given keys, in several batches, and ignores keys that do not exist', async () => {
    // Prepare
    const keys = Array.from({ length: 1003 }, (_, i) => curatedPartKey('artists', '2026-11-24', 'run-1', i));
    const kept = curatedPartKey('artists', '2026-11-25', 'run-1', 0);
    for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((key) => store.put(key, 'x')));
    await store.put(kept, 'x');
    // Act
    await store.delete([...keys, curatedPartKey('artists', '2026-11-24', 'run-1', 99_999)]);
    // Assess
    expect(await store.list('curated/artists/')).toEqual([kept]);
  });

  it('does nothing when asked to delete no keys', async () => {
    // Act / Assess
    await expect(store.delete([])).resolves.toBeUndefined();
  });

  it('fails with StorageUnavailableError naming the bucket and key when S3 does not answer', async () => {
    // Prepare: a port nothing listens on, and no SDK retries so the test stays fast.
    const unreachable = new S3Client({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const offline = new S3BlobStore(unreachable, 'lake');
    // Act
    const failure = offline.get('runs/snapshot_date=2026-11-20/manifest.json');
    // Assess
    await expect(failure).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(failure).rejects.toThrow('s3://lake/runs/snapshot_date=2026-11-20/manifest.json');
    unreachable.destroy();
  });

  it('fails with a message naming the bucket when the bucket does not exist, without calling it transient', async () => {
    // Prepare
    const missing = new S3BlobStore(s3rver.client(), 'no-such-bucket');
    // Act
    const failure = missing.put('raw/x.json', '{}');
    // Assess
    await expect(failure).rejects.toThrow(/s3:\/\/no-such-bucket\/raw\/x\.json failed: NoSuchBucket/);
    await expect(failure).rejects.not.toBeInstanceOf(StorageUnavailableError);
  });
});
