import { describe, expect, it } from 'vitest';
import { PlaylistChangedError, SpotifyRateLimitedError } from '../../../core/errors';
import { addDays } from '../../../core/dates';
import { historyScopeOf, lastPublishedSnapshot, previousSnapshots } from '../../../core/history';
import { rawItemsPageKey, rawItemsPrefix, rawPlaylistKey, runManifestKey } from '../../../core/lake/keys';
import { buildAttempt, PublishedSnapshots, withAttempt } from '../../../core/lake/manifest';
import { decodeManifest, findManifest, writeManifest } from '../../../core/manifests';
import { runExtractItems } from '../../../steps/extract-items/step';
import { runGetPlaylist } from '../../../steps/get-playlist/step';
import { FakeSpotify, MemoryBlobStore } from './fakes';

const id = '1Cp6VQCKf2VL4sP09jN9oX';
const yesterday = '2026-11-19';
const today = '2026-11-20';

/** A lake where `date` published playlist `id` as `snapshotId`, with its raw snapshot landed. */
const publishedLake = async (date: string, snapshotId: string): Promise<MemoryBlobStore> => {
  const store = new MemoryBlobStore();
  const spotify = new FakeSpotify({ [id]: 70 });
  const metadata = await spotify.getPlaylist(id);
  await store.put(rawPlaylistKey(date, id), Buffer.from(metadata.body).toString().replace('"snap-1"', JSON.stringify(snapshotId)));
  await store.put(rawItemsPageKey(date, id, 0), (await spotify.getItemsPage(id, 0, 50)).body);
  await store.put(rawItemsPageKey(date, id, 50), (await spotify.getItemsPage(id, 50, 50)).body);
  const attempt = buildAttempt({ executionName: 'exec-0', status: 'succeeded', mode: 'scheduled', extractedAt: null, updatedAt: `${date}T06:00:00.000Z` });
  attempt.playlists.push({ playlistId: id, snapshotId, totalItems: 70, rows: 70, rejects: 0, lostEntries: 0 });
  await writeManifest(store, withAttempt(date, undefined, attempt));
  return store;
};

