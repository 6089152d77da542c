import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInCatalog } from '../../../adapters/spotify/emulator/built-in-catalog';
import { itemsPage, playlistObject, toJsonBytes } from '../../../adapters/spotify/emulator/catalog';
import { parseFaults } from '../../../adapters/spotify/emulator/faults';
import { startEmulator, type RunningEmulator } from '../../../adapters/spotify/emulator/server';
import { InvalidInputError } from '../../../core/errors';
import { emulatorWith } from '../../support/emulator';
import { tempFolder } from '../../support/temp-folders';
import { clientFor, playlistNamed, readWhole } from './support';

type Json = Record<string, unknown>;

const userToken = async (emulator: RunningEmulator, grant: 'refresh_token' | 'client_credentials' = 'refresh_token'): Promise<string> => {
  const { clientId, clientSecret, refreshToken = '' } = emulator.credentials;
  const response = await fetch(`${emulator.accountsBaseUrl}/api/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(grant === 'refresh_token' ? { grant_type: grant, refresh_token: refreshToken } : { grant_type: grant }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
};

const get = async (emulator: RunningEmulator, path: string, token?: string): Promise<{ status: number; body: Json; headers: Headers }> => {
  const response = await fetch(`${emulator.apiBaseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
};

/** Every entry of every playlist the user can read, with its playlist name. */
const everyEntry = async (emulator: RunningEmulator): Promise<{ playlist: string; entry: Json }[]> => {
  const { api } = clientFor(emulator);
  const all: { playlist: string; entry: Json }[] = [];
  for (const id of emulator.playlistIds) {
    const whole = await readWhole(api, id);
    for (const page of whole.pages) for (const entry of page.value.items) all.push({ playlist: whole.playlist.value.name, entry: entry as Json });
  }
  return all;
};

describe('the emulator', () => {
  it('serves the same catalog for the same catalog seed, another one for another catalog seed, and the same whatever the fault seed', async () => {
    // Prepare
    const [a, b, c, d] = await Promise.all([
      emulatorWith({ catalogSeed: 4 }),
      emulatorWith({ catalogSeed: 4, seed: 9 }),
      emulatorWith({ catalogSeed: 5 }),
      emulatorWith({ seed: 9 }),
    ]);
    const pageOf = async (emulator: RunningEmulator) => (await get(emulator, `/playlists/${playlistNamed(emulator, 'Fifty-one')}/items?limit=5&offset=10`, await userToken(emulator))).body.items;
    // Act
    const [pageA, pageB] = [await pageOf(a), await pageOf(b)];
    // Assess
    expect(a.playlistIds).toEqual(b.playlistIds);
    expect(pageA).toEqual(pageB);
    expect(c.playlistIds).not.toEqual(a.playlistIds);
    expect(d.playlistIds).toEqual((await emulatorWith()).playlistIds);
  });

  it('has a dozen readable playlists and one the user does not own, which is not among playlistIds', async () => {
    // Prepare
    const emulator = await emulatorWith();
    // Act
    const denied = emulator.playlists.filter((playlist) => !playlist.readable);
    // Assess
    expect(emulator.playlistIds.length).toBeGreaterThanOrEqual(12);
    expect(denied).toHaveLength(1);
    expect(emulator.playlistIds).not.toContain(denied[0]?.id);
    expect(emulator.playlists.map((playlist) => playlist.total)).toEqual(expect.arrayContaining([0, 1, 49, 50, 51, 250, 1000]));
  });

  it('carries every edge case of the Spotify README §4 in its built-in catalog', async () => {
    // Prepare
    const emulator = await emulatorWith();
    // Act
    const entries = await everyEntry(emulator);
    // Assess
    const items = entries.map(({ entry }) => entry.item as Json | null);
    const tracks = items.filter((item): item is Json => item?.type === 'track');
    const albums = tracks.map((track) => track.album as Json);
    const has = (predicate: (entry: Json, item: Json | null) => boolean) => entries.some(({ entry }) => predicate(entry, entry.item as Json | null));
    expect(has((_entry, item) => item === null)).toBe(true);
    expect(has((entry, item) => entry.is_local === true && item?.id === null && String(item.uri).startsWith('spotify:local:'))).toBe(true);
    expect(has((_entry, item) => item?.type === 'episode' && typeof item.show === 'object')).toBe(true);
    expect(tracks.some((track) => (track.artists as unknown[]).length > 1)).toBe(true);
    expect(albums.some((album) => album.album_type === 'compilation' && (album.artists as Json[])[0]?.name === 'Various Artists')).toBe(true);
    expect(new Set(albums.map((album) => album.release_date_precision))).toEqual(new Set(['day', 'month', 'year', null]));
    expect(tracks.some((track) => track.name === '' && track.duration_ms === 0 && (track.album as Json).release_date === '0000')).toBe(true);
    expect(has((entry) => entry.added_at === '1970-01-01T00:00:00Z' && (entry.added_by as Json).id === '')).toBe(true);
    expect(has((entry) => entry.added_by === null)).toBe(true);
    expect(tracks.some((track) => typeof track.linked_from === 'object')).toBe(true);
    expect(tracks.some((track) => 'popularity' in track) && tracks.some((track) => !('popularity' in track))).toBe(true);
    const duplicated = Object.values(Object.groupBy(entries, ({ playlist }) => playlist)).some((group) => {
      const ids = (group ?? []).map(({ entry }) => (entry.item as Json | null)?.id).filter((id) => typeof id === 'string');
      return new Set(ids).size < ids.length;
    });
    expect(duplicated).toBe(true);
    const names = [...emulator.playlists.map((playlist) => playlist.name), ...tracks.map((track) => String(track.name))];
    for (const odd of [/[^ -~\n]/u, /,/, /"/, /\n/]) expect(names.some((name) => odd.test(name))).toBe(true);
  });

  it('names its generated artists with English plurals: Cities, Skies and Echoes, never Citys or Dreamss', async () => {
    // Prepare
    const emulator = await emulatorWith();
    // Act
    const entries = await everyEntry(emulator);
    // Assess
    const tracks = entries.map(({ entry }) => entry.item as Json | null).filter((item): item is Json => item?.type === 'track');
    const artists = [...new Set(tracks.flatMap((track) => (track.artists as Json[]).map((artist) => String(artist.name))))];
    expect(artists.filter((name) => /(?:ys|ss|Echos)$/.test(name))).toEqual([]);
    expect(artists.filter((name) => / (?:Cities|Skies|Echoes)$/.test(name)).length).toBeGreaterThan(0);
  });

  it('applies the fields filter, with a sub-selection of owner', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const id = playlistNamed(emulator, 'Fifty-one');
    // Act
    const { status, body } = await get(emulator, `/playlists/${id}?fields=id,name,owner(id,display_name),items(total)`, await userToken(emulator));
    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ id, name: 'Fifty-one', owner: { id: 'emulator-user', display_name: 'Émile Émulateur' }, items: { total: 51 } });
  });

  it('fails with 400 and a Web API error for a malformed fields filter', async () => {
    // Prepare
    const emulator = await emulatorWith();
    // Act
    const { status, body } = await get(emulator, `/playlists/${playlistNamed(emulator, 'Just one')}?fields=id,owner(id`, await userToken(emulator));
    // Assess
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { status: 400, message: expect.stringContaining('")" was expected') } });
  });

  it('pages items at any limit from 1 to 50 with href, next, previous and total', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const id = playlistNamed(emulator, 'Fifty-one');
    // Act
    const { body } = await get(emulator, `/playlists/${id}/items?limit=7&offset=14`, await userToken(emulator));
    // Assess
    expect(body).toMatchObject({
      href: `${emulator.apiBaseUrl}/playlists/${id}/items?offset=14&limit=7`,
      next: `${emulator.apiBaseUrl}/playlists/${id}/items?offset=21&limit=7`,
      previous: `${emulator.apiBaseUrl}/playlists/${id}/items?offset=7&limit=7`,
      limit: 7,
      offset: 14,
      total: 51,
    });
    expect(body.items).toHaveLength(7);
  });

  it.each(['0', '51', 'ten'])('fails with 400 for limit=%s', async (limit) => {
    // Prepare
    const emulator = await emulatorWith();
    // Act
    const { status, body } = await get(emulator, `/playlists/${playlistNamed(emulator, 'Just one')}/items?limit=${limit}`, await userToken(emulator));
    // Assess
    expect(status).toBe(400);
    expect(body).toEqual({ error: { status: 400, message: 'Invalid limit' } });
  });

  it('fails with 401 for a missing or unknown token, with the Web API error body', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const path = `/playlists/${playlistNamed(emulator, 'Just one')}`;
    // Act
    const missing = await get(emulator, path);
    const unknown = await get(emulator, path, 'made-up');
    // Assess
    expect(missing).toMatchObject({ status: 401, body: { error: { status: 401, message: 'No token provided' } } });
    expect(unknown).toMatchObject({ status: 401, body: { error: { status: 401, message: 'Invalid access token' } } });
  });

  it('fails with 401 once a token has expired', async () => {
    // Prepare
    const emulator = await emulatorWith({ tokenLifetimeSeconds: 0 });
    const token = await userToken(emulator);
    // Act
    const { status, body } = await get(emulator, `/playlists/${playlistNamed(emulator, 'Just one')}`, token);
    // Assess
    expect(status).toBe(401);
    expect(body).toEqual({ error: { status: 401, message: 'The access token expired' } });
  });

  it('serves a client-credentials token metadata only, and 403 for items, like Spotify since February 2026', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const token = await userToken(emulator, 'client_credentials');
    const id = playlistNamed(emulator, 'Fifty-one');
    // Act
    const metadata = await get(emulator, `/playlists/${id}`, token);
    const items = await get(emulator, `/playlists/${id}/items`, token);
    // Assess
    expect(metadata.body.items).toEqual({ href: `${emulator.apiBaseUrl}/playlists/${id}/items`, total: 51 });
    expect(items).toMatchObject({ status: 403, body: { error: { status: 403 } } });
  });

  it('fails with 404 and the Web API error body for an unknown playlist', async () => {
    // Prepare
    const emulator = await emulatorWith();
    // Act
    const { status, body } = await get(emulator, '/playlists/37i9dQZF1DXcBWIGoYBM5M/items', await userToken(emulator));
    // Assess
    expect(status).toBe(404);
    expect(body).toEqual({ error: { status: 404, message: 'Resource not found' } });
  });

  it('answers 429 with Retry-After once the rolling window is full', async () => {
    // Prepare
    const emulator = await emulatorWith({ rateLimit: { maxRequests: 2, windowSeconds: 30 } });
    const token = await userToken(emulator);
    const path = `/playlists/${playlistNamed(emulator, 'Just one')}`;
    // Act
    const statuses = [(await get(emulator, path, token)).status, (await get(emulator, path, token)).status];
    const limited = await get(emulator, path, token);
    // Assess
    expect(statuses).toEqual([200, 200]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    expect(limited.body).toEqual({ error: { status: 429, message: 'API rate limit exceeded' } });
  });

  it.each([
    ['new', ['item'], ['items']],
    ['dual', ['item', 'track'], ['items', 'tracks']],
    ['legacy', ['track'], ['tracks']],
  ] as const)('serves the %s field names', async (shape, entryKeys, playlistKeys) => {
    // Prepare
    const emulator = await emulatorWith({ shape });
    const token = await userToken(emulator);
    const id = playlistNamed(emulator, 'Just one');
    // Act
    const playlist = (await get(emulator, `/playlists/${id}`, token)).body;
    const page = (await get(emulator, `/playlists/${id}/items`, token)).body;
    // Assess
    const entry = (page.items as Json[])[0] ?? {};
    expect(['item', 'track'].filter((key) => key in entry)).toEqual(entryKeys);
    expect(['items', 'tracks'].filter((key) => key in playlist)).toEqual(playlistKeys);
  });

  it('generates a large synthetic catalog on demand', async () => {
    // Prepare
    const emulator = await emulatorWith({ catalog: { playlists: 100, entriesPerPlaylist: 120 } });
    const token = await userToken(emulator);
    // Act
    const page = (await get(emulator, `/playlists/${emulator.playlistIds[99] ?? ''}/items?offset=100&limit=50`, token)).body;
    // Assess
    expect(emulator.playlistIds).toHaveLength(100);
    expect(page).toMatchObject({ total: 120, offset: 100, next: null });
    expect(page.items).toHaveLength(20);
  });

  it('injects the same faults for the same seed whatever else is requested in between', async () => {
    // Prepare
    const [a, b] = await Promise.all([emulatorWith({ faults: '500=0.5', seed: 8, tokenFaults: false }), emulatorWith({ faults: '500=0.5', seed: 8, tokenFaults: false })]);
    const [tokenA, tokenB] = [await userToken(a), await userToken(b)];
    const paths = Array.from({ length: 12 }, (_, i) => `/playlists/${playlistNamed(a, 'Everything, ever')}/items?offset=${i * 50}&limit=50`);
    // Act
    const statusesA = [];
    for (const path of paths) statusesA.push((await get(a, path, tokenA)).status);
    await get(b, `/playlists/${playlistNamed(b, 'Just one')}`, tokenB);
    const statusesB = [];
    for (const path of paths) statusesB.push((await get(b, path, tokenB)).status);
    // Assess
    expect(statusesA).toEqual(statusesB);
    expect(new Set(statusesA)).toEqual(new Set([200, 500]));
  });

  it('redirects the consent to the loopback redirect URI with a code and the state given', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const url = new URL(`${emulator.accountsBaseUrl}/authorize`);
    url.search = new URLSearchParams({ client_id: emulator.credentials.clientId, response_type: 'code', redirect_uri: 'http://127.0.0.1:8888/callback', state: 'xyz' }).toString();
    // Act
    const response = await fetch(url, { redirect: 'manual' });
    // Assess
    const location = new URL(response.headers.get('location') ?? '');
    expect(response.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:8888/callback');
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('code')).toMatch(/.{16,}/);
  });

  it('fails the consent for a redirect URI on localhost, which Spotify refuses since 2025', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const url = new URL(`${emulator.accountsBaseUrl}/authorize`);
    url.search = new URLSearchParams({ client_id: emulator.credentials.clientId, response_type: 'code', redirect_uri: 'http://localhost:8888/callback' }).toString();
    // Act
    const response = await fetch(url, { redirect: 'manual' });
    // Assess
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Invalid redirect URI');
  });

  it('fails with invalid_client, OAuth-shaped, for a wrong client secret', async () => {
    // Prepare
    const emulator = await emulatorWith();
    // Act
    const response = await fetch(`${emulator.accountsBaseUrl}/api/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${emulator.credentials.clientId}:nope`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'Invalid client' });
  });
});

