import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpSpotifyApi } from '../../adapters/spotify/http-spotify-api';
import { MemoryTokenCache } from '../adapters/spotify/support';
import { problemsOf, schemas } from './spotify-openapi';

type Json = Record<string, unknown>;

const dir = new URL('../fixtures/spotify/real/', import.meta.url);
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') }))
  .map((file) => ({ ...file, json: JSON.parse(file.text) as Json }));

const pageHref = /\/playlists\/([^/?]+)\/(?:items|tracks)/;
const playlistFiles = files.filter((file) => file.json.type === 'playlist');
const pageFiles = files.filter((file) => typeof file.json.href === 'string' && pageHref.test(file.json.href) && Array.isArray(file.json.items));
const errorFiles = files.filter((file) => typeof file.json.error === 'object');

/** The Dutch Top 40 page, a real page to alter in the drift checks. */
const realPage = (): Json & { items: Json[] } =>
  structuredClone(pageFiles.find((file) => file.name.includes('DutchTop40'))?.json) as Json & { items: Json[] };

describe("the real Spotify payloads against Spotify's OpenAPI definition", () => {
  it('finds the seven playlist and page files and the error bodies of the manifest', () => {
    // Assess
    expect(playlistFiles.length + pageFiles.length).toBe(7);
    expect(errorFiles).toHaveLength(2);
  });

  it('accepts every real playlist, page and error body, with only the documented deviations', () => {
    // Act
    const problems = [
      ...playlistFiles.flatMap((file) => problemsOf(schemas.playlist, file.json).map((line) => `${file.name} ${line}`)),
      ...pageFiles.flatMap((file) => problemsOf(schemas.itemsPage, file.json).map((line) => `${file.name} ${line}`)),
      ...errorFiles.flatMap((file) => problemsOf(schemas.error, file.json).map((line) => `${file.name} ${line}`)),
    ];
    // Assess
    expect(problems).toEqual([]);
  });

  it.each([
    ['a key the definition does not name', (page: Json & { items: Json[] }) => Object.assign((page.items[0]?.track as Json).album as Json, { invented: 1 })],
    ['a missing required key', (page: Json & { items: Json[] }) => delete page.next],
    ['a value outside an enum', (page: Json & { items: Json[] }) => Object.assign((page.items[0]?.track as Json).album as Json, { album_type: 'ep' })],
    ['a malformed timestamp', (page: Json & { items: Json[] }) => Object.assign(page.items[0] ?? {}, { added_at: 'yesterday' })],
  ])('fails a page with %s, so drift cannot pass unnoticed', (_what, alter) => {
    // Prepare
    const page = realPage();
    alter(page);
    // Act
    const problems = problemsOf(schemas.itemsPage, page);
    // Assess
    expect(problems).not.toEqual([]);
  });
});

describe('HttpSpotifyApi on the real payloads', () => {
  it('decodes every real playlist and page, keeping the body byte for byte', async () => {
    // Prepare: a server answering each playlist and page file at the path the client asks for
    const bodies = new Map<string, string>([
      ...playlistFiles.map((file): [string, string] => [`/v1/playlists/${String(file.json.id)}`, file.text]),
      ...pageFiles.map((file): [string, string] => [`/v1/playlists/${pageHref.exec(String(file.json.href))?.[1] ?? ''}/items`, file.text]),
    ]);
    const server = createServer((req, res) => {
      const body = bodies.get(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(body ?? '{"error":{"status":404,"message":"Resource not found"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const token = { value: 'token', expiresAt: new Date(Date.now() + 3_600_000) };
    const api = new HttpSpotifyApi({
      apiBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      tokens: new MemoryTokenCache(token),
      auth: { fetchAccessToken: async () => token },
    });
    try {
      // Act
      const playlists = await Promise.all(playlistFiles.map((file) => api.getPlaylist(String(file.json.id))));
      const pages = await Promise.all(pageFiles.map((file) => api.getItemsPage(pageHref.exec(String(file.json.href))?.[1] ?? '', 0, 50)));
      // Assess
      // The bytes as served, not a re-serialisation: what lands in raw/.
      expect(playlists.map((playlist) => Buffer.from(playlist.body).toString())).toEqual(playlistFiles.map((file) => file.text));
      expect(pages.map((page) => Buffer.from(page.body).toString())).toEqual(pageFiles.map((file) => file.text));
      expect(playlists.map((playlist) => playlist.value.id)).toEqual(playlistFiles.map((file) => file.json.id));
      expect(pages.map((page) => page.value.items.length)).toEqual(pageFiles.map((file) => (file.json.items as unknown[]).length));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