describe('GetPlaylist against the last published snapshot', () => {
  it('carries an unchanged playlist over byte for byte with its one metadata request and reads no page', async () => {
    // Prepare
    const store = await publishedLake(yesterday, 'snap-1');
    const spotify = new FakeSpotify({ [id]: 70 });
    // Act
    const output = await runGetPlaylist({ spotify, store })({ date: today, playlistId: id });
    // Assess
    expect(output).toEqual({ date: today, playlistId: id, snapshotId: 'snap-1', carriedFrom: yesterday });
    expect(spotify.requests).toEqual([`playlist ${id}`]);
    expect(store.text(rawPlaylistKey(today, id))).toBe(store.text(rawPlaylistKey(yesterday, id)));
    expect((await store.list(rawItemsPrefix(today, id))).map((key) => key.slice(-16))).toEqual(['page-000000.json', 'page-000050.json']);
    expect(store.text(rawItemsPageKey(today, id, 50))).toBe(store.text(rawItemsPageKey(yesterday, id, 50)));
  });

  it('leaves no playlist.json over part of the pages when the copy of a carry-over is interrupted', async () => {
    // Prepare: today read once already (its playlist.json and pages), then a copy that fails at its second page.
    const store = await publishedLake(yesterday, 'snap-1');
    for (const key of await store.list(`raw/playlists/snapshot_date=${yesterday}/`)) await store.put(key.replace(yesterday, today), store.text(key) ?? '');
    await store.put(rawItemsPageKey(today, id, 0), 'a page of the earlier read of today');
    const put = store.put.bind(store);
    store.put = async (key, body) => {
      if (key === rawItemsPageKey(today, id, 50)) throw new Error('the disk is full');
      return put(key, body);
    };
    // Act
    const carrying = runGetPlaylist({ spotify: new FakeSpotify({ [id]: 70 }), store })({ date: today, playlistId: id });
    // Assess
    await expect(carrying).rejects.toThrow('the disk is full');
    expect(store.text(rawPlaylistKey(today, id))).toBeUndefined();
  });

  it.each([
    ['removes its raw (a read of it begins)', async (store: MemoryBlobStore) => store.delete([rawPlaylistKey(yesterday, id), ...(await store.list(rawItemsPrefix(yesterday, id)))])],
    ['replaces its playlist.json with another snapshot', (store: MemoryBlobStore) => store.put(rawPlaylistKey(yesterday, id), store.text(rawPlaylistKey(yesterday, id))?.replace('"snap-1"', '"snap-2"') ?? '')],
  ])('reads the playlist from Spotify when a rerun of the date it would carry over from %s during the copy', async (_what, rerun) => {
    // Prepare: the rerun of yesterday strikes once the copy has read yesterday's first page.
    const store = await publishedLake(yesterday, 'snap-1');
    const get = store.get.bind(store);
    let struck = false;
    store.get = async (key) => {
      const body = await get(key);
      if (key === rawItemsPageKey(yesterday, id, 0) && !struck) {
        struck = true;
        await rerun(store);
      }
      return body;
    };
    // Act
    const output = await runGetPlaylist({ spotify: new FakeSpotify({ [id]: 70 }), store })({ date: today, playlistId: id });
    // Assess: a read opens, over no playlist.json of today's.
    expect(struck).toBe(true);
    expect(output).toMatchObject({ snapshotId: 'snap-1', cursor: { offset: 0, total: 70 } });
    expect(store.text(rawPlaylistKey(today, id))).toBeUndefined();
  });

  it('reads the playlist from Spotify when a rerun of the date it would carry over from lands the same snapshot again under the copy', async () => {
    // Prepare: the rerun has cleared yesterday's pages and landed the first when the copy lists
    // them, and lands the rest and playlist.json again while the copy reads the first.
    const store = await publishedLake(yesterday, 'snap-1');
    const lastPage = store.text(rawItemsPageKey(yesterday, id, 50)) ?? '';
    const get = store.get.bind(store);
    let step = 0;
    store.get = async (key) => {
      const body = await get(key);
      if (key === rawPlaylistKey(yesterday, id) && step === 0) {
        step = 1;
        await store.delete([rawItemsPageKey(yesterday, id, 50)]);
      } else if (key === rawItemsPageKey(yesterday, id, 0) && step === 1) {
        step = 2;
        await store.put(rawItemsPageKey(yesterday, id, 50), lastPage);
      }
      return body;
    };
    // Act
    const output = await runGetPlaylist({ spotify: new FakeSpotify({ [id]: 70 }), store })({ date: today, playlistId: id });
    // Assess
    expect(step).toBe(2);
    expect(output).toMatchObject({ cursor: { offset: 0, total: 70 } });
    expect(store.text(rawPlaylistKey(today, id))).toBeUndefined();
  });

  it('walks back past dates that did not publish the playlist to the last one that did', async () => {
    // Prepare
    const store = await publishedLake('2026-11-15', 'snap-1');
    const spotify = new FakeSpotify({ [id]: 70 });
    // Act
    const output = await runGetPlaylist({ spotify, store })({ date: today, playlistId: id });
    // Assess
    expect(output).toMatchObject({ carriedFrom: '2026-11-15' });
  });

  it('opens a read when the snapshot id differs from the published one', async () => {
    // Prepare
    const store = await publishedLake(yesterday, 'snap-0');
    const spotify = new FakeSpotify({ [id]: 70 });
    // Act
    const output = await runGetPlaylist({ spotify, store })({ date: today, playlistId: id });
    // Assess
    expect(output).toEqual({ date: today, playlistId: id, snapshotId: 'snap-1', cursor: { offset: 0, total: 70 } });
    expect(await store.list(rawItemsPrefix(today, id))).toEqual([]);
  });

  it('opens a read of an unchanged playlist when the run asks for a full read', async () => {
    // Prepare
    const store = await publishedLake(yesterday, 'snap-1');
    const spotify = new FakeSpotify({ [id]: 70 });
    // Act
    const output = await runGetPlaylist({ spotify, store })({ date: today, playlistId: id, full: true });
    // Assess
    expect(output).toMatchObject({ snapshotId: 'snap-1', cursor: { offset: 0, total: 70 } });
  });

  it('opens a read when the published snapshot id is not the one in that date\'s raw playlist object', async () => {
    // Prepare: a later failed attempt rewrote yesterday's raw with another version.
    const store = await publishedLake(yesterday, 'snap-1');
    await store.put(rawPlaylistKey(yesterday, id), (store.text(rawPlaylistKey(yesterday, id)) ?? '').replace('"snap-1"', '"snap-9"'));
    // Act
    const output = await runGetPlaylist({ spotify: new FakeSpotify({ [id]: 70 }), store })({ date: today, playlistId: id });
    // Assess
    expect(output).toMatchObject({ cursor: { offset: 0, total: 70 } });
  });
});

