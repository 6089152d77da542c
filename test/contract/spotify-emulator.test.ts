import { describe, expect, it } from 'vitest';
import type { Shape } from '../../adapters/spotify/emulator/catalog';
import type { RunningEmulator } from '../../adapters/spotify/emulator/server';
import { emulatorWith } from '../support/emulator';
import { problemsOf, schemas, validator } from './spotify-openapi';

type Json = Record<string, unknown>;

const tokenOf = async (emulator: RunningEmulator): Promise<string> => {
  const { clientId, clientSecret, refreshToken = '' } = emulator.credentials;
  const response = await fetch(`${emulator.accountsBaseUrl}/api/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
};

const getter = (emulator: RunningEmulator, token: string) => async (path: string): Promise<{ status: number; body: Json }> => {
  const response = await fetch(`${emulator.apiBaseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Json };
};

/** Every playlist object and every page at limit 50 the emulator serves to the consenting user. */
const everyResponse = async (emulator: RunningEmulator) => {
  const get = getter(emulator, await tokenOf(emulator));
  const playlists: Json[] = [];
  const pages: Json[] = [];
  for (const id of emulator.playlistIds) {
    playlists.push((await get(`/playlists/${id}`)).body);
    for (let offset = 0; offset === 0 || offset < ((pages[pages.length - 1]?.total as number) ?? 0); offset += 50) {
      pages.push((await get(`/playlists/${id}/items?limit=50&offset=${offset}`)).body);
    }
  }
  return { playlists, pages };
};

describe("the emulator against Spotify's OpenAPI definition", () => {
  it.each<Shape>(['new', 'dual', 'legacy'])('serves playlist objects and item pages that match it, in the %s shape', async (shape) => {
    // Prepare
    const emulator = await emulatorWith({ shape });
    // Act
    const { playlists, pages } = await everyResponse(emulator);
    // Assess
    expect(playlists).toHaveLength(12);
    expect(pages).toHaveLength(37);
    expect(playlists.flatMap((playlist) => problemsOf(schemas.playlist, playlist))).toEqual([]);
    expect(pages.flatMap((page) => problemsOf(schemas.itemsPage, page))).toEqual([]);
  });

  it('serves the recorded fixtures, re-paged, as pages that match it', async () => {
    // Prepare
    const emulator = await emulatorWith({ fixturesDir: new URL('../fixtures/spotify/real', import.meta.url).pathname });
    // Act
    const { playlists, pages } = await everyResponse(emulator);
    // Assess
    expect(playlists.flatMap((playlist) => problemsOf(schemas.playlist, playlist))).toEqual([]);
    expect(pages.flatMap((page) => problemsOf(schemas.itemsPage, page))).toEqual([]);
  });

  it('serves a playlist the user may not read as metadata with a tracks reference, as Spotify does since 2026', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const get = getter(emulator, await tokenOf(emulator));
    const id = emulator.playlists.find((playlist) => !playlist.readable)?.id ?? '';
    // Act
    const { body } = await get(`/playlists/${id}`);
    // Assess
    const { items, ...metadata } = body;
    expect(problemsOf(schemas.playlist, metadata)).toEqual([]);
    expect(problemsOf(validator('PlaylistTracksRefObject'), items)).toEqual([]);
  });

  it('answers every error with the Web API error object', async () => {
    // Prepare
    const emulator = await emulatorWith({ rateLimit: { maxRequests: 7, windowSeconds: 60 } });
    const get = getter(emulator, await tokenOf(emulator));
    const readable = emulator.playlistIds[1] ?? '';
    const denied = emulator.playlists.find((playlist) => !playlist.readable)?.id ?? '';
    const quota = await emulatorWith({ quota: { maxRequests: 0 } });
    // Act
    const answers = [
      await get(`/playlists/${readable}/items?limit=51`),
      await get('/playlists/unknown-id'),
      await get(`/playlists/${denied}/items`),
      await getter(emulator, 'expired-or-unknown')(`/playlists/${readable}`),
      await get(`/playlists/${readable}/tracks`),
      await get('/me/top/artists'),
      await get(`/playlists/${readable}`),
      await get(`/playlists/${readable}`),
      await get(`/playlists/${readable}`),
      await getter(quota, await tokenOf(quota))(`/playlists/${readable}`),
    ];
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([400, 404, 403, 401, 403, 404, 200, 429, 429, 429]);
    expect(answers.filter((answer) => answer.status !== 200).flatMap((answer) => problemsOf(schemas.error, answer.body))).toEqual([]);
  });

  it('answers injected server errors with the Web API error object', async () => {
    // Prepare
    const emulator = await emulatorWith({ faults: '500=0.5,503=0.5' });
    const get = getter(emulator, await tokenOf(emulator));
    // Act
    const answers = await Promise.all(emulator.playlistIds.map((id) => get(`/playlists/${id}`)));
    // Assess
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([500, 503]));
    expect(answers.flatMap((answer) => problemsOf(schemas.error, answer.body))).toEqual([]);
  });
});