describe("the emulator's serialiser", () => {
  it('writes the same bytes as JSON.stringify then UTF-8 for every page and playlist object, tracks that recur included', () => {
    // Prepare: both field names, so each track stands twice in every entry, and a date with edits
    const catalog = builtInCatalog({ seed: 3, shape: 'dual', date: '2026-11-20' });
    const bodies = [...catalog.playlists.values()].flatMap((playlist) => [
      playlistObject('http://127.0.0.1:1/v1', playlist, true),
      ...Array.from({ length: Math.ceil(playlist.total / 50) }, (_, page) => itemsPage('http://127.0.0.1:1/v1', playlist, page * 50, 50)),
    ]);

    // Act
    const texts = bodies.map((body) => toJsonBytes(body).toString('utf8'));

    // Assess
    expect(texts).toEqual(bodies.map((body) => JSON.stringify(body)));
    expect(texts.join('')).not.toContain('shared');
  });
});

describe('the emulator on recorded fixtures', () => {
  const realPayloads = join(import.meta.dirname, '../../fixtures/spotify/real');

  it('serves every playlist of the real payloads, re-paged at limit=50, with total equal to the entries held', async () => {
    // Prepare
    const emulator = await emulatorWith({ fixturesDir: realPayloads });
    const { api } = clientFor(emulator);
    // Act
    const totals: Record<string, number> = {};
    for (const id of emulator.playlistIds) {
      const whole = await readWhole(api, id);
      totals[id] = whole.pages.reduce((sum, page) => sum + page.value.items.length, 0);
      expect(whole.pages.every((page) => page.value.total === totals[id])).toBe(true);
    }
    // Assess
    expect(totals).toEqual({
      '1Cp6VQCKf2VL4sP09jN9oX': 1,
      '3toMXYM91T55pKzuysH5Ph': 2,
      '37i9dQZF1DZ06evO25rXbO': 50,
      '23Ay9WfURne0LvtlCvYTkj': 4,
      '5lH9NjOeJvctAO92ZrKQNB': 40,
    });
    // Its albums, artists, tracks, searches, error bodies and headers are other recorded responses: no warning.
    expect(emulator.warnings).toEqual([]);
  });

  it('re-pages recorded entries at a small limit, in the shape they were recorded in', async () => {
    // Prepare
    const emulator = await emulatorWith({ fixturesDir: realPayloads });
    const token = await userToken(emulator);
    // Act
    const page = (await get(emulator, '/playlists/5lH9NjOeJvctAO92ZrKQNB/items?offset=36&limit=3', token)).body;
    const dual = (await get(emulator, '/playlists/1Cp6VQCKf2VL4sP09jN9oX/items', token)).body;
    const minimal = (await get(emulator, '/playlists/5lH9NjOeJvctAO92ZrKQNB?fields=id,name,tracks(total)', token)).body;
    // Assess
    expect(page).toMatchObject({ offset: 36, limit: 3, total: 40 });
    expect((page.items as Json[]).map((entry) => Object.keys(entry).includes('track'))).toEqual([true, true, true]);
    expect(Object.keys((dual.items as Json[])[0] ?? {})).toEqual(expect.arrayContaining(['item', 'track']));
    expect(minimal).toEqual({ id: '5lH9NjOeJvctAO92ZrKQNB', name: '5lH9NjOeJvctAO92ZrKQNB', tracks: { total: 40 } });
  });

  it('merges the pages of one playlist by offset, found recursively, and warns about other files', async () => {
    // Prepare
    const dir = await tempFolder('fixtures-');
    await mkdir(join(dir, 'deeper'));
    const entry = (n: number) => ({ added_at: '2024-01-01T00:00:00Z', track: { type: 'track', id: `t${n}`, name: `T${n}`, duration_ms: 1, uri: `spotify:track:t${n}` } });
    const href = (offset: number) => `https://api.spotify.com/v1/playlists/pl1/tracks?offset=${offset}&limit=2`;
    await writeFile(join(dir, 'b.json'), JSON.stringify({ href: href(2), items: [entry(2), entry(3)], limit: 2, offset: 2, total: 9 }));
    await writeFile(join(dir, 'deeper', 'a.json'), JSON.stringify({ href: href(0), items: [entry(0), entry(1)], limit: 2, offset: 0, total: 9 }));
    await writeFile(join(dir, 'notes.json'), '{"hello": "world"}');
    await writeFile(join(dir, 'broken.json'), '{');
    await writeFile(join(dir, 'readme.txt'), 'not json at all');
    const emulator = await emulatorWith({ fixturesDir: dir });
    const { api } = clientFor(emulator);
    // Act
    const whole = await readWhole(api, 'pl1', 3);
    // Assess
    expect(emulator.playlistIds).toEqual(['pl1']);
    expect(whole.pages.flatMap((page) => page.value.items.map((item) => ((item as Json).track as Json).id))).toEqual(['t0', 't1', 't2', 't3']);
    expect(whole.playlist.value).toMatchObject({ id: 'pl1', name: 'pl1', tracks: { total: 4 } });
    expect(emulator.warnings).toEqual([
      'broken.json: ignored, not valid JSON',
      'notes.json: ignored, neither a playlist object nor a playlist-items page',
    ]);
  });

  it("skips another endpoint's recorded response without a word, and still warns about a JSON file that is none", async () => {
    // Prepare: a playlist page beside an album, an album's tracks page, a search, an error body, recorded headers and a stray file
    const dir = await tempFolder('fixtures-');
    const api = 'https://api.spotify.com/v1';
    const page = (href: string) => ({ href, items: [], limit: 50, offset: 0, total: 0, next: null, previous: null });
    await writeFile(join(dir, 'page.json'), JSON.stringify(page(`${api}/playlists/pl1/items?offset=0&limit=50`)));
    await writeFile(join(dir, 'album.json'), JSON.stringify({ id: 'al1', type: 'album', href: `${api}/albums/al1`, name: 'A' }));
    await writeFile(join(dir, 'album-tracks.json'), JSON.stringify(page(`${api}/albums/al1/tracks?offset=0&limit=50`)));
    await writeFile(join(dir, 'search.json'), JSON.stringify({ playlists: page(`${api}/search?q=x&type=playlist`) }));
    await writeFile(join(dir, 'error.json'), JSON.stringify({ error: { status: 404, message: 'Resource not found' } }));
    await writeFile(join(dir, 'headers.json'), JSON.stringify({ request_uri: `${api}/playlists/pl1/tracks`, status: { code: 200 }, response_headers: {} }));
    await writeFile(join(dir, 'stray.json'), JSON.stringify({ href: `${api}/playlists/pl1`, name: 'a playlist without its items' }));
    // Act
    const emulator = await emulatorWith({ fixturesDir: dir });
    // Assess
    expect(emulator.playlistIds).toEqual(['pl1']);
    expect(emulator.warnings).toEqual(['stray.json: ignored, neither a playlist object nor a playlist-items page']);
  });

  it('fails with InvalidInputError for a fixtures folder that does not exist', async () => {
    // Act
    const error = await startEmulator({ fixturesDir: '/nonexistent/fixtures' }).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain('--fixtures /nonexistent/fixtures: no such folder');
  });

  it('fails with InvalidInputError for a fixtures folder without any playlist', async () => {
    // Prepare
    const dir = await tempFolder('fixtures-');
    await writeFile(join(dir, 'album.json'), JSON.stringify({ id: 'a', type: 'album', tracks: { items: [], total: 0 } }));
    // Act
    const error = await startEmulator({ fixturesDir: dir }).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain('no playlist object or playlist-items page among 1 JSON file(s)');
  });
});

describe('parseFaults', () => {
  it('reads kinds with probabilities and the Retry-After of injected 429s', () => {
    // Act
    const spec = parseFaults('429=0.1, reset=0.05,retry-after=3');
    // Assess
    expect(spec).toEqual({ probabilities: { '429': 0.1, reset: 0.05 }, retryAfterSeconds: 3 });
  });

  it.each([
    ['boom=0.1', 'unknown fault kind "boom"'],
    ['500=2', 'a decimal from 0 to 1, got "2"'],
    ['429=0x1', 'a decimal from 0 to 1, got "0x1"'],
    ['429=1e-1', 'a decimal from 0 to 1, got "1e-1"'],
    ['500=0.6,503=0.6', 'add up to 1.2'],
    ['500', '"500" is not kind=number'],
    ['retry-after=1.5', 'whole seconds'],
  ])('fails with InvalidInputError for %s', (spec, message) => {
    // Act
    const act = () => parseFaults(spec);
    // Assess
    expect(act).toThrow(InvalidInputError);
    expect(act).toThrow(message);
  });
});