/** A store that records the keys it reads and the prefixes it lists, as S3 bills them. */
class CountingStore extends MemoryBlobStore {
  public readonly gets: string[] = [];
  public readonly lists: string[] = [];

  public override async get(key: string): Promise<Uint8Array | undefined> {
    this.gets.push(key);
    return super.get(key);
  }

  public override async list(prefix: string): Promise<string[]> {
    this.lists.push(prefix);
    return super.list(prefix);
  }

  /** The manifests read, and the listings of manifests. */
  public manifestRequests(): { gets: string[]; lists: string[] } {
    return { gets: this.gets.filter((key) => key.startsWith('runs/')), lists: this.lists.filter((prefix) => prefix.startsWith('runs/')) };
  }
}

/** Publishes, on `date`, a run that lists `playlists` (id and snapshot id). */
const publish = async (store: MemoryBlobStore, date: string, playlists: Record<string, string>): Promise<void> => {
  const attempt = buildAttempt({ executionName: `exec-${date}`, status: 'succeeded', mode: 'scheduled', extractedAt: null, updatedAt: `${date}T06:00:00.000Z` });
  for (const [playlistId, snapshotId] of Object.entries(playlists)) {
    attempt.playlists.push({ playlistId, snapshotId, totalItems: 70, rows: 70, rejects: 0, lostEntries: 0 });
  }
  await writeManifest(store, withAttempt(date, undefined, attempt));
};

const other = '5Rrf7mqN8uus2AaQQQNdc1';

describe('GetPlaylist looks up the last published snapshot while Spotify answers', () => {
  it('reads the lake before the metadata request has answered', async () => {
    // Prepare: Spotify answers only once the lookup has read the day before's manifest
    const store = await publishedLake(yesterday, 'snap-1');
    let manifestRead: () => void = () => undefined;
    const lookupStarted = new Promise<void>((resolve) => {
      manifestRead = resolve;
    });
    const get = store.get.bind(store);
    store.get = async (key) => {
      if (key === runManifestKey(yesterday)) manifestRead();
      return get(key);
    };
    const fake = new FakeSpotify({ [id]: 70 });
    const spotify = {
      getPlaylist: async (playlistId: string) => {
        await lookupStarted;
        return fake.getPlaylist(playlistId);
      },
      getItemsPage: fake.getItemsPage.bind(fake),
    };
    // Act
    const output = await runGetPlaylist({ spotify, store })({ date: today, playlistId: id });
    // Assess
    expect(output).toMatchObject({ carriedFrom: yesterday });
  });

  it('answers a rate-limited metadata request with its wait even when the lake cannot be read', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    store.get = async () => {
      throw new Error('the lake is gone');
    };
    const fake = new FakeSpotify({ [id]: 70 });
    const spotify = {
      getPlaylist: async () => {
        throw new SpotifyRateLimitedError('Spotify rate-limited reading the playlist', 3);
      },
      getItemsPage: fake.getItemsPage.bind(fake),
    };
    // Act
    const output = await runGetPlaylist({ spotify, store })({ date: today, playlistId: id });
    // Assess
    expect(output).toEqual({ date: today, playlistId: id, waitSeconds: 3, rateLimitWaits: 1 });
  });
});

describe('Finding the last published snapshot costs a few lake requests per playlist', () => {
  it('reads one manifest and lists once on a lake with no earlier run', async () => {
    // Prepare
    const store = new CountingStore();
    // Act
    const output = await runGetPlaylist({ spotify: new FakeSpotify({ [id]: 70 }), store })({ date: today, playlistId: id });
    // Assess
    expect(output).toMatchObject({ cursor: { offset: 0, total: 70 } });
    expect(store.manifestRequests()).toEqual({ gets: [runManifestKey(yesterday)], lists: ['runs/snapshot_date=2026'] });
    expect(store.gets).toEqual([runManifestKey(yesterday)]);
  });

  it('reads only the day before on a lake of 60 daily dates that all published the playlist, and lists nothing', async () => {
    // Prepare
    const store = await publishedLake(yesterday, 'snap-1');
    for (let back = 2; back <= 60; back += 1) await publish(store, addDays(today, -back), { [id]: 'snap-1' });
    const counting = new CountingStore();
    for (const [key, body] of store.objects) counting.objects.set(key, body);
    // Act
    const output = await runGetPlaylist({ spotify: new FakeSpotify({ [id]: 70 }), store: counting })({ date: today, playlistId: id });
    // Assess
    expect(output).toMatchObject({ carriedFrom: yesterday });
    expect(counting.manifestRequests()).toEqual({ gets: [runManifestKey(yesterday)], lists: [] });
  });

  it('reads only the dates of the window that have a manifest, latest first, until one published the playlist', async () => {
    // Prepare: runs every third day publish another playlist; the playlist was last published on the 8th.
    const store = new CountingStore();
    for (const date of ['2026-11-19', '2026-11-16', '2026-11-13', '2026-11-10']) await publish(store, date, { [other]: 'snap-7' });
    await publish(store, '2026-11-08', { [id]: 'snap-3', [other]: 'snap-7' });
    await publish(store, '2026-11-02', { [id]: 'snap-2' });
    // Act
    const found = await lastPublishedSnapshot(store, today, id);
    // Assess
    expect(found).toEqual({ date: '2026-11-08', snapshotId: 'snap-3' });
    expect(store.manifestRequests()).toEqual({
      gets: ['2026-11-19', '2026-11-16', '2026-11-13', '2026-11-10', '2026-11-08'].map(runManifestKey),
      lists: ['runs/snapshot_date=2026'],
    });
  });

  it('finds a snapshot published 31 dates back but not 32, and lists both years of a window that crosses one', async () => {
    // Prepare
    const store = new CountingStore();
    await publish(store, '2026-12-10', { [id]: 'snap-31' });
    await publish(store, '2026-12-09', { [other]: 'snap-32' });
    // Act
    const within = await lastPublishedSnapshot(store, '2027-01-10', id);
    const beyond = await lastPublishedSnapshot(store, '2027-01-10', other);
    // Assess
    expect(within).toEqual({ date: '2026-12-10', snapshotId: 'snap-31' });
    expect(beyond).toBeUndefined();
    expect(store.lists).toEqual(['runs/snapshot_date=2026', 'runs/snapshot_date=2027', 'runs/snapshot_date=2026', 'runs/snapshot_date=2027']);
  });
});

describe('The lookup never answers from a manifest older than the one in the lake', () => {
  it('finds the snapshot id of a day before republished since the last lookup in the same process', async () => {
    // Prepare: the same length of manifest, one snapshot id changed
    const store = new MemoryBlobStore();
    await publish(store, yesterday, { [id]: 'snap-1', [other]: 'snap-7' });
    const before = await lastPublishedSnapshot(store, today, id);
    await publish(store, yesterday, { [id]: 'snap-2', [other]: 'snap-7' });
    // Act
    const after = await lastPublishedSnapshot(store, today, id);
    // Assess
    expect(before).toEqual({ date: yesterday, snapshotId: 'snap-1' });
    expect(after).toEqual({ date: yesterday, snapshotId: 'snap-2' });
  });

  it('finds the republished snapshot id when the store hands out bytes at an odd offset of their buffer', async () => {
    // Prepare: a store whose bodies start one byte into their buffer, as a pooled Buffer may
    const store = new MemoryBlobStore();
    const get = store.get.bind(store);
    store.get = async (key) => {
      const body = await get(key);
      if (body === undefined) return undefined;
      const padded = new Uint8Array(body.byteLength + 1);
      padded.set(body, 1);
      return padded.subarray(1);
    };
    await publish(store, yesterday, { [id]: 'snap-1' });
    const before = await lastPublishedSnapshot(store, today, id);
    await publish(store, yesterday, { [id]: 'snap-2' });
    // Act
    const after = await lastPublishedSnapshot(store, today, id);
    // Assess
    expect([before?.snapshotId, after?.snapshotId]).toEqual(['snap-1', 'snap-2']);
  });

  it('answers each lake from its own manifest of the same date', async () => {
    // Prepare
    const first = new MemoryBlobStore();
    const second = new MemoryBlobStore();
    await publish(first, yesterday, { [id]: 'snap-1' });
    await publish(second, yesterday, { [id]: 'snap-2' });
    // Act
    const found = [await lastPublishedSnapshot(first, today, id), await lastPublishedSnapshot(second, today, id), await lastPublishedSnapshot(first, today, id)];
    // Assess
    expect(found.map((snapshot) => snapshot?.snapshotId)).toEqual(['snap-1', 'snap-2', 'snap-1']);
  });

  it('passes over a day before whose published snapshot id is damaged, and reads it once it is rewritten whole', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    await publish(store, '2026-11-15', { [id]: 'snap-1' });
    await publish(store, yesterday, { [id]: 'snap-2' });
    const whole = store.text(runManifestKey(yesterday)) ?? '';
    await store.put(runManifestKey(yesterday), whole.replaceAll('"snapshotId":"snap-2"', '"snapshotId":7'));
    // Act
    const damaged = await lastPublishedSnapshot(store, today, id);
    await store.put(runManifestKey(yesterday), whole);
    const repaired = await lastPublishedSnapshot(store, today, id);
    // Assess
    expect(damaged).toEqual({ date: '2026-11-15', snapshotId: 'snap-1' });
    expect(repaired).toEqual({ date: yesterday, snapshotId: 'snap-2' });
  });

  it('names a damaged snapshot id in the words of the whole manifest\'s decoding', async () => {
    const store = new MemoryBlobStore();
    await publish(store, yesterday, { [id]: 'snap-2' });
    // Prepare: the published run's copy damaged (the first one written), not the last attempt's
    const body = new TextEncoder().encode((store.text(runManifestKey(yesterday)) ?? '').replace('"snapshotId":"snap-2"', '"snapshotId":7'));
    await store.put(runManifestKey(yesterday), body);
    // Act
    const light = decodeManifest(runManifestKey(yesterday), body, PublishedSnapshots);
    const whole = await findManifest(store, yesterday);
    // Assess
    expect(light).toEqual(whole);
    expect(light).toMatchObject({ state: 'damaged', problem: expect.stringContaining('$.published.playlists[0].snapshotId: expected string | null, got number') });
  });
});

describe('ExtractItems reads the snapshot id again after the last page', () => {
  it('finishes the read with one more metadata request when the id is unchanged, and only then lands playlist.json, as that request returned it', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    const spotify = new FakeSpotify({ [id]: 70 });
    // Act
    const output = await runExtractItems({ spotify, store, pageSize: 50, maxPages: 10 })({ date: today, playlistId: id, cursor: { offset: 0, total: 70 }, snapshotId: 'snap-1' });
    // Assess
    expect(output).toMatchObject({ done: true, pagesStored: 2, snapshotId: 'snap-1' });
    expect(spotify.requests).toEqual([`items ${id} 0`, `items ${id} 50`, `playlist ${id}`]);
    expect(store.text(rawPlaylistKey(today, id))).toBe(Buffer.from((await spotify.getPlaylist(id)).body).toString());
  });

  it('lands no playlist.json while a page is still to come: a read that fails there leaves none over part of the pages', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    // Act
    const output = await runExtractItems({ spotify: new FakeSpotify({ [id]: 70 }), store, pageSize: 50, maxPages: 1 })({ date: today, playlistId: id, cursor: { offset: 0, total: 70 }, snapshotId: 'snap-1' });
    // Assess
    expect(output).toMatchObject({ done: false, pagesStored: 1 });
    expect(store.text(rawPlaylistKey(today, id))).toBeUndefined();
  });

  it('restarts the read with PlaylistChangedError when the playlist was edited while paged, keeping its count, landing no playlist.json', async () => {
    // Prepare
    const spotify = new FakeSpotify({ [id]: 70 });
    const store = new MemoryBlobStore();
    // Act
    const read = runExtractItems({ spotify, store, pageSize: 50, maxPages: 10 })({ date: today, playlistId: id, cursor: { offset: 0, total: 70 }, snapshotId: 'snap-0' });
    // Assess
    await expect(read).rejects.toBeInstanceOf(PlaylistChangedError);
    expect(store.text(rawPlaylistKey(today, id))).toBeUndefined();
  });

  it('hands a Retry-After on the second read to the machine, then reads only the snapshot id', async () => {
    // Prepare
    const spotify = new FakeSpotify({ [id]: 70 });
    const getPlaylist = spotify.getPlaylist.bind(spotify);
    let limited = false;
    spotify.getPlaylist = async (playlistId) => {
      if (!limited) {
        limited = true;
        throw new SpotifyRateLimitedError('429 with Retry-After 3', 3);
      }
      return getPlaylist(playlistId);
    };
    const extract = runExtractItems({ spotify, store: new MemoryBlobStore(), pageSize: 50, maxPages: 10 });
    // Act
    const first = await extract({ date: today, playlistId: id, cursor: { offset: 0, total: 70 }, snapshotId: 'snap-1' });
    const second = await extract({ date: today, playlistId: id, cursor: first.cursor, snapshotId: 'snap-1' });
    // Assess
    expect(first).toMatchObject({ done: false, waitSeconds: 3, cursor: { offset: 70, total: 70, pagesRead: true, rateLimitWaits: 1 } });
    expect(second).toMatchObject({ done: true, pagesStored: 0 });
    expect(spotify.requests.filter((request) => request.startsWith('items'))).toHaveLength(2);
  });
});

describe('the previous snapshot a date is compared with', () => {
  it('is an earlier date only where it published the playlist or the same run writes it, so the published changes add up', async () => {
    // Prepare: the playlist read completely on 11-15 (published) and on 11-19, which no run published.
    const store = await publishedLake('2026-11-15', 'snap-1');
    for (const key of await store.list('raw/')) if (key.includes('snapshot_date=2026-11-15')) await store.put(key.replace('2026-11-15', yesterday), store.text(key) ?? '');
    // Act
    const daily = await previousSnapshots(store, today, [id], historyScopeOf(today, new Set([today]), false));
    const backfill = await previousSnapshots(store, today, [id], historyScopeOf(today, new Set([yesterday, today]), true));
    // Assess: a daily run passes over the unpublished 11-19; a backfill publishing it with today compares with it.
    expect(daily.get(id)).toEqual({ date: '2026-11-15', published: { runId: 'exec-0', snapshotId: 'snap-1', rows: 70 } });
    expect(backfill.get(id)).toEqual({ date: yesterday });
  });

  it('is a published date whatever its raw holds now, as its published rows say what readers saw', async () => {
    // Prepare: 11-15 published the playlist; a failed rerun of it since cut its raw.
    const store = await publishedLake('2026-11-15', 'snap-1');
    await store.delete([rawPlaylistKey('2026-11-15', id)]);
    // Act
    const daily = await previousSnapshots(store, today, [id], historyScopeOf(today, new Set([today]), false));
    // Assess
    expect(daily.get(id)).toEqual({ date: '2026-11-15', published: { runId: 'exec-0', snapshotId: 'snap-1', rows: 70 } });
  });

  it("is not a date of the same backfill whose published run left the playlist out, when the backfill rebuilds each date's own playlists", async () => {
    // Prepare: 11-19 landed the playlist, but its published run lists only another one.
    const store = await publishedLake('2026-11-15', 'snap-1');
    for (const key of await store.list('raw/')) if (key.includes('snapshot_date=2026-11-15')) await store.put(key.replace('2026-11-15', yesterday), store.text(key) ?? '');
    const attempt = buildAttempt({ executionName: 'exec-9', status: 'succeeded', mode: 'manual', extractedAt: null, updatedAt: `${yesterday}T06:00:00.000Z` });
    attempt.playlists.push({ playlistId: '3toMXYM91T55pKzuysH5Ph', snapshotId: 'snap-7', totalItems: 1, rows: 1, rejects: 0, lostEntries: 0 });
    await writeManifest(store, withAttempt(yesterday, undefined, attempt));
    const runDates = new Set([yesterday, today]);
    // Act
    const ownPlaylists = await previousSnapshots(store, today, [id], historyScopeOf(today, runDates, true));
    const named = await previousSnapshots(store, today, [id], historyScopeOf(today, runDates, false));
    // Assess: rebuilt as published, 11-19 will not hold it; a backfill naming it publishes it on 11-19 too.
    expect(ownPlaylists.get(id)?.date).toBe('2026-11-15');
    expect(named.get(id)).toEqual({ date: yesterday });
  });
});
